/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * sluice-ctl nouns for the edge: tenant routers and gateways, and the
 * commands for a router's NAT rules, static routes and firewall rules. */

#include <config.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "db-ctl-base.h"
#include "lib/ip-prefix.h"
#include "lib/nb-util.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/dynamic-string.h"
#include "svec.h"
#include "table.h"
#include "utilities/ctl-edge.h"
#include "utilities/ctl-noun.h"
#include "util.h"

static const char *const nat_types[] = { "snat", "dnat", "dnat_and_snat",
                                         NULL };
static const char *const fw_directions[] = { "from-external", "to-external",
                                             NULL };
static const char *const fw_actions[] = { "allow", "deny", NULL };

/* Parses 'value' of setting 'key' as an address ('prefix' false) or prefix
 * into '*p' (an address as a full-length prefix), and its canonical text
 * into 'canonical'. */
static char *
parse_ip(const char *key, const char *value, bool prefix, struct ip_prefix *p,
         struct ds *canonical)
{
    char *error = (prefix && strchr(value, '/')
                   ? ip_prefix_parse(value, p)
                   : ip_addr_parse(value, &p->addr, &p->ipv4));
    if (error) {
        char *msg = xasprintf("%s: %s", key, error);
        free(error);
        return msg;
    }
    if (!prefix || !strchr(value, '/')) {
        p->plen = p->ipv4 ? 32 : 128;
    }
    if (prefix) {
        ip_prefix_format(p, canonical);
    } else {
        ip_addr_format(&p->addr, canonical);
    }
    return NULL;
}

/* Returns true if 'addr' (an address) is inside 'prefix_s'. */
static bool
address_in(const char *addr, const char *prefix_s)
{
    struct ip_prefix prefix;
    struct in6_addr a;
    bool ipv4;
    char *e1 = ip_prefix_parse(prefix_s, &prefix);
    char *e2 = ip_addr_parse(addr, &a, &ipv4);
    bool inside = !e1 && !e2 && ip_prefix_contains(&prefix, &a);

    free(e1);
    free(e2);
    return inside;
}

/* Routers. */

static const char *
router_name(const struct ovsdb_idl_row *row)
{
    return CTL_CAST(nbrec_router, row)->name;
}

static const struct ovsdb_idl_row *
router_tenant(const struct ovsdb_idl_row *row)
{
    return &CTL_CAST(nbrec_router, row)->tenant->header_;
}

static void
router_add(struct ctl_context *ctx)
{
    const struct ovsdb_idl_row *tenant;
    const char *name;
    int first;

    if (!ctl_noun_add_begin(ctx, &ctl_noun_router, &tenant, &name, &first)) {
        return;
    }
    const struct nbrec_router *r = nbrec_router_insert(ctx->txn);
    nbrec_router_set_tenant(r, CTL_CAST(nbrec_tenant, tenant));
    nbrec_router_set_name(r, name);
    if (ctl_noun_apply_settings(ctx, &ctl_noun_router, &r->header_, first)) {
        ctl_noun_validate(ctx, &ctl_noun_router, &r->header_);
    }
}

static char *
router_set(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
           const char *key, const char *value)
{
    const struct nbrec_router *r = CTL_CAST(nbrec_router, row);

    if (!strcmp(key, "gateway")) {
        const struct ovsdb_idl_row *gw = NULL;
        if (value[0]) {
            gw = ctl_noun_find(ctx, &ctl_noun_gateway, value, true);
            if (!gw) {
                return ctl_take_error(ctx);
            }
        }
        nbrec_router_set_gateway(r, CTL_CAST(nbrec_gateway, gw));
        return NULL;
    } else if (!strcmp(key, "external-ip")) {
        struct ds canonical = DS_EMPTY_INITIALIZER;
        struct ip_prefix p;
        char *error = NULL;
        if (value[0]) {
            error = parse_ip(key, value, false, &p, &canonical);
        }
        if (!error) {
            nbrec_router_set_external_ip(r, value[0] ? ds_cstr(&canonical)
                                                     : NULL);
        }
        ds_destroy(&canonical);
        return error;
    }
    return ctl_unknown_key(&ctl_noun_router, key);
}

static const struct nbrec_router *external_ip_owner(
    struct ctl_context *, const struct nbrec_router *, const char *ip);

/* Returns true if 'ip' is the address of 'addr', an address with or without
 * a prefix length, or NULL. */
static bool
is_address_of(const char *ip, const char *addr)
{
    size_t len = addr ? strcspn(addr, "/") : 0;
    return addr && strlen(ip) == len && !strncmp(ip, addr, len);
}

