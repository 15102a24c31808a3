/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * sluice-ctl commands to observe service insertion: the packet and byte
 * counters of rules, chains and instances that the controllers write to
 * the northbound database (see si-stats.h in controller/), and "trace",
 * which shows the hops that a packet from a port would take across
 * chassis and services, as the controllers' flows would decide for a new
 * connection. */

#include <config.h>
#include "utilities/ctl-si.h"
#include <stdlib.h>
#include <string.h>
#include "db-ctl-base.h"
#include "flow.h"
#include "hash.h"
#include "lib/ip-prefix.h"
#include "lib/nb-util.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-flow.h"
#include "packets.h"
#include "table.h"
#include "util.h"
#include "utilities/ctl-noun.h"

static bool path_selected(const char *path, const char *filter);

/* Statistics. */

/* One object's counters, for sorting. */
struct stats_row {
    char *path;
    int64_t values[3];          /* packets, bytes, invalid. */
};

static int64_t sum_counter(char **keys, const int64_t *values, size_t n,
                           const char *counter);

static const char *const counter_names[3] = { "packets", "bytes", "invalid" };

static int
compare_stats_rows(const void *a_, const void *b_)
{
    const struct stats_row *a = a_;
    const struct stats_row *b = b_;
    return strcmp(a->path, b->path);
}

/* Adds to 'rows' the object of 'noun' at 'row' with the statistics column
 * ('keys', 'values', 'n'), if 'filter' selects it. */
static void
stats_add(struct stats_row **rows, size_t *n_rows, const char *filter,
          const struct ctl_noun *noun, const struct ovsdb_idl_row *row,
          char **keys, const int64_t *values, size_t n)
{
    char *path = ctl_noun_path(noun, row);
    if (!path_selected(path, filter)) {
        free(path);
        return;
    }
    *rows = xrealloc(*rows, (*n_rows + 1) * sizeof **rows);
    struct stats_row *r = &(*rows)[(*n_rows)++];
    r->path = path;
    for (int i = 0; i < 3; i++) {
        r->values[i] = sum_counter(keys, values, n, counter_names[i]);
    }
}

/* Makes the output table of 'ctx' the 'n' 'rows', sorted, with the invalid
 * counter if 'invalid'.  Frees 'rows'. */
static void
stats_output(struct ctl_context *ctx, struct stats_row *rows, size_t n,
             bool invalid)
{
    struct table *t = xmalloc(sizeof *t);
    table_init(t);
    table_add_column(t, "NAME");
    table_add_column(t, "PACKETS");
    table_add_column(t, "BYTES");
    if (invalid) {
        table_add_column(t, "INVALID");
    }
    qsort(rows, n, sizeof *rows, compare_stats_rows);
    for (size_t i = 0; i < n; i++) {
        table_add_row(t);
        table_add_cell(t)->text = rows[i].path;
        for (int j = 0; j < (invalid ? 3 : 2); j++) {
            table_add_cell(t)->text = xasprintf("%"PRId64,
                                                rows[i].values[j]);
        }
    }
    free(rows);
    ctx->table = t;
}

static void
cmd_rule_stats(struct ctl_context *ctx)
{
    const char *filter = ctx->argc > 1 ? ctx->argv[1] : NULL;
    const struct nbrec_insertion_rule *rule;
    struct stats_row *rows = NULL;
    size_t n = 0;

    NBREC_INSERTION_RULE_FOR_EACH (rule, ctx->idl) {
        stats_add(&rows, &n, filter, &ctl_noun_rule, &rule->header_,
                  rule->key_statistics, rule->value_statistics,
                  rule->n_statistics);
    }
    stats_output(ctx, rows, n, false);
}

static void
cmd_chain_stats(struct ctl_context *ctx)
{
    const char *filter = ctx->argc > 1 ? ctx->argv[1] : NULL;
    const struct nbrec_chain *chain;
    struct stats_row *rows = NULL;
    size_t n = 0;

    NBREC_CHAIN_FOR_EACH (chain, ctx->idl) {
        stats_add(&rows, &n, filter, &ctl_noun_chain, &chain->header_,
                  chain->key_statistics, chain->value_statistics,
                  chain->n_statistics);
    }
    stats_output(ctx, rows, n, false);
}

