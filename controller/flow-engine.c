/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/flow-engine.h"
#include <stdlib.h>
#include "controller/binding.h"
#include "controller/gateway.h"
#include "flow.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(flow_engine);

/* What the flows node last accounted for a port. */
struct port_info {
    struct hmap_node node;      /* In flows_state 'ports'. */
    struct uuid port;
    struct uuid net;            /* The port's network. */
    struct uuid chassis;        /* Its remote chassis, or all-zeros. */
    ofp_port_t ofport;          /* Its local port, or OFPP_NONE. */
};

/* Who receives a network's broadcasts: its local ports, and the other
 * chassis that have ports of it (with the number of those ports). */
struct net_members {
    struct hmap_node node;      /* In flows_state 'nets'. */
    struct uuid net;
    struct simap local;         /* Port UUID -> OpenFlow port. */
    struct simap remote;        /* Chassis UUID -> number of ports. */
};

static bool local_run(struct engine_node *);
static bool nb_run(struct engine_node *);
static bool flows_run(struct engine_node *);
static bool output_run(struct engine_node *);
static enum engine_handled output_handle(struct engine_node *,
                                         struct engine_node *);
static enum engine_handled flows_handle_local(struct engine_node *,
                                              struct engine_node *);
static enum engine_handled flows_handle_nb(struct engine_node *,
                                           struct engine_node *);
static void flows_update_port(struct flows_state *,
                              const struct local_state *,
                              const struct nbrec_port *, bool deleted);
static void flows_update_nets(struct flows_state *,
                              const struct local_state *);
static void members_clear(struct flows_state *);
static void flows_update_gateways(struct flows_state *,
                                  const struct local_state *);
static void mark_all_routers_dirty(struct flows_state *, struct ovsdb_idl *);
static void update_net_router(struct flows_state *,
                              const struct nbrec_network *);

/* Initializes 'fe' for the northbound database 'nb', with 'port_by_name',
 * an index of its ports by name. */
void
flow_engine_init(struct flow_engine *fe, struct ovsdb_idl *nb,
                 struct ovsdb_idl_index *port_by_name)
{
    memset(fe, 0, sizeof *fe);

    struct local_state *ls = &fe->local_state;
    ls->nb = nb;
    for (int e = 0; e < N_ENCAPS; e++) {
        ls->tunnel_ports[e] = OFPP_NONE;
    }
    simap_init(&ls->physnets);
    simap_init(&ls->bindings);
    sset_init(&ls->reserved);
    simap_init(&ls->ports);
    sset_init(&ls->changed);
    sset_init(&ls->gone);

    struct flows_state *fs = &fe->flows_state;
    flow_table_init(&fs->table);
    hmap_init(&fs->ports);
    hmap_init(&fs->nets);
    uuidset_init(&fs->dirty_nets);
    uuidset_init(&fs->dirty_routers);
    shash_init(&fs->net_routers);
    fs->port_by_name = port_by_name;

    fe->local = (struct engine_node) {
        .name = "local", .run = local_run, .data = ls,
    };
    fe->nb = (struct engine_node) {
        .name = "northbound", .run = nb_run, .data = nb,
    };
    fe->flows = (struct engine_node) {
        .name = "flows", .run = flows_run, .data = fe,
    };
    engine_add_input(&fe->flows, &fe->local, flows_handle_local);
    engine_add_input(&fe->flows, &fe->nb, flows_handle_nb);

    si_state_init(&fe->si_state);
    fe->si_health = (struct engine_node) {
        .name = "si_health", .run = si_health_node_run, .data = &fe->si_state,
    };
    fe->si = (struct engine_node) {
        .name = "si", .run = si_run, .data = fe,
    };
    engine_add_input(&fe->si, &fe->local, si_handle_local);
    engine_add_input(&fe->si, &fe->nb, si_handle_nb);
    engine_add_input(&fe->si, &fe->si_health, si_handle_health);

    fe->output = (struct engine_node) {
        .name = "output", .run = output_run, .data = fe,
    };
    engine_add_input(&fe->output, &fe->flows, output_handle);
    engine_add_input(&fe->output, &fe->si, output_handle);
}

