/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/gateway.h"
#include <stdlib.h>
#include <string.h>
#include "bitmap.h"
#include "controller/flow-table.h"
#include "controller/flows.h"
#include "controller/pipeline.h"
#include "flow.h"
#include "lib/ip-prefix.h"
#include "lib/nb-util.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "simap.h"
#include "sset.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(gateway);

/* The owner of the flows that every gateway on this chassis shares. */
static const struct uuid shared_owner = { .parts = { 0x5a, 0, 0, 0 } };

/* Conntrack zones of routers: even numbers from 32768 to 65534, above the
 * OpenFlow port numbers that service insertion uses as zones; the odd
 * number above a router's zone is its north-south service-insertion
 * zone. */
#define ZONE_BASE 0x8000
#define ZONE_MASK 0x3fff

static bool parse_ipv4_prefix(const char *, struct ip_prefix *);
static ofp_port_t uplink_port(const struct flow_ctx *,
                              const struct nbrec_gateway *);
static void firewall_flows(struct flow_table *, const struct uuid *owner,
                           uint16_t zone, const struct nbrec_firewall_rule *);

/* Replaces the default flows of the gateway's tables, which a chassis
 * needs only if some gateway runs on it ('any'). */
void
gateway_shared_flows(struct flow_table *t, bool any)
{
    const struct uuid *owner = &shared_owner;

    flow_table_remove_owner(t, owner);
    if (!any) {
        return;
    }

    flow_table_add_format(t, owner, OFTABLE_GW_UPLINK, 0, "",
                          "resubmit(,%d)", OFTABLE_GW_INBOUND);
    flow_table_add(t, owner, OFTABLE_GW_INBOUND, 0, "", "drop");

    /* Conntrack's verdicts.  Replies and established connections pass in
     * both directions; new inbound connections need a firewall rule that
     * allows them, new outbound ones a rule that does not deny them. */
    static const int states[] = { OFTABLE_GW_IN_STATE, OFTABLE_GW_OUT_STATE };
    for (size_t i = 0; i < ARRAY_SIZE(states); i++) {
        int next = (states[i] == OFTABLE_GW_IN_STATE
                    ? OFTABLE_GW_IN_ROUTE : OFTABLE_GW_ROUTE);
        flow_table_add(t, owner, states[i], 200, "ct_state=+inv+trk",
                       "drop");
        flow_table_add_format(t, owner, states[i], 100,
                              "ct_state=+est+trk", "resubmit(,%d)", next);
        flow_table_add_format(t, owner, states[i], 100,
                              "ct_state=+rel+trk", "resubmit(,%d)", next);
        flow_table_add(t, owner, states[i], 0, "", "drop");
    }
    flow_table_add_format(t, owner, OFTABLE_GW_OUT_STATE, 1,
                          "ct_state=+new+trk", "resubmit(,%d)",
                          OFTABLE_GW_SNAT);

    /* Connections without NAT are committed as they are. */
    flow_table_add_format(t, owner, OFTABLE_GW_DNAT, 0, "ip",
                          "ct(commit,zone=%s,table=%d)", MFF_GW_ZONE,
                          OFTABLE_GW_IN_ROUTE);
    flow_table_add_format(t, owner, OFTABLE_GW_SNAT, 0, "ip",
                          "ct(commit,zone=%s,table=%d)", MFF_GW_ZONE,
                          OFTABLE_GW_ROUTE);

    /* North-south service insertion, where a tenant has it, is between
     * the tenant's networks and the NAT zone; without it, nothing.  Its
     * end clears its flags, so that a packet for a local port of the
     * gateway chassis meets that port's own service insertion afresh. */
    char *to_nat = xasprintf("ct(zone=%s,nat,table=%d)", MFF_GW_ZONE,
                             OFTABLE_GW_OUT_STATE);
    flow_table_add(t, owner, OFTABLE_GW_NS_OUT, 0, "ip", to_nat);
    flow_table_add_format(t, owner, OFTABLE_GW_NS_IN, 0, "",
                          "resubmit(,%d)", OFTABLE_NEXTHOP);
    flow_table_add_format(t, owner, OFTABLE_GW_NS_EXIT, 100,
                          "ip,"MFF_FLAGS"="FLAG_GW_NS_OUT,
                          "set_field:0/0x30->"MFF_FLAGS",%s", to_nat);
    flow_table_add_format(t, owner, OFTABLE_GW_NS_EXIT, 0, "",
                          "set_field:0/0x30->"MFF_FLAGS",resubmit(,%d)",
                          OFTABLE_NEXTHOP);
    free(to_nat);

    flow_table_add(t, owner, OFTABLE_GW_IN_ROUTE, 0, "", "drop");
    flow_table_add(t, owner, OFTABLE_GW_ROUTE, 0, "", "drop");
    flow_table_add(t, owner, OFTABLE_GW_NEIGHBOR, 0, "", "drop");
}