static void
cmd_instance_stats(struct ctl_context *ctx)
{
    const char *filter = ctx->argc > 1 ? ctx->argv[1] : NULL;
    const struct nbrec_service_instance *inst;
    struct stats_row *rows = NULL;
    size_t n = 0;

    NBREC_SERVICE_INSTANCE_FOR_EACH (inst, ctx->idl) {
        stats_add(&rows, &n, filter, &ctl_noun_instance, &inst->header_,
                  inst->key_statistics, inst->value_statistics,
                  inst->n_statistics);
    }
    stats_output(ctx, rows, n, true);
}

/* Returns the sum over all chassis of 'counter' in a statistics column's
 * 'n' 'keys' ("CHASSIS:COUNTER") and 'values'. */
static int64_t
sum_counter(char **keys, const int64_t *values, size_t n, const char *counter)
{
    size_t len = strlen(counter);
    int64_t sum = 0;

    for (size_t i = 0; i < n; i++) {
        const char *colon = strrchr(keys[i], ':');
        if (colon && strlen(colon + 1) == len && !strcmp(colon + 1, counter)) {
            sum += values[i];
        }
    }
    return sum;
}

/* Returns true if the object at 'path' is 'filter', inside it, or if there
 * is no 'filter'. */
static bool
path_selected(const char *path, const char *filter)
{
    size_t len = filter ? strlen(filter) : 0;
    return (!filter || !strcmp(path, filter)
            || (!strncmp(path, filter, len) && path[len] == '/'));
}

/* Trace. */

/* What a trace knows about the packet. */
struct trace {
    struct ds *out;
    struct flow flow;           /* The packet as its port sends it. */
    const struct nbrec_port *port;
    const struct nbrec_network *net;
    const struct nbrec_port *dst;   /* The destination port, or NULL. */
    uint32_t hash;              /* Symmetric hash of the 5-tuple. */
};

static bool
prefix_matches(const char *prefix, const struct in6_addr *addr)
{
    struct ip_prefix p;
    char *error = prefix ? ip_prefix_parse(prefix, &p) : NULL;
    if (error) {
        free(error);
        return false;
    }
    return !prefix || ip_prefix_contains(&p, addr);
}

static bool
ports_match(const char *range, ovs_be16 port)
{
    uint16_t min, max;
    char *error = range ? port_range_parse(range, &min, &max) : NULL;
    if (error) {
        free(error);
        return false;
    }
    return !range || (ntohs(port) >= min && ntohs(port) <= max);
}

static void
flow_addr(const struct flow *flow, bool dst, struct in6_addr *addr)
{
    if (flow->dl_type == htons(ETH_TYPE_IP)) {
        in6_addr_set_mapped_ipv4(addr, dst ? flow->nw_dst : flow->nw_src);
    } else {
        *addr = dst ? flow->ipv6_dst : flow->ipv6_src;
    }
}

/* Returns true if 'rule' applies to a new connection of 't', as the
 * classification at the sender's chassis decides it. */