/* Frees what 'fe' holds. */
void
flow_engine_destroy(struct flow_engine *fe)
{
    struct local_state *ls = &fe->local_state;
    free(ls->chassis_name);
    simap_destroy(&ls->physnets);
    simap_destroy(&ls->bindings);
    sset_destroy(&ls->reserved);
    simap_destroy(&ls->ports);
    sset_destroy(&ls->changed);
    sset_destroy(&ls->gone);

    struct flows_state *fs = &fe->flows_state;
    members_clear(fs);
    hmap_destroy(&fs->ports);
    hmap_destroy(&fs->nets);
    uuidset_destroy(&fs->dirty_nets);
    uuidset_destroy(&fs->dirty_routers);
    shash_destroy_free_data(&fs->net_routers);
    flow_table_destroy(&fs->table);
    si_state_destroy(&fe->si_state);
}

/* Brings the desired flows up to date with the northbound database and
 * 'sp', from scratch if 'force_recompute'. */
void
flow_engine_run(struct flow_engine *fe, const struct switch_ports *sp,
                bool force_recompute)
{
    fe->local_state.input = sp;
    engine_run(&fe->output, force_recompute);
}

/* Appends the engine's statistics to 's'. */
void
flow_engine_format_stats(struct flow_engine *fe, struct ds *s)
{
    struct engine_node *nodes[] = {
        &fe->local, &fe->nb, &fe->si_health, &fe->flows, &fe->si,
    };
    engine_format_stats(nodes, ARRAY_SIZE(nodes), s);
}

/* Adds to 'nets' the UUIDs of the networks that have local ports. */
void
flow_engine_local_nets(const struct flow_engine *fe, struct uuidset *nets)
{
    const struct net_members *m;

    HMAP_FOR_EACH (m, node, &fe->flows_state.nets) {
        if (!simap_is_empty(&m->local)) {
            uuidset_insert(nets, &m->net);
        }
    }
}

/* The 'local' node. */

static const struct nbrec_chassis *
find_chassis(struct ovsdb_idl *nb, const char *name)
{
    const struct nbrec_chassis *ch;

    NBREC_CHASSIS_FOR_EACH (ch, nb) {
        if (name && !strcmp(ch->name, name)) {
            return ch;
        }
    }
    return NULL;
}

/* Takes the switch's state from the caller and records what changed since
 * the last run. */
static bool
local_run(struct engine_node *node)
{
    struct local_state *ls = node->data;
    const struct switch_ports *sp = ls->input;

    ls->identity_changed = false;
    ls->ports_changed = false;
    sset_clear(&ls->changed);
    sset_clear(&ls->gone);

    /* The chassis row may come or go with the northbound database; the
     * ports change only with the switch. */
    const struct nbrec_chassis *chassis = find_chassis(ls->nb, sp->chassis);
    if (chassis == ls->chassis && sp->seqno == ls->input_seqno) {
        return false;
    }
    ls->input_seqno = sp->seqno;
    if (chassis != ls->chassis
        || !nullable_string_is_equal(sp->chassis, ls->chassis_name)
        || memcmp(sp->tunnel_ports, ls->tunnel_ports,
                  sizeof ls->tunnel_ports)
        || !simap_equal(&sp->physnets, &ls->physnets)
        || sp->underlay_mtu != ls->underlay_mtu) {
        ls->identity_changed = true;
        ls->underlay_mtu = sp->underlay_mtu;
        ls->chassis = chassis;
        free(ls->chassis_name);
        ls->chassis_name = nullable_xstrdup(sp->chassis);
        memcpy(ls->tunnel_ports, sp->tunnel_ports, sizeof ls->tunnel_ports);
        simap_clear(&ls->physnets);
        const struct simap_node *n;
        SIMAP_FOR_EACH (n, &sp->physnets) {
            simap_put(&ls->physnets, n->name, n->data);
        }
    }

    const struct simap_node *n;
    if (!simap_equal(&sp->ports, &ls->ports)) {
        ls->ports_changed = true;
        simap_clear(&ls->ports);
        SIMAP_FOR_EACH (n, &sp->ports) {
            simap_put(&ls->ports, n->name, n->data);
        }
    }
    SIMAP_FOR_EACH (n, &sp->bindings) {
        const struct simap_node *old = simap_find(&ls->bindings, n->name);
        if (!old || old->data != n->data
            || (simap_contains(&sp->reserved, n->name)
                != sset_contains(&ls->reserved, n->name))) {
            sset_add(&ls->changed, n->name);
        }
    }
    SIMAP_FOR_EACH (n, &ls->bindings) {
        if (!simap_find(&sp->bindings, n->name)) {
            sset_add(&ls->changed, n->name);
            sset_add(&ls->gone, n->name);
        }
    }
    const char *name;
    SSET_FOR_EACH (name, &ls->changed) {
        const struct simap_node *now = simap_find(&sp->bindings, name);
        if (now) {
            simap_put(&ls->bindings, name, now->data);
        } else {
            simap_find_and_delete(&ls->bindings, name);
        }
        if (now && simap_contains(&sp->reserved, name)) {
            sset_add(&ls->reserved, name);
        } else {
            sset_find_and_delete(&ls->reserved, name);
        }
    }

    return (ls->identity_changed || ls->ports_changed
            || !sset_is_empty(&ls->changed));
}

