/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Unit tests for lib/nb-util. */

#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "lib/nb-util.h"
#include "packets.h"
#include "tests/check-unit.h"

START_TEST(test_port_range)
{
    static const struct {
        const char *in;
        int min, max;           /* -1: expect an error. */
    } cases[] = {
        { "80", 80, 80 }, { "1-65535", 1, 65535 }, { "5432-5433", 5432, 5433 },
        { "0", -1, 0 }, { "65536", -1, 0 }, { "90-80", -1, 0 },
        { "", -1, 0 }, { "-5", -1, 0 }, { "http", -1, 0 }, { "80-", -1, 0 },
        { "80 ", -1, 0 }, { "1-2-3", -1, 0 }, { "+80", -1, 0 },
    };

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        uint16_t min, max;
        char *error = port_range_parse(cases[i].in, &min, &max);
        if (cases[i].min < 0) {
            ck_assert_msg(error != NULL, "\"%s\" parsed", cases[i].in);
            free(error);
        } else {
            ck_assert_msg(!error, "\"%s\": %s", cases[i].in, error);
            ck_assert_int_eq(min, cases[i].min);
            ck_assert_int_eq(max, cases[i].max);
        }
    }
}
END_TEST

START_TEST(test_port_masks)
{
    static const struct {
        uint16_t min, max;
        size_t n;               /* Number of masked matches. */
    } cases[] = {
        { 80, 80, 1 }, { 1, 65535, 16 }, { 0, 65535, 1 }, { 1000, 1999, 7 },
        { 5432, 5433, 1 }, { 1024, 2047, 1 }, { 65535, 65535, 1 },
    };

    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct port_mask *masks;
        size_t n = port_range_to_masks(cases[i].min, cases[i].max, &masks);
        ck_assert_uint_eq(n, cases[i].n);

        /* Every port is selected by exactly one match if it is in the
         * range, by none otherwise. */
        for (uint32_t port = 0; port <= 65535; port++) {
            int hits = 0;
            for (size_t j = 0; j < n; j++) {
                hits += (port & masks[j].mask) == masks[j].value;
            }
            ck_assert_int_eq(hits, port >= cases[i].min
                                   && port <= cases[i].max);
        }
        free(masks);
    }
}
END_TEST

START_TEST(test_mac)
{
    struct eth_addr ea;
    char *error;

    error = mac_parse("0a:58:0A:00:00:02", &ea);
    ck_assert_ptr_null(error);
    static const struct eth_addr expected = ETH_ADDR_C(0a,58,0a,00,00,02);
    ck_assert(eth_addr_equals(ea, expected));

    static const char *bad[] = {
        "0a:58:0a:00:00", "0a:58:0a:00:00:02:03", "0a-58-0a-00-00-02",
        "a:58:0a:00:00:02", "0a:58:0a:00:00:0g", "01:00:5e:00:00:01",
        "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        error = mac_parse(bad[i], &ea);
        ck_assert_msg(error != NULL, "\"%s\" parsed", bad[i]);
        free(error);
    }
}
END_TEST

START_TEST(test_names)
{
    char *error;
    char long_name[130];

    error = nb_check_name("tenant", "acme-1.prod_x");
    ck_assert_ptr_null(error);

    memset(long_name, 'x', 129);
    long_name[129] = '\0';
    const struct {
        const char *name;
        const char *error;
    } bad[] = {
        { "", "tenant name must not be empty" },
        { "a/b", "tenant name \"a/b\" may not contain '/'" },
        { "a b", "tenant name \"a b\" may not contain spaces or control "
          "characters" },
        { "a\tb", "tenant name \"a\tb\" may not contain spaces or control "
          "characters" },
        { long_name, "tenant name \"xxxxxxxxxxxxxxxxxxxx...\" is too long "
          "(at most 128 characters)" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        error = nb_check_name("tenant", bad[i].name);
        ck_assert_msg(error != NULL, "\"%s\" accepted", bad[i].name);
        ck_assert_str_eq(error, bad[i].error);
        free(error);
    }
}
END_TEST

START_TEST(test_default_db_from_rundir)
{
    unsetenv("SLUICE_NB_DB");
    setenv("SLUICE_RUNDIR", "/run/x", 1);
    ck_assert_str_eq(sluice_rundir(), "/run/x");
    ck_assert_str_eq(nb_default_db(), "unix:/run/x/sluice-nb.sock");
}
END_TEST

START_TEST(test_default_db_from_env)
{
    setenv("SLUICE_NB_DB", "tcp:127.0.0.1:6641,tcp:127.0.0.1:6642", 1);
    ck_assert_str_eq(nb_default_db(), "tcp:127.0.0.1:6641,tcp:127.0.0.1:6642");
}
END_TEST

START_TEST(test_default_rundir)
{
    unsetenv("SLUICE_RUNDIR");
    ck_assert_str_eq(sluice_rundir(), "/var/run/sluice");
}
END_TEST

Suite *
nb_util_suite(void)
{
    Suite *s = suite_create("nb-util");
    TCase *tc = tcase_create("nb-util");

    tcase_add_test(tc, test_port_range);
    tcase_add_test(tc, test_port_masks);
    tcase_add_test(tc, test_mac);
    tcase_add_test(tc, test_names);
    /* Each test runs in its own process, so nb_default_db()'s cached value
     * does not carry over from one to the next. */
    tcase_add_test(tc, test_default_db_from_rundir);
    tcase_add_test(tc, test_default_db_from_env);
    tcase_add_test(tc, test_default_rundir);
    suite_add_tcase(s, tc);
    return s;
}
