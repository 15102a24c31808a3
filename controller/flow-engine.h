/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The controller's incremental processing graph:
 *
 *     local (leaf)  ----+--> flows ------\
 *                       |                 +--> output
 *     northbound (leaf) +--> si ---------/
 *                           /
 *     si_health (leaf) ----/
 *
 * 'local' is the switch's state (switch-ports.h), as the caller last read
 * it: its northbound Chassis row, tunnel and patch ports, and port bindings.
 * 'northbound' is the tracked changes of the northbound database.  'flows'
 * is the desired flow table: a change to a port updates that port's flows
 * and, when it changes who receives the network's broadcasts, the network's
 * flows; other changes update the rows they touch; a change of this
 * chassis' identity recomputes everything.  'si' is service insertion, with
 * its own desired flows and groups (si.h); 'si_health' the changes in the
 * health of service instances as this chassis probes them.  'output' only
 * joins the two tables, which ofctrl installs together. */

#ifndef FLOW_ENGINE_H
#define FLOW_ENGINE_H 1

#include "controller/engine.h"
#include "controller/flow-table.h"
#include "controller/flows.h"
#include "controller/si.h"
#include "controller/switch-ports.h"
#include "openvswitch/hmap.h"
#include "openvswitch/shash.h"
#include "simap.h"
#include "sset.h"
#include "uuidset.h"

struct nbrec_chassis;
struct ovsdb_idl;
struct ovsdb_idl_index;

/* The 'local' node's data. */
struct local_state {
    struct ovsdb_idl *nb;
    const struct switch_ports *input;   /* The switch, as the caller sees it
                                         * now. */
    uint64_t input_seqno;       /* 'input''s seqno when last read. */

    /* The switch, as the flows account for it. */
    const struct nbrec_chassis *chassis;
    char *chassis_name;
    ofp_port_t tunnel_ports[N_ENCAPS];
    struct simap physnets;      /* Physical network -> patch port. */
    struct simap bindings;      /* Port name -> OpenFlow port. */
    struct sset reserved;       /* The bindings that are reservations
                                 * (switch-ports.h). */
    struct simap ports;         /* Every other port, by name. */
    int underlay_mtu;

    /* What changed in the latest run. */
    bool identity_changed;      /* Chassis row, tunnel or patch ports,
                                 * underlay MTU. */
    bool ports_changed;         /* Other ports. */
    struct sset changed;        /* Bindings added, removed, renumbered, or
                                 * that became or stopped being
                                 * reservations. */
    struct sset gone;           /* Bindings removed. */
};

/* The 'flows' node's data. */
struct flows_state {
    struct flow_table table;    /* The desired flows. */
    struct hmap ports;          /* "struct port_info"s, by port UUID. */
    struct hmap nets;           /* "struct net_members"es, by network UUID. */
    struct uuidset dirty_nets;  /* Networks whose flows need recomputing. */
    struct uuidset dirty_routers;   /* Routers whose north-south flows need
                                     * recomputing (gateway.h). */
    bool gateways_dirty;        /* The gateways' flows need recomputing. */
    struct shash net_routers;   /* Network UUID -> "struct uuid" of the
                                 * router it was last seen attached to. */
    struct ovsdb_idl_index *port_by_name;   /* Set by the caller. */
};

/* The graph. */
struct flow_engine {
    struct engine_node local;
    struct engine_node nb;
    struct engine_node si_health;
    struct engine_node flows;
    struct engine_node si;
    struct engine_node output;
    struct local_state local_state;
    struct flows_state flows_state;
    struct si_state si_state;
};

void flow_engine_init(struct flow_engine *, struct ovsdb_idl *nb,
                      struct ovsdb_idl_index *);
void flow_engine_destroy(struct flow_engine *);
void flow_engine_run(struct flow_engine *, const struct switch_ports *,
                     bool force_recompute);
void flow_engine_format_stats(struct flow_engine *, struct ds *);
void flow_engine_local_nets(const struct flow_engine *, struct uuidset *);

#endif /* flow-engine.h */
