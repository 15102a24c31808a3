/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * ofctrl: the OpenFlow connection to one switch.  It keeps a copy of the
 * flows and groups installed in the switch and, given the desired flow
 * tables, sends only the difference, as one ordered and atomic OpenFlow
 * bundle followed by a barrier.  After a (re)connection it first makes sure
 * that the switch maps Sluice's Geneve option to a tunnel metadata field
 * (pipeline.h), then replaces all the switch's flows and groups with the
 * desired ones inside one bundle, so the data plane never sees an empty
 * table.  It also probes, on each connection, whether the switch has the
 * native service-insertion actions of ofproto-ext.  Each put has a sequence number; the caller learns from
 * ofctrl_get_acked() when the switch has applied a put, to acknowledge
 * configuration only once it is really in effect.
 *
 * It also carries the controller's other conversations with the switch:
 * packets that flows send to the controller (packet-ins, queued for the
 * caller), packets the controller sends (packet-outs), and flow
 * statistics. */

#ifndef OFCTRL_H
#define OFCTRL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "openvswitch/list.h"
#include "openvswitch/match.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/types.h"

struct ds;
struct flow_table;
struct ofctrl;
struct simap;
struct vconn;

/* A packet that a flow sent to the controller. */
struct ofctrl_packet_in {
    struct ovs_list list_node;  /* In the ofctrl's queue. */
    struct ofpbuf packet;       /* The packet, from its Ethernet header. */
    struct ofpbuf userdata;     /* The controller action's userdata. */
    struct match metadata;      /* Input port, metadata, registers. */
};

void ofctrl_packet_in_destroy(struct ofctrl_packet_in *);

/* Statistics of one flow. */
struct ofctrl_flow_stats {
    uint8_t table_id;
    uint16_t priority;
    uint64_t cookie;
    uint64_t n_packets;
    uint64_t n_bytes;
};

struct ofctrl *ofctrl_create(void);
struct ofctrl *ofctrl_create_accepted(struct vconn *, const char *name);
void ofctrl_destroy(struct ofctrl *);
void ofctrl_set_target(struct ofctrl *, const char *target);

void ofctrl_run(struct ofctrl *);
void ofctrl_wait(struct ofctrl *);

bool ofctrl_is_connected(const struct ofctrl *);
bool ofctrl_is_alive(const struct ofctrl *);
uint64_t ofctrl_get_datapath_id(const struct ofctrl *);
bool ofctrl_get_native_actions(const struct ofctrl *, bool *native);
const struct simap *ofctrl_get_ports(const struct ofctrl *,
                                    uint64_t *seqno);
uint64_t ofctrl_put(struct ofctrl *, struct flow_table **tables, size_t n,
                    bool barrier);
void ofctrl_force_full_sync(struct ofctrl *);
uint64_t ofctrl_get_acked(const struct ofctrl *);
bool ofctrl_is_synced(const struct ofctrl *);
size_t ofctrl_n_installed(const struct ofctrl *);
void ofctrl_status(const struct ofctrl *, struct ds *);

struct ofctrl_packet_in *ofctrl_pop_packet_in(struct ofctrl *);
void ofctrl_packet_out(struct ofctrl *, const void *packet, size_t size,
                       ofp_port_t in_port, const char *actions);

void ofctrl_request_flow_stats(struct ofctrl *, const uint8_t *table_ids,
                               size_t n);
const struct ofctrl_flow_stats *ofctrl_get_flow_stats(const struct ofctrl *,
                                                      size_t *n,
                                                      uint64_t *seq);

#endif /* ofctrl.h */
