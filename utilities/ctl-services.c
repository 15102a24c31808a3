/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * sluice-ctl nouns for service insertion: services, their instances, the
 * chains they form and the insertion rules that steer traffic into them. */

#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "bitmap.h"
#include "db-ctl-base.h"
#include "lib/ip-prefix.h"
#include "lib/nb-util.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "smap.h"
#include "svec.h"
#include "utilities/ctl-noun.h"
#include "util.h"

static const char *const failure_modes[] = { "fail-open", "fail-closed",
                                             NULL };
static const char *const probe_methods[] = { "bfd", "icmp", "tcp", "packet",
                                             "none", NULL };
static const char *const instance_types[] = { "port-pair", "geneve", "vxlan",
                                              "inline", NULL };
static const char *const rule_actions[] = { "redirect", "allow", "drop",
                                            NULL };
static const char *const rule_directions[] = { "egress", "ingress",
                                               "north-south", NULL };

/* The largest instance ID: 255 means "skipped" in the controllers' pins
 * (see docs/service-insertion.md). */
#define MAX_INSTANCE_ID 254

/* The most hops a chain may have: the wire format has 4 bits for them. */
#define MAX_HOPS 15

static const struct ovsdb_idl_row *
owning_tenant(const struct nbrec_tenant *tenant)
{
    return &tenant->header_;
}

/* Returns true if service 'svc' has an in-line instance. */
static bool
service_has_inline(struct ovsdb_idl *idl, const struct nbrec_service *svc)
{
    const struct nbrec_service_instance *inst;
    NBREC_SERVICE_INSTANCE_FOR_EACH (inst, idl) {
        if (inst->service == svc && !strcmp(inst->type, "inline")) {
            return true;
        }
    }
    return false;
}

/* Checks that 'chain', if it has in-line instances, serves only
 * north-south rules: in-line instances are reached through a gateway's
 * uplink.  Returns an error message, or NULL if it is fine. */
static char *
check_inline_chain(struct ovsdb_idl *idl, const struct nbrec_chain *chain)
{
    bool inline_hops = false;
    for (size_t i = 0; i < chain->n_hops && !inline_hops; i++) {
        inline_hops = service_has_inline(idl, chain->value_hops[i]);
    }
    if (!inline_hops) {
        return NULL;
    }

    const struct nbrec_insertion_rule *rule;
    NBREC_INSERTION_RULE_FOR_EACH (rule, idl) {
        if (rule->chain == chain
            && strcmp(rule->direction, "north-south")) {
            return xasprintf("chain %s/%s has in-line instances, which "
                             "serve only north-south rules, but %s rule "
                             "%s/%s uses it", chain->tenant->name,
                             chain->name, rule->direction,
                             rule->tenant->name, rule->name);
        }
    }
    return NULL;
}

/* Checks the chains that use service 'svc' as check_inline_chain() does. */
static char *
check_inline_service(struct ovsdb_idl *idl, const struct nbrec_service *svc)
{
    const struct nbrec_chain *chain;
    NBREC_CHAIN_FOR_EACH (chain, idl) {
        for (size_t i = 0; i < chain->n_hops; i++) {
            if (chain->value_hops[i] == svc) {
                char *error = check_inline_chain(idl, chain);
                if (error) {
                    return error;
                }
                break;
            }
        }
    }
    return NULL;
}

/* Returns the lowest integer from 1 to 'max' that is not among the 'n'
 * 'used' ones (in any order), or 0 if there is none.  Frees 'used'. */
static int64_t
lowest_free_id(int64_t *used, size_t n, int64_t max)
{
    unsigned long *taken = bitmap_allocate(max + 1);
    for (size_t i = 0; i < n; i++) {
        if (used[i] >= 1 && used[i] <= max) {
            bitmap_set1(taken, used[i]);
        }
    }
    free(used);
    size_t id = bitmap_scan(taken, 0, 1, max + 1);
    bitmap_free(taken);
    return id <= max ? id : 0;
}

/* Services. */

static const char *
service_name(const struct ovsdb_idl_row *row)
{
    return CTL_CAST(nbrec_service, row)->name;
}

static const struct ovsdb_idl_row *
service_tenant(const struct ovsdb_idl_row *row)
{
    return owning_tenant(CTL_CAST(nbrec_service, row)->tenant);
}

static void
service_add(struct ctl_context *ctx)
{
    const struct ovsdb_idl_row *tenant;
    const char *name;
    int first;

    if (!ctl_noun_add_begin(ctx, &ctl_noun_service, &tenant, &name, &first)) {
        return;
    }
    const struct nbrec_service *svc = nbrec_service_insert(ctx->txn);
    nbrec_service_set_tenant(svc, CTL_CAST(nbrec_tenant, tenant));
    nbrec_service_set_name(svc, name);
    nbrec_service_set_failure_mode(svc, "fail-closed");
    if (ctl_noun_apply_settings(ctx, &ctl_noun_service, &svc->header_,
                                first)) {
        ctl_noun_validate(ctx, &ctl_noun_service, &svc->header_);
    }
}

