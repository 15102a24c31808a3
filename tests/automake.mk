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
	tests/system-gateway.at \
	tests/system-demo.at
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
# "make bench" runs them all, each writing its figures as JSON into
# $(BENCH_RESULTS), then writes the report (tests/bench-report.py:
# report.md and PNG plots) into $(BENCH_REPORT) and prints its path.  Each
# benchmark is also a target of its own, whose options come from a
# variable:
#   bench-cni      BENCHFLAGS, e.g. '--samples=10 --counts=0,100'
#   bench-scale    SCALEFLAGS, e.g. '--ports=1000 --chassis=10'
#   bench-service  BENCH_SERVICE_FLAGS, e.g. '--runs=1 --connections=100'
#   bench-actions  BENCH_ACTIONS_FLAGS, e.g. '--connections=50 --seconds=2'
#   bench-gateway  BENCH_GATEWAY_FLAGS, e.g. '--runs=3'
# The benchmarks run one after the other, even with -j, since each needs
# the whole machine.  To add a benchmark: a target bench-NAME that writes
# $(BENCH_RESULTS)/NAME.json (a dict of named figures) and its name in
# BENCHMARKS; the report shows its figures in a section of its own.
BENCH_PACKAGES = ovn-central ovn-host iperf3 python3-matplotlib
BENCH_REPORT = $(abs_builddir)/bench-report
BENCH_RESULTS = $(BENCH_REPORT)/results
BENCHMARKS = bench-cni bench-scale bench-service bench-actions bench-gateway
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
	rm -rf $(BENCH_REPORT)
	for b in $(BENCHMARKS); do $(MAKE) $(AM_MAKEFLAGS) $$b || exit 1; done
	$(MAKE) $(AM_MAKEFLAGS) bench-report
.PHONY: bench

# The report of the results that are in $(BENCH_RESULTS).
bench-report:
	$(PYTHON3) $(srcdir)/tests/bench-report.py $(BENCH_RESULTS) \
	  $(BENCH_REPORT)
.PHONY: bench-report

# Container attach latency (see docs/benchmarks.md).
bench-cni: all
	$(MKDIR_P) $(BENCH_RESULTS)
	$(PYTHON3) $(srcdir)/tests/bench-cni.py $(abs_builddir) \
	  --json=$(BENCH_RESULTS)/cni.json $(BENCHFLAGS)
.PHONY: bench-cni

# Convergence at scale.
bench-scale: all
	$(MKDIR_P) $(BENCH_RESULTS)
	$(PYTHON3) $(srcdir)/tests/bench-scale.py $(abs_builddir) \
	  --json=$(BENCH_RESULTS)/scale.json $(SCALEFLAGS)
.PHONY: bench-scale

# Throughput (direct, through a null service, over a bare veth pair, and
# OVN's), failover time and datapath flows.
bench-service: all
	$(MKDIR_P) $(BENCH_RESULTS)
	$(PYTHON3) $(srcdir)/tests/bench-service.py $(abs_builddir) \
	  --json=$(BENCH_RESULTS)/service.json $(BENCH_SERVICE_FLAGS)
.PHONY: bench-service

# The gateway: throughput plain and with SNAT and firewall, new connections
# per second, upcalls and datapath flows, first-packet latency.
bench-gateway: all
	$(MKDIR_P) $(BENCH_RESULTS)
	$(PYTHON3) $(srcdir)/tests/bench-gateway.py $(abs_builddir) \
	  --json=$(BENCH_RESULTS)/gateway.json $(BENCH_GATEWAY_FLAGS)
.PHONY: bench-gateway

# Service insertion, native actions against standard OpenFlow.
bench-actions: all
	$(MKDIR_P) $(BENCH_RESULTS)
	$(PYTHON3) $(srcdir)/tests/bench-actions.py $(abs_builddir) \
	  --json=$(BENCH_RESULTS)/actions.json $(BENCH_ACTIONS_FLAGS)
.PHONY: bench-actions
