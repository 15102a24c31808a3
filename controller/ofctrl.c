/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/ofctrl.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "byte-order.h"
#include "flow.h"
#include "controller/flow-table.h"
#include "controller/pipeline.h"
#include "hash.h"
#include "hmapx.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-group.h"
#include "openvswitch/ofp-match.h"
#include "openvswitch/ofp-msgs.h"
#include "openvswitch/ofp-packet.h"
#include "openvswitch/ofp-parse.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofp-print.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/ofp-switch.h"
#include "openvswitch/ofp-util.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/rconn.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "simap.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(ofctrl);

/* The OpenFlow version spoken to the switch: bundles need 1.4 or later. */
#define OFCTRL_VERSION OFP15_VERSION

/* A flow installed in the switch, as far as ofctrl knows. */
struct installed_flow {
    struct hmap_node node;      /* In ofctrl 'installed', by key hash. */
    struct flow_key key;
    struct ofpact *ofpacts;
    size_t ofpacts_len;
    char *actions;              /* As text, see struct desired_flow. */
    uint64_t cookie;
};

/* A group installed in the switch, as far as ofctrl knows. */
struct installed_group {
    struct hmap_node node;      /* In ofctrl 'installed_groups', by ID. */
    uint32_t group_id;
    int level;
    char *spec;
};

/* Where the switch's TLV map stands on the current connection. */
enum tlv_state {
    TLV_REQUESTED,              /* Asked for the switch's TLV map. */
    TLV_MOD_SENT,               /* Added Sluice's mapping, awaiting the
                                 * barrier. */
    TLV_READY,                  /* The mapping is in place (or cannot be). */
};

/* What the switch said to the probe for Sluice's native service-insertion
 * actions on the current connection. */
enum probe_state {
    PROBE_SENT,                 /* Awaiting an error or the barrier. */
    PROBE_NATIVE,               /* The switch accepted the actions. */
    PROBE_STOCK,                /* The switch rejected them. */
};

/* The probe: a flow with a "steer" and an "accept" action, added to a
 * bundle that is then discarded, so that the switch checks the actions and
 * keeps nothing. */
#define PROBE_ACTIONS                                                   \
    "steer(chain=1,hop=1,encap=geneve,pin=reg0[0..7],fallback=1,members:1)," \
    "accept(encap=vxlan,chain=reg1[0..11],hop=reg1[12..15],"            \
    "reverse=reg1[16],next=1)"

/* The most packet-ins queued for the caller; more are dropped. */
#define MAX_PACKET_INS 64

/* A put waiting for its barrier reply. */
struct pending_put {
    struct ovs_list node;       /* In ofctrl 'pending'. */
    ovs_be32 barrier_xid;
    uint64_t seq;               /* The put's sequence number. */
};

/* The connection to one switch. */
struct ofctrl {
    struct rconn *rconn;
    unsigned int conn_seqno;    /* rconn seqno when last synced. */
    bool full_sync;             /* Replace all flows at the next put. */

    struct hmap installed;      /* installed_flows. */
    struct hmap installed_groups;   /* installed_groups. */
    uint32_t next_bundle_id;

    enum tlv_state tlv_state;   /* Only TLV_READY allows a full sync. */
    ovs_be32 tlv_xid;           /* Request, table mod or barrier awaited. */

    enum probe_state probe;     /* Nor does PROBE_SENT. */
    ovs_be32 probe_xids[3];     /* The probe's bundle messages. */
    ovs_be32 probe_barrier_xid; /* The barrier that follows them. */

    uint64_t put_seq;           /* Sequence number of the latest put. */
    uint64_t full_sync_seq;     /* Put of the latest full sync, or 0. */
    uint64_t acked_seq;         /* Latest put whose barrier came back. */
    struct ovs_list pending;    /* pending_puts, oldest first. */

    long long int retry_at;     /* After an error, no full sync before. */

    /* What the switch said about itself on this connection. */
    uint64_t datapath_id;       /* 0 until the features reply. */
    struct simap ports;         /* Port name -> OpenFlow port number. */
    ovs_be32 port_desc_xid;     /* Port description request, while its
                                 * reply is incomplete. */
    bool ports_known;           /* The port description reply is complete. */
    uint64_t ports_seqno;       /* Changes whenever 'ports' does. */

    struct ovs_list packet_ins; /* "struct ofctrl_packet_in"s, oldest
                                 * first. */
    size_t n_packet_ins;

    /* Flow statistics: the requests of the current round, the statistics
     * they have brought so far, and those of the latest complete round. */
    ovs_be32 *stats_xids;
    size_t n_stats_xids;
    struct ofctrl_flow_stats *stats_building;
    size_t n_stats_building, allocated_stats_building;
    struct ofctrl_flow_stats *stats;
    size_t n_stats;
    uint64_t stats_seq;         /* Number of complete rounds. */

    uint64_t n_puts;            /* Bundles sent. */
    uint64_t n_flow_mods;       /* Flow mods sent in them. */
    uint64_t n_errors;          /* Error replies received. */
};

static void installed_clear(struct ofctrl *);
static void installed_groups_clear(struct ofctrl *);
static const struct desired_flow *desired_lookup(struct flow_table **,
                                                 size_t n,
                                                 const struct flow_key *,
                                                 uint32_t hash);
static const struct desired_group *desired_lookup_group(struct flow_table **,
                                                        size_t n,
                                                        uint32_t group_id);
static void queue_group_mod(struct ovs_list *msgs, uint16_t command,
                            uint32_t group_id, const char *spec);
static void queue_group_changes(struct ofctrl *, struct flow_table **,
                                size_t n, struct ovs_list *before,
                                struct ovs_list *after);
static void start_connection(struct ofctrl *);
static void send_probe(struct ofctrl *);
static bool is_probe_xid(const struct ofctrl *, ovs_be32 xid);
static void handle_tlv_reply(struct ofctrl *, const struct ofp_header *);
static void handle_packet_in(struct ofctrl *, const struct ofp_header *);
static void handle_flow_stats_reply(struct ofctrl *,
                                    const struct ofp_header *);
static struct installed_flow *installed_find(const struct ofctrl *,
                                             const struct flow_key *,
                                             uint32_t hash);
static void installed_set(struct ofctrl *, const struct desired_flow *,
                          uint32_t hash);
static void installed_remove(struct ofctrl *, struct installed_flow *);
static void queue_flow_mod(struct ovs_list *msgs, const struct flow_key *,
                           uint16_t command, const struct ofpact *,
                           size_t ofpacts_len, uint64_t cookie);