static char *
service_set(struct ctl_context *ctx OVS_UNUSED,
            const struct ovsdb_idl_row *row, const char *key,
            const char *value)
{
    const struct nbrec_service *svc = CTL_CAST(nbrec_service, row);
    static const struct {
        const char *key;        /* Setting. */
        const char *hc_key;     /* Key in the health_check column. */
        long long int min, max; /* Range, if numeric. */
    } hc[] = {
        { "interval", "interval", 100, 3600000 },
        { "failures", "failures", 1, 100 },
        { "method", "method", 0, 0 },
        { "tcp-port", "port", 1, 65535 },
    };

    if (!strcmp(key, "failure-mode")) {
        char *error = ctl_parse_enum(key, value, failure_modes);
        if (!error) {
            nbrec_service_set_failure_mode(svc, value);
        }
        return error;
    }
    for (size_t i = 0; i < ARRAY_SIZE(hc); i++) {
        if (strcmp(key, hc[i].key)) {
            continue;
        }
        if (value[0]) {
            long long int n;
            char *error = (hc[i].max
                           ? ctl_parse_int(key, value, hc[i].min, hc[i].max,
                                           &n)
                           : ctl_parse_enum(key, value, probe_methods));
            if (error) {
                return error;
            }
        }

        /* The whole column is written, so that validation sees it. */
        struct smap health_check;
        smap_clone(&health_check, &svc->health_check);
        if (value[0]) {
            smap_replace(&health_check, hc[i].hc_key, value);
        } else {
            smap_remove(&health_check, hc[i].hc_key);
        }
        nbrec_service_set_health_check(svc, &health_check);
        smap_destroy(&health_check);
        return NULL;
    }
    return ctl_unknown_key(&ctl_noun_service, key);
}

static char *
service_validate(struct ctl_context *ctx OVS_UNUSED,
                 const struct ovsdb_idl_row *row)
{
    const struct nbrec_service *svc = CTL_CAST(nbrec_service, row);
    const char *method = smap_get(&svc->health_check, "method");

    if (method && !strcmp(method, "tcp")
        && !smap_get(&svc->health_check, "port")) {
        return xasprintf("service %s/%s: method tcp needs tcp-port=",
                         svc->tenant->name, svc->name);
    }
    return NULL;
}

static char *
service_delete(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
               bool force)
{
    const struct nbrec_service *svc = CTL_CAST(nbrec_service, row);
    const struct nbrec_chain *chain;

    struct svec users = SVEC_EMPTY_INITIALIZER;
    NBREC_CHAIN_FOR_EACH (chain, ctx->idl) {
        for (size_t i = 0; i < chain->n_hops; i++) {
            if (chain->value_hops[i] == svc) {
                svec_add_nocopy(&users, xasprintf("%s/%s (hop %"PRId64")",
                                                  chain->tenant->name,
                                                  chain->name,
                                                  chain->key_hops[i]));
            }
        }
    }
    if (users.n) {
        svec_sort(&users);
        char *list = ctl_join(users.names, users.n, ", ");
        char *error = xasprintf("service %s/%s is used by chain%s %s: remove "
                                "it from %s first", svc->tenant->name,
                                svc->name, users.n > 1 ? "s" : "", list,
                                users.n > 1 ? "them" : "it");
        free(list);
        svec_destroy(&users);
        return error;
    }

    size_t n = ctl_noun_count_children(ctx, &ctl_noun_instance, row);
    if (n && !force) {
        return xasprintf("service %s/%s still has %"PRIuSIZE" instance%s: "
                         "delete them first, or use --force",
                         svc->tenant->name, svc->name, n, n > 1 ? "s" : "");
    }
    const struct nbrec_service_instance *inst, *next;
    NBREC_SERVICE_INSTANCE_FOR_EACH_SAFE (inst, next, ctx->idl) {
        if (inst->service == svc) {
            nbrec_service_instance_delete(inst);
        }
    }
    nbrec_service_delete(svc);
    return NULL;
}

static const char *const service_headings[] = {
    "SERVICE", "FAILURE-MODE", "HEALTH-CHECK", "INSTANCES", NULL,
};

static void
service_describe(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
                 struct svec *cells)
{
    const struct nbrec_service *svc = CTL_CAST(nbrec_service, row);
    struct ds hc = DS_EMPTY_INITIALIZER;
    const struct smap_node **nodes = smap_sort(&svc->health_check);