static char *
router_validate(struct ctl_context *ctx, const struct ovsdb_idl_row *row)
{
    const struct nbrec_router *r = CTL_CAST(nbrec_router, row);
    const struct nbrec_gateway *gw = r->gateway;

    if (r->external_ip) {
        const struct nbrec_router *owner;
        if (!gw) {
            return xasprintf("router %s/%s: external-ip needs a gateway",
                             r->tenant->name, r->name);
        } else if (!address_in(r->external_ip, gw->external_subnet)) {
            return xasprintf("router %s/%s: external-ip %s is not in "
                             "gateway %s's external subnet %s",
                             r->tenant->name, r->name, r->external_ip,
                             gw->name, gw->external_subnet);
        } else if ((owner = external_ip_owner(ctx, r, r->external_ip))) {
            return xasprintf("router %s/%s: external-ip %s is already used "
                             "by router %s/%s", r->tenant->name, r->name,
                             r->external_ip, owner->tenant->name,
                             owner->name);
        } else if (is_address_of(r->external_ip, gw->external_nexthop)
                   || is_address_of(r->external_ip, gw->management_ip)) {
            return xasprintf("router %s/%s: external-ip %s is gateway %s's "
                             "nexthop or management address",
                             r->tenant->name, r->name, r->external_ip,
                             gw->name);
        }
        char *error = ctl_inline_conflict(ctx->idl, r->external_ip,
                                          "external-ip");
        if (error) {
            char *full = xasprintf("router %s/%s: %s", r->tenant->name,
                                   r->name, error);
            free(error);
            return full;
        }
    }

    /* A router that moves to another gateway keeps its NAT rules and
     * routes only if they fit that gateway's external subnet. */
    for (size_t i = 0; gw && i < r->n_nat; i++) {
        if (!address_in(r->nat[i]->external_ip, gw->external_subnet)) {
            return xasprintf("router %s/%s: NAT external-ip %s is not in "
                             "gateway %s's external subnet %s",
                             r->tenant->name, r->name,
                             r->nat[i]->external_ip, gw->name,
                             gw->external_subnet);
        }
    }
    for (size_t i = 0; gw && i < r->n_static_routes; i++) {
        if (!address_in(r->static_routes[i]->nexthop,
                        gw->external_subnet)) {
            return xasprintf("router %s/%s: route nexthop %s is not in "
                             "gateway %s's external subnet %s",
                             r->tenant->name, r->name,
                             r->static_routes[i]->nexthop, gw->name,
                             gw->external_subnet);
        }
    }
    return NULL;
}

static char *
router_delete(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
              bool force)
{
    const struct nbrec_router *r = CTL_CAST(nbrec_router, row);
    const struct nbrec_network *net;
    size_t n = 0;

    NBREC_NETWORK_FOR_EACH (net, ctx->idl) {
        n += net->router == r;
    }
    if (n && !force) {
        return xasprintf("router %s/%s still has %"PRIuSIZE" network%s "
                         "attached: detach them first (network-set ... "
                         "router=), or use --force", r->tenant->name,
                         r->name, n, n > 1 ? "s" : "");
    }
    NBREC_NETWORK_FOR_EACH (net, ctx->idl) {
        if (net->router == r) {
            nbrec_network_set_router(net, NULL);
        }
    }
    nbrec_router_delete(r);
    return NULL;
}

static const char *const router_headings[] = {
    "ROUTER", "GATEWAY", "EXTERNAL-IP", "NETWORKS", "NAT", "ROUTES",
    "FIREWALL", NULL,
};

static void
router_describe(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
                struct svec *cells)
{
    const struct nbrec_router *r = CTL_CAST(nbrec_router, row);
    struct svec nets = SVEC_EMPTY_INITIALIZER;
    const struct nbrec_network *net;

    NBREC_NETWORK_FOR_EACH (net, ctx->idl) {
        if (net->router == r) {
            svec_add(&nets, net->name);
        }
    }
    svec_sort(&nets);
    svec_add_nocopy(cells, ctl_noun_path(&ctl_noun_router, row));
    svec_add(cells, r->gateway ? r->gateway->name : "");
    svec_add(cells, r->external_ip ? r->external_ip : "");
    svec_add_nocopy(cells, ctl_join(nets.names, nets.n, ","));
    svec_add_nocopy(cells, xasprintf("%"PRIuSIZE, r->n_nat));
    svec_add_nocopy(cells, xasprintf("%"PRIuSIZE, r->n_static_routes));
    svec_add_nocopy(cells, xasprintf("%"PRIuSIZE, r->n_firewall_rules));
    svec_destroy(&nets);
}

