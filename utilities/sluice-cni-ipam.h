/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Delegation to an IPAM plugin, as the CNI conventions describe it: the
 * plugin named by the configuration's "ipam.type" is found in CNI_PATH and
 * run with the same environment (with CNI_COMMAND, CNI_CONTAINERID and
 * CNI_IFNAME as given) and the same network configuration on its standard
 * input; for ADD its standard output is its result. */

#ifndef SLUICE_CNI_IPAM_H
#define SLUICE_CNI_IPAM_H 1

#include "compiler.h"
#include "utilities/sluice-cni-proto.h"

struct cni_error *cni_ipam_exec(const struct cni_config *,
                                const struct cni_env *, enum cni_command,
                                const char *container_id, const char *ifname,
                                struct cni_result *) OVS_WARN_UNUSED_RESULT;

#endif /* sluice-cni-ipam.h */
