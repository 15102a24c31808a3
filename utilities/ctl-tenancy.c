/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * sluice-ctl nouns for tenancy and attachment: tenants, their networks, the
 * ports on those networks, and the chassis the ports live on. */

#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "db-ctl-base.h"
#include "lib/ip-prefix.h"
#include "lib/nb-alloc.h"
#include "lib/nb-util.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "utilities/ctl-noun.h"
#include "util.h"

static const char *const network_types[] = { "geneve", "vxlan", "vlan",
                                             NULL };
static const char *const encap_types[] = { "geneve", "vxlan", NULL };
static const char *const chassis_roles[] = { "compute", "gateway", NULL };

static char *
format_int(const int64_t *value, size_t n)
{
    return n ? xasprintf("%"PRId64, value[0]) : xstrdup("");
}

static char *
format_bool(const bool *value, size_t n)
{
    return xstrdup(!n ? "" : value[0] ? "true" : "false");
}

/* Parses 'value' of setting 'key' as a list of addresses (if 'prefixes' is
 * false) or prefixes, each stored in 'out' in canonical form.  Returns NULL
 * on success, otherwise a malloc()'d error message. */
static char *
parse_address_list(const char *key, const char *value, bool prefixes,
                   struct svec *out)
{
    struct svec list = SVEC_EMPTY_INITIALIZER;
    const char *s;
    size_t i;

    ctl_split_list(value, &list);
    SVEC_FOR_EACH (i, s, &list) {
        struct ds ds = DS_EMPTY_INITIALIZER;
        char *error;
        if (prefixes) {
            struct ip_prefix p;
            error = ip_prefix_parse(s, &p);
            if (!error) {
                ip_prefix_format(&p, &ds);
            }
        } else {
            struct in6_addr a;
            bool ipv4;
            error = ip_addr_parse(s, &a, &ipv4);
            if (!error) {
                ip_addr_format(&a, &ds);
            }
        }
        if (error) {
            char *msg = xasprintf("%s: %s", key, error);
            free(error);
            ds_destroy(&ds);
            svec_destroy(&list);
            return msg;
        }
        svec_add_nocopy(out, ds_steal_cstr(&ds));
    }
    svec_destroy(&list);
    return NULL;
}

/* Tenants. */

static const char *
tenant_name(const struct ovsdb_idl_row *row)
{
    return CTL_CAST(nbrec_tenant, row)->name;
}

static const struct ovsdb_idl_row *
no_parent(const struct ovsdb_idl_row *row OVS_UNUSED)
{
    return NULL;
}

static void
tenant_add(struct ctl_context *ctx)
{
    const struct ovsdb_idl_row *parent;
    const char *name;
    int first;

    if (ctl_noun_add_begin(ctx, &ctl_noun_tenant, &parent, &name, &first)) {
        const struct nbrec_tenant *t = nbrec_tenant_insert(ctx->txn);
        nbrec_tenant_set_name(t, name);
        if (ctl_noun_apply_settings(ctx, &ctl_noun_tenant, &t->header_,
                                    first)) {
            ctl_noun_validate(ctx, &ctl_noun_tenant, &t->header_);
        }
    }
}

static char *
tenant_set(struct ctl_context *ctx OVS_UNUSED,
           const struct ovsdb_idl_row *row OVS_UNUSED, const char *key,
           const char *value OVS_UNUSED)
{
    return ctl_unknown_key(&ctl_noun_tenant, key);
}

static char *
tenant_validate(struct ctl_context *ctx OVS_UNUSED,
                const struct ovsdb_idl_row *row OVS_UNUSED)
{
    return NULL;
}

/* The kinds of objects that belong to a tenant, in the order in which they
 * can be deleted. */
static const struct ctl_noun *const tenant_children[] = {
    &ctl_noun_rule, &ctl_noun_chain, &ctl_noun_service, &ctl_noun_network,
    &ctl_noun_router,
};

