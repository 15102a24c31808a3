/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The OpenFlow pipeline of the integration bridge: every table number and
 * every register that sluice-controller's flows use, in one place.
 * docs/pipeline.md explains the stages and shows example flows. */

#ifndef PIPELINE_H
#define PIPELINE_H 1

/* Tables, in the order a packet crosses them. */
enum {
    /* Classification of a packet by where it came from.  A local port's
     * packets get its network in 'metadata' and go to port security; a
     * tunnel packet is accepted only from a known chassis' underlay address
     * and goes to OFTABLE_TUNNEL_VNI; anything else is dropped. */
    OFTABLE_CLASSIFY = 0,

    /* A tunnel packet's VNI, on the tunnel port of its encapsulation, gives
     * its network; an unknown VNI is dropped. */
    OFTABLE_TUNNEL_VNI = 1,

    /* Port security for packets from local ports: the source MAC and IP
     * must be the port's own, ARP must speak for the port's own addresses,
     * IPv6 neighbour discovery likewise. */
    OFTABLE_PORT_SECURITY = 2,

    /* ARP requests and IPv6 neighbour solicitations for known addresses
     * (ports and gateways) are answered here; other broadcasts go on to be
     * flooded, within limits. */
    OFTABLE_NEIGHBOR = 3,

    /* Distributed routing between the networks of one tenant router: a
     * packet sent to the router MAC of its network, for a subnet of another
     * network of the same router, gets that network's VNI in 'metadata',
     * that network's router MAC as source, and goes to OFTABLE_NEXTHOP.
     * Other packets go straight to OFTABLE_L2. */
    OFTABLE_ROUTING = 4,

    /* The destination MAC of a routed packet, from its destination IP: by
     * default 0a:58 followed by the IPv4 address (how addresses are
     * allocated), and per port where the MAC is another. */
    OFTABLE_NEXTHOP = 5,

    /* Layer-2 forwarding within a network: to a local port, through a tunnel
     * to the chassis of a remote port (the inner IP -> outer IP + VNI
     * mapping), to the provider network for VLAN networks, or flooded to the
     * network's local ports and chassis.  Unknown unicast is dropped. */
    OFTABLE_L2 = 6,

    /* Not on the main path: an IPv6 neighbour solicitation that
     * OFTABLE_NEIGHBOR turned into an advertisement gets its target
     * link-layer address here (an advertisement's field, which a flow may
     * set only once the packet matches as one) and goes back out. */
    OFTABLE_ND_REPLY = 7,

    /* Service insertion (docs/service-insertion.md).  Only the IP packets
     * of tenants that have insertion rules come here, from OFTABLE_NEIGHBOR
     * (sent by a local port: the egress point) and from OFTABLE_L2 (to be
     * delivered to a local port: the delivery point); and packets that
     * service instances return.  si-flows.c builds these tables. */

    /* The egress point: the sender's source MAC gives its local port,
     * whose OpenFlow port number is its conntrack zone; conntrack, then
     * OFTABLE_SI_EGRESS.  Returning packets of the forward direction come
     * here too. */
    OFTABLE_SI_SOURCE = 10,

    /* Conntrack's verdict at the egress point: a new connection is
     * classified (OFTABLE_SI_CLASSIFY); a connection that this port
     * started follows its chain again; a returning packet continues its
     * chain; a reply of this port goes on to OFTABLE_ROUTING. */
    OFTABLE_SI_EGRESS = 11,

    /* The insertion rules, for new connections: redirect to a chain, allow
     * or drop; the decision is committed to conntrack. */
    OFTABLE_SI_CLASSIFY = 12,

    /* Conntrack's verdict at the delivery point: replies of a connection
     * that the local port started go through its symmetric chain in
     * reverse; everything else is delivered. */
    OFTABLE_SI_DELIVER = 13,

    /* Counts the packets of each rule's connections. */
    OFTABLE_SI_COUNT = 14,

    /* Counts the packets that enter each chain, in either direction. */
    OFTABLE_SI_CHAIN = 15,

    /* The next hop of a chain: the hop after the current one (forward) or
     * before it (reverse), or, past the end, OFTABLE_SI_DONE. */
    OFTABLE_SI_NEXT = 16,

