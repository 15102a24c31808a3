/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Service insertion on one switch: the 'si' node of the incremental engine
 * (flow-engine.h), which works out from the northbound database and the
 * switch what each tenant's insertion rules, chains, services and
 * instances need on this chassis, and has si-flows.h lower that to flows
 * and groups in a desired table of its own.
 *
 * Its unit of work is the tenant: a change to any of a tenant's rules,
 * chains, services, instances or networks, or to the health of one of its
 * instances, recomputes the tenant's service-insertion flows; a port that
 * comes or goes on this chassis changes only its own flows, unless it is
 * the first or last local port of its network or a rule names it. */

#ifndef SI_H
#define SI_H 1

#include <stdbool.h>
#include "controller/flow-table.h"
#include "controller/si-ids.h"
#include "openvswitch/hmap.h"
#include "uuidset.h"

struct engine_node;
struct local_state;
struct ovsdb_idl;
struct shash;
struct si_health;

/* The 'si' node's data. */
struct si_state {
    struct flow_table table;    /* The desired flows and groups. */
    struct si_ids ids;          /* Group and instance numbers. */
    struct si_health *health;   /* Instance health on this chassis. */
    struct hmap tenants;        /* "struct si_tenant"s, by tenant UUID. */
    struct hmap ports;          /* "struct si_port"s, by port UUID: the
                                 * local ports as the flows account for
                                 * them. */
    bool has_static;            /* The static flows are in 'table'. */
    bool native;                /* The switch has the native actions and the
                                 * controller uses them (si-native.h); a
                                 * change needs a recompute. */
    struct uuidset health_changes;  /* Being handled. */
};

void si_state_init(struct si_state *);
void si_state_destroy(struct si_state *);

bool si_run(struct engine_node *);
enum engine_handled si_handle_local(struct engine_node *,
                                    struct engine_node *);
enum engine_handled si_handle_nb(struct engine_node *, struct engine_node *);
enum engine_handled si_handle_health(struct engine_node *,
                                     struct engine_node *);
bool si_health_node_run(struct engine_node *);

struct si_ctx si_make_ctx(struct si_state *, const struct local_state *);
void si_ovs_ports(struct ovsdb_idl *nb, bool set_local_ip,
                  const char *local_ip, struct shash *ports);

#endif /* si.h */
