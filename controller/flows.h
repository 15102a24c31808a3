/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Flow generation: the OpenFlow flows of the integration bridge, computed
 * from one northbound row at a time and the local state of this chassis.
 * Each function adds the flows that its row owns, so that a change to a row
 * is handled by removing that row's flows and calling the function again.
 * The stages and tables are described in pipeline.h and docs/pipeline.md. */

#ifndef FLOWS_H
#define FLOWS_H 1

#include <stddef.h>
#include "openvswitch/types.h"
#include "openvswitch/uuid.h"

struct ds;
struct flow_table;
struct nbrec_chassis;
struct nbrec_network;
struct nbrec_port;
struct ovsdb_idl;
struct simap;
struct sset;

/* Encapsulations, indexes into flow_ctx 'tunnel_ports'. */
enum encap {
    ENCAP_GENEVE,
    ENCAP_VXLAN,
    N_ENCAPS
};

/* What flow generation needs to know about this chassis. */
struct flow_ctx {
    const struct nbrec_chassis *chassis;  /* This chassis, or NULL. */
    ofp_port_t tunnel_ports[N_ENCAPS];    /* Tunnel ports, or OFPP_NONE. */
    const struct simap *bindings;   /* Local port name -> OpenFlow port. */
    const struct simap *physnets;   /* Physical network -> patch port. */
    const struct simap *ports;      /* Other ports (such as a gateway's
                                     * uplink), by name. */
};

/* Who receives a network's broadcasts on this chassis. */
struct flood_set {
    ofp_port_t *local_ports;        /* Local ports of the network. */
    size_t n_local_ports;
    const struct sset *remote_ips;  /* Encap IPs of other chassis with
                                     * ports of the network. */
};

void flows_static(struct flow_table *);
void flows_chassis(struct flow_table *, const struct flow_ctx *,
                   const struct nbrec_chassis *);
void flows_network(struct flow_table *, const struct flow_ctx *,
                   const struct nbrec_network *,
                   const struct nbrec_network **router_peers, size_t n_peers,
                   const struct flood_set *);
void flows_port(struct flow_table *, const struct flow_ctx *,
                const struct nbrec_port *);

ofp_port_t flows_port_binding(const struct flow_ctx *,
                              const struct nbrec_port *);
const struct nbrec_network *flows_find_network(struct ovsdb_idl *,
                                               const struct uuid *);
enum encap flows_network_encap(const struct nbrec_network *);
struct eth_addr flows_router_mac(int64_t vni);
void flows_put_arp_reply(struct ds *actions, struct eth_addr,
                         const char *ip);

#endif /* flows.h */