    /* A hop: the instance pinned in conntrack for it, through its group,
     * or a choice by the service's select group. */
    OFTABLE_SI_HOP = 17,

    /* Commits the instance chosen for a hop to conntrack. */
    OFTABLE_SI_PIN = 18,

    /* Checks the size of a packet for an encapsulated instance. */
    OFTABLE_SI_STEER = 19,

    /* Sends a packet to its instance, with the service context; a packet
     * too big for the encapsulation goes to the controller, which answers
     * with an ICMP "too big" error. */
    OFTABLE_SI_SEND = 20,

    /* The end of a chain: on to routing (egress point) or to the local port
     * (delivery point). */
    OFTABLE_SI_DONE = 21,

    /* Packets that instances return, and packets that other chassis send to
     * local port pairs: the context must be one that the sender may use. */
    OFTABLE_SI_ACCEPT = 22,

    /* A returned packet's network must be one of the chain's tenant; then
     * on to the egress point (forward) or the delivery point (reverse). */
    OFTABLE_SI_RETURN = 23,

    /* A packet that left a local port pair: its context, from conntrack. */
    OFTABLE_SI_PAIR_OUT = 24,

    /* With the native actions (si-native.h), instead of OFTABLE_SI_STEER
     * and OFTABLE_SI_SEND: "steer" chooses the hop's instance and sends
     * the packet to it; a packet too big for the encapsulation goes to the
     * controller. */
    OFTABLE_SI_CHOOSE = 25,

    /* Where "steer" sends a packet when no instance is live: fail-open
     * skips the hop. */
    OFTABLE_SI_FALLBACK = 26,

    /* Commits the instance that "steer" chose, or the skipped hop, to
     * conntrack; an instance's own flows here count what it was sent. */
    OFTABLE_SI_CHOSEN = 27,

    /* The gateway (docs/gateway.md), on the chassis that a Gateway row
     * names.  gateway.c builds these tables.  Packets from the uplink come
     * here from OFTABLE_CLASSIFY. */

    /* Packets from the uplink: ARP from the external subnet teaches
     * OFTABLE_GW_NEIGHBOR the sender's MAC; on to OFTABLE_GW_INBOUND. */
    OFTABLE_GW_UPLINK = 30,

    /* Answers ARP for the routers' external addresses; hands ARP and IP
     * for the management address to the kernel (the LOCAL port); sends IP
     * packets to a router's external MAC through conntrack in the router's
     * zone, on to OFTABLE_GW_IN_STATE.  Anything else is dropped. */
    OFTABLE_GW_INBOUND = 31,

    /* Conntrack's verdict on an inbound packet: replies and established
     * connections go on to OFTABLE_GW_IN_ROUTE; new connections that a
     * firewall rule allows go on to OFTABLE_GW_DNAT, others are dropped. */
    OFTABLE_GW_IN_STATE = 32,

    /* Commits a new inbound connection, translating its destination if a
     * DNAT rule says so. */
    OFTABLE_GW_DNAT = 33,

    /* Routes an inbound packet into the router's network that holds its
     * destination, on to OFTABLE_NEXTHOP. */
    OFTABLE_GW_IN_ROUTE = 34,

    /* Conntrack's verdict on an outbound packet (one that a tenant sent to
     * its router MAC for an external destination): established connections
     * go on to OFTABLE_GW_ROUTE; new connections that no firewall rule
     * denies go on to OFTABLE_GW_SNAT. */
    OFTABLE_GW_OUT_STATE = 35,

    /* Commits a new outbound connection, translating its source if a SNAT
     * rule says so. */
    OFTABLE_GW_SNAT = 36,

    /* Routes an outbound packet: the next hop's IP into MFF_GW_NEXTHOP, the
     * router's external MAC as source. */
    OFTABLE_GW_ROUTE = 37,

    /* The next hop's MAC, learned from its ARP packets, and out of the
     * uplink; an unknown next hop makes the controller send an ARP
     * request. */
    OFTABLE_GW_NEIGHBOR = 38,

