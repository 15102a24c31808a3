/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/flows.h"
#include <string.h>
#include "controller/flow-table.h"
#include "controller/pipeline.h"
#include "lib/ip-prefix.h"
#include "lib/nb-util.h"
#include "flow.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "simap.h"
#include "sset.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(flows);

static const struct uuid no_owner;

static void put_nd_reply(struct ds *actions, struct eth_addr,
                         const char *ip, bool router);
static void neighbor_flows(struct flow_table *, const struct uuid *owner,
                           int64_t vni, struct eth_addr, char **ips,
                           size_t n_ips, bool router);
static bool mac_is_derived(struct eth_addr, const char *ip);
static bool is_ipv6(const char *ip);

/* Adds the default flows of every table. */
void
flows_static(struct flow_table *t)
{
    /* Unknown sources, VNIs, spoofed packets, and unknown destinations are
     * dropped; the other tables fall through to the next stage. */
    flow_table_add(t, &no_owner, OFTABLE_CLASSIFY, 0, "", "drop");
    flow_table_add(t, &no_owner, OFTABLE_TUNNEL_VNI, 0, "", "drop");
    flow_table_add(t, &no_owner, OFTABLE_PORT_SECURITY, 0, "", "drop");
    flow_table_add_format(t, &no_owner, OFTABLE_NEIGHBOR, 0, "",
                          "resubmit(,%d)", OFTABLE_ROUTING);
    flow_table_add_format(t, &no_owner, OFTABLE_ROUTING, 0, "",
                          "resubmit(,%d)", OFTABLE_L2);
    flow_table_add(t, &no_owner, OFTABLE_NEXTHOP, 0, "", "drop");
    flow_table_add(t, &no_owner, OFTABLE_L2, 0, "", "drop");
    flow_table_add(t, &no_owner, OFTABLE_ND_REPLY, 0, "", "drop");

    /* A local port may advertise only its own IPv6 addresses (see
     * flows_port()). */
    flow_table_add(t, &no_owner, OFTABLE_PORT_SECURITY, 105,
                   "icmp6,icmp_type=136", "drop");

    /* Duplicate address detection probes (from the unspecified address)
     * get no answer: addresses are unique by allocation, and an answer
     * would make the prober give its address up. */
    flow_table_add(t, &no_owner, OFTABLE_NEIGHBOR, 110,
                   "icmp6,icmp_type=135,ipv6_src=::", "drop");

    /* The last step of neighbour advertisements: the target link-layer
     * address is the advertisement's Ethernet source. */
    flow_table_add(t, &no_owner, OFTABLE_ND_REPLY, 100, "icmp6,icmp_type=136",
                   "move:NXM_OF_ETH_SRC[]->NXM_NX_ND_TLL[],in_port");
}

/* Adds the flows of chassis 'ch': when it is another chassis, tunnel
 * packets from its encap IP are accepted. */
void
flows_chassis(struct flow_table *t, const struct flow_ctx *ctx,
              const struct nbrec_chassis *ch)
{
    if (ch == ctx->chassis) {
        return;
    }

    struct in6_addr ip;
    bool ipv4;
    char *error = ip_addr_parse(ch->encap_ip, &ip, &ipv4);
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        VLOG_WARN_RL(&rl, "chassis %s: bad encap IP: %s", ch->name, error);
        free(error);
        return;
    }

    char *match = xasprintf("%s=%s", ipv4 ? "tun_src" : "tun_ipv6_src",
                            ch->encap_ip);
    flow_table_add_format(t, &ch->header_.uuid, OFTABLE_CLASSIFY, 100,
                          match, "load:1->%s[0],resubmit(,%d)", MFF_FLAGS,
                          OFTABLE_TUNNEL_VNI);
    free(match);
}

/* Adds the flows of network 'net': tunnel or provider-network ingress,
 * answers for the gateways, flooding to 'flood', and, when the network is
 * attached to a router, routing to the router's other networks
 * 'router_peers'. */
