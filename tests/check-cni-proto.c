/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Unit tests for the CNI protocol layer of sluice-cni. */

#include <config.h>
#include <stdlib.h>
#include <string.h>
#include "openvswitch/json.h"
#include "tests/check-unit.h"
#include "utilities/sluice-cni-proto.h"
#include "util.h"

static void
set_env(const char *command, const char *args)
{
    setenv("CNI_COMMAND", command, 1);
    setenv("CNI_CONTAINERID", "ctr-1", 1);
    setenv("CNI_IFNAME", "eth0", 1);
    setenv("CNI_NETNS", "/var/run/netns/x", 1);
    if (args) {
        setenv("CNI_ARGS", args, 1);
    } else {
        unsetenv("CNI_ARGS");
    }
}

/* Parses 'text' as the configuration of command 'command' with CNI_ARGS
 * 'args', and returns the error code (0 on success). */
static int
parse(const char *command, const char *args, const char *text,
      struct cni_config *config)
{
    struct cni_env env;

    set_env(command, args);
    struct cni_error *error = cni_env_parse(&env);
    cni_config_init(config);
    if (!error) {
        error = cni_config_parse(config, text, &env);
    }
    int code = error ? error->code : 0;
    cni_error_destroy(error);
    cni_env_destroy(&env);
    return code;
}

static int
parse_code(const char *command, const char *args, const char *text)
{
    struct cni_config config;
    int code = parse(command, args, text, &config);
    cni_config_destroy(&config);
    return code;
}

START_TEST(test_env)
{
    struct cni_env env;
    struct cni_error *error;

    unsetenv("CNI_COMMAND");
    error = cni_env_parse(&env);
    ck_assert_int_eq(error->code, CNI_ERR_INVALID_ENV);
    cni_error_destroy(error);
    cni_env_destroy(&env);

    set_env("FROB", NULL);
    error = cni_env_parse(&env);
    ck_assert_int_eq(error->code, CNI_ERR_INVALID_ENV);
    cni_error_destroy(error);
    cni_env_destroy(&env);

    set_env("ADD", "IgnoreUnknown=1;IP=10.0.0.5");
    ck_assert_ptr_null(cni_env_parse(&env));
    ck_assert_int_eq(env.command, CNI_ADD);
    ck_assert_str_eq(env.container_id, "ctr-1");
    ck_assert_str_eq(smap_get(&env.args, "IP"), "10.0.0.5");
    cni_env_destroy(&env);

    /* DEL needs no netns; ADD does. */
    set_env("DEL", NULL);
    unsetenv("CNI_NETNS");
    ck_assert_ptr_null(cni_env_parse(&env));
    cni_env_destroy(&env);
    set_env("ADD", NULL);
    unsetenv("CNI_NETNS");
    error = cni_env_parse(&env);
    ck_assert_int_eq(error->code, CNI_ERR_INVALID_ENV);
    cni_error_destroy(error);
    cni_env_destroy(&env);

    static const char *bad_ifnames[] = {
        "a/b", "0123456789abcdef", "a b", "..",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad_ifnames); i++) {
        set_env("ADD", NULL);
        setenv("CNI_IFNAME", bad_ifnames[i], 1);
        error = cni_env_parse(&env);
        ck_assert_msg(error && error->code == CNI_ERR_INVALID_ENV,
                      "\"%s\" accepted", bad_ifnames[i]);
        cni_error_destroy(error);
        cni_env_destroy(&env);
    }

    set_env("ADD", "novalue");
    error = cni_env_parse(&env);
    ck_assert_int_eq(error->code, CNI_ERR_INVALID_ENV);
    cni_error_destroy(error);
    cni_env_destroy(&env);
}
END_TEST

