/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/si-flows.h"
#include <string.h>
#include "controller/flow-table.h"
#include "controller/flows.h"
#include "controller/gateway.h"
#include "controller/pipeline.h"
#include "controller/si-health.h"
#include "controller/si-ids.h"
#include "controller/si-native.h"
#include "flow.h"
#include "lib/ip-prefix.h"
#include "lib/nb-util.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "simap.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(si_flows);

static const struct uuid no_owner;

/* The bytes that an encapsulation adds in front of the inner IP packet,
 * with an IPv4 underlay: outer IPv4 and UDP headers, the Geneve header with
 * Sluice's 16-byte option (or the VXLAN header), and the inner Ethernet
 * header.  An IPv6 underlay adds 20 more. */
#define GENEVE_OVERHEAD (20 + 8 + 8 + 16 + 14)
#define VXLAN_OVERHEAD (20 + 8 + 8 + 14)

/* A 12-byte value of tun_metadata0, the Sluice option, as 24 hex digits:
 * chain (16 bits), hop (8), flags (8), network VNI (24), reserved (8),
 * flow cookie (32). */
#define OPTION_FMT "0x%04x%02x%02x%06x%02x%08x"

/* The mask that makes an option match require a valid context: the chain
 * and hop it names, flags other than bit 0 zero, and the reserved byte as
 * given. */
#define OPTION_CHECK_MASK "0xfffffffe000000ff00000000"

static void put_classify(struct flow_table *, const struct uuid *owner,
                         uint16_t priority, const char *scope,
                         const char *dst, const struct nbrec_insertion_rule *,
                         const char *actions);
static void put_option(struct ds *actions, const char *reserved);
static void put_label_match(struct ds *, int hop, unsigned int value);
static void put_inline(struct flow_table *, const struct si_ctx *,
                       const struct nbrec_service_instance *,
                       uint32_t number, const char *steer);
static int encap_mtu(const struct si_ctx *, int overhead);
static bool is_ipv6(const char *ip);
static const char *family(bool ipv6);

/* Adds the flows and groups that every chassis with service insertion
 * needs: the defaults of the service-insertion tables, the commits of pinned
 * instances, the way back from port pairs, and the always-live group. */
