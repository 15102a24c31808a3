/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/ofctrl.h"
#include <limits.h>
#include <stdlib.h>
#include "byte-order.h"
#include "flow.h"
#include "controller/flow-table.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/hmap.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-bundle.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-msgs.h"
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
    uint32_t next_bundle_id;

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

    uint64_t n_puts;            /* Bundles sent. */
    uint64_t n_flow_mods;       /* Flow mods sent in them. */
    uint64_t n_errors;          /* Error replies received. */
};

static void installed_clear(struct ofctrl *);
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
    ofctrl->next_bundle_id = 1;
    ovs_list_init(&ofctrl->pending);
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

        /* Ask who the switch is and which ports it has; port status
         * messages keep the ports up to date from then on.  (A nonzero
         * miss_send_len makes the switch send them on its management
         * socket too.) */
        ofctrl->datapath_id = 0;
        simap_clear(&ofctrl->ports);
        ofctrl->ports_known = false;
        ofctrl->ports_seqno++;
        if (rconn_is_connected(ofctrl->rconn)) {
            struct ofputil_switch_config sc = {
                .frag = OFPUTIL_FRAG_NORMAL,
                .invalid_ttl_to_controller = -1,
                .miss_send_len = UINT16_MAX,
            };
            rconn_send(ofctrl->rconn,
                       ofputil_encode_set_config(&sc, OFCTRL_VERSION), NULL);
            rconn_send(ofctrl->rconn,
                       ofpraw_alloc(OFPRAW_OFPT_FEATURES_REQUEST,
                                    OFCTRL_VERSION, 0), NULL);
            struct ofpbuf *rq = ofputil_encode_port_desc_stats_request(
                OFCTRL_VERSION, OFPP_ANY);
            ofctrl->port_desc_xid = ((struct ofp_header *) rq->data)->xid;
            rconn_send(ofctrl->rconn, rq, NULL);
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

/* Makes the switch's flows what 'desired' says: after a (re)connection or
 * ofctrl_force_full_sync(), all of them, replacing whatever the switch had;
 * otherwise only the flows whose keys 'desired' marked dirty.  Everything
 * goes in one ordered, atomic bundle, followed by a barrier.  Clears the
 * dirty keys of 'desired'.
 *
 * Returns the sequence number of this put: ofctrl_get_acked() reaches it
 * once the switch has applied everything sent so far.  If nothing needed to
 * be sent, the sequence number is the previous one.  Without a connection,
 * nothing is sent and 0 is returned. */
uint64_t
ofctrl_put(struct ofctrl *ofctrl, struct flow_table *desired)
{
    if (!rconn_is_connected(ofctrl->rconn)) {
        flow_table_clean(desired);
        return 0;
    }

    struct ovs_list msgs = OVS_LIST_INITIALIZER(&msgs);
    if (ofctrl->full_sync && time_msec() < ofctrl->retry_at) {
        /* Still backing off after an error: the dirty keys stay dirty, and
         * the full sync later covers them anyway. */
        return ofctrl->put_seq;
    } else if (ofctrl->full_sync) {
        /* Delete everything and add every desired flow, atomically. */
        struct flow_key all = { .table_id = OFPTT_ALL, .priority = 0 };
        struct match catchall;
        match_init_catchall(&catchall);
        minimatch_init(&all.match, &catchall);
        queue_flow_mod(&msgs, &all, OFPFC_DELETE, NULL, 0, 0);
        minimatch_destroy(&all.match);

        installed_clear(ofctrl);
        const struct desired_flow *f;
        HMAP_FOR_EACH (f, key_node, &desired->flows) {
            uint32_t hash = f->key_node.hash;
            if (!installed_find(ofctrl, &f->key, hash)) {
                const struct desired_flow *winner
                    = flow_table_lookup(desired, &f->key, hash);
                queue_flow_mod(&msgs, &winner->key, OFPFC_ADD,
                               winner->ofpacts, winner->ofpacts_len,
                               winner->cookie);
                installed_set(ofctrl, winner, hash);
            }
        }
        ofctrl->full_sync = false;
        ofctrl->full_sync_seq = ofctrl->put_seq + 1;
        VLOG_INFO("replacing all flows: %"PRIuSIZE" flows",
                  hmap_count(&ofctrl->installed));
    } else {
        struct dirty_key *d;
        HMAP_FOR_EACH (d, node, &desired->dirty) {
            uint32_t hash = d->node.hash;
            const struct desired_flow *want
                = flow_table_lookup(desired, &d->key, hash);
            struct installed_flow *have = installed_find(ofctrl, &d->key,
                                                         hash);
            if (want && (!have
                         || have->cookie != want->cookie
                         || strcmp(have->actions, want->actions))) {
                /* An OpenFlow "add" of an existing flow replaces it. */
                queue_flow_mod(&msgs, &want->key, OFPFC_ADD, want->ofpacts,
                               want->ofpacts_len, want->cookie);
                installed_set(ofctrl, want, hash);
            } else if (!want && have) {
                queue_flow_mod(&msgs, &have->key, OFPFC_DELETE_STRICT, NULL,
                               0, 0);
                installed_remove(ofctrl, have);
            }
        }
    }
    flow_table_clean(desired);

    if (!ovs_list_is_empty(&msgs)) {
        send_bundle(ofctrl, &msgs);
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
    ds_put_format(s, "installed flows: %"PRIuSIZE"\n",
                  hmap_count(&ofctrl->installed));
    ds_put_format(s, "bundles sent: %"PRIu64", flow mods: %"PRIu64
                  ", errors: %"PRIu64"\n", ofctrl->n_puts,
                  ofctrl->n_flow_mods, ofctrl->n_errors);
    ds_put_format(s, "puts acknowledged: %"PRIu64" of %"PRIu64"\n",
                  ofctrl->acked_seq, ofctrl->put_seq);
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

    struct ofpbuf *barrier = ofputil_encode_barrier_request(OFCTRL_VERSION);
    struct pending_put *p = xmalloc(sizeof *p);
    p->barrier_xid = ((struct ofp_header *) barrier->data)->xid;
    p->seq = ++ofctrl->put_seq;
    ovs_list_push_back(&ofctrl->pending, &p->node);
    rconn_send(ofctrl->rconn, barrier, NULL);
    ofctrl->n_puts++;
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
