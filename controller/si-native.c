/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/si-native.h"
#include <string.h>
#include "controller/flow-table.h"
#include "controller/pipeline.h"
#include "controller/si-flows.h"
#include "controller/si-health.h"
#include "controller/si-ids.h"
#include "flow.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-port.h"
#include "packets.h"
#include "util.h"

static const struct uuid no_owner;

/* The register that holds MFF_SI_PIN, in bits 16 to 23, for matches. */
#define PIN_REG "reg12"

/* The member of "steer" that stands for an instance ID with no instance
 * to choose on this chassis (none has the ID, or it is down, disabled or
 * has no port here): an OpenFlow port number that no port has, since Open
 * vSwitch numbers ports from 1 up.  "steer" judges it "no such port". */
#define ABSENT_PORT 0xfeff

static const char *const names[] = {
    [SI_ACTIONS_AUTO] = "auto",
    [SI_ACTIONS_NATIVE] = "native",
    [SI_ACTIONS_STOCK] = "stock",
};

/* Parses 's' ("auto", "native" or "stock") into '*actions'.  Returns false
 * if 's' is none of them. */
bool
si_actions_from_string(const char *s, enum si_actions *actions)
{
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (!strcmp(s, names[i])) {
            *actions = i;
            return true;
        }
    }
    return false;
}

/* Returns the name of 'actions'. */
const char *
si_actions_to_string(enum si_actions actions)
{
    return names[actions];
}

/* Returns true if the hops of service 'svc', whose instances are those of
 * the 'n_insts' 'insts' that belong to it, are lowered to "steer" on the
 * switch of 'ctx': the switch has the native actions and the service has
 * at least one instance, all Geneve appliances or all VXLAN appliances
 * ("steer" has one encapsulation).  Port pairs keep their context in the
 * pair's conntrack zone, which "steer" does not write, so services with
 * port pairs, and in-line instances (reached through the gateway's
 * uplink, not a port of their own), use the standard lowering. */
bool
si_native_applies(const struct si_ctx *ctx, const struct nbrec_service *svc,
                  const struct nbrec_service_instance **insts, size_t n_insts)
{
    const char *type = NULL;

    if (!ctx->native) {
        return false;
    }
    for (size_t i = 0; i < n_insts; i++) {
        const struct nbrec_service_instance *inst = insts[i];
        if (inst->service != svc) {
            continue;
        }
        if ((strcmp(inst->type, "geneve") && strcmp(inst->type, "vxlan"))
            || (type && strcmp(type, inst->type))) {
            return false;
        }
        type = inst->type;
    }
    return type != NULL;
}

/* Returns the actions that commit the value of MFF_SI_PIN as the choice of
 * hop 'hop', into the hop's byte of ct_label.  The caller must free it. */
static char *
commit_choice(int hop)
{
    return xasprintf("ct(commit,zone="MFF_SI_ZONE",exec(move:"MFF_SI_PIN"->"
                     "NXM_NX_CT_LABEL[%d..%d]))", 8 * (hop - 1), 8 * hop - 1);
}

/* Adds the flows that every chassis with native service insertion needs:
 * the commit of the instance that "steer" chose, or of a skipped hop, to
 * the hop's byte of ct_label, as OFTABLE_SI_PIN does for the standard
 * lowering. */
void
si_native_static(struct flow_table *t, const struct si_ctx *ctx OVS_UNUSED)
{
    const struct uuid *o = &no_owner;

    flow_table_add(t, o, OFTABLE_SI_CHOOSE, 0, "", "drop");
    flow_table_add(t, o, OFTABLE_SI_FALLBACK, 0, "", "drop");

    /* No instance, and no fail-open: nothing to commit, so that the pin
     * of a connection whose instance is down stays for when it is back. */
    flow_table_add(t, o, OFTABLE_SI_CHOSEN, 110, PIN_REG"=0/0xff0000",
                   "drop");
    for (int hop = 1; hop <= 15; hop++) {
        for (int v6 = 0; v6 < 2; v6++) {
            const char *family = v6 ? "ipv6" : "ip";
            char *commit = commit_choice(hop);
            char *match = xasprintf(MFF_SI_CONTEXT"=0x%x/0xff00,%s,"
                                    PIN_REG"=0x%x/0xff0000",
                                    hop << 8, family, SI_PIN_SKIP << 16);
            flow_table_add_format(t, o, OFTABLE_SI_CHOSEN, 105, match,
                                  "%s,resubmit(,%d)", commit,
                                  OFTABLE_SI_NEXT);
            free(match);
            match = xasprintf(MFF_SI_CONTEXT"=0x%x/0xff00,%s", hop << 8,
                              family);
            flow_table_add(t, o, OFTABLE_SI_CHOSEN, 100, match, commit);
            free(match);
            free(commit);
        }
    }
    flow_table_add(t, o, OFTABLE_SI_CHOSEN, 0, "", "drop");
}

