/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The service context: what a packet carries to a service instance and back
 * (docs/service-insertion.md, "Wire format").  Encodes and decodes the Sluice
 * Geneve option and the VXLAN VNI layout.  These are pure functions, used by
 * the "steer" and "accept" actions inside Open vSwitch and by anything else
 * that needs to build or read the wire format. */

#ifndef SI_CONTEXT_H
#define SI_CONTEXT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ds;

/* Ranges of the chain key and the hop. */
#define SI_CHAIN_MIN 1
#define SI_CHAIN_MAX 4095
#define SI_HOP_MIN 1
#define SI_HOP_MAX 15

/* The Sluice Geneve option: class 0xff51 (Geneve's experimental range), type
 * 1 (not critical), 12 bytes of data.  SI_GENEVE_OPT_SIZE includes the
 * option's own 4-byte header. */
#define SI_GENEVE_OPT_CLASS 0xff51
#define SI_GENEVE_OPT_TYPE 0x01
#define SI_GENEVE_OPT_DATA_LEN 12
#define SI_GENEVE_OPT_SIZE (4 + SI_GENEVE_OPT_DATA_LEN)

/* Bit 0 of the Geneve option's flags byte: reverse direction. */
#define SI_GENEVE_F_REVERSE 0x01

/* The VXLAN VNI layout: chain key in bits 23..12, hop in bits 11..8, the
 * reverse bit 7, bits 6..0 reserved (zero). */
#define SI_VXLAN_CHAIN_SHIFT 12
#define SI_VXLAN_HOP_SHIFT 8
#define SI_VXLAN_REVERSE 0x80
#define SI_VXLAN_RESERVED 0x7f

/* A decoded service context. */
struct si_context {
    uint16_t chain;             /* Chain key, SI_CHAIN_MIN to SI_CHAIN_MAX. */
    uint8_t hop;                /* Hop in the chain, SI_HOP_MIN to _MAX. */
    bool reverse;               /* True for the reverse direction. */
    uint32_t vni;               /* Network VNI, 24 bits (Geneve only). */
    uint32_t cookie;            /* Flow cookie (Geneve only). */
};

/* Why a context on the wire is not valid. */
enum si_context_error {
    SI_CTX_OK,                  /* Valid. */
    SI_CTX_MISSING,             /* No Sluice option / no tunnel key. */
    SI_CTX_BAD_LENGTH,          /* Sluice option with the wrong length. */
    SI_CTX_BAD_CHAIN,           /* Chain key 0 or above SI_CHAIN_MAX. */
    SI_CTX_BAD_HOP,             /* Hop 0 or above SI_HOP_MAX. */
    SI_CTX_BAD_FLAGS,           /* Flags other than the reverse bit. */
    SI_CTX_BAD_RESERVED,        /* Nonzero reserved bits. */
};

const char *si_context_error_to_string(enum si_context_error);

enum si_context_error si_context_check(const struct si_context *);
void si_context_format(const struct si_context *, bool geneve, struct ds *);

/* Geneve. */
void si_context_to_geneve(const struct si_context *,
                          uint8_t opt[SI_GENEVE_OPT_SIZE]);
enum si_context_error si_context_from_geneve(const void *opts, size_t size,
                                             struct si_context *,
                                             size_t *ofsp);

/* VXLAN. */
uint32_t si_context_to_vxlan(const struct si_context *);
enum si_context_error si_context_from_vxlan(uint64_t tun_id,
                                            struct si_context *);

#endif /* si-context.h */