void
si_flows_static(struct flow_table *t, const struct si_ctx *ctx)
{
    const struct uuid *o = &no_owner;

    flow_table_add_group(t, o, SI_GROUP_ALWAYS, 0,
                         "type=indirect,bucket=actions=drop");

    /* Egress point. */
    flow_table_add_format(t, o, OFTABLE_SI_SOURCE, 1, MFF_FLAGS"="
                          FLAG_SI_RETURN, "drop");
    flow_table_add_format(t, o, OFTABLE_SI_SOURCE, 0, "", "resubmit(,%d)",
                          OFTABLE_ROUTING);
    flow_table_add(t, o, OFTABLE_SI_EGRESS, 100, "ct_state=+trk+inv",
                   "drop");
    flow_table_add_format(t, o, OFTABLE_SI_EGRESS, 90,
                          MFF_FLAGS"="FLAG_SI_FRESH",ct_state=+trk+rel",
                          "resubmit(,%d)", OFTABLE_ROUTING);
    char *committed = xasprintf(MFF_FLAGS"="FLAG_SI_FRESH
                                ",ct_state=+trk-rpl,ct_mark=0x%x/0x%x",
                                SI_MARK_COMMITTED, SI_MARK_COMMITTED);
    flow_table_add_format(t, o, OFTABLE_SI_EGRESS, 80, committed,
                          "set_field:0->"MFF_SI_CONTEXT","
                          "move:NXM_NX_CT_MARK[0..11]->NXM_NX_REG11[16..27],"
                          "move:NXM_NX_CT_MARK[16..31]->"MFF_SI_RULE","
                          "resubmit(,%d)", OFTABLE_SI_COUNT);
    flow_table_add_format(t, o, OFTABLE_SI_EGRESS, 80,
                          MFF_FLAGS"="FLAG_SI_FRESH",ct_state=+trk+rpl",
                          "resubmit(,%d)", OFTABLE_ROUTING);
    flow_table_add_format(t, o, OFTABLE_SI_EGRESS, 70,
                          MFF_FLAGS"="FLAG_SI_FRESH",ct_state=+trk-rpl",
                          "resubmit(,%d)", OFTABLE_SI_CLASSIFY);
    flow_table_add(t, o, OFTABLE_SI_EGRESS, 0, "", "drop");

    /* New connections that no rule matches are committed, so that their
     * replies are known as such. */
    for (int v6 = 0; v6 < 2; v6++) {
        flow_table_add_format(t, o, OFTABLE_SI_CLASSIFY, 0, family(v6),
                              "ct(commit,zone="MFF_SI_ZONE",exec("
                              "set_field:0x%x->ct_mark)),resubmit(,%d)",
                              SI_MARK_COMMITTED, OFTABLE_SI_DONE);
    }

    /* Delivery point. */
    flow_table_add(t, o, OFTABLE_SI_DELIVER, 100, "ct_state=+trk+inv",
                   "drop");
    flow_table_add(t, o, OFTABLE_SI_DELIVER, 90,
                   MFF_FLAGS"="FLAG_SI_FRESH",ct_state=+trk+rel",
                   "output:"MFF_SI_ZONE);
    flow_table_add_format(t, o, OFTABLE_SI_DELIVER, 70,
                          MFF_FLAGS"="FLAG_SI_FRESH",ct_state=+trk+rpl",
                          "set_field:0->"MFF_SI_CONTEXT","
                          "move:NXM_NX_CT_MARK[16..31]->"MFF_SI_RULE","
                          "resubmit(,%d)", OFTABLE_SI_COUNT);
    flow_table_add(t, o, OFTABLE_SI_DELIVER, 60, committed,
                   "output:"MFF_SI_ZONE);
    free(committed);
    for (int v6 = 0; v6 < 2; v6++) {
        char *match = xasprintf(MFF_FLAGS"="FLAG_SI_FRESH
                                ",ct_state=+trk-rpl,%s", family(v6));
        flow_table_add_format(t, o, OFTABLE_SI_DELIVER, 50, match,
                              "ct(commit,zone="MFF_SI_ZONE",exec("
                              "set_field:0x%x->ct_mark)),"
                              "output:"MFF_SI_ZONE, SI_MARK_COMMITTED);
        free(match);
    }
    flow_table_add(t, o, OFTABLE_SI_DELIVER, 0, "", "drop");

    /* Counting, chains and hops. */
    flow_table_add_format(t, o, OFTABLE_SI_COUNT, 0, "", "resubmit(,%d)",
                          OFTABLE_SI_CHAIN);
    flow_table_add_format(t, o, OFTABLE_SI_CHAIN, 0, "", "resubmit(,%d)",
                          OFTABLE_SI_NEXT);
    flow_table_add_format(t, o, OFTABLE_SI_NEXT, 10,
                          MFF_SI_CONTEXT"=0/0xffff0000", "resubmit(,%d)",
                          OFTABLE_SI_DONE);
    flow_table_add(t, o, OFTABLE_SI_NEXT, 0, "", "drop");
    flow_table_add(t, o, OFTABLE_SI_HOP, 0, "", "drop");

    /* The commit of a hop's instance, in the hop's byte of ct_label. */
    for (int hop = 1; hop <= 15; hop++) {
        for (int v6 = 0; v6 < 2; v6++) {
            char *match = xasprintf(MFF_SI_CONTEXT"=0x%x/0xff00,%s",
                                    hop << 8, family(v6));
            flow_table_add_format(t, o, OFTABLE_SI_PIN, 100, match,
                                  "ct(commit,zone="MFF_SI_ZONE",exec("
                                  "move:"MFF_SI_PIN"->NXM_NX_CT_LABEL[%d..%d]"
                                  ")),resubmit(,%d)", 8 * (hop - 1),
                                  8 * hop - 1, OFTABLE_SI_STEER);
            free(match);
        }
    }
    flow_table_add(t, o, OFTABLE_SI_PIN, 0, "", "drop");

    /* A skipped hop (fail-open) goes on to the next. */
    flow_table_add_format(t, o, OFTABLE_SI_STEER, 100,
                          "reg13=0/0xffff0000", "resubmit(,%d)",
                          OFTABLE_SI_NEXT);
    flow_table_add(t, o, OFTABLE_SI_STEER, 0, "", "drop");
    flow_table_add(t, o, OFTABLE_SI_SEND, 0, "", "drop");

    /* The end of a chain.  The service-insertion registers are cleared, so
     * that the delivery point sees a fresh packet.  A packet that an
     * instance returned over Geneve still has Sluice's option, which would
     * go on to the destination's chassis: OpenFlow cannot remove an
     * option, but zeroing it makes it name no chain there (and it fits:
     * the packet was sent to the instance with one).  A match on the
     * option requires it to be present. */
    flow_table_add(t, o, OFTABLE_SI_DONE, 10, MFF_FLAGS"="FLAG_SI_DELIVERY,
                   "output:"MFF_SI_ZONE);
    flow_table_add_format(t, o, OFTABLE_SI_DONE, 20, MFF_FLAGS"="FLAG_GW_NS,
                          "set_field:0/0xe->"MFF_FLAGS","
                          "set_field:0->"MFF_SI_CONTEXT",set_field:0->reg13,"
                          "resubmit(,%d)", OFTABLE_GW_NS_EXIT);
    char *done = xasprintf("set_field:0/0xe->"MFF_FLAGS","
                           "set_field:0->"MFF_SI_CONTEXT",set_field:0->reg13,"
                           "resubmit(,%d)", OFTABLE_ROUTING);
    for (int bit = 0; bit < 2; bit++) {
        char *match = xasprintf(MFF_FLAGS"="FLAG_SI_RETURN","
                                "tun_metadata0=%d/1", bit);
        flow_table_add_format(t, o, OFTABLE_SI_DONE, 5, match,
                              "set_field:0->tun_metadata0,%s", done);
        free(match);
    }
    flow_table_add(t, o, OFTABLE_SI_DONE, 0, "", done);
    free(done);

    flow_table_add(t, o, OFTABLE_SI_ACCEPT, 0, "", "drop");
    flow_table_add(t, o, OFTABLE_SI_RETURN, 0, "", "drop");

    /* The north-south point of a gateway: conntrack's verdict in the
     * router's service-insertion zone, for packets in either direction.
     * A connection's packets in the direction of its first one follow its
     * chain forward (per chain, in si_flows_chain(), replies of a
     * symmetric chain cross it in reverse); a new connection is
     * classified by the north-south rules. */
    flow_table_add(t, o, OFTABLE_GW_NS_STATE, 100, "ct_state=+trk+inv",
                   "drop");
    flow_table_add_format(t, o, OFTABLE_GW_NS_STATE, 90,
                          MFF_FLAGS"="FLAG_SI_FRESH",ct_state=+trk+rel",
                          "resubmit(,%d)", OFTABLE_GW_NS_EXIT);
    char *ns_committed = xasprintf(MFF_FLAGS"="FLAG_SI_FRESH
                                   ",ct_state=+trk%%s,ct_mark=0x%x/0x%x",
                                   SI_MARK_COMMITTED, SI_MARK_COMMITTED);
    char *match = xasprintf(ns_committed, "-rpl");
    flow_table_add_format(t, o, OFTABLE_GW_NS_STATE, 70, match,
                          "set_field:0x2->"MFF_SI_CONTEXT","
                          "move:NXM_NX_CT_MARK[0..11]->NXM_NX_REG11[16..27],"
                          "move:NXM_NX_CT_MARK[16..31]->"MFF_SI_RULE","
                          "resubmit(,%d)", OFTABLE_SI_COUNT);
    free(match);
    match = xasprintf(ns_committed, "+rpl");
    flow_table_add_format(t, o, OFTABLE_GW_NS_STATE, 70, match,
                          "set_field:0->"MFF_SI_CONTEXT","
                          "move:NXM_NX_CT_MARK[16..31]->"MFF_SI_RULE","
                          "resubmit(,%d)", OFTABLE_SI_COUNT);
    free(match);
    free(ns_committed);
    flow_table_add_format(t, o, OFTABLE_GW_NS_STATE, 60,
                          MFF_FLAGS"="FLAG_SI_FRESH",ct_state=+trk-rpl",
                          "resubmit(,%d)", OFTABLE_SI_CLASSIFY);
    flow_table_add(t, o, OFTABLE_GW_NS_STATE, 0, "", "drop");

    /* In-line instances at a gateway: an IP packet from the uplink is
     * looked up by its source MAC among the in-line instances' (learned),
     * and goes on to OFTABLE_GW_INBOUND unless one of them sent it. */
    flow_table_add_format(t, o, OFTABLE_GW_UPLINK, 5, "ip",
                          "load:0->"MFF_GW_INLINE",resubmit(,%d),"
                          "resubmit(,%d)", OFTABLE_GW_INLINE_MAC,
                          OFTABLE_GW_INLINE_RETURN);
    flow_table_add(t, o, OFTABLE_GW_INLINE_MAC, 0, "", "drop");
    flow_table_add_format(t, o, OFTABLE_GW_INLINE_RETURN, 0, "",
                          "resubmit(,%d)", OFTABLE_GW_INBOUND);
    flow_table_add(t, o, OFTABLE_GW_INLINE_CHECK, 0, "", "drop");
    flow_table_add(t, o, OFTABLE_GW_INLINE_SEND, 0, "", "drop");

    /* A packet that left a local port pair: its context from conntrack;
     * back to this chassis' chain, or to the chassis that sent it. */
    flow_table_add_format(t, o, OFTABLE_SI_PAIR_OUT, 100,
                          "ct_label=0x80000000000000000000000000000000/"
                          "0x80000000ffffffff0000000000000000",
                          "move:NXM_NX_CT_LABEL[1..31]->NXM_NX_REG11[1..31],"
                          "move:NXM_NX_CT_LABEL[32..55]->"
                          "OXM_OF_METADATA[0..23],"
                          "set_field:0x2/0x3->"MFF_FLAGS",resubmit(,%d)",
                          OFTABLE_SI_RETURN);
    if (ctx->geneve_port != OFPP_NONE) {
        struct ds actions = DS_EMPTY_INITIALIZER;
        ds_put_cstr(&actions,
                    "move:NXM_NX_CT_LABEL[1..31]->NXM_NX_REG11[1..31],"
                    "move:NXM_NX_CT_LABEL[32..55]->OXM_OF_METADATA[0..23],");
        put_option(&actions, NULL);
        ds_put_format(&actions,
                      "move:NXM_NX_CT_LABEL[64..95]->NXM_NX_TUN_IPV4_DST[],"
                      "output:%"PRIu16, ofp_to_u16(ctx->geneve_port));
        flow_table_add(t, o, OFTABLE_SI_PAIR_OUT, 90,
                       "ct_label=0x80000000000000000000000000000000/"
                       "0x80000000000000000000000000000000",
                       ds_cstr(&actions));
        ds_destroy(&actions);
    }
    flow_table_add(t, o, OFTABLE_SI_PAIR_OUT, 0, "", "drop");
}

/* Adds the flows that send the IP packets of local ports of 'net', a network
 * of a tenant with insertion rules, to the egress point. */
void
si_flows_network(struct flow_table *t, const struct si_ctx *ctx OVS_UNUSED,
                 const struct nbrec_network *net)
{
    for (int v6 = 0; v6 < 2; v6++) {
        char *match = xasprintf("metadata=%"PRId64",%s", net->vni,
                                family(v6));
        flow_table_add_format(t, &net->header_.uuid, OFTABLE_NEIGHBOR, 1,
                              match, "resubmit(,%d)", OFTABLE_SI_SOURCE);
        free(match);
    }
}

/* Adds the flows that send the IPv4 packets of 'net', a network of a
 * tenant with north-south rules whose router has conntrack zone 'zone' on
 * this chassis, its gateway, to the north-south point in both directions,
 * and that bring them back there from a hop. */
