# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# Command-line tools and scripts.

# Scripts generated from their .in templates.
SCRIPT_SUBST = $(SED) \
	-e 's|@OVS_SRCDIR[@]|$(OVS_SRCDIR)|g' \
	-e 's|@OVS_BUILDDIR[@]|$(OVS_BUILDDIR)|g' \
	-e 's|@abs_top_srcdir[@]|$(abs_top_srcdir)|g' \
	-e 's|@abs_top_builddir[@]|$(abs_top_builddir)|g' \
	-e 's|@pkgdatadir[@]|$(pkgdatadir)|g'
utilities/%: utilities/%.in Makefile
	$(AM_V_GEN)$(MKDIR_P) utilities && \
	$(SCRIPT_SUBST) $(srcdir)/$@.in > $@.tmp && \
	chmod +x $@.tmp && mv $@.tmp $@

# sluice-nbdb runs the northbound database server.
bin_SCRIPTS = utilities/sluice-nbdb
CLEANFILES += utilities/sluice-nbdb

# sluice-sandbox simulates hosts and containers in network namespaces for the
# system tests, the demo and benchmarks.
noinst_SCRIPTS = utilities/sluice-sandbox
CLEANFILES += utilities/sluice-sandbox

# sluice-ctl, the northbound database CLI.
bin_PROGRAMS += utilities/sluice-ctl
utilities_sluice_ctl_SOURCES = \
	utilities/ctl-edge.c \
	utilities/ctl-edge.h \
	utilities/ctl-noun.c \
	utilities/ctl-noun.h \
	utilities/ctl-services.c \
	utilities/ctl-si.c \
	utilities/ctl-si.h \
	utilities/ctl-tenancy.c \
	utilities/sluice-ctl.c
utilities_sluice_ctl_LDADD = lib/libsluice.la $(OVS_LIBS)

# Man pages written in OVS's manpage XML.  They may include OVS's own
# sections (such as lib/db-ctl-base.xml) from the OVS source tree.
XML2NROFF = PYTHONPATH='$(OVS_SRCDIR)/python' $(PYTHON3) \
	$(OVS_SRCDIR)/build-aux/xml2nroff -I $(OVS_SRCDIR)
MAN_FIX = $(SED) -e '/^\.TH /s/"Open vSwitch \([^"]*\)" "Open vSwitch Manual"/"Sluice \1" "Sluice Manual"/'
man_MANS += utilities/sluice-ctl.8 utilities/sluice-nbdb.8
CLEANFILES += utilities/sluice-ctl.8 utilities/sluice-nbdb.8
utilities/%.8: utilities/%.8.xml
	$(AM_V_GEN)$(MKDIR_P) utilities && \
	$(XML2NROFF) --version=$(PACKAGE_VERSION) $< | $(MAN_FIX) > $@.tmp && \
	mv $@.tmp $@
