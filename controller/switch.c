/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/switch.h"
#include <stdlib.h>
#include "byte-order.h"
#include "controller/gateway.h"
#include "controller/ofctrl.h"
#include "controller/pipeline.h"
#include "controller/si-flows.h"
#include "controller/si-health.h"
#include "controller/si-native.h"
#include "controller/si-packet.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/token-bucket.h"
#include "openvswitch/vlog.h"
#include "simap.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(switch);

/* --service-actions: what service insertion is lowered to. */
static enum si_actions service_actions = SI_ACTIONS_AUTO;

static void handle_packet_in(struct switch_ctx *,
                             const struct ofctrl_packet_in *);
static void update_native(struct switch_ctx *);

/* Makes every switch lower service insertion to 'actions'. */
void
switch_set_service_actions(enum si_actions actions)
{
    service_actions = actions;
}

/* Creates the state of the switch that 'ofctrl' connects to, and that 'name'
 * describes, with flows from the northbound database 'nb' (whose ports
 * 'port_by_name' indexes by name).  Takes ownership of 'ofctrl'. */
struct switch_ctx *
switch_ctx_create(const char *name, struct ofctrl *ofctrl,
                  struct ovsdb_idl *nb, struct ovsdb_idl_index *port_by_name)
{
    struct switch_ctx *sw = xzalloc(sizeof *sw);
    sw->name = xstrdup(name);
    sw->ofctrl = ofctrl;
    switch_ports_init(&sw->ports);
    flow_engine_init(&sw->engine, nb, port_by_name);
    binding_acks_init(&sw->acks);
    si_stats_init(&sw->si_stats);
    sw->force_recompute = true;
    return sw;
}

void
switch_ctx_destroy(struct switch_ctx *sw)
{
    if (sw) {
        binding_acks_destroy(&sw->acks);
        flow_engine_destroy(&sw->engine);
        switch_ports_destroy(&sw->ports);
        ofctrl_destroy(sw->ofctrl);
        free(sw->name);
        free(sw);
    }
}

/* Handles the packets that the switch sent to the controller, and probes
 * the health of service instances (in the northbound database 'nb', with BFD
 * states from the local database 'ovs', which may be NULL), so that the
 * next switch_ctx_run() sees the changes. */
void
switch_ctx_run_si(struct switch_ctx *sw, struct ovsdb_idl *nb,
                  struct ovsdb_idl *ovs)
{
    struct si_state *si = &sw->engine.si_state;
    struct si_ctx ctx = si_make_ctx(si, &sw->engine.local_state);
    struct ofctrl_packet_in *pin;

    while ((pin = ofctrl_pop_packet_in(sw->ofctrl))) {
        handle_packet_in(sw, pin);
        ofctrl_packet_in_destroy(pin);
    }
    si_health_run(si->health, &ctx, nb, ovs, sw->ofctrl);
}

/* Brings the desired flows, and what remains to be reported about the
 * switch's ports, up to date with the northbound database's changes (which
 * must not have been cleared yet) and with the switch's ports. */
void
switch_ctx_run(struct switch_ctx *sw)
{
    const struct local_state *ls = &sw->engine.local_state;

    update_native(sw);
    flow_engine_run(&sw->engine, &sw->ports, sw->force_recompute);
    binding_update(&sw->acks, ls->nb, sw->engine.flows_state.port_by_name,
                   &ls->bindings, &ls->reserved, &ls->changed, &ls->gone,
                   sw->force_recompute || ls->identity_changed, ls->chassis);
    sw->force_recompute = false;
}

/* Sends the switch what changed in its desired flows, and writes to the
 * northbound database, in 'nb_txn', what the switch has acknowledged. */
void
switch_ctx_put(struct switch_ctx *sw, struct ovsdb_idl_txn *nb_txn,
               struct ovsdb_idl *nb, struct ovsdb_idl_index *port_by_name)
{
    const struct local_state *ls = &sw->engine.local_state;
    const struct nbrec_nb_global *g = nbrec_nb_global_first(nb);

    struct flow_table *tables[] = {
        &sw->engine.flows_state.table, &sw->engine.si_state.table,
    };
    size_t n_tables = sw->native_missing ? 1 : ARRAY_SIZE(tables);
    uint64_t put_seq = ofctrl_put(sw->ofctrl, tables, n_tables,
                                  binding_has_fresh(&sw->acks));
    binding_note_put(&sw->acks, g ? g->nb_cfg : 0, put_seq);
    binding_report(&sw->acks, nb_txn, port_by_name, ls->chassis,
                   ofctrl_get_acked(sw->ofctrl));
    si_health_report(sw->engine.si_state.health, nb_txn, nb, ls->chassis);
    if (sw->engine.si_state.has_static) {
        si_stats_run(&sw->si_stats, sw->ofctrl, nb_txn, nb, ls->chassis);
    }
}

/* Decides, once the switch has answered the probe on a connection, whether
 * service insertion uses the native actions, as --service-actions says;
 * a change recomputes the flows.  With "native" and a switch that lacks
 * them, service insertion is not programmed at all, and that is an
 * error. */
