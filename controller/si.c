/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/si.h"
#include <stdlib.h>
#include <string.h>
#include "controller/binding.h"
#include "controller/chassis.h"
#include "controller/flow-engine.h"
#include "controller/gateway.h"
#include "controller/si-flows.h"
#include "controller/si-health.h"
#include "controller/si-native.h"
#include "flow.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "smap.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(si);

/* What the flows account for one tenant. */
struct si_tenant {
    struct hmap_node node;      /* In si_state 'tenants'. */
    struct uuid uuid;
    struct uuidset owners;      /* Owners of the tenant's flows and groups. */
    struct simap local_ports;   /* Network UUID -> number of local ports. */
    bool active;                /* It has rules and local networks. */
};

/* What the flows account for one local port. */
struct si_port {
    struct hmap_node node;      /* In si_state 'ports'. */
    struct uuid port;
    struct uuid tenant;
    struct uuid net;
};

static const struct uuid no_owner;

static struct si_tenant *tenant_find(const struct si_state *,
                                     const struct uuid *, bool create);
static void tenant_recompute(struct si_state *, const struct local_state *,
                             const struct uuid *);
static void tenant_clear(struct si_state *, struct si_tenant *);
static void port_update(struct si_state *, const struct local_state *,
                        const struct nbrec_port *, bool deleted,
                        struct uuidset *dirty);
static void static_update(struct si_state *, const struct local_state *);
static void row_tenant(const struct nbrec_tenant *, struct uuid *);
static void net_tenant(const struct nbrec_network *, struct uuid *);
static void row_tenants(struct ovsdb_idl *, struct uuidset *);
static bool network_changed(const struct nbrec_network *);
static bool port_changed(const struct nbrec_port *);

/* Initializes 'si' empty. */
void
si_state_init(struct si_state *si)
{
    flow_table_init(&si->table);
    si_ids_init(&si->ids);
    si->health = si_health_create();
    hmap_init(&si->tenants);
    hmap_init(&si->ports);
    si->has_static = false;
    si->native = false;
    uuidset_init(&si->health_changes);
}

/* Frees what 'si' holds. */
void
si_state_destroy(struct si_state *si)
{
    struct si_tenant *t;
    HMAP_FOR_EACH_POP (t, node, &si->tenants) {
        uuidset_destroy(&t->owners);
        simap_destroy(&t->local_ports);
        free(t);
    }
    hmap_destroy(&si->tenants);
    struct si_port *p;
    HMAP_FOR_EACH_POP (p, node, &si->ports) {
        free(p);
    }
    hmap_destroy(&si->ports);
    flow_table_destroy(&si->table);
    si_ids_destroy(&si->ids);
    si_health_destroy(si->health);
    uuidset_destroy(&si->health_changes);
}

/* Returns the context in which si-flows.h lowers the state of 'si' for the
 * switch that 'ls' describes. */
struct si_ctx
si_make_ctx(struct si_state *si, const struct local_state *ls)
{
    return (struct si_ctx) {
        .chassis = ls->chassis,
        .geneve_port = ls->tunnel_ports[ENCAP_GENEVE],
        .ports = &ls->ports,
        .bindings = &ls->bindings,
        .underlay_mtu = ls->underlay_mtu,
        .ids = &si->ids,
        .health = si->health,
        .native = si->native,
        .nb = ls->nb,
    };
}