    for (size_t i = 0; i < smap_count(&svc->health_check); i++) {
        ds_put_format(&hc, "%s%s=%s", i ? "," : "", nodes[i]->key,
                      nodes[i]->value);
    }
    free(nodes);
    svec_add_nocopy(cells, ctl_noun_path(&ctl_noun_service, row));
    svec_add(cells, svc->failure_mode);
    svec_add_nocopy(cells, ds_steal_cstr(&hc));
    svec_add_nocopy(cells, xasprintf("%"PRIuSIZE, ctl_noun_count_children(
                                         ctx, &ctl_noun_instance, row)));
}

const struct ctl_noun ctl_noun_service = {
    .name = "service",
    .path = "TENANT/SERVICE",
    .table = &nbrec_table_service,
    .parent = &ctl_noun_tenant,
    .name_of = service_name,
    .parent_of = service_tenant,
    .add_args = "",
    .add = service_add,
    .set = service_set,
    .keys = "failure-mode interval failures method tcp-port",
    .validate = service_validate,
    .delete = service_delete,
    .headings = service_headings,
    .describe = service_describe,
};

/* Service instances. */

static const char *
instance_name(const struct ovsdb_idl_row *row)
{
    return CTL_CAST(nbrec_service_instance, row)->name;
}

static const struct ovsdb_idl_row *
instance_service(const struct ovsdb_idl_row *row)
{
    return &CTL_CAST(nbrec_service_instance, row)->service->header_;
}

static void
instance_add(struct ctl_context *ctx)
{
    const struct ovsdb_idl_row *svc;
    const char *name;
    int first;

    if (!ctl_noun_add_begin(ctx, &ctl_noun_instance, &svc, &name, &first)) {
        return;
    }
    char *error = ctl_parse_enum("type", ctx->argv[2], instance_types);
    if (error) {
        ctl_error(ctx, "%s", error);
        free(error);
        return;
    }
    const struct nbrec_service *service = CTL_CAST(nbrec_service, svc);
    const struct nbrec_service_instance *other;
    int64_t *used = xmalloc(sizeof *used);
    size_t n = 0;
    NBREC_SERVICE_INSTANCE_FOR_EACH (other, ctx->idl) {
        if (other->service == service) {
            used = xrealloc(used, (n + 1) * sizeof *used);
            used[n++] = other->id;
        }
    }
    int64_t id = lowest_free_id(used, n, MAX_INSTANCE_ID);
    if (!id) {
        ctl_error(ctx, "service %s/%s already has %d instances",
                  service->tenant->name, service->name, MAX_INSTANCE_ID);
        return;
    }

    const struct nbrec_service_instance *inst
        = nbrec_service_instance_insert(ctx->txn);
    nbrec_service_instance_set_service(inst, service);
    nbrec_service_instance_set_id(inst, id);
    nbrec_service_instance_set_name(inst, name);
    nbrec_service_instance_set_type(inst, ctx->argv[2]);
    if (ctl_noun_apply_settings(ctx, &ctl_noun_instance, &inst->header_,
                                first)) {
        ctl_noun_validate(ctx, &ctl_noun_instance, &inst->header_);
    }
}

static char *
instance_set(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
             const char *key, const char *value)
{
    const struct nbrec_service_instance *inst
        = CTL_CAST(nbrec_service_instance, row);
    const char *opt = value[0] ? value : NULL;
    char *error = NULL;

    if (!strcmp(key, "chassis")) {
        const struct ovsdb_idl_row *ch = NULL;
        if (opt) {
            ch = ctl_noun_find(ctx, &ctl_noun_chassis, value, true);
            if (!ch) {
                return ctl_take_error(ctx);
            }
        }
        nbrec_service_instance_set_chassis(inst,
                                           CTL_CAST(nbrec_chassis, ch));
    } else if (!strcmp(key, "in") || !strcmp(key, "out")) {
        if (opt) {
            error = nb_check_name("interface", value);
        }
        if (!error) {
            (!strcmp(key, "in") ? nbrec_service_instance_set_in_interface
                                : nbrec_service_instance_set_out_interface)(
                inst, opt);
        }
    } else if (!strcmp(key, "address")) {
        struct in6_addr a;
        bool ipv4;
        if (opt) {
            error = ip_addr_parse(value, &a, &ipv4);
        }
        if (!error) {
            nbrec_service_instance_set_address(inst, opt);
        }
    } else if (!strcmp(key, "udp-port")) {
        long long int n = 0;
        if (opt) {
            error = ctl_parse_int(key, value, 1, 65535, &n);
        }
        if (!error) {
            int64_t port = n;
            nbrec_service_instance_set_udp_port(inst, &port, opt ? 1 : 0);
        }
    } else if (!strcmp(key, "enabled")) {
        bool b;
        error = ctl_parse_bool(key, value, &b);
        if (!error) {
            nbrec_service_instance_set_enabled(inst, &b, 1);
        }
    } else {
        error = ctl_unknown_key(&ctl_noun_instance, key);
    }
    return error;
}

/* Returns the in-line instance whose address is 'address' (an IPv4
 * address, perhaps with a prefix length), or NULL. */