/* The 'northbound' node: did any replicated row change? */
static bool
nb_run(struct engine_node *node)
{
    struct ovsdb_idl *nb = node->data;

    return (nbrec_chassis_track_get_first(nb)
            || nbrec_network_track_get_first(nb)
            || nbrec_port_track_get_first(nb)
            || nbrec_router_track_get_first(nb)
            || nbrec_gateway_track_get_first(nb)
            || nbrec_nat_track_get_first(nb)
            || nbrec_static_route_track_get_first(nb)
            || nbrec_firewall_rule_track_get_first(nb)
            || nbrec_service_track_get_first(nb)
            || nbrec_service_instance_track_get_first(nb)
            || nbrec_chain_track_get_first(nb)
            || nbrec_insertion_rule_track_get_first(nb));
}

/* The 'output' node: its inputs' tables are the output. */
static bool
output_run(struct engine_node *node OVS_UNUSED)
{
    return true;
}

static enum engine_handled
output_handle(struct engine_node *node OVS_UNUSED,
              struct engine_node *input OVS_UNUSED)
{
    return ENGINE_HANDLED_UPDATED;
}

/* The 'flows' node. */

static struct flow_ctx
make_ctx(const struct local_state *ls)
{
    struct flow_ctx ctx = {
        .chassis = ls->chassis,
        .bindings = &ls->bindings,
        .physnets = &ls->physnets,
        .ports = &ls->ports,
    };
    memcpy(ctx.tunnel_ports, ls->tunnel_ports, sizeof ctx.tunnel_ports);
    return ctx;
}

/* Recomputes every flow from scratch. */
static bool
flows_run(struct engine_node *node)
{
    struct flow_engine *fe = node->data;
    struct flows_state *fs = &fe->flows_state;
    const struct local_state *ls = &fe->local_state;
    struct ovsdb_idl *nb = ls->nb;
    struct flow_ctx ctx = make_ctx(ls);

    flow_table_clear(&fs->table);
    members_clear(fs);
    uuidset_clear(&fs->dirty_nets);
    uuidset_clear(&fs->dirty_routers);

    flows_static(&fs->table);
    const struct nbrec_chassis *ch;
    NBREC_CHASSIS_FOR_EACH (ch, nb) {
        flows_chassis(&fs->table, &ctx, ch);
    }
    const struct nbrec_port *port;
    NBREC_PORT_FOR_EACH (port, nb) {
        flows_update_port(fs, ls, port, false);
    }
    const struct nbrec_network *net;
    shash_clear_free_data(&fs->net_routers);
    NBREC_NETWORK_FOR_EACH (net, nb) {
        uuidset_insert(&fs->dirty_nets, &net->header_.uuid);
        update_net_router(fs, net);
    }
    flows_update_nets(fs, ls);
    fs->gateways_dirty = true;
    mark_all_routers_dirty(fs, nb);
    flows_update_gateways(fs, ls);
    return true;
}

