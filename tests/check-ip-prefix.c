/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Unit tests for lib/ip-prefix. */

#include <config.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "lib/ip-prefix.h"
#include "openvswitch/dynamic-string.h"
#include "tests/check-unit.h"

/* Parses 's', which must be valid, and returns it formatted again. */
static char *
roundtrip(const char *s)
{
    struct ip_prefix p;
    char *error = ip_prefix_parse(s, &p);
    ck_assert_msg(!error, "%s: %s", s, error);

    struct ds ds = DS_EMPTY_INITIALIZER;
    ip_prefix_format(&p, &ds);
    return ds_steal_cstr(&ds);
}

/* Returns the error that parsing 's' gives, which must not be NULL. */
static char *
parse_error(const char *s)
{
    struct ip_prefix p;
    char *error = ip_prefix_parse(s, &p);
    ck_assert_msg(error != NULL, "\"%s\" parsed but should not", s);
    return error;
}

static struct ip_prefix
prefix(const char *s)
{
    struct ip_prefix p;
    char *error = ip_prefix_parse(s, &p);
    ck_assert_msg(!error, "%s: %s", s, error);
    return p;
}

static struct in6_addr
addr(const char *s)
{
    struct in6_addr a;
    bool ipv4;
    char *error = ip_addr_parse(s, &a, &ipv4);
    ck_assert_msg(!error, "%s: %s", s, error);
    return a;
}

static char *
host(const char *p_s, uint64_t index)
{
    struct ip_prefix p = prefix(p_s);
    struct in6_addr a;
    if (!ip_prefix_host(&p, index, &a)) {
        return NULL;
    }
    struct ds ds = DS_EMPTY_INITIALIZER;
    ip_addr_format(&a, &ds);
    return ds_steal_cstr(&ds);
}

static uint64_t
host_index(const char *p_s, const char *a_s)
{
    struct ip_prefix p = prefix(p_s);
    struct in6_addr a = addr(a_s);
    return ip_prefix_host_index(&p, &a);
}

START_TEST(test_parse_valid)
{
    static const char *ok[] = {
        "10.0.0.0/24", "0.0.0.0/0", "192.168.1.7/32", "fd00::/64",
        "2001:db8::/32", "::/0", "fd00::1/128",
    };
    for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
        char *s = roundtrip(ok[i]);
        ck_assert_str_eq(s, ok[i]);
        free(s);
    }

    struct ip_prefix p = prefix("172.16.0.0/12");
    ck_assert(p.ipv4);
    ck_assert_uint_eq(p.plen, 12);
    p = prefix("fd00:1::/48");
    ck_assert(!p.ipv4);
    ck_assert_uint_eq(p.plen, 48);
}
END_TEST