static void send_bundle(struct ofctrl *, struct ovs_list *msgs);
static void send_barrier(struct ofctrl *);
static void handle_message(struct ofctrl *, const struct ofp_header *);
static void handle_port_desc_reply(struct ofctrl *, const struct ofp_header *);
static void handle_port_status(struct ofctrl *, const struct ofp_header *);

/* Creates an ofctrl that is not connected to any switch yet: see
 * ofctrl_set_target(). */
struct ofctrl *
ofctrl_create(void)
{
    struct ofctrl *ofctrl = xzalloc(sizeof *ofctrl);

    ofctrl->rconn = rconn_create(0, 8, 0, 1u << OFCTRL_VERSION);
    ofctrl->full_sync = true;
    ofctrl->retry_at = LLONG_MIN;
    hmap_init(&ofctrl->installed);
    hmap_init(&ofctrl->installed_groups);
    ofctrl->next_bundle_id = 1;
    ovs_list_init(&ofctrl->pending);
    ovs_list_init(&ofctrl->packet_ins);
    simap_init(&ofctrl->ports);
    return ofctrl;
}

/* Creates an ofctrl for 'vconn', a connection that a switch opened to us
 * and that 'name' describes.  When the connection breaks, the switch has
 * to connect again: see ofctrl_is_alive(). */
struct ofctrl *
ofctrl_create_accepted(struct vconn *vconn, const char *name)
{
    struct ofctrl *ofctrl = ofctrl_create();
    rconn_connect_unreliably(ofctrl->rconn, vconn, name);
    return ofctrl;
}

/* Closes the connection and frees 'ofctrl'.  The switch keeps its flows. */
void
ofctrl_destroy(struct ofctrl *ofctrl)
{
    if (ofctrl) {
        struct pending_put *p;
        LIST_FOR_EACH_POP (p, node, &ofctrl->pending) {
            free(p);
        }
        installed_clear(ofctrl);
        hmap_destroy(&ofctrl->installed);
        installed_groups_clear(ofctrl);
        hmap_destroy(&ofctrl->installed_groups);
        struct ofctrl_packet_in *pin;
        LIST_FOR_EACH_POP (pin, list_node, &ofctrl->packet_ins) {
            ofctrl_packet_in_destroy(pin);
        }
        free(ofctrl->stats_xids);
        free(ofctrl->stats_building);
        free(ofctrl->stats);
        simap_destroy(&ofctrl->ports);
        rconn_destroy(ofctrl->rconn);
        free(ofctrl);
    }
}

/* Connects to the switch at 'target', for example
 * "unix:/var/run/openvswitch/br-int.mgmt", unless already connected or
 * connecting there.  A null 'target' disconnects. */
void
ofctrl_set_target(struct ofctrl *ofctrl, const char *target)
{
    const char *cur = rconn_get_target(ofctrl->rconn);
    bool active = rconn_is_alive(ofctrl->rconn);

    if (!target) {
        if (active) {
            VLOG_INFO("disconnecting from switch at %s", cur);
            rconn_disconnect(ofctrl->rconn);
        }
    } else if (!active || strcmp(cur, target)) {
        VLOG_INFO("connecting to switch at %s", target);
        rconn_connect(ofctrl->rconn, target, target);
    }
}

/* Processes messages from the switch: echo requests, barrier replies and
 * errors.  A new connection schedules a full sync. */
void
ofctrl_run(struct ofctrl *ofctrl)
{
    rconn_run(ofctrl->rconn);

    unsigned int seqno = rconn_get_connection_seqno(ofctrl->rconn);
    if (seqno != ofctrl->conn_seqno) {
        ofctrl->conn_seqno = seqno;
        ofctrl->full_sync = true;
        ofctrl->full_sync_seq = 0;

        /* Barriers sent on the old connection will never be answered; the
         * full sync's barrier acknowledges everything instead. */
        struct pending_put *p;
        LIST_FOR_EACH_POP (p, node, &ofctrl->pending) {
            free(p);
        }

        ofctrl->datapath_id = 0;
        simap_clear(&ofctrl->ports);
        ofctrl->ports_known = false;
        ofctrl->ports_seqno++;
        ofctrl->tlv_state = TLV_REQUESTED;
        ofctrl->probe = PROBE_SENT;
        memset(ofctrl->probe_xids, 0, sizeof ofctrl->probe_xids);
        ofctrl->n_stats_xids = 0;
        if (rconn_is_connected(ofctrl->rconn)) {
            start_connection(ofctrl);
        }
    }

    for (int i = 0; i < 50; i++) {
        struct ofpbuf *msg = rconn_recv(ofctrl->rconn);
        if (!msg) {
            break;
        }
        handle_message(ofctrl, msg->data);
        ofpbuf_delete(msg);
    }
}

/* Arranges for poll_block() to wake up when ofctrl_run() has work to do. */
void
ofctrl_wait(struct ofctrl *ofctrl)
{
    rconn_run_wait(ofctrl->rconn);
    rconn_recv_wait(ofctrl->rconn);
    if (ofctrl->full_sync && ofctrl->retry_at != LLONG_MIN) {
        poll_timer_wait_until(ofctrl->retry_at);
    }
}

/* Returns true if the OpenFlow connection is up. */
bool
ofctrl_is_connected(const struct ofctrl *ofctrl)
{
    return rconn_is_connected(ofctrl->rconn);
}

/* Returns false once the connection is gone for good: a connection that
 * the switch opened, and that broke. */
bool
ofctrl_is_alive(const struct ofctrl *ofctrl)
{
    return rconn_is_alive(ofctrl->rconn);
}

/* Returns true once the switch has said, on the current connection,
 * whether it has the native service-insertion actions "steer" and "accept"
 * (docs/ofproto-ext.md), and then stores the answer in '*native'. */
bool
ofctrl_get_native_actions(const struct ofctrl *ofctrl, bool *native)
{
    *native = ofctrl->probe == PROBE_NATIVE;
    return rconn_is_connected(ofctrl->rconn) && ofctrl->probe != PROBE_SENT;
}

/* Returns the switch's datapath ID, or 0 if it has not said yet. */
uint64_t
ofctrl_get_datapath_id(const struct ofctrl *ofctrl)
{
    return ofctrl->datapath_id;
}