static void
update_native(struct switch_ctx *sw)
{
    struct si_state *si = &sw->engine.si_state;
    bool native;

    if (!ofctrl_get_native_actions(sw->ofctrl, &native)) {
        sw->native_missing = false;
        return;
    }

    bool missing = !native && service_actions == SI_ACTIONS_NATIVE;
    if (missing && !sw->native_missing) {
        VLOG_ERR("%s: --service-actions=native, but the switch lacks the "
                 "native service-insertion actions: service insertion is "
                 "not programmed on it", sw->name);
    }
    sw->native_missing = missing;

    bool use = native && service_actions != SI_ACTIONS_STOCK;
    if (use != si->native) {
        VLOG_INFO("%s: service insertion with %s actions", sw->name,
                  use ? "the native" : "standard OpenFlow");
        si->native = use;
        sw->force_recompute = true;
    }
}

/* Appends to 's' how service insertion is lowered on 'sw'. */
void
switch_ctx_status_actions(const struct switch_ctx *sw, struct ds *s)
{
    bool native;

    ds_put_cstr(s, "service actions: ");
    if (!ofctrl_get_native_actions(sw->ofctrl, &native)) {
        ds_put_format(s, "%s, switch not probed yet\n",
                      si_actions_to_string(service_actions));
    } else if (sw->native_missing) {
        ds_put_cstr(s, "error: native required, but the switch lacks the "
                    "native actions: no service insertion\n");
    } else {
        ds_put_format(s, "%s (%s, switch %s the native actions)\n",
                      sw->engine.si_state.native ? "native" : "stock",
                      si_actions_to_string(service_actions),
                      native ? "has" : "lacks");
    }
}

/* Arranges for poll_block() to wake up when the switch needs attention. */
void
switch_ctx_wait(struct switch_ctx *sw)
{
    ofctrl_wait(sw->ofctrl);
    si_health_wait(sw->engine.si_state.health);
    if (sw->engine.si_state.has_static) {
        si_stats_wait(&sw->si_stats);
    }
}

/* Handles a packet that a flow sent to the controller: a probe back from a
 * port pair, a packet too big for its instance's encapsulation, which
 * gets an ICMP error back through the pipeline, or a packet that a gateway
 * routes to a next hop whose MAC it has not learned, which makes the
 * controller send an ARP request for it out of the uplink. */
static void
handle_packet_in(struct switch_ctx *sw, const struct ofctrl_packet_in *pin)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    const uint8_t *ud = pin->userdata.data;
    if (pin->userdata.size != 3) {
        VLOG_WARN_RL(&rl, "unexpected packet-in with %"PRIu32" bytes of "
                     "userdata", pin->userdata.size);
        return;
    }

    uint16_t arg = ud[1] << 8 | ud[2];
    if (ud[0] == SI_USERDATA_PROBE) {
        uint16_t number, seq;
        if (si_packet_parse_probe(pin->packet.data, pin->packet.size,
                                  &number, &seq) && number == arg) {
            si_health_probe_reply(sw->engine.si_state.health, number, seq);
        }
    } else if (ud[0] == SI_USERDATA_TOO_BIG) {
        struct ofpbuf reply;
        ofpbuf_init(&reply, 0);
        if (si_packet_too_big(pin->packet.data, pin->packet.size, arg,
                              &reply)) {
            char *actions = xasprintf("set_field:%"PRIu64"->metadata,"
                                      "resubmit(,%d)",
                                      ntohll(pin->metadata.flow.metadata),
                                      OFTABLE_ROUTING);
            ofctrl_packet_out(sw->ofctrl, reply.data, reply.size,
                              OFPP_CONTROLLER, actions);
            free(actions);
        }
        ofpbuf_uninit(&reply);
    } else if (ud[0] == GW_USERDATA_ARP) {
        /* At most 10 requests a second, however many packets wait. */
        static struct token_bucket arp_tb = TOKEN_BUCKET_INIT(1, 1000);
        struct ofpbuf request;
        ofpbuf_init(&request, 0);
        if (token_bucket_withdraw(&arp_tb, 100)
            && gateway_arp_request(pin->packet.data, pin->packet.size,
                                   htonl(pin->metadata.flow.regs[15]),
                                   &request)) {
            char *actions = xasprintf("output:%"PRIu16, arg);
            ofctrl_packet_out(sw->ofctrl, request.data, request.size,
                              OFPP_CONTROLLER, actions);
            free(actions);
        }
        ofpbuf_uninit(&request);
    }
}

/* Appends to 's' a description of the switch's state. */
void
switch_ctx_status(const struct switch_ctx *sw, struct ds *s)
{
    const struct local_state *ls = &sw->engine.local_state;

    ofctrl_status(sw->ofctrl, s);
    ds_put_format(s, "local ports: %"PRIuSIZE"\n",
                  simap_count(&ls->bindings));
    ds_put_format(s, "desired flows: %"PRIuSIZE"\n",
                  sw->engine.flows_state.table.n_flows
                  + sw->engine.si_state.table.n_flows);
}