static void
router_show_more(struct ctl_context *ctx OVS_UNUSED,
                 const struct ovsdb_idl_row *row, struct ds *out)
{
    const struct nbrec_router *r = CTL_CAST(nbrec_router, row);

    for (size_t i = 0; i < r->n_nat; i++) {
        ds_put_format(out, "NAT: %s %s %s\n", r->nat[i]->type,
                      r->nat[i]->external_ip, r->nat[i]->logical_ip);
    }
    for (size_t i = 0; i < r->n_static_routes; i++) {
        ds_put_format(out, "ROUTE: %s via %s\n", r->static_routes[i]->prefix,
                      r->static_routes[i]->nexthop);
    }
    for (size_t i = 0; i < r->n_firewall_rules; i++) {
        const struct nbrec_firewall_rule *fw = r->firewall_rules[i];
        char *match = ctl_format_match(fw->protocol, fw->src_prefix,
                                       fw->dst_prefix, fw->src_ports,
                                       fw->dst_ports);
        ds_put_format(out, "FIREWALL: %"PRId64" %s %s %s\n", fw->priority,
                      fw->direction, match, fw->action);
        free(match);
    }
}

const struct ctl_noun ctl_noun_router = {
    .name = "router",
    .path = "TENANT/ROUTER",
    .table = &nbrec_table_router,
    .parent = &ctl_noun_tenant,
    .name_of = router_name,
    .parent_of = router_tenant,
    .add_args = "",
    .add = router_add,
    .set = router_set,
    .keys = "gateway external-ip",
    .validate = router_validate,
    .delete = router_delete,
    .headings = router_headings,
    .describe = router_describe,
    .show_more = router_show_more,
};

/* Gateways. */

static const char *
gateway_name(const struct ovsdb_idl_row *row)
{
    return CTL_CAST(nbrec_gateway, row)->name;
}

static const struct ovsdb_idl_row *
gateway_no_parent(const struct ovsdb_idl_row *row OVS_UNUSED)
{
    return NULL;
}

static void
gateway_add(struct ctl_context *ctx)
{
    const struct ovsdb_idl_row *parent;
    const char *name;
    int first;

    if (!ctl_noun_add_begin(ctx, &ctl_noun_gateway, &parent, &name, &first)) {
        return;
    }
    const struct nbrec_gateway *gw = nbrec_gateway_insert(ctx->txn);
    nbrec_gateway_set_name(gw, name);

    static const char *const positional[] = { "chassis", "uplink",
                                              "external-subnet" };
    for (int i = 0; i < 3; i++) {
        char *error = ctl_noun_gateway.set(ctx, &gw->header_, positional[i],
                                           ctx->argv[2 + i]);
        if (error) {
            ctl_error(ctx, "%s", error);
            free(error);
            return;
        }
    }
    if (ctl_noun_apply_settings(ctx, &ctl_noun_gateway, &gw->header_,
                                first)) {
        ctl_noun_validate(ctx, &ctl_noun_gateway, &gw->header_);
    }
}

static char *
gateway_set(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
            const char *key, const char *value)
{
    const struct nbrec_gateway *gw = CTL_CAST(nbrec_gateway, row);
    struct ds canonical = DS_EMPTY_INITIALIZER;
    struct ip_prefix p;
    char *error = NULL;

    if (!strcmp(key, "chassis")) {
        const struct ovsdb_idl_row *ch = ctl_noun_find(ctx, &ctl_noun_chassis,
                                                       value, true);
        if (!ch) {
            return ctl_take_error(ctx);
        }
        nbrec_gateway_set_chassis(gw, CTL_CAST(nbrec_chassis, ch));
    } else if (!strcmp(key, "uplink")) {
        error = nb_check_name("uplink", value);
        if (!error) {
            nbrec_gateway_set_uplink(gw, value);
        }
    } else if (!strcmp(key, "external-subnet")) {
        error = ip_prefix_parse(value, &p);
        if (!error) {
            ip_prefix_format(&p, &canonical);
            nbrec_gateway_set_external_subnet(gw, ds_cstr(&canonical));
        }
    } else if (!strcmp(key, "nexthop")) {
        if (value[0]) {
            error = parse_ip(key, value, false, &p, &canonical);
        }
        if (!error) {
            nbrec_gateway_set_external_nexthop(
                gw, value[0] ? ds_cstr(&canonical) : NULL);
        }
    } else if (!strcmp(key, "management-ip")) {
        if (value[0] && !strchr(value, '/')) {
            error = xasprintf("management-ip: \"%s\" needs a prefix length "
                              "(ADDRESS/LENGTH)", value);
        } else if (value[0]) {
            const char *slash = strchr(value, '/');
            char *addr = xmemdup0(value, slash - value);
            error = parse_ip(key, addr, false, &p, &canonical);
            free(addr);
            unsigned int plen;
            if (!error && (!str_to_uint(slash + 1, 10, &plen)
                           || plen > (p.ipv4 ? 32 : 128))) {
                error = xasprintf("management-ip: \"%s\" has an invalid "
                                  "prefix length", value);
            }
            ds_put_format(&canonical, "/%s", slash + 1);
        }
        if (!error) {
            nbrec_gateway_set_management_ip(
                gw, value[0] ? ds_cstr(&canonical) : NULL);
        }
    } else {
        error = ctl_unknown_key(&ctl_noun_gateway, key);
    }
    ds_destroy(&canonical);
    return error;
}

