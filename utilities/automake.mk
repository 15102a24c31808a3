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

# sluice-demo runs the live demo of "./quickstart demo" on sandbox hosts.
noinst_SCRIPTS += utilities/sluice-demo
CLEANFILES += utilities/sluice-demo

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

# sluice-cni, the CNI plugin, installed where container runtimes look for
# plugins (configure --with-cni-bin-dir).
cnibin_PROGRAMS = utilities/sluice-cni
utilities_sluice_cni_SOURCES = \
	utilities/sluice-cni.c \
	utilities/sluice-cni-idl.c \
	utilities/sluice-cni-idl.h \
	utilities/sluice-cni-ipam.c \
	utilities/sluice-cni-ipam.h \
	utilities/sluice-cni-nb.c \
	utilities/sluice-cni-nb.h \
	utilities/sluice-cni-netlink.c \
	utilities/sluice-cni-netlink.h \
	utilities/sluice-cni-ovs.c \
	utilities/sluice-cni-ovs.h \
	utilities/sluice-cni-proto.c \
	utilities/sluice-cni-proto.h
utilities_sluice_cni_CFLAGS = $(AM_CFLAGS) $(LIBNL_CFLAGS)
utilities_sluice_cni_LDADD = lib/libsluice.la $(OVS_LIBS) $(LIBNL_LIBS)

# Man pages written in OVS's manpage XML.  They may include OVS's own
# sections (such as lib/db-ctl-base.xml) from the OVS source tree.
XML2NROFF = PYTHONPATH='$(OVS_SRCDIR)/python' $(PYTHON3) \
	$(OVS_SRCDIR)/build-aux/xml2nroff -I $(OVS_SRCDIR)
# They also name OVS's directories as @RUNDIR@ and @LOGDIR@, which take the
# values that the OVS build compiled in.
OVS_DIR = $(SED) -n 's/.*"\([^"]*\)", "OVS_$(1)".*/\1/p' \
	$(OVS_BUILDDIR)/lib/dirs.c
MAN_FIX = $(SED) -e '/^\.TH /s/"Open vSwitch \([^"]*\)" "Open vSwitch Manual"/"Sluice \1" "Sluice Manual"/' \
	-e "s|@RUNDIR@|`$(call OVS_DIR,RUNDIR)`|g" \
	-e "s|@LOGDIR@|`$(call OVS_DIR,LOGDIR)`|g"
man_MANS += utilities/sluice-ctl.8 utilities/sluice-nbdb.8 utilities/sluice-cni.8
CLEANFILES += utilities/sluice-ctl.8 utilities/sluice-nbdb.8 utilities/sluice-cni.8
utilities/%.8: utilities/%.8.xml
	$(AM_V_GEN)$(MKDIR_P) utilities && \
	$(XML2NROFF) --version=$(PACKAGE_VERSION) $< | $(MAN_FIX) > $@.tmp && \
	mv $@.tmp $@