/* The 'si' node: recomputes every tenant's service-insertion flows. */
bool
si_run(struct engine_node *node)
{
    struct flow_engine *fe = node->data;
    struct si_state *si = &fe->si_state;
    const struct local_state *ls = &fe->local_state;

    flow_table_clear(&si->table);
    si->has_static = false;
    struct si_tenant *t;
    HMAP_FOR_EACH_POP (t, node, &si->tenants) {
        uuidset_destroy(&t->owners);
        simap_destroy(&t->local_ports);
        free(t);
    }
    struct si_port *p;
    HMAP_FOR_EACH_POP (p, node, &si->ports) {
        free(p);
    }
    uuidset_clear(&si->health_changes);

    /* Forget the numbers of rows that are gone. */
    struct uuidset keep = UUIDSET_INITIALIZER(&keep);
    const struct nbrec_service *svc;
    NBREC_SERVICE_FOR_EACH (svc, ls->nb) {
        uuidset_insert(&keep, &svc->header_.uuid);
    }
    const struct nbrec_service_instance *inst;
    NBREC_SERVICE_INSTANCE_FOR_EACH (inst, ls->nb) {
        uuidset_insert(&keep, &inst->header_.uuid);
    }
    si_ids_keep_only(&si->ids, &keep);
    uuidset_destroy(&keep);

    /* The local ports, then every tenant. */
    struct uuidset tenants = UUIDSET_INITIALIZER(&tenants);
    const struct simap_node *b;
    SIMAP_FOR_EACH (b, &ls->bindings) {
        const struct nbrec_port *port = binding_find_port(
            fe->flows_state.port_by_name, b->name);
        if (port) {
            port_update(si, ls, port, false, NULL);
        }
    }
    row_tenants(ls->nb, &tenants);
    const struct uuidset_node *n;
    UUIDSET_FOR_EACH (n, &tenants) {
        tenant_recompute(si, ls, &n->uuid);
    }
    uuidset_destroy(&tenants);
    static_update(si, ls);
    return true;
}

/* The switch changed: new, moved or removed local ports change their own
 * flows (and their tenant's, see port_update()); a new identity or other
 * ports (tunnel, appliance or port pair ports) recompute everything. */
enum engine_handled
si_handle_local(struct engine_node *node, struct engine_node *input)
{
    struct flow_engine *fe = node->data;
    struct si_state *si = &fe->si_state;
    const struct local_state *ls = input->data;

    if (ls->identity_changed || ls->ports_changed) {
        return ENGINE_UNHANDLED;
    }

    struct uuidset dirty = UUIDSET_INITIALIZER(&dirty);
    const char *name;
    SSET_FOR_EACH (name, &ls->changed) {
        const struct nbrec_port *port = binding_find_port(
            fe->flows_state.port_by_name, name);
        if (port) {
            port_update(si, ls, port, false, &dirty);
        }
    }
    const struct uuidset_node *n;
    UUIDSET_FOR_EACH (n, &dirty) {
        tenant_recompute(si, ls, &n->uuid);
    }
    uuidset_destroy(&dirty);
    static_update(si, ls);
    return ENGINE_HANDLED_UPDATED;
}

/* The northbound database changed: recompute the tenants whose
 * service-insertion rows, networks or (named in rules) ports changed;
 * other ports change their own flows. */
