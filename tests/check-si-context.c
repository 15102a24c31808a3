/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Unit tests for ofproto-ext/si-context, the service context's wire format
 * (docs/service-insertion.md), which the patched libopenvswitch contains. */

#include <config.h>
#include <string.h>
#include "ofproto-ext/si-context.h"
#include "openvswitch/dynamic-string.h"
#include "tests/check-unit.h"
#include "util.h"

static const struct si_context forward = {
    .chain = 10, .hop = 1, .reverse = false,
    .vni = 5001, .cookie = 0xdeadbeef,
};

/* The Sluice option for 'forward', header included, as on the wire. */
static const uint8_t forward_opt[SI_GENEVE_OPT_SIZE] = {
    0xff, 0x51, 0x01, 0x03,         /* Class 0xff51, type 1, 3 words. */
    0x00, 0x0a, 0x01, 0x00,         /* Chain 10, hop 1, no flags. */
    0x00, 0x13, 0x89, 0x00,         /* VNI 5001, reserved. */
    0xde, 0xad, 0xbe, 0xef,         /* Flow cookie. */
};

static void
assert_context_eq(const struct si_context *a, const struct si_context *b)
{
    ck_assert_uint_eq(a->chain, b->chain);
    ck_assert_uint_eq(a->hop, b->hop);
    ck_assert_int_eq(a->reverse, b->reverse);
    ck_assert_uint_eq(a->vni, b->vni);
    ck_assert_uint_eq(a->cookie, b->cookie);
}

START_TEST(test_geneve_encode)
{
    uint8_t opt[SI_GENEVE_OPT_SIZE];

    si_context_to_geneve(&forward, opt);
    ck_assert_mem_eq(opt, forward_opt, sizeof opt);

    struct si_context reverse = forward;
    reverse.reverse = true;
    reverse.vni = 0xabcdef;
    si_context_to_geneve(&reverse, opt);
    ck_assert_uint_eq(opt[7], 0x01);
    ck_assert_uint_eq(opt[8], 0xab);
    ck_assert_uint_eq(opt[10], 0xef);
    ck_assert_uint_eq(opt[11], 0x00);
}
END_TEST

START_TEST(test_geneve_decode_roundtrip)
{
    for (unsigned int chain = SI_CHAIN_MIN; chain <= SI_CHAIN_MAX;
         chain += 97) {
        for (unsigned int hop = SI_HOP_MIN; hop <= SI_HOP_MAX; hop++) {
            struct si_context in = {
                .chain = chain, .hop = hop, .reverse = hop & 1,
                .vni = chain * 4099 & 0xffffff, .cookie = chain * hop,
            };
            uint8_t opt[SI_GENEVE_OPT_SIZE];
            struct si_context out;
            size_t ofs;

            si_context_to_geneve(&in, opt);
            ck_assert_int_eq(si_context_from_geneve(opt, sizeof opt, &out,
                                                    &ofs), SI_CTX_OK);
            ck_assert_uint_eq(ofs, 0);
            assert_context_eq(&in, &out);
        }
    }
}
END_TEST

/* The Sluice option is found after other options, and only the first one
 * counts. */
START_TEST(test_geneve_decode_among_options)
{
    uint8_t opts[8 + 2 * SI_GENEVE_OPT_SIZE] = {
        0x01, 0x02, 0x02, 0x01, 0x00, 0x00, 0x00, 0x01,
    };
    struct si_context out;
    size_t ofs;

    memcpy(&opts[8], forward_opt, SI_GENEVE_OPT_SIZE);
    memcpy(&opts[8 + SI_GENEVE_OPT_SIZE], forward_opt, SI_GENEVE_OPT_SIZE);
    opts[8 + SI_GENEVE_OPT_SIZE + 5] = 99;
    ck_assert_int_eq(si_context_from_geneve(opts, sizeof opts, &out, &ofs),
                     SI_CTX_OK);
    ck_assert_uint_eq(ofs, 8);
    assert_context_eq(&forward, &out);

    ck_assert_int_eq(si_context_from_geneve(opts, 8, &out, &ofs),
                     SI_CTX_MISSING);
    ck_assert_uint_eq(ofs, 8);
    ck_assert_int_eq(si_context_from_geneve(NULL, 0, &out, &ofs),
                     SI_CTX_MISSING);
    ck_assert_uint_eq(ofs, 0);
}
END_TEST

