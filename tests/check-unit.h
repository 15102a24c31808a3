/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The Check unit-test suites that tests/check-unit runs. */

#ifndef CHECK_UNIT_H
#define CHECK_UNIT_H 1

#include <check.h>

Suite *ip_prefix_suite(void);
Suite *nb_util_suite(void);
Suite *cni_proto_suite(void);
Suite *si_context_suite(void);

#endif /* check-unit.h */
