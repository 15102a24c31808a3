/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/binding.h"
#include <stdlib.h>
#include "lib/sluice-nb-idl.h"
#include "openvswitch/vlog.h"
#include "simap.h"
#include "sset.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(binding);

/* A bound port that is not yet claimed and up (or, for a reservation,
 * whose reserved number is not yet in its row). */
struct unreported {
    uint64_t seq;               /* The put that contains its flows, or 0 if
                                 * none yet. */
    int64_t ofport;             /* Its OpenFlow port number. */
    bool reserved;              /* The number is a reservation: report the
                                 * number, not that the port is up. */
};

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
    shash_init(&acks->unreported);
    sset_init(&acks->gone);
    sset_init(&acks->unclaimed);
    acks->pending_cfg = 0;
    acks->pending_cfg_seq = 0;
}

/* Frees what 'acks' holds. */
void
binding_acks_destroy(struct binding_acks *acks)
{
    shash_destroy_free_data(&acks->unreported);
    sset_destroy(&acks->gone);
    sset_destroy(&acks->unclaimed);
}

/* Brings the set of ports to report up to date for port 'name', which
 * 'bindings' may or may not bind, with a reservation if 'reserved' has
 * it. */
static void
update_one(struct binding_acks *acks, struct ovsdb_idl_index *by_name,
           const struct simap *bindings, const struct sset *reserved,
           const struct nbrec_chassis *chassis, const char *name)
{
    const struct nbrec_port *port = binding_find_port(by_name, name);
    const struct simap_node *binding = simap_find(bindings, name);
    bool bound = binding != NULL;
    bool is_reserved = sset_contains(reserved, name);
    bool claimed = port && port->chassis == chassis;
    bool numbered = (claimed && bound && port->n_ofport
                     && port->ofport[0] == binding->data);
    bool done = numbered && (is_reserved || (port->n_up && port->up[0]));
    bool want = bound && port && !done;

    if (bound && !claimed) {
        sset_add(&acks->unclaimed, name);
    } else {
        sset_find_and_delete(&acks->unclaimed, name);
    }

    struct unreported *u = shash_find_data(&acks->unreported, name);
    if (want) {
        /* Whatever changed, only a put from now on has the port's current
         * flows. */
        if (!u) {
            u = xmalloc(sizeof *u);
            shash_add(&acks->unreported, name, u);
        }
        u->seq = 0;
        u->ofport = binding->data;
        u->reserved = is_reserved;
    } else if (u) {
        free(shash_find_and_delete(&acks->unreported, name));
    }
}

/* Brings the set of ports to report up to date with what changed: the
 * bound ports named in 'changed' and the northbound ports changed since the
 * last track clear in 'nb', or, if 'all', every bound port.  The bindings
 * named in 'reserved' are reservations.  The ports named in 'gone' lost
 * their switch ports. */
void
binding_update(struct binding_acks *acks, struct ovsdb_idl *nb,
               struct ovsdb_idl_index *by_name, const struct simap *bindings,
               const struct sset *reserved, const struct sset *changed,
               const struct sset *gone, bool all,
               const struct nbrec_chassis *chassis)
{
    const char *name;
    SSET_FOR_EACH (name, gone) {
        sset_add(&acks->gone, name);
    }
    SSET_FOR_EACH (name, changed) {
        if (simap_contains(bindings, name)) {
            sset_find_and_delete(&acks->gone, name);
        }
    }

    if (all) {
        shash_clear_free_data(&acks->unreported);
        sset_clear(&acks->unclaimed);
        const struct simap_node *node;
        SIMAP_FOR_EACH (node, bindings) {
            update_one(acks, by_name, bindings, reserved, chassis,
                       node->name);
        }
        return;
    }

    SSET_FOR_EACH (name, changed) {
        update_one(acks, by_name, bindings, reserved, chassis, name);
    }
    /* A port's flows need its network's row: once one arrives, only a put
     * from now on has them complete. */
    const struct nbrec_network *net;
    NBREC_NETWORK_FOR_EACH_TRACKED (net, nb) {
        if (nbrec_network_is_new(net)) {
            struct shash_node *node;
            SHASH_FOR_EACH (node, &acks->unreported) {
                struct unreported *u = node->data;
                u->seq = 0;
            }
            break;
        }
    }

    const struct nbrec_port *port;
    NBREC_PORT_FOR_EACH_TRACKED (port, nb) {
        if (nbrec_port_is_new(port) || nbrec_port_is_deleted(port)
            || nbrec_port_is_updated(port, NBREC_PORT_COL_NAME)
            || nbrec_port_is_updated(port, NBREC_PORT_COL_NETWORK)
            || nbrec_port_is_updated(port, NBREC_PORT_COL_CHASSIS)
            || nbrec_port_is_updated(port, NBREC_PORT_COL_OFPORT)
            || nbrec_port_is_updated(port, NBREC_PORT_COL_UP)) {
            update_one(acks, by_name, bindings, reserved, chassis,
                       port->name);
        }
    }
}