void
flows_network(struct flow_table *t, const struct flow_ctx *ctx,
              const struct nbrec_network *net,
              const struct nbrec_network **router_peers, size_t n_peers,
              const struct flood_set *flood)
{
    const struct uuid *owner = &net->header_.uuid;
    int64_t vni = net->vni;
    bool vlan = !strcmp(net->type, "vlan");
    ofp_port_t tunnel = ctx->tunnel_ports[flows_network_encap(net)];
    ofp_port_t patch = OFPP_NONE;
    struct ds match = DS_EMPTY_INITIALIZER;
    struct ds actions = DS_EMPTY_INITIALIZER;

    /* Ingress from other chassis. */
    if (vlan) {
        patch = u16_to_ofp(simap_get(ctx->physnets, net->physical_network));
        if (patch != 0 && net->n_vlan) {
            ds_put_format(&match, "in_port=%"PRIu32",dl_vlan=%"PRId64,
                          ofp_to_u16(patch), net->vlan[0]);
            flow_table_add_format(t, owner, OFTABLE_CLASSIFY, 100,
                                  ds_cstr(&match),
                                  "strip_vlan,set_field:%"PRId64"->metadata,"
                                  "load:1->%s[0],resubmit(,%d)", vni,
                                  MFF_FLAGS, OFTABLE_L2);
            ds_clear(&match);

            /* Unicast to a MAC that is not local goes to the provider
             * network, tagged. */
            ds_put_format(&match, "metadata=%"PRId64",%s=%s", vni, MFF_FLAGS,
                          FLAG_LOCAL);
            flow_table_add_format(t, owner, OFTABLE_L2, 10, ds_cstr(&match),
                                  "mod_vlan_vid:%"PRId64",output:%"PRIu32,
                                  net->vlan[0], ofp_to_u16(patch));
            ds_clear(&match);
        } else {
            patch = OFPP_NONE;
        }
    } else if (tunnel != OFPP_NONE) {
        ds_put_format(&match, "in_port=%"PRIu32",tun_id=%"PRId64,
                      ofp_to_u16(tunnel), vni);
        flow_table_add_format(t, owner, OFTABLE_TUNNEL_VNI, 100,
                              ds_cstr(&match),
                              "set_field:%"PRId64"->metadata,resubmit(,%d)",
                              vni, OFTABLE_L2);
        ds_clear(&match);
    }

    /* The gateways answer for themselves with the network's router MAC.
     * On an overlay network Sluice knows every address, so requests for
     * addresses that nobody has are dropped, not flooded; on a VLAN network
     * they go on to the provider network, whose own hosts may answer. */
    struct eth_addr rmac = flows_router_mac(vni);
    neighbor_flows(t, owner, vni, rmac, net->gateways, net->n_gateways,
                   true);
    if (!vlan) {
        ds_put_format(&match, "metadata=%"PRId64",arp,arp_op=1", vni);
        flow_table_add(t, owner, OFTABLE_NEIGHBOR, 90, ds_cstr(&match),
                       "drop");
        ds_clear(&match);
        ds_put_format(&match, "metadata=%"PRId64",icmp6,icmp_type=135", vni);
        flow_table_add(t, owner, OFTABLE_NEIGHBOR, 90, ds_cstr(&match),
                       "drop");
        ds_clear(&match);
    }

    /* Broadcast and multicast go to the network's local ports and, when
     * they come from a local port, to the other chassis that have ports of
     * the network. */
    for (size_t i = 0; i < flood->n_local_ports; i++) {
        ds_put_format(&actions, "output:%"PRIu32",",
                      ofp_to_u16(flood->local_ports[i]));
    }
    ds_chomp(&actions, ',');
    ds_put_format(&match, "metadata=%"PRId64","
                  "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,%s=%s", vni,
                  MFF_FLAGS, FLAG_FROM_REMOTE);
    flow_table_add(t, owner, OFTABLE_L2, 50, ds_cstr(&match),
                   actions.length ? ds_cstr(&actions) : "drop");
    ds_clear(&match);
    ds_put_format(&match, "metadata=%"PRId64","
                  "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00", vni);
    if (vlan && patch != OFPP_NONE) {
        ds_put_format(&actions, "%smod_vlan_vid:%"PRId64",output:%"PRIu32,
                      actions.length ? "," : "", net->vlan[0],
                      ofp_to_u16(patch));
    } else if (!vlan && tunnel != OFPP_NONE) {
        const char **ips = sset_sort(flood->remote_ips);
        for (size_t i = 0; i < sset_count(flood->remote_ips); i++) {
            ds_put_format(&actions, "%sset_field:%s->%s,"
                          "set_field:%"PRId64"->tun_id,output:%"PRIu32,
                          actions.length ? "," : "", ips[i],
                          is_ipv6(ips[i]) ? "tun_ipv6_dst" : "tun_dst",
                          vni, ofp_to_u16(tunnel));
        }
        free(ips);
    }
    flow_table_add(t, owner, OFTABLE_L2, 49, ds_cstr(&match),
                   actions.length ? ds_cstr(&actions) : "drop");
    ds_clear(&match);
    ds_clear(&actions);

    /* Routing to the router's other networks, and the default next hop of
     * routed packets into this network. */
    for (size_t i = 0; i < n_peers; i++) {
        const struct nbrec_network *peer = router_peers[i];
        for (size_t j = 0; j < peer->n_subnets; j++) {
            bool v6 = is_ipv6(peer->subnets[j]);
            ds_put_format(&match, "metadata=%"PRId64",dl_dst="ETH_ADDR_FMT","
                          "%s,%s=%s", vni, ETH_ADDR_ARGS(rmac),
                          v6 ? "ipv6" : "ip", v6 ? "ipv6_dst" : "nw_dst",
                          peer->subnets[j]);
            flow_table_add_format(
                t, owner, OFTABLE_ROUTING, 100, ds_cstr(&match),
                "dec_ttl,set_field:"ETH_ADDR_FMT"->eth_src,"
                "set_field:%"PRId64"->metadata,resubmit(,%d)",
                ETH_ADDR_ARGS(flows_router_mac(peer->vni)), peer->vni,
                OFTABLE_NEXTHOP);
            ds_clear(&match);
        }
    }
    if (net->router) {
        for (size_t i = 0; i < net->n_subnets; i++) {
            if (!is_ipv6(net->subnets[i])) {
                ds_put_format(&match, "metadata=%"PRId64",ip,nw_dst=%s", vni,
                              net->subnets[i]);
                flow_table_add_format(
                    t, owner, OFTABLE_NEXTHOP, 50, ds_cstr(&match),
                    "set_field:0a:58:00:00:00:00->eth_dst,"
                    "move:NXM_OF_IP_DST[]->NXM_OF_ETH_DST[0..31],"
                    "resubmit(,%d)", OFTABLE_L2);
                ds_clear(&match);
            }
        }
    }

    ds_destroy(&match);
    ds_destroy(&actions);
}