void
si_flows_ns_network(struct flow_table *t, const struct nbrec_network *net,
                    uint16_t zone)
{
    const struct uuid *owner = &net->header_.uuid;
    char *match = xasprintf("metadata=%"PRId64",ip", net->vni);

    for (int out = 0; out < 2; out++) {
        flow_table_add_format(t, owner,
                              out ? OFTABLE_GW_NS_OUT : OFTABLE_GW_NS_IN,
                              100, match,
                              "move:"MFF_GW_ZONE"->"MFF_SI_ZONE","
                              "load:1->NXM_NX_REG12[0],"
                              "set_field:0x%x/0x30->"MFF_FLAGS","
                              "ct(zone="MFF_SI_ZONE",table=%d)",
                              out ? 0x30 : 0x10, OFTABLE_GW_NS_STATE);
    }
    free(match);

    match = xasprintf(MFF_SI_CONTEXT"=0x2/0x2,metadata=%"PRId64",ip",
                      net->vni);
    flow_table_add_format(t, owner, OFTABLE_SI_RETURN, 110, match,
                          "load:%"PRIu16"->"MFF_GW_ZONE","
                          "load:%"PRIu16"->"MFF_SI_ZONE","
                          "set_field:0x10/0x30->"MFF_FLAGS","
                          "ct(zone="MFF_SI_ZONE",table=%d)",
                          zone, zone | 1, OFTABLE_GW_NS_STATE);
    free(match);

    /* To an in-line instance, from the router's external MAC. */
    ovs_be32 ext_ip;
    if (net->router && net->router->external_ip
        && ip_parse(net->router->external_ip, &ext_ip)) {
        struct eth_addr mac = gateway_external_mac(ext_ip);
        match = xasprintf(MFF_FLAGS"="FLAG_GW_NS",metadata=%"PRId64",ip",
                          net->vni);
        flow_table_add_format(t, owner, OFTABLE_GW_INLINE_SEND, 100, match,
                              "set_field:"ETH_ADDR_FMT"->eth_src,"
                              "resubmit(,%d)", ETH_ADDR_ARGS(mac),
                              OFTABLE_GW_NEIGHBOR);
        free(match);
    }
}

/* Adds the flows of local port 'port' (OpenFlow port 'ofport') of a tenant
 * with insertion rules: its packets enter conntrack in its zone at the
 * egress point, and packets to it at the delivery point. */
void
si_flows_port(struct flow_table *t, const struct si_ctx *ctx OVS_UNUSED,
              const struct nbrec_port *port, ofp_port_t ofport)
{
    const struct uuid *owner = &port->header_.uuid;
    struct eth_addr mac;
    char *error = mac_parse(port->mac, &mac);
    if (error || !port->network) {
        free(error);
        return;
    }

    bool v4 = false, v6 = false;
    for (size_t i = 0; i < port->n_ips; i++) {
        *(is_ipv6(port->ips[i]) ? &v6 : &v4) = true;
    }
    for (int ipv6 = 0; ipv6 < 2; ipv6++) {
        if (!(ipv6 ? v6 : v4)) {
            continue;
        }
        char *match = xasprintf("metadata=%"PRId64",dl_src="ETH_ADDR_FMT",%s",
                                port->network->vni, ETH_ADDR_ARGS(mac),
                                family(ipv6));
        flow_table_add_format(t, owner, OFTABLE_SI_SOURCE, 100, match,
                              "load:%"PRIu16"->"MFF_SI_ZONE","
                              "ct(zone="MFF_SI_ZONE",table=%d)",
                              ofp_to_u16(ofport), OFTABLE_SI_EGRESS);
        free(match);

        match = xasprintf("metadata=%"PRId64",dl_dst="ETH_ADDR_FMT",%s",
                          port->network->vni, ETH_ADDR_ARGS(mac),
                          family(ipv6));
        flow_table_add_format(t, owner, OFTABLE_L2, 110, match,
                              "load:%"PRIu16"->"MFF_SI_ZONE","
                              "load:1->NXM_NX_REG10[3],"
                              "ct(zone="MFF_SI_ZONE",table=%d)",
                              ofp_to_u16(ofport), OFTABLE_SI_DELIVER);
        free(match);
    }
}

/* Adds the flows of insertion rule 'rule': the classification of new
 * connections from the local ports of the 'n_nets' 'nets' that it covers
 * (an east-west rule) or, at a gateway, of the 'n_ns' 'ns_nets' whose
 * router's gateway this chassis is (a north-south rule), and the counting
 * of the connections it decides. */
void
si_flows_rule(struct flow_table *t, const struct si_ctx *ctx,
              const struct nbrec_insertion_rule *rule,
              const struct si_net *nets, size_t n_nets,
              const struct nbrec_network **ns_nets, size_t n_ns)
{
    const struct uuid *owner = &rule->header_.uuid;
    bool egress = !strcmp(rule->direction, "egress");
    bool ns = !strcmp(rule->direction, "north-south");
    if (ns) {
        /* North-south rules classify at the gateway, for the networks
         * whose router's gateway this chassis is. */
        nets = NULL;
        n_nets = 0;
    } else {
        ns_nets = NULL;
        n_ns = 0;
    }

    /* What the connection's decision does. */
    struct ds actions = DS_EMPTY_INITIALIZER;
    ds_put_format(&actions, "load:%"PRId64"->"MFF_SI_RULE",", rule->id);
    if (!strcmp(rule->action, "redirect")) {
        const struct nbrec_chain *chain = rule->chain;
        if (!chain) {
            ds_destroy(&actions);
            return;
        }
        bool symmetric = !chain->n_symmetric || chain->symmetric[0];
        ds_put_format(&actions, "ct(commit,zone="MFF_SI_ZONE",exec("
                      "set_field:0x%"PRIx64"->ct_mark%s)),"
                      "set_field:0x%"PRIx64"->"MFF_SI_CONTEXT",",
                      (uint64_t) chain->id
                      | (symmetric ? SI_MARK_SYMMETRIC : 0)
                      | SI_MARK_COMMITTED | (uint64_t) rule->id << 16,
                      ns ? ",move:NXM_NX_REG10[5]->NXM_NX_CT_MARK[14]" : "",
                      (uint64_t) chain->id << 16);
        if (ns) {
            ds_put_cstr(&actions, "set_field:0x2/0x2->"MFF_SI_CONTEXT",");
        }
    } else if (!strcmp(rule->action, "allow")) {
        ds_put_format(&actions, "ct(commit,zone="MFF_SI_ZONE",exec("
                      "set_field:0x%"PRIx64"->ct_mark)),"
                      "set_field:0->"MFF_SI_CONTEXT",",
                      (uint64_t) SI_MARK_COMMITTED
                      | (uint64_t) rule->id << 16);
    }
    ds_put_format(&actions, "resubmit(,%d)", OFTABLE_SI_COUNT);

    /* The counting of its connections' packets. */
    char *count = xasprintf("reg13=%"PRId64"/0xffff", rule->id);
    if (!strcmp(rule->action, "drop")) {
        flow_table_add(t, owner, OFTABLE_SI_COUNT, 100, count, "drop");
    } else {
        flow_table_add_format(t, owner, OFTABLE_SI_COUNT, 100, count,
                              "resubmit(,%d)", OFTABLE_SI_CHAIN);
    }
    free(count);

    /* Its classification, for each local network it covers. */
    uint16_t priority = 100 + rule->priority;
    struct ds scope = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n_ns; i++) {
        if (!strcmp(rule->scope, "tenant")
            || (!strcmp(rule->scope, "network")
                && rule->network == ns_nets[i])) {
            ds_clear(&scope);
            ds_put_format(&scope, "metadata=%"PRId64","MFF_FLAGS"="
                          FLAG_GW_NS, ns_nets[i]->vni);
            /* The gateway routes only IPv4. */
            put_classify(t, owner, priority, ds_cstr(&scope), "0.0.0.0/0",
                         rule, ds_cstr(&actions));
        }
    }
    for (size_t i = 0; i < n_nets; i++) {
        const struct si_net *n = &nets[i];
        ds_clear(&scope);
        ds_put_format(&scope, "metadata=%"PRId64","MFF_FLAGS"=0/0x10",
                      n->net->vni);

        if (egress) {
            if (!strcmp(rule->scope, "network")) {
                if (rule->network != n->net) {
                    continue;
                }
            } else if (!strcmp(rule->scope, "port")) {
                if (!rule->port || rule->port->network != n->net
                    || !simap_contains(ctx->bindings, rule->port->name)) {
                    continue;
                }
                ds_put_format(&scope, ",reg12=%u/0xffff",
                              simap_get(ctx->bindings, rule->port->name));
            }
            put_classify(t, owner, priority, ds_cstr(&scope), NULL, rule,
                         ds_cstr(&actions));
            continue;
        }

        /* An ingress rule covers the destinations: every address of the
         * networks that the sender reaches, or of one network, or of one
         * port. */
        for (size_t j = 0; j < n->n_reachable; j++) {
            const struct nbrec_network *dst = n->reachable[j];
            if (!strcmp(rule->scope, "tenant")
                || (!strcmp(rule->scope, "network") && rule->network == dst)) {
                for (size_t k = 0; k < dst->n_subnets; k++) {
                    put_classify(t, owner, priority, ds_cstr(&scope),
                                 dst->subnets[k], rule, ds_cstr(&actions));
                }
            } else if (!strcmp(rule->scope, "port") && rule->port
                       && rule->port->network == dst) {
                for (size_t k = 0; k < rule->port->n_ips; k++) {
                    put_classify(t, owner, priority, ds_cstr(&scope),
                                 rule->port->ips[k], rule,
                                 ds_cstr(&actions));
                }
            }
        }
    }
    ds_destroy(&scope);
    ds_destroy(&actions);
}

