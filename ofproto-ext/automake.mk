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