static enum engine_handled
flows_handle_local(struct engine_node *node, struct engine_node *input)
{
    struct flow_engine *fe = node->data;
    struct flows_state *fs = &fe->flows_state;
    const struct local_state *ls = input->data;

    if (ls->identity_changed) {
        return ENGINE_UNHANDLED;
    }

    const char *name;
    SSET_FOR_EACH (name, &ls->changed) {
        const struct nbrec_port *port = binding_find_port(fs->port_by_name,
                                                          name);
        if (port) {
            flows_update_port(fs, ls, port, false);
        }
    }
    flows_update_nets(fs, ls);

    /* A gateway's uplink is one of the other ports. */
    if (ls->ports_changed) {
        fs->gateways_dirty = true;
        mark_all_routers_dirty(fs, ls->nb);
    }
    flows_update_gateways(fs, ls);
    return ENGINE_HANDLED_UPDATED;
}

/* Returns true if the change to chassis 'ch' can change flows: not, for
 * example, a new configuration number that it acknowledges. */
static bool
chassis_flows_changed(const struct nbrec_chassis *ch)
{
    return (nbrec_chassis_is_new(ch) || nbrec_chassis_is_deleted(ch)
            || nbrec_chassis_is_updated(ch, NBREC_CHASSIS_COL_ENCAP_IP)
            || nbrec_chassis_is_updated(ch, NBREC_CHASSIS_COL_ENCAP_TYPES));
}

/* Returns true if the change to network 'net' can change flows: not, for
 * example, a new count of allocated addresses, which every port added with
 * an allocated address brings. */
static bool
network_flows_changed(const struct nbrec_network *net)
{
    static const enum nbrec_network_column_id columns[] = {
        NBREC_NETWORK_COL_TYPE, NBREC_NETWORK_COL_VNI,
        NBREC_NETWORK_COL_VLAN, NBREC_NETWORK_COL_PHYSICAL_NETWORK,
        NBREC_NETWORK_COL_SUBNETS, NBREC_NETWORK_COL_GATEWAYS,
        NBREC_NETWORK_COL_ROUTER,
    };

    if (nbrec_network_is_new(net) || nbrec_network_is_deleted(net)) {
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(columns); i++) {
        if (nbrec_network_is_updated(net, columns[i])) {
            return true;
        }
    }
    return false;
}

/* Returns true if the change to port 'port' can change flows.  (A port is
 * also reported changed, with no column changed, when a row that it refers
 * to changes, such as its network's count of allocated addresses.) */
static bool
port_flows_changed(const struct nbrec_port *port)
{
    static const enum nbrec_port_column_id columns[] = {
        NBREC_PORT_COL_NAME, NBREC_PORT_COL_NETWORK, NBREC_PORT_COL_CHASSIS,
        NBREC_PORT_COL_MAC, NBREC_PORT_COL_IPS, NBREC_PORT_COL_PORT_SECURITY,
    };

    if (nbrec_port_is_new(port) || nbrec_port_is_deleted(port)) {
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(columns); i++) {
        if (nbrec_port_is_updated(port, columns[i])) {
            return true;
        }
    }
    return false;
}