/* Returns the switch's ports, port name -> OpenFlow port number, or NULL
 * until the switch has described all of them.  Stores in '*seqno' a number
 * that changes whenever they do. */
const struct simap *
ofctrl_get_ports(const struct ofctrl *ofctrl, uint64_t *seqno)
{
    *seqno = ofctrl->ports_seqno;
    return ofctrl->ports_known ? &ofctrl->ports : NULL;
}

/* Makes the switch's flows and groups what the 'n' 'tables' together say
 * (a flow key or group ID in several of them comes from the first): after
 * a (re)connection or ofctrl_force_full_sync(), all of them, replacing
 * whatever the switch had; otherwise only the flows and groups that the
 * tables marked dirty.  Everything goes in one ordered, atomic bundle,
 * followed by a barrier: new and changed groups first (those that others
 * refer to before those), then flows, then deleted groups.  Clears the
 * dirty marks of the tables.
 *
 * Returns the sequence number of this put: ofctrl_get_acked() reaches it
 * once the switch has applied everything sent so far.  If nothing needed to
 * be sent, the sequence number is the previous one, unless 'barrier' is
 * true: then a barrier alone makes a new put, acknowledged once the switch
 * has processed everything it did before receiving it.  Without a
 * connection, nothing is sent and 0 is returned. */
uint64_t
ofctrl_put(struct ofctrl *ofctrl, struct flow_table **tables, size_t n,
           bool barrier)
{
    if (!rconn_is_connected(ofctrl->rconn)) {
        for (size_t i = 0; i < n; i++) {
            flow_table_clean(tables[i]);
        }
        return 0;
    }

    struct ovs_list before = OVS_LIST_INITIALIZER(&before);
    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    struct ovs_list after = OVS_LIST_INITIALIZER(&after);
    if (ofctrl->full_sync && (time_msec() < ofctrl->retry_at
                              || ofctrl->tlv_state != TLV_READY
                              || ofctrl->probe == PROBE_SENT)) {
        /* Still backing off after an error, or waiting for the TLV map or
         * the probe: the dirty keys stay dirty, and the full sync later
         * covers them anyway. */
        return ofctrl->put_seq;
    } else if (ofctrl->full_sync) {
        /* Delete everything and add every desired flow and group,
         * atomically. */
        struct flow_key all = { .table_id = OFPTT_ALL, .priority = 0 };
        struct match catchall;
        match_init_catchall(&catchall);
        minimatch_init(&all.match, &catchall);
        queue_flow_mod(&before, &all, OFPFC_DELETE, NULL, 0, 0);
        minimatch_destroy(&all.match);
        queue_group_mod(&before, OFPGC11_DELETE, OFPG_ALL, NULL);

        installed_clear(ofctrl);
        installed_groups_clear(ofctrl);
        for (size_t i = 0; i < n; i++) {
            const struct desired_flow *f;
            HMAP_FOR_EACH (f, key_node, &tables[i]->flows) {
                uint32_t hash = f->key_node.hash;
                if (!installed_find(ofctrl, &f->key, hash)) {
                    const struct desired_flow *winner
                        = desired_lookup(tables, n, &f->key, hash);
                    queue_flow_mod(&msgs, &winner->key, OFPFC_ADD,
                                   winner->ofpacts, winner->ofpacts_len,
                                   winner->cookie);
                    installed_set(ofctrl, winner, hash);
                }
            }
            const struct desired_group *g;
            HMAP_FOR_EACH (g, id_node, &tables[i]->groups) {
                hmapx_add(&tables[i]->dirty_groups,
                          (void *) (uintptr_t) g->group_id);
            }
        }
        queue_group_changes(ofctrl, tables, n, &before, &after);
        ofctrl->full_sync = false;
        ofctrl->full_sync_seq = ofctrl->put_seq + 1;
        VLOG_INFO("replacing all flows: %"PRIuSIZE" flows, %"PRIuSIZE
                  " groups", hmap_count(&ofctrl->installed),
                  hmap_count(&ofctrl->installed_groups));
    } else {
        for (size_t i = 0; i < n; i++) {
            struct dirty_key *d;
            HMAP_FOR_EACH (d, node, &tables[i]->dirty) {
                uint32_t hash = d->node.hash;
                const struct desired_flow *want
                    = desired_lookup(tables, n, &d->key, hash);
                struct installed_flow *have = installed_find(ofctrl, &d->key,
                                                             hash);
                if (want && (!have
                             || have->cookie != want->cookie
                             || strcmp(have->actions, want->actions))) {
                    /* An OpenFlow "add" of an existing flow replaces it. */
                    queue_flow_mod(&msgs, &want->key, OFPFC_ADD,
                                   want->ofpacts, want->ofpacts_len,
                                   want->cookie);
                    installed_set(ofctrl, want, hash);
                } else if (!want && have) {
                    queue_flow_mod(&msgs, &have->key, OFPFC_DELETE_STRICT,
                                   NULL, 0, 0);
                    installed_remove(ofctrl, have);
                }
            }
        }
        queue_group_changes(ofctrl, tables, n, &before, &after);
    }
    for (size_t i = 0; i < n; i++) {
        flow_table_clean(tables[i]);
    }

    ovs_list_push_back_all(&before, &msgs);
    ovs_list_push_back_all(&before, &after);
    if (!ovs_list_is_empty(&before)) {
        send_bundle(ofctrl, &before);
    } else if (barrier) {
        send_barrier(ofctrl);
    }
    return ofctrl->put_seq;
}

/* Makes the next put replace all the switch's flows, as after a
 * reconnection. */
void
ofctrl_force_full_sync(struct ofctrl *ofctrl)
{
    ofctrl->full_sync = true;
}

/* Returns the sequence number of the latest put that the switch has
 * applied (its barrier reply came back). */
uint64_t
ofctrl_get_acked(const struct ofctrl *ofctrl)
{
    return ofctrl->acked_seq;
}

/* Returns true if, since the latest (re)connection, the switch has applied
 * a complete replacement of its flows. */
bool
ofctrl_is_synced(const struct ofctrl *ofctrl)
{
    return (rconn_is_connected(ofctrl->rconn) && !ofctrl->full_sync
            && ofctrl->full_sync_seq
            && ofctrl->acked_seq >= ofctrl->full_sync_seq);
}

/* Returns the number of flows installed in the switch, as far as ofctrl
 * knows. */
size_t
ofctrl_n_installed(const struct ofctrl *ofctrl)
{
    return hmap_count(&ofctrl->installed);
}