static char *
tenant_delete(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
              bool force)
{
    if (!force) {
        struct ds deps = DS_EMPTY_INITIALIZER;
        for (size_t i = 0; i < ARRAY_SIZE(tenant_children); i++) {
            size_t n = ctl_noun_count_children(ctx, tenant_children[i], row);
            if (n) {
                ds_put_format(&deps, "%s%"PRIuSIZE" %s%s",
                              deps.length ? ", " : "", n,
                              tenant_children[i]->name, n > 1 ? "s" : "");
            }
        }
        if (deps.length) {
            char *error = xasprintf("tenant %s still has %s: delete them "
                                    "first, or use --force",
                                    tenant_name(row), ds_cstr(&deps));
            ds_destroy(&deps);
            return error;
        }
        ds_destroy(&deps);
    }

    for (size_t i = 0; i < ARRAY_SIZE(tenant_children); i++) {
        const struct ctl_noun *noun = tenant_children[i];
        const struct ovsdb_idl_row *child, *next;
        for (child = ovsdb_idl_first_row(ctx->idl, noun->table); child;
             child = next) {
            next = ovsdb_idl_next_row(child);
            if (noun->parent_of(child) == row) {
                char *error = noun->delete(ctx, child, true);
                if (error) {
                    return error;
                }
            }
        }
    }
    nbrec_tenant_delete(CTL_CAST(nbrec_tenant, row));
    return NULL;
}

static size_t
count_tenant_ports(struct ctl_context *ctx, const struct nbrec_tenant *t)
{
    const struct nbrec_port *port;
    size_t n = 0;

    NBREC_PORT_FOR_EACH (port, ctx->idl) {
        n += port->network->tenant == t;
    }
    return n;
}

static const char *const tenant_headings[] = {
    "TENANT", "NETWORKS", "PORTS", "SERVICES", "CHAINS", "RULES", "ROUTERS",
    NULL,
};

static void
tenant_describe(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
                struct svec *cells)
{
    const struct nbrec_tenant *t = CTL_CAST(nbrec_tenant, row);
    static const struct ctl_noun *const counted[] = {
        &ctl_noun_network, NULL, &ctl_noun_service, &ctl_noun_chain,
        &ctl_noun_rule, &ctl_noun_router,
    };

    svec_add(cells, t->name);
    for (size_t i = 0; i < ARRAY_SIZE(counted); i++) {
        size_t n = (counted[i]
                    ? ctl_noun_count_children(ctx, counted[i], row)
                    : count_tenant_ports(ctx, t));
        svec_add_nocopy(cells, xasprintf("%"PRIuSIZE, n));
    }
}

const struct ctl_noun ctl_noun_tenant = {
    .name = "tenant",
    .path = "TENANT",
    .table = &nbrec_table_tenant,
    .name_of = tenant_name,
    .parent_of = no_parent,
    .add_args = "",
    .add = tenant_add,
    .set = tenant_set,
    .keys = "none",
    .validate = tenant_validate,
    .delete = tenant_delete,
    .headings = tenant_headings,
    .describe = tenant_describe,
};

/* Networks. */

static const char *
network_name(const struct ovsdb_idl_row *row)
{
    return CTL_CAST(nbrec_network, row)->name;
}

static const struct ovsdb_idl_row *
network_tenant(const struct ovsdb_idl_row *row)
{
    return &CTL_CAST(nbrec_network, row)->tenant->header_;
}

/* Returns the lowest VNI that no network uses. */
static int64_t
free_vni(struct ctl_context *ctx)
{
    for (int64_t vni = 1; ; vni++) {
        const struct nbrec_network *n;
        bool used = false;

        NBREC_NETWORK_FOR_EACH (n, ctx->idl) {
            if (n->vni == vni) {
                used = true;
                break;
            }
        }
        if (!used) {
            return vni;
        }
    }
}

/* Sets the gateways of 'net' to the first host address of each of its
 * subnets. */
static void
set_default_gateways(const struct nbrec_network *net)
{
    struct svec gateways = SVEC_EMPTY_INITIALIZER;

    for (size_t i = 0; i < net->n_subnets; i++) {
        struct ip_prefix p;
        struct in6_addr a;
        char *error = ip_prefix_parse(net->subnets[i], &p);
        if (!error && ip_prefix_host(&p, 0, &a)) {
            struct ds ds = DS_EMPTY_INITIALIZER;
            ip_addr_format(&a, &ds);
            svec_add_nocopy(&gateways, ds_steal_cstr(&ds));
        }
        free(error);
    }
    nbrec_network_set_gateways(net, (const char **) gateways.names,
                               gateways.n);
    svec_destroy(&gateways);
}

