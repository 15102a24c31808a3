/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/binding.h"
#include <stdlib.h>
#include "flow.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/vlog.h"
#include "simap.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(binding);

/* A port waiting to be reported up. */
struct pending_up {
    struct hmap_node node;      /* In binding_acks 'pending_up'. */
    struct uuid port;           /* The port's UUID. */
    uint64_t seq;               /* The put that contains its flows. */
};

static struct pending_up *find_pending(const struct binding_acks *,
                                       const struct uuid *);

/* Returns the northbound port named 'name', through index 'by_name', or
 * NULL. */
const struct nbrec_port *
binding_find_port(struct ovsdb_idl_index *by_name, const char *name)
{
    struct nbrec_port *key = nbrec_port_index_init_row(by_name);
    nbrec_port_index_set_name(key, name);
    const struct nbrec_port *port = nbrec_port_index_find(by_name, key);
    nbrec_port_index_destroy_row(key);
    return port;
}

/* Initializes 'acks' with nothing pending. */
void
binding_acks_init(struct binding_acks *acks)
{
    hmap_init(&acks->pending_up);
    acks->pending_cfg = 0;
    acks->pending_cfg_seq = 0;
}

/* Frees what 'acks' holds. */
void
binding_acks_destroy(struct binding_acks *acks)
{
    struct pending_up *p;

    HMAP_FOR_EACH_POP (p, node, &acks->pending_up) {
        free(p);
    }
    hmap_destroy(&acks->pending_up);
}

/* Records that put 'put_seq' contains the flows of every bound port and the
 * configuration numbered 'nb_cfg': once the switch acknowledges it, the
 * ports that are not up yet can be reported up, and 'nb_cfg' as applied. */
void
binding_note_put(struct binding_acks *acks, struct ovsdb_idl_index *by_name,
                 const struct simap *bindings, int64_t nb_cfg,
                 uint64_t put_seq)
{
    if (!put_seq) {
        return;
    }

    const struct simap_node *node;
    SIMAP_FOR_EACH (node, bindings) {
        const struct nbrec_port *port = binding_find_port(by_name,
                                                          node->name);
        if (port && port->network && !(port->n_up && port->up[0])
            && !find_pending(acks, &port->header_.uuid)) {
            struct pending_up *p = xmalloc(sizeof *p);
            p->port = port->header_.uuid;
            p->seq = put_seq;
            hmap_insert(&acks->pending_up, &p->node, uuid_hash(&p->port));
        }
    }
    if (nb_cfg > acks->pending_cfg) {
        acks->pending_cfg = nb_cfg;
        acks->pending_cfg_seq = put_seq;
    }
}

/* Writes to the northbound database, in 'txn', what this chassis has to
 * say: it claims its bound ports, reports up those whose flows the switch
 * has acknowledged (puts up to 'acked_seq'), reports down those whose
 * interfaces are 'gone', and acknowledges the configuration number. */
void
binding_report(struct binding_acks *acks, struct ovsdb_idl_txn *txn,
               struct ovsdb_idl *nb, struct ovsdb_idl_index *by_name,
               const struct simap *bindings, const struct sset *gone,
               const struct nbrec_chassis *chassis, uint64_t acked_seq)
{
    if (!txn || !chassis) {
        return;
    }

    const struct simap_node *node;
    SIMAP_FOR_EACH (node, bindings) {
        const struct nbrec_port *port = binding_find_port(by_name,
                                                          node->name);
        if (port && port->chassis != chassis) {
            VLOG_INFO("claiming port %s (was %s)", port->name,
                      port->chassis ? port->chassis->name : "unbound");
            nbrec_port_set_chassis(port, chassis);
        }
    }

    static const bool up = true, down = false;
    struct pending_up *p;
    HMAP_FOR_EACH_SAFE (p, node, &acks->pending_up) {
        if (p->seq > acked_seq) {
            continue;
        }
        const struct nbrec_port *port = nbrec_port_get_for_uuid(nb, &p->port);
        if (port && simap_find(bindings, port->name)) {
            VLOG_INFO("port %s is up", port->name);
            nbrec_port_set_up(port, &up, 1);
        }
        hmap_remove(&acks->pending_up, &p->node);
        free(p);
    }

    const char *name;
    SSET_FOR_EACH (name, gone) {
        const struct nbrec_port *port = binding_find_port(by_name, name);
        if (port && port->chassis == chassis && port->n_up && port->up[0]) {
            VLOG_INFO("port %s is down: its interface is gone", name);
            nbrec_port_set_up(port, &down, 1);
        }
    }

    if (acks->pending_cfg_seq && acks->pending_cfg_seq <= acked_seq) {
        if (chassis->nb_cfg != acks->pending_cfg) {
            nbrec_chassis_set_nb_cfg(chassis, acks->pending_cfg);
            nbrec_chassis_set_nb_cfg_timestamp(chassis, time_wall_msec());
        }
        acks->pending_cfg_seq = 0;
    }
}

static struct pending_up *
find_pending(const struct binding_acks *acks, const struct uuid *uuid)
{
    struct pending_up *p;

    HMAP_FOR_EACH_WITH_HASH (p, node, uuid_hash(uuid), &acks->pending_up) {
        if (uuid_equals(&p->port, uuid)) {
            return p;
        }
    }
    return NULL;
}