START_TEST(test_parse_errors)
{
    static const struct {
        const char *in;
        const char *error;
    } bad[] = {
        { "10.0.0.0", "\"10.0.0.0\" is not a prefix: the length is missing "
          "(write it as ADDRESS/LENGTH)" },
        { "10.0.0.1/24", "\"10.0.0.1/24\" has host bits set "
          "(the prefix is 10.0.0.0/24)" },
        { "fd00::1/64", "\"fd00::1/64\" has host bits set "
          "(the prefix is fd00::/64)" },
        { "10.0.0.0/33", "\"10.0.0.0/33\" has an invalid prefix length "
          "(expected 0 to 32)" },
        { "fd00::/129", "\"fd00::/129\" has an invalid prefix length "
          "(expected 0 to 128)" },
        { "10.0.0.0/", "\"10.0.0.0/\" has an invalid prefix length "
          "(expected 0 to 32)" },
        { "10.0.0.0/2x", "\"10.0.0.0/2x\" has an invalid prefix length "
          "(expected 0 to 32)" },
        { "10.0.0.0/-1", "\"10.0.0.0/-1\" has an invalid prefix length "
          "(expected 0 to 32)" },
        { "10.0.0.256/24", "\"10.0.0.256/24\" is not a valid IPv4 or IPv6 "
          "prefix" },
        { "banana/8", "\"banana/8\" is not a valid IPv4 or IPv6 prefix" },
        { "/8", "\"/8\" is not a valid IPv4 or IPv6 prefix" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char *error = parse_error(bad[i].in);
        ck_assert_str_eq(error, bad[i].error);
        free(error);
    }
}
END_TEST

START_TEST(test_addr_parse)
{
    struct in6_addr a;
    bool ipv4;
    char *error;

    error = ip_addr_parse("10.1.2.3", &a, &ipv4);
    ck_assert_ptr_null(error);
    ck_assert(ipv4);
    ck_assert(IN6_IS_ADDR_V4MAPPED(&a));

    error = ip_addr_parse("fe80::1", &a, &ipv4);
    ck_assert_ptr_null(error);
    ck_assert(!ipv4);

    static const char *bad[] = { "10.1.2", "1.2.3.4.5", "fe80::1::2",
                                 "10.0.0.0/24", "", "x" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        error = ip_addr_parse(bad[i], &a, &ipv4);
        ck_assert_msg(error != NULL, "\"%s\" parsed", bad[i]);
        free(error);
    }
}
END_TEST

START_TEST(test_contains_overlaps)
{
    struct ip_prefix a = prefix("10.0.0.0/16");
    struct ip_prefix b = prefix("10.0.3.0/24");
    struct ip_prefix c = prefix("10.1.0.0/16");
    struct ip_prefix d = prefix("fd00::/64");
    struct ip_prefix all4 = prefix("0.0.0.0/0");
    struct ip_prefix all6 = prefix("::/0");

    struct in6_addr in = addr("10.0.3.9");
    struct in6_addr out = addr("10.2.0.1");
    struct in6_addr v6 = addr("fd00::9");
    ck_assert(ip_prefix_contains(&a, &in));
    ck_assert(ip_prefix_contains(&b, &in));
    ck_assert(!ip_prefix_contains(&a, &out));
    ck_assert(!ip_prefix_contains(&a, &v6));
    ck_assert(ip_prefix_contains(&d, &v6));
    ck_assert(!ip_prefix_contains(&all6, &in));
    ck_assert(ip_prefix_contains(&all4, &out));

    ck_assert(ip_prefix_overlaps(&a, &b));
    ck_assert(ip_prefix_overlaps(&b, &a));
    ck_assert(!ip_prefix_overlaps(&a, &c));
    ck_assert(!ip_prefix_overlaps(&b, &c));
    ck_assert(!ip_prefix_overlaps(&a, &d));
    ck_assert(ip_prefix_overlaps(&all4, &c));
    ck_assert(!ip_prefix_overlaps(&all4, &d));
    ck_assert(ip_prefix_overlaps(&all6, &d));
}
END_TEST

START_TEST(test_hosts)
{
    struct ip_prefix p;

    p = prefix("10.0.0.0/24");
    ck_assert_uint_eq(ip_prefix_n_hosts(&p), 254);
    p = prefix("10.0.0.0/31");
    ck_assert_uint_eq(ip_prefix_n_hosts(&p), 2);
    p = prefix("10.0.0.0/32");
    ck_assert_uint_eq(ip_prefix_n_hosts(&p), 1);
    p = prefix("fd00::/120");
    ck_assert_uint_eq(ip_prefix_n_hosts(&p), 255);
    p = prefix("fd00::/64");
    ck_assert_uint_eq(ip_prefix_n_hosts(&p), UINT64_MAX);

    static const struct {
        const char *prefix;
        uint64_t index;
        const char *addr;       /* NULL if 'index' is out of range. */
    } cases[] = {
        { "10.0.0.0/24", 0, "10.0.0.1" },
        { "10.0.0.0/24", 253, "10.0.0.254" },
        { "10.0.0.0/24", 254, NULL },
        { "10.0.0.0/22", 255, "10.0.1.0" },
        { "10.0.0.0/22", 1021, "10.0.3.254" },
        { "10.0.0.0/22", 1022, NULL },
        { "10.0.0.0/31", 0, "10.0.0.0" },
        { "10.0.0.0/31", 1, "10.0.0.1" },
        { "10.0.0.0/32", 0, "10.0.0.0" },
        { "10.0.0.0/32", 1, NULL },
        { "fd00::/64", 0, "fd00::1" },
        { "fd00::/64", 0xfffe, "fd00::ffff" },
        { "fd00::/64", 0xffff, "fd00::1:0" },
        { "fd00::/48", UINT64_MAX - 1, "fd00::ffff:ffff:ffff:ffff" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *s = host(cases[i].prefix, cases[i].index);
        if (cases[i].addr) {
            ck_assert_msg(s && !strcmp(s, cases[i].addr),
                          "%s index %"PRIu64": got %s, expected %s",
                          cases[i].prefix, cases[i].index,
                          s ? s : "(none)", cases[i].addr);
            ck_assert_uint_eq(host_index(cases[i].prefix, s),
                              cases[i].index);
        } else {
            ck_assert_msg(!s, "%s index %"PRIu64": got %s, expected none",
                          cases[i].prefix, cases[i].index, s);
        }
        free(s);
    }
}
END_TEST

START_TEST(test_host_index_rejects)
{
    ck_assert_uint_eq(host_index("10.0.0.0/24", "10.0.0.0"), UINT64_MAX);
    ck_assert_uint_eq(host_index("10.0.0.0/24", "10.0.0.255"), UINT64_MAX);
    ck_assert_uint_eq(host_index("10.0.0.0/24", "10.0.1.1"), UINT64_MAX);
    ck_assert_uint_eq(host_index("10.0.0.0/24", "fd00::1"), UINT64_MAX);
    ck_assert_uint_eq(host_index("fd00::/64", "fd00::"), UINT64_MAX);
    ck_assert_uint_eq(host_index("fd00::/48", "fd00:0:0:1::5"), UINT64_MAX);
}
END_TEST

Suite *
ip_prefix_suite(void)
{
    Suite *s = suite_create("ip-prefix");
    TCase *tc = tcase_create("ip-prefix");

    tcase_add_test(tc, test_parse_valid);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_addr_parse);
    tcase_add_test(tc, test_contains_overlaps);
    tcase_add_test(tc, test_hosts);
    tcase_add_test(tc, test_host_index_rejects);
    suite_add_tcase(s, tc);
    return s;
}