/* Appends a description of the connection's state to 's'. */
void
ofctrl_status(const struct ofctrl *ofctrl, struct ds *s)
{
    ds_put_format(s, "openflow: %s (%s)\n", rconn_get_target(ofctrl->rconn),
                  rconn_get_state(ofctrl->rconn));
    ds_put_format(s, "installed flows: %"PRIuSIZE", groups: %"PRIuSIZE"\n",
                  hmap_count(&ofctrl->installed),
                  hmap_count(&ofctrl->installed_groups));
    ds_put_format(s, "bundles sent: %"PRIu64", flow mods: %"PRIu64
                  ", errors: %"PRIu64"\n", ofctrl->n_puts,
                  ofctrl->n_flow_mods, ofctrl->n_errors);
    ds_put_format(s, "puts acknowledged: %"PRIu64" of %"PRIu64"\n",
                  ofctrl->acked_seq, ofctrl->put_seq);
}

/* Returns the oldest packet that a flow sent to the controller and that
 * the caller has not taken yet, or NULL.  The caller must free it with
 * ofctrl_packet_in_destroy(). */
struct ofctrl_packet_in *
ofctrl_pop_packet_in(struct ofctrl *ofctrl)
{
    if (ovs_list_is_empty(&ofctrl->packet_ins)) {
        return NULL;
    }
    ofctrl->n_packet_ins--;
    return CONTAINER_OF(ovs_list_pop_front(&ofctrl->packet_ins),
                        struct ofctrl_packet_in, list_node);
}

/* Frees 'pin'. */
void
ofctrl_packet_in_destroy(struct ofctrl_packet_in *pin)
{
    if (pin) {
        ofpbuf_uninit(&pin->packet);
        ofpbuf_uninit(&pin->userdata);
        free(pin);
    }
}

/* Sends the switch the 'size'-byte Ethernet frame 'packet' to process with
 * 'actions' (in ovs-ofctl syntax), as if it had arrived on 'in_port'.  The
 * actions are the controller's own, so a parse error is a bug: it is
 * logged and nothing is sent.  Without a connection, nothing is sent. */
void
ofctrl_packet_out(struct ofctrl *ofctrl, const void *packet, size_t size,
                  ofp_port_t in_port, const char *actions)
{
    if (!rconn_is_connected(ofctrl->rconn)) {
        return;
    }

    struct ofpbuf ofpacts;
    enum ofputil_protocol usable;
    ofpbuf_init(&ofpacts, 64);
    struct ofpact_parse_params pp = {
        .ofpacts = &ofpacts,
        .usable_protocols = &usable,
    };
    char *error = ofpacts_parse_actions(actions, &pp);
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        VLOG_ERR_RL(&rl, "bad packet-out actions \"%s\": %s", actions,
                    error);
        free(error);
        ofpbuf_uninit(&ofpacts);
        return;
    }

    struct ofputil_packet_out po = {
        .packet = packet,
        .packet_len = size,
        .buffer_id = UINT32_MAX,
        .ofpacts = ofpacts.data,
        .ofpacts_len = ofpacts.size,
    };
    match_init_catchall(&po.flow_metadata);
    match_set_in_port(&po.flow_metadata, in_port);
    enum ofputil_protocol protocol
        = ofputil_protocol_from_ofp_version(OFCTRL_VERSION);
    rconn_send(ofctrl->rconn, ofputil_encode_packet_out(&po, protocol), NULL);
    ofpbuf_uninit(&ofpacts);
}

/* Asks the switch for the statistics of every flow in the 'n' tables
 * 'table_ids'.  Once all the replies are in, ofctrl_get_flow_stats()
 * returns them.  Does nothing while an earlier request is unanswered or
 * without a connection. */
void
ofctrl_request_flow_stats(struct ofctrl *ofctrl, const uint8_t *table_ids,
                          size_t n)
{
    if (!rconn_is_connected(ofctrl->rconn) || ofctrl->n_stats_xids) {
        return;
    }

    enum ofputil_protocol protocol
        = ofputil_protocol_from_ofp_version(OFCTRL_VERSION);
    ofctrl->stats_xids = xrealloc(ofctrl->stats_xids,
                                  n * sizeof *ofctrl->stats_xids);
    ofctrl->n_stats_building = 0;
    for (size_t i = 0; i < n; i++) {
        struct ofputil_flow_stats_request fsr = {
            .out_port = OFPP_ANY,
            .out_group = OFPG_ANY,
            .table_id = table_ids[i],
        };
        match_init_catchall(&fsr.match);
        struct ofpbuf *rq = ofputil_encode_flow_stats_request(&fsr, protocol);
        ofctrl->stats_xids[i] = ((struct ofp_header *) rq->data)->xid;
        rconn_send(ofctrl->rconn, rq, NULL);
    }
    ofctrl->n_stats_xids = n;
}

/* Returns the flow statistics of the latest complete round of requests,
 * storing their number in '*n' and the number of complete rounds so far in
 * '*seq'. */
const struct ofctrl_flow_stats *
ofctrl_get_flow_stats(const struct ofctrl *ofctrl, size_t *n, uint64_t *seq)
{
    *n = ofctrl->n_stats;
    *seq = ofctrl->stats_seq;
    return ofctrl->stats;
}

static void
installed_clear(struct ofctrl *ofctrl)
{
    struct installed_flow *f;

    HMAP_FOR_EACH_SAFE (f, node, &ofctrl->installed) {
        installed_remove(ofctrl, f);
    }
}

static struct installed_flow *
installed_find(const struct ofctrl *ofctrl, const struct flow_key *key,
               uint32_t hash)
{
    struct installed_flow *f;

    HMAP_FOR_EACH_WITH_HASH (f, node, hash, &ofctrl->installed) {
        if (flow_key_equal(&f->key, key)) {
            return f;
        }
    }
    return NULL;
}

/* Records that 'want' is installed. */
static void
installed_set(struct ofctrl *ofctrl, const struct desired_flow *want,
              uint32_t hash)
{
    struct installed_flow *f = installed_find(ofctrl, &want->key, hash);
    if (!f) {
        f = xmalloc(sizeof *f);
        flow_key_clone(&f->key, &want->key);
        hmap_insert(&ofctrl->installed, &f->node, hash);
    } else {
        free(f->ofpacts);
        free(f->actions);
    }
    f->ofpacts = xmemdup(want->ofpacts, want->ofpacts_len);
    f->ofpacts_len = want->ofpacts_len;
    f->actions = xstrdup(want->actions);
    f->cookie = want->cookie;
}