enum engine_handled
si_handle_nb(struct engine_node *node, struct engine_node *input)
{
    struct flow_engine *fe = node->data;
    struct si_state *si = &fe->si_state;
    const struct local_state *ls = &fe->local_state;
    struct ovsdb_idl *nb = input->data;
    struct uuidset dirty = UUIDSET_INITIALIZER(&dirty);
    struct uuid tenant;

    const struct nbrec_chassis *ch;
    NBREC_CHASSIS_FOR_EACH_TRACKED (ch, nb) {
        if (nbrec_chassis_is_new(ch) || nbrec_chassis_is_deleted(ch)
            || nbrec_chassis_is_updated(ch, NBREC_CHASSIS_COL_ENCAP_IP)) {
            /* A port pair's chassis, perhaps: recompute everything. */
            uuidset_destroy(&dirty);
            return ENGINE_UNHANDLED;
        }
    }

    const struct nbrec_insertion_rule *rule;
    NBREC_INSERTION_RULE_FOR_EACH_TRACKED (rule, nb) {
        row_tenant(rule->tenant, &tenant);
        uuidset_insert(&dirty, &tenant);
    }
    const struct nbrec_chain *chain;
    NBREC_CHAIN_FOR_EACH_TRACKED (chain, nb) {
        row_tenant(chain->tenant, &tenant);
        uuidset_insert(&dirty, &tenant);
    }
    const struct nbrec_service *svc;
    NBREC_SERVICE_FOR_EACH_TRACKED (svc, nb) {
        row_tenant(svc->tenant, &tenant);
        uuidset_insert(&dirty, &tenant);
        if (nbrec_service_is_deleted(svc)) {
            si_ids_forget(&si->ids, &svc->header_.uuid);
        }
    }
    const struct nbrec_service_instance *inst;
    NBREC_SERVICE_INSTANCE_FOR_EACH_TRACKED (inst, nb) {
        if (nbrec_service_instance_is_deleted(inst)) {
            si_ids_forget(&si->ids, &inst->header_.uuid);
        }
        /* The service's tenant; a deleted instance's service changed
         * too, or went with it. */
        if (inst->service) {
            row_tenant(inst->service->tenant, &tenant);
            uuidset_insert(&dirty, &tenant);
        }
    }
    const struct nbrec_port *port;
    const struct nbrec_network *net;
    NBREC_NETWORK_FOR_EACH_TRACKED (net, nb) {
        if (network_changed(net)) {
            net_tenant(net, &tenant);
            uuidset_insert(&dirty, &tenant);
        }
        /* A port can arrive before its network (conditional monitoring
         * asks for the networks of the ports it received): only now does
         * it have one. */
        if (nbrec_network_is_new(net)) {
            NBREC_PORT_FOR_EACH (port, nb) {
                if (port->network == net) {
                    port_update(si, ls, port, false, &dirty);
                }
            }
        }
    }
    /* A router's north-south flows use its conntrack zones, which depend
     * on the other routers of its gateway (gateway_router_zone()), and its
     * gateway's chassis: such changes recompute every router's tenant. */
    bool all_routers = false;
    const struct nbrec_router *router;
    NBREC_ROUTER_FOR_EACH_TRACKED (router, nb) {
        row_tenant(router->tenant, &tenant);
        uuidset_insert(&dirty, &tenant);
        all_routers |= (nbrec_router_is_new(router)
                        || nbrec_router_is_deleted(router)
                        || nbrec_router_is_updated(router,
                                                   NBREC_ROUTER_COL_GATEWAY));
    }
    const struct nbrec_gateway *gw;
    NBREC_GATEWAY_FOR_EACH_TRACKED (gw, nb) {
        all_routers = true;
    }
    if (all_routers) {
        NBREC_ROUTER_FOR_EACH (router, nb) {
            row_tenant(router->tenant, &tenant);
            uuidset_insert(&dirty, &tenant);
        }
    }

    NBREC_PORT_FOR_EACH_TRACKED (port, nb) {
        if (!port_changed(port)) {
            continue;
        }
        /* A port named in a rule changes the rule's flows. */
        NBREC_INSERTION_RULE_FOR_EACH (rule, nb) {
            const struct ovsdb_datum *d = nbrec_insertion_rule_get_port(
                rule, OVSDB_TYPE_UUID);
            if (d->n && uuid_equals(&d->keys[0].uuid, &port->header_.uuid)) {
                row_tenant(rule->tenant, &tenant);
                uuidset_insert(&dirty, &tenant);
            }
        }
        port_update(si, ls, port, nbrec_port_is_deleted(port), &dirty);
    }

    const struct uuidset_node *n;
    UUIDSET_FOR_EACH (n, &dirty) {
        tenant_recompute(si, ls, &n->uuid);
    }
    uuidset_destroy(&dirty);
    static_update(si, ls);
    return ENGINE_HANDLED_UPDATED;
}

/* The 'si_health' node: did the health of instances change? */
bool
si_health_node_run(struct engine_node *node)
{
    struct si_state *si = node->data;
    return si_health_take_changes(si->health, &si->health_changes);
}

/* The health of instances changed: recompute their tenants. */
enum engine_handled
si_handle_health(struct engine_node *node, struct engine_node *input OVS_UNUSED)
{
    struct flow_engine *fe = node->data;
    struct si_state *si = &fe->si_state;
    const struct local_state *ls = &fe->local_state;
    struct uuidset dirty = UUIDSET_INITIALIZER(&dirty);

    const struct nbrec_service_instance *inst;
    NBREC_SERVICE_INSTANCE_FOR_EACH (inst, ls->nb) {
        if (inst->service
            && uuidset_find(&si->health_changes, &inst->header_.uuid)) {
            struct uuid tenant;
            row_tenant(inst->service->tenant, &tenant);
            uuidset_insert(&dirty, &tenant);
        }
    }
    uuidset_clear(&si->health_changes);

    const struct uuidset_node *n;
    UUIDSET_FOR_EACH (n, &dirty) {
        tenant_recompute(si, ls, &n->uuid);
    }
    uuidset_destroy(&dirty);
    return ENGINE_HANDLED_UPDATED;
}