START_TEST(test_config)
{
    struct cni_config config;

    ck_assert_int_eq(parse("ADD", NULL,
                           "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", "
                           "\"network\": \"acme/web\", \"up_timeout\": 2.5, "
                           "\"bridge\": \"br-x\"}", &config), 0);
    ck_assert_str_eq(config.tenant, "acme");
    ck_assert_str_eq(config.network, "web");
    ck_assert_str_eq(config.bridge, "br-x");
    ck_assert_int_eq(config.up_timeout, 2500);
    ck_assert_int_eq(config.db_timeout, 10000);
    ck_assert(config.threaded_receive);
    ck_assert_ptr_null(config.nb_remote);
    cni_config_destroy(&config);

    ck_assert_int_eq(parse("ADD", NULL,
                           "{\"cniVersion\": \"1.0.0\", \"name\": \"n\", "
                           "\"network\": \"acme/web\", "
                           "\"threaded_receive\": false}", &config), 0);
    ck_assert(!config.threaded_receive);
    cni_config_destroy(&config);

    /* Codes of bad configurations. */
    ck_assert_int_eq(parse_code("ADD", NULL, "{\"cniVersion\""),
                     CNI_ERR_DECODE);
    ck_assert_int_eq(parse_code("ADD", NULL, "[1]"), CNI_ERR_DECODE);
    ck_assert_int_eq(parse_code("ADD", NULL, "{\"name\": \"n\"}"),
                     CNI_ERR_INVALID_CONFIG);
    ck_assert_int_eq(parse_code("ADD", NULL,
                                "{\"cniVersion\": \"0.4.0\", \"name\": \"n\","
                                " \"network\": \"a/b\"}"),
                     CNI_ERR_INCOMPATIBLE_VERSION);
    ck_assert_int_eq(parse_code("ADD", NULL,
                                "{\"cniVersion\": \"1.1.0\", \"name\": \"n\","
                                " \"network\": \"ab\"}"),
                     CNI_ERR_INVALID_CONFIG);
    ck_assert_int_eq(parse_code("ADD", NULL,
                                "{\"cniVersion\": \"1.1.0\", \"name\": \"n\","
                                " \"network\": \"a/b\", \"up_timeout\": -1}"),
                     CNI_ERR_INVALID_CONFIG);
    ck_assert_int_eq(parse_code("ADD", NULL,
                                "{\"cniVersion\": \"1.1.0\", \"name\": \"n\","
                                " \"network\": \"a/b\", \"bridge\": 5}"),
                     CNI_ERR_INVALID_CONFIG);
    ck_assert_int_eq(parse_code("ADD", NULL,
                                "{\"cniVersion\": \"1.1.0\", \"name\": \"n\","
                                " \"network\": \"a/b\","
                                " \"threaded_receive\": \"no\"}"),
                     CNI_ERR_INVALID_CONFIG);
    ck_assert_int_eq(parse_code("ADD", NULL,
                                "{\"cniVersion\": \"1.1.0\", \"name\": \"n\","
                                " \"network\": \"a/b\", \"ipam\": {}}"),
                     CNI_ERR_INVALID_CONFIG);
    ck_assert_int_eq(parse_code("ADD", "FOO=1",
                                "{\"cniVersion\": \"1.1.0\", \"name\": \"n\","
                                " \"network\": \"a/b\"}"),
                     CNI_ERR_UNSUPPORTED_FIELD);
    ck_assert_int_eq(parse_code("ADD", "IgnoreUnknown=true;FOO=1",
                                "{\"cniVersion\": \"1.1.0\", \"name\": \"n\","
                                " \"network\": \"a/b\"}"), 0);
}
END_TEST

START_TEST(test_requests)
{
    struct cni_config config;

    /* CNI_ARGS. */
    ck_assert_int_eq(parse("ADD", "IP=10.0.0.5,fd00::5;MAC=0a:58:00:00:00:09",
                           "{\"cniVersion\": \"1.1.0\", \"name\": \"n\", "
                           "\"network\": \"a/b\"}", &config), 0);
    ck_assert_int_eq(config.ips.n, 2);
    ck_assert_str_eq(config.ips.names[0], "10.0.0.5");
    ck_assert_str_eq(config.ips.names[1], "fd00::5");
    ck_assert_str_eq(config.mac, "0a:58:00:00:00:09");
    cni_config_destroy(&config);

    /* runtimeConfig wins over args, which win over CNI_ARGS. */
    ck_assert_int_eq(parse("ADD", "IP=10.0.0.5",
                           "{\"cniVersion\": \"1.1.0\", \"name\": \"n\", "
                           "\"network\": \"a/b\", "
                           "\"runtimeConfig\": {\"ips\": [\"10.0.0.7/24\"]},"
                           "\"args\": {\"cni\": {\"ips\": [\"10.0.0.8\"], "
                           "\"mac\": \"0a:58:00:00:00:08\"}}}", &config), 0);
    ck_assert_int_eq(config.ips.n, 1);
    ck_assert_str_eq(config.ips.names[0], "10.0.0.7/24");
    ck_assert_str_eq(config.mac, "0a:58:00:00:00:08");
    cni_config_destroy(&config);

    /* GC's valid attachments. */
    ck_assert_int_eq(parse("GC", NULL,
                           "{\"cniVersion\": \"1.1.0\", \"name\": \"n\", "
                           "\"network\": \"a/b\", "
                           "\"cni.dev/valid-attachments\": "
                           "[{\"containerID\": \"c1\", \"ifname\": \"eth0\"}]"
                           "}", &config), 0);
    ck_assert(sset_contains(&config.valid_attachments, "c1/eth0"));
    ck_assert_int_eq(sset_count(&config.valid_attachments), 1);
    cni_config_destroy(&config);
}
END_TEST

