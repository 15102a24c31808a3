/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * sluice-ctl commands to observe service insertion: the counters of rules,
 * chains and instances, and the trace of a packet through the chains (the
 * service insertion nouns themselves are in ctl-noun.h). */

#ifndef CTL_SI_H
#define CTL_SI_H 1

#include "db-ctl-base.h"

extern const struct ctl_command_syntax ctl_si_commands[];

#endif /* ctl-si.h */