/* Adds to 'ports' the tunnel ports that the integration bridge needs for
 * the appliances in 'nb', each a "struct chassis_port" by name: a Geneve
 * or VXLAN port whose remote address and UDP port are the appliance's, and
 * with BFD if its service is probed so (with 'local_ip' as the source, if
 * 'set_local_ip'). */
void
si_ovs_ports(struct ovsdb_idl *nb, bool set_local_ip, const char *local_ip,
             struct shash *ports)
{
    const struct nbrec_service_instance *inst;

    NBREC_SERVICE_INSTANCE_FOR_EACH (inst, nb) {
        if ((strcmp(inst->type, "geneve") && strcmp(inst->type, "vxlan"))
            || !inst->address || !inst->service) {
            continue;
        }
        struct chassis_port *cp = xzalloc(sizeof *cp);
        cp->type = xstrdup(inst->type);
        smap_init(&cp->options);
        smap_init(&cp->bfd);
        smap_add(&cp->options, "remote_ip", inst->address);
        smap_add(&cp->options, "key", "flow");
        if (inst->n_udp_port) {
            smap_add_format(&cp->options, "dst_port", "%"PRId64,
                            inst->udp_port[0]);
        }
        if (set_local_ip) {
            smap_add(&cp->options, "local_ip", local_ip);
        }
        const struct smap *hc = &inst->service->health_check;
        const char *method = smap_get(hc, "method");
        if (method && !strcmp(method, "bfd")) {
            int interval = MAX(smap_get_int(hc, "interval", 1000), 100);
            smap_add(&cp->bfd, "enable", "true");
            smap_add_format(&cp->bfd, "min_tx", "%d", interval);
            smap_add_format(&cp->bfd, "min_rx", "%d", interval);
        }
        char *name = si_port_name(inst);
        if (!shash_add_once(ports, name, cp)) {
            chassis_port_destroy(cp);
        }
        free(name);
    }
}

static struct si_tenant *
tenant_find(const struct si_state *si, const struct uuid *uuid, bool create)
{
    struct si_tenant *t;

    HMAP_FOR_EACH_WITH_HASH (t, node, uuid_hash(uuid), &si->tenants) {
        if (uuid_equals(&t->uuid, uuid)) {
            return t;
        }
    }
    if (!create) {
        return NULL;
    }
    t = xzalloc(sizeof *t);
    t->uuid = *uuid;
    uuidset_init(&t->owners);
    simap_init(&t->local_ports);
    hmap_insert(&CONST_CAST(struct si_state *, si)->tenants, &t->node,
                uuid_hash(uuid));
    return t;
}

/* Removes every flow and group of 't'. */
static void
tenant_clear(struct si_state *si, struct si_tenant *t)
{
    const struct uuidset_node *n;
    UUIDSET_FOR_EACH (n, &t->owners) {
        flow_table_remove_owner(&si->table, &n->uuid);
    }
    uuidset_clear(&t->owners);
}

/* Returns true if 'tenant' has insertion rules that are north-south ('ns')
 * or not. */
static bool
tenant_has_rules(struct ovsdb_idl *nb, const struct uuid *tenant, bool ns)
{
    const struct nbrec_insertion_rule *rule;
    NBREC_INSERTION_RULE_FOR_EACH (rule, nb) {
        struct uuid t;
        row_tenant(rule->tenant, &t);
        if (uuid_equals(&t, tenant)
            && ns == !strcmp(rule->direction, "north-south")) {
            return true;
        }
    }
    return false;
}

/* Returns true if network 'net' reaches the external network through a
 * gateway on this chassis. */
static bool
net_gateway_here(const struct local_state *ls, const struct nbrec_network *net)
{
    const struct nbrec_router *r = net->router;
    return (ls->chassis && r && r->gateway && r->external_ip
            && r->gateway->chassis == ls->chassis
            && strcmp(net->type, "vlan"));
}

static int
compare_instances(const void *a_, const void *b_)
{
    const struct nbrec_service_instance *const *a = a_;
    const struct nbrec_service_instance *const *b = b_;
    return (*a)->id < (*b)->id ? -1 : (*a)->id > (*b)->id;
}

