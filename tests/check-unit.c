/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Runs every Check unit-test suite and reports each test case in TAP, so
 * that Automake's TAP driver counts them one by one. */

#include <config.h>
#include "tests/check-unit.h"
#include <stdlib.h>
#include "util.h"

int
main(int argc OVS_UNUSED, char *argv[])
{
    set_program_name(argv[0]);

    SRunner *sr = srunner_create(ip_prefix_suite());
    srunner_add_suite(sr, nb_util_suite());
    srunner_add_suite(sr, cni_proto_suite());
    srunner_add_suite(sr, si_context_suite());
    srunner_set_tap(sr, "-");
    srunner_run_all(sr, CK_SILENT);
    int n_failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return n_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
