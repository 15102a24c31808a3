/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * sluice-ctl commands for a router's NAT rules, static routes and firewall
 * rules (the router and gateway nouns themselves are in ctl-noun.h). */

#ifndef CTL_EDGE_H
#define CTL_EDGE_H 1

struct ctl_command_syntax;

extern const struct ctl_command_syntax ctl_edge_commands[];

#endif /* ctl-edge.h */
