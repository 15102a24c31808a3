/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Service insertion with standard OpenFlow: the flows and groups that carry
 * out insertion rules and chains (docs/service-insertion.md), lowered to
 * the actions of a stock Open vSwitch: conntrack for the decision and the
 * pinned instances of each connection, select and fast-failover groups for
 * the choice of instances and their liveness, and tunnel metadata for the
 * service context.  The tables and registers are in pipeline.h.
 *
 * Each function adds the flows and groups that one northbound row owns, given
 * what si.c has worked out about it, so that a change to the row replaces
 * them.  This file is the boundary to the OpenFlow actions: where the switch
 * has the native "steer" and "accept" actions of ofproto-ext, si-native.h
 * lowers the hops of services of appliances to them instead. */

#ifndef SI_FLOWS_H
#define SI_FLOWS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct flow_table;
struct nbrec_chain;
struct nbrec_chassis;
struct nbrec_gateway;
struct nbrec_insertion_rule;
struct nbrec_network;
struct nbrec_port;
struct nbrec_service;
struct nbrec_service_instance;
struct ovsdb_idl;
struct si_health;
struct si_ids;
struct simap;

/* The group that is always live: fast-failover groups fall back to buckets
 * that watch it. */
#define SI_GROUP_ALWAYS 1

/* The Ethernet addresses of the probe packets that the controller sends
 * through port pairs (si-health.h). */
#define SI_PROBE_SRC_MAC "0a:5b:00:00:00:01"
#define SI_PROBE_DST_MAC "0a:5b:00:00:00:02"

/* What the controller action's userdata says (its first byte). */
enum si_userdata {
    SI_USERDATA_PROBE = 1,      /* A probe came back: then the instance's
                                 * number on this chassis, 2 bytes. */
    SI_USERDATA_TOO_BIG = 2,    /* A packet is too big for its instance's
                                 * encapsulation: then the largest IP packet
                                 * that fits, 2 bytes. */
};

/* What the lowering needs to know about this switch. */
struct si_ctx {
    const struct nbrec_chassis *chassis;    /* This chassis. */
    ofp_port_t geneve_port;     /* "sluice-geneve", or OFPP_NONE. */
    const struct simap *ports;  /* Every port of the switch, by name. */
    const struct simap *bindings;   /* Bound port name -> OpenFlow port. */
    int underlay_mtu;           /* MTU of the underlay network. */
    struct si_ids *ids;         /* Numbers for groups and instances. */
    const struct si_health *health;     /* Which instances are up. */
    bool native;                /* Lower to the native actions where they
                                 * apply (si-native.h). */
    struct ovsdb_idl *nb;       /* The northbound database: gateways, for
                                 * in-line instances. */

    /* The networks of the tenant being lowered whose router's gateway is
     * on this chassis, if the tenant has north-south rules (set by si.c
     * for one tenant at a time). */
    const struct nbrec_network **ns_nets;
    size_t n_ns;
};

/* A network with local ports, as the egress point sees it. */
struct si_net {
    const struct nbrec_network *net;
    const struct nbrec_network **reachable; /* 'net' and its router's other
                                             * networks. */
    size_t n_reachable;
};

/* A place where a service is used: hop 'hop' of 'chain'. */
struct si_hop {
    const struct nbrec_chain *chain;
    int hop;
};

void si_flows_static(struct flow_table *, const struct si_ctx *);
void si_flows_network(struct flow_table *, const struct si_ctx *,
                      const struct nbrec_network *);
void si_flows_port(struct flow_table *, const struct si_ctx *,
                   const struct nbrec_port *, ofp_port_t);
void si_flows_ns_network(struct flow_table *, const struct nbrec_network *,
                         uint16_t zone);
void si_flows_rule(struct flow_table *, const struct si_ctx *,
                   const struct nbrec_insertion_rule *,
                   const struct si_net *, size_t n_nets,
                   const struct nbrec_network **ns_nets, size_t n_ns);
void si_flows_chain(struct flow_table *, const struct si_ctx *,
                    const struct nbrec_chain *,
                    const struct nbrec_service_instance **, size_t n_insts,
                    const struct si_net *, size_t n_nets);
void si_flows_service(struct flow_table *, const struct si_ctx *,
                      const struct nbrec_service *,
                      const struct nbrec_service_instance **, size_t n);
void si_flows_instance(struct flow_table *, const struct si_ctx *,
                       const struct nbrec_service_instance *,
                       const struct si_hop *, size_t n_hops, bool steering);

char *si_port_name(const struct nbrec_service_instance *);
ofp_port_t si_instance_port(const struct si_ctx *,
                            const struct nbrec_service_instance *,
                            bool in);
bool si_instance_usable(const struct si_ctx *,
                        const struct nbrec_service_instance *);
const struct nbrec_gateway *si_inline_gateway(
    const struct si_ctx *, const struct nbrec_service_instance *);
int si_appliance_mtu(const struct si_ctx *, const char *type);

#endif /* si-flows.h */