/* Adds the flows of gateway 'gw' when it runs on this chassis: the uplink
 * joins the pipeline, ARP from the external subnet teaches the next hops'
 * MACs, the management address belongs to the kernel, and unknown next
 * hops are resolved by the controller.  Returns true if it added any. */
bool
gateway_flows(struct flow_table *t, const struct flow_ctx *ctx,
              const struct nbrec_gateway *gw)
{
    const struct uuid *owner = &gw->header_.uuid;
    struct ip_prefix subnet;

    if (!ctx->chassis || gw->chassis != ctx->chassis
        || !parse_ipv4_prefix(gw->external_subnet, &subnet)) {
        return false;
    }
    ofp_port_t uplink = uplink_port(ctx, gw);
    if (uplink == OFPP_NONE) {
        return false;
    }
    uint16_t up = ofp_to_u16(uplink);

    struct ds match = DS_EMPTY_INITIALIZER;
    ds_put_format(&match, "in_port=%"PRIu16, up);
    flow_table_add_format(t, owner, OFTABLE_CLASSIFY, 100, ds_cstr(&match),
                          "resubmit(,%d)", OFTABLE_GW_UPLINK);
    ds_clear(&match);

    /* Every ARP packet from the external subnet, request or reply, tells
     * where its sender is. */
    ds_put_cstr(&match, "arp,arp_spa=");
    ip_prefix_format(&subnet, &match);
    flow_table_add_format(t, owner, OFTABLE_GW_UPLINK, 100, ds_cstr(&match),
                          "learn(table=%d,priority=100,%s=NXM_OF_ARP_SPA[],"
                          "load:NXM_NX_ARP_SHA[]->NXM_OF_ETH_DST[],"
                          "output:NXM_OF_IN_PORT[]),resubmit(,%d)",
                          OFTABLE_GW_NEIGHBOR, MFF_GW_NEXTHOP,
                          OFTABLE_GW_INBOUND);
    ds_clear(&match);
    flow_table_add_format(t, owner, OFTABLE_GW_NEIGHBOR, 10, "ip",
                          "controller(userdata=%02x.%02x.%02x)",
                          GW_USERDATA_ARP, up >> 8, up & 0xff);

    /* In-band management: the kernel owns the management address, and
     * whatever the kernel sends goes out of the uplink. */
    ovs_be32 mgmt;
    char *mgmt_ip = (gw->management_ip
                     ? xmemdup0(gw->management_ip,
                                strcspn(gw->management_ip, "/"))
                     : NULL);
    if (mgmt_ip && ip_parse(mgmt_ip, &mgmt)) {
        struct ds ip = DS_EMPTY_INITIALIZER;
        ds_put_format(&ip, IP_FMT, IP_ARGS(mgmt));
        ds_put_format(&match, "arp,arp_tpa=%s", ds_cstr(&ip));
        flow_table_add(t, owner, OFTABLE_GW_INBOUND, 100, ds_cstr(&match),
                       "output:LOCAL");
        ds_clear(&match);
        ds_put_format(&match, "ip,nw_dst=%s", ds_cstr(&ip));
        flow_table_add(t, owner, OFTABLE_GW_INBOUND, 100, ds_cstr(&match),
                       "output:LOCAL");
        ds_clear(&match);
        flow_table_add_format(t, owner, OFTABLE_CLASSIFY, 100,
                              "in_port=LOCAL", "output:%"PRIu16, up);
        ds_destroy(&ip);
    }
    free(mgmt_ip);
    ds_destroy(&match);
    return true;
}

/* Adds the north-south flows of router 'r': on a compute chassis, the
 * tunnel to the gateway chassis for destinations outside the router's
 * networks; on the gateway chassis, conntrack in the router's zone, the
 * firewall, NAT, and routing out of the uplink and back in. */
