# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# The OVS extension.  Its .c/.h files are compiled into Open vSwitch by the
# patches in ofproto-ext/patches/, not into Sluice's own programs.
# ofproto-ext/prepare-ovs unpacks, patches, configures and builds OVS.

# When the OVS tree is the one that prepare-ovs made, keep it current before
# anything of ours is built: a changed patch re-patches and reconfigures OVS,
# a changed extension source rebuilds only what depends on it.
BUILT_SOURCES += ovs-current
ovs-current:
	@if test -f '$(OVS_BUILDDIR)/.sluice-stamp'; then \
	  $(srcdir)/ofproto-ext/prepare-ovs '$(OVS_SRCDIR)'; \
	fi
.PHONY: ovs-current

# Open vSwitch's own autotest groups that the patches can affect, run against
# the patched OVS build: the test files for OpenFlow actions and their text
# syntax, for translation in ofproto-dpif, and for tunnels (the patches touch
# lib/ofp-actions.c, ofproto/ofproto-dpif-xlate.c and lib/tun-metadata.c).
# docs/ofproto-ext.md records how long they take and what they give.
#
#   make check-ovs-actions                         the files below, -j2
#   make check-ovs-actions OVS_TEST_FILES=tunnel.at OVS_TESTSUITEFLAGS=-v
OVS_TEST_FILES = \
	ofp-actions.at \
	ovs-ofctl.at \
	ofproto-dpif.at \
	tunnel.at \
	tunnel-push-pop.at \
	tunnel-push-pop-ipv6.at
OVS_TESTSUITEFLAGS = -j2
check-ovs-actions: ovs-current
	@groups=`cd '$(OVS_BUILDDIR)/tests' && \
	  $(SHELL) '$(OVS_SRCDIR)/tests/testsuite' -l | \
	  awk -v files=' $(strip $(OVS_TEST_FILES)) ' \
	    '$$1 ~ /^[0-9]+:$$/ { split($$2, f, ":"); \
	                          if (index(files, " " f[1] " ")) { \
	                            sub(":", "", $$1); printf " %s", $$1 } }'`; \
	test -n "$$groups" || { echo "no OVS test groups in $(OVS_TEST_FILES)" >&2; exit 1; }; \
	echo "Running OVS test groups from $(strip $(OVS_TEST_FILES))"; \
	$(MAKE) -C '$(OVS_BUILDDIR)' check \
	  TESTSUITEFLAGS="$(OVS_TESTSUITEFLAGS)$$groups"
.PHONY: check-ovs-actions
