/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * OpenFlow encoding, text syntax and validation of the "steer" and "accept"
 * actions.  lib/ofp-actions.c keeps only the one-line glue that its action
 * tables need and calls the functions here. */

#include <config.h>
#include "ofproto-ext/si-actions.h"

#include <inttypes.h>
#include <string.h>

#include "colors.h"
#include "flow.h"
#include "nx-match.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/meta-flow.h"
#include "openvswitch/ofp-parse.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofp-table.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/vlog.h"
#include "ofproto-ext/si-context.h"
#include "unaligned.h"
#include "util.h"
#include "vl-mff-map.h"

VLOG_DEFINE_THIS_MODULE(si_actions);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

/* Returns the name of 'encap' in the actions' text syntax. */
const char *
si_encap_to_string(enum si_encap encap)
{
    switch (encap) {
    case SI_ENCAP_NONE:
        return "none";
    case SI_ENCAP_GENEVE:
        return "geneve";
    case SI_ENCAP_VXLAN:
        return "vxlan";
    }
    return "<unknown>";
}

static bool
si_encap_from_string(const char *s, enum si_encap *encap)
{
    if (!strcmp(s, "none")) {
        *encap = SI_ENCAP_NONE;
    } else if (!strcmp(s, "geneve")) {
        *encap = SI_ENCAP_GENEVE;
    } else if (!strcmp(s, "vxlan")) {
        *encap = SI_ENCAP_VXLAN;
    } else {
        return false;
    }
    return true;
}

/* Returns true if 'table_id' may be the target of "fallback" or "next": a
 * real table, not 255, which OpenFlow reserves. */
static bool
is_table_valid(unsigned int table_id)
{
    return table_id < 255;
}

/* Returns true if 'port' may be a member of "steer": an ordinary OpenFlow
 * port, not a reserved one such as "in_port", "local" or "controller". */
static bool
is_member_valid(ofp_port_t port)
{
    return ofp_to_u16(port) > 0 && ofp_to_u16(port) < ofp_to_u16(OFPP_MAX);
}

/* Returns the largest member index that a 'pin' subfield 'n_bits' wide can
 * hold. */
static unsigned int
pin_capacity(int n_bits)
{
    return n_bits >= 16 ? UINT16_MAX : (1u << n_bits) - 1;
}

/* Checks the 'pin' subfield of a "steer" with 'n_members' members.  Returns 0
 * if it is fine, otherwise an OpenFlow error, and in '*msgp' (if nonnull) a
 * static message that says why. */