const struct nbrec_service_instance *
ctl_inline_instance_at(struct ovsdb_idl *idl, const char *address)
{
    char *host = xmemdup0(address, strcspn(address, "/"));
    ovs_be32 ip;
    bool ok = ip_parse(host, &ip);
    free(host);
    if (!ok) {
        return NULL;
    }

    const struct nbrec_service_instance *inst;
    NBREC_SERVICE_INSTANCE_FOR_EACH (inst, idl) {
        ovs_be32 inst_ip;
        if (!strcmp(inst->type, "inline") && inst->address
            && ip_parse(inst->address, &inst_ip) && inst_ip == ip) {
            return inst;
        }
    }
    return NULL;
}

/* Returns an error message if 'address', 'what' (as the message calls
 * it), is an in-line instance's address, or NULL. */
char *
ctl_inline_conflict(struct ovsdb_idl *idl, const char *address,
                    const char *what)
{
    const struct nbrec_service_instance *inst
        = ctl_inline_instance_at(idl, address);
    if (!inst) {
        return NULL;
    }
    char *path = ctl_noun_path(&ctl_noun_instance, &inst->header_);
    char *error = xasprintf("%s %s is the address of inline instance %s",
                            what, address, path);
    free(path);
    return error;
}

/* Returns true if 'address' (perhaps with a prefix length) is 'ip'. */
static bool
is_ip(const char *address, ovs_be32 ip)
{
    char *host = address ? xmemdup0(address, strcspn(address, "/")) : NULL;
    ovs_be32 a;
    bool is = host && ip_parse(host, &a) && a == ip;
    free(host);
    return is;
}

/* Checks in-line instance 'inst', called 'path', beyond what every
 * instance with an address needs. */
static char *
inline_validate(struct ctl_context *ctx,
                const struct nbrec_service_instance *inst, const char *path)
{
    ovs_be32 ip;
    if (!ip_parse(inst->address, &ip) || !ip || ip_is_multicast(ip)
        || ip == htonl(UINT32_MAX)) {
        return xasprintf("inline instance %s needs a unicast IPv4 address, "
                         "not \"%s\"", path, inst->address);
    } else if (inst->n_udp_port) {
        return xasprintf("inline instance %s cannot have udp-port=", path);
    }

    const struct nbrec_service_instance *other;
    NBREC_SERVICE_INSTANCE_FOR_EACH (other, ctx->idl) {
        if (other != inst && !strcmp(other->type, "inline")
            && is_ip(other->address, ip)) {
            char *other_path = ctl_noun_path(&ctl_noun_instance,
                                             &other->header_);
            char *error = xasprintf("inline instance %s: address %s is "
                                    "already that of inline instance %s",
                                    path, inst->address, other_path);
            free(other_path);
            return error;
        }
    }

    /* The gateway's own addresses and its next hop are not a machine's. */
    const struct nbrec_router *r;
    NBREC_ROUTER_FOR_EACH (r, ctx->idl) {
        bool used = is_ip(r->external_ip, ip);
        for (size_t i = 0; !used && i < r->n_nat; i++) {
            used = is_ip(r->nat[i]->external_ip, ip);
        }
        if (used) {
            return xasprintf("inline instance %s: address %s is an external "
                             "address of router %s/%s", path, inst->address,
                             r->tenant->name, r->name);
        }
    }
    const struct nbrec_gateway *gw;
    NBREC_GATEWAY_FOR_EACH (gw, ctx->idl) {
        if (is_ip(gw->external_nexthop, ip) || is_ip(gw->management_ip, ip)) {
            return xasprintf("inline instance %s: address %s is gateway "
                             "%s's nexthop or management address", path,
                             inst->address, gw->name);
        }
    }
    return check_inline_service(ctx->idl, inst->service);
}

static char *
instance_validate(struct ctl_context *ctx,
                  const struct ovsdb_idl_row *row)
{
    const struct nbrec_service_instance *inst
        = CTL_CAST(nbrec_service_instance, row);
    char *path = ctl_noun_path(&ctl_noun_instance, row);
    char *error = NULL;

    if (!strcmp(inst->type, "port-pair")) {
        if (!inst->chassis || !inst->in_interface || !inst->out_interface) {
            error = xasprintf("port-pair instance %s needs chassis=, in= and "
                              "out=", path);
        } else if (!strcmp(inst->in_interface, inst->out_interface)) {
            error = xasprintf("port-pair instance %s needs two different "
                              "interfaces", path);
        } else if (inst->address || inst->n_udp_port) {
            error = xasprintf("port-pair instance %s cannot have address= "
                              "or udp-port=", path);
        }
    } else if (!inst->address) {
        error = xasprintf("%s instance %s needs address=", inst->type, path);
    } else if (inst->chassis || inst->in_interface || inst->out_interface) {
        error = xasprintf("%s instance %s cannot have chassis=, in= or out=",
                          inst->type, path);
    } else if (!strcmp(inst->type, "inline")) {
        error = inline_validate(ctx, inst, path);
    }
    free(path);
    return error;
}