    /* North-south service insertion (docs/service-insertion.md) sits
     * between a tenant network and the router's NAT zone, in a second
     * conntrack zone of the router (its NAT zone + 1), so that a chain
     * sees a connection by the tenant-side addresses in both directions.
     * si-flows.c builds these tables' flows for tenants with north-south
     * rules; by default packets go straight through. */

    /* An outbound packet, before the router's NAT zone: on to conntrack in
     * the router's service-insertion zone (OFTABLE_GW_NS_STATE) if the
     * tenant has north-south rules, else to the NAT zone. */
    OFTABLE_GW_NS_OUT = 39,

    /* An inbound packet, routed into a tenant network: likewise, else on
     * to OFTABLE_NEXTHOP. */
    OFTABLE_GW_NS_IN = 40,

    /* Conntrack's verdict in the router's service-insertion zone: a new
     * connection is classified (OFTABLE_SI_CLASSIFY, north-south rules);
     * later packets follow its chain, replies in reverse if symmetric; a
     * packet back from a hop continues its chain. */
    OFTABLE_GW_NS_STATE = 41,

    /* The end of the north-south chain: an outbound packet on to the NAT
     * zone (OFTABLE_GW_OUT_STATE), an inbound one to OFTABLE_NEXTHOP. */
    OFTABLE_GW_NS_EXIT = 42,

    /* In-line instances (type "inline"): service machines on a gateway's
     * external network, reached out of the uplink without encapsulation.
     * si-flows.c builds these tables. */

    /* A north-south packet for an in-line instance, whose address is in
     * MFF_GW_NEXTHOP: the router's external MAC as source, on to
     * OFTABLE_GW_NEIGHBOR, which resolves the machine's MAC as a next
     * hop's and sends the packet out of the uplink. */
    OFTABLE_GW_INLINE_SEND = 43,

    /* Learned from the ARP packets of in-line instances (OFTABLE_GW_UPLINK):
     * a source MAC on the uplink -> the instance's number in
     * MFF_GW_INLINE. */
    OFTABLE_GW_INLINE_MAC = 44,

    /* An IP packet from the uplink: if an in-line instance sent it, with
     * an address of a network of the instance's tenant whose router's
     * gateway this is, into conntrack in that router's service-insertion
     * zone, on to OFTABLE_GW_INLINE_CHECK; anything else on to
     * OFTABLE_GW_INBOUND. */
    OFTABLE_GW_INLINE_RETURN = 45,

    /* A packet back from an in-line instance continues its chain
     * (OFTABLE_GW_NS_STATE) only if its connection crosses a chain whose
     * hop has this instance pinned; its direction is conntrack's.  Anything
     * else is dropped and counted. */
    OFTABLE_GW_INLINE_CHECK = 46,
};

/* Registers.
 *
 *   metadata[0..23]   the packet's network: its VNI (for all network
 *                     types).
 *   reg10 bit 0       the packet arrived through a tunnel (or from the
 *                     provider network), so it is never sent back there.
 *
 * Service insertion:
 *
 *   reg10 bit 1       the packet came back from a hop of its chain.
 *   reg10 bit 2       the packet is too big for its instance's
 *                     encapsulation.
 *   reg10 bit 3       the packet is at the delivery point.
 *   reg11             the service context, as on the wire: chain ID in
 *                     bits 16..31, hop in 8..15, flags in 0..7 (bit 0:
 *                     reverse direction; at a gateway, bit 1: north-south,
 *                     which never leaves the chassis: only local port
 *                     pairs carry it).
 *   reg12[0..15]      the conntrack zone: the OpenFlow port of the local
 *                     port whose connection this is.
 *   reg12[16..23]     the instance chosen for the current hop (its ID in
 *                     its service; 255: the hop is skipped).
 *   reg13[0..15]      the ID of the rule that decided the connection.
 *   reg13[16..31]     the instance to send to, as the controller numbers
 *                     instances on this chassis (0: none).
 *
 * Gateway:
 *
 *   reg14[0..15]      the conntrack zone of the packet's tenant router.
 *   reg15             the IPv4 address of an outbound packet's next hop.
 *   reg10 bit 4       the packet is at the north-south point of a gateway
 *                     (then reg12[0..15] is the router's service-insertion
 *                     zone, and reg11's flags bit 1 is set for a chain).
 *   reg10 bit 5       ...and goes out, towards the uplink.
 *   reg9[0..15]       the in-line instance (its number on this chassis)
 *                     that sent a packet from the uplink, or 0.
 */