/* Adds the flows of port 'port': everywhere, the answers to ARP and
 * neighbour solicitations for its addresses and, if its network is routed
 * and its MAC is not derived from its IPv4 address, its next hops; on its
 * own chassis, classification, port security and delivery; on other
 * chassis, the tunnel to its chassis. */
void
flows_port(struct flow_table *t, const struct flow_ctx *ctx,
           const struct nbrec_port *port)
{
    const struct nbrec_network *net = port->network;
    const struct uuid *owner = &port->header_.uuid;
    struct eth_addr mac;

    if (!net) {
        return;
    }
    char *error = mac_parse(port->mac, &mac);
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        VLOG_WARN_RL(&rl, "port %s: %s", port->name, error);
        free(error);
        return;
    }

    int64_t vni = net->vni;
    struct ds match = DS_EMPTY_INITIALIZER;
    neighbor_flows(t, owner, vni, mac, port->ips, port->n_ips, false);

    if (net->router) {
        for (size_t i = 0; i < port->n_ips; i++) {
            const char *ip = port->ips[i];
            if (!mac_is_derived(mac, ip)) {
                ds_put_format(&match, "metadata=%"PRId64",%s,%s=%s", vni,
                              is_ipv6(ip) ? "ipv6" : "ip",
                              is_ipv6(ip) ? "ipv6_dst" : "nw_dst", ip);
                flow_table_add_format(t, owner, OFTABLE_NEXTHOP, 100,
                                      ds_cstr(&match),
                                      "set_field:"ETH_ADDR_FMT"->eth_dst,"
                                      "resubmit(,%d)", ETH_ADDR_ARGS(mac),
                                      OFTABLE_L2);
                ds_clear(&match);
            }
        }
    }

    ofp_port_t ofport = flows_port_binding(ctx, port);
    if (ofport != OFPP_NONE) {
        uint16_t p = ofp_to_u16(ofport);
        bool security = !port->n_port_security || port->port_security[0];

        ds_put_format(&match, "in_port=%"PRIu16, p);
        flow_table_add_format(t, owner, OFTABLE_CLASSIFY, 100,
                              ds_cstr(&match),
                              "set_field:%"PRId64"->metadata,resubmit(,%d)",
                              vni, security ? OFTABLE_PORT_SECURITY
                                            : OFTABLE_NEIGHBOR);
        ds_clear(&match);

        if (security) {
            for (size_t i = 0; i < port->n_ips; i++) {
                const char *ip = port->ips[i];
                if (is_ipv6(ip)) {
                    ds_put_format(&match, "in_port=%"PRIu16",dl_src="
                                  ETH_ADDR_FMT",ipv6,ipv6_src=%s", p,
                                  ETH_ADDR_ARGS(mac), ip);
                    flow_table_add_format(t, owner, OFTABLE_PORT_SECURITY,
                                          100, ds_cstr(&match),
                                          "resubmit(,%d)", OFTABLE_NEIGHBOR);
                    ds_clear(&match);
                    ds_put_format(&match, "in_port=%"PRIu16",dl_src="
                                  ETH_ADDR_FMT",icmp6,icmp_type=136,"
                                  "ipv6_src=%s,nd_target=%s", p,
                                  ETH_ADDR_ARGS(mac), ip, ip);
                    flow_table_add_format(t, owner, OFTABLE_PORT_SECURITY,
                                          110, ds_cstr(&match),
                                          "resubmit(,%d)", OFTABLE_NEIGHBOR);
                    ds_clear(&match);
                } else {
                    ds_put_format(&match, "in_port=%"PRIu16",dl_src="
                                  ETH_ADDR_FMT",ip,nw_src=%s", p,
                                  ETH_ADDR_ARGS(mac), ip);
                    flow_table_add_format(t, owner, OFTABLE_PORT_SECURITY,
                                          100, ds_cstr(&match),
                                          "resubmit(,%d)", OFTABLE_NEIGHBOR);
                    ds_clear(&match);
                    ds_put_format(&match, "in_port=%"PRIu16",dl_src="
                                  ETH_ADDR_FMT",arp,arp_sha="ETH_ADDR_FMT","
                                  "arp_spa=%s", p, ETH_ADDR_ARGS(mac),
                                  ETH_ADDR_ARGS(mac), ip);
                    flow_table_add_format(t, owner, OFTABLE_PORT_SECURITY,
                                          100, ds_cstr(&match),
                                          "resubmit(,%d)", OFTABLE_NEIGHBOR);
                    ds_clear(&match);
                }
            }
        }

        ds_put_format(&match, "metadata=%"PRId64",dl_dst="ETH_ADDR_FMT, vni,
                      ETH_ADDR_ARGS(mac));
        flow_table_add_format(t, owner, OFTABLE_L2, 100, ds_cstr(&match),
                              "output:%"PRIu16, p);
        ds_clear(&match);
    } else if (port->chassis && port->chassis != ctx->chassis
               && strcmp(net->type, "vlan")) {
        enum encap encap = flows_network_encap(net);
        ofp_port_t tunnel = ctx->tunnel_ports[encap];
        const char *ip = port->chassis->encap_ip;
        if (tunnel != OFPP_NONE) {
            ds_put_format(&match, "metadata=%"PRId64",dl_dst="ETH_ADDR_FMT
                          ",%s=%s", vni, ETH_ADDR_ARGS(mac), MFF_FLAGS,
                          FLAG_LOCAL);
            flow_table_add_format(t, owner, OFTABLE_L2, 100, ds_cstr(&match),
                                  "set_field:%s->%s,set_field:%"PRId64
                                  "->tun_id,output:%"PRIu16, ip,
                                  is_ipv6(ip) ? "tun_ipv6_dst" : "tun_dst",
                                  vni, ofp_to_u16(tunnel));
            ds_clear(&match);
        }
    }
    ds_destroy(&match);
}