void
gateway_router_flows(struct flow_table *t, const struct flow_ctx *ctx,
                     struct ovsdb_idl *nb, const struct nbrec_router *r)
{
    const struct nbrec_gateway *gw = r->gateway;
    const struct uuid *owner = &r->header_.uuid;
    ovs_be32 ext_ip;

    if (!gw || !gw->chassis || !r->external_ip
        || !ip_parse(r->external_ip, &ext_ip) || !ctx->chassis) {
        return;
    }
    bool here = gw->chassis == ctx->chassis;
    uint16_t zone = here ? gateway_router_zone(nb, r) : 0;
    struct eth_addr ext_mac = gateway_external_mac(ext_ip);
    struct ds match = DS_EMPTY_INITIALIZER;
    struct ds actions = DS_EMPTY_INITIALIZER;

    /* Into conntrack, in the router's zone, for an outbound packet. */
    struct ds to_ct = DS_EMPTY_INITIALIZER;
    ds_put_format(&to_ct, "dec_ttl,load:%"PRIu16"->%s,resubmit(,%d)", zone,
                  MFF_GW_ZONE, OFTABLE_GW_NS_OUT);

    /* The router's networks: out through the gateway, and back in. */
    const struct nbrec_network *net;
    NBREC_NETWORK_FOR_EACH (net, nb) {
        if (net->router != r || !strcmp(net->type, "vlan")) {
            continue;
        }
        struct eth_addr rmac = flows_router_mac(net->vni);
        ds_put_format(&match, "metadata=%"PRId64",dl_dst="ETH_ADDR_FMT",ip",
                      net->vni, ETH_ADDR_ARGS(rmac));
        if (here) {
            /* From local ports, after distributed routing found no
             * network of the router; and from tunnels. */
            flow_table_add(t, owner, OFTABLE_ROUTING, 10, ds_cstr(&match),
                           ds_cstr(&to_ct));
            flow_table_add(t, owner, OFTABLE_L2, 100, ds_cstr(&match),
                           ds_cstr(&to_ct));
        } else {
            ofp_port_t tunnel
                = ctx->tunnel_ports[flows_network_encap(net)];
            const char *gw_ip = gw->chassis->encap_ip;
            if (tunnel != OFPP_NONE) {
                flow_table_add_format(
                    t, owner, OFTABLE_ROUTING, 10, ds_cstr(&match),
                    "set_field:%s->%s,set_field:%"PRId64"->tun_id,"
                    "output:%"PRIu16, gw_ip,
                    strchr(gw_ip, ':') ? "tun_ipv6_dst" : "tun_dst",
                    net->vni, ofp_to_u16(tunnel));
            }
        }
        ds_clear(&match);

        for (size_t i = 0; i < net->n_subnets; i++) {
            struct ip_prefix p;
            if (!parse_ipv4_prefix(net->subnets[i], &p)) {
                continue;
            }

            /* The network's own subnet is not north-south. */
            ds_put_format(&match, "metadata=%"PRId64",dl_dst="ETH_ADDR_FMT
                          ",ip,nw_dst=", net->vni, ETH_ADDR_ARGS(rmac));
            ip_prefix_format(&p, &match);
            flow_table_add(t, owner, OFTABLE_ROUTING, 20, ds_cstr(&match),
                           "drop");
            ds_clear(&match);
            if (!here) {
                continue;
            }
            ds_put_format(&match, "reg14=%"PRIu16",ip,nw_dst=", zone);
            ip_prefix_format(&p, &match);
            flow_table_add_format(t, owner, OFTABLE_GW_IN_ROUTE, 100 + p.plen,
                                  ds_cstr(&match),
                                  "dec_ttl,set_field:"ETH_ADDR_FMT"->eth_src,"
                                  "set_field:%"PRId64"->metadata,"
                                  "resubmit(,%d)", ETH_ADDR_ARGS(rmac),
                                  net->vni, OFTABLE_GW_NS_IN);
            ds_clear(&match);
        }
    }
    ds_destroy(&to_ct);
    if (!here) {
        ds_destroy(&match);
        ds_destroy(&actions);
        return;
    }