/* Adds the flows of 'chain': the continuation of its connections at both
 * points, its counting, the walk along its hops, each hop's pinned
 * instances (among the 'n_insts' 'insts' of the chain's tenant), and the
 * networks that packets returning from its hops may belong to (the tenant's
 * 'n_nets' local 'nets'). */
void
si_flows_chain(struct flow_table *t, const struct si_ctx *ctx,
               const struct nbrec_chain *chain,
               const struct nbrec_service_instance **insts, size_t n_insts,
               const struct si_net *nets, size_t n_nets)
{
    const struct uuid *owner = &chain->header_.uuid;
    uint32_t key = chain->id;
    int n = chain->n_hops;
    bool symmetric = !chain->n_symmetric || chain->symmetric[0];
    char *match;

    /* A packet back from a hop continues only within its own connection,
     * which must cross this chain. */
    match = xasprintf(MFF_FLAGS"="FLAG_SI_RETURN","MFF_SI_CONTEXT
                      "=0x%"PRIx32"/0xffff0000,ct_state=+trk-rpl,"
                      "ct_mark=0x%"PRIx32"/0x%x", key << 16,
                      key | SI_MARK_COMMITTED, 0xfff | SI_MARK_COMMITTED);
    flow_table_add_format(t, owner, OFTABLE_SI_EGRESS, 200, match,
                          "resubmit(,%d)", OFTABLE_SI_NEXT);
    free(match);
    match = xasprintf(MFF_FLAGS"="FLAG_SI_RETURN","MFF_SI_CONTEXT
                      "=0x%"PRIx32"/0xffff0000,ct_state=+trk+rpl,"
                      "ct_mark=0x%"PRIx32"/0x%x", key << 16,
                      key | SI_MARK_COMMITTED, 0xfff | SI_MARK_COMMITTED);
    flow_table_add_format(t, owner, OFTABLE_SI_DELIVER, 200, match,
                          "resubmit(,%d)", OFTABLE_SI_NEXT);
    free(match);

    /* At the north-south point of a gateway, likewise, in either
     * direction; which way the packet goes (out, towards the uplink, or
     * in) follows from the side that started the connection. */
    for (int rpl = 0; rpl < 2; rpl++) {
        for (int outbound = 0; outbound < 2; outbound++) {
            match = xasprintf(MFF_FLAGS"="FLAG_SI_RETURN","MFF_SI_CONTEXT
                              "=0x%"PRIx32"/0xffff0000,ct_state=+trk%s,"
                              "ct_mark=0x%"PRIx32"/0x%x", key << 16,
                              rpl ? "+rpl" : "-rpl",
                              key | SI_MARK_COMMITTED
                              | (outbound ? SI_MARK_OUTBOUND : 0),
                              0xfff | SI_MARK_COMMITTED | SI_MARK_OUTBOUND);
            flow_table_add_format(t, owner, OFTABLE_GW_NS_STATE, 200, match,
                                  "set_field:0x%x/0x20->"MFF_FLAGS","
                                  "resubmit(,%d)",
                                  rpl != outbound ? 0x20 : 0,
                                  OFTABLE_SI_NEXT);
            free(match);
        }
    }

    /* Replies cross a symmetric chain in reverse, from its last hop. */
    if (symmetric) {
        match = xasprintf(MFF_FLAGS"="FLAG_SI_FRESH",ct_state=+trk+rpl,"
                          "ct_mark=0x%"PRIx32"/0x%x",
                          key | SI_MARK_SYMMETRIC | SI_MARK_COMMITTED,
                          0xfff | SI_MARK_SYMMETRIC | SI_MARK_COMMITTED);
        flow_table_add_format(t, owner, OFTABLE_GW_NS_STATE, 80, match,
                              "set_field:0x%"PRIx32"->"MFF_SI_CONTEXT","
                              "move:NXM_NX_CT_MARK[16..31]->"MFF_SI_RULE","
                              "resubmit(,%d)",
                              key << 16 | (n + 1) << 8 | 3, OFTABLE_SI_COUNT);
        flow_table_add_format(t, owner, OFTABLE_SI_DELIVER, 80, match,
                              "set_field:0x%"PRIx32"->"MFF_SI_CONTEXT","
                              "move:NXM_NX_CT_MARK[16..31]->"MFF_SI_RULE","
                              "resubmit(,%d)",
                              key << 16 | (n + 1) << 8 | 1, OFTABLE_SI_COUNT);
        free(match);
    }

    /* Counting. */
    match = xasprintf(MFF_SI_CONTEXT"=0x%"PRIx32"/0xffff0000", key << 16);
    flow_table_add_format(t, owner, OFTABLE_SI_CHAIN, 100, match,
                          "resubmit(,%d)", OFTABLE_SI_NEXT);
    free(match);

    /* The walk: forward from hop 0 (before the first) to past the last,
     * reverse from past the last to hop 0. */
    for (int hop = 0; hop <= n; hop++) {
        match = xasprintf(MFF_SI_CONTEXT"=0x%"PRIx32"/0xffffff01",
                          key << 16 | hop << 8);
        if (hop < n) {
            flow_table_add_format(t, owner, OFTABLE_SI_NEXT, 100, match,
                                  "set_field:0x%x/0xff00->"MFF_SI_CONTEXT","
                                  "resubmit(,%d)", (hop + 1) << 8,
                                  OFTABLE_SI_HOP);
        } else {
            flow_table_add_format(t, owner, OFTABLE_SI_NEXT, 100, match,
                                  "resubmit(,%d)", OFTABLE_SI_DONE);
        }
        free(match);
    }
    for (int hop = 1; hop <= n + 1; hop++) {
        match = xasprintf(MFF_SI_CONTEXT"=0x%"PRIx32"/0xffffff01",
                          key << 16 | hop << 8 | 1);
        if (hop > 1) {
            flow_table_add_format(t, owner, OFTABLE_SI_NEXT, 100, match,
                                  "set_field:0x%x/0xff00->"MFF_SI_CONTEXT","
                                  "resubmit(,%d)", (hop - 1) << 8,
                                  OFTABLE_SI_HOP);
        } else {
            flow_table_add_format(t, owner, OFTABLE_SI_NEXT, 100, match,
                                  "resubmit(,%d)", OFTABLE_SI_DONE);
        }
        free(match);
    }

    /* Each hop: the instance pinned for it, or a choice. */
    struct ds m = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < chain->n_hops; i++) {
        int hop = chain->key_hops[i];
        const struct nbrec_service *svc = chain->value_hops[i];
        if (si_native_applies(ctx, svc, insts, n_insts)) {
            continue;
        }
        for (size_t j = 0; j < n_insts; j++) {
            const struct nbrec_service_instance *inst = insts[j];
            if (inst->service != svc) {
                continue;
            }
            ds_clear(&m);
            ds_put_format(&m, MFF_SI_CONTEXT"=0x%"PRIx32"/0xffffff00,",
                          key << 16 | hop << 8);
            put_label_match(&m, hop, inst->id);
            flow_table_add_format(t, owner, OFTABLE_SI_HOP, 100, ds_cstr(&m),
                                  "group:%"PRIu32,
                                  si_ids_get(ctx->ids, &inst->header_.uuid,
                                             SI_ID_INSTANCE_GROUP));
        }
        ds_clear(&m);
        ds_put_format(&m, MFF_SI_CONTEXT"=0x%"PRIx32"/0xffffff00,",
                      key << 16 | hop << 8);
        put_label_match(&m, hop, SI_PIN_SKIP);
        flow_table_add_format(t, owner, OFTABLE_SI_HOP, 100, ds_cstr(&m),
                              "load:0->"MFF_SI_INSTANCE",resubmit(,%d)",
                              OFTABLE_SI_STEER);
        ds_clear(&m);
        ds_put_format(&m, MFF_SI_CONTEXT"=0x%"PRIx32"/0xffffff00",
                      key << 16 | hop << 8);
        flow_table_add_format(t, owner, OFTABLE_SI_HOP, 90, ds_cstr(&m),
                              "group:%"PRIu32,
                              si_ids_get(ctx->ids, &svc->header_.uuid,
                                         SI_ID_SERVICE_GROUP));

        /* A packet back from an in-line instance of the hop belongs to a
         * connection of this chain that has the instance pinned for the
         * hop; it goes forward, or in reverse if it is a reply (which
         * only a symmetric chain takes back). */
        for (size_t j = 0; j < n_insts; j++) {
            const struct nbrec_service_instance *inst = insts[j];
            if (inst->service != svc || strcmp(inst->type, "inline")) {
                continue;
            }
            uint32_t number = si_ids_get(ctx->ids, &inst->header_.uuid,
                                         SI_ID_INSTANCE);
            for (int rpl = 0; rpl < 1 + symmetric; rpl++) {
                uint32_t mark = (key | SI_MARK_COMMITTED
                                 | (rpl ? SI_MARK_SYMMETRIC : 0));
                ds_clear(&m);
                ds_put_format(&m, "reg9=%"PRIu32"/0xffff,"
                              "ct_state=+trk-inv%s,"
                              "ct_mark=0x%"PRIx32"/0x%"PRIx32",", number,
                              rpl ? "+rpl" : "-rpl", mark,
                              mark | 0xfff);
                put_label_match(&m, hop, inst->id);
                flow_table_add_format(t, owner, OFTABLE_GW_INLINE_CHECK, 100,
                                      ds_cstr(&m),
                                      "set_field:0x%"PRIx32"->"
                                      MFF_SI_CONTEXT",resubmit(,%d)",
                                      key << 16 | hop << 8 | 2 | rpl,
                                      OFTABLE_GW_NS_STATE);
            }
        }
    }
    ds_destroy(&m);

    /* Returned packets: the network must be one of the tenant's, as the
     * Geneve option says or, for VXLAN, as the address of the local port
     * whose connection it is says (its source in the forward direction,
     * its destination in reverse). */
    for (size_t i = 0; i < n_nets; i++) {
        const struct nbrec_network *net = nets[i].net;
        match = xasprintf(MFF_SI_CONTEXT"=0x%"PRIx32"/0xffff0001,"
                          "metadata=%"PRId64, key << 16, net->vni);
        flow_table_add_format(t, owner, OFTABLE_SI_RETURN, 100, match,
                              "resubmit(,%d)", OFTABLE_SI_SOURCE);
        free(match);
        match = xasprintf(MFF_SI_CONTEXT"=0x%"PRIx32"/0xffff0001,"
                          "metadata=%"PRId64, key << 16 | 1, net->vni);
        flow_table_add_format(t, owner, OFTABLE_SI_RETURN, 100, match,
                              "load:1->NXM_NX_REG10[0],resubmit(,%d)",
                              OFTABLE_L2);
        free(match);
        for (size_t j = 0; j < net->n_subnets; j++) {
            const char *subnet = net->subnets[j];
            bool v6 = is_ipv6(subnet);
            for (int reverse = 0; reverse < 2; reverse++) {
                match = xasprintf(MFF_SI_CONTEXT"=0x%"PRIx32"/0xffff0001,"
                                  "metadata=0,%s,%s=%s",
                                  key << 16 | reverse, family(v6),
                                  (v6 ? (reverse ? "ipv6_dst" : "ipv6_src")
                                   : (reverse ? "nw_dst" : "nw_src")),
                                  subnet);
                flow_table_add_format(t, owner, OFTABLE_SI_RETURN, 90, match,
                                      "set_field:%"PRId64"->metadata,"
                                      "%sresubmit(,%d)", net->vni,
                                      reverse ? "load:1->NXM_NX_REG10[0],"
                                              : "",
                                      reverse ? OFTABLE_L2
                                              : OFTABLE_SI_SOURCE);
                free(match);
            }
        }
    }
}

