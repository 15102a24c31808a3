# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# lib/libsluice.la: code shared by sluice-controller, sluice-ctl and
# sluice-cni.

noinst_LTLIBRARIES += lib/libsluice.la
lib_libsluice_la_SOURCES = \
	lib/ip-prefix.c \
	lib/ip-prefix.h \
	lib/nb-alloc.c \
	lib/nb-alloc.h \
	lib/nb-util.c \
	lib/nb-util.h \
	lib/std-fds.c \
	lib/std-fds.h
lib_libsluice_la_SOURCES += \
	lib/sluice-nb-idl.c \
	lib/sluice-nb-idl.h

# The northbound schema, its generated C IDL and its man page.
OVSDB_IDLC = PYTHONPATH='$(OVS_SRCDIR)/python' $(PYTHON3) \
	$(OVS_SRCDIR)/ovsdb/ovsdb-idlc.in
OVSDB_DOC = PYTHONPATH='$(OVS_SRCDIR)/python' $(PYTHON3) \
	$(OVS_SRCDIR)/ovsdb/ovsdb-doc

BUILT_SOURCES += lib/sluice-nb-idl.c lib/sluice-nb-idl.h
CLEANFILES += lib/sluice-nb-idl.c lib/sluice-nb-idl.h lib/sluice-nb-idl.ovsidl
# (After ovs-current, which may be unpacking the OVS tree whose Python
# library ovsdb-idlc uses.)
lib/sluice-nb-idl.ovsidl: lib/sluice-nb.ovsschema lib/sluice-nb-idl.ann \
		| ovs-current
	$(AM_V_GEN)$(MKDIR_P) lib && $(OVSDB_IDLC) annotate \
	  $(srcdir)/lib/sluice-nb.ovsschema $(srcdir)/lib/sluice-nb-idl.ann \
	  > $@.tmp && mv $@.tmp $@
lib/sluice-nb-idl.c: lib/sluice-nb-idl.ovsidl
	$(AM_V_GEN)$(OVSDB_IDLC) c-idl-source $< > $@.tmp && mv $@.tmp $@
lib/sluice-nb-idl.h: lib/sluice-nb-idl.ovsidl
	$(AM_V_GEN)$(OVSDB_IDLC) c-idl-header $< > $@.tmp && mv $@.tmp $@

# ovsdb-doc fails on a table or column that sluice-nb.xml does not document.
man_MANS += lib/sluice-nb.5
CLEANFILES += lib/sluice-nb.5
lib/sluice-nb.5: lib/sluice-nb.ovsschema lib/sluice-nb.xml
	$(AM_V_GEN)$(OVSDB_DOC) --version=$(PACKAGE_VERSION) \
	  $(srcdir)/lib/sluice-nb.ovsschema $(srcdir)/lib/sluice-nb.xml | \
	  $(MAN_FIX) \
	  > $@.tmp && mv $@.tmp $@

# Every schema edit needs a new version: see lib/check-schema-version.
ALL_LOCAL += lib/sluice-nb.ovsschema.stamp
CLEANFILES += lib/sluice-nb.ovsschema.stamp
lib/sluice-nb.ovsschema.stamp: lib/sluice-nb.ovsschema lib/sluice-nb.versions
	$(AM_V_GEN)$(srcdir)/lib/check-schema-version \
	  $(srcdir)/lib/sluice-nb.ovsschema $(srcdir)/lib/sluice-nb.versions && \
	touch $@

pkgdata_DATA = lib/sluice-nb.ovsschema