/* Returns the local OpenFlow port of 'port', or OFPP_NONE if the port's
 * interface is not on this chassis' integration bridge. */
ofp_port_t
flows_port_binding(const struct flow_ctx *ctx, const struct nbrec_port *port)
{
    unsigned int ofport;
    return (simap_find(ctx->bindings, port->name)
            && (ofport = simap_get(ctx->bindings, port->name)) > 0
            ? u16_to_ofp(ofport) : OFPP_NONE);
}

/* Returns the network with 'uuid' that 'nb' has received, or NULL.  (The
 * IDL's nbrec_network_get_for_uuid() may return a placeholder for a network
 * that rows refer to but that has not been received, which must not be
 * read.) */
const struct nbrec_network *
flows_find_network(struct ovsdb_idl *nb, const struct uuid *uuid)
{
    const struct nbrec_network *net;

    NBREC_NETWORK_FOR_EACH (net, nb) {
        if (uuid_equals(&net->header_.uuid, uuid)) {
            return net;
        }
    }
    return NULL;
}

/* Returns the encapsulation that carries 'net' between chassis.  VLAN
 * networks do not use tunnels; for them the answer does not matter. */
enum encap
flows_network_encap(const struct nbrec_network *net)
{
    return !strcmp(net->type, "vxlan") ? ENCAP_VXLAN : ENCAP_GENEVE;
}