static char *
instance_delete(struct ctl_context *ctx OVS_UNUSED,
                const struct ovsdb_idl_row *row, bool force OVS_UNUSED)
{
    nbrec_service_instance_delete(CTL_CAST(nbrec_service_instance, row));
    return NULL;
}

static const char *const instance_headings[] = {
    "INSTANCE", "ID", "TYPE", "ENDPOINT", "ENABLED", "HEALTH", NULL,
};

static void
instance_describe(struct ctl_context *ctx OVS_UNUSED,
                  const struct ovsdb_idl_row *row, struct svec *cells)
{
    const struct nbrec_service_instance *inst
        = CTL_CAST(nbrec_service_instance, row);
    struct ds health = DS_EMPTY_INITIALIZER;
    const struct smap_node **nodes = smap_sort(&inst->health);

    for (size_t i = 0; i < smap_count(&inst->health); i++) {
        ds_put_format(&health, "%s%s=%s", i ? "," : "", nodes[i]->key,
                      nodes[i]->value);
    }
    free(nodes);

    svec_add_nocopy(cells, ctl_noun_path(&ctl_noun_instance, row));
    svec_add_nocopy(cells, xasprintf("%"PRId64, inst->id));
    svec_add(cells, inst->type);
    if (!strcmp(inst->type, "port-pair")) {
        svec_add_nocopy(cells, xasprintf(
                            "%s:%s->%s",
                            inst->chassis ? inst->chassis->name : "?",
                            inst->in_interface ? inst->in_interface : "?",
                            inst->out_interface ? inst->out_interface : "?"));
    } else if (inst->n_udp_port) {
        svec_add_nocopy(cells, xasprintf("%s:%"PRId64, inst->address,
                                         inst->udp_port[0]));
    } else {
        svec_add(cells, inst->address ? inst->address : "");
    }
    svec_add(cells, !inst->n_enabled || inst->enabled[0] ? "true" : "false");
    svec_add_nocopy(cells, ds_steal_cstr(&health));
}

const struct ctl_noun ctl_noun_instance = {
    .name = "instance",
    .path = "TENANT/SERVICE/INSTANCE",
    .table = &nbrec_table_service_instance,
    .parent = &ctl_noun_service,
    .name_of = instance_name,
    .parent_of = instance_service,
    .add_args = "port-pair|geneve|vxlan|inline",
    .add_min_args = 1,
    .add_max_args = 1,
    .add = instance_add,
    .set = instance_set,
    .keys = "chassis in out address udp-port enabled",
    .validate = instance_validate,
    .delete = instance_delete,
    .headings = instance_headings,
    .describe = instance_describe,
};

/* Chains. */

static const char *
chain_name(const struct ovsdb_idl_row *row)
{
    return CTL_CAST(nbrec_chain, row)->name;
}

static const struct ovsdb_idl_row *
chain_tenant(const struct ovsdb_idl_row *row)
{
    return owning_tenant(CTL_CAST(nbrec_chain, row)->tenant);
}

/* Returns the service at position 'position' of 'chain', or NULL. */
static const struct nbrec_service *
chain_hop(const struct nbrec_chain *chain, int64_t position)
{
    for (size_t i = 0; i < chain->n_hops; i++) {
        if (chain->key_hops[i] == position) {
            return chain->value_hops[i];
        }
    }
    return NULL;
}

static void
chain_add(struct ctl_context *ctx)
{
    const struct ovsdb_idl_row *tenant;
    const char *name;
    int first;

    if (!ctl_noun_add_begin(ctx, &ctl_noun_chain, &tenant, &name, &first)) {
        return;
    }
    const struct nbrec_chain *other;
    int64_t *used = xmalloc(sizeof *used);
    size_t n = 0;
    NBREC_CHAIN_FOR_EACH (other, ctx->idl) {
        used = xrealloc(used, (n + 1) * sizeof *used);
        used[n++] = other->id;
    }
    int64_t id = lowest_free_id(used, n, 4095);
    if (!id) {
        ctl_error(ctx, "there are already 4095 chains");
        return;
    }

    const struct nbrec_chain *chain = nbrec_chain_insert(ctx->txn);
    nbrec_chain_set_tenant(chain, CTL_CAST(nbrec_tenant, tenant));
    nbrec_chain_set_name(chain, name);
    nbrec_chain_set_id(chain, id);
    if (first > 2) {
        char *list = ctl_join(&ctx->argv[2], first - 2, ",");
        char *error = ctl_noun_chain.set(ctx, &chain->header_, "services",
                                         list);
        free(list);
        if (error) {
            ctl_error(ctx, "%s", error);
            free(error);
            return;
        }
    }
    if (ctl_noun_apply_settings(ctx, &ctl_noun_chain, &chain->header_,
                                first)) {
        ctl_noun_validate(ctx, &ctl_noun_chain, &chain->header_);
    }
}