static char *
gateway_validate(struct ctl_context *ctx,
                 const struct ovsdb_idl_row *row)
{
    const struct nbrec_gateway *gw = CTL_CAST(nbrec_gateway, row);
    const char *addresses[] = { gw->external_nexthop, gw->management_ip };
    const char *names[] = { "nexthop", "management-ip" };
    for (size_t i = 0; i < ARRAY_SIZE(addresses); i++) {
        char *error = (addresses[i]
                       ? ctl_inline_conflict(ctx->idl, addresses[i],
                                             names[i])
                       : NULL);
        if (error) {
            char *full = xasprintf("gateway %s: %s", gw->name, error);
            free(error);
            return full;
        }
    }

    if (gw->external_nexthop
        && !address_in(gw->external_nexthop, gw->external_subnet)) {
        return xasprintf("gateway %s: nexthop %s is not in external subnet "
                         "%s", gw->name, gw->external_nexthop,
                         gw->external_subnet);
    }
    if (gw->management_ip) {
        char *addr = xstrdup(gw->management_ip);
        *strchr(addr, '/') = '\0';
        bool inside = address_in(addr, gw->external_subnet);
        free(addr);
        if (!inside) {
            return xasprintf("gateway %s: management-ip %s is not in "
                             "external subnet %s", gw->name,
                             gw->management_ip, gw->external_subnet);
        }
    }
    return NULL;
}

static char *
gateway_delete(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
               bool force)
{
    const struct nbrec_gateway *gw = CTL_CAST(nbrec_gateway, row);
    const struct nbrec_router *r;
    size_t n = 0;

    NBREC_ROUTER_FOR_EACH (r, ctx->idl) {
        n += r->gateway == gw;
    }
    if (n && !force) {
        return xasprintf("gateway %s still serves %"PRIuSIZE" router%s: "
                         "detach them first (router-set ... gateway=), or "
                         "use --force", gw->name, n, n > 1 ? "s" : "");
    }
    NBREC_ROUTER_FOR_EACH (r, ctx->idl) {
        if (r->gateway == gw) {
            nbrec_router_set_gateway(r, NULL);
            nbrec_router_set_external_ip(r, NULL);
        }
    }
    nbrec_gateway_delete(gw);
    return NULL;
}

static const char *const gateway_headings[] = {
    "GATEWAY", "CHASSIS", "UPLINK", "EXTERNAL-SUBNET", "NEXTHOP",
    "MANAGEMENT-IP", NULL,
};

static void
gateway_describe(struct ctl_context *ctx OVS_UNUSED,
                 const struct ovsdb_idl_row *row, struct svec *cells)
{
    const struct nbrec_gateway *gw = CTL_CAST(nbrec_gateway, row);

    svec_add(cells, gw->name);
    svec_add(cells, gw->chassis ? gw->chassis->name : "");
    svec_add(cells, gw->uplink);
    svec_add(cells, gw->external_subnet);
    svec_add(cells, gw->external_nexthop ? gw->external_nexthop : "");
    svec_add(cells, gw->management_ip ? gw->management_ip : "");
}

const struct ctl_noun ctl_noun_gateway = {
    .name = "gateway",
    .path = "GATEWAY",
    .table = &nbrec_table_gateway,
    .name_of = gateway_name,
    .parent_of = gateway_no_parent,
    .add_args = "CHASSIS UPLINK EXTERNAL-SUBNET",
    .add_min_args = 3,
    .add_max_args = 3,
    .add = gateway_add,
    .set = gateway_set,
    .keys = "chassis uplink external-subnet nexthop management-ip",
    .validate = gateway_validate,
    .delete = gateway_delete,
    .headings = gateway_headings,
    .describe = gateway_describe,
};