    /* The router's external addresses: its own and its NAT rules'.  Each
     * has a MAC derived from it; a packet to that MAC is the router's. */
    struct sset addrs = SSET_INITIALIZER(&addrs);
    sset_add(&addrs, r->external_ip);
    for (size_t i = 0; i < r->n_nat; i++) {
        sset_add(&addrs, r->nat[i]->external_ip);
    }
    const char *addr;
    SSET_FOR_EACH (addr, &addrs) {
        ovs_be32 ip;
        if (!ip_parse(addr, &ip)) {
            continue;
        }
        struct eth_addr mac = gateway_external_mac(ip);
        ds_put_format(&match, "arp,arp_op=1,arp_tpa=%s", addr);
        flows_put_arp_reply(&actions, mac, addr);
        flow_table_add(t, owner, OFTABLE_GW_INBOUND, 100, ds_cstr(&match),
                       ds_cstr(&actions));
        ds_clear(&match);
        ds_clear(&actions);

        ds_put_format(&match, "ip,dl_dst="ETH_ADDR_FMT, ETH_ADDR_ARGS(mac));
        flow_table_add_format(t, owner, OFTABLE_GW_INBOUND, 90,
                              ds_cstr(&match),
                              "load:%"PRIu16"->%s,ct(zone=%s,nat,table=%d)",
                              zone, MFF_GW_ZONE, MFF_GW_ZONE,
                              OFTABLE_GW_IN_STATE);
        ds_clear(&match);
    }
    sset_destroy(&addrs);

    /* NAT. */
    for (size_t i = 0; i < r->n_nat; i++) {
        const struct nbrec_nat *nat = r->nat[i];
        struct ip_prefix logical;
        if (!parse_ipv4_prefix(nat->logical_ip, &logical)) {
            continue;
        }
        ds_clear(&actions);
        ip_prefix_format(&logical, &actions);
        if (strcmp(nat->type, "snat")) {
            ds_put_format(&match, "reg14=%"PRIu16",ip,nw_dst=%s", zone,
                          nat->external_ip);
            flow_table_add_format(t, owner, OFTABLE_GW_DNAT, 100,
                                  ds_cstr(&match),
                                  "ct(commit,zone=%s,nat(dst=%s),table=%d)",
                                  MFF_GW_ZONE, nat->logical_ip,
                                  OFTABLE_GW_IN_ROUTE);
            ds_clear(&match);
        }
        if (strcmp(nat->type, "dnat")) {
            /* A floating IP wins over the router's SNAT of its subnet. */
            int priority = (!strcmp(nat->type, "dnat_and_snat")
                            ? 200 : 100 + logical.plen);
            ds_put_format(&match, "reg14=%"PRIu16",ip,nw_src=%s", zone,
                          ds_cstr(&actions));
            flow_table_add_format(t, owner, OFTABLE_GW_SNAT, priority,
                                  ds_cstr(&match),
                                  "ct(commit,zone=%s,nat(src=%s),table=%d)",
                                  MFF_GW_ZONE, nat->external_ip,
                                  OFTABLE_GW_ROUTE);
            ds_clear(&match);
        }
    }

    /* The firewall. */
    for (size_t i = 0; i < r->n_firewall_rules; i++) {
        firewall_flows(t, owner, zone, r->firewall_rules[i]);
    }

    /* Routes: the external subnet is connected, static routes, and the
     * default route to the gateway's next hop. */
    struct ip_prefix subnet;
    ds_clear(&actions);
    ds_put_format(&actions, "set_field:"ETH_ADDR_FMT"->eth_src,"
                  "resubmit(,%d)", ETH_ADDR_ARGS(ext_mac),
                  OFTABLE_GW_NEIGHBOR);
    if (parse_ipv4_prefix(gw->external_subnet, &subnet)) {
        ds_put_format(&match, "reg14=%"PRIu16",ip,nw_dst=", zone);
        ip_prefix_format(&subnet, &match);
        flow_table_add_format(t, owner, OFTABLE_GW_ROUTE, 100 + subnet.plen,
                              ds_cstr(&match),
                              "move:NXM_OF_IP_DST[]->%s,%s", MFF_GW_NEXTHOP,
                              ds_cstr(&actions));
        ds_clear(&match);
    }
    for (size_t i = 0; i < r->n_static_routes; i++) {
        const struct nbrec_static_route *route = r->static_routes[i];
        struct ip_prefix p;
        ovs_be32 nh;
        if (!parse_ipv4_prefix(route->prefix, &p)
            || !ip_parse(route->nexthop, &nh)) {
            continue;
        }
        ds_put_format(&match, "reg14=%"PRIu16",ip,nw_dst=", zone);
        ip_prefix_format(&p, &match);
        flow_table_add_format(t, owner, OFTABLE_GW_ROUTE, 100 + p.plen,
                              ds_cstr(&match), "load:%#"PRIx32"->%s,%s",
                              ntohl(nh), MFF_GW_NEXTHOP, ds_cstr(&actions));
        ds_clear(&match);
    }
    ovs_be32 nh;
    if (gw->external_nexthop && ip_parse(gw->external_nexthop, &nh)) {
        ds_put_format(&match, "reg14=%"PRIu16",ip", zone);
        flow_table_add_format(t, owner, OFTABLE_GW_ROUTE, 100,
                              ds_cstr(&match), "load:%#"PRIx32"->%s,%s",
                              ntohl(nh), MFF_GW_NEXTHOP, ds_cstr(&actions));
        ds_clear(&match);
    }