/* Returns the instance of 'svc' among the 'n' 'insts' whose ID is 'id', or
 * NULL. */
static const struct nbrec_service_instance *
find_instance(const struct nbrec_service_instance **insts, size_t n,
              int64_t id)
{
    for (size_t i = 0; i < n; i++) {
        if (insts[i]->id == id) {
            return insts[i];
        }
    }
    return NULL;
}

/* Returns true if 'inst' can be chosen on this chassis: its port is here
 * and its health is up.  (Whether it is enabled is up to the caller.) */
static bool
instance_up(const struct si_ctx *ctx,
            const struct nbrec_service_instance *inst)
{
    return (si_instance_usable(ctx, inst)
            && si_health_is_up(ctx->health, inst));
}

static bool
instance_enabled(const struct nbrec_service_instance *inst)
{
    return !inst->n_enabled || inst->enabled[0];
}

/* Appends to 'actions' a "steer" for hop 'h' in direction 'reverse' whose
 * member i is the port of the instance with ID i among the 'n' 'insts' if
 * that instance is up and either enabled or has ID 'pinned', and otherwise
 * ABSENT_PORT.  Member indexes are instance IDs, so that the pin in
 * ct_label and the hash's weights are the same as for the standard
 * lowering's groups, whose bucket IDs are the instance IDs. */
static void
put_steer(struct ds *actions, const struct si_ctx *ctx,
          const struct si_hop *h, int reverse,
          const struct nbrec_service_instance **insts, size_t n,
          int64_t pinned)
{
    int64_t max_id = 0;
    for (size_t i = 0; i < n; i++) {
        max_id = MAX(max_id, insts[i]->id);
    }

    ds_put_format(actions, "steer(chain=%"PRId64",hop=%d,%sencap=%s,"
                  "pin="MFF_SI_PIN",fallback=%d,members:", h->chain->id,
                  h->hop, reverse ? "reverse," : "", insts[0]->type,
                  OFTABLE_SI_FALLBACK);
    for (int64_t id = 1; id <= max_id; id++) {
        const struct nbrec_service_instance *inst = find_instance(insts, n,
                                                                  id);
        uint16_t port = ABSENT_PORT;
        if (inst && instance_up(ctx, inst)
            && (instance_enabled(inst) || id == pinned)) {
            port = ofp_to_u16(si_instance_port(ctx, inst, true));
        }
        ds_put_format(actions, "%s%"PRIu16, id > 1 ? "," : "", port);
    }
    ds_put_format(actions, "),resubmit(,%d)", OFTABLE_SI_CHOSEN);
}

/* Adds the flows of the hops where service 'svc' is used, the 'n_hops'
 * 'hops', given its 'n' instances 'insts' (sorted by ID, all appliances of
 * one kind, see si_native_applies()), and the group that handles the
 * packets too big for their encapsulation:
 *
 *   - OFTABLE_SI_HOP loads the instance pinned in ct_label and checks the
 *     packet's size;
 *   - OFTABLE_SI_CHOOSE steers it, or goes on to the next hop if the hop is
 *     pinned as skipped, or (too big) sends it to the controller if an
 *     instance is live;
 *   - OFTABLE_SI_FALLBACK skips the hop if the service fails open and no
 *     instance is live, and sends packets too big to the controller (from
 *     the group, which sees whether an instance is live);
 *   - OFTABLE_SI_CHOSEN (si_native_static()) commits the choice.
 *
 * An instance that is disabled keeps its pinned connections, as in the
 * standard lowering: their packets see it as a member, new connections do
 * not. */