/* A router's NAT rules, static routes and firewall rules.  Their columns
 * are written whole, never with partial updates, so that later commands of
 * the same transaction see the change. */

/* Returns a malloc()'d copy of the 'n' row pointers in 'rows_' without
 * 'remove' and with 'add' appended (each if nonnull), and stores its length
 * in '*n_out'. */
static void *
edit_refs(const void *rows_, size_t n, const void *remove, const void *add,
          size_t *n_out)
{
    const void *const *rows = rows_;
    const void **out = xmalloc((n + 1) * sizeof *out);
    size_t k = 0;

    for (size_t i = 0; i < n; i++) {
        if (rows[i] != remove) {
            out[k++] = rows[i];
        }
    }
    if (add) {
        out[k++] = add;
    }
    *n_out = k;
    return out;
}

static void
router_edit_nat(const struct nbrec_router *r, const struct nbrec_nat *remove,
                const struct nbrec_nat *add)
{
    size_t n;
    struct nbrec_nat **nats = edit_refs(r->nat, r->n_nat, remove, add, &n);
    nbrec_router_set_nat(r, nats, n);
    free(nats);
}

static void
router_edit_routes(const struct nbrec_router *r,
                   const struct nbrec_static_route *remove,
                   const struct nbrec_static_route *add)
{
    size_t n;
    struct nbrec_static_route **routes = edit_refs(
        r->static_routes, r->n_static_routes, remove, add, &n);
    nbrec_router_set_static_routes(r, routes, n);
    free(routes);
}

static void
router_edit_fw(const struct nbrec_router *r,
               const struct nbrec_firewall_rule *remove,
               const struct nbrec_firewall_rule *add)
{
    size_t n;
    struct nbrec_firewall_rule **rules = edit_refs(
        r->firewall_rules, r->n_firewall_rules, remove, add, &n);
    nbrec_router_set_firewall_rules(r, rules, n);
    free(rules);
}

static const struct nbrec_router *
find_router(struct ctl_context *ctx)
{
    return CTL_CAST(nbrec_router, ctl_noun_find(ctx, &ctl_noun_router,
                                                ctx->argv[1], true));
}

/* Returns the router other than 'r' that has external address 'ip', its
 * own or a NAT rule's, or NULL. */
static const struct nbrec_router *
external_ip_owner(struct ctl_context *ctx, const struct nbrec_router *r,
                  const char *ip)
{
    const struct nbrec_router *other;

    NBREC_ROUTER_FOR_EACH (other, ctx->idl) {
        if (other != r && other->external_ip
            && !strcmp(other->external_ip, ip)) {
            return other;
        }
        for (size_t i = 0; other != r && i < other->n_nat; i++) {
            if (!strcmp(other->nat[i]->external_ip, ip)) {
                return other;
            }
        }
    }
    return NULL;
}

static void
cmd_nat_add(struct ctl_context *ctx)
{
    const struct nbrec_router *r = find_router(ctx);
    if (!r) {
        return;
    }

    const char *type = ctx->argv[2];
    bool snat = !strcmp(type, "snat");
    struct ds ext = DS_EMPTY_INITIALIZER;
    struct ds logical = DS_EMPTY_INITIALIZER;
    struct ip_prefix ext_p, logical_p;
    char *error = ctl_parse_enum("type", type, nat_types);
    if (!error) {
        error = parse_ip("external-ip", ctx->argv[3], false, &ext_p, &ext);
    }
    if (!error) {
        error = parse_ip("logical-ip", ctx->argv[4], snat, &logical_p,
                         &logical);
    }
    if (!error && ext_p.ipv4 != logical_p.ipv4) {
        error = xstrdup("the external and logical addresses must be of the "
                        "same family");
    }
    if (!error && r->gateway
        && !address_in(ds_cstr(&ext), r->gateway->external_subnet)) {
        error = xasprintf("external-ip %s is not in gateway %s's external "
                          "subnet %s", ds_cstr(&ext), r->gateway->name,
                          r->gateway->external_subnet);
    }
    const struct nbrec_router *owner = (error ? NULL
                                        : external_ip_owner(ctx, r,
                                                            ds_cstr(&ext)));
    if (owner) {
        error = xasprintf("external-ip %s is already used by router %s/%s",
                          ds_cstr(&ext), owner->tenant->name, owner->name);
    } else if (!error) {
        error = ctl_inline_conflict(ctx->idl, ds_cstr(&ext), "external-ip");
    }
    for (size_t i = 0; !error && i < r->n_nat; i++) {
        const struct nbrec_nat *nat = r->nat[i];
        if (!strcmp(nat->type, type) && !strcmp(nat->external_ip,
                                                ds_cstr(&ext))
            && (!snat || !strcmp(nat->logical_ip, ds_cstr(&logical)))) {
            if (!shash_find(&ctx->options, "--may-exist")) {
                error = xasprintf("router %s already has %s rule for %s",
                                  ctx->argv[1], type, ds_cstr(&ext));
            }
            goto out;
        }
    }
    if (!error) {
        const struct nbrec_nat *nat = nbrec_nat_insert(ctx->txn);
        nbrec_nat_set_type(nat, type);
        nbrec_nat_set_external_ip(nat, ds_cstr(&ext));
        nbrec_nat_set_logical_ip(nat, ds_cstr(&logical));
        router_edit_nat(r, NULL, nat);
    }
out:
    if (error) {
        ctl_error(ctx, "%s", error);
        free(error);
    }
    ds_destroy(&ext);
    ds_destroy(&logical);
}