#define MFF_FLAGS "reg10"
#define FLAG_FROM_REMOTE "0x1/0x1"      /* Match on MFF_FLAGS. */
#define FLAG_LOCAL "0/0x1"              /* Match on MFF_FLAGS. */
#define FLAG_SI_RETURN "0x2/0x2"        /* Match on MFF_FLAGS. */
#define FLAG_SI_FRESH "0/0x2"           /* Match on MFF_FLAGS. */
#define FLAG_SI_BIG "0x4/0x4"           /* Match on MFF_FLAGS. */
#define FLAG_SI_FITS "0/0x4"            /* Match on MFF_FLAGS. */
#define FLAG_SI_DELIVERY "0x8/0x8"      /* Match on MFF_FLAGS. */
#define FLAG_SI_EGRESS "0/0x8"          /* Match on MFF_FLAGS. */
#define FLAG_GW_NS "0x10/0x10"          /* Match on MFF_FLAGS. */
#define FLAG_GW_NS_OUT "0x30/0x30"      /* Match on MFF_FLAGS. */
#define MFF_SI_CONTEXT "reg11"
#define MFF_SI_ZONE "NXM_NX_REG12[0..15]"
#define MFF_SI_PIN "NXM_NX_REG12[16..23]"
#define MFF_SI_RULE "NXM_NX_REG13[0..15]"
#define MFF_SI_INSTANCE "NXM_NX_REG13[16..31]"
#define MFF_GW_ZONE "NXM_NX_REG14[0..15]"
#define MFF_GW_NEXTHOP "NXM_NX_REG15[]"
#define MFF_GW_INLINE "NXM_NX_REG9[0..15]"

/* Conntrack state of a connection of a local port of a tenant with
 * insertion rules (in the port's zone):
 *
 *   ct_mark[0..11]    the chain that the connection crosses, or 0.
 *   ct_mark[12]       the chain is symmetric.
 *   ct_mark[13]       the connection was committed by Sluice.
 *   ct_mark[14]       (north-south, in a router's service-insertion zone)
 *                     the connection started going out, from the tenant.
 *   ct_mark[16..31]   the ID of the rule that decided it, or 0.
 *   ct_label          for each hop H (1 to 15), bits 8(H-1) to 8H-1: the
 *                     instance pinned for the hop, or 0 before the choice,
 *                     or 255 if the hop is skipped (fail-open).
 *
 * In the zone of a local port pair (its input port's OpenFlow port), the
 * context of the connections that cross it: ct_label[0..31] the context
 * (reg11 without the direction bit), [32..55] the network VNI, [64..95]
 * the underlay IPv4 address of the chassis that sent the packet (0 for
 * this chassis), and bit 127, always set. */
#define SI_MARK_SYMMETRIC 0x1000
#define SI_MARK_COMMITTED 0x2000
#define SI_MARK_OUTBOUND 0x4000
#define SI_PIN_SKIP 255

/* Sluice's Geneve option (docs/service-insertion.md), which the switch must
 * map to tun_metadata0 for the flows to read and write it; ofctrl installs
 * the mapping. */
#define SI_GENEVE_CLASS 0xff51
#define SI_GENEVE_TYPE 1
#define SI_GENEVE_LEN 12
#define SI_TUN_METADATA_INDEX 0

/* The network key in 'metadata'. */
#define METADATA_VNI_MASK UINT64_C(0xffffff)

/* Each flow's cookie is the first 64 bits of the UUID of the northbound row
 * that caused it (see flow_table_add()), so that
 *     ovs-ofctl dump-flows br-int cookie=0x.../-1
 * shows exactly one object's flows.  Flows that no row owns, such as the
 * tables' defaults, have cookie 0. */

#endif /* pipeline.h */