START_TEST(test_result)
{
    static const char *in =
        "{\"cniVersion\": \"1.1.0\", "
        "\"interfaces\": [{\"name\": \"sl1\"}, "
        "{\"name\": \"eth0\", \"mac\": \"0a:58:0a:00:00:02\", \"mtu\": 1450, "
        "\"sandbox\": \"/var/run/netns/x\"}], "
        "\"ips\": [{\"address\": \"10.0.0.2/24\", \"gateway\": \"10.0.0.1\", "
        "\"interface\": 1}], "
        "\"routes\": [{\"dst\": \"0.0.0.0/0\", \"gw\": \"10.0.0.1\"}], "
        "\"dns\": {\"nameservers\": [\"10.0.0.53\"]}}";
    struct json *json = json_from_string(in);
    struct cni_result result;

    cni_result_init(&result);
    ck_assert_ptr_null(cni_result_from_json(&result, json));
    ck_assert_int_eq(result.n_interfaces, 2);
    ck_assert_int_eq(result.interfaces[1].mtu, 1450);
    ck_assert_int_eq(result.ips[0].interface, 1);

    /* 1.1.0 round-trips exactly; 1.0.0 has no interface MTU. */
    struct json *out = cni_result_to_json(&result, "1.1.0");
    ck_assert(json_equal(out, json));
    json_destroy(out);
    out = cni_result_to_json(&result, "1.0.0");
    char *s = json_to_string(out, JSSF_SORT);
    ck_assert_ptr_null(strstr(s, "mtu"));
    free(s);
    json_destroy(out);
    cni_result_destroy(&result);
    json_destroy(json);

    /* An address on a missing interface. */
    json = json_from_string("{\"ips\": [{\"address\": \"10.0.0.2/24\", "
                            "\"interface\": 3}]}");
    cni_result_init(&result);
    struct cni_error *error = cni_result_from_json(&result, json);
    ck_assert_int_eq(error->code, CNI_ERR_DECODE);
    cni_error_destroy(error);
    cni_result_destroy(&result);
    json_destroy(json);
}
END_TEST

START_TEST(test_error)
{
    struct cni_error *error = cni_error_create(CNI_ERR_NO_ADDRESS,
                                               "subnet %s is full",
                                               "10.0.0.0/30");
    struct json *json = cni_error_to_json(error, "1.0.0");
    char *s = json_to_string(json, JSSF_SORT);
    ck_assert_str_eq(s, "{\"cniVersion\":\"1.0.0\",\"code\":104,"
                     "\"msg\":\"subnet 10.0.0.0/30 is full\"}");
    free(s);
    json_destroy(json);
    cni_error_destroy(error);

    ck_assert(cni_version_at_least("1.1.0", "1.0.0"));
    ck_assert(cni_version_at_least("1.1.0", "1.1.0"));
    ck_assert(!cni_version_at_least("1.0.0", "1.1.0"));
    ck_assert(!cni_version_at_least("1.0", "1.0.0"));
}
END_TEST

Suite *
cni_proto_suite(void)
{
    Suite *s = suite_create("cni-proto");
    TCase *tc = tcase_create("cni-proto");
    tcase_add_test(tc, test_env);
    tcase_add_test(tc, test_config);
    tcase_add_test(tc, test_requests);
    tcase_add_test(tc, test_result);
    tcase_add_test(tc, test_error);
    suite_add_tcase(s, tc);
    return s;
}