static void
cmd_nat_del(struct ctl_context *ctx)
{
    const struct nbrec_router *r = find_router(ctx);
    if (!r) {
        return;
    }

    const char *type = ctx->argv[2];
    struct ds ext = DS_EMPTY_INITIALIZER;
    struct ip_prefix p;
    char *error = parse_ip("external-ip", ctx->argv[3], false, &p, &ext);
    const struct nbrec_nat **doomed = xmalloc(MAX(r->n_nat, 1)
                                              * sizeof *doomed);
    size_t n = 0;
    for (size_t i = 0; !error && i < r->n_nat; i++) {
        const struct nbrec_nat *nat = r->nat[i];
        if (!strcmp(nat->type, type)
            && !strcmp(nat->external_ip, ds_cstr(&ext))
            && (ctx->argc < 5 || !strcmp(nat->logical_ip, ctx->argv[4]))) {
            doomed[n++] = nat;
        }
    }
    for (size_t i = 0; i < n; i++) {
        router_edit_nat(r, doomed[i], NULL);
    }
    free(doomed);
    if (!error && !n && !shash_find(&ctx->options, "--if-exists")) {
        error = xasprintf("router %s has no %s rule for %s", ctx->argv[1],
                          type, ds_cstr(&ext));
    }
    if (error) {
        ctl_error(ctx, "%s", error);
        free(error);
    }
    ds_destroy(&ext);
}

static struct table *
new_table(const char *const *headings)
{
    struct table *t = xmalloc(sizeof *t);

    table_init(t);
    for (const char *const *h = headings; *h; h++) {
        table_add_column(t, "%s", *h);
    }
    return t;
}

static void
add_row(struct table *t, const char *const *cells, size_t n)
{
    table_add_row(t);
    for (size_t i = 0; i < n; i++) {
        table_add_cell(t)->text = xstrdup(cells[i]);
    }
}

static void
cmd_nat_list(struct ctl_context *ctx)
{
    const struct nbrec_router *r = find_router(ctx);
    if (r) {
        static const char *const headings[] = {
            "TYPE", "EXTERNAL-IP", "LOGICAL-IP", NULL,
        };
        ctx->table = new_table(headings);
        for (size_t i = 0; i < r->n_nat; i++) {
            const char *cells[] = { r->nat[i]->type, r->nat[i]->external_ip,
                                    r->nat[i]->logical_ip };
            add_row(ctx->table, cells, ARRAY_SIZE(cells));
        }
    }
}

static void
cmd_route_add(struct ctl_context *ctx)
{
    const struct nbrec_router *r = find_router(ctx);
    if (!r) {
        return;
    }

    struct ds prefix = DS_EMPTY_INITIALIZER;
    struct ds nexthop = DS_EMPTY_INITIALIZER;
    struct ip_prefix p, nh;
    char *error = parse_ip("prefix", ctx->argv[2], true, &p, &prefix);
    if (!error) {
        error = parse_ip("nexthop", ctx->argv[3], false, &nh, &nexthop);
    }
    if (!error && p.ipv4 != nh.ipv4) {
        error = xstrdup("the prefix and the nexthop must be of the same "
                        "family");
    }
    if (!error && r->gateway
        && !address_in(ds_cstr(&nexthop), r->gateway->external_subnet)) {
        error = xasprintf("nexthop %s is not in gateway %s's external "
                          "subnet %s", ds_cstr(&nexthop), r->gateway->name,
                          r->gateway->external_subnet);
    }
    for (size_t i = 0; !error && i < r->n_static_routes; i++) {
        if (!strcmp(r->static_routes[i]->prefix, ds_cstr(&prefix))) {
            if (!shash_find(&ctx->options, "--may-exist")) {
                error = xasprintf("router %s already has a route to %s",
                                  ctx->argv[1], ds_cstr(&prefix));
            }
            goto out;
        }
    }
    if (!error) {
        const struct nbrec_static_route *route
            = nbrec_static_route_insert(ctx->txn);
        nbrec_static_route_set_prefix(route, ds_cstr(&prefix));
        nbrec_static_route_set_nexthop(route, ds_cstr(&nexthop));
        router_edit_routes(r, NULL, route);
    }
out:
    if (error) {
        ctl_error(ctx, "%s", error);
        free(error);
    }
    ds_destroy(&prefix);
    ds_destroy(&nexthop);
}

