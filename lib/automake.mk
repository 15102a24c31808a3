# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# lib/libsluice.la: code shared by sluice-controller, sluice-ctl and
# sluice-cni.

noinst_LTLIBRARIES += lib/libsluice.la
lib_libsluice_la_SOURCES = \
	lib/ip-prefix.c \
	lib/ip-prefix.h