static bool
rule_matches(const struct nbrec_insertion_rule *rule, const struct trace *t)
{
    const struct flow *flow = &t->flow;
    struct in6_addr src, dst;
    flow_addr(flow, false, &src);
    flow_addr(flow, true, &dst);

    if (!strcmp(rule->direction, "egress")) {
        if ((!strcmp(rule->scope, "network") && rule->network != t->net)
            || (!strcmp(rule->scope, "port") && rule->port != t->port)) {
            return false;
        }
    } else if (!strcmp(rule->direction, "ingress")) {
        const struct nbrec_network *dnet = t->dst ? t->dst->network : NULL;
        if (!dnet || (!strcmp(rule->scope, "network")
                      && rule->network != dnet)
            || (!strcmp(rule->scope, "port") && rule->port != t->dst)) {
            return false;
        }
    } else {
        return false;
    }

    if (rule->protocol) {
        static const struct {
            const char *name;
            uint8_t proto;
        } protos[] = {
            { "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
            { "icmp", IPPROTO_ICMP }, { "icmp6", IPPROTO_ICMPV6 },
        };
        for (size_t i = 0; i < ARRAY_SIZE(protos); i++) {
            if (!strcmp(rule->protocol, protos[i].name)
                && flow->nw_proto != protos[i].proto) {
                return false;
            }
        }
    }
    return (prefix_matches(rule->src_prefix, &src)
            && prefix_matches(rule->dst_prefix, &dst)
            && ports_match(rule->src_ports, flow->tp_src)
            && ports_match(rule->dst_ports, flow->tp_dst));
}

static const struct nbrec_service *
chain_service(const struct nbrec_chain *chain, int hop)
{
    for (size_t i = 0; i < chain->n_hops; i++) {
        if (chain->key_hops[i] == hop) {
            return chain->value_hops[i];
        }
    }
    return NULL;
}

/* Returns true if the controller of 'chassis' considers 'inst' up. */
static bool
instance_up(const struct nbrec_service_instance *inst,
            const struct nbrec_chassis *chassis)
{
    const char *who = (!strcmp(inst->type, "port-pair") && inst->chassis
                       ? inst->chassis->name
                       : chassis ? chassis->name : NULL);
    const char *health = who ? smap_get(&inst->health, who) : NULL;
    return !health || strcmp(health, "down");
}

/* Returns the instance of 'svc' that a new connection of 't' is sent to,
 * as the service's select group chooses it on 't''s chassis: the highest
 * random weight over the symmetric hash among the instances that are up
 * and enabled. */
static const struct nbrec_service_instance *
choose_instance(struct ctl_context *ctx, const struct nbrec_service *svc,
                const struct trace *t, size_t *n_up)
{
    const struct nbrec_service_instance *best = NULL, *inst;
    uint32_t best_score = 0;
    int64_t last_id = 0;

    /* The group's buckets are in order of instance ID. */
    *n_up = 0;
    for (;;) {
        const struct nbrec_service_instance *next = NULL;
        NBREC_SERVICE_INSTANCE_FOR_EACH (inst, ctx->idl) {
            if (inst->service == svc && inst->id > last_id
                && (!next || inst->id < next->id)) {
                next = inst;
            }
        }
        if (!next) {
            break;
        }
        last_id = next->id;
        if ((!next->n_enabled || next->enabled[0])
            && instance_up(next, t->port->chassis)) {
            uint32_t score = hash_int(next->id, t->hash) & 0xffff;
            if (score >= best_score) {
                best = next;
                best_score = score;
            }
            (*n_up)++;
        }
    }
    return best;
}

static void
trace_hop(struct ctl_context *ctx, struct trace *t,
          const struct nbrec_chain *chain, int hop, bool reverse,
          const struct nbrec_service_instance **chosen)
{
    const struct nbrec_service *svc = chain_service(chain, hop);
    struct ds *out = t->out;

    ds_put_format(out, "hop %d%s: service %s/%s", hop,
                  reverse ? " (reverse)" : "", svc->tenant->name, svc->name);
    const struct nbrec_service_instance *inst = chosen[hop];
    if (!reverse) {
        size_t n_up;
        inst = chosen[hop] = choose_instance(ctx, svc, t, &n_up);
        if (!inst) {
            ds_put_format(out, ": no instance is up, %s\n",
                          !strcmp(svc->failure_mode, "fail-open")
                          ? "skipped (fail-open)"
                          : "dropped (fail-closed)");
            return;
        }
        ds_put_format(out, ": instance %s (ID %"PRId64"), chosen among %"
                      PRIuSIZE" up\n", inst->name, inst->id, n_up);
    } else if (!inst) {
        ds_put_cstr(out, ": skipped\n");
        return;
    } else {
        ds_put_format(out, ": instance %s, as pinned\n", inst->name);
    }

    uint32_t cookie = t->hash & 0xffff;
    if (!strcmp(inst->type, "port-pair")) {
        bool local = inst->chassis == t->port->chassis;
        ds_put_format(out, "    bump in the wire on %s: into %s, back from "
                      "%s%s\n", inst->chassis ? inst->chassis->name : "?",
                      reverse ? inst->out_interface : inst->in_interface,
                      reverse ? inst->in_interface : inst->out_interface,
                      local ? "" : ", over Geneve from and to the sender's "
                      "chassis");
    } else if (!strcmp(inst->type, "geneve")) {
        ds_put_format(out, "    Geneve to %s: chain %"PRId64" hop %d %s, "
                      "network VNI %"PRId64", flow cookie 0x%04"PRIx32"\n",
                      inst->address, chain->id, hop,
                      reverse ? "reverse" : "forward", t->net->vni, cookie);
    } else if (!strcmp(inst->type, "inline")) {
        ds_put_format(out, "    in-line at %s: out of the gateway's uplink, "
                      "unencapsulated, and back by its MAC\n",
                      inst->address);
    } else {
        ds_put_format(out, "    VXLAN to %s: VNI 0x%06"PRIx64" (chain %"PRId64
                      " hop %d %s)\n", inst->address,
                      (uint64_t) chain->id << 12 | hop << 8
                      | (reverse ? 0x80 : 0),
                      chain->id, hop, reverse ? "reverse" : "forward");
    }
}

/* Finds the port that a packet to 'dst' from 't''s network reaches: in
 * that network or, through its router, another. */
static const struct nbrec_port *
find_destination(struct ctl_context *ctx, const struct trace *t,
                 const struct in6_addr *dst)
{
    const struct nbrec_port *port;

    NBREC_PORT_FOR_EACH (port, ctx->idl) {
        const struct nbrec_network *net = port->network;
        if (!net || (net != t->net
                     && (!net->router || net->router != t->net->router))) {
            continue;
        }
        for (size_t i = 0; i < port->n_ips; i++) {
            struct in6_addr a;
            bool ipv4;
            char *error = ip_addr_parse(port->ips[i], &a, &ipv4);
            if (!error && ipv6_addr_equals(&a, dst)) {
                return port;
            }
            free(error);
        }
    }
    return NULL;
}

static void
cmd_trace(struct ctl_context *ctx)
{
    const struct ovsdb_idl_row *row = ctl_noun_find(ctx, &ctl_noun_port,
                                                    ctx->argv[1], true);
    if (!row) {
        return;
    }

    struct trace t = { .out = &ctx->output };
    t.port = CTL_CAST(nbrec_port, row);
    t.net = t.port->network;

    /* The packet: what the user gave, and the port's own addresses. */
    struct flow_wildcards wc;
    char *error = parse_ofp_exact_flow(&t.flow, &wc, NULL, ctx->argv[2],
                                       NULL);
    if (error) {
        ctl_error(ctx, "%s", error);
        free(error);
        return;
    }
    bool v6 = t.flow.dl_type == htons(ETH_TYPE_IPV6);
    if (!v6 && t.flow.dl_type != htons(ETH_TYPE_IP)) {
        ctl_error(ctx, "trace: the packet must be IPv4 or IPv6, for "
                  "example \"tcp,nw_dst=10.0.0.3,tp_dst=80\"");
        return;
    }
    for (size_t i = 0; i < t.port->n_ips; i++) {
        struct in6_addr a;
        bool ipv4;
        char *e = ip_addr_parse(t.port->ips[i], &a, &ipv4);
        if (e) {
            free(e);
        } else if (ipv4 && !v6 && !t.flow.nw_src) {
            t.flow.nw_src = in6_addr_get_mapped_ipv4(&a);
        } else if (!ipv4 && v6 && !ipv6_addr_is_set(&t.flow.ipv6_src)) {
            t.flow.ipv6_src = a;
        }
    }
    struct eth_addr mac;
    error = mac_parse(t.port->mac, &mac);
    if (!error && eth_addr_is_zero(t.flow.dl_src)) {
        t.flow.dl_src = mac;
    }
    free(error);
    struct in6_addr dst;
    flow_addr(&t.flow, true, &dst);
    t.dst = find_destination(ctx, &t, &dst);
    if (eth_addr_is_zero(t.flow.dl_dst)) {
        if (t.dst && t.dst->network == t.net
            && !mac_parse(t.dst->mac, &mac)) {
            t.flow.dl_dst = mac;
        } else {
            /* The router MAC of the sender's network. */
            t.flow.dl_dst = (struct eth_addr) ETH_ADDR_C(0a,59,00,00,00,00);
            t.flow.dl_dst.ea[3] = t.net->vni >> 16;
            t.flow.dl_dst.ea[4] = t.net->vni >> 8;
            t.flow.dl_dst.ea[5] = t.net->vni;
        }
    }
    t.hash = flow_hash_symmetric_l4(&t.flow, 0);

    struct ds *out = t.out;
    ds_put_cstr(out, "packet: ");
    flow_format(out, &t.flow, NULL);
    ds_put_format(out, "\nfrom port %s (%s/%s) on chassis %s\n",
                  t.port->name, t.net->tenant->name, t.net->name,
                  t.port->chassis ? t.port->chassis->name : "(none)");

    /* The rule that decides the connection. */
    const struct nbrec_insertion_rule *rule, *best = NULL;
    NBREC_INSERTION_RULE_FOR_EACH (rule, ctx->idl) {
        if (rule->tenant == t.net->tenant && rule_matches(rule, &t)
            && (!best || rule->priority > best->priority)) {
            best = rule;
        }
    }
    const struct nbrec_chain *chain = NULL;
    if (!best) {
        ds_put_cstr(out, "no insertion rule matches: not steered\n");
    } else {
        ds_put_format(out, "rule %s/%s (priority %"PRId64", %s, %s): %s",
                      best->tenant->name, best->name, best->priority,
                      best->direction, best->scope, best->action);
        if (!strcmp(best->action, "redirect") && best->chain) {
            chain = best->chain;
            bool symmetric = !chain->n_symmetric || chain->symmetric[0];
            ds_put_format(out, " to chain %s/%s (ID %"PRId64", %s)",
                          chain->tenant->name, chain->name, chain->id,
                          symmetric ? "symmetric" : "one way");
        }
        ds_put_char(out, '\n');
        if (!strcmp(best->action, "drop")) {
            ds_put_cstr(out, "dropped\n");
            return;
        }
    }

    /* The hops, forward. */
    const struct nbrec_service_instance *chosen[16] = { NULL };
    size_t n_hops = chain ? chain->n_hops : 0;
    for (size_t hop = 1; hop <= n_hops; hop++) {
        trace_hop(ctx, &t, chain, hop, false, chosen);
        const struct nbrec_service *svc = chain_service(chain, hop);
        if (!chosen[hop] && strcmp(svc->failure_mode, "fail-open")) {
            return;
        }
    }

    /* The destination. */
    if (!t.dst) {
        ds_put_cstr(out, "delivery: no port of the tenant has the "
                    "destination address: dropped\n");
        return;
    }
    const struct nbrec_chassis *from = t.port->chassis;
    const struct nbrec_chassis *to = t.dst->chassis;
    ds_put_format(out, "delivery: port %s (%s/%s) on chassis %s", t.dst->name,
                  t.dst->network->tenant->name, t.dst->network->name,
                  to ? to->name : "(none)");
    if (t.dst->network != t.net) {
        ds_put_format(out, ", routed");
    }
    if (to && from && to != from) {
        ds_put_format(out, ", over %s VNI %"PRId64" to %s",
                      !strcmp(t.dst->network->type, "vxlan") ? "VXLAN"
                      : !strcmp(t.dst->network->type, "vlan") ? "VLAN"
                      : "Geneve", t.dst->network->vni, to->encap_ip);
    }
    ds_put_char(out, '\n');

    /* The replies. */
    if (chain && (!chain->n_symmetric || chain->symmetric[0])) {
        ds_put_format(out, "replies: back to chassis %s, then\n",
                      from ? from->name : "(none)");
        for (size_t hop = n_hops; hop >= 1; hop--) {
            trace_hop(ctx, &t, chain, hop, true, chosen);
        }
        ds_put_format(out, "then to port %s\n", t.port->name);
    } else if (chain) {
        ds_put_format(out, "replies: straight to port %s (one-way chain)\n",
                      t.port->name);
    }
}

/* The commands. */
const struct ctl_command_syntax ctl_si_commands[] = {
    {"rule-stats", 0, 1, "[TENANT[/RULE]]", ctl_nouns_pre_all,
     cmd_rule_stats, NULL, "", RO},
    {"chain-stats", 0, 1, "[TENANT[/CHAIN]]", ctl_nouns_pre_all,
     cmd_chain_stats, NULL, "", RO},
    {"instance-stats", 0, 1, "[TENANT[/SERVICE[/INSTANCE]]]",
     ctl_nouns_pre_all, cmd_instance_stats, NULL, "", RO},
    {"trace", 2, 2, "PORT PACKET", ctl_nouns_pre_all, cmd_trace, NULL, "",
     RO},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, RO},
};
