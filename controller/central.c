/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/central.h"
#include <errno.h>
#include <inttypes.h>
#include "controller/ofctrl.h"
#include "controller/switch.h"
#include "flow.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "simap.h"
#include "smap.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(central);

/* The OpenFlow versions a switch may speak to us: bundles need 1.4. */
#define CENTRAL_VERSIONS ((1u << OFP14_VERSION) | (1u << OFP15_VERSION))

/* Starts listening for switches on 'target', for example "ptcp:6653" or
 * "pssl:6653"; exits with a message on failure. */
struct pvconn *
central_listen(const char *target)
{
    struct pvconn *pvconn;
    int error = pvconn_open(target, CENTRAL_VERSIONS, 0, &pvconn);
    if (error) {
        VLOG_FATAL("%s: cannot listen for switches (%s)", target,
                   ovs_strerror(error));
    }
    VLOG_INFO("listening for switches on %s", target);
    return pvconn;
}

/* Accepts the switches that have connected to 'pvconn' and adds them to
 * 'switches', with flows from the northbound database 'nb' (with its index
 * of ports by name). */
void
central_accept(struct pvconn *pvconn, struct ovs_list *switches,
               struct ovsdb_idl *nb, struct ovsdb_idl_index *port_by_name)
{
    for (int i = 0; i < 16; i++) {
        struct vconn *vconn;
        int error = pvconn_accept(pvconn, &vconn);
        if (error) {
            if (error != EAGAIN) {
                static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
                VLOG_WARN_RL(&rl, "accepting a switch failed (%s)",
                             ovs_strerror(error));
            }
            return;
        }
        const char *name = vconn_get_name(vconn);
        VLOG_INFO("%s: switch connected", name);
        struct switch_ctx *sw = switch_ctx_create(
            name, ofctrl_create_accepted(vconn, name), nb, port_by_name);
        ovs_list_push_back(switches, &sw->list_node);
    }
}

static const struct nbrec_chassis *
find_chassis_by_datapath(struct ovsdb_idl *nb, uint64_t datapath_id)
{
    const struct nbrec_chassis *ch;

    NBREC_CHASSIS_FOR_EACH (ch, nb) {
        const char *s = smap_get(&ch->other_config, "datapath-id");
        unsigned long long int id;
        if (s && str_to_ullong(s, 16, &id) && id == datapath_id) {
            return ch;
        }
    }
    return NULL;
}

/* Makes the ports of 'sw' what the switch says it has, and its chassis the
 * one with its datapath ID in 'nb'.  Returns true if the switch is ready to
 * be programmed: it has told its datapath ID and ports, and a chassis is
 * configured for it. */
bool
central_read_switch(struct switch_ctx *sw, struct ovsdb_idl *nb)
{
    uint64_t dpid = ofctrl_get_datapath_id(sw->ofctrl);
    uint64_t seqno;
    const struct simap *ports = ofctrl_get_ports(sw->ofctrl, &seqno);
    if (!dpid || !ports) {
        return false;
    }

    const struct nbrec_chassis *ch = find_chassis_by_datapath(nb, dpid);
    const char *name = ch ? ch->name : NULL;
    if (!ch && !sw->unknown_warned) {
        VLOG_WARN("%s: no chassis has datapath ID %016"PRIx64" (see "
                  "datapath-id in sluice-ctl(8))", sw->name, dpid);
        sw->unknown_warned = true;
    } else if (ch && !nullable_string_is_equal(name, sw->ports.chassis)) {
        VLOG_INFO("%s: datapath ID %016"PRIx64" is chassis %s", sw->name,
                  dpid, name);
        sw->unknown_warned = false;
    }
    switch_ports_set_chassis(&sw->ports, name);

    if (seqno != sw->source_seqno) {
        sw->source_seqno = seqno;
        switch_ports_clear(&sw->ports);
        const struct simap_node *n;
        SIMAP_FOR_EACH (n, ports) {
            ofp_port_t ofport = u16_to_ofp(n->data);
            if (!switch_ports_add_named(&sw->ports, n->name, ofport)) {
                simap_put(&sw->ports.bindings, n->name, n->data);
            }
        }
    }
    return ch != NULL;
}
