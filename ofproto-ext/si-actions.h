/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * OpenFlow encoding of the Sluice service-insertion actions "steer" and
 * "accept": their Nicira-extension wire format, and the decode, encode,
 * parse, format and check functions that lib/ofp-actions.c calls for them.
 * Compiled into libopenvswitch by the patches in ofproto-ext/patches/. */

#ifndef SI_ACTIONS_H
#define SI_ACTIONS_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "openflow/openflow.h"
#include "openvswitch/compiler.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-errors.h"
#include "openvswitch/types.h"

struct ofpbuf;
struct vl_mff_map;

/* Nicira-extension subtypes, as declared in lib/ofp-actions.c's enum
 * ofp_raw_action_type.  They are far above the subtypes that Open vSwitch
 * itself uses (up to 50, plus 254 and 255 for debugging), in a range that
 * recalls the Sluice Geneve option class 0xff51. */
#define NXAST_STEER_SUBTYPE 0x5101
#define NXAST_ACCEPT_SUBTYPE 0x5102

/* Limits of "steer". */
#define SI_STEER_MAX_MEMBERS 255    /* Members of one hop. */
#define SI_STEER_MIN_PIN_BITS 4     /* Width of the 'pin' subfield. */
#define SI_STEER_MAX_PIN_BITS 64

/* Bits in nx_action_steer's 'flags'. */
#define SI_STEER_F_REVERSE 0x01     /* Reverse direction of the chain. */

/* Action structure for NXAST_STEER (subtype 0x5101).
 *
 * Sends the packet to one live member of a service hop; see struct
 * ofpact_steer and docs/ofproto-ext.md for the semantics.
 *
 * 'pin_ofs_nbits' gives the bit offset and width of the 'pin' subfield in
 * the usual NXM form, (ofs << 6) | (n_bits - 1); the field itself follows
 * the structure as an NXM or OXM header.  The members are OpenFlow port
 * numbers, 16 bits each, as in NXAST_BUNDLE. */
struct nx_action_steer {
    ovs_be16 type;              /* OFPAT_VENDOR. */
    ovs_be16 len;               /* Length, a multiple of 8 (see below). */
    ovs_be32 vendor;            /* NX_VENDOR_ID. */
    ovs_be16 subtype;           /* NXAST_STEER_SUBTYPE. */
    ovs_be16 chain;             /* Chain key, 1 to 4095. */
    uint8_t hop;                /* Hop in the chain, 1 to 15. */
    uint8_t flags;              /* SI_STEER_F_*. */
    uint8_t encap;              /* enum si_encap. */
    uint8_t fallback;           /* Table if no member is live, 0 to 254. */
    ovs_be16 pin_ofs_nbits;     /* (ofs << 6) | (n_bits - 1) of 'pin'. */
    ovs_be16 n_members;         /* Number of members, 1 to 255. */
    uint8_t zero[4];            /* Must be zero. */
    /* Followed by:
     * - the 'pin' field, as an NXM or OXM header (4 or 8 bytes),
     * - 'n_members' OpenFlow port numbers (ovs_be16 each),
     * - zeros to make the action a multiple of 8 bytes long. */
};
OFP_ASSERT(sizeof(struct nx_action_steer) == 24);

/* Action structure for NXAST_ACCEPT (subtype 0x5102).
 *
 * Takes back a packet that a service instance returned; see struct
 * ofpact_accept and docs/ofproto-ext.md for the semantics.  The three
 * destination subfields follow the structure as NXM or OXM headers, in the
 * order chain, hop, reverse, with their offsets and widths given here. */
struct nx_action_accept {
    ovs_be16 type;              /* OFPAT_VENDOR. */
    ovs_be16 len;               /* Length, a multiple of 8 (see below). */
    ovs_be32 vendor;            /* NX_VENDOR_ID. */
    ovs_be16 subtype;           /* NXAST_ACCEPT_SUBTYPE. */
    uint8_t encap;              /* SI_ENCAP_GENEVE or SI_ENCAP_VXLAN. */
    uint8_t next;               /* Table for valid packets, 0 to 254. */
    ovs_be16 chain_ofs_nbits;   /* (ofs << 6) | (n_bits - 1) of 'chain'. */
    ovs_be16 hop_ofs_nbits;     /* (ofs << 6) | (n_bits - 1) of 'hop'. */
    ovs_be16 reverse_ofs_nbits; /* (ofs << 6) | (n_bits - 1) of 'reverse'. */
    uint8_t zero[6];            /* Must be zero. */
    /* Followed by:
     * - the 'chain', 'hop' and 'reverse' fields, as NXM or OXM headers (4 or
     *   8 bytes each),
     * - zeros to make the action a multiple of 8 bytes long. */
};
OFP_ASSERT(sizeof(struct nx_action_accept) == 24);

const char *si_encap_to_string(enum si_encap);

/* "steer". */
enum ofperr si_steer_decode(const struct nx_action_steer *,
                            const struct vl_mff_map *,
                            uint64_t *tlv_bitmap, struct ofpbuf *ofpacts);
void si_steer_encode(const struct ofpact_steer *, size_t start_ofs,
                     struct ofpbuf *openflow);
char *si_steer_parse(char *arg, const struct ofpact_parse_params *)
    OVS_WARN_UNUSED_RESULT;
void si_steer_format(const struct ofpact_steer *,
                     const struct ofpact_format_params *);
enum ofperr si_steer_check(const struct ofpact_steer *,
                           const struct ofpact_check_params *);
bool si_steer_has_member(const struct ofpact_steer *, ofp_port_t);

/* "accept". */
enum ofperr si_accept_decode(const struct nx_action_accept *,
                             const struct vl_mff_map *,
                             uint64_t *tlv_bitmap, struct ofpbuf *ofpacts);
void si_accept_encode(const struct ofpact_accept *, size_t start_ofs,
                      struct ofpbuf *openflow);
char *si_accept_parse(char *arg, const struct ofpact_parse_params *)
    OVS_WARN_UNUSED_RESULT;
void si_accept_format(const struct ofpact_accept *,
                      const struct ofpact_format_params *);
enum ofperr si_accept_check(const struct ofpact_accept *,
                            const struct ofpact_check_params *);

#endif /* si-actions.h */
