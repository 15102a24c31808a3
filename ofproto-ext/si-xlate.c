/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Translation of "steer" into changes of the flow being translated, with
 * the wildcards that those changes depend on. */

#include <config.h>
#include "ofproto-ext/si-xlate.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "flow.h"
#include "hash.h"
#include "nx-match.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-actions.h"
#include "ofproto-ext/si-actions.h"
#include "ofproto-ext/si-context.h"
#include "packets.h"
#include "svec.h"
#include "util.h"

/* The hash that "steer" uses to choose a member and, with Geneve, as the
 * flow cookie: symmetric, so both directions of a connection agree. */
#define SI_HASH_FIELDS NX_HASH_FIELDS_SYMMETRIC_L4
#define SI_HASH_BASIS 0

static void OVS_PRINTF_FORMAT(2, 3)
add_note(struct svec *notes, const char *format, ...)
{
    if (notes) {
        va_list args;

        va_start(args, format);
        svec_add_nocopy(notes, xvasprintf(format, args));
        va_end(args);
    }
}

static const char *
member_state_to_string(enum si_member_state state)
{
    switch (state) {
    case SI_MEMBER_LIVE:
        return "live";
    case SI_MEMBER_DOWN:
        return "down";
    case SI_MEMBER_MISSING:
        return "no such port";
    }
    return "<unknown>";
}

/* Appends 'sf' in its text form to a new note. */
static void
add_subfield_note(struct svec *notes, const struct mf_subfield *sf,
                  uint64_t value)
{
    if (notes) {
        struct ds s = DS_EMPTY_INITIALIZER;

        mf_format_subfield(sf, &s);
        ds_put_format(&s, " is now %"PRIu64, value);
        svec_add_nocopy(notes, ds_steal_cstr(&s));
    }
}

/* Returns the symmetric hash of 'flow' that "steer" uses, and unwildcards
 * the fields that it covers in 'wc'. */
static uint32_t
steer_hash(const struct flow *flow, struct flow_wildcards *wc)
{
    flow_mask_hash_fields(flow, wc, SI_HASH_FIELDS);
    return flow_hash_fields(flow, SI_HASH_FIELDS, SI_HASH_BASIS);
}

/* Chooses the member of 'steer' to send the packet in 'flow' to, judging
 * each member with 'member_state' (which is passed 'aux'), and writes the
 * chosen member's 1-based index, or 0 if no member is live, to the action's
 * 'pin' subfield.  Stores the choice in '*choice'.
 *
 * A live member whose index the 'pin' subfield already holds is chosen.
 * Otherwise, with one live member, that member is chosen; with more, the one
 * with the highest random weight hash_2words(i, H), where 'i' is the 0-based
 * index and H the symmetric_l4 hash of 'flow' with basis 0.  This is the
 * choice that "bundle(symmetric_l4,0,hrw,ofport,members:...)" makes for the
 * same live members.  Only in this last case does 'wc' gain the hashed
 * fields.
 *
 * If 'notes' is nonnull, appends to it one line per step for
 * "ofproto/trace". */
void
si_steer_choose(const struct ofpact_steer *steer, struct flow *flow,
                struct flow_wildcards *wc,
                enum si_member_state (*member_state)(ofp_port_t, void *aux),
                void *aux, struct si_steer_choice *choice,
                struct svec *notes)
{
    bool live[SI_STEER_MAX_MEMBERS];
    unsigned int n_live = 0;
    unsigned int last_live = 0;

    ovs_assert(steer->n_members <= SI_STEER_MAX_MEMBERS);
    for (size_t i = 0; i < steer->n_members; i++) {
        enum si_member_state state = member_state(steer->members[i], aux);

        live[i] = state == SI_MEMBER_LIVE;
        if (live[i]) {
            n_live++;
            last_live = i + 1;
        }
        add_note(notes, "member %"PRIuSIZE" (port %"PRIu16"): %s",
                 i + 1, ofp_to_u16(steer->members[i]),
                 member_state_to_string(state));
    }

    /* The pin is read here and always written below, so matching on it
     * costs nothing more. */
    union mf_subvalue exact;
    memset(&exact, 0xff, sizeof exact);
    mf_write_subfield_flow(&steer->pin, &exact, &wc->masks);
    uint64_t pin = mf_get_subfield(&steer->pin, flow);