/* Adds the groups of service 'svc', whose instances are the 'n' 'insts':
 * the select group that chooses among the instances that are up and
 * enabled, by highest random weight over a symmetric hash of the 5-tuple;
 * the group that falls back to fail-open or fail-closed when none is live;
 * and, per instance, the group that keeps a pinned connection on its
 * instance while it is live and otherwise chooses again. */
void
si_flows_service(struct flow_table *t, const struct si_ctx *ctx,
                 const struct nbrec_service *svc,
                 const struct nbrec_service_instance **insts, size_t n)
{
    const struct uuid *owner = &svc->header_.uuid;
    uint32_t select = si_ids_get(ctx->ids, owner, SI_ID_SELECT_GROUP);
    uint32_t fallback = si_ids_get(ctx->ids, owner, SI_ID_SERVICE_GROUP);
    struct ds spec = DS_EMPTY_INITIALIZER;
    struct ds bucket = DS_EMPTY_INITIALIZER;

    ds_put_cstr(&spec, "type=select,selection_method=hash");
    for (size_t i = 0; i < n; i++) {
        const struct nbrec_service_instance *inst = insts[i];
        uint32_t number = si_ids_get(ctx->ids, &inst->header_.uuid,
                                     SI_ID_INSTANCE);
        bool up = (si_instance_usable(ctx, inst)
                   && si_health_is_up(ctx->health, inst));
        bool enabled = !inst->n_enabled || inst->enabled[0];
        ofp_port_t watch = si_instance_port(ctx, inst, true);

        ds_clear(&bucket);
        if (watch != OFPP_NONE) {
            ds_put_format(&bucket, "watch_port:%"PRIu16",",
                          ofp_to_u16(watch));
        } else {
            ds_put_format(&bucket, "watch_group:%d,", SI_GROUP_ALWAYS);
        }
        ds_put_format(&bucket, "actions=load:%"PRId64"->"MFF_SI_PIN","
                      "load:%"PRIu32"->"MFF_SI_INSTANCE",", inst->id, number);

        if (up && enabled) {
            ds_put_format(&spec, ",bucket=bucket_id:%"PRId64",%sresubmit(,%d)",
                          inst->id, ds_cstr(&bucket), OFTABLE_SI_PIN);
        }

        /* The instance's pinning group. */
        struct ds pin = DS_EMPTY_INITIALIZER;
        ds_put_cstr(&pin, "type=ff,");
        if (up) {
            ds_put_format(&pin, "bucket=%sresubmit(,%d),", ds_cstr(&bucket),
                          OFTABLE_SI_STEER);
        }
        ds_put_format(&pin, "bucket=watch_group:%d,actions=group:%"PRIu32,
                      SI_GROUP_ALWAYS, fallback);
        flow_table_add_group(t, owner,
                             si_ids_get(ctx->ids, &inst->header_.uuid,
                                        SI_ID_INSTANCE_GROUP),
                             2, ds_cstr(&pin));
        ds_destroy(&pin);
    }
    flow_table_add_group(t, owner, select, 0, ds_cstr(&spec));

    ds_clear(&spec);
    ds_put_format(&spec, "type=ff,bucket=watch_group:%"PRIu32","
                  "actions=group:%"PRIu32",bucket=watch_group:%d,actions=",
                  select, select, SI_GROUP_ALWAYS);
    if (!strcmp(svc->failure_mode, "fail-open")) {
        ds_put_format(&spec, "load:%d->"MFF_SI_PIN",load:0->"MFF_SI_INSTANCE
                      ",resubmit(,%d)", SI_PIN_SKIP, OFTABLE_SI_PIN);
    } else {
        ds_put_cstr(&spec, "drop");
    }
    flow_table_add_group(t, owner, fallback, 1, ds_cstr(&spec));
    ds_destroy(&spec);
    ds_destroy(&bucket);
}

/* Adds the flows of instance 'inst', whose service is used at the 'n_hops'
 * 'hops': if 'steering', those that send packets to it and take them back;
 * and, for a port pair on this chassis, those that take packets from other
 * chassis through it and back, and its probes. */
