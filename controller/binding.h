/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Port binding: what the controller reports back in the northbound database
 * about the switch ports bound to northbound ports (see switch-ports.h).  A
 * port is claimed for the switch's chassis when its switch port appears,
 * marked up only once the switch has acknowledged (with a barrier) a flow
 * update that contains its flows, and marked down when its switch port goes
 * away.  Its row records its OpenFlow port number, and for a port whose
 * interface does not exist yet, the number reserved for it (chassis.h),
 * once its flows for that number are acknowledged.  Nothing is written to the local Open vSwitch database on this
 * path.
 *
 * The work is proportional to what changed: only the bound ports that are
 * not yet claimed and up, which are few, are looked at in each iteration. */

#ifndef BINDING_H
#define BINDING_H 1

#include <stdbool.h>
#include <stdint.h>
#include "openvswitch/shash.h"
#include "sset.h"

struct nbrec_chassis;
struct nbrec_port;
struct ovsdb_idl;
struct ovsdb_idl_index;
struct ovsdb_idl_txn;
struct simap;

const struct nbrec_port *binding_find_port(struct ovsdb_idl_index *by_name,
                                           const char *name);

/* What remains to be reported. */
struct binding_acks {
    struct shash unreported;    /* Bound ports not yet claimed and up: port
                                 * name -> "struct unreported". */
    struct sset gone;           /* Ports to report down. */
    struct sset unclaimed;      /* Bound ports whose northbound rows are
                                 * absent or claimed by another chassis. */
    int64_t pending_cfg;        /* nb_cfg to acknowledge... */
    uint64_t pending_cfg_seq;   /* ...once this put is acked, or 0. */
};

void binding_acks_init(struct binding_acks *);
void binding_acks_destroy(struct binding_acks *);
void binding_update(struct binding_acks *, struct ovsdb_idl *nb,
                    struct ovsdb_idl_index *by_name,
                    const struct simap *bindings, const struct sset *reserved,
                    const struct sset *changed, const struct sset *gone,
                    bool all, const struct nbrec_chassis *);
bool binding_has_fresh(const struct binding_acks *);
void binding_note_put(struct binding_acks *, int64_t nb_cfg,
                      uint64_t put_seq);
void binding_report(struct binding_acks *, struct ovsdb_idl_txn *,
                    struct ovsdb_idl_index *by_name,
                    const struct nbrec_chassis *, uint64_t acked_seq);

#endif /* binding.h */