static void
installed_remove(struct ofctrl *ofctrl, struct installed_flow *f)
{
    hmap_remove(&ofctrl->installed, &f->node);
    flow_key_destroy(&f->key);
    free(f->ofpacts);
    free(f->actions);
    free(f);
}

/* Appends to 'msgs' a flow mod with 'command' for 'key'. */
static void
queue_flow_mod(struct ovs_list *msgs, const struct flow_key *key,
               uint16_t command, const struct ofpact *ofpacts,
               size_t ofpacts_len, uint64_t cookie)
{
    struct ofputil_flow_mod fm = {
        .match = key->match,
        .priority = key->priority,
        .new_cookie = htonll(cookie),
        .table_id = key->table_id,
        .command = command,
        .buffer_id = UINT32_MAX,
        .out_port = OFPP_ANY,
        .out_group = OFPG_ANY,
        .ofpacts = CONST_CAST(struct ofpact *, ofpacts),
        .ofpacts_len = ofpacts_len,
    };
    enum ofputil_protocol protocol
        = ofputil_protocol_from_ofp_version(OFCTRL_VERSION);
    struct ofpbuf *msg = ofputil_encode_flow_mod(&fm, protocol);
    ovs_list_push_back(msgs, &msg->list_node);

    if (VLOG_IS_DBG_ENABLED()) {
        char *s = ofp_to_string(msg->data, msg->size, NULL, NULL, 1);
        VLOG_DBG("%s", s);
        free(s);
    }
}

/* Sends 'msgs' in one ordered, atomic bundle, followed by a barrier that
 * acknowledges a new put sequence number. */
static void
send_bundle(struct ofctrl *ofctrl, struct ovs_list *msgs)
{
    struct ofputil_bundle_ctrl_msg ctrl = {
        .bundle_id = ofctrl->next_bundle_id++,
        .type = OFPBCT_OPEN_REQUEST,
        .flags = OFPBF_ORDERED | OFPBF_ATOMIC,
    };
    rconn_send(ofctrl->rconn,
               ofputil_encode_bundle_ctrl_request(OFCTRL_VERSION, &ctrl),
               NULL);

    struct ofpbuf *msg;
    LIST_FOR_EACH_POP (msg, list_node, msgs) {
        struct ofputil_bundle_add_msg add = {
            .bundle_id = ctrl.bundle_id,
            .flags = ctrl.flags,
            .msg = msg->data,
        };
        rconn_send(ofctrl->rconn,
                   ofputil_encode_bundle_add(OFCTRL_VERSION, &add), NULL);
        ofpbuf_delete(msg);
        ofctrl->n_flow_mods++;
    }

    ctrl.type = OFPBCT_COMMIT_REQUEST;
    rconn_send(ofctrl->rconn,
               ofputil_encode_bundle_ctrl_request(OFCTRL_VERSION, &ctrl),
               NULL);
    send_barrier(ofctrl);
    ofctrl->n_puts++;
}

/* Sends a barrier that acknowledges a new put sequence number. */
static void
send_barrier(struct ofctrl *ofctrl)
{
    struct ofpbuf *barrier = ofputil_encode_barrier_request(OFCTRL_VERSION);
    struct pending_put *p = xmalloc(sizeof *p);
    p->barrier_xid = ((struct ofp_header *) barrier->data)->xid;
    p->seq = ++ofctrl->put_seq;
    ovs_list_push_back(&ofctrl->pending, &p->node);
    rconn_send(ofctrl->rconn, barrier, NULL);
}

static const struct desired_flow *
desired_lookup(struct flow_table **tables, size_t n,
               const struct flow_key *key, uint32_t hash)
{
    for (size_t i = 0; i < n; i++) {
        const struct desired_flow *f = flow_table_lookup(tables[i], key,
                                                         hash);
        if (f) {
            return f;
        }
    }
    return NULL;
}

static const struct desired_group *
desired_lookup_group(struct flow_table **tables, size_t n, uint32_t group_id)
{
    for (size_t i = 0; i < n; i++) {
        const struct desired_group *g = flow_table_lookup_group(tables[i],
                                                                group_id);
        if (g) {
            return g;
        }
    }
    return NULL;
}

static struct installed_group *
installed_group_find(const struct ofctrl *ofctrl, uint32_t group_id)
{
    struct installed_group *g;

    HMAP_FOR_EACH_WITH_HASH (g, node, hash_int(group_id, 0),
                             &ofctrl->installed_groups) {
        if (g->group_id == group_id) {
            return g;
        }
    }
    return NULL;
}

static void
installed_group_remove(struct ofctrl *ofctrl, struct installed_group *g)
{
    hmap_remove(&ofctrl->installed_groups, &g->node);
    free(g->spec);
    free(g);
}

static void
installed_groups_clear(struct ofctrl *ofctrl)
{
    struct installed_group *g;

    HMAP_FOR_EACH_SAFE (g, node, &ofctrl->installed_groups) {
        installed_group_remove(ofctrl, g);
    }
}

/* Appends to 'msgs' a group mod with 'command' for 'group_id' and, except
 * for a deletion, 'spec'. */
static void
queue_group_mod(struct ovs_list *msgs, uint16_t command, uint32_t group_id,
                const char *spec)
{
    struct ofputil_group_mod gm;
    enum ofputil_protocol usable;
    char *s = (spec
               ? xasprintf("group_id=%"PRIu32",%s", group_id, spec)
               : group_id == OFPG_ALL ? xstrdup("group_id=all")
               : xasprintf("group_id=%"PRIu32, group_id));
    char *error = parse_ofp_group_mod_str(&gm, command, s, NULL, NULL,
                                          &usable);
    /* flow_table_add_group() checked the spec. */
    ovs_assert(!error);
    struct ofpbuf *msg = ofputil_encode_group_mod(OFCTRL_VERSION, &gm, NULL,
                                                  -1);
    ovs_list_push_back(msgs, &msg->list_node);
    ofputil_uninit_group_mod(&gm);
    free(s);
}

/* One group change, for sorting. */
struct group_change {
    uint32_t group_id;
    int level;
    const struct desired_group *want;   /* NULL to delete. */
};

static int
compare_group_changes(const void *a_, const void *b_)
{
    const struct group_change *a = a_;
    const struct group_change *b = b_;
    return (a->level != b->level ? (a->level < b->level ? -1 : 1)
            : a->group_id < b->group_id ? -1 : a->group_id > b->group_id);
}