static void
network_add(struct ctl_context *ctx)
{
    const struct ovsdb_idl_row *tenant;
    const char *name;
    int first;

    if (!ctl_noun_add_begin(ctx, &ctl_noun_network, &tenant, &name, &first)) {
        return;
    }

    const struct nbrec_network *net = nbrec_network_insert(ctx->txn);
    nbrec_network_set_tenant(net, CTL_CAST(nbrec_tenant, tenant));
    nbrec_network_set_name(net, name);
    nbrec_network_set_type(net, "geneve");
    if (first > 2) {
        char *list = ctl_join(&ctx->argv[2], first - 2, ",");
        char *error = ctl_noun_network.set(ctx, &net->header_, "subnets",
                                           list);
        free(list);
        if (error) {
            ctl_error(ctx, "%s", error);
            free(error);
            return;
        }
    }
    if (!ctl_noun_apply_settings(ctx, &ctl_noun_network, &net->header_,
                                 first)) {
        return;
    }
    if (!ctl_setting_given(ctx, first, "vni")) {
        nbrec_network_set_vni(net, free_vni(ctx));
    }
    if (!ctl_setting_given(ctx, first, "gateways")) {
        set_default_gateways(net);
    }
    ctl_noun_validate(ctx, &ctl_noun_network, &net->header_);
}

static char *
network_set(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
            const char *key, const char *value)
{
    const struct nbrec_network *net = CTL_CAST(nbrec_network, row);
    long long int n;
    char *error = NULL;

    if (!strcmp(key, "type")) {
        error = ctl_parse_enum(key, value, network_types);
        if (!error) {
            nbrec_network_set_type(net, value);
        }
    } else if (!strcmp(key, "vni")) {
        error = ctl_parse_int(key, value, 1, 16777215, &n);
        if (!error) {
            nbrec_network_set_vni(net, n);
        }
    } else if (!strcmp(key, "vlan") || !strcmp(key, "mtu")) {
        bool vlan = !strcmp(key, "vlan");
        int64_t v = 0;
        if (value[0]) {
            error = ctl_parse_int(key, value, vlan ? 1 : 576,
                                  vlan ? 4094 : 9000, &n);
            v = n;
        }
        if (!error) {
            (vlan ? nbrec_network_set_vlan : nbrec_network_set_mtu)(
                net, &v, value[0] ? 1 : 0);
        }
    } else if (!strcmp(key, "physical-network")) {
        if (value[0]) {
            error = nb_check_name("physical network", value);
        }
        if (!error) {
            nbrec_network_set_physical_network(net,
                                               value[0] ? value : NULL);
        }
    } else if (!strcmp(key, "subnets") || !strcmp(key, "gateways")) {
        bool subnets = !strcmp(key, "subnets");
        struct svec list = SVEC_EMPTY_INITIALIZER;
        error = parse_address_list(key, value, subnets, &list);
        if (!error) {
            (subnets ? nbrec_network_set_subnets : nbrec_network_set_gateways)(
                net, (const char **) list.names, list.n);
        }
        svec_destroy(&list);
    } else if (!strcmp(key, "router")) {
        const struct ovsdb_idl_row *router = NULL;
        if (value[0]) {
            router = ctl_noun_find_child(ctx, &ctl_noun_router,
                                         &net->tenant->header_, value, true);
            if (!router) {
                return ctl_take_error(ctx);
            }
        }
        nbrec_network_set_router(net, CTL_CAST(nbrec_router, router));
    } else {
        error = ctl_unknown_key(&ctl_noun_network, key);
    }
    return error;
}

/* Checks that the subnets of 'net' do not overlap each other or a subnet of
 * another network of the same tenant. */
static char *
check_subnet_overlaps(struct ctl_context *ctx, const struct nbrec_network *net,
                      const struct ip_prefix *mine, size_t n_mine)
{
    for (size_t i = 0; i < n_mine; i++) {
        for (size_t j = i + 1; j < n_mine; j++) {
            if (ip_prefix_overlaps(&mine[i], &mine[j])) {
                return xasprintf("subnets %s and %s of network %s overlap",
                                 net->subnets[i], net->subnets[j], net->name);
            }
        }
    }

    const struct nbrec_network *other;
    NBREC_NETWORK_FOR_EACH (other, ctx->idl) {
        if (other == net || other->tenant != net->tenant) {
            continue;
        }
        for (size_t j = 0; j < other->n_subnets; j++) {
            struct ip_prefix theirs;
            char *error = ip_prefix_parse(other->subnets[j], &theirs);
            if (error) {
                free(error);
                continue;
            }
            for (size_t i = 0; i < n_mine; i++) {
                if (ip_prefix_overlaps(&mine[i], &theirs)) {
                    return xasprintf("subnet %s of network %s/%s overlaps "
                                     "subnet %s of network %s/%s (subnets "
                                     "must not overlap within a tenant)",
                                     net->subnets[i], net->tenant->name,
                                     net->name, other->subnets[j],
                                     other->tenant->name, other->name);
                }
            }
        }
    }
    return NULL;
}