static enum engine_handled
flows_handle_nb(struct engine_node *node, struct engine_node *input)
{
    struct flow_engine *fe = node->data;
    struct flows_state *fs = &fe->flows_state;
    const struct local_state *ls = &fe->local_state;
    struct ovsdb_idl *nb = input->data;
    struct flow_ctx ctx = make_ctx(ls);

    /* Another chassis: its tunnel ingress, and the tunnels to its ports.
     * This chassis' own row is part of its identity. */
    const struct nbrec_chassis *ch;
    NBREC_CHASSIS_FOR_EACH_TRACKED (ch, nb) {
        if (ls->chassis_name && !strcmp(ch->name, ls->chassis_name)) {
            if (nbrec_chassis_is_new(ch) || nbrec_chassis_is_deleted(ch)) {
                return ENGINE_UNHANDLED;
            }
            continue;
        }
        if (!chassis_flows_changed(ch)) {
            continue;
        }
        flow_table_remove_owner(&fs->table, &ch->header_.uuid);
        /* It may be a gateway's chassis, which tunnels lead to. */
        mark_all_routers_dirty(fs, nb);
        fs->gateways_dirty = true;
        if (!nbrec_chassis_is_deleted(ch)) {
            flows_chassis(&fs->table, &ctx, ch);
            const struct nbrec_port *port;
            NBREC_PORT_FOR_EACH (port, nb) {
                if (port->chassis == ch) {
                    flows_update_port(fs, ls, port, false);
                }
            }
        }
    }

    /* A network change can change every flow of its ports and the routing
     * of every network of its router, old or new: recompute the ports of
     * the network and the flows of all networks, which are few, and the
     * north-south flows of its routers, old and new. */
    const struct nbrec_network *net;
    bool nets_changed = false;
    NBREC_NETWORK_FOR_EACH_TRACKED (net, nb) {
        if (!network_flows_changed(net)) {
            continue;
        }
        if (nbrec_network_is_deleted(net)) {
            /* Its ports, if any remain, lose their flows. */
            return ENGINE_UNHANDLED;
        }
        nets_changed = true;
        const struct nbrec_port *port;
        NBREC_PORT_FOR_EACH (port, nb) {
            if (port->network == net) {
                flows_update_port(fs, ls, port, false);
            }
        }
        update_net_router(fs, net);
    }
    const struct nbrec_router *router;
    NBREC_ROUTER_FOR_EACH_TRACKED (router, nb) {
        nets_changed = true;
        uuidset_insert(&fs->dirty_routers, &router->header_.uuid);
        if (nbrec_router_is_new(router) || nbrec_router_is_deleted(router)
            || nbrec_router_is_updated(router, NBREC_ROUTER_COL_GATEWAY)) {
            /* The conntrack zones of the routers of a gateway depend on
             * each other (gateway_router_zone()). */
            mark_all_routers_dirty(fs, nb);
        }
    }
    if (nets_changed) {
        NBREC_NETWORK_FOR_EACH (net, nb) {
            uuidset_insert(&fs->dirty_nets, &net->header_.uuid);
        }
    }

    /* A router is reported changed when its NAT rules, static routes or
     * firewall rules change; a gateway change touches its routers. */
    const struct nbrec_gateway *gw;
    NBREC_GATEWAY_FOR_EACH_TRACKED (gw, nb) {
        fs->gateways_dirty = true;
        mark_all_routers_dirty(fs, nb);
    }

    const struct nbrec_port *port;
    NBREC_PORT_FOR_EACH_TRACKED (port, nb) {
        if (port_flows_changed(port)) {
            flows_update_port(fs, ls, port, nbrec_port_is_deleted(port));
        }
    }

    flows_update_nets(fs, ls);
    flows_update_gateways(fs, ls);
    return ENGINE_HANDLED_UPDATED;
}

static struct port_info *
port_info_find(const struct flows_state *fs, const struct uuid *uuid)
{
    struct port_info *pi;

    HMAP_FOR_EACH_WITH_HASH (pi, node, uuid_hash(uuid), &fs->ports) {
        if (uuid_equals(&pi->port, uuid)) {
            return pi;
        }
    }
    return NULL;
}

static struct net_members *
net_members_find(struct flows_state *fs, const struct uuid *net, bool create)
{
    struct net_members *m;

    HMAP_FOR_EACH_WITH_HASH (m, node, uuid_hash(net), &fs->nets) {
        if (uuid_equals(&m->net, net)) {
            return m;
        }
    }
    if (!create) {
        return NULL;
    }
    m = xmalloc(sizeof *m);
    m->net = *net;
    simap_init(&m->local);
    simap_init(&m->remote);
    hmap_insert(&fs->nets, &m->node, uuid_hash(net));
    return m;
}

static void
mark_net_dirty(struct flows_state *fs, const struct uuid *net)
{
    uuidset_insert(&fs->dirty_nets, net);
}

/* Removes what 'pi' counted in its network's members. */
static void
members_remove(struct flows_state *fs, const struct port_info *pi)
{
    struct net_members *m = net_members_find(fs, &pi->net, false);
    if (!m) {
        return;
    }

    char key[UUID_LEN + 1];
    if (pi->ofport != OFPP_NONE) {
        snprintf(key, sizeof key, UUID_FMT, UUID_ARGS(&pi->port));
        simap_find_and_delete(&m->local, key);
        mark_net_dirty(fs, &pi->net);
    } else if (!uuid_is_zero(&pi->chassis)) {
        snprintf(key, sizeof key, UUID_FMT, UUID_ARGS(&pi->chassis));
        struct simap_node *n = simap_find(&m->remote, key);
        if (n && !--n->data) {
            simap_delete(&m->remote, n);
            mark_net_dirty(fs, &pi->net);
        }
    }
}

