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
};

/* Registers.
 *
 *   metadata[0..23]   the packet's network: its VNI (for all network
 *                     types).
 *   reg10 bit 0       the packet arrived through a tunnel (or from the
 *                     provider network), so it is never sent back there.
 */
#define MFF_FLAGS "reg10"
#define FLAG_FROM_REMOTE "0x1/0x1"      /* Match on MFF_FLAGS. */
#define FLAG_LOCAL "0/0x1"              /* Match on MFF_FLAGS. */

/* The network key in 'metadata'. */
#define METADATA_VNI_MASK UINT64_C(0xffffff)

/* Each flow's cookie is the first 64 bits of the UUID of the northbound row
 * that caused it (see flow_table_add()), so that
 *     ovs-ofctl dump-flows br-int cookie=0x.../-1
 * shows exactly one object's flows.  Flows that no row owns, such as the
 * tables' defaults, have cookie 0. */

#endif /* pipeline.h */