/* Checks that 'net' has one gateway in each subnet and that its ports'
 * addresses are in its subnets and are not gateways. */
static char *
check_network_addresses(struct ctl_context *ctx,
                        const struct nbrec_network *net,
                        const struct ip_prefix *subnets, size_t n_subnets)
{
    size_t *n_gateways = xcalloc(MAX(n_subnets, 1), sizeof *n_gateways);
    char *error = NULL;

    for (size_t i = 0; i < net->n_gateways && !error; i++) {
        struct in6_addr a;
        bool ipv4;
        error = ip_addr_parse(net->gateways[i], &a, &ipv4);
        if (error) {
            break;
        }
        size_t j;
        for (j = 0; j < n_subnets; j++) {
            if (ip_prefix_contains(&subnets[j], &a)) {
                break;
            }
        }
        if (j >= n_subnets
            || ip_prefix_host_index(&subnets[j], &a) == UINT64_MAX) {
            error = xasprintf("gateway %s is not a host address in a subnet "
                              "of network %s", net->gateways[i], net->name);
        } else if (n_gateways[j]++) {
            error = xasprintf("subnet %s of network %s has more than one "
                              "gateway", net->subnets[j], net->name);
        }
    }
    for (size_t j = 0; j < n_subnets && !error; j++) {
        if (!n_gateways[j]) {
            error = xasprintf("subnet %s of network %s has no gateway (set "
                              "gateways=)", net->subnets[j], net->name);
        }
    }
    free(n_gateways);
    if (error) {
        return error;
    }

    const struct nbrec_port *port;
    NBREC_PORT_FOR_EACH (port, ctx->idl) {
        if (port->network != net) {
            continue;
        }
        for (size_t i = 0; i < port->n_ips; i++) {
            struct in6_addr a;
            bool ipv4;
            char *e = ip_addr_parse(port->ips[i], &a, &ipv4);
            free(e);
            bool inside = false;
            for (size_t j = 0; j < n_subnets && !inside; j++) {
                inside = ip_prefix_contains(&subnets[j], &a);
            }
            if (!inside) {
                return xasprintf("port %s has address %s, which would be "
                                 "outside the subnets of network %s",
                                 port->name, port->ips[i], net->name);
            }
            for (size_t j = 0; j < net->n_gateways; j++) {
                if (!strcmp(net->gateways[j], port->ips[i])) {
                    return xasprintf("port %s already has address %s, which "
                                     "cannot be a gateway", port->name,
                                     port->ips[i]);
                }
            }
        }
    }
    return NULL;
}

static char *
network_validate(struct ctl_context *ctx, const struct ovsdb_idl_row *row)
{
    const struct nbrec_network *net = CTL_CAST(nbrec_network, row);

    if (!strcmp(net->type, "vlan")) {
        if (!net->n_vlan || !net->physical_network) {
            return xasprintf("network %s/%s of type vlan needs vlan= and "
                             "physical-network=", net->tenant->name,
                             net->name);
        }
    } else if (net->n_vlan || net->physical_network) {
        return xasprintf("network %s/%s of type %s cannot have vlan= or "
                         "physical-network=", net->tenant->name, net->name,
                         net->type);
    }

    const struct nbrec_network *other;
    NBREC_NETWORK_FOR_EACH (other, ctx->idl) {
        if (other != net && other->vni == net->vni) {
            return xasprintf("VNI %"PRId64" is already used by network "
                             "%s/%s", net->vni, other->tenant->name,
                             other->name);
        }
    }

    struct ip_prefix *subnets;
    size_t n_subnets;
    char *error = nb_subnets_parse(net->subnets, net->n_subnets, &subnets,
                                   &n_subnets);
    if (error) {
        return error;
    }
    error = check_subnet_overlaps(ctx, net, subnets, n_subnets);
    if (!error) {
        error = check_network_addresses(ctx, net, subnets, n_subnets);
    }
    free(subnets);
    return error;
}

