/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/monitor.h"
#include "controller/binding.h"
#include "controller/flows.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/hmap.h"
#include "ovsdb-data.h"
#include "ovsdb-idl.h"
#include "simap.h"
#include "sset.h"
#include "util.h"
#include "uuidset.h"

/* The "_uuid" column, which the generated IDL does not describe, for
 * conditions on row UUIDs. */
static const struct ovsdb_idl_column uuid_column = {
    .name = (char *) "_uuid",
    .type = OVSDB_TYPE_SCALAR_INITIALIZER(OVSDB_BASE_UUID_INIT),
};

static void add_uuid_clause(struct ovsdb_idl_condition *,
                            const struct uuid *);
static void add_local_port_network(struct uuidset *,
                                   const struct nbrec_port *);
static void add_ref(struct uuidset *, const struct ovsdb_datum *);

/* Makes 'nb' replicate what the controller uses, with change tracking for
 * the incremental engine.  If 'conditional', as for a chassis' own
 * controller, nothing of the tables that are filtered arrives until the
 * first monitor_update(); otherwise, as for a central controller that
 * serves every chassis, everything does. */
void
monitor_register(struct ovsdb_idl *nb, bool conditional)
{
    static const struct ovsdb_idl_table_class *tables[] = {
        &nbrec_table_nb_global, &nbrec_table_chassis, &nbrec_table_gateway,
        &nbrec_table_nat, &nbrec_table_static_route,
        &nbrec_table_firewall_rule, &nbrec_table_network,
        &nbrec_table_port, &nbrec_table_router, &nbrec_table_service,
        &nbrec_table_service_instance, &nbrec_table_chain,
        &nbrec_table_insertion_rule,
    };
    for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
        for (size_t j = 0; j < tables[i]->n_columns; j++) {
            ovsdb_idl_add_column(nb, &tables[i]->columns[j]);
        }
    }
    ovsdb_idl_track_add_all(nb);

    /* Every controller writes its own counters (si-stats.h), often; the
     * others' are of no interest. */
    ovsdb_idl_omit_alert(nb, &nbrec_insertion_rule_col_statistics);
    ovsdb_idl_omit_alert(nb, &nbrec_chain_col_statistics);
    ovsdb_idl_omit_alert(nb, &nbrec_service_instance_col_statistics);
    if (!conditional) {
        return;
    }

    struct ovsdb_idl_condition none = OVSDB_IDL_CONDITION_INIT(&none);
    /* The global row, chassis and gateways, which are few, arrive whole;
     * so do a router's NAT rules, static routes and firewall rules, which
     * only the routers that arrive refer to. */
    for (size_t i = 6; i < ARRAY_SIZE(tables); i++) {
        ovsdb_idl_set_condition(nb, tables[i], &none);
    }
    ovsdb_idl_condition_destroy(&none);
}

/* Brings the conditions of 'nb' up to date with what this chassis has:
 * the ports that it claimed, the bound ports that it has not claimed yet
 * (by name, in 'unclaimed'), and the networks of its bound ports
 * ('local_nets') and of the ports it reserved numbers for ('reserved').  The database server then sends what the new conditions
 * add, and the next call may widen them further (the routers of newly
 * received networks, and so on).  The work is proportional to those sets
 * and to the number of networks received, not to the number of ports.
 *
 * Returns the condition sequence number at which 'nb' will hold what these
 * conditions select: once ovsdb_idl_get_condition_seqno() reaches it and a
 * call with the received rows asks for nothing more, the view is complete. */