/* Recomputes the service-insertion flows and groups of tenant 'uuid'. */
static void
tenant_recompute(struct si_state *si, const struct local_state *ls,
                 const struct uuid *uuid)
{
    struct ovsdb_idl *nb = ls->nb;
    struct si_tenant *t = tenant_find(si, uuid, true);
    struct si_ctx ctx = si_make_ctx(si, ls);
    struct uuid tenant;

    tenant_clear(si, t);

    /* Its networks with local ports, and which networks each reaches. */
    struct si_net *nets = NULL;
    size_t n_nets = 0;
    const struct nbrec_network *net;
    NBREC_NETWORK_FOR_EACH (net, nb) {
        char key[UUID_LEN + 1];
        snprintf(key, sizeof key, UUID_FMT, UUID_ARGS(&net->header_.uuid));
        net_tenant(net, &tenant);
        if (!uuid_equals(&tenant, uuid)
            || !simap_get(&t->local_ports, key)) {
            continue;
        }
        nets = xrealloc(nets, (n_nets + 1) * sizeof *nets);
        struct si_net *n = &nets[n_nets++];
        n->net = net;
        n->reachable = xmalloc(sizeof *n->reachable);
        n->reachable[0] = net;
        n->n_reachable = 1;
        const struct nbrec_network *peer;
        NBREC_NETWORK_FOR_EACH (peer, nb) {
            if (net->router && peer->router == net->router && peer != net) {
                n->reachable = xrealloc(n->reachable, (n->n_reachable + 1)
                                        * sizeof *n->reachable);
                n->reachable[n->n_reachable++] = peer;
            }
        }
    }
    /* Its networks whose gateway is this chassis. */
    const struct nbrec_network **ns_nets = NULL;
    size_t n_ns = 0;
    NBREC_NETWORK_FOR_EACH (net, nb) {
        net_tenant(net, &tenant);
        if (uuid_equals(&tenant, uuid) && net_gateway_here(ls, net)) {
            ns_nets = xrealloc(ns_nets, (n_ns + 1) * sizeof *ns_nets);
            ns_nets[n_ns++] = net;
        }
    }
    if (!tenant_has_rules(nb, uuid, true)) {
        n_ns = 0;
    }
    t->active = (n_nets && tenant_has_rules(nb, uuid, false)) || n_ns;
    ctx.ns_nets = ns_nets;
    ctx.n_ns = n_ns;

    /* Its instances, by ID. */
    const struct nbrec_service_instance **insts = NULL;
    size_t n_insts = 0;
    const struct nbrec_service_instance *inst;
    NBREC_SERVICE_INSTANCE_FOR_EACH (inst, nb) {
        if (!inst->service) {
            continue;
        }
        row_tenant(inst->service->tenant, &tenant);
        if (uuid_equals(&tenant, uuid)) {
            insts = xrealloc(insts, (n_insts + 1) * sizeof *insts);
            insts[n_insts++] = inst;
        }
    }
    if (n_insts) {
        qsort(insts, n_insts, sizeof *insts, compare_instances);
    }

    if (t->active) {
        for (size_t i = 0; i < n_nets; i++) {
            si_flows_network(&si->table, &ctx, nets[i].net);
            uuidset_insert(&t->owners, &nets[i].net->header_.uuid);
        }
        struct si_port *sp;
        HMAP_FOR_EACH (sp, node, &si->ports) {
            if (uuid_equals(&sp->tenant, uuid)) {
                const struct nbrec_port *port = nbrec_port_get_for_uuid(
                    nb, &sp->port);
                if (port && port->name
                    && simap_contains(&ls->bindings, port->name)) {
                    si_flows_port(&si->table, &ctx, port, u16_to_ofp(
                                      simap_get(&ls->bindings, port->name)));
                    uuidset_insert(&t->owners, &sp->port);
                }
            }
        }
        for (size_t i = 0; i < n_ns; i++) {
            si_flows_ns_network(&si->table, ns_nets[i],
                                gateway_router_zone(nb, ns_nets[i]->router));
            uuidset_insert(&t->owners, &ns_nets[i]->header_.uuid);
        }
        const struct nbrec_insertion_rule *rule;
        NBREC_INSERTION_RULE_FOR_EACH (rule, nb) {
            row_tenant(rule->tenant, &tenant);
            if (uuid_equals(&tenant, uuid)) {
                si_flows_rule(&si->table, &ctx, rule, nets, n_nets,
                              ns_nets, n_ns);
                uuidset_insert(&t->owners, &rule->header_.uuid);
            }
        }
    }

    /* Its chains, and where each service is used. */
    const struct nbrec_chain *chain;
    NBREC_CHAIN_FOR_EACH (chain, nb) {
        row_tenant(chain->tenant, &tenant);
        if (t->active && uuid_equals(&tenant, uuid)) {
            si_flows_chain(&si->table, &ctx, chain, insts, n_insts, nets,
                           n_nets);
            uuidset_insert(&t->owners, &chain->header_.uuid);
        }
    }
    const struct nbrec_service *svc;
    NBREC_SERVICE_FOR_EACH (svc, nb) {
        row_tenant(svc->tenant, &tenant);
        if (!uuid_equals(&tenant, uuid)) {
            continue;
        }

        struct si_hop *hops = NULL;
        size_t n_hops = 0;
        NBREC_CHAIN_FOR_EACH (chain, nb) {
            for (size_t i = 0; i < chain->n_hops; i++) {
                if (chain->value_hops[i] == svc && chain->id) {
                    hops = xrealloc(hops, (n_hops + 1) * sizeof *hops);
                    hops[n_hops++] = (struct si_hop) {
                        chain, chain->key_hops[i]
                    };
                }
            }
        }

        const struct nbrec_service_instance **mine = xmalloc(
            MAX(n_insts, 1) * sizeof *mine);
        size_t n_mine = 0;
        for (size_t i = 0; i < n_insts; i++) {
            if (insts[i]->service == svc) {
                mine[n_mine++] = insts[i];
            }
        }
        bool native = si_native_applies(&ctx, svc, mine, n_mine);
        if (t->active && n_hops) {
            if (native) {
                si_native_service(&si->table, &ctx, svc, mine, n_mine, hops,
                                  n_hops);
            } else {
                si_flows_service(&si->table, &ctx, svc, mine, n_mine);
            }
            uuidset_insert(&t->owners, &svc->header_.uuid);
        }
        for (size_t i = 0; i < n_mine; i++) {
            if (native) {
                si_native_instance(&si->table, &ctx, mine[i], hops, n_hops,
                                   t->active);
            } else {
                si_flows_instance(&si->table, &ctx, mine[i], hops, n_hops,
                                  t->active);
            }
            uuidset_insert(&t->owners, &mine[i]->header_.uuid);
        }
        free(mine);
        free(hops);
    }

    for (size_t i = 0; i < n_nets; i++) {
        free(nets[i].reachable);
    }
    free(nets);
    free(ns_nets);
    free(insts);
}