static char *
chain_set(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
          const char *key, const char *value)
{
    const struct nbrec_chain *chain = CTL_CAST(nbrec_chain, row);

    if (!strcmp(key, "services")) {
        struct svec names = SVEC_EMPTY_INITIALIZER;
        ctl_split_list(value, &names);
        if (names.n > MAX_HOPS) {
            svec_destroy(&names);
            return xasprintf("services: a chain has at most %d services",
                             MAX_HOPS);
        }

        int64_t *positions = xmalloc(MAX(names.n, 1) * sizeof *positions);
        struct nbrec_service **svcs = xmalloc(MAX(names.n, 1)
                                              * sizeof *svcs);
        char *error = NULL;
        for (size_t i = 0; i < names.n && !error; i++) {
            const struct ovsdb_idl_row *svc = ctl_noun_find_child(
                ctx, &ctl_noun_service, &chain->tenant->header_,
                names.names[i], true);
            if (!svc) {
                error = ctl_take_error(ctx);
                break;
            }
            positions[i] = i + 1;
            svcs[i] = CONST_CAST(struct nbrec_service *,
                                 CTL_CAST(nbrec_service, svc));
            for (size_t j = 0; j < i; j++) {
                if (svcs[j] == svcs[i]) {
                    error = xasprintf("services: %s is listed twice",
                                      names.names[i]);
                }
            }
        }
        if (!error) {
            nbrec_chain_set_hops(chain, positions, svcs, names.n);
        }
        free(positions);
        free(svcs);
        svec_destroy(&names);
        return error;
    } else if (!strcmp(key, "symmetric")) {
        bool b;
        char *error = ctl_parse_bool(key, value, &b);
        if (!error) {
            nbrec_chain_set_symmetric(chain, &b, 1);
        }
        return error;
    }
    return ctl_unknown_key(&ctl_noun_chain, key);
}

static char *
chain_validate(struct ctl_context *ctx,
               const struct ovsdb_idl_row *row)
{
    const struct nbrec_chain *chain = CTL_CAST(nbrec_chain, row);

    if (!chain->n_hops) {
        return xasprintf("chain %s/%s needs at least one service",
                         chain->tenant->name, chain->name);
    }
    for (size_t i = 0; i < chain->n_hops; i++) {
        const struct nbrec_service *svc = chain_hop(chain, i + 1);
        if (!svc) {
            return xasprintf("chain %s/%s has no service at position "
                             "%"PRIuSIZE, chain->tenant->name, chain->name,
                             i + 1);
        } else if (svc->tenant != chain->tenant) {
            return xasprintf("chain %s/%s cannot use service %s/%s of "
                             "another tenant", chain->tenant->name,
                             chain->name, svc->tenant->name, svc->name);
        }
    }
    return check_inline_chain(ctx->idl, chain);
}

static char *
chain_delete(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
             bool force OVS_UNUSED)
{
    const struct nbrec_chain *chain = CTL_CAST(nbrec_chain, row);
    const struct nbrec_insertion_rule *rule;

    NBREC_INSERTION_RULE_FOR_EACH (rule, ctx->idl) {
        if (rule->chain == chain) {
            return xasprintf("chain %s/%s is used by rule %s/%s: delete or "
                             "change the rule first", chain->tenant->name,
                             chain->name, rule->tenant->name, rule->name);
        }
    }
    nbrec_chain_delete(chain);
    return NULL;
}

static const char *const chain_headings[] = {
    "CHAIN", "ID", "SERVICES", "SYMMETRIC", NULL,
};

static void
chain_describe(struct ctl_context *ctx OVS_UNUSED,
               const struct ovsdb_idl_row *row, struct svec *cells)
{
    const struct nbrec_chain *chain = CTL_CAST(nbrec_chain, row);
    struct ds hops = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < chain->n_hops; i++) {
        const struct nbrec_service *svc = chain_hop(chain, i + 1);
        ds_put_format(&hops, "%s%s", i ? "," : "", svc ? svc->name : "?");
    }
    svec_add_nocopy(cells, ctl_noun_path(&ctl_noun_chain, row));
    svec_add_nocopy(cells, xasprintf("%"PRId64, chain->id));
    svec_add_nocopy(cells, ds_steal_cstr(&hops));
    svec_add(cells, (!chain->n_symmetric || chain->symmetric[0]
                     ? "true" : "false"));
}