static char *
network_delete(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
               bool force)
{
    const struct nbrec_network *net = CTL_CAST(nbrec_network, row);
    const struct nbrec_port *port, *next;
    size_t n = 0;

    NBREC_PORT_FOR_EACH (port, ctx->idl) {
        n += port->network == net;
    }
    if (n && !force) {
        return xasprintf("network %s/%s still has %"PRIuSIZE" port%s: delete "
                         "them first, or use --force", net->tenant->name,
                         net->name, n, n > 1 ? "s" : "");
    }
    NBREC_PORT_FOR_EACH_SAFE (port, next, ctx->idl) {
        if (port->network == net) {
            nbrec_port_delete(port);
        }
    }
    nbrec_network_delete(net);
    return NULL;
}

static const char *const network_headings[] = {
    "NETWORK", "TYPE", "VNI", "VLAN", "SUBNETS", "GATEWAYS", "MTU", "ROUTER",
    "PORTS", NULL,
};

static void
network_describe(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
                 struct svec *cells)
{
    const struct nbrec_network *net = CTL_CAST(nbrec_network, row);
    const struct nbrec_port *port;
    size_t n_ports = 0;

    NBREC_PORT_FOR_EACH (port, ctx->idl) {
        n_ports += port->network == net;
    }
    svec_add_nocopy(cells, ctl_noun_path(&ctl_noun_network, row));
    svec_add(cells, net->type);
    svec_add_nocopy(cells, xasprintf("%"PRId64, net->vni));
    svec_add_nocopy(cells, (net->n_vlan
                            ? xasprintf("%"PRId64"@%s", net->vlan[0],
                                        net->physical_network)
                            : xstrdup("")));
    svec_add_nocopy(cells, ctl_join(net->subnets, net->n_subnets, ","));
    svec_add_nocopy(cells, ctl_join(net->gateways, net->n_gateways, ","));
    svec_add_nocopy(cells, format_int(net->mtu, net->n_mtu));
    svec_add(cells, net->router ? net->router->name : "");
    svec_add_nocopy(cells, xasprintf("%"PRIuSIZE, n_ports));
}

static void
network_show_more(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
                  struct ds *out)
{
    const struct nbrec_network *net = CTL_CAST(nbrec_network, row);
    struct nb_addr_usage usage;

    char *error = nb_addr_usage_init(&usage, net, ctx->idl, NULL);
    if (error) {
        free(error);
        return;
    }
    for (size_t i = 0; i < usage.n_subnets; i++) {
        uint64_t used, total;
        nb_addr_usage_count(&usage, i, &used, &total);
        ds_put_format(out, "ADDRESSES %s: %"PRIu64" of ", net->subnets[i],
                      used);
        if (total == UINT64_MAX) {
            ds_put_cstr(out, "2^64 or more");
        } else {
            ds_put_format(out, "%"PRIu64, total);
        }
        ds_put_cstr(out, " in use (gateway included)\n");
    }
    nb_addr_usage_destroy(&usage);
}

const struct ctl_noun ctl_noun_network = {
    .name = "network",
    .path = "TENANT/NETWORK",
    .table = &nbrec_table_network,
    .parent = &ctl_noun_tenant,
    .name_of = network_name,
    .parent_of = network_tenant,
    .add_args = "[SUBNET]...",
    .add_min_args = 0,
    .add_max_args = INT_MAX,
    .add = network_add,
    .set = network_set,
    .keys = "type vni vlan physical-network subnets gateways mtu router",
    .validate = network_validate,
    .delete = network_delete,
    .headings = network_headings,
    .describe = network_describe,
    .show_more = network_show_more,
};

/* Ports. */

static const char *
port_name(const struct ovsdb_idl_row *row)
{
    return CTL_CAST(nbrec_port, row)->name;
}