void
si_flows_instance(struct flow_table *t, const struct si_ctx *ctx,
                  const struct nbrec_service_instance *inst,
                  const struct si_hop *hops, size_t n_hops, bool steering)
{
    const struct uuid *owner = &inst->header_.uuid;
    uint32_t number = si_ids_get(ctx->ids, owner, SI_ID_INSTANCE);
    bool pair = !strcmp(inst->type, "port-pair");
    bool local = pair && inst->chassis == ctx->chassis;
    struct ds match = DS_EMPTY_INITIALIZER;
    struct ds actions = DS_EMPTY_INITIALIZER;
    char *steer = xasprintf("reg13=0x%"PRIx32"/0xffff0000", number << 16);

    if (!si_instance_usable(ctx, inst)) {
        goto out;
    }

    if (!strcmp(inst->type, "inline")) {
        put_inline(t, ctx, inst, number, steering ? steer : NULL);
        goto out;
    }

    if (local) {
        uint16_t in = ofp_to_u16(si_instance_port(ctx, inst, true));
        uint16_t out = ofp_to_u16(si_instance_port(ctx, inst, false));

        /* Probes come back to the controller. */
        ds_put_format(&match, "in_port=%"PRIu16",dl_src="SI_PROBE_SRC_MAC","
                      "dl_dst="SI_PROBE_DST_MAC, out);
        flow_table_add_format(t, owner, OFTABLE_CLASSIFY, 110,
                              ds_cstr(&match),
                              "controller(userdata=%02x.%02x.%02x)",
                              SI_USERDATA_PROBE, number >> 8, number & 0xff);

        for (int v6 = 0; v6 < 2; v6++) {
            /* Packets that leave the pair find their context in the pair's
             * zone; the port they leave by tells their direction. */
            ds_clear(&match);
            ds_put_format(&match, "in_port=%"PRIu16",%s", out, family(v6));
            flow_table_add_format(t, owner, OFTABLE_CLASSIFY, 100,
                                  ds_cstr(&match),
                                  "ct(zone=%"PRIu16",table=%d)", in,
                                  OFTABLE_SI_PAIR_OUT);
            ds_clear(&match);
            ds_put_format(&match, "in_port=%"PRIu16",%s", in, family(v6));
            flow_table_add_format(t, owner, OFTABLE_CLASSIFY, 100,
                                  ds_cstr(&match),
                                  "load:1->NXM_NX_REG11[0],"
                                  "ct(zone=%"PRIu16",table=%d)", in,
                                  OFTABLE_SI_PAIR_OUT);

            /* Packets that this chassis sends through the pair, and those
             * that other chassis send, record their context in the pair's
             * zone. */
            for (int reverse = 0; reverse < 2; reverse++) {
                uint16_t to = reverse ? out : in;
                if (steering) {
                    ds_clear(&match);
                    ds_put_format(&match, "%s,"MFF_SI_CONTEXT"=%d/1,%s",
                                  steer, reverse, family(v6));
                    flow_table_add_format(
                        t, owner, OFTABLE_SI_SEND, 100, ds_cstr(&match),
                        "ct(commit,zone=%"PRIu16",exec("
                        "move:NXM_NX_REG11[1..31]->NXM_NX_CT_LABEL[1..31],"
                        "move:OXM_OF_METADATA[0..23]->"
                        "NXM_NX_CT_LABEL[32..55],"
                        "set_field:0x80000000000000000000000000000000/"
                        "0xffffffffffffffffff00000000000000->ct_label)),"
                        "output:%"PRIu16, in, to);
                }
                if (ctx->geneve_port == OFPP_NONE) {
                    continue;
                }
                for (size_t i = 0; i < n_hops; i++) {
                    ds_clear(&match);
                    ds_put_format(&match, "in_port=%"PRIu16",%s,"
                                  "tun_metadata0="OPTION_FMT"/"
                                  "0xffffffff000000ff00000000",
                                  ofp_to_u16(ctx->geneve_port), family(v6),
                                  (unsigned int) hops[i].chain->id,
                                  hops[i].hop, reverse, 0,
                                  (unsigned int) inst->id, 0);
                    flow_table_add_format(
                        t, owner, OFTABLE_TUNNEL_VNI, 110, ds_cstr(&match),
                        "move:NXM_NX_TUN_METADATA0[64..95]->NXM_NX_REG11[],"
                        "move:NXM_NX_TUN_METADATA0[40..63]->"
                        "OXM_OF_METADATA[0..23],"
                        "ct(commit,zone=%"PRIu16",exec("
                        "move:NXM_NX_REG11[1..31]->NXM_NX_CT_LABEL[1..31],"
                        "move:OXM_OF_METADATA[0..23]->"
                        "NXM_NX_CT_LABEL[32..55],"
                        "move:NXM_NX_TUN_IPV4_SRC[]->NXM_NX_CT_LABEL[64..95],"
                        "set_field:0x80000000000000000000000000000000/"
                        "0xffffffff00000000ff00000000000000->ct_label)),"
                        "output:%"PRIu16, in, to);
                }
            }
        }
        if (steering) {
            flow_table_add_format(t, owner, OFTABLE_SI_STEER, 100, steer,
                                  "resubmit(,%d)", OFTABLE_SI_SEND);
        }
        goto out;
    }

    if (!steering) {
        goto out;
    }

    /* Encapsulated instances: packets too big for the encapsulation go to
     * the controller. */
    bool vxlan = !strcmp(inst->type, "vxlan");
    int mtu = encap_mtu(ctx, vxlan ? VXLAN_OVERHEAD : GENEVE_OVERHEAD);
    flow_table_add_format(t, owner, OFTABLE_SI_STEER, 100, steer,
                          "check_pkt_larger(%d)->NXM_NX_REG10[2],"
                          "resubmit(,%d)", mtu + ETH_HEADER_LEN,
                          OFTABLE_SI_SEND);
    ds_put_format(&match, "%s,"MFF_FLAGS"="FLAG_SI_BIG, steer);
    flow_table_add_format(t, owner, OFTABLE_SI_SEND, 110, ds_cstr(&match),
                          "controller(userdata=%02x.%02x.%02x)",
                          SI_USERDATA_TOO_BIG, mtu >> 8, mtu & 0xff);

    if (pair) {
        /* A port pair on another chassis: through the Geneve tunnel to
         * that chassis, with the pair's ID in the option's reserved byte,
         * and back from there with the context of one of its hops.  Both
         * ways without an input port, so that a packet may leave by the
         * tunnel port it came in on (a reply from the chassis of the pair
         * goes straight back there). */
        char *reserved = xasprintf("load:%"PRId64
                                   "->NXM_NX_TUN_METADATA0[32..39],",
                                   inst->id);
        put_option(&actions, reserved);
        free(reserved);
        ds_put_format(&actions, "set_field:%s->tun_dst,"
                      "load:0->NXM_OF_IN_PORT[],output:%"PRIu16,
                      inst->chassis->encap_ip,
                      ofp_to_u16(ctx->geneve_port));
        flow_table_add(t, owner, OFTABLE_SI_SEND, 100, steer,
                       ds_cstr(&actions));
        for (size_t i = 0; i < n_hops; i++) {
            ds_clear(&match);
            ds_put_format(&match, "in_port=%"PRIu16",tun_src=%s,"
                          "tun_metadata0="OPTION_FMT"/"OPTION_CHECK_MASK,
                          ofp_to_u16(ctx->geneve_port),
                          inst->chassis->encap_ip,
                          (unsigned int) hops[i].chain->id, hops[i].hop,
                          0, 0, 0, 0);
            flow_table_add_format(
                t, owner, OFTABLE_TUNNEL_VNI, 110, ds_cstr(&match),
                "move:NXM_NX_TUN_METADATA0[64..95]->NXM_NX_REG11[],"
                "move:NXM_NX_TUN_METADATA0[40..63]->OXM_OF_METADATA[0..23],"
                "set_field:0x2/0x3->"MFF_FLAGS",load:0->NXM_OF_IN_PORT[],"
                "resubmit(,%d)", OFTABLE_SI_RETURN);
        }
        goto out;
    }

    /* An appliance, behind its own tunnel port. */
    uint16_t port = ofp_to_u16(si_instance_port(ctx, inst, true));
    if (vxlan) {
        ds_put_cstr(&actions,
                    "set_field:0->tun_id,"
                    "move:NXM_NX_REG11[16..27]->NXM_NX_TUN_ID[12..23],"
                    "move:NXM_NX_REG11[8..11]->NXM_NX_TUN_ID[8..11],"
                    "move:NXM_NX_REG11[0]->NXM_NX_TUN_ID[7],");
    } else {
        put_option(&actions, NULL);
    }
    ds_put_format(&actions, "output:%"PRIu16, port);
    flow_table_add(t, owner, OFTABLE_SI_SEND, 100, steer, ds_cstr(&actions));

    ds_clear(&match);
    ds_put_format(&match, "in_port=%"PRIu16, port);
    flow_table_add_format(t, owner, OFTABLE_CLASSIFY, 100, ds_cstr(&match),
                          "resubmit(,%d)", OFTABLE_SI_ACCEPT);
    flow_table_add(t, owner, OFTABLE_SI_ACCEPT, 1, ds_cstr(&match), "drop");
    for (size_t i = 0; i < n_hops; i++) {
        unsigned int chain = hops[i].chain->id;
        int hop = hops[i].hop;
        ds_clear(&match);
        if (vxlan) {
            ds_put_format(&match, "in_port=%"PRIu16",tun_id=0x%x/"
                          "0xffffffffffffff7f", port, chain << 12 | hop << 8);
            flow_table_add_format(
                t, owner, OFTABLE_SI_ACCEPT, 100, ds_cstr(&match),
                "move:NXM_NX_TUN_ID[12..23]->NXM_NX_REG11[16..27],"
                "move:NXM_NX_TUN_ID[8..11]->NXM_NX_REG11[8..11],"
                "move:NXM_NX_TUN_ID[7]->NXM_NX_REG11[0],"
                "set_field:0x2/0x3->"MFF_FLAGS",resubmit(,%d)",
                OFTABLE_SI_RETURN);
        } else {
            ds_put_format(&match, "in_port=%"PRIu16",tun_metadata0="
                          OPTION_FMT"/"OPTION_CHECK_MASK, port, chain, hop,
                          0, 0, 0, 0);
            flow_table_add_format(
                t, owner, OFTABLE_SI_ACCEPT, 100, ds_cstr(&match),
                "move:NXM_NX_TUN_METADATA0[64..95]->NXM_NX_REG11[],"
                "move:NXM_NX_TUN_METADATA0[40..63]->OXM_OF_METADATA[0..23],"
                "set_field:0x2/0x3->"MFF_FLAGS",resubmit(,%d)",
                OFTABLE_SI_RETURN);
        }
    }

out:
    free(steer);
    ds_destroy(&match);
    ds_destroy(&actions);
}