/* Brings the accounting of local port 'port' (just 'deleted' from the
 * database, if so) up to date and, if its tenant has insertion rules, its
 * flows.  If 'dirty' is nonnull, adds to it the tenants that need a
 * recompute because the port was the first or last local port of its
 * network (with a null 'dirty', the caller recomputes every tenant). */
static void
port_update(struct si_state *si, const struct local_state *ls,
            const struct nbrec_port *port, bool deleted,
            struct uuidset *dirty)
{
    const struct uuid *uuid = &port->header_.uuid;
    struct si_port *sp = NULL, *p;
    HMAP_FOR_EACH_WITH_HASH (p, node, uuid_hash(uuid), &si->ports) {
        if (uuid_equals(&p->port, uuid)) {
            sp = p;
        }
    }

    /* Take the old state out. */
    char key[UUID_LEN + 1];
    if (sp) {
        struct si_tenant *t = tenant_find(si, &sp->tenant, false);
        if (t) {
            snprintf(key, sizeof key, UUID_FMT, UUID_ARGS(&sp->net));
            struct simap_node *n = simap_find(&t->local_ports, key);
            if (n && !--n->data) {
                simap_delete(&t->local_ports, n);
                if (dirty) {
                    uuidset_insert(dirty, &t->uuid);
                }
            }
            flow_table_remove_owner(&si->table, uuid);
            uuidset_find_and_delete(&t->owners, uuid);
        }
        hmap_remove(&si->ports, &sp->node);
        free(sp);
    }

