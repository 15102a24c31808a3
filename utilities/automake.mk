# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# Command-line tools and scripts.

# sluice-sandbox simulates hosts and containers in network namespaces for the
# system tests, the demo and benchmarks.
noinst_SCRIPTS = utilities/sluice-sandbox
CLEANFILES += utilities/sluice-sandbox
utilities/sluice-sandbox: utilities/sluice-sandbox.in Makefile
	$(AM_V_GEN)$(MKDIR_P) utilities && \
	$(SED) -e 's|@OVS_SRCDIR[@]|$(OVS_SRCDIR)|g' \
	       -e 's|@OVS_BUILDDIR[@]|$(OVS_BUILDDIR)|g' \
	       -e 's|@abs_top_builddir[@]|$(abs_top_builddir)|g' \
	       $(srcdir)/utilities/sluice-sandbox.in > $@.tmp && \
	chmod +x $@.tmp && mv $@.tmp $@