/* Every way that the spec says an option can be invalid. */
START_TEST(test_geneve_decode_invalid)
{
    static const struct {
        size_t byte;                /* Byte of 'forward_opt' to change... */
        uint8_t value;              /* ...to this value. */
        enum si_context_error error;
    } cases[] = {
        { 3, 0x02, SI_CTX_BAD_LENGTH },     /* 2 words. */
        { 3, 0x04, SI_CTX_BAD_LENGTH },     /* 4 words. */
        { 5, 0x00, SI_CTX_BAD_CHAIN },      /* Chain 0. */
        { 4, 0x10, SI_CTX_BAD_CHAIN },      /* Chain 4106. */
        { 6, 0x00, SI_CTX_BAD_HOP },        /* Hop 0. */
        { 6, 0x10, SI_CTX_BAD_HOP },        /* Hop 16. */
        { 7, 0x02, SI_CTX_BAD_FLAGS },
        { 7, 0x81, SI_CTX_BAD_FLAGS },
        { 11, 0x01, SI_CTX_BAD_RESERVED },
        { 0, 0xfe, SI_CTX_MISSING },        /* Other class. */
        { 2, 0x81, SI_CTX_MISSING },        /* Other type (critical). */
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t opts[2 * SI_GENEVE_OPT_SIZE];
        struct si_context out;
        size_t ofs;

        memcpy(opts, forward_opt, SI_GENEVE_OPT_SIZE);
        memset(&opts[SI_GENEVE_OPT_SIZE], 0, SI_GENEVE_OPT_SIZE);
        opts[cases[i].byte] = cases[i].value;

        size_t size = 4 + (opts[3] & 0x1f) * 4;
        ck_assert_msg(si_context_from_geneve(opts, size, &out, &ofs)
                      == cases[i].error, "case %"PRIuSIZE, i);
        ck_assert_uint_eq(ofs, cases[i].error == SI_CTX_MISSING ? size : 0);
    }
}
END_TEST

/* A truncated option stream is not read beyond its end. */
START_TEST(test_geneve_decode_truncated)
{
    struct si_context out;
    size_t ofs;

    for (size_t size = 0; size < SI_GENEVE_OPT_SIZE; size++) {
        ck_assert_int_eq(si_context_from_geneve(forward_opt, size, &out,
                                                &ofs), SI_CTX_MISSING);
        ck_assert_uint_eq(ofs, size);
    }
}
END_TEST

START_TEST(test_vxlan)
{
    struct si_context ctx = { .chain = 10, .hop = 2, .reverse = true };
    struct si_context out;

    ck_assert_uint_eq(si_context_to_vxlan(&ctx), 0xa280);
    ck_assert_int_eq(si_context_from_vxlan(0xa280, &out), SI_CTX_OK);
    assert_context_eq(&ctx, &out);

    ctx = (struct si_context) { .chain = 4095, .hop = 15 };
    ck_assert_uint_eq(si_context_to_vxlan(&ctx), 0xffff00);
    ck_assert_int_eq(si_context_from_vxlan(0xffff00, &out), SI_CTX_OK);
    assert_context_eq(&ctx, &out);

    ck_assert_int_eq(si_context_from_vxlan(0, &out), SI_CTX_MISSING);
    ck_assert_int_eq(si_context_from_vxlan(0x000100, &out),
                     SI_CTX_BAD_CHAIN);
    ck_assert_int_eq(si_context_from_vxlan(0x00a000, &out), SI_CTX_BAD_HOP);
    ck_assert_int_eq(si_context_from_vxlan(0x00a101, &out),
                     SI_CTX_BAD_RESERVED);
    ck_assert_int_eq(si_context_from_vxlan(0x100a100, &out),
                     SI_CTX_BAD_RESERVED);
}
END_TEST

START_TEST(test_format)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    si_context_format(&forward, true, &s);
    ck_assert_str_eq(ds_cstr(&s),
                     "chain 10 hop 1 forward vni 5001 cookie 0xdeadbeef");
    ds_clear(&s);
    si_context_format(&(struct si_context) { .chain = 7, .hop = 3,
                                              .reverse = true },
                      false, &s);
    ck_assert_str_eq(ds_cstr(&s), "chain 7 hop 3 reverse");
    ds_destroy(&s);
}
END_TEST

Suite *
si_context_suite(void)
{
    Suite *s = suite_create("si-context");
    TCase *tc = tcase_create("geneve");
    tcase_add_test(tc, test_geneve_encode);
    tcase_add_test(tc, test_geneve_decode_roundtrip);
    tcase_add_test(tc, test_geneve_decode_among_options);
    tcase_add_test(tc, test_geneve_decode_invalid);
    tcase_add_test(tc, test_geneve_decode_truncated);
    suite_add_tcase(s, tc);

    tc = tcase_create("vxlan");
    tcase_add_test(tc, test_vxlan);
    tcase_add_test(tc, test_format);
    suite_add_tcase(s, tc);
    return s;
}