/* Appends to 'before' the group mods that add or change the groups that the
 * 'n' 'tables' marked dirty, groups that others refer to first, and to
 * 'after' those that delete groups, groups that refer to others first. */
static void
queue_group_changes(struct ofctrl *ofctrl, struct flow_table **tables,
                    size_t n, struct ovs_list *before, struct ovs_list *after)
{
    struct hmapx ids = HMAPX_INITIALIZER(&ids);
    for (size_t i = 0; i < n; i++) {
        struct hmapx_node *node;
        HMAPX_FOR_EACH (node, &tables[i]->dirty_groups) {
            hmapx_add(&ids, node->data);
        }
    }

    struct group_change *adds = xmalloc(MAX(hmapx_count(&ids), 1)
                                        * sizeof *adds);
    struct group_change *dels = xmalloc(MAX(hmapx_count(&ids), 1)
                                        * sizeof *dels);
    size_t n_adds = 0, n_dels = 0;
    struct hmapx_node *node;
    HMAPX_FOR_EACH (node, &ids) {
        uint32_t id = (uintptr_t) node->data;
        const struct desired_group *want = desired_lookup_group(tables, n,
                                                                id);
        struct installed_group *have = installed_group_find(ofctrl, id);
        if (want && (!have || strcmp(have->spec, want->spec))) {
            adds[n_adds++] = (struct group_change) { id, want->level, want };
        } else if (!want && have) {
            dels[n_dels++] = (struct group_change) { id, -have->level, NULL };
        }
    }
    hmapx_destroy(&ids);

    qsort(adds, n_adds, sizeof *adds, compare_group_changes);
    for (size_t i = 0; i < n_adds; i++) {
        const struct desired_group *want = adds[i].want;
        struct installed_group *have = installed_group_find(ofctrl,
                                                            want->group_id);
        queue_group_mod(before, have ? OFPGC11_MODIFY : OFPGC11_ADD,
                        want->group_id, want->spec);
        if (!have) {
            have = xmalloc(sizeof *have);
            have->group_id = want->group_id;
            have->spec = NULL;
            hmap_insert(&ofctrl->installed_groups, &have->node,
                        hash_int(want->group_id, 0));
        }
        free(have->spec);
        have->spec = xstrdup(want->spec);
        have->level = want->level;
    }
    qsort(dels, n_dels, sizeof *dels, compare_group_changes);
    for (size_t i = 0; i < n_dels; i++) {
        queue_group_mod(after, OFPGC11_DELETE, dels[i].group_id, NULL);
        installed_group_remove(ofctrl,
                               installed_group_find(ofctrl,
                                                    dels[i].group_id));
    }
    free(adds);
    free(dels);
}

/* Starts a new connection: asks who the switch is and which ports it has
 * (port status messages keep the ports up to date from then on), asks for
 * the packets that flows send to the controller, in the full packet-in
 * format, and asks for the switch's TLV map. */
static void
start_connection(struct ofctrl *ofctrl)
{
    rconn_send(ofctrl->rconn,
               ofpraw_alloc(OFPRAW_OFPT_FEATURES_REQUEST, OFCTRL_VERSION, 0),
               NULL);
    struct ofpbuf *rq = ofputil_encode_port_desc_stats_request(
        OFCTRL_VERSION, OFPP_ANY);
    ofctrl->port_desc_xid = ((struct ofp_header *) rq->data)->xid;
    rconn_send(ofctrl->rconn, rq, NULL);

    /* A service connection, such as the management socket, gets port
     * status messages and the packets that flows send to the controller
     * only with a nonzero miss send length. */
    struct ofputil_switch_config config = {
        .frag = OFPUTIL_FRAG_NORMAL,
        .invalid_ttl_to_controller = -1,
        .miss_send_len = UINT16_MAX,
    };
    rconn_send(ofctrl->rconn,
               ofputil_encode_set_config(&config, OFCTRL_VERSION), NULL);
    rconn_send(ofctrl->rconn,
               ofputil_encode_set_packet_in_format(OFCTRL_VERSION,
                                                   OFPUTIL_PACKET_IN_NXT2),
               NULL);

    rq = ofpraw_alloc(OFPRAW_NXT_TLV_TABLE_REQUEST, OFCTRL_VERSION, 0);
    ofctrl->tlv_xid = ((struct ofp_header *) rq->data)->xid;
    rconn_send(ofctrl->rconn, rq, NULL);

    send_probe(ofctrl);
}

/* Asks the switch whether it has the native "steer" and "accept" actions:
 * opens a bundle, adds a flow with both to it, discards it and sends a
 * barrier.  A switch without them rejects the flow with an error before
 * the barrier reply; either way the bundle leaves nothing behind. */
static void
send_probe(struct ofctrl *ofctrl)
{
    uint64_t ofpacts_stub[1024 / 8];
    struct ofpbuf ofpacts = OFPBUF_STUB_INITIALIZER(ofpacts_stub);
    enum ofputil_protocol usable;
    struct ofpact_parse_params pp = {
        .ofpacts = &ofpacts,
        .usable_protocols = &usable,
    };
    char *error = ofpacts_parse_actions(PROBE_ACTIONS, &pp);
    ovs_assert(!error);

    struct flow_key key = { .table_id = 0, .priority = 0 };
    struct match catchall;
    match_init_catchall(&catchall);
    minimatch_init(&key.match, &catchall);
    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    queue_flow_mod(&msgs, &key, OFPFC_ADD, ofpacts.data, ofpacts.size, 0);
    minimatch_destroy(&key.match);
    ofpbuf_uninit(&ofpacts);

    struct ofputil_bundle_ctrl_msg ctrl = {
        .bundle_id = ofctrl->next_bundle_id++,
        .type = OFPBCT_OPEN_REQUEST,
        .flags = OFPBF_ORDERED | OFPBF_ATOMIC,
    };
    struct ofpbuf *msg = ofputil_encode_bundle_ctrl_request(OFCTRL_VERSION,
                                                            &ctrl);
    ofctrl->probe_xids[0] = ((struct ofp_header *) msg->data)->xid;
    rconn_send(ofctrl->rconn, msg, NULL);

    struct ofpbuf *fm = CONTAINER_OF(ovs_list_pop_front(&msgs),
                                     struct ofpbuf, list_node);
    struct ofputil_bundle_add_msg add = {
        .bundle_id = ctrl.bundle_id,
        .flags = ctrl.flags,
        .msg = fm->data,
    };
    msg = ofputil_encode_bundle_add(OFCTRL_VERSION, &add);
    ofctrl->probe_xids[1] = ((struct ofp_header *) msg->data)->xid;
    rconn_send(ofctrl->rconn, msg, NULL);
    ofpbuf_delete(fm);

    ctrl.type = OFPBCT_DISCARD_REQUEST;
    msg = ofputil_encode_bundle_ctrl_request(OFCTRL_VERSION, &ctrl);
    ofctrl->probe_xids[2] = ((struct ofp_header *) msg->data)->xid;
    rconn_send(ofctrl->rconn, msg, NULL);

    msg = ofputil_encode_barrier_request(OFCTRL_VERSION);
    ofctrl->probe_barrier_xid = ((struct ofp_header *) msg->data)->xid;
    rconn_send(ofctrl->rconn, msg, NULL);
    ofctrl->probe = PROBE_SENT;
}