static void
port_add(struct ctl_context *ctx)
{
    const struct ovsdb_idl_row *parent;
    const char *name;
    int first;

    if (!ctl_noun_add_begin(ctx, &ctl_noun_port, &parent, &name, &first)) {
        return;
    }
    const struct ovsdb_idl_row *net_row = ctl_noun_find(
        ctx, &ctl_noun_network, ctx->argv[2], true);
    if (!net_row) {
        return;
    }
    const struct nbrec_network *net = CTL_CAST(nbrec_network, net_row);

    const struct nbrec_port *port = nbrec_port_insert(ctx->txn);
    nbrec_port_set_name(port, name);
    nbrec_port_set_network(port, net);
    nbrec_port_set_mac(port, "");
    if (!ctl_noun_apply_settings(ctx, &ctl_noun_port, &port->header_,
                                 first)) {
        return;
    }

    struct nb_addr_usage usage;
    char *error = nb_addr_usage_init(&usage, net, ctx->idl, port);
    if (!error && !ctl_setting_given(ctx, first, "ips")) {
        struct svec ips = SVEC_EMPTY_INITIALIZER;
        error = nb_addr_alloc_ips(&usage, &ips);
        if (!error) {
            nbrec_port_set_ips(port, (const char **) ips.names, ips.n);
        }
        svec_destroy(&ips);
    }
    if (!error && !ctl_setting_given(ctx, first, "mac")) {
        struct svec ips = SVEC_EMPTY_INITIALIZER;
        for (size_t i = 0; i < port->n_ips; i++) {
            svec_add(&ips, port->ips[i]);
        }
        char *mac = nb_addr_alloc_mac(&usage, &ips);
        nbrec_port_set_mac(port, mac);
        free(mac);
        svec_destroy(&ips);
    }
    nb_addr_usage_destroy(error ? NULL : &usage);
    if (error) {
        ctl_error(ctx, "%s", error);
        free(error);
        return;
    }
    nb_addr_claim(net);
    ctl_noun_validate(ctx, &ctl_noun_port, &port->header_);
}

/* Applies 'port' setting "ips" or "mac" with 'value', checked against the
 * other addresses in use in the port's network. */
static char *
port_set_addresses(struct ctl_context *ctx, const struct nbrec_port *port,
                   const char *key, const char *value)
{
    struct nb_addr_usage usage;
    char *error = nb_addr_usage_init(&usage, port->network, ctx->idl, port);
    if (error) {
        return error;
    }

    if (!strcmp(key, "mac")) {
        char *mac;
        error = nb_addr_check_mac(&usage, value, &mac);
        if (!error) {
            nbrec_port_set_mac(port, mac);
            free(mac);
        }
    } else {
        struct svec list = SVEC_EMPTY_INITIALIZER;
        struct svec ips = SVEC_EMPTY_INITIALIZER;
        const char *s;
        size_t i;

        ctl_split_list(value, &list);
        SVEC_FOR_EACH (i, s, &list) {
            char *ip;
            error = nb_addr_check_ip(&usage, s, &ip);
            if (error) {
                break;
            }
            if (svec_contains(&ips, ip)) {
                free(ip);
                error = xasprintf("ips: %s is listed twice", s);
                break;
            }
            svec_add_nocopy(&ips, ip);
            svec_sort(&ips);
        }
        if (!error) {
            nbrec_port_set_ips(port, (const char **) ips.names, ips.n);
            nb_addr_claim(port->network);
        }
        svec_destroy(&list);
        svec_destroy(&ips);
    }
    nb_addr_usage_destroy(&usage);
    return error;
}

static char *
port_set(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
         const char *key, const char *value)
{
    const struct nbrec_port *port = CTL_CAST(nbrec_port, row);
    char *error = NULL;

    if (!strcmp(key, "mac") || !strcmp(key, "ips")) {
        error = port_set_addresses(ctx, port, key, value);
    } else if (!strcmp(key, "chassis")) {
        const struct ovsdb_idl_row *ch = NULL;
        if (value[0]) {
            ch = ctl_noun_find(ctx, &ctl_noun_chassis, value, true);
            if (!ch) {
                return ctl_take_error(ctx);
            }
        }
        nbrec_port_set_chassis(port, CTL_CAST(nbrec_chassis, ch));
    } else if (!strcmp(key, "port-security")) {
        bool b;
        error = ctl_parse_bool(key, value, &b);
        if (!error) {
            nbrec_port_set_port_security(port, &b, 1);
        }
    } else if (!strcmp(key, "mtu")) {
        long long int n = 0;
        if (value[0]) {
            error = ctl_parse_int(key, value, 576, 9000, &n);
        }
        if (!error) {
            int64_t mtu = n;
            nbrec_port_set_mtu(port, &mtu, value[0] ? 1 : 0);
        }
    } else if (!strcmp(key, "container-id")) {
        nbrec_port_set_container_id(port, value[0] ? value : NULL);
    } else if (!strcmp(key, "container-interface")) {
        nbrec_port_set_container_interface(port, value[0] ? value : NULL);
    } else if (!strcmp(key, "container-netns")) {
        nbrec_port_set_container_netns(port, value[0] ? value : NULL);
    } else {
        error = ctl_unknown_key(&ctl_noun_port, key);
    }
    return error;
}