void
si_native_service(struct flow_table *t, const struct si_ctx *ctx,
                  const struct nbrec_service *svc,
                  const struct nbrec_service_instance **insts, size_t n,
                  const struct si_hop *hops, size_t n_hops)
{
    const struct uuid *owner = &svc->header_.uuid;
    bool fail_open = !strcmp(svc->failure_mode, "fail-open");
    int mtu = si_appliance_mtu(ctx, insts[0]->type);
    uint32_t big_group = si_ids_get(ctx->ids, owner, SI_ID_SERVICE_GROUP);
    struct ds match = DS_EMPTY_INITIALIZER;
    struct ds actions = DS_EMPTY_INITIALIZER;

    /* Packets too big for the encapsulation: the controller answers them if
     * an instance could take them (one that is enabled, or the disabled one
     * that the connection is pinned to), otherwise the service fails open
     * or closed. */
    ds_put_cstr(&actions, "type=ff");
    for (size_t i = 0; i < n; i++) {
        if (instance_up(ctx, insts[i]) && instance_enabled(insts[i])) {
            ds_put_format(&actions, ",bucket=watch_port:%"PRIu16","
                          "actions=resubmit(,%d)",
                          ofp_to_u16(si_instance_port(ctx, insts[i], true)),
                          OFTABLE_SI_FALLBACK);
        }
    }
    ds_put_format(&actions, ",bucket=watch_group:%d,actions=",
                  SI_GROUP_ALWAYS);
    if (fail_open) {
        ds_put_format(&actions, "load:%d->"MFF_SI_PIN",resubmit(,%d)",
                      SI_PIN_SKIP, OFTABLE_SI_CHOSEN);
    } else {
        ds_put_cstr(&actions, "drop");
    }
    flow_table_add_group(t, owner, big_group, 1, ds_cstr(&actions));

    for (size_t i = 0; i < n_hops; i++) {
        const struct si_hop *h = &hops[i];
        uint32_t context = (uint32_t) h->chain->id << 16 | h->hop << 8;
        int shift = 8 * (h->hop - 1);

        ds_clear(&match);
        ds_put_format(&match, MFF_SI_CONTEXT"=0x%"PRIx32"/0xffffff00",
                      context);
        flow_table_add_format(t, owner, OFTABLE_SI_HOP, 100, ds_cstr(&match),
                              "move:NXM_NX_CT_LABEL[%d..%d]->"MFF_SI_PIN","
                              "check_pkt_larger(%d)->NXM_NX_REG10[2],"
                              "resubmit(,%d)", shift, shift + 7,
                              mtu + ETH_HEADER_LEN, OFTABLE_SI_CHOOSE);
        if (fail_open) {
            flow_table_add_format(t, owner, OFTABLE_SI_FALLBACK, 100,
                                  ds_cstr(&match), "load:%d->"MFF_SI_PIN,
                                  SI_PIN_SKIP);
        }
        ds_put_cstr(&match, ","MFF_FLAGS"="FLAG_SI_BIG);
        flow_table_add_format(t, owner, OFTABLE_SI_FALLBACK, 110,
                              ds_cstr(&match),
                              "controller(userdata=%02x.%02x.%02x)",
                              SI_USERDATA_TOO_BIG, mtu >> 8, mtu & 0xff);
        ds_clear(&match);
        ds_put_format(&match, MFF_SI_CONTEXT"=0x%"PRIx32"/0xffffff00",
                      context);

        ds_put_format(&match, ","PIN_REG"=0x%x/0xff0000",
                      SI_PIN_SKIP << 16);
        flow_table_add_format(t, owner, OFTABLE_SI_CHOOSE, 120,
                              ds_cstr(&match), "resubmit(,%d)",
                              OFTABLE_SI_NEXT);

        ds_clear(&match);
        ds_put_format(&match, MFF_SI_CONTEXT"=0x%"PRIx32"/0xffffff00,"
                      MFF_FLAGS"="FLAG_SI_BIG, context);
        flow_table_add_format(t, owner, OFTABLE_SI_CHOOSE, 110,
                              ds_cstr(&match), "group:%"PRIu32, big_group);

        for (int reverse = 0; reverse < 2; reverse++) {
            ds_clear(&match);
            ds_put_format(&match, MFF_SI_CONTEXT"=0x%"PRIx32"/0xffffff01",
                          context | reverse);
            ds_clear(&actions);
            put_steer(&actions, ctx, h, reverse, insts, n, 0);
            flow_table_add(t, owner, OFTABLE_SI_CHOOSE, 100, ds_cstr(&match),
                           ds_cstr(&actions));

            /* Connections pinned to a disabled instance. */
            for (size_t j = 0; j < n; j++) {
                const struct nbrec_service_instance *inst = insts[j];
                if (instance_enabled(inst) || !instance_up(ctx, inst)) {
                    continue;
                }
                ds_clear(&match);
                ds_put_format(&match, MFF_SI_CONTEXT"=0x%"PRIx32"/0xffffff01,"
                              PIN_REG"=0x%"PRIx64"/0xff0000",
                              context | reverse, inst->id << 16);
                ds_clear(&actions);
                put_steer(&actions, ctx, h, reverse, insts, n, inst->id);
                flow_table_add(t, owner, OFTABLE_SI_CHOOSE, 105,
                               ds_cstr(&match), ds_cstr(&actions));
            }
        }

        /* Packets too big of connections pinned to a disabled instance:
         * too big while it is live. */
        for (size_t j = 0; j < n; j++) {
            const struct nbrec_service_instance *inst = insts[j];
            if (instance_enabled(inst) || !instance_up(ctx, inst)) {
                continue;
            }
            uint32_t group = si_ids_get(ctx->ids, &inst->header_.uuid,
                                        SI_ID_INSTANCE_GROUP);
            ds_clear(&actions);
            ds_put_format(&actions, "type=ff,bucket=watch_port:%"PRIu16","
                          "actions=resubmit(,%d),bucket=watch_group:%d,"
                          "actions=group:%"PRIu32,
                          ofp_to_u16(si_instance_port(ctx, inst, true)),
                          OFTABLE_SI_FALLBACK, SI_GROUP_ALWAYS, big_group);
            flow_table_add_group(t, owner, group, 2, ds_cstr(&actions));
            ds_clear(&match);
            ds_put_format(&match, MFF_SI_CONTEXT"=0x%"PRIx32"/0xffffff00,"
                          MFF_FLAGS"="FLAG_SI_BIG","
                          PIN_REG"=0x%"PRIx64"/0xff0000", context,
                          inst->id << 16);
            flow_table_add_format(t, owner, OFTABLE_SI_CHOOSE, 115,
                                  ds_cstr(&match), "group:%"PRIu32, group);
        }
    }
    ds_destroy(&match);
    ds_destroy(&actions);
}