const struct ctl_noun ctl_noun_chain = {
    .name = "chain",
    .path = "TENANT/CHAIN",
    .table = &nbrec_table_chain,
    .parent = &ctl_noun_tenant,
    .name_of = chain_name,
    .parent_of = chain_tenant,
    .add_args = "[SERVICE]...",
    .add_min_args = 0,
    .add_max_args = INT_MAX,
    .add = chain_add,
    .set = chain_set,
    .keys = "services symmetric",
    .validate = chain_validate,
    .delete = chain_delete,
    .headings = chain_headings,
    .describe = chain_describe,
};

/* Insertion rules. */

static const char *
rule_name(const struct ovsdb_idl_row *row)
{
    return CTL_CAST(nbrec_insertion_rule, row)->name;
}

static const struct ovsdb_idl_row *
rule_tenant(const struct ovsdb_idl_row *row)
{
    return owning_tenant(CTL_CAST(nbrec_insertion_rule, row)->tenant);
}

static void
rule_add(struct ctl_context *ctx)
{
    const struct ovsdb_idl_row *tenant;
    const char *name;
    int first;

    if (!ctl_noun_add_begin(ctx, &ctl_noun_rule, &tenant, &name, &first)) {
        return;
    }
    const struct nbrec_insertion_rule *other;
    int64_t *used = xmalloc(sizeof *used);
    size_t n = 0;
    NBREC_INSERTION_RULE_FOR_EACH (other, ctx->idl) {
        used = xrealloc(used, (n + 1) * sizeof *used);
        used[n++] = other->id;
    }
    int64_t id = lowest_free_id(used, n, 65535);
    if (!id) {
        ctl_error(ctx, "there are already 65535 insertion rules");
        return;
    }

    const struct nbrec_insertion_rule *rule
        = nbrec_insertion_rule_insert(ctx->txn);
    nbrec_insertion_rule_set_tenant(rule, CTL_CAST(nbrec_tenant, tenant));
    nbrec_insertion_rule_set_name(rule, name);
    nbrec_insertion_rule_set_id(rule, id);
    nbrec_insertion_rule_set_scope(rule, "tenant");
    nbrec_insertion_rule_set_direction(rule, "egress");

    static const char *const positional[] = { "priority", "action", "chain" };
    for (int i = 2; i < first; i++) {
        char *error = ctl_noun_rule.set(ctx, &rule->header_,
                                        positional[i - 2], ctx->argv[i]);
        if (error) {
            ctl_error(ctx, "%s", error);
            free(error);
            return;
        }
    }
    if (ctl_noun_apply_settings(ctx, &ctl_noun_rule, &rule->header_, first)) {
        ctl_noun_validate(ctx, &ctl_noun_rule, &rule->header_);
    }
}

/* Sets one of the match columns of 'rule' that 'key' names. */
static char *
rule_set_match(const struct nbrec_insertion_rule *rule, const char *key,
               const char *value)
{
    char *canonical;
    char *error = ctl_parse_match_value(key, value, &canonical);
    if (error) {
        return error;
    }
    void (*set)(const struct nbrec_insertion_rule *, const char *)
        = (!strcmp(key, "protocol") ? nbrec_insertion_rule_set_protocol
           : !strcmp(key, "src") ? nbrec_insertion_rule_set_src_prefix
           : !strcmp(key, "dst") ? nbrec_insertion_rule_set_dst_prefix
           : !strcmp(key, "sport") ? nbrec_insertion_rule_set_src_ports
           : nbrec_insertion_rule_set_dst_ports);
    set(rule, canonical);
    free(canonical);
    return NULL;
}

static char *
rule_set(struct ctl_context *ctx, const struct ovsdb_idl_row *row,
         const char *key, const char *value)
{
    const struct nbrec_insertion_rule *rule
        = CTL_CAST(nbrec_insertion_rule, row);
    long long int n;
    char *error = NULL;

    if (!strcmp(key, "priority")) {
        error = ctl_parse_int(key, value, 0, 32767, &n);
        if (!error) {
            nbrec_insertion_rule_set_priority(rule, n);
        }
    } else if (!strcmp(key, "action")) {
        error = ctl_parse_enum(key, value, rule_actions);
        if (!error) {
            nbrec_insertion_rule_set_action(rule, value);
        }
    } else if (!strcmp(key, "direction")) {
        error = ctl_parse_enum(key, value, rule_directions);
        if (!error) {
            nbrec_insertion_rule_set_direction(rule, value);
        }
    } else if (!strcmp(key, "chain")) {
        const struct ovsdb_idl_row *chain = NULL;
        if (value[0]) {
            chain = ctl_noun_find_child(ctx, &ctl_noun_chain,
                                        &rule->tenant->header_, value, true);
            if (!chain) {
                return ctl_take_error(ctx);
            }
        }
        nbrec_insertion_rule_set_chain(rule, CTL_CAST(nbrec_chain, chain));
    } else if (!strcmp(key, "network")) {
        const struct ovsdb_idl_row *net = NULL;
        if (value[0]) {
            net = ctl_noun_find_child(ctx, &ctl_noun_network,
                                      &rule->tenant->header_, value, true);
            if (!net) {
                return ctl_take_error(ctx);
            }
        }
        nbrec_insertion_rule_set_scope(rule, net ? "network" : "tenant");
        nbrec_insertion_rule_set_network(rule, CTL_CAST(nbrec_network, net));
        nbrec_insertion_rule_set_port(rule, NULL);
    } else if (!strcmp(key, "port")) {
        const struct ovsdb_idl_row *p = NULL;
        if (value[0]) {
            p = ctl_noun_find(ctx, &ctl_noun_port, value, true);
            if (!p) {
                return ctl_take_error(ctx);
            }
            const struct nbrec_port *port = CTL_CAST(nbrec_port, p);
            if (port->network->tenant != rule->tenant) {
                return xasprintf("port: %s belongs to tenant %s, not %s",
                                 value, port->network->tenant->name,
                                 rule->tenant->name);
            }
        }
        nbrec_insertion_rule_set_scope(rule, p ? "port" : "tenant");
        nbrec_insertion_rule_set_port(rule, CTL_CAST(nbrec_port, p));
        nbrec_insertion_rule_set_network(rule, NULL);
    } else if (ctl_is_match_key(key)) {
        error = rule_set_match(rule, key, value);
    } else {
        error = ctl_unknown_key(&ctl_noun_rule, key);
    }
    return error;
}