    /* And the new one in. */
    const struct nbrec_network *net = port->network;
    if (deleted || !net || !simap_contains(&ls->bindings, port->name)) {
        return;
    }
    sp = xmalloc(sizeof *sp);
    sp->port = *uuid;
    net_tenant(net, &sp->tenant);
    sp->net = net->header_.uuid;
    hmap_insert(&si->ports, &sp->node, uuid_hash(uuid));

    struct si_tenant *t = tenant_find(si, &sp->tenant, true);
    snprintf(key, sizeof key, UUID_FMT, UUID_ARGS(&sp->net));
    if (simap_increase(&t->local_ports, key, 1) == 1) {
        if (dirty) {
            uuidset_insert(dirty, &t->uuid);
        }
    } else if (t->active) {
        struct si_ctx ctx = si_make_ctx(si, ls);
        si_flows_port(&si->table, &ctx, port,
                      u16_to_ofp(simap_get(&ls->bindings, port->name)));
        uuidset_insert(&t->owners, uuid);
    }
}

/* Adds the static flows if any tenant has flows, removes them if none
 * does. */
static void
static_update(struct si_state *si, const struct local_state *ls)
{
    bool needed = false;
    const struct si_tenant *t;
    HMAP_FOR_EACH (t, node, &si->tenants) {
        if (!uuidset_is_empty(&t->owners)) {
            needed = true;
            break;
        }
    }
    if (needed != si->has_static) {
        flow_table_remove_owner(&si->table, &no_owner);
        if (needed) {
            struct si_ctx ctx = si_make_ctx(si, ls);
            si_flows_static(&si->table, &ctx);
            if (ctx.native) {
                si_native_static(&si->table, &ctx);
            }
        }
        si->has_static = needed;
    }
}

/* Returns true if 'net' is new, deleted or changed in a column other than
 * its count of allocated addresses, which changes with every port that
 * takes an address and concerns no flow. */
static bool
network_changed(const struct nbrec_network *net)
{
    if (nbrec_network_is_new(net) || nbrec_network_is_deleted(net)) {
        return true;
    }
    for (int i = 0; i < NBREC_NETWORK_N_COLUMNS; i++) {
        if (i != NBREC_NETWORK_COL_ALLOCATIONS
            && nbrec_network_is_updated(net, i)) {
            return true;
        }
    }
    return false;
}

/* Returns true if 'port' is new, deleted or changed in some column: the IDL
 * also reports every port of a network as changed, with no column
 * changed, when the network's row changes. */
static bool
port_changed(const struct nbrec_port *port)
{
    if (nbrec_port_is_new(port) || nbrec_port_is_deleted(port)) {
        return true;
    }
    for (int i = 0; i < NBREC_PORT_N_COLUMNS; i++) {
        if (nbrec_port_is_updated(port, i)) {
            return true;
        }
    }
    return false;
}

static void
net_tenant(const struct nbrec_network *net, struct uuid *tenant)
{
    row_tenant(net->tenant, tenant);
}

/* Stores in 'uuid' the UUID of 'tenant', a row's reference to its tenant
 * (the Tenant table is not replicated, so the row is the IDL's placeholder,
 * which knows only its UUID), or all-zeros if there is none. */
static void
row_tenant(const struct nbrec_tenant *tenant, struct uuid *uuid)
{
    *uuid = tenant ? tenant->header_.uuid : UUID_ZERO;
}

/* Adds to 'tenants' every tenant that has service-insertion rows or
 * networks in 'nb'. */
static void
row_tenants(struct ovsdb_idl *nb, struct uuidset *tenants)
{
    struct uuid t;

    const struct nbrec_network *net;
    NBREC_NETWORK_FOR_EACH (net, nb) {
        net_tenant(net, &t);
        uuidset_insert(tenants, &t);
    }
    const struct nbrec_service *svc;
    NBREC_SERVICE_FOR_EACH (svc, nb) {
        row_tenant(svc->tenant, &t);
        uuidset_insert(tenants, &t);
    }
    const struct nbrec_insertion_rule *rule;
    NBREC_INSERTION_RULE_FOR_EACH (rule, nb) {
        row_tenant(rule->tenant, &t);
        uuidset_insert(tenants, &t);
    }
    const struct nbrec_chain *chain;
    NBREC_CHAIN_FOR_EACH (chain, nb) {
        row_tenant(chain->tenant, &t);
        uuidset_insert(tenants, &t);
    }
}