/* Adds to 'owner' the flows that answer ARP requests and IPv6 neighbour
 * solicitations from local ports for each of the 'n_ips' 'ips' with 'mac',
 * the MAC of a router if 'router'. */
static void
neighbor_flows(struct flow_table *t, const struct uuid *owner, int64_t vni,
               struct eth_addr mac, char **ips, size_t n_ips, bool router)
{
    struct ds match = DS_EMPTY_INITIALIZER;
    struct ds actions = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < n_ips; i++) {
        const char *ip = ips[i];
        if (is_ipv6(ip)) {
            ds_put_format(&match, "metadata=%"PRId64",icmp6,icmp_type=135,"
                          "nd_target=%s,%s=%s", vni, ip, MFF_FLAGS,
                          FLAG_LOCAL);
            put_nd_reply(&actions, mac, ip, router);
        } else {
            ds_put_format(&match, "metadata=%"PRId64",arp,arp_op=1,"
                          "arp_tpa=%s,%s=%s", vni, ip, MFF_FLAGS,
                          FLAG_LOCAL);
            flows_put_arp_reply(&actions, mac, ip);
        }
        flow_table_add(t, owner, OFTABLE_NEIGHBOR, 100, ds_cstr(&match),
                       ds_cstr(&actions));
        ds_clear(&match);
        ds_clear(&actions);
    }
    ds_destroy(&match);
    ds_destroy(&actions);
}

/* Appends to 'actions' the actions that turn an ARP request for 'ip' into
 * the reply that 'mac' has it, sent back where the request came from. */
void
flows_put_arp_reply(struct ds *actions, struct eth_addr mac, const char *ip)
{
    ds_put_format(actions,
                  "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],"
                  "set_field:"ETH_ADDR_FMT"->eth_src,"
                  "set_field:2->arp_op,"
                  "move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[],"
                  "set_field:"ETH_ADDR_FMT"->arp_sha,"
                  "move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[],"
                  "set_field:%s->arp_spa,"
                  "in_port",
                  ETH_ADDR_ARGS(mac), ETH_ADDR_ARGS(mac), ip);
}

/* Appends to 'actions' the actions that turn a neighbour solicitation for
 * 'ip' into the solicited advertisement that 'mac' has it (flags S and O,
 * and R if 'router'), which OFTABLE_ND_REPLY completes and sends back where
 * it came from. */
static void
put_nd_reply(struct ds *actions, struct eth_addr mac, const char *ip,
             bool router)
{
    ds_put_format(actions,
                  "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],"
                  "set_field:"ETH_ADDR_FMT"->eth_src,"
                  "move:NXM_NX_IPV6_SRC[]->NXM_NX_IPV6_DST[],"
                  "set_field:%s->ipv6_src,"
                  "set_field:136->icmpv6_type,"
                  "set_field:%s->nd_reserved,"
                  "set_field:2->nd_options_type,"
                  "resubmit(,%d)",
                  ETH_ADDR_ARGS(mac), ip,
                  router ? "0xe0000000" : "0x60000000", OFTABLE_ND_REPLY);
}

/* Returns the MAC of the router in network 'vni': 0a:59:00 followed by the
 * VNI.  It is the source of routed packets and answers for the gateways. */
struct eth_addr
flows_router_mac(int64_t vni)
{
    struct eth_addr mac = ETH_ADDR_C(0a,59,00,00,00,00);
    mac.ea[3] = vni >> 16;
    mac.ea[4] = vni >> 8;
    mac.ea[5] = vni;
    return mac;
}

/* Returns true if 'mac' is the one that allocation derives from IPv4
 * address 'ip' (0a:58 followed by the address), so that the default next
 * hop of routed packets already finds it. */
static bool
mac_is_derived(struct eth_addr mac, const char *ip)
{
    ovs_be32 ip4;

    return (ip_parse(ip, &ip4) && mac.ea[0] == 0x0a && mac.ea[1] == 0x58
            && !memcmp(&mac.ea[2], &ip4, sizeof ip4));
}

static bool
is_ipv6(const char *ip)
{
    return strchr(ip, ':') != NULL;
}
