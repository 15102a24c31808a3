# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# sluice-controller, the OpenFlow controller daemon.

bin_PROGRAMS += controller/sluice-controller
controller_sluice_controller_SOURCES = \
	controller/binding.c \
	controller/binding.h \
	controller/central.c \
	controller/central.h \
	controller/chassis.c \
	controller/chassis.h \
	controller/engine.c \
	controller/engine.h \
	controller/flow-engine.c \
	controller/flow-engine.h \
	controller/flow-table.c \
	controller/flow-table.h \
	controller/flows.c \
	controller/flows.h \
	controller/gateway.c \
	controller/gateway.h \
	controller/monitor.c \
	controller/monitor.h \
	controller/ofctrl.c \
	controller/ofctrl.h \
	controller/pipeline.h \
	controller/si.c \
	controller/si.h \
	controller/si-flows.c \
	controller/si-flows.h \
	controller/si-native.c \
	controller/si-native.h \
	controller/si-health.c \
	controller/si-health.h \
	controller/si-ids.c \
	controller/si-ids.h \
	controller/si-packet.c \
	controller/si-packet.h \
	controller/si-stats.c \
	controller/si-stats.h \
	controller/sluice-controller.c \
	controller/switch.c \
	controller/switch.h \
	controller/switch-ports.c \
	controller/switch-ports.h
controller_sluice_controller_LDADD = lib/libsluice.la $(OVS_LIBS)

man_MANS += controller/sluice-controller.8
CLEANFILES += controller/sluice-controller.8
controller/%.8: controller/%.8.xml
	$(AM_V_GEN)$(MKDIR_P) controller && \
	$(XML2NROFF) --version=$(PACKAGE_VERSION) $< | $(MAN_FIX) > $@.tmp && \
	mv $@.tmp $@