    ds_destroy(&match);
    ds_destroy(&actions);
}

static int
compare_routers(const void *a_, const void *b_)
{
    const struct nbrec_router *const *a = a_;
    const struct nbrec_router *const *b = b_;
    return uuid_compare_3way(&(*a)->header_.uuid, &(*b)->header_.uuid);
}

/* Returns the conntrack zone of router 'r' on its gateway: a hash of its
 * UUID, unless a router of the same gateway with a smaller UUID took it,
 * in which case the next free one. */
uint16_t
gateway_router_zone(struct ovsdb_idl *nb, const struct nbrec_router *r)
{
    unsigned long *used = bitmap_allocate(ZONE_MASK + 1);
    uint16_t zone = 0;

    /* Number the routers of the gateway in UUID order, each taking the
     * first free zone from its hash. */
    const struct nbrec_router **routers = NULL;
    size_t n = 0, allocated = 0;
    const struct nbrec_router *rr;
    NBREC_ROUTER_FOR_EACH (rr, nb) {
        if (rr->gateway == r->gateway
            && uuid_compare_3way(&rr->header_.uuid, &r->header_.uuid) <= 0) {
            if (n >= allocated) {
                routers = x2nrealloc(routers, &allocated, sizeof *routers);
            }
            routers[n++] = rr;
        }
    }
    if (n) {
        qsort(routers, n, sizeof *routers, compare_routers);
    }
    for (size_t i = 0; i < n; i++) {
        unsigned int z = routers[i]->header_.uuid.parts[0] & ZONE_MASK;
        while (bitmap_is_set(used, z)) {
            z = (z + 1) & ZONE_MASK;
        }
        bitmap_set1(used, z);
        zone = ZONE_BASE | z << 1;
    }
    free(routers);
    bitmap_free(used);
    return zone;
}

/* Replaces the contents of 'request' by an ARP request for 'nexthop' (in
 * network byte order) from the router whose external MAC is the source of
 * 'packet', the first 'size' bytes of a packet that the router routes
 * there.  Returns false if 'packet' has no such source. */
bool
gateway_arp_request(const void *packet, size_t size, uint32_t nexthop,
                    struct ofpbuf *request)
{
    const struct eth_header *eth = packet;
    if (size < sizeof *eth || eth->eth_src.ea[0] != 0x0a
        || eth->eth_src.ea[1] != 0x5a) {
        return false;
    }
    ovs_be32 spa;
    memcpy(&spa, &eth->eth_src.ea[2], sizeof spa);

    ofpbuf_clear(request);
    struct eth_header *reth = ofpbuf_put_zeros(request, sizeof *reth);
    reth->eth_dst = eth_addr_broadcast;
    reth->eth_src = eth->eth_src;
    reth->eth_type = htons(ETH_TYPE_ARP);

    struct arp_eth_header *arp = ofpbuf_put_zeros(request, sizeof *arp);
    arp->ar_hrd = htons(ARP_HRD_ETHERNET);
    arp->ar_pro = htons(ARP_PRO_IP);
    arp->ar_hln = sizeof arp->ar_sha;
    arp->ar_pln = sizeof arp->ar_spa;
    arp->ar_op = htons(ARP_OP_REQUEST);
    arp->ar_sha = eth->eth_src;
    put_16aligned_be32(&arp->ar_spa, spa);
    put_16aligned_be32(&arp->ar_tpa, nexthop);
    return true;
}

