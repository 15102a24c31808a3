/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Service insertion with the native actions of ofproto-ext: "steer" chooses
 * an instance of a hop and sends the packet to it with the service context,
 * "accept" takes it back (docs/ofproto-ext.md).  These functions lower a
 * service's hops and its appliances to them instead of the select and
 * fast-failover groups and the per-instance flows of si-flows.h, with the
 * same behaviour: the same instance for a connection, the same context on
 * the wire, the same pinning in conntrack and the same failover
 * (docs/service-insertion.md).  Everything else (classification, the walk
 * along a chain, port pairs, the return to the pipeline) is shared with the
 * standard lowering. */

#ifndef SI_NATIVE_H
#define SI_NATIVE_H 1

#include <stdbool.h>
#include <stddef.h>

struct flow_table;
struct nbrec_service;
struct nbrec_service_instance;
struct si_ctx;
struct si_hop;

/* What the controller lowers service insertion to (--service-actions). */
enum si_actions {
    SI_ACTIONS_AUTO,            /* Native if the switch has the actions. */
    SI_ACTIONS_NATIVE,          /* Native, or nothing. */
    SI_ACTIONS_STOCK,           /* Standard OpenFlow. */
};

bool si_actions_from_string(const char *, enum si_actions *);
const char *si_actions_to_string(enum si_actions);

bool si_native_applies(const struct si_ctx *, const struct nbrec_service *,
                       const struct nbrec_service_instance **insts,
                       size_t n_insts);
void si_native_static(struct flow_table *, const struct si_ctx *);
void si_native_service(struct flow_table *, const struct si_ctx *,
                       const struct nbrec_service *,
                       const struct nbrec_service_instance **, size_t n,
                       const struct si_hop *, size_t n_hops);
void si_native_instance(struct flow_table *, const struct si_ctx *,
                        const struct nbrec_service_instance *,
                        const struct si_hop *, size_t n_hops, bool steering);

#endif /* si-native.h */
