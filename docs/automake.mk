# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# User and design documentation and man pages.

# sluice-actions(7): the "steer" and "accept" OpenFlow actions that the
# patched Open vSwitch offers (ofproto-ext/).
man_MANS += docs/sluice-actions.7
CLEANFILES += docs/sluice-actions.7
docs/%.7: docs/%.7.xml
	$(AM_V_GEN)$(MKDIR_P) docs && \
	$(XML2NROFF) --version=$(PACKAGE_VERSION) $< | $(MAN_FIX) > $@.tmp && \
	mv $@.tmp $@