static void
cmd_route_del(struct ctl_context *ctx)
{
    const struct nbrec_router *r = find_router(ctx);
    if (!r) {
        return;
    }

    struct ds prefix = DS_EMPTY_INITIALIZER;
    struct ip_prefix p;
    char *error = parse_ip("prefix", ctx->argv[2], true, &p, &prefix);
    size_t n = 0;
    for (size_t i = 0; !error && i < r->n_static_routes; i++) {
        if (!strcmp(r->static_routes[i]->prefix, ds_cstr(&prefix))) {
            router_edit_routes(r, r->static_routes[i], NULL);
            n++;
            break;
        }
    }
    if (!error && !n && !shash_find(&ctx->options, "--if-exists")) {
        error = xasprintf("router %s has no route to %s", ctx->argv[1],
                          ds_cstr(&prefix));
    }
    if (error) {
        ctl_error(ctx, "%s", error);
        free(error);
    }
    ds_destroy(&prefix);
}

static void
cmd_route_list(struct ctl_context *ctx)
{
    const struct nbrec_router *r = find_router(ctx);
    if (r) {
        static const char *const headings[] = { "PREFIX", "NEXTHOP", NULL };
        ctx->table = new_table(headings);
        for (size_t i = 0; i < r->n_static_routes; i++) {
            const char *cells[] = { r->static_routes[i]->prefix,
                                    r->static_routes[i]->nexthop };
            add_row(ctx->table, cells, ARRAY_SIZE(cells));
        }
    }
}

/* Returns the firewall rule of 'r' with the given priority and direction,
 * or NULL. */
static const struct nbrec_firewall_rule *
find_fw_rule(const struct nbrec_router *r, int64_t priority,
             const char *direction)
{
    for (size_t i = 0; i < r->n_firewall_rules; i++) {
        const struct nbrec_firewall_rule *fw = r->firewall_rules[i];
        if (fw->priority == priority && !strcmp(fw->direction, direction)) {
            return fw;
        }
    }
    return NULL;
}

static void
cmd_fw_add(struct ctl_context *ctx)
{
    const struct nbrec_router *r = find_router(ctx);
    if (!r) {
        return;
    }

    long long int priority;
    const char *direction = ctx->argv[3];
    const char *action = ctx->argv[4];
    char *error = ctl_parse_int("priority", ctx->argv[2], 0, 32767,
                                &priority);
    if (!error) {
        error = ctl_parse_enum("direction", direction, fw_directions);
    }
    if (!error) {
        error = ctl_parse_enum("action", action, fw_actions);
    }

    /* The match, from KEY=VALUE settings. */
    char *match[5] = { NULL, NULL, NULL, NULL, NULL };
    static const char *const keys[] = { "protocol", "src", "dst", "sport",
                                        "dport" };
    for (int i = 5; !error && i < ctx->argc; i++) {
        const char *eq = strchr(ctx->argv[i], '=');
        size_t k;
        for (k = 0; eq && k < ARRAY_SIZE(keys); k++) {
            if (strlen(keys[k]) == eq - ctx->argv[i]
                && !strncmp(keys[k], ctx->argv[i], eq - ctx->argv[i])) {
                break;
            }
        }
        if (!eq || k >= ARRAY_SIZE(keys)) {
            error = xasprintf("\"%s\" is not a match setting (settings: "
                              "protocol src dst sport dport)", ctx->argv[i]);
        } else {
            free(match[k]);
            error = ctl_parse_match_value(keys[k], eq + 1, &match[k]);
        }
    }
    if (!error) {
        error = ctl_check_match(match[0], match[1], match[2], match[3],
                                match[4]);
    }
    if (!error && find_fw_rule(r, priority, direction)) {
        if (!shash_find(&ctx->options, "--may-exist")) {
            error = xasprintf("router %s already has a %s firewall rule "
                              "with priority %lld", ctx->argv[1], direction,
                              priority);
        }
    } else if (!error) {
        const struct nbrec_firewall_rule *fw
            = nbrec_firewall_rule_insert(ctx->txn);
        nbrec_firewall_rule_set_priority(fw, priority);
        nbrec_firewall_rule_set_direction(fw, direction);
        nbrec_firewall_rule_set_action(fw, action);
        nbrec_firewall_rule_set_protocol(fw, match[0]);
        nbrec_firewall_rule_set_src_prefix(fw, match[1]);
        nbrec_firewall_rule_set_dst_prefix(fw, match[2]);
        nbrec_firewall_rule_set_src_ports(fw, match[3]);
        nbrec_firewall_rule_set_dst_ports(fw, match[4]);
        router_edit_fw(r, NULL, fw);
    }
    for (size_t k = 0; k < ARRAY_SIZE(match); k++) {
        free(match[k]);
    }
    if (error) {
        ctl_error(ctx, "%s", error);
        free(error);
    }
}