static enum ofperr
check_pin(const struct mf_subfield *pin, unsigned int n_members,
          const char **msgp)
{
    const char *msg = NULL;
    enum ofperr error = mf_check_dst(pin, NULL);

    if (error) {
        msg = "pin is not a writable subfield";
    } else if (pin->n_bits < SI_STEER_MIN_PIN_BITS) {
        msg = "pin must be at least 4 bits wide";
        error = OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    } else if (pin->n_bits > SI_STEER_MAX_PIN_BITS) {
        msg = "pin must be at most 64 bits wide";
        error = OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    } else if (n_members > pin_capacity(pin->n_bits)) {
        msg = "pin is too narrow for the member indexes";
        error = OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    if (msgp) {
        *msgp = msg;
    }
    return error;
}

/* Checks one destination subfield 'sf' of "accept", named 'name', which must
 * be at least 'min_bits' wide.  On error, stores in '*msgp' a malloc()'d
 * message for the caller to free. */
static enum ofperr
check_accept_dst(const struct mf_subfield *sf, const char *name,
                 int min_bits, char **msgp)
{
    enum ofperr error = mf_check_dst(sf, NULL);

    *msgp = NULL;
    if (error) {
        *msgp = xasprintf("accept: %s is not a writable subfield", name);
    } else if (sf->n_bits < min_bits) {
        *msgp = xasprintf("accept: %s must be at least %d bit%s wide",
                          name, min_bits, min_bits > 1 ? "s" : "");
        error = OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    } else if (sf->n_bits > 64) {
        *msgp = xasprintf("accept: %s must be at most 64 bits wide", name);
        error = OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    return error;
}

/* Pulls an NXM or OXM header from 'b' into 'sf->field', for a subfield of
 * an action named 'action'.  A header that is truncated is a bad length, an
 * unknown or masked field a bad destination type or argument. */
static enum ofperr
pull_subfield_header(struct ofpbuf *b, const struct vl_mff_map *vl_mff_map,
                     uint64_t *tlv_bitmap, const char *action,
                     const char *name, struct mf_subfield *sf)
{
    enum ofperr error;
    bool masked;

    if (b->size < 4) {
        VLOG_WARN_RL(&rl, "%s: action is too short for the %s field",
                     action, name);
        return OFPERR_OFPBAC_BAD_LEN;
    }
    error = mf_vl_mff_nx_pull_header(b, vl_mff_map, &sf->field, &masked,
                                     tlv_bitmap);
    if (error == OFPERR_OFPBMC_BAD_LEN) {
        VLOG_WARN_RL(&rl, "%s: action is too short for the %s field",
                     action, name);
        return OFPERR_OFPBAC_BAD_LEN;
    } else if (error == OFPERR_OFPBMC_BAD_FIELD) {
        VLOG_WARN_RL(&rl, "%s: unknown %s field", action, name);
        return OFPERR_OFPBAC_BAD_SET_TYPE;
    } else if (error) {
        VLOG_WARN_RL(&rl, "%s: bad %s field (%s)",
                     action, name, ofperr_get_name(error));
        return error;
    } else if (masked) {
        VLOG_WARN_RL(&rl, "%s: %s field may not be masked", action, name);
        return OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    return 0;
}

/* Checks that the 'size' bytes at 'pad', which pad an action named 'action'
 * to a multiple of 8 bytes, are fewer than 8 and all zero. */
static enum ofperr
check_padding(const char *action, const void *pad, size_t size)
{
    if (size >= 8) {
        VLOG_WARN_RL(&rl, "%s: %"PRIuSIZE" bytes beyond the end of the "
                     "action", action, size);
        return OFPERR_OFPBAC_BAD_LEN;
    } else if (!is_all_zeros(pad, size)) {
        VLOG_WARN_RL(&rl, "%s: nonzero padding", action);
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    }
    return 0;
}

/* Pads the action that starts at 'start_ofs' in 'openflow' to a multiple of 8
 * bytes and sets its length, the second 16-bit word of every action. */
static void
finish_action(struct ofpbuf *openflow, size_t start_ofs)
{
    ovs_be16 *len;

    ofpbuf_put_zeros(openflow, PAD_SIZE(openflow->size - start_ofs, 8));
    len = ofpbuf_at_assert(openflow, start_ofs + 2, sizeof *len);
    *len = htons(openflow->size - start_ofs);
}

/* Parses 's' as a table for argument 'name' of 'action' into '*table_id'. */
static char * OVS_WARN_UNUSED_RESULT
parse_table(const char *action, const char *name, const char *s,
            const struct ofpact_parse_params *pp, int *table_id)
{
    uint8_t id;

    if (!ofputil_table_from_string(s, pp->table_map, &id)) {
        return xasprintf("%s: %s: unknown table \"%s\"", action, name, s);
    } else if (!is_table_valid(id)) {
        return xasprintf("%s: %s: table must be 0 to 254", action, name);
    }
    *table_id = id;
    return NULL;
}

/* "steer". */

/* Decodes 'nas' into a new OFPACT_STEER in 'ofpacts'.  Everything that can be
 * checked without the flow's match is checked here. */
enum ofperr
si_steer_decode(const struct nx_action_steer *nas,
                const struct vl_mff_map *vl_mff_map, uint64_t *tlv_bitmap,
                struct ofpbuf *ofpacts)
{
    struct ofpbuf b = ofpbuf_const_initializer(nas, ntohs(nas->len));
    struct mf_subfield pin;
    unsigned int n_members;
    struct ofpact_steer *steer;
    const char *msg;
    enum ofperr error;

    uint16_t chain = ntohs(nas->chain);
    if (chain < SI_CHAIN_MIN || chain > SI_CHAIN_MAX) {
        VLOG_WARN_RL(&rl, "steer: chain key %"PRIu16" is not in the range "
                     "1 to 4095", chain);
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    } else if (nas->hop < SI_HOP_MIN || nas->hop > SI_HOP_MAX) {
        VLOG_WARN_RL(&rl, "steer: hop %"PRIu8" is not in the range 1 to 15",
                     nas->hop);
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    } else if (nas->flags & ~SI_STEER_F_REVERSE) {
        VLOG_WARN_RL(&rl, "steer: unknown flags %#"PRIx8, nas->flags);
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    } else if (nas->encap != SI_ENCAP_NONE
               && nas->encap != SI_ENCAP_GENEVE
               && nas->encap != SI_ENCAP_VXLAN) {
        VLOG_WARN_RL(&rl, "steer: unknown encapsulation %"PRIu8, nas->encap);
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    } else if (!is_table_valid(nas->fallback)) {
        VLOG_WARN_RL(&rl, "steer: fallback table must be 0 to 254");
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    } else if (!is_all_zeros(nas->zero, sizeof nas->zero)) {
        VLOG_WARN_RL(&rl, "steer: reserved bytes are nonzero");
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    }

    n_members = ntohs(nas->n_members);
    if (!n_members || n_members > SI_STEER_MAX_MEMBERS) {
        VLOG_WARN_RL(&rl, "steer: %u members (must be 1 to %d)",
                     n_members, SI_STEER_MAX_MEMBERS);
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    }

    ofpbuf_pull(&b, sizeof *nas);
    pin.ofs = nxm_decode_ofs(nas->pin_ofs_nbits);
    pin.n_bits = nxm_decode_n_bits(nas->pin_ofs_nbits);
    error = pull_subfield_header(&b, vl_mff_map, tlv_bitmap, "steer", "pin",
                                 &pin);
    if (error) {
        return error;
    }

    if (b.size < n_members * sizeof(ovs_be16)) {
        VLOG_WARN_RL(&rl, "steer: %"PRIu32" bytes left for %u members",
                     b.size, n_members);
        return OFPERR_OFPBAC_BAD_LEN;
    }
    const ovs_be16 *wire_members = ofpbuf_pull(&b, n_members
                                               * sizeof(ovs_be16));
    error = check_padding("steer", b.data, b.size);
    if (error) {
        return error;
    }

    for (size_t i = 0; i < n_members; i++) {
        uint16_t port = ntohs(get_unaligned_be16(&wire_members[i]));

        if (!is_member_valid(u16_to_ofp(port))) {
            VLOG_WARN_RL(&rl, "steer: member %"PRIuSIZE" is not a valid "
                         "port (%"PRIu16")", i + 1, port);
            return OFPERR_OFPBAC_BAD_OUT_PORT;
        }
    }

    error = check_pin(&pin, n_members, &msg);
    if (error) {
        VLOG_WARN_RL(&rl, "steer: %s", msg);
        return error;
    }

    steer = ofpact_put_STEER(ofpacts);
    steer->chain = chain;
    steer->hop = nas->hop;
    steer->reverse = (nas->flags & SI_STEER_F_REVERSE) != 0;
    steer->encap = nas->encap;
    steer->fallback = nas->fallback;
    steer->pin = pin;
    steer->n_members = n_members;
    for (size_t i = 0; i < n_members; i++) {
        ofp_port_t port = u16_to_ofp(ntohs(get_unaligned_be16(
                                               &wire_members[i])));
        ofpbuf_put(ofpacts, &port, sizeof port);
    }
    steer = ofpacts->header;
    ofpact_finish_STEER(ofpacts, &steer);
    return 0;
}

/* Completes the NXAST_STEER action for 'steer' whose fixed part starts at
 * 'start_ofs' in 'openflow' (where put_NXAST_STEER() put it). */
void
si_steer_encode(const struct ofpact_steer *steer, size_t start_ofs,
                struct ofpbuf *openflow)
{
    struct nx_action_steer *nas;

    nas = ofpbuf_at_assert(openflow, start_ofs, sizeof *nas);
    nas->chain = htons(steer->chain);
    nas->hop = steer->hop;
    nas->flags = steer->reverse ? SI_STEER_F_REVERSE : 0;
    nas->encap = steer->encap;
    nas->fallback = steer->fallback;
    nas->pin_ofs_nbits = nxm_encode_ofs_nbits(steer->pin.ofs,
                                              steer->pin.n_bits);
    nas->n_members = htons(steer->n_members);

    nx_put_mff_header(openflow, steer->pin.field, 0, false);
    for (size_t i = 0; i < steer->n_members; i++) {
        ovs_be16 port = htons(ofp_to_u16(steer->members[i]));
        ofpbuf_put(openflow, &port, sizeof port);
    }
    finish_action(openflow, start_ofs);
}

/* Parses the argument of "steer(...)" in 'arg' into a new OFPACT_STEER in
 * 'pp->ofpacts'.  Returns NULL if successful, otherwise a malloc()'d error
 * message for the caller to free.  See docs/ofproto-ext.md for the syntax. */
char * OVS_WARN_UNUSED_RESULT
si_steer_parse(char *arg, const struct ofpact_parse_params *pp)
{
    struct ofpact_steer *steer = ofpact_put_STEER(pp->ofpacts);
    size_t steer_ofs = (char *) steer - (char *) pp->ofpacts->data;
    int chain = -1, hop = -1, fallback = -1;
    bool have_encap = false;
    bool reverse = false;
    enum si_encap encap = SI_ENCAP_NONE;
    struct mf_subfield pin = { .field = NULL };
    bool in_members = false;
    unsigned int n_members = 0;
    char *key, *value;
    char *error;

    while (ofputil_parse_key_value(&arg, &key, &value)) {
        if (in_members) {
            ofp_port_t port;

            if (*value) {
                return xasprintf("steer: members must be the last argument "
                                 "(found \"%s\" after them)", key);
            }
            value = key;
            if (!ofputil_port_from_string(value, pp->port_map, &port)) {
                return xasprintf("steer: %s: unknown port", value);
            } else if (!is_member_valid(port)) {
                return xasprintf("steer: %s: not a valid member port", value);
            }
            ofpbuf_put(pp->ofpacts, &port, sizeof port);
            n_members++;
        } else if (!strcmp(key, "chain")) {
            uint16_t x;

            error = str_to_u16(value, "chain", &x);
            if (error) {
                return error;
            }
            chain = x;
        } else if (!strcmp(key, "hop")) {
            uint8_t x;

            error = str_to_u8(value, "hop", &x);
            if (error) {
                return error;
            }
            hop = x;
        } else if (!strcmp(key, "reverse")) {
            if (*value) {
                return xstrdup("steer: reverse takes no value");
            }
            reverse = true;
        } else if (!strcmp(key, "encap")) {
            if (!si_encap_from_string(value, &encap)) {
                return xasprintf("steer: unknown encapsulation \"%s\" "
                                 "(expected geneve, vxlan or none)", value);
            }
            have_encap = true;
        } else if (!strcmp(key, "pin")) {
            error = mf_parse_subfield(&pin, value);
            if (error) {
                return error;
            }
        } else if (!strcmp(key, "fallback")) {
            error = parse_table("steer", "fallback", value, pp, &fallback);
            if (error) {
                return error;
            }
        } else if (!strcmp(key, "members")) {
            in_members = true;
            if (*value) {
                ofp_port_t port;

                if (!ofputil_port_from_string(value, pp->port_map, &port)) {
                    return xasprintf("steer: %s: unknown port", value);
                } else if (!is_member_valid(port)) {
                    return xasprintf("steer: %s: not a valid member port",
                                     value);
                }
                ofpbuf_put(pp->ofpacts, &port, sizeof port);
                n_members++;
            }
        } else {
            return xasprintf("steer: unknown argument \"%s\"", key);
        }
    }

    if (chain < 0) {
        return xstrdup("steer: missing chain");
    } else if (chain < SI_CHAIN_MIN || chain > SI_CHAIN_MAX) {
        return xasprintf("steer: chain key %d is not in the range 1 to 4095",
                         chain);
    } else if (hop < 0) {
        return xstrdup("steer: missing hop");
    } else if (hop < SI_HOP_MIN || hop > SI_HOP_MAX) {
        return xasprintf("steer: hop %d is not in the range 1 to 15", hop);
    } else if (!have_encap) {
        return xstrdup("steer: missing encap");
    } else if (!pin.field) {
        return xstrdup("steer: missing pin");
    } else if (fallback < 0) {
        return xstrdup("steer: missing fallback");
    } else if (!n_members) {
        return xstrdup("steer: missing members");
    } else if (n_members > SI_STEER_MAX_MEMBERS) {
        return xasprintf("steer: %u members (at most %d are allowed)",
                         n_members, SI_STEER_MAX_MEMBERS);
    }

    const char *msg;
    if (check_pin(&pin, n_members, &msg)) {
        return xasprintf("steer: %s", msg);
    }

    steer = ofpbuf_at_assert(pp->ofpacts, steer_ofs, sizeof *steer);
    steer->chain = chain;
    steer->hop = hop;
    steer->reverse = reverse;
    steer->encap = encap;
    steer->fallback = fallback;
    steer->pin = pin;
    steer->n_members = n_members;
    pp->ofpacts->header = steer;
    ofpact_finish_STEER(pp->ofpacts, &steer);
    return NULL;
}

/* Appends 'steer' to 'fp->s' in the syntax that si_steer_parse() reads. */
void
si_steer_format(const struct ofpact_steer *steer,
                const struct ofpact_format_params *fp)
{
    struct ds *s = fp->s;

    ds_put_format(s, "%ssteer(%s", colors.paren, colors.end);
    ds_put_format(s, "%schain=%s%"PRIu16",", colors.param, colors.end,
                  steer->chain);
    ds_put_format(s, "%shop=%s%"PRIu8",", colors.param, colors.end,
                  steer->hop);
    if (steer->reverse) {
        ds_put_format(s, "%sreverse%s,", colors.value, colors.end);
    }
    ds_put_format(s, "%sencap=%s%s,", colors.param, colors.end,
                  si_encap_to_string(steer->encap));
    ds_put_format(s, "%spin=%s", colors.param, colors.end);
    mf_format_subfield(&steer->pin, s);
    ds_put_format(s, ",%sfallback=%s", colors.param, colors.end);
    ofputil_format_table(steer->fallback, fp->table_map, s);
    ds_put_format(s, ",%smembers:%s", colors.param, colors.end);
    for (size_t i = 0; i < steer->n_members; i++) {
        if (i) {
            ds_put_char(s, ',');
        }
        ofputil_format_port(steer->members[i], fp->port_map, s);
    }
    ds_put_format(s, "%s)%s", colors.paren, colors.end);
}

/* Checks 'steer' against the switch and flow described by 'cp': its members
 * must be below 'cp->max_ports', its fallback table must exist, and 'pin'
 * must be writable with the flow's prerequisites. */
enum ofperr
si_steer_check(const struct ofpact_steer *steer,
               const struct ofpact_check_params *cp)
{
    for (size_t i = 0; i < steer->n_members; i++) {
        if (ofp_to_u16(steer->members[i]) >= ofp_to_u16(cp->max_ports)) {
            VLOG_WARN_RL(&rl, "steer: member %"PRIu16" is beyond the "
                         "switch's ports", ofp_to_u16(steer->members[i]));
            return OFPERR_OFPBAC_BAD_OUT_PORT;
        }
    }
    if (cp->n_tables != 255 && steer->fallback >= cp->n_tables) {
        VLOG_WARN_RL(&rl, "steer: fallback table %"PRIu8" does not exist",
                     steer->fallback);
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    }
    return mf_check_dst(&steer->pin, cp->match);
}

/* Returns true if 'port' is one of the members of 'steer'. */
bool
si_steer_has_member(const struct ofpact_steer *steer, ofp_port_t port)
{
    for (size_t i = 0; i < steer->n_members; i++) {
        if (steer->members[i] == port) {
            return true;
        }
    }
    return false;
}

/* "accept". */

/* The destination subfields of "accept", in wire order, with their minimum
 * widths. */
struct accept_dst {
    const char *name;
    size_t ofs;                 /* Offset in struct ofpact_accept. */
    int min_bits;
};

static const struct accept_dst accept_dsts[] = {
    { "chain", offsetof(struct ofpact_accept, chain), 12 },
    { "hop", offsetof(struct ofpact_accept, hop), 4 },
    { "reverse", offsetof(struct ofpact_accept, reverse), 1 },
};

static struct mf_subfield *
accept_dst(struct ofpact_accept *accept, const struct accept_dst *d)
{
    return ALIGNED_CAST(struct mf_subfield *, (char *) accept + d->ofs);
}

static const struct mf_subfield *
accept_dst_const(const struct ofpact_accept *accept,
                 const struct accept_dst *d)
{
    return ALIGNED_CAST(const struct mf_subfield *,
                        (const char *) accept + d->ofs);
}

/* Decodes 'naa' into a new OFPACT_ACCEPT in 'ofpacts'. */
enum ofperr
si_accept_decode(const struct nx_action_accept *naa,
                 const struct vl_mff_map *vl_mff_map, uint64_t *tlv_bitmap,
                 struct ofpbuf *ofpacts)
{
    struct ofpbuf b = ofpbuf_const_initializer(naa, ntohs(naa->len));
    const ovs_be16 ofs_nbits[] = {
        naa->chain_ofs_nbits, naa->hop_ofs_nbits, naa->reverse_ofs_nbits
    };
    struct ofpact_accept accept;
    enum ofperr error;

    if (naa->encap != SI_ENCAP_GENEVE && naa->encap != SI_ENCAP_VXLAN) {
        VLOG_WARN_RL(&rl, "accept: unknown encapsulation %"PRIu8,
                     naa->encap);
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    } else if (!is_table_valid(naa->next)) {
        VLOG_WARN_RL(&rl, "accept: next table must be 0 to 254");
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    } else if (!is_all_zeros(naa->zero, sizeof naa->zero)) {
        VLOG_WARN_RL(&rl, "accept: reserved bytes are nonzero");
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    }

    memset(&accept, 0, sizeof accept);
    accept.encap = naa->encap;
    accept.next = naa->next;

    ofpbuf_pull(&b, sizeof *naa);
    for (size_t i = 0; i < ARRAY_SIZE(accept_dsts); i++) {
        const struct accept_dst *d = &accept_dsts[i];
        struct mf_subfield *sf = accept_dst(&accept, d);

        sf->ofs = nxm_decode_ofs(ofs_nbits[i]);
        sf->n_bits = nxm_decode_n_bits(ofs_nbits[i]);
        error = pull_subfield_header(&b, vl_mff_map, tlv_bitmap, "accept",
                                     d->name, sf);
        if (error) {
            return error;
        }
    }
    error = check_padding("accept", b.data, b.size);
    if (error) {
        return error;
    }

    for (size_t i = 0; i < ARRAY_SIZE(accept_dsts); i++) {
        const struct accept_dst *d = &accept_dsts[i];
        char *msg;

        error = check_accept_dst(accept_dst(&accept, d), d->name,
                                 d->min_bits, &msg);
        if (error) {
            VLOG_WARN_RL(&rl, "%s", msg);
            free(msg);
            return error;
        }
    }

    struct ofpact_accept *a = ofpact_put_ACCEPT(ofpacts);
    a->encap = accept.encap;
    a->next = accept.next;
    a->chain = accept.chain;
    a->hop = accept.hop;
    a->reverse = accept.reverse;
    return 0;
}

/* Completes the NXAST_ACCEPT action for 'accept' whose fixed part starts at
 * 'start_ofs' in 'openflow' (where put_NXAST_ACCEPT() put it). */
void
si_accept_encode(const struct ofpact_accept *accept, size_t start_ofs,
                 struct ofpbuf *openflow)
{
    struct nx_action_accept *naa;

    naa = ofpbuf_at_assert(openflow, start_ofs, sizeof *naa);
    naa->encap = accept->encap;
    naa->next = accept->next;
    naa->chain_ofs_nbits = nxm_encode_ofs_nbits(accept->chain.ofs,
                                                accept->chain.n_bits);
    naa->hop_ofs_nbits = nxm_encode_ofs_nbits(accept->hop.ofs,
                                              accept->hop.n_bits);
    naa->reverse_ofs_nbits = nxm_encode_ofs_nbits(accept->reverse.ofs,
                                                  accept->reverse.n_bits);
    for (size_t i = 0; i < ARRAY_SIZE(accept_dsts); i++) {
        const struct mf_subfield *sf = accept_dst_const(accept,
                                                        &accept_dsts[i]);
        nx_put_mff_header(openflow, sf->field, 0, false);
    }
    finish_action(openflow, start_ofs);
}

/* Parses the argument of "accept(...)" in 'arg' into a new OFPACT_ACCEPT in
 * 'pp->ofpacts'.  Returns NULL if successful, otherwise a malloc()'d error
 * message for the caller to free.  See docs/ofproto-ext.md for the syntax. */
char * OVS_WARN_UNUSED_RESULT
si_accept_parse(char *arg, const struct ofpact_parse_params *pp)
{
    struct ofpact_accept accept;
    bool have_encap = false;
    int next = -1;
    char *key, *value;
    char *error;

    memset(&accept, 0, sizeof accept);
    while (ofputil_parse_key_value(&arg, &key, &value)) {
        const struct accept_dst *d = NULL;

        for (size_t i = 0; i < ARRAY_SIZE(accept_dsts); i++) {
            if (!strcmp(key, accept_dsts[i].name)) {
                d = &accept_dsts[i];
            }
        }

        if (d) {
            error = mf_parse_subfield(accept_dst(&accept, d), value);
            if (error) {
                return error;
            }
        } else if (!strcmp(key, "encap")) {
            if (!si_encap_from_string(value, &accept.encap)
                || accept.encap == SI_ENCAP_NONE) {
                return xasprintf("accept: unknown encapsulation \"%s\" "
                                 "(expected geneve or vxlan)", value);
            }
            have_encap = true;
        } else if (!strcmp(key, "next")) {
            error = parse_table("accept", "next", value, pp, &next);
            if (error) {
                return error;
            }
        } else {
            return xasprintf("accept: unknown argument \"%s\"", key);
        }
    }

    if (!have_encap) {
        return xstrdup("accept: missing encap");
    }
    for (size_t i = 0; i < ARRAY_SIZE(accept_dsts); i++) {
        const struct accept_dst *d = &accept_dsts[i];
        char *msg;

        if (!accept_dst(&accept, d)->field) {
            return xasprintf("accept: missing %s", d->name);
        } else if (check_accept_dst(accept_dst(&accept, d), d->name,
                                    d->min_bits, &msg)) {
            return msg;
        }
    }
    if (next < 0) {
        return xstrdup("accept: missing next");
    }

    struct ofpact_accept *a = ofpact_put_ACCEPT(pp->ofpacts);
    a->encap = accept.encap;
    a->next = next;
    a->chain = accept.chain;
    a->hop = accept.hop;
    a->reverse = accept.reverse;
    return NULL;
}

/* Appends 'accept' to 'fp->s' in the syntax that si_accept_parse() reads. */
void
si_accept_format(const struct ofpact_accept *accept,
                 const struct ofpact_format_params *fp)
{
    struct ds *s = fp->s;

    ds_put_format(s, "%saccept(%s", colors.paren, colors.end);
    ds_put_format(s, "%sencap=%s%s", colors.param, colors.end,
                  si_encap_to_string(accept->encap));
    for (size_t i = 0; i < ARRAY_SIZE(accept_dsts); i++) {
        const struct accept_dst *d = &accept_dsts[i];

        ds_put_format(s, ",%s%s=%s", colors.param, d->name, colors.end);
        mf_format_subfield(accept_dst_const(accept, d), s);
    }
    ds_put_format(s, ",%snext=%s", colors.param, colors.end);
    ofputil_format_table(accept->next, fp->table_map, s);
    ds_put_format(s, "%s)%s", colors.paren, colors.end);
}

/* Checks 'accept' against the switch and flow described by 'cp'. */
enum ofperr
si_accept_check(const struct ofpact_accept *accept,
                const struct ofpact_check_params *cp)
{
    if (cp->n_tables != 255 && accept->next >= cp->n_tables) {
        VLOG_WARN_RL(&rl, "accept: next table %"PRIu8" does not exist",
                     accept->next);
        return OFPERR_OFPBAC_BAD_ARGUMENT;
    }
    for (size_t i = 0; i < ARRAY_SIZE(accept_dsts); i++) {
        enum ofperr error = mf_check_dst(accept_dst_const(accept,
                                                          &accept_dsts[i]),
                                         cp->match);
        if (error) {
            return error;
        }
    }
    return 0;
}