static char *
rule_validate(struct ctl_context *ctx,
              const struct ovsdb_idl_row *row)
{
    const struct nbrec_insertion_rule *rule
        = CTL_CAST(nbrec_insertion_rule, row);
    char *path = ctl_noun_path(&ctl_noun_rule, row);
    char *error = NULL;

    if (!strcmp(rule->action, "redirect") && !rule->chain) {
        error = xasprintf("rule %s redirects but has no chain", path);
    } else if (strcmp(rule->action, "redirect") && rule->chain) {
        error = xasprintf("rule %s with action %s cannot have a chain", path,
                          rule->action);
    } else if (rule->chain) {
        error = check_inline_chain(ctx->idl, rule->chain);
    }
    if (!error) {
        char *e = ctl_check_match(rule->protocol, rule->src_prefix,
                                  rule->dst_prefix, rule->src_ports,
                                  rule->dst_ports);
        if (e) {
            error = xasprintf("rule %s: %s", path, e);
            free(e);
        }
    }
    free(path);
    return error;
}

static char *
rule_delete(struct ctl_context *ctx OVS_UNUSED,
            const struct ovsdb_idl_row *row, bool force OVS_UNUSED)
{
    nbrec_insertion_rule_delete(CTL_CAST(nbrec_insertion_rule, row));
    return NULL;
}

static const char *const rule_headings[] = {
    "RULE", "PRIORITY", "SCOPE", "DIRECTION", "MATCH", "ACTION", NULL,
};

static void
rule_describe(struct ctl_context *ctx OVS_UNUSED,
              const struct ovsdb_idl_row *row, struct svec *cells)
{
    const struct nbrec_insertion_rule *rule
        = CTL_CAST(nbrec_insertion_rule, row);
    svec_add_nocopy(cells, ctl_noun_path(&ctl_noun_rule, row));
    svec_add_nocopy(cells, xasprintf("%"PRId64, rule->priority));
    if (!strcmp(rule->scope, "network")) {
        svec_add_nocopy(cells, xasprintf("network:%s", rule->network
                                         ? rule->network->name
                                         : "(deleted)"));
    } else if (!strcmp(rule->scope, "port")) {
        svec_add_nocopy(cells, xasprintf("port:%s", rule->port
                                         ? rule->port->name : "(deleted)"));
    } else {
        svec_add(cells, "tenant");
    }
    svec_add(cells, rule->direction);
    svec_add_nocopy(cells, ctl_format_match(rule->protocol,
                                            rule->src_prefix,
                                            rule->dst_prefix,
                                            rule->src_ports,
                                            rule->dst_ports));
    svec_add_nocopy(cells, (rule->chain
                            ? xasprintf("redirect:%s", rule->chain->name)
                            : xstrdup(rule->action)));
}

const struct ctl_noun ctl_noun_rule = {
    .name = "rule",
    .path = "TENANT/RULE",
    .table = &nbrec_table_insertion_rule,
    .parent = &ctl_noun_tenant,
    .name_of = rule_name,
    .parent_of = rule_tenant,
    .add_args = "PRIORITY redirect|allow|drop [CHAIN]",
    .add_min_args = 2,
    .add_max_args = 3,
    .add = rule_add,
    .set = rule_set,
    .keys = "priority action chain network port direction protocol src dst "
            "sport dport",
    .validate = rule_validate,
    .delete = rule_delete,
    .headings = rule_headings,
    .describe = rule_describe,
};