static void
cmd_fw_del(struct ctl_context *ctx)
{
    const struct nbrec_router *r = find_router(ctx);
    if (!r) {
        return;
    }

    long long int priority;
    char *error = ctl_parse_int("priority", ctx->argv[2], 0, 32767,
                                &priority);
    if (!error) {
        error = ctl_parse_enum("direction", ctx->argv[3], fw_directions);
    }
    if (!error) {
        const struct nbrec_firewall_rule *fw
            = find_fw_rule(r, priority, ctx->argv[3]);
        if (fw) {
            router_edit_fw(r, fw, NULL);
        } else if (!shash_find(&ctx->options, "--if-exists")) {
            error = xasprintf("router %s has no %s firewall rule with "
                              "priority %lld", ctx->argv[1], ctx->argv[3],
                              priority);
        }
    }
    if (error) {
        ctl_error(ctx, "%s", error);
        free(error);
    }
}

static void
cmd_fw_list(struct ctl_context *ctx)
{
    const struct nbrec_router *r = find_router(ctx);
    if (r) {
        static const char *const headings[] = {
            "PRIORITY", "DIRECTION", "MATCH", "ACTION", NULL,
        };
        ctx->table = new_table(headings);
        for (size_t i = 0; i < r->n_firewall_rules; i++) {
            const struct nbrec_firewall_rule *fw = r->firewall_rules[i];
            char *priority = xasprintf("%"PRId64, fw->priority);
            char *match = ctl_format_match(fw->protocol, fw->src_prefix,
                                           fw->dst_prefix, fw->src_ports,
                                           fw->dst_ports);
            const char *cells[] = { priority, fw->direction, match,
                                    fw->action };
            add_row(ctx->table, cells, ARRAY_SIZE(cells));
            free(priority);
            free(match);
        }
    }
}

/* The router sub-commands, for db-ctl-base. */
const struct ctl_command_syntax ctl_edge_commands[] = {
    {"nat-add", 4, 4, "TENANT/ROUTER snat|dnat|dnat_and_snat EXTERNAL-IP "
     "LOGICAL-IP", ctl_nouns_pre_all, cmd_nat_add, NULL, "--may-exist", RW},
    {"nat-del", 3, 4, "TENANT/ROUTER TYPE EXTERNAL-IP [LOGICAL-IP]",
     ctl_nouns_pre_all, cmd_nat_del, NULL, "--if-exists", RW},
    {"nat-list", 1, 1, "TENANT/ROUTER", ctl_nouns_pre_all, cmd_nat_list,
     NULL, "", RO},
    {"route-add", 3, 3, "TENANT/ROUTER PREFIX NEXTHOP", ctl_nouns_pre_all,
     cmd_route_add, NULL, "--may-exist", RW},
    {"route-del", 2, 2, "TENANT/ROUTER PREFIX", ctl_nouns_pre_all,
     cmd_route_del, NULL, "--if-exists", RW},
    {"route-list", 1, 1, "TENANT/ROUTER", ctl_nouns_pre_all, cmd_route_list,
     NULL, "", RO},
    {"fw-add", 4, INT_MAX, "TENANT/ROUTER PRIORITY from-external|to-external "
     "allow|deny [KEY=VALUE]...", ctl_nouns_pre_all, cmd_fw_add, NULL,
     "--may-exist", RW},
    {"fw-del", 3, 3, "TENANT/ROUTER PRIORITY DIRECTION", ctl_nouns_pre_all,
     cmd_fw_del, NULL, "--if-exists", RW},
    {"fw-list", 1, 1, "TENANT/ROUTER", ctl_nouns_pre_all, cmd_fw_list, NULL,
     "", RO},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, RO},
};