/* Returns the malloc()'d name of the tunnel port of appliance 'inst' on the
 * integration bridge: "si-" and the first 12 hex digits of its UUID (port
 * names are at most 15 characters in OpenFlow). */
char *
si_port_name(const struct nbrec_service_instance *inst)
{
    char uuid[UUID_LEN + 1];
    snprintf(uuid, sizeof uuid, UUID_FMT, UUID_ARGS(&inst->header_.uuid));
    return xasprintf("si-%.8s%.4s", uuid, uuid + 9);
}

/* Adds the flows of in-line instance 'inst', whose number on this chassis
 * is 'number', at the gateway whose external subnet holds its address: its
 * ARP packets teach its MAC, and, if 'steer' is nonnull (the match of the
 * packets to send to it), the packets go out of the uplink to it and come
 * back from it for the networks of its tenant whose router's gateway is on
 * this chassis. */
static void
put_inline(struct flow_table *t, const struct si_ctx *ctx,
           const struct nbrec_service_instance *inst, uint32_t number,
           const char *steer)
{
    const struct uuid *owner = &inst->header_.uuid;
    uint16_t uplink = ofp_to_u16(si_instance_port(ctx, inst, true));
    ovs_be32 ip;
    if (!ip_parse(inst->address, &ip)) {
        return;
    }

    /* Its ARP packets teach its MAC as a next hop's, as they would for any
     * host of the external subnet, and as the source of the packets that
     * it returns.  The flows that they teach go with this one. */
    char *match = xasprintf("in_port=%"PRIu16",arp,arp_spa="IP_FMT, uplink,
                            IP_ARGS(ip));
    flow_table_add_format(t, owner, OFTABLE_GW_UPLINK, 110, match,
                          "learn(table=%d,priority=100,"
                          MFF_GW_NEXTHOP"=NXM_OF_ARP_SPA[],"
                          "load:NXM_NX_ARP_SHA[]->NXM_OF_ETH_DST[],"
                          "output:NXM_OF_IN_PORT[]),"
                          "learn(table=%d,priority=100,delete_learned,"
                          "NXM_OF_IN_PORT[],NXM_OF_ETH_SRC[]=NXM_NX_ARP_SHA[],"
                          "load:%"PRIu32"->"MFF_GW_INLINE"),resubmit(,%d)",
                          OFTABLE_GW_NEIGHBOR, OFTABLE_GW_INLINE_MAC, number,
                          OFTABLE_GW_INBOUND);
    free(match);

    /* What it returns that no connection explains is counted. */
    match = xasprintf("reg9=%"PRIu32"/0xffff", number);
    flow_table_add(t, owner, OFTABLE_GW_INLINE_CHECK, 1, match, "drop");
    free(match);

    if (!steer) {
        return;
    }

    /* The packet, as it is, out of the uplink (which it may have come in
     * on) to the instance's MAC. */
    flow_table_add_format(t, owner, OFTABLE_SI_STEER, 100, steer,
                          "resubmit(,%d)", OFTABLE_SI_SEND);
    flow_table_add_format(t, owner, OFTABLE_SI_SEND, 100, steer,
                          "load:0->NXM_OF_IN_PORT[],"
                          "load:%#"PRIx32"->"MFF_GW_NEXTHOP","
                          "resubmit(,%d)", ntohl(ip), OFTABLE_GW_INLINE_SEND);

    /* Back from it: a packet from or to an address of one of its tenant's
     * networks whose router's gateway is here goes into conntrack in that
     * router's service-insertion zone, to be checked against its
     * connection.  Subnets do not overlap within a tenant, so the address
     * names the network. */
    for (size_t i = 0; i < ctx->n_ns; i++) {
        const struct nbrec_network *net = ctx->ns_nets[i];
        uint16_t zone = gateway_router_zone(ctx->nb, net->router);
        struct eth_addr mac = flows_router_mac(net->vni);
        for (size_t j = 0; j < net->n_subnets; j++) {
            if (is_ipv6(net->subnets[j])) {
                continue;
            }
            for (int src = 0; src < 2; src++) {
                match = xasprintf("reg9=%"PRIu32"/0xffff,ip,%s=%s", number,
                                  src ? "nw_src" : "nw_dst",
                                  net->subnets[j]);
                flow_table_add_format(
                    t, owner, OFTABLE_GW_INLINE_RETURN, src ? 110 : 100,
                    match,
                    "load:0->NXM_OF_IN_PORT[],"
                    "set_field:%"PRId64"->metadata,"
                    "set_field:"ETH_ADDR_FMT"->eth_src,"
                    "load:%"PRIu16"->"MFF_GW_ZONE","
                    "load:%"PRIu16"->"MFF_SI_ZONE","
                    "set_field:0x12/0x3f->"MFF_FLAGS","
                    "ct(zone="MFF_SI_ZONE",table=%d)",
                    net->vni, ETH_ADDR_ARGS(mac), zone, zone | 1,
                    OFTABLE_GW_INLINE_CHECK);
                free(match);
            }
        }
    }
}

/* Returns the gateway on this chassis whose external subnet holds the
 * address of in-line instance 'inst', and whose uplink is on the switch, or
 * NULL. */
const struct nbrec_gateway *
si_inline_gateway(const struct si_ctx *ctx,
                  const struct nbrec_service_instance *inst)
{
    struct in6_addr addr;
    bool ipv4;

    if (!ctx->chassis || !ctx->nb || !inst->address) {
        return NULL;
    }
    char *error = ip_addr_parse(inst->address, &addr, &ipv4);
    if (error || !ipv4) {
        free(error);
        return NULL;
    }

    const struct nbrec_gateway *gw;
    NBREC_GATEWAY_FOR_EACH (gw, ctx->nb) {
        struct ip_prefix subnet;
        if (gw->chassis != ctx->chassis || !gw->external_subnet
            || !simap_get(ctx->ports, gw->uplink)) {
            continue;
        }
        error = ip_prefix_parse(gw->external_subnet, &subnet);
        if (error) {
            free(error);
        } else if (subnet.ipv4 && ip_prefix_contains(&subnet, &addr)) {
            return gw;
        }
    }
    return NULL;
}

/* Returns the OpenFlow port through which this chassis reaches 'inst': an
 * appliance's tunnel port, a local port pair's input interface (or, if
 * '!in', its output interface), or the uplink of the gateway of an in-line
 * instance; OFPP_NONE if it has none here. */