/* Returns true if a port to report has appeared since the last put.  Its
 * flows may all be installed already (a reservation), but the next put must
 * still end with a barrier: the switch answers it only after it has taken
 * in the port's interface, so that the port's first packets are not lost
 * when the port is reported up.  (ovs-vswitchd adds an interface to its
 * datapath before it translates packets from it, and reports the interface
 * in between.) */
bool
binding_has_fresh(const struct binding_acks *acks)
{
    const struct shash_node *node;
    SHASH_FOR_EACH (node, &acks->unreported) {
        const struct unreported *u = node->data;
        if (!u->seq) {
            return true;
        }
    }
    return false;
}

/* Records that put 'put_seq' contains the flows of every bound port and the
 * configuration numbered 'nb_cfg': once the switch acknowledges it, the
 * ports that are not up yet can be reported up, and 'nb_cfg' as applied. */
void
binding_note_put(struct binding_acks *acks, int64_t nb_cfg, uint64_t put_seq)
{
    if (!put_seq) {
        return;
    }

    struct shash_node *node;
    SHASH_FOR_EACH (node, &acks->unreported) {
        struct unreported *u = node->data;
        if (!u->seq) {
            u->seq = put_seq;
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
 * switch ports are gone, and acknowledges the configuration number. */
void
binding_report(struct binding_acks *acks, struct ovsdb_idl_txn *txn,
               struct ovsdb_idl_index *by_name,
               const struct nbrec_chassis *chassis, uint64_t acked_seq)
{
    if (!txn || !chassis) {
        return;
    }

    static const bool up = true, down = false;
    struct shash_node *node;
    SHASH_FOR_EACH (node, &acks->unreported) {
        struct unreported *u = node->data;
        const struct nbrec_port *port = binding_find_port(by_name,
                                                          node->name);
        if (!port) {
            continue;
        }
        if (port->chassis != chassis) {
            VLOG_INFO("claiming port %s (was %s)", port->name,
                      port->chassis ? port->chassis->name : "unbound");
            nbrec_port_set_chassis(port, chassis);
        }
        if (!u->seq || u->seq > acked_seq || !port->network) {
            continue;
        }
        if (!port->n_ofport || port->ofport[0] != u->ofport) {
            if (u->reserved) {
                VLOG_INFO("port %s: flows installed for reserved OpenFlow "
                          "port %"PRId64, port->name, u->ofport);
            }
            nbrec_port_set_ofport(port, &u->ofport, 1);
        }
        if (!u->reserved && !(port->n_up && port->up[0])) {
            VLOG_INFO("port %s is up", port->name);
            nbrec_port_set_up(port, &up, 1);
        }
    }

    const char *name;
    SSET_FOR_EACH (name, &acks->gone) {
        const struct nbrec_port *port = binding_find_port(by_name, name);
        if (port && port->chassis == chassis && port->n_up && port->up[0]) {
            VLOG_INFO("port %s is down: its switch port is gone", name);
            nbrec_port_set_up(port, &down, 1);
        }
    }
    sset_clear(&acks->gone);

    if (acks->pending_cfg_seq && acks->pending_cfg_seq <= acked_seq) {
        if (chassis->nb_cfg != acks->pending_cfg) {
            nbrec_chassis_set_nb_cfg(chassis, acks->pending_cfg);
            nbrec_chassis_set_nb_cfg_timestamp(chassis, time_wall_msec());
        }
        acks->pending_cfg_seq = 0;
    }
}
