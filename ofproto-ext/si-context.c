/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Encoding and decoding of the service context on the wire. */

#include <config.h>
#include "ofproto-ext/si-context.h"

#include <inttypes.h>
#include <string.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"

/* Returns a short English description of 'error'. */
const char *
si_context_error_to_string(enum si_context_error error)
{
    switch (error) {
    case SI_CTX_OK:
        return "valid";
    case SI_CTX_MISSING:
        return "no Sluice context";
    case SI_CTX_BAD_LENGTH:
        return "Sluice option has the wrong length";
    case SI_CTX_BAD_CHAIN:
        return "chain key out of range";
    case SI_CTX_BAD_HOP:
        return "hop out of range";
    case SI_CTX_BAD_FLAGS:
        return "unknown flags";
    case SI_CTX_BAD_RESERVED:
        return "reserved bits are set";
    }
    return "unknown error";
}

/* Checks the chain key and hop of 'ctx'. */
enum si_context_error
si_context_check(const struct si_context *ctx)
{
    if (ctx->chain < SI_CHAIN_MIN || ctx->chain > SI_CHAIN_MAX) {
        return SI_CTX_BAD_CHAIN;
    } else if (ctx->hop < SI_HOP_MIN || ctx->hop > SI_HOP_MAX) {
        return SI_CTX_BAD_HOP;
    }
    return SI_CTX_OK;
}

/* Appends 'ctx' to 's' in the form "chain 10 hop 2 reverse", followed for a
 * Geneve context by its network VNI and flow cookie. */
void
si_context_format(const struct si_context *ctx, bool geneve, struct ds *s)
{
    ds_put_format(s, "chain %"PRIu16" hop %"PRIu8" %s",
                  ctx->chain, ctx->hop, ctx->reverse ? "reverse" : "forward");
    if (geneve) {
        ds_put_format(s, " vni %"PRIu32" cookie %#"PRIx32,
                      ctx->vni, ctx->cookie);
    }
}

static void
put_be16(uint8_t *p, uint16_t x)
{
    p[0] = x >> 8;
    p[1] = x;
}

static void
put_be32(uint8_t *p, uint32_t x)
{
    p[0] = x >> 24;
    p[1] = x >> 16;
    p[2] = x >> 8;
    p[3] = x;
}

static uint16_t
get_be16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

static uint32_t
get_be32(const uint8_t *p)
{
    return ((uint32_t) p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}

/* Writes the Sluice Geneve option for 'ctx', header included, into 'opt'. */
void
si_context_to_geneve(const struct si_context *ctx,
                     uint8_t opt[SI_GENEVE_OPT_SIZE])
{
    put_be16(&opt[0], SI_GENEVE_OPT_CLASS);
    opt[2] = SI_GENEVE_OPT_TYPE;
    opt[3] = SI_GENEVE_OPT_DATA_LEN / 4;

    uint8_t *data = &opt[4];
    put_be16(&data[0], ctx->chain);
    data[2] = ctx->hop;
    data[3] = ctx->reverse ? SI_GENEVE_F_REVERSE : 0;
    put_be32(&data[4], (ctx->vni & 0xffffff) << 8);
    put_be32(&data[8], ctx->cookie);
}

/* Looks for the Sluice option among the 'size' bytes of Geneve options in
 * 'opts' (as they appear on the wire, after the Geneve base header) and
 * decodes it into 'ctx'.
 *
 * Stores in '*ofsp' the offset in 'opts' of the first option with the Sluice
 * class and type, whatever its length, or 'size' if there is none.  Returns
 * SI_CTX_OK if that option is a valid Sluice context, otherwise the reason
 * why not; 'ctx' is meaningful only on success. */
enum si_context_error
si_context_from_geneve(const void *opts, size_t size, struct si_context *ctx,
                       size_t *ofsp)
{
    const uint8_t *p = opts;
    size_t ofs = 0;

    memset(ctx, 0, sizeof *ctx);
    *ofsp = size;
    while (size - ofs >= 4) {
        const uint8_t *opt = p + ofs;
        size_t opt_size = 4 + (opt[3] & 0x1f) * 4;

        if (opt_size > size - ofs) {
            break;
        }
        if (get_be16(opt) == SI_GENEVE_OPT_CLASS
            && opt[2] == SI_GENEVE_OPT_TYPE) {
            *ofsp = ofs;
            if (opt_size != SI_GENEVE_OPT_SIZE) {
                return SI_CTX_BAD_LENGTH;
            }

            const uint8_t *data = opt + 4;
            uint32_t vni_word = get_be32(&data[4]);

            ctx->chain = get_be16(&data[0]);
            ctx->hop = data[2];
            ctx->reverse = (data[3] & SI_GENEVE_F_REVERSE) != 0;
            ctx->vni = vni_word >> 8;
            ctx->cookie = get_be32(&data[8]);

            enum si_context_error error = si_context_check(ctx);
            if (error) {
                return error;
            } else if (data[3] & ~SI_GENEVE_F_REVERSE) {
                return SI_CTX_BAD_FLAGS;
            } else if (vni_word & 0xff) {
                return SI_CTX_BAD_RESERVED;
            }
            return SI_CTX_OK;
        }
        ofs += opt_size;
    }
    return SI_CTX_MISSING;
}

/* Returns the 24-bit VXLAN VNI that carries 'ctx'. */
uint32_t
si_context_to_vxlan(const struct si_context *ctx)
{
    return (((uint32_t) (ctx->chain & 0xfff) << SI_VXLAN_CHAIN_SHIFT)
            | ((ctx->hop & 0xf) << SI_VXLAN_HOP_SHIFT)
            | (ctx->reverse ? SI_VXLAN_REVERSE : 0));
}

/* Decodes the VXLAN tunnel key 'tun_id' into 'ctx'.  Returns SI_CTX_OK if it
 * is a valid context, otherwise the reason why not; 'ctx' is meaningful only
 * on success.  A key wider than 24 bits is not a VXLAN context. */
enum si_context_error
si_context_from_vxlan(uint64_t tun_id, struct si_context *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    if (!tun_id) {
        return SI_CTX_MISSING;
    } else if (tun_id > 0xffffff || tun_id & SI_VXLAN_RESERVED) {
        return SI_CTX_BAD_RESERVED;
    }

    ctx->chain = tun_id >> SI_VXLAN_CHAIN_SHIFT;
    ctx->hop = (tun_id >> SI_VXLAN_HOP_SHIFT) & 0xf;
    ctx->reverse = (tun_id & SI_VXLAN_REVERSE) != 0;
    return si_context_check(ctx);
}