/* Returns true if 'xid' is that of one of the probe's bundle messages. */
static bool
is_probe_xid(const struct ofctrl *ofctrl, ovs_be32 xid)
{
    for (size_t i = 0; i < ARRAY_SIZE(ofctrl->probe_xids); i++) {
        if (ofctrl->probe_xids[i] == xid) {
            return true;
        }
    }
    return false;
}

/* Makes sure that the switch maps Sluice's Geneve option, given its TLV
 * map in a reply to our request. */
static void
handle_tlv_reply(struct ofctrl *ofctrl, const struct ofp_header *oh)
{
    struct ofputil_tlv_table_reply reply;

    if (oh->xid != ofctrl->tlv_xid || ofctrl->tlv_state != TLV_REQUESTED
        || ofputil_decode_tlv_table_reply(oh, &reply)) {
        return;
    }

    bool mapped = false, taken = false;
    const struct ofputil_tlv_map *map;
    LIST_FOR_EACH (map, list_node, &reply.mappings) {
        bool ours = (map->option_class == SI_GENEVE_CLASS
                     && map->option_type == SI_GENEVE_TYPE
                     && map->option_len == SI_GENEVE_LEN);
        if (map->index == SI_TUN_METADATA_INDEX) {
            mapped |= ours;
            taken |= !ours;
        } else if (ours) {
            taken = true;
        }
    }
    ofputil_uninit_tlv_table(&reply.mappings);

    if (mapped) {
        ofctrl->tlv_state = TLV_READY;
    } else if (taken) {
        VLOG_ERR("the switch's TLV map conflicts with Sluice's Geneve option "
                 "(class 0x%x, type %d, length %d in tun_metadata%d): "
                 "service insertion over Geneve will not work",
                 SI_GENEVE_CLASS, SI_GENEVE_TYPE, SI_GENEVE_LEN,
                 SI_TUN_METADATA_INDEX);
        ofctrl->tlv_state = TLV_READY;
    } else {
        struct ofputil_tlv_table_mod ttm = { .command = NXTTMC_ADD };
        struct ofputil_tlv_map add = {
            .option_class = SI_GENEVE_CLASS,
            .option_type = SI_GENEVE_TYPE,
            .option_len = SI_GENEVE_LEN,
            .index = SI_TUN_METADATA_INDEX,
        };
        ovs_list_init(&ttm.mappings);
        ovs_list_push_back(&ttm.mappings, &add.list_node);
        rconn_send(ofctrl->rconn,
                   ofputil_encode_tlv_table_mod(OFCTRL_VERSION, &ttm), NULL);
        struct ofpbuf *barrier = ofputil_encode_barrier_request(
            OFCTRL_VERSION);
        ofctrl->tlv_xid = ((struct ofp_header *) barrier->data)->xid;
        rconn_send(ofctrl->rconn, barrier, NULL);
        ofctrl->tlv_state = TLV_MOD_SENT;
    }
}

/* Queues a packet that a flow sent to the controller, for the caller. */
static void
handle_packet_in(struct ofctrl *ofctrl, const struct ofp_header *oh)
{
    struct ofputil_packet_in pin;
    size_t total_len;
    uint32_t buffer_id;

    if (ofputil_decode_packet_in(oh, true, NULL, NULL, &pin, &total_len,
                                 &buffer_id, NULL)) {
        return;
    }
    if (ofctrl->n_packet_ins < MAX_PACKET_INS) {
        struct ofctrl_packet_in *p = xmalloc(sizeof *p);
        ofpbuf_init(&p->packet, pin.packet_len);
        ofpbuf_put(&p->packet, pin.packet, pin.packet_len);
        ofpbuf_init(&p->userdata, pin.userdata_len);
        ofpbuf_put(&p->userdata, pin.userdata, pin.userdata_len);
        p->metadata = pin.flow_metadata;
        ovs_list_push_back(&ofctrl->packet_ins, &p->list_node);
        ofctrl->n_packet_ins++;
    }
}

/* Collects the flow statistics in a reply to one of our requests. */
static void
handle_flow_stats_reply(struct ofctrl *ofctrl, const struct ofp_header *oh)
{
    size_t i;
    for (i = 0; i < ofctrl->n_stats_xids; i++) {
        if (ofctrl->stats_xids[i] == oh->xid) {
            break;
        }
    }
    if (i >= ofctrl->n_stats_xids) {
        return;
    }

    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    struct ofpbuf ofpacts;
    ofpbuf_init(&ofpacts, 0);
    for (;;) {
        struct ofputil_flow_stats fs;
        if (ofputil_decode_flow_stats_reply(&fs, &b, false, &ofpacts)) {
            break;
        }
        if (ofctrl->n_stats_building >= ofctrl->allocated_stats_building) {
            ofctrl->stats_building = x2nrealloc(
                ofctrl->stats_building, &ofctrl->allocated_stats_building,
                sizeof *ofctrl->stats_building);
        }
        ofctrl->stats_building[ofctrl->n_stats_building++]
            = (struct ofctrl_flow_stats) {
                .table_id = fs.table_id,
                .priority = fs.priority,
                .cookie = ntohll(fs.cookie),
                .n_packets = fs.packet_count,
                .n_bytes = fs.byte_count,
            };
    }
    ofpbuf_uninit(&ofpacts);

    if (!ofpmp_more(oh)) {
        /* This request is complete; the round is when all of them are. */
        ofctrl->stats_xids[i] = ofctrl->stats_xids[--ofctrl->n_stats_xids];
        if (!ofctrl->n_stats_xids) {
            free(ofctrl->stats);
            ofctrl->stats = (ofctrl->n_stats_building
                             ? xmemdup(ofctrl->stats_building,
                                       ofctrl->n_stats_building
                                       * sizeof *ofctrl->stats)
                             : NULL);
            ofctrl->n_stats = ofctrl->n_stats_building;
            ofctrl->stats_seq++;
        }
    }
}

