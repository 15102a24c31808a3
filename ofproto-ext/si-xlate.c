/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Translation of "steer" and "accept" into changes of the flow being
 * translated, with the wildcards that those changes depend on. */

#include <config.h>
#include "ofproto-ext/si-xlate.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "coverage.h"
#include "flow.h"
#include "hash.h"
#include "nx-match.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/geneve.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-actions.h"
#include "ofproto-ext/si-actions.h"
#include "ofproto-ext/si-context.h"
#include "packets.h"
#include "svec.h"
#include "tun-metadata.h"
#include "util.h"

COVERAGE_DEFINE(sluice_accept_invalid);

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
 * with the highest score hash_int(i, H) & 0xffff, where 'i' is the 1-based
 * index and H the symmetric_l4 hash of 'flow' with basis 0, the later member
 * on a tie.  This is the choice of a select group with the default selection
 * method (or "selection_method=hash" without fields) whose buckets have IDs
 * 1, 2, ... in member order and equal weights, for the same live members:
 * the standard OpenFlow that the controller lowers service insertion to
 * makes the same choice.  Only in this last case does 'wc' gain the hashed
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
            uint32_t best_score = 0;

            for (size_t i = 0; i < steer->n_members; i++) {
                if (live[i]) {
                    uint32_t score = hash_int(i + 1, hash) & 0xffff;

                    if (score >= best_score) {
                        best_score = score;
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
 *     flow cookie is the low 16 bits of the symmetric_l4 hash (what
 *     "multipath(symmetric_l4,0,modulo_n,65536,...)" computes), so 'wc'
 *     gains the hashed fields.
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
        ctx.cookie = steer_hash(flow, wc) & 0xffff;

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

/* Unwildcards in 'wc' the TLV-mapped tunnel metadata field that holds the
 * option at offset 'ofs' of the 'size' bytes of options 'opts' that
 * tun_metadata_to_geneve_header() produced from 'flow'.  That function emits
 * the options in the order of their fields' indexes, which is how the
 * option's position gives its field. */
static void
mask_mapped_option(const struct flow *flow, const uint8_t *opts, size_t size,
                   size_t ofs, struct flow_wildcards *wc)
{
    uint64_t map = flow->tunnel.metadata.present.map;
    size_t pos = 0;

    while (pos < ofs && pos + 4 <= size && map) {
        pos += 4 + (opts[pos + 3] & 0x1f) * 4;
        map = zero_rightmost_1bit(map);
    }
    if (pos == ofs && map && wc->masks.tunnel.metadata.tab) {
        int idx = rightmost_1bit_idx(map);

        mf_mask_field(mf_from_id(MFF_TUN_METADATA0 + idx), wc);
    }
}

/* Decodes the service context of the packet in 'flow' as 'accept' says and,
 * if it is valid, loads it into the action's destination subfields and, for
 * Geneve, the network VNI into "metadata".  Returns true if the context was
 * valid, false if the packet must be dropped.
 *
 * For Geneve, the options are those that the packet arrived with: if
 * 'upcall_flow' has them in raw (UDPIF) form, they are read from there,
 * whether a TLV map covers the Sluice option or not, and '*read_raw_options'
 * is set to true, telling the caller to apply si_accept_mask_raw_options()
 * to the final wildcards.  Otherwise (for example in "ofproto/trace" with
 * "tun_metadata" fields) they come from the TLV-mapped fields of 'flow'.
 *
 * An invalid context increments the coverage counter sluice_accept_invalid
 * if 'count_invalid' is true, that is, when the translation is for a packet
 * and not, say, for revalidation.
 *
 * If 'notes' is nonnull, appends to it lines for "ofproto/trace". */
bool
si_accept_execute(const struct ofpact_accept *accept,
                  const struct flow *upcall_flow, struct flow *flow,
                  struct flow_wildcards *wc, bool count_invalid,
                  bool *read_raw_options, struct svec *notes)
{
    enum si_context_error error;
    struct si_context ctx;
    const char *source;

    if (accept->encap == SI_ENCAP_VXLAN) {
        wc->masks.tunnel.tun_id = OVS_BE64_MAX;
        error = si_context_from_vxlan(ntohll(flow->tunnel.tun_id), &ctx);
        source = "VXLAN VNI";
    } else if (upcall_flow->tunnel.flags & FLOW_TNL_F_UDPIF) {
        const struct tun_metadata *md = &upcall_flow->tunnel.metadata;
        size_t ofs;

        error = si_context_from_geneve(md->opts.u8, md->present.len, &ctx,
                                       &ofs);
        *read_raw_options = true;
        source = "Geneve options";
    } else {
        struct geneve_opt opts[TLV_TOT_OPT_SIZE / sizeof(struct geneve_opt)];
        const uint8_t *p = NULL;
        size_t size = 0;
        size_t ofs;

        if (flow->tunnel.metadata.present.map && flow->tunnel.metadata.tab) {
            bool crit_opt;

            size = tun_metadata_to_geneve_header(&flow->tunnel, opts,
                                                 &crit_opt);
            p = (const uint8_t *) opts;
        }
        error = si_context_from_geneve(p, size, &ctx, &ofs);
        if (ofs < size) {
            mask_mapped_option(flow, p, size, ofs, wc);
        }
        source = "Geneve options (TLV-mapped)";
    }

    if (error) {
        if (count_invalid) {
            COVERAGE_INC(sluice_accept_invalid);
        }
        add_note(notes, "dropping packet: invalid service context in %s: %s",
                 source, si_context_error_to_string(error));
        return false;
    }

    if (notes) {
        struct ds s = DS_EMPTY_INITIALIZER;

        ds_put_format(&s, "%s: ", source);
        si_context_format(&ctx, accept->encap == SI_ENCAP_GENEVE, &s);
        svec_add_nocopy(notes, ds_steal_cstr(&s));
    }

    nxm_reg_load(&accept->chain, ctx.chain, flow, wc);
    add_subfield_note(notes, &accept->chain, ctx.chain);
    nxm_reg_load(&accept->hop, ctx.hop, flow, wc);
    add_subfield_note(notes, &accept->hop, ctx.hop);
    nxm_reg_load(&accept->reverse, ctx.reverse, flow, wc);
    add_subfield_note(notes, &accept->reverse, ctx.reverse);
    if (accept->encap == SI_ENCAP_GENEVE) {
        flow->metadata = htonll(ctx.vni);
        wc->masks.metadata = OVS_BE64_MAX;
        add_note(notes, "metadata is now %#"PRIx32, ctx.vni);
    }
    return true;
}

/* Makes 'mask', the final wildcards of the tunnel for a packet whose raw
 * (UDPIF) Geneve options were read by si_accept_execute() from 'upcall_tnl',
 * match everything that the decision depended on: the header of every option
 * up to the first with the Sluice class and type, and all of that option but
 * the flow cookie of a well-formed one (which "accept" does not look at, so
 * that the connections of one context share a datapath flow); or the header
 * of every option if there is none.  Together with the exact options length,
 * this pins the option's position and the context in it.
 *
 * Call this after the mapped-field wildcards have been converted to the raw
 * form, which would otherwise drop the bits of an option that no TLV map
 * covers. */
void
si_accept_mask_raw_options(const struct flow_tnl *upcall_tnl,
                           struct flow_tnl *mask)
{
    const struct tun_metadata *md = &upcall_tnl->metadata;
    const uint8_t *opts = md->opts.u8;
    uint8_t *masks = mask->metadata.opts.u8;
    size_t size = md->present.len;
    struct si_context ctx;
    size_t ofs, pos;

    si_context_from_geneve(opts, size, &ctx, &ofs);
    pos = 0;
    while (pos + 4 <= size) {
        size_t opt_size = 4 + (opts[pos + 3] & 0x1f) * 4;

        if (opt_size > size - pos) {
            break;
        }
        masks[pos] = masks[pos + 1] = masks[pos + 2] = 0xff;
        masks[pos + 3] |= 0x1f;
        if (pos == ofs) {
            memset(&masks[pos + 4], 0xff,
                   (opt_size == SI_GENEVE_OPT_SIZE
                    ? opt_size - 4 - sizeof(ovs_be32) : opt_size - 4));
            break;
        }
        pos += opt_size;
    }
    mask->metadata.present.len = 0xff;
    mask->flags |= FLOW_TNL_F_UDPIF;
}