/* Adds the flows of appliance 'inst', whose service is used at the 'n_hops'
 * 'hops' and lowered natively, if 'steering': packets that it returns are
 * accepted with their context, which must name one of those hops; and
 * those that "steer" sent to it commit their choice through flows of its
 * own in OFTABLE_SI_CHOSEN, whose statistics are its counters, as the
 * standard lowering's OFTABLE_SI_SEND flows are. */
void
si_native_instance(struct flow_table *t, const struct si_ctx *ctx,
                   const struct nbrec_service_instance *inst,
                   const struct si_hop *hops, size_t n_hops, bool steering)
{
    const struct uuid *owner = &inst->header_.uuid;

    if (!steering || !si_instance_usable(ctx, inst)) {
        return;
    }

    uint16_t port = ofp_to_u16(si_instance_port(ctx, inst, true));
    char *match = xasprintf("in_port=%"PRIu16, port);
    flow_table_add_format(t, owner, OFTABLE_CLASSIFY, 100, match,
                          "accept(encap=%s,chain=NXM_NX_REG11[16..27],"
                          "hop=NXM_NX_REG11[8..11],reverse=NXM_NX_REG11[0],"
                          "next=%d)", inst->type, OFTABLE_SI_ACCEPT);
    flow_table_add(t, owner, OFTABLE_SI_ACCEPT, 1, match, "drop");
    free(match);

    for (size_t i = 0; i < n_hops; i++) {
        match = xasprintf("in_port=%"PRIu16","MFF_SI_CONTEXT"=0x%"PRIx32
                          "/0xffffff00", port,
                          (uint32_t) hops[i].chain->id << 16
                          | hops[i].hop << 8);
        flow_table_add_format(t, owner, OFTABLE_SI_ACCEPT, 100, match,
                              "set_field:0x2/0x3->"MFF_FLAGS","
                              "resubmit(,%d)", OFTABLE_SI_RETURN);
        free(match);

        char *commit = commit_choice(hops[i].hop);
        for (int v6 = 0; v6 < 2; v6++) {
            match = xasprintf(MFF_SI_CONTEXT"=0x%"PRIx32"/0xffffff00,%s,"
                              PIN_REG"=0x%"PRIx64"/0xff0000",
                              (uint32_t) hops[i].chain->id << 16
                              | hops[i].hop << 8, v6 ? "ipv6" : "ip",
                              inst->id << 16);
            flow_table_add(t, owner, OFTABLE_SI_CHOSEN, 102, match, commit);
            free(match);
        }
        free(commit);
    }
}