static void
handle_message(struct ofctrl *ofctrl, const struct ofp_header *oh)
{
    enum ofptype type;

    if (ofptype_decode(&type, oh)) {
        return;
    }
    if (type == OFPTYPE_ECHO_REQUEST) {
        rconn_send(ofctrl->rconn, ofputil_encode_echo_reply(oh), NULL);
    } else if (type == OFPTYPE_FEATURES_REPLY) {
        struct ofputil_switch_features features;
        struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
        if (!ofputil_pull_switch_features(&b, &features)) {
            ofctrl->datapath_id = features.datapath_id;
        }
    } else if (type == OFPTYPE_PORT_DESC_STATS_REPLY) {
        handle_port_desc_reply(ofctrl, oh);
    } else if (type == OFPTYPE_PORT_STATUS) {
        handle_port_status(ofctrl, oh);
    } else if (type == OFPTYPE_NXT_TLV_TABLE_REPLY) {
        handle_tlv_reply(ofctrl, oh);
    } else if (type == OFPTYPE_PACKET_IN) {
        handle_packet_in(ofctrl, oh);
    } else if (type == OFPTYPE_FLOW_STATS_REPLY) {
        handle_flow_stats_reply(ofctrl, oh);
    } else if (type == OFPTYPE_BARRIER_REPLY
               && ofctrl->tlv_state == TLV_MOD_SENT
               && oh->xid == ofctrl->tlv_xid) {
        ofctrl->tlv_state = TLV_READY;
    } else if (type == OFPTYPE_BARRIER_REPLY
               && ofctrl->probe == PROBE_SENT
               && oh->xid == ofctrl->probe_barrier_xid) {
        VLOG_INFO("switch has the native service-insertion actions");
        ofctrl->probe = PROBE_NATIVE;
    } else if (type == OFPTYPE_ERROR && ofctrl->probe == PROBE_SENT
               && is_probe_xid(ofctrl, oh->xid)) {
        enum ofperr error = ofperr_decode_msg(oh, NULL);
        VLOG_INFO("switch lacks the native service-insertion actions "
                  "(probe rejected: %s)", ofperr_get_name(error));
        ofctrl->probe = PROBE_STOCK;
    } else if (type == OFPTYPE_ERROR && is_probe_xid(ofctrl, oh->xid)) {
        /* The rest of a rejected probe: its bundle's discard. */
    } else if (type == OFPTYPE_BARRIER_REPLY) {
        struct pending_put *p;
        LIST_FOR_EACH_SAFE (p, node, &ofctrl->pending) {
            if (p->barrier_xid == oh->xid) {
                /* Barrier replies come in order: this one acknowledges every
                 * earlier put too. */
                ofctrl->acked_seq = p->seq;
                struct pending_put *q;
                LIST_FOR_EACH_POP (q, node, &ofctrl->pending) {
                    bool last = q == p;
                    free(q);
                    if (last) {
                        break;
                    }
                }
                break;
            }
        }
    } else if (type == OFPTYPE_ERROR && ofctrl->tlv_state == TLV_MOD_SENT) {
        /* The TLV map could not be changed: go on without the mapping, so
         * that everything but service insertion over Geneve works. */
        char *s = ofp_to_string(oh, ntohs(oh->length), NULL, NULL, 1);
        VLOG_ERR("switch refused Sluice's Geneve option in its TLV map: %s",
                 s);
        free(s);
        ofctrl->tlv_state = TLV_READY;
    } else if (type == OFPTYPE_ERROR) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        char *s = ofp_to_string(oh, ntohs(oh->length), NULL, NULL, 1);
        VLOG_ERR_RL(&rl, "switch reported an error, replacing all flows: %s",
                    s);
        free(s);
        ofctrl->n_errors++;

        /* A failed bundle changed nothing, so the installed flows are not
         * what ofctrl thinks: start over, after a pause so that a flow the
         * switch rejects does not keep us busy.  The pending barriers must
         * not acknowledge the failed bundle; the full sync's will. */
        ofctrl->full_sync = true;
        ofctrl->retry_at = time_msec() + 1000;
        struct pending_put *p;
        LIST_FOR_EACH_POP (p, node, &ofctrl->pending) {
            free(p);
        }
    }
}

/* Records the ports in a part of the reply to our port description
 * request. */
static void
handle_port_desc_reply(struct ofctrl *ofctrl, const struct ofp_header *oh)
{
    if (oh->xid != ofctrl->port_desc_xid || ofctrl->ports_known) {
        return;
    }

    struct ofpbuf b = ofpbuf_const_initializer(oh, ntohs(oh->length));
    ofpraw_pull_assert(&b);
    struct ofputil_phy_port pp;
    while (!ofputil_pull_phy_port(oh->version, &b, &pp)) {
        if (ofp_to_u16(pp.port_no) < ofp_to_u16(OFPP_MAX)) {
            simap_put(&ofctrl->ports, pp.name, ofp_to_u16(pp.port_no));
        }
    }
    if (!ofpmp_more(oh)) {
        ofctrl->ports_known = true;
    }
    ofctrl->ports_seqno++;
}

/* Keeps the ports up to date with a port status message. */
static void
handle_port_status(struct ofctrl *ofctrl, const struct ofp_header *oh)
{
    struct ofputil_port_status ps;
    if (ofputil_decode_port_status(oh, &ps)
        || ofp_to_u16(ps.desc.port_no) >= ofp_to_u16(OFPP_MAX)) {
        return;
    }

    /* A port can be renumbered or renamed: forget what it was first. */
    struct simap_node *n;
    SIMAP_FOR_EACH_SAFE (n, &ofctrl->ports) {
        if (n->data == ofp_to_u16(ps.desc.port_no)) {
            simap_delete(&ofctrl->ports, n);
        }
    }
    if (ps.reason != OFPPR_DELETE) {
        simap_put(&ofctrl->ports, ps.desc.name, ofp_to_u16(ps.desc.port_no));
    }
    ofctrl->ports_seqno++;
}