unsigned int
monitor_update(struct ovsdb_idl *nb, struct ovsdb_idl_index *by_name,
               const struct nbrec_chassis *chassis,
               const struct sset *unclaimed, const struct simap *reserved,
               const struct uuidset *local_nets)
{
    struct ovsdb_idl_condition ports = OVSDB_IDL_CONDITION_INIT(&ports);
    struct ovsdb_idl_condition networks = OVSDB_IDL_CONDITION_INIT(&networks);
    struct ovsdb_idl_condition routers = OVSDB_IDL_CONDITION_INIT(&routers);
    struct uuidset nets = UUIDSET_INITIALIZER(&nets);

    /* This chassis' ports, by claim and by name, and their networks. */
    if (chassis) {
        nbrec_port_add_clause_chassis(&ports, OVSDB_F_EQ,
                                      &chassis->header_.uuid);
    }
    const char *name;
    SSET_FOR_EACH (name, unclaimed) {
        nbrec_port_add_clause_name(&ports, OVSDB_F_EQ, name);
        add_local_port_network(&nets, binding_find_port(by_name, name));
    }
    const struct simap_node *reservation;
    SIMAP_FOR_EACH (reservation, reserved) {
        add_local_port_network(&nets, binding_find_port(by_name,
                                                        reservation->name));
    }
    const struct uuidset_node *n;
    UUIDSET_FOR_EACH (n, local_nets) {
        uuidset_insert(&nets, &n->uuid);
    }

    /* Those networks, their routers, and the routers' other networks. */
    UUIDSET_FOR_EACH (n, &nets) {
        add_uuid_clause(&networks, &n->uuid);
        const struct nbrec_network *net
            = flows_find_network(nb, &n->uuid);
        if (net) {
            /* The router's UUID, whether or not its row has arrived. */
            const struct ovsdb_datum *r = nbrec_network_get_router(
                net, OVSDB_TYPE_UUID);
            if (r->n) {
                add_uuid_clause(&routers, &r->keys[0].uuid);
                nbrec_network_add_clause_router(&networks, OVSDB_F_EQ,
                                                &r->keys[0].uuid);
            }
        }
    }

    /* On a gateway chassis, the routers that its gateways serve and their
     * networks. */
    const struct nbrec_gateway *gw;
    NBREC_GATEWAY_FOR_EACH (gw, nb) {
        if (chassis && gw->chassis == chassis) {
            nbrec_router_add_clause_gateway(&routers, OVSDB_F_EQ,
                                            &gw->header_.uuid);
            const struct nbrec_router *r;
            NBREC_ROUTER_FOR_EACH (r, nb) {
                if (r->gateway == gw) {
                    nbrec_network_add_clause_router(&networks, OVSDB_F_EQ,
                                                    &r->header_.uuid);
                }
            }
        }
    }

    /* The ports of every network received, and the tenants of those
     * networks. */
    struct uuidset tenants = UUIDSET_INITIALIZER(&tenants);
    const struct nbrec_network *net;
    NBREC_NETWORK_FOR_EACH (net, nb) {
        nbrec_port_add_clause_network(&ports, OVSDB_F_EQ,
                                      &net->header_.uuid);
        add_ref(&tenants, nbrec_network_get_tenant(net, OVSDB_TYPE_UUID));
    }

    /* Service insertion: the rows of those tenants, and, for the port pairs
     * on this chassis, their services and those services' tenants. */
    struct ovsdb_idl_condition services = OVSDB_IDL_CONDITION_INIT(&services);
    struct ovsdb_idl_condition instances
        = OVSDB_IDL_CONDITION_INIT(&instances);
    struct ovsdb_idl_condition chains = OVSDB_IDL_CONDITION_INIT(&chains);
    struct ovsdb_idl_condition rules = OVSDB_IDL_CONDITION_INIT(&rules);
    if (chassis) {
        nbrec_service_instance_add_clause_chassis(&instances, OVSDB_F_EQ,
                                                  &chassis->header_.uuid);
        const struct nbrec_service_instance *inst;
        NBREC_SERVICE_INSTANCE_FOR_EACH (inst, nb) {
            if (inst->chassis == chassis) {
                const struct ovsdb_datum *d
                    = nbrec_service_instance_get_service(inst,
                                                         OVSDB_TYPE_UUID);
                if (d->n) {
                    add_uuid_clause(&services, &d->keys[0].uuid);
                }
            }
        }
    }
    const struct nbrec_service *svc;
    NBREC_SERVICE_FOR_EACH (svc, nb) {
        add_ref(&tenants, nbrec_service_get_tenant(svc, OVSDB_TYPE_UUID));
        nbrec_service_instance_add_clause_service(&instances, OVSDB_F_EQ,
                                                  &svc->header_.uuid);
    }
    const struct uuidset_node *t;
    UUIDSET_FOR_EACH (t, &tenants) {
        nbrec_service_add_clause_tenant(&services, OVSDB_F_EQ, &t->uuid);
        nbrec_chain_add_clause_tenant(&chains, OVSDB_F_EQ, &t->uuid);
        nbrec_insertion_rule_add_clause_tenant(&rules, OVSDB_F_EQ, &t->uuid);
    }

    unsigned int seqno = ovsdb_idl_set_condition(nb, &nbrec_table_port,
                                                 &ports);
    seqno = MAX(seqno, ovsdb_idl_set_condition(nb, &nbrec_table_network,
                                               &networks));
    seqno = MAX(seqno, ovsdb_idl_set_condition(nb, &nbrec_table_router,
                                               &routers));
    seqno = MAX(seqno, ovsdb_idl_set_condition(nb, &nbrec_table_service,
                                               &services));
    seqno = MAX(seqno, ovsdb_idl_set_condition(
                    nb, &nbrec_table_service_instance, &instances));
    seqno = MAX(seqno, ovsdb_idl_set_condition(nb, &nbrec_table_chain,
                                               &chains));
    seqno = MAX(seqno, ovsdb_idl_set_condition(
                    nb, &nbrec_table_insertion_rule, &rules));
    ovsdb_idl_condition_destroy(&ports);
    ovsdb_idl_condition_destroy(&networks);
    ovsdb_idl_condition_destroy(&routers);
    ovsdb_idl_condition_destroy(&services);
    ovsdb_idl_condition_destroy(&instances);
    ovsdb_idl_condition_destroy(&chains);
    ovsdb_idl_condition_destroy(&rules);
    uuidset_destroy(&nets);
    uuidset_destroy(&tenants);
    return seqno;
}

/* Adds to 'set' the UUID in 'd', a reference column's datum, if any. */
static void
add_ref(struct uuidset *set, const struct ovsdb_datum *d)
{
    if (d->n) {
        uuidset_insert(set, &d->keys[0].uuid);
    }
}

static void
add_uuid_clause(struct ovsdb_idl_condition *cond, const struct uuid *uuid)
{
    /* The condition keeps a reference to the datum's atoms, so they must be
     * on the heap. */
    struct ovsdb_datum datum = { .n = 1, .keys = xmalloc(sizeof *datum.keys) };

    datum.keys[0].uuid = *uuid;
    ovsdb_idl_condition_add_clause(cond, OVSDB_F_EQ, &uuid_column, &datum);
    ovsdb_datum_destroy(&datum, &uuid_column.type);
}

/* Adds the UUID of the network of 'port' (which may be NULL) to 'nets',
 * whether or not the network's row has been received. */
static void
add_local_port_network(struct uuidset *nets, const struct nbrec_port *port)
{
    if (port) {
        const struct ovsdb_datum *d = nbrec_port_get_network(port,
                                                             OVSDB_TYPE_UUID);
        if (d->n) {
            uuidset_insert(nets, &d->keys[0].uuid);
        }
    }
}
