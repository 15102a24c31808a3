/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * One switch that the controller programs: its OpenFlow connection, its
 * ports as last read (switch-ports.h), its desired flows (flow-engine.h) and
 * what remains to be reported about its ports in the northbound database
 * (binding.h).  A chassis' own controller has one; a central controller has
 * one per switch connected to it. */

#ifndef SWITCH_H
#define SWITCH_H 1

#include <stdbool.h>
#include "controller/binding.h"
#include "controller/flow-engine.h"
#include "controller/si-native.h"
#include "controller/si-stats.h"
#include "controller/switch-ports.h"
#include "openvswitch/list.h"

struct ds;
struct ofctrl;
struct ovsdb_idl;
struct ovsdb_idl_index;
struct ovsdb_idl_txn;

struct switch_ctx {
    struct ovs_list list_node;  /* In the controller's switches. */
    char *name;                 /* For logs and unixctl. */
    struct ofctrl *ofctrl;
    struct switch_ports ports;  /* Kept up to date by the owner... */
    uint64_t source_seqno;      /* ...who may note here the version of its
                                 * source that 'ports' reflects. */
    struct flow_engine engine;
    struct binding_acks acks;
    struct si_stats si_stats;   /* Service-insertion counters. */
    bool force_recompute;       /* At the next switch_ctx_run(). */
    bool unknown_warned;        /* Central: said that no chassis has the
                                 * switch's datapath ID. */
    bool native_missing;        /* --service-actions=native, but the switch
                                 * lacks the native actions. */
};

struct switch_ctx *switch_ctx_create(const char *name, struct ofctrl *,
                                     struct ovsdb_idl *nb,
                                     struct ovsdb_idl_index *port_by_name);
void switch_ctx_destroy(struct switch_ctx *);
void switch_ctx_run_si(struct switch_ctx *, struct ovsdb_idl *nb,
                       struct ovsdb_idl *ovs);
void switch_ctx_run(struct switch_ctx *);
void switch_ctx_put(struct switch_ctx *, struct ovsdb_idl_txn *nb_txn,
                    struct ovsdb_idl *nb,
                    struct ovsdb_idl_index *port_by_name);
void switch_ctx_status(const struct switch_ctx *, struct ds *);
void switch_ctx_status_actions(const struct switch_ctx *, struct ds *);
void switch_set_service_actions(enum si_actions);
void switch_ctx_wait(struct switch_ctx *);

#endif /* switch.h */