/* Adds the flows of firewall rule 'fw' of the router with 'zone'. */
static void
firewall_flows(struct flow_table *t, const struct uuid *owner, uint16_t zone,
               const struct nbrec_firewall_rule *fw)
{
    const char *proto = fw->protocol;
    struct ip_prefix src, dst;
    if ((proto && !strcmp(proto, "icmp6"))
        || (fw->src_prefix && !parse_ipv4_prefix(fw->src_prefix, &src))
        || (fw->dst_prefix && !parse_ipv4_prefix(fw->dst_prefix, &dst))) {
        return;
    }

    struct port_mask *sports = NULL, *dports = NULL;
    size_t n_sports = 1, n_dports = 1;
    uint16_t min, max;
    char *error = NULL;
    if (fw->src_ports && !(error = port_range_parse(fw->src_ports, &min,
                                                    &max))) {
        n_sports = port_range_to_masks(min, max, &sports);
    }
    if (!error && fw->dst_ports
        && !(error = port_range_parse(fw->dst_ports, &min, &max))) {
        n_dports = port_range_to_masks(min, max, &dports);
    }
    if (error) {
        free(error);
        free(sports);
        return;
    }

    bool inbound = !strcmp(fw->direction, "from-external");
    int table = inbound ? OFTABLE_GW_IN_STATE : OFTABLE_GW_OUT_STATE;
    char *actions = (!strcmp(fw->action, "allow")
                     ? xasprintf("resubmit(,%d)", (inbound ? OFTABLE_GW_DNAT
                                                   : OFTABLE_GW_SNAT))
                     : xstrdup("drop"));
    struct ds match = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < n_sports; i++) {
        for (size_t j = 0; j < n_dports; j++) {
            ds_clear(&match);
            ds_put_format(&match, "ct_state=+new+trk,reg14=%"PRIu16",%s",
                          zone, proto ? proto : "ip");
            if (fw->src_prefix) {
                ds_put_cstr(&match, ",nw_src=");
                ip_prefix_format(&src, &match);
            }
            if (fw->dst_prefix) {
                ds_put_cstr(&match, ",nw_dst=");
                ip_prefix_format(&dst, &match);
            }
            if (sports) {
                ds_put_format(&match, ",tp_src=0x%"PRIx16"/0x%"PRIx16,
                              sports[i].value, sports[i].mask);
            }
            if (dports) {
                ds_put_format(&match, ",tp_dst=0x%"PRIx16"/0x%"PRIx16,
                              dports[j].value, dports[j].mask);
            }
            flow_table_add(t, owner, table, 1000 + fw->priority,
                           ds_cstr(&match), actions);
        }
    }
    ds_destroy(&match);
    free(actions);
    free(sports);
    free(dports);
}

/* Returns the MAC of external address 'ip': 0a:5a followed by the
 * address.  ARP for the address is answered with it, and a packet to it is
 * for the router that owns the address. */
struct eth_addr
gateway_external_mac(ovs_be32 ip)
{
    struct eth_addr mac = ETH_ADDR_C(0a,5a,00,00,00,00);
    memcpy(&mac.ea[2], &ip, sizeof ip);
    return mac;
}

/* Parses 's', an IPv4 address (as a /32) or prefix, into 'p'.  Returns
 * false if it is neither: silently for IPv6, which the gateway does not
 * route, and with a log message for anything else. */
static bool
parse_ipv4_prefix(const char *s, struct ip_prefix *p)
{
    if (strchr(s, ':')) {
        return false;
    }

    char *host = strchr(s, '/') ? NULL : xasprintf("%s/32", s);
    char *error = ip_prefix_parse(host ? host : s, p);
    free(host);
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        VLOG_WARN_RL(&rl, "%s: not an IPv4 address or prefix: %s", s, error);
        free(error);
        return false;
    }
    return true;
}

/* Returns the OpenFlow port of 'gw''s uplink on this chassis, or
 * OFPP_NONE. */
static ofp_port_t
uplink_port(const struct flow_ctx *ctx, const struct nbrec_gateway *gw)
{
    const struct simap_node *node = simap_find(ctx->ports, gw->uplink);
    return node && node->data ? u16_to_ofp(node->data) : OFPP_NONE;
}