/* Adds what 'pi' counts in its network's members. */
static void
members_add(struct flows_state *fs, const struct port_info *pi)
{
    struct net_members *m = net_members_find(fs, &pi->net, true);
    char key[UUID_LEN + 1];

    if (pi->ofport != OFPP_NONE) {
        snprintf(key, sizeof key, UUID_FMT, UUID_ARGS(&pi->port));
        simap_put(&m->local, key, ofp_to_u16(pi->ofport));
        mark_net_dirty(fs, &pi->net);
    } else if (!uuid_is_zero(&pi->chassis)) {
        snprintf(key, sizeof key, UUID_FMT, UUID_ARGS(&pi->chassis));
        if (simap_increase(&m->remote, key, 1) == 1) {
            mark_net_dirty(fs, &pi->net);
        }
    }
}

/* Recomputes the flows of 'port' and its place among its network's members
 * (unless 'deleted', which removes both). */
static void
flows_update_port(struct flows_state *fs, const struct local_state *ls,
                  const struct nbrec_port *port, bool deleted)
{
    const struct uuid *uuid = &port->header_.uuid;
    struct port_info *pi = port_info_find(fs, uuid);

    flow_table_remove_owner(&fs->table, uuid);
    if (pi) {
        members_remove(fs, pi);
        if (deleted) {
            hmap_remove(&fs->ports, &pi->node);
            free(pi);
            return;
        }
    } else if (deleted) {
        return;
    } else {
        pi = xzalloc(sizeof *pi);
        pi->port = *uuid;
        hmap_insert(&fs->ports, &pi->node, uuid_hash(uuid));
    }

    struct flow_ctx ctx = make_ctx(ls);
    const struct ovsdb_datum *d = nbrec_port_get_network(port,
                                                         OVSDB_TYPE_UUID);
    pi->net = d->n ? d->keys[0].uuid : UUID_ZERO;
    pi->ofport = flows_port_binding(&ctx, port);
    pi->chassis = (port->chassis && port->chassis != ls->chassis
                   ? port->chassis->header_.uuid : UUID_ZERO);
    members_add(fs, pi);

    flows_port(&fs->table, &ctx, port);
}

static int
compare_ofp_ports(const void *a_, const void *b_)
{
    const ofp_port_t *a = a_;
    const ofp_port_t *b = b_;
    return ofp_to_u16(*a) < ofp_to_u16(*b) ? -1 : ofp_to_u16(*a) > ofp_to_u16(*b);
}

/* Recomputes the flows of every network marked dirty. */
static void
flows_update_nets(struct flows_state *fs, const struct local_state *ls)
{
    struct flow_ctx ctx = make_ctx(ls);
    struct ovsdb_idl *nb = ls->nb;
    const struct uuidset_node *dirty;

    UUIDSET_FOR_EACH (dirty, &fs->dirty_nets) {
        struct uuid uuid = dirty->uuid;
        flow_table_remove_owner(&fs->table, &uuid);
        const struct nbrec_network *net = flows_find_network(nb, &uuid);
        if (!net) {
            continue;
        }

        /* The router's other networks. */
        const struct nbrec_network **peers = NULL;
        size_t n_peers = 0, allocated = 0;
        const struct nbrec_network *peer;
        NBREC_NETWORK_FOR_EACH (peer, nb) {
            if (net->router && peer->router == net->router && peer != net) {
                if (n_peers >= allocated) {
                    peers = x2nrealloc(peers, &allocated, sizeof *peers);
                }
                peers[n_peers++] = peer;
            }
        }

        /* Its members. */
        struct net_members *m = net_members_find(fs, &uuid, false);
        ofp_port_t *local = NULL;
        size_t n_local = 0;
        struct sset remote_ips = SSET_INITIALIZER(&remote_ips);
        if (m) {
            local = xmalloc(MAX(simap_count(&m->local), 1) * sizeof *local);
            const struct simap_node *node;
            SIMAP_FOR_EACH (node, &m->local) {
                local[n_local++] = u16_to_ofp(node->data);
            }
            qsort(local, n_local, sizeof *local, compare_ofp_ports);
            SIMAP_FOR_EACH (node, &m->remote) {
                struct uuid ch_uuid;
                uuid_from_string(&ch_uuid, node->name);
                const struct nbrec_chassis *ch;
                NBREC_CHASSIS_FOR_EACH (ch, nb) {
                    if (uuid_equals(&ch->header_.uuid, &ch_uuid)) {
                        sset_add(&remote_ips, ch->encap_ip);
                    }
                }
            }
        }

        struct flood_set flood = {
            .local_ports = local,
            .n_local_ports = n_local,
            .remote_ips = &remote_ips,
        };
        flows_network(&fs->table, &ctx, net, peers, n_peers, &flood);
        free(peers);
        free(local);
        sset_destroy(&remote_ips);
    }
    uuidset_clear(&fs->dirty_nets);
}