ofp_port_t
si_instance_port(const struct si_ctx *ctx,
                 const struct nbrec_service_instance *inst, bool in)
{
    const char *name;
    char *owned = NULL;

    if (!strcmp(inst->type, "inline")) {
        const struct nbrec_gateway *gw = si_inline_gateway(ctx, inst);
        if (!gw) {
            return OFPP_NONE;
        }
        name = gw->uplink;
    } else if (strcmp(inst->type, "port-pair")) {
        name = owned = si_port_name(inst);
    } else if (inst->chassis == ctx->chassis && ctx->chassis) {
        name = in ? inst->in_interface : inst->out_interface;
    } else {
        return OFPP_NONE;
    }

    const struct simap_node *node = name ? simap_find(ctx->ports, name)
                                         : NULL;
    free(owned);
    return node ? u16_to_ofp(node->data) : OFPP_NONE;
}

/* Returns true if this chassis can send packets to 'inst': its ports are
 * on the switch (a local port pair, an appliance), or (a port pair on
 * another chassis) that chassis is known and the Geneve port exists. */
bool
si_instance_usable(const struct si_ctx *ctx,
                   const struct nbrec_service_instance *inst)
{
    if (!strcmp(inst->type, "port-pair")) {
        if (!inst->chassis || !ctx->chassis) {
            return false;
        } else if (inst->chassis == ctx->chassis) {
            return (si_instance_port(ctx, inst, true) != OFPP_NONE
                    && si_instance_port(ctx, inst, false) != OFPP_NONE);
        } else {
            struct in6_addr ip;
            bool ipv4;
            char *error = ip_addr_parse(inst->chassis->encap_ip, &ip, &ipv4);
            free(error);
            return !error && ipv4 && ctx->geneve_port != OFPP_NONE;
        }
    }
    return si_instance_port(ctx, inst, true) != OFPP_NONE;
}

/* Adds to 'owner' a classification flow in OFTABLE_SI_CLASSIFY for the
 * connections that match 'scope' and 'rule' and whose destination is in
 * the prefix 'dst' (if nonnull), with 'actions'.  A port range becomes as
 * many flows as it takes masked port matches. */
static void
put_classify(struct flow_table *t, const struct uuid *owner,
             uint16_t priority, const char *scope, const char *dst,
             const struct nbrec_insertion_rule *rule, const char *actions)
{
    struct ip_prefix src_prefix, dst_prefix, scope_prefix;
    bool has_src = rule->src_prefix != NULL;
    bool has_dst = rule->dst_prefix != NULL;
    char *error = NULL;

    /* The rule's prefixes, and the scope's destination, all of one family
     * (sluice-ctl checks that a rule's are). */
    if (has_src) {
        error = ip_prefix_parse(rule->src_prefix, &src_prefix);
    }
    if (!error && has_dst) {
        error = ip_prefix_parse(rule->dst_prefix, &dst_prefix);
    }
    if (!error && dst) {
        error = ip_prefix_parse(dst, &scope_prefix);
    }
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        VLOG_WARN_RL(&rl, "rule %s: %s", rule->name, error);
        free(error);
        return;
    }
    if (dst) {
        if (has_dst) {
            if (!ip_prefix_overlaps(&dst_prefix, &scope_prefix)) {
                return;
            }
            if (scope_prefix.plen > dst_prefix.plen) {
                dst_prefix = scope_prefix;
            }
        } else {
            dst_prefix = scope_prefix;
            has_dst = true;
        }
    }

    /* Which IP versions the match can apply to. */
    bool v4 = true, v6 = true;
    const char *proto = rule->protocol;
    if ((has_src && !src_prefix.ipv4) || (has_dst && !dst_prefix.ipv4)
        || (proto && !strcmp(proto, "icmp6"))) {
        v4 = false;
    }
    if ((has_src && src_prefix.ipv4) || (has_dst && dst_prefix.ipv4)
        || (proto && !strcmp(proto, "icmp"))) {
        v6 = false;
    }

    struct port_mask *sports = NULL, *dports = NULL;
    size_t n_sports = 1, n_dports = 1;
    uint16_t min, max;
    if (rule->src_ports && !port_range_parse(rule->src_ports, &min, &max)) {
        n_sports = port_range_to_masks(min, max, &sports);
    }
    if (rule->dst_ports && !port_range_parse(rule->dst_ports, &min, &max)) {
        n_dports = port_range_to_masks(min, max, &dports);
    }

    struct ds match = DS_EMPTY_INITIALIZER;
    for (int ipv6 = 0; ipv6 < 2; ipv6++) {
        if (!(ipv6 ? v6 : v4)) {
            continue;
        }
        for (size_t i = 0; i < n_sports; i++) {
            for (size_t j = 0; j < n_dports; j++) {
                ds_clear(&match);
                ds_put_format(&match, "%s,", scope);
                if (proto && (!strcmp(proto, "tcp") || !strcmp(proto, "udp"))) {
                    ds_put_format(&match, "%s%s", proto, ipv6 ? "6" : "");
                } else if (proto) {
                    ds_put_cstr(&match, proto);
                } else {
                    ds_put_cstr(&match, family(ipv6));
                }
                if (has_src) {
                    ds_put_format(&match, ",%s=", ipv6 ? "ipv6_src" : "nw_src");
                    ip_prefix_format(&src_prefix, &match);
                }
                if (has_dst) {
                    ds_put_format(&match, ",%s=", ipv6 ? "ipv6_dst" : "nw_dst");
                    ip_prefix_format(&dst_prefix, &match);
                }
                if (sports) {
                    ds_put_format(&match, ",tp_src=0x%"PRIx16"/0x%"PRIx16,
                                  sports[i].value, sports[i].mask);
                }
                if (dports) {
                    ds_put_format(&match, ",tp_dst=0x%"PRIx16"/0x%"PRIx16,
                                  dports[j].value, dports[j].mask);
                }
                flow_table_add(t, owner, OFTABLE_SI_CLASSIFY, priority,
                               ds_cstr(&match), actions);
            }
        }
    }
    ds_destroy(&match);
    free(sports);
    free(dports);
}

/* Appends to 'actions' the actions that set Sluice's Geneve option from the
 * context in MFF_SI_CONTEXT and the network in 'metadata', with a flow
 * cookie from the symmetric hash of the 5-tuple and, if 'reserved' is
 * nonnull, those actions for the reserved byte; and that set the tunnel ID
 * to the network VNI. */
static void
put_option(struct ds *actions, const char *reserved)
{
    ds_put_format(actions,
                  "set_field:0->tun_metadata0,"
                  "move:NXM_NX_REG11[]->NXM_NX_TUN_METADATA0[64..95],"
                  "move:OXM_OF_METADATA[0..23]->NXM_NX_TUN_METADATA0[40..63],"
                  "%s"
                  "multipath(symmetric_l4,0,modulo_n,65536,0,"
                  "NXM_NX_TUN_METADATA0[0..15]),"
                  "set_field:0->tun_id,"
                  "move:OXM_OF_METADATA[0..23]->NXM_NX_TUN_ID[0..23],",
                  reserved ? reserved : "");
}

/* Appends to 'match' a match on the instance that ct_label pins for 'hop'
 * being 'value'. */
static void
put_label_match(struct ds *match, int hop, unsigned int value)
{
    int shift = 8 * (hop - 1);
    ovs_u128 v = { .u64 = { 0, 0 } }, m = { .u64 = { 0, 0 } };

    if (shift < 64) {
        v.u64.lo = (uint64_t) value << shift;
        m.u64.lo = UINT64_C(0xff) << shift;
    } else {
        v.u64.hi = (uint64_t) value << (shift - 64);
        m.u64.hi = UINT64_C(0xff) << (shift - 64);
    }
    ds_put_format(match, "ct_label=0x%016"PRIx64"%016"PRIx64
                  "/0x%016"PRIx64"%016"PRIx64,
                  v.u64.hi, v.u64.lo, m.u64.hi, m.u64.lo);
}

/* Returns the largest inner IP packet that fits the underlay when sent to
 * an appliance of 'type', "geneve" or "vxlan". */
int
si_appliance_mtu(const struct si_ctx *ctx, const char *type)
{
    return encap_mtu(ctx, (!strcmp(type, "vxlan") ? VXLAN_OVERHEAD
                           : GENEVE_OVERHEAD));
}

/* Returns the largest inner IP packet that fits the underlay with an
 * encapsulation that adds 'overhead' bytes (with an IPv4 underlay). */
static int
encap_mtu(const struct si_ctx *ctx, int overhead)
{
    if (ctx->chassis && is_ipv6(ctx->chassis->encap_ip)) {
        overhead += 20;
    }
    return ctx->underlay_mtu - overhead;
}

static bool
is_ipv6(const char *ip)
{
    return strchr(ip, ':') != NULL;
}

static const char *
family(bool ipv6)
{
    return ipv6 ? "ipv6" : "ip";
}
