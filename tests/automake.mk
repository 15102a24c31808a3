# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# The test layers: Check unit tests (Automake TESTS, reported per test case
# through TAP), the autotest suite on the dummy datapath ("make check"), and
# the system suite with namespaces and the userspace datapath ("make
# check-system", as root).

# Unit tests.
check_PROGRAMS += tests/check-unit
tests_check_unit_SOURCES = \
	tests/check-unit.c \
	tests/check-unit.h \
	tests/check-cni-proto.c \
	tests/check-ip-prefix.c \
	tests/check-nb-util.c \
	utilities/sluice-cni-proto.c \
	utilities/sluice-cni-proto.h \
	tests/check-si-context.c
tests_check_unit_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_unit_LDADD = lib/libsluice.la $(OVS_LIBS) $(CHECK_LIBS)
TESTS += tests/check-unit
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh

# Autotest suites, built on OVS's macro files from the OVS source tree.
TESTSUITE_AT = \
	tests/testsuite.at \
	tests/sluice-macros.at \
	tests/ovs-ext.at \
	tests/ofproto-ext.at \
	tests/prepare-ovs.at \
	tests/sluice-ctl.at \
	tests/sluice-nbdb.at \
	tests/sluice-controller.at \
	tests/sluice-cni.at \
	tests/sluice-si.at \
	tests/sluice-gateway.at
SYSTEM_TESTSUITE_AT = \
	tests/system-testsuite.at \
	tests/sluice-macros.at \
	tests/system-macros.at \
	tests/system-foundation.at \
	tests/system-controller.at \
	tests/system-cni.at \
	tests/system-ext.at \
	tests/system-si.at \
	tests/system-gateway.at
OVS_MACROS_AT = \
	$(OVS_SRCDIR)/tests/ovs-macros.at \
	$(OVS_SRCDIR)/tests/ovsdb-macros.at \
	$(OVS_SRCDIR)/tests/ofproto-macros.at

TESTSUITE = tests/testsuite
SYSTEM_TESTSUITE = tests/system-testsuite
check_DATA = $(TESTSUITE) $(SYSTEM_TESTSUITE) tests/atlocal
CLEANFILES += $(TESTSUITE) $(SYSTEM_TESTSUITE) tests/package.m4
DISTCLEANFILES += tests/atconfig tests/atlocal

# The test suites run the patched OVS from its build tree.
AUTOTEST_PATH = $(OVS_BUILDDIR)/utilities:$(OVS_BUILDDIR)/vswitchd:$(OVS_BUILDDIR)/ovsdb:utilities:controller:tests

AUTOTEST = $(AUTOM4TE) --language=autotest
AUTOTEST_INCLUDES = -I tests -I '$(srcdir)' -I '$(OVS_SRCDIR)'
$(TESTSUITE): tests/package.m4 $(TESTSUITE_AT) $(OVS_MACROS_AT)
	$(AM_V_GEN)$(AUTOTEST) $(AUTOTEST_INCLUDES) -o $@.tmp $(srcdir)/$@.at && \
	mv $@.tmp $@
$(SYSTEM_TESTSUITE): tests/package.m4 $(SYSTEM_TESTSUITE_AT) $(OVS_MACROS_AT)
	$(AM_V_GEN)$(AUTOTEST) $(AUTOTEST_INCLUDES) -o $@.tmp $(srcdir)/$@.at && \
	mv $@.tmp $@

tests/package.m4: $(top_srcdir)/configure.ac
	$(AM_V_GEN){ \
	  echo 'm4_define([AT_PACKAGE_NAME], [$(PACKAGE_NAME)])'; \
	  echo 'm4_define([AT_PACKAGE_TARNAME], [$(PACKAGE_TARNAME)])'; \
	  echo 'm4_define([AT_PACKAGE_VERSION], [$(PACKAGE_VERSION)])'; \
	  echo 'm4_define([AT_PACKAGE_STRING], [$(PACKAGE_STRING)])'; \
	  echo 'm4_define([AT_PACKAGE_BUGREPORT], [$(PACKAGE_BUGREPORT)])'; \
	} > $@

check-local: $(check_DATA)
	$(SHELL) '$(TESTSUITE)' -C tests AUTOTEST_PATH='$(AUTOTEST_PATH)' \
	  $(TESTSUITEFLAGS)

# The system suite needs root.  Its tests are not run in parallel: each
# starts several ovs-vswitchd processes with busy datapath threads.
check-system: all $(check_DATA)
	$(SHELL) '$(SYSTEM_TESTSUITE)' -C tests \
	  AUTOTEST_PATH='$(AUTOTEST_PATH)' $(TESTSUITEFLAGS) -j1
.PHONY: check-system

CLEAN_LOCAL += clean-testsuites
clean-testsuites:
	test ! -f '$(TESTSUITE)' || $(SHELL) '$(TESTSUITE)' -C tests --clean
	test ! -f '$(SYSTEM_TESTSUITE)' || \
	  $(SHELL) '$(SYSTEM_TESTSUITE)' -C tests --clean

# Benchmarks, as root: they print figures and never pass or fail.  They
# compare with OVN, whose packages the target installs if they are missing.
# BENCHFLAGS passes options to the attach benchmark (bench-cni.py), e.g.
# BENCHFLAGS='--samples=10', SCALEFLAGS to the convergence benchmark
# (bench-scale.py), e.g. SCALEFLAGS='--ports=1000 --chassis=10'.
BENCH_PACKAGES = ovn-central ovn-host iperf3
bench: all
	@missing=; \
	for p in $(BENCH_PACKAGES); do \
	  dpkg-query -W -f='$${db:Status-Status}' $$p 2>/dev/null \
	    | grep -qx installed || missing="$$missing $$p"; \
	done; \
	if test -n "$$missing"; then \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -q --no-install-recommends $$missing; \
	fi
	$(PYTHON3) $(srcdir)/tests/bench-cni.py $(abs_builddir) $(BENCHFLAGS)
	$(PYTHON3) $(srcdir)/tests/bench-scale.py $(abs_builddir) \
	  $(SCALEFLAGS)
	$(MAKE) $(AM_MAKEFLAGS) bench-service bench-actions bench-gateway
.PHONY: bench

# Service insertion: throughput through a null service, failover time and
# datapath flows (see docs/benchmarks.md).  BENCH_SERVICE_FLAGS passes
# options, e.g. BENCH_SERVICE_FLAGS='--runs=5 --remote'.
bench-service: all
	$(PYTHON3) $(srcdir)/tests/bench-service.py $(abs_builddir) \
	  $(BENCH_SERVICE_FLAGS)
.PHONY: bench-service

# The gateway: throughput plain and with SNAT and firewall, new connections
# per second, upcalls and datapath flows, first-packet latency (see
# docs/benchmarks.md).  BENCH_GATEWAY_FLAGS passes options, e.g.
# BENCH_GATEWAY_FLAGS='--runs=3 --json=gateway.json'.
bench-gateway: all
	$(PYTHON3) $(srcdir)/tests/bench-gateway.py $(abs_builddir) \
	  $(BENCH_GATEWAY_FLAGS)
.PHONY: bench-gateway

# Service insertion, native actions against standard OpenFlow, as root.
bench-actions: all
	$(PYTHON3) $(srcdir)/tests/bench-actions.py $(abs_builddir) \
	  $(BENCH_ACTIONS_FLAGS)
.PHONY: bench-actions