static char *
port_validate(struct ctl_context *ctx OVS_UNUSED,
              const struct ovsdb_idl_row *row)
{
    const struct nbrec_port *port = CTL_CAST(nbrec_port, row);
    struct eth_addr ea;

    return mac_parse(port->mac, &ea);
}

static char *
port_delete(struct ctl_context *ctx OVS_UNUSED,
            const struct ovsdb_idl_row *row, bool force OVS_UNUSED)
{
    nbrec_port_delete(CTL_CAST(nbrec_port, row));
    return NULL;
}

static const char *const port_headings[] = {
    "PORT", "NETWORK", "MAC", "IPS", "CHASSIS", "UP", NULL,
};

static void
port_describe(struct ctl_context *ctx OVS_UNUSED,
              const struct ovsdb_idl_row *row, struct svec *cells)
{
    const struct nbrec_port *port = CTL_CAST(nbrec_port, row);

    svec_add(cells, port->name);
    svec_add_nocopy(cells, ctl_noun_path(&ctl_noun_network,
                                         &port->network->header_));
    svec_add(cells, port->mac);
    svec_add_nocopy(cells, ctl_join(port->ips, port->n_ips, ","));
    svec_add(cells, port->chassis ? port->chassis->name : "");
    svec_add_nocopy(cells, format_bool(port->up, port->n_up));
}

static void
port_show_more(struct ctl_context *ctx OVS_UNUSED,
               const struct ovsdb_idl_row *row, struct ds *out)
{
    const struct nbrec_port *port = CTL_CAST(nbrec_port, row);
    bool security = !port->n_port_security || port->port_security[0];

    ds_put_format(out, "PORT-SECURITY: %s\n", security ? "on" : "off");
    if (port->n_mtu) {
        ds_put_format(out, "MTU: %"PRId64"\n", port->mtu[0]);
    }
    if (port->container_id) {
        ds_put_format(out, "CONTAINER: %s interface %s netns %s\n",
                      port->container_id,
                      port->container_interface ? port->container_interface
                                                : "?",
                      port->container_netns ? port->container_netns : "?");
    }
}

const struct ctl_noun ctl_noun_port = {
    .name = "port",
    .path = "PORT",
    .table = &nbrec_table_port,
    .name_of = port_name,
    .parent_of = no_parent,
    .add_args = "TENANT/NETWORK",
    .add_min_args = 1,
    .add_max_args = 1,
    .add = port_add,
    .set = port_set,
    .keys = "mac ips chassis port-security mtu container-id "
            "container-interface container-netns",
    .validate = port_validate,
    .delete = port_delete,
    .headings = port_headings,
    .describe = port_describe,
    .show_more = port_show_more,
};

/* Chassis. */

static const char *
chassis_name(const struct ovsdb_idl_row *row)
{
    return CTL_CAST(nbrec_chassis, row)->name;
}

static void
chassis_add(struct ctl_context *ctx)
{
    const struct ovsdb_idl_row *parent;
    const char *name;
    int first;

    if (!ctl_noun_add_begin(ctx, &ctl_noun_chassis, &parent, &name, &first)) {
        return;
    }
    const struct nbrec_chassis *ch = nbrec_chassis_insert(ctx->txn);
    nbrec_chassis_set_name(ch, name);
    nbrec_chassis_set_hostname(ch, name);
    nbrec_chassis_set_encap_types(ch, (const char **) encap_types, 2);
    nbrec_chassis_set_roles(ch, (const char **) chassis_roles, 1);
    char *error = ctl_noun_chassis.set(ctx, &ch->header_, "encap-ip",
                                       ctx->argv[2]);
    if (error) {
        ctl_error(ctx, "%s", error);
        free(error);
    } else if (ctl_noun_apply_settings(ctx, &ctl_noun_chassis, &ch->header_,
                                       first)) {
        ctl_noun_validate(ctx, &ctl_noun_chassis, &ch->header_);
    }
}

/* Sets the list column of 'ch' that 'key' names from 'value', a
 * comma-separated subset of 'choices' that must not be empty. */