    choice->index = 0;
    choice->hashed = false;
    if (pin >= 1 && pin <= steer->n_members && live[pin - 1]) {
        choice->index = pin;
        add_note(notes, "pinned to member %"PRIu64" (port %"PRIu16")", pin,
                 ofp_to_u16(steer->members[pin - 1]));
    } else {
        if (pin) {
            add_note(notes, "pin %"PRIu64" is not a live member", pin);
        }
        if (n_live == 1) {
            choice->index = last_live;
            add_note(notes, "member %u (port %"PRIu16") is the only live "
                     "member", last_live,
                     ofp_to_u16(steer->members[last_live - 1]));
        } else if (n_live > 1) {
            uint32_t hash = steer_hash(flow, wc);
            uint32_t best_weight = 0;

            for (size_t i = 0; i < steer->n_members; i++) {
                if (live[i]) {
                    uint32_t weight = hash_2words(i, hash);

                    if (!choice->index || weight > best_weight) {
                        best_weight = weight;
                        choice->index = i + 1;
                    }
                }
            }
            choice->hashed = true;
            add_note(notes, "hashed: symmetric_l4 hash %#"PRIx32" chose "
                     "member %u (port %"PRIu16") of %u live members",
                     hash, choice->index,
                     ofp_to_u16(steer->members[choice->index - 1]), n_live);
        } else {
            add_note(notes, "no live member: falling back to table %"PRIu8,
                     steer->fallback);
        }
    }
    choice->port = (choice->index
                    ? steer->members[choice->index - 1]
                    : OFPP_NONE);

    nxm_reg_load(&steer->pin, choice->index, flow, wc);
    add_subfield_note(notes, &steer->pin, choice->index);
}

/* Writes the service context of 'steer' into the tunnel metadata of 'flow',
 * as the action's 'encap' says:
 *
 *   - Geneve: the tunnel ID is the network VNI, the low 24 bits of
 *     "metadata", and the tunnel options are replaced by the Sluice option
 *     in raw (UDPIF) form, so that no TLV mapping is needed.  The option's
 *     flow cookie is the symmetric_l4 hash, so 'wc' gains the hashed fields.
 *
 *   - VXLAN: the tunnel ID is the VXLAN context.
 *
 *   - None: 'flow' is left alone.
 *
 * The member's tunnel port supplies the rest (remote address, UDP port), and
 * must take its key from the flow ("options:key=flow"). */
void
si_steer_encap(const struct ofpact_steer *steer, struct flow *flow,
               struct flow_wildcards *wc, struct svec *notes)
{
    struct si_context ctx = {
        .chain = steer->chain,
        .hop = steer->hop,
        .reverse = steer->reverse,
    };

    switch (steer->encap) {
    case SI_ENCAP_NONE:
        add_note(notes, "no encapsulation");
        break;

    case SI_ENCAP_GENEVE: {
        struct tun_metadata *md = &flow->tunnel.metadata;

        wc->masks.metadata |= htonll(0xffffff);
        ctx.vni = ntohll(flow->metadata) & 0xffffff;
        ctx.cookie = steer_hash(flow, wc);

        flow->tunnel.tun_id = htonll(ctx.vni);
        flow->tunnel.flags |= FLOW_TNL_F_UDPIF;
        md->present.map = 0;
        md->present.len = SI_GENEVE_OPT_SIZE;
        si_context_to_geneve(&ctx, md->opts.u8);
        if (notes) {
            struct ds s = DS_EMPTY_INITIALIZER;

            ds_put_format(&s, "geneve: tun_id=%#"PRIx32", Sluice option ",
                          ctx.vni);
            si_context_format(&ctx, true, &s);
            svec_add_nocopy(notes, ds_steal_cstr(&s));
        }
        break;
    }

    case SI_ENCAP_VXLAN: {
        uint32_t vni = si_context_to_vxlan(&ctx);

        flow->tunnel.tun_id = htonll(vni);
        if (notes) {
            struct ds s = DS_EMPTY_INITIALIZER;

            ds_put_format(&s, "vxlan: tun_id=%#"PRIx32" (", vni);
            si_context_format(&ctx, false, &s);
            ds_put_char(&s, ')');
            svec_add_nocopy(notes, ds_steal_cstr(&s));
        }
        break;
    }
    }
}
