/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * North-south flows: the flows that take a tenant router's traffic to and
 * from the external network of its gateway.  On a compute chassis, packets
 * for destinations outside the router's networks go through a tunnel to
 * the gateway chassis; on the gateway chassis, the uplink NIC (a port of
 * the integration bridge) joins the pipeline, with conntrack in a zone per
 * router for SNAT, DNAT and the stateful firewall.  docs/gateway.md
 * describes the design and docs/pipeline.md the tables. */

#ifndef GATEWAY_H
#define GATEWAY_H 1

#include <stdbool.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct flow_ctx;
struct flow_table;
struct nbrec_gateway;
struct nbrec_router;
struct ofpbuf;
struct ovsdb_idl;

/* The first byte of the userdata of the gateway's packet-ins: the next hop
 * is unknown, send an ARP request for it.  The next two bytes are the
 * uplink's OpenFlow port. */
#define GW_USERDATA_ARP 3

void gateway_shared_flows(struct flow_table *, bool any);
bool gateway_flows(struct flow_table *, const struct flow_ctx *,
                   const struct nbrec_gateway *);
void gateway_router_flows(struct flow_table *, const struct flow_ctx *,
                          struct ovsdb_idl *nb, const struct nbrec_router *);
uint16_t gateway_router_zone(struct ovsdb_idl *nb,
                             const struct nbrec_router *);
struct eth_addr gateway_external_mac(ovs_be32 ip);
bool gateway_arp_request(const void *packet, size_t size,
                         uint32_t nexthop, struct ofpbuf *request);

#endif /* gateway.h */