static char *
chassis_set_list(const struct nbrec_chassis *ch, const char *key,
                 const char *value, const char *const *choices)
{
    struct svec list = SVEC_EMPTY_INITIALIZER;
    char *error = NULL;
    const char *s;
    size_t i;

    ctl_split_list(value, &list);
    svec_sort_unique(&list);
    SVEC_FOR_EACH (i, s, &list) {
        error = ctl_parse_enum(key, s, choices);
        if (error) {
            break;
        }
    }
    if (!error && !list.n) {
        error = xasprintf("%s: the list must not be empty", key);
    }
    if (!error) {
        (!strcmp(key, "roles") ? nbrec_chassis_set_roles
                               : nbrec_chassis_set_encap_types)(
            ch, (const char **) list.names, list.n);
    }
    svec_destroy(&list);
    return error;
}

static char *
chassis_set(struct ctl_context *ctx OVS_UNUSED,
            const struct ovsdb_idl_row *row, const char *key,
            const char *value)
{
    const struct nbrec_chassis *ch = CTL_CAST(nbrec_chassis, row);

    if (!strcmp(key, "encap-ip")) {
        struct in6_addr a;
        bool ipv4;
        char *error = ip_addr_parse(value, &a, &ipv4);
        if (error) {
            char *msg = xasprintf("encap-ip: %s", error);
            free(error);
            return msg;
        }
        struct ds ds = DS_EMPTY_INITIALIZER;
        ip_addr_format(&a, &ds);
        nbrec_chassis_set_encap_ip(ch, ds_cstr(&ds));
        ds_destroy(&ds);
        return NULL;
    } else if (!strcmp(key, "encap-types")) {
        return chassis_set_list(ch, key, value, encap_types);
    } else if (!strcmp(key, "roles")) {
        return chassis_set_list(ch, key, value, chassis_roles);
    } else if (!strcmp(key, "hostname")) {
        nbrec_chassis_set_hostname(ch, value);
        return NULL;
    } else if (!strcmp(key, "datapath-id")) {
        /* For a central controller: see sluice-controller(8). */
        unsigned long long int id;
        if (!value[0]) {
            nbrec_chassis_update_other_config_delkey(ch, "datapath-id");
            return NULL;
        } else if (strlen(value) > 16 || value[strspn(value, "0123456789"
                                                       "abcdefABCDEF")]
                   || !str_to_ullong(value, 16, &id)) {
            return xasprintf("datapath-id: \"%s\" is not 1 to 16 "
                             "hexadecimal digits", value);
        }
        char *s = xasprintf("%016llx", id);
        nbrec_chassis_update_other_config_setkey(ch, "datapath-id", s);
        free(s);
        return NULL;
    }
    return ctl_unknown_key(&ctl_noun_chassis, key);
}

static char *
chassis_validate(struct ctl_context *ctx OVS_UNUSED,
                 const struct ovsdb_idl_row *row OVS_UNUSED)
{
    return NULL;
}

static char *
chassis_delete(struct ctl_context *ctx OVS_UNUSED,
               const struct ovsdb_idl_row *row, bool force OVS_UNUSED)
{
    nbrec_chassis_delete(CTL_CAST(nbrec_chassis, row));
    return NULL;
}

static const char *const chassis_headings[] = {
    "CHASSIS", "HOSTNAME", "ENCAP-IP", "ENCAP-TYPES", "ROLES", "NB-CFG", NULL,
};

static void
chassis_describe(struct ctl_context *ctx OVS_UNUSED,
                 const struct ovsdb_idl_row *row, struct svec *cells)
{
    const struct nbrec_chassis *ch = CTL_CAST(nbrec_chassis, row);

    svec_add(cells, ch->name);
    svec_add(cells, ch->hostname);
    svec_add(cells, ch->encap_ip);
    svec_add_nocopy(cells, ctl_join(ch->encap_types, ch->n_encap_types, ","));
    svec_add_nocopy(cells, ctl_join(ch->roles, ch->n_roles, ","));
    svec_add_nocopy(cells, xasprintf("%"PRId64, ch->nb_cfg));
}

const struct ctl_noun ctl_noun_chassis = {
    .name = "chassis",
    .path = "CHASSIS",
    .table = &nbrec_table_chassis,
    .name_of = chassis_name,
    .parent_of = no_parent,
    .add_args = "ENCAP-IP",
    .add_min_args = 1,
    .add_max_args = 1,
    .add = chassis_add,
    .set = chassis_set,
    .keys = "encap-ip encap-types roles hostname datapath-id",
    .validate = chassis_validate,
    .delete = chassis_delete,
    .headings = chassis_headings,
    .describe = chassis_describe,
};