/* Marks dirty the router that network 'net' is attached to, and the one
 * that it was attached to, whose north-south flows cover its subnets. */
static void
update_net_router(struct flows_state *fs, const struct nbrec_network *net)
{
    char key[UUID_LEN + 1];
    snprintf(key, sizeof key, UUID_FMT, UUID_ARGS(&net->header_.uuid));

    struct uuid *old = shash_find_and_delete(&fs->net_routers, key);
    if (old) {
        uuidset_insert(&fs->dirty_routers, old);
        free(old);
    }
    const struct ovsdb_datum *d = nbrec_network_get_router(net,
                                                           OVSDB_TYPE_UUID);
    if (d->n) {
        uuidset_insert(&fs->dirty_routers, &d->keys[0].uuid);
        shash_add(&fs->net_routers, key, xmemdup(&d->keys[0].uuid,
                                                 sizeof d->keys[0].uuid));
    }
}

static void
mark_all_routers_dirty(struct flows_state *fs, struct ovsdb_idl *nb)
{
    const struct nbrec_router *r;
    NBREC_ROUTER_FOR_EACH (r, nb) {
        uuidset_insert(&fs->dirty_routers, &r->header_.uuid);
    }
}

/* Recomputes the flows of the gateways, if they are dirty, and of the
 * routers marked dirty. */
static void
flows_update_gateways(struct flows_state *fs, const struct local_state *ls)
{
    struct flow_ctx ctx = make_ctx(ls);
    struct ovsdb_idl *nb = ls->nb;

    if (fs->gateways_dirty) {
        bool any = false;
        const struct nbrec_gateway *gw;
        NBREC_GATEWAY_FOR_EACH (gw, nb) {
            flow_table_remove_owner(&fs->table, &gw->header_.uuid);
            any |= gateway_flows(&fs->table, &ctx, gw);
        }
        gateway_shared_flows(&fs->table, any);
        NBREC_GATEWAY_FOR_EACH_TRACKED (gw, nb) {
            if (nbrec_gateway_is_deleted(gw)) {
                flow_table_remove_owner(&fs->table, &gw->header_.uuid);
            }
        }
        fs->gateways_dirty = false;
    }

    const struct uuidset_node *dirty;
    UUIDSET_FOR_EACH (dirty, &fs->dirty_routers) {
        flow_table_remove_owner(&fs->table, &dirty->uuid);
    }
    const struct nbrec_router *r;
    NBREC_ROUTER_FOR_EACH (r, nb) {
        if (uuidset_find(&fs->dirty_routers, &r->header_.uuid)) {
            gateway_router_flows(&fs->table, &ctx, nb, r);
        }
    }
    uuidset_clear(&fs->dirty_routers);
}

static void
members_clear(struct flows_state *fs)
{
    struct port_info *pi;
    HMAP_FOR_EACH_POP (pi, node, &fs->ports) {
        free(pi);
    }

    struct net_members *m;
    HMAP_FOR_EACH_POP (m, node, &fs->nets) {
        simap_destroy(&m->local);
        simap_destroy(&m->remote);
        free(m);
    }
}
