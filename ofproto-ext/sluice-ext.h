/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The Sluice extension to Open vSwitch: the entry points that the patches in
 * ofproto-ext/patches/ call from inside OVS.  This header is compiled into
 * libopenvswitch by the patched OVS build, never into Sluice's own programs
 * directly. */

#ifndef SLUICE_EXT_H
#define SLUICE_EXT_H 1

/* The Sluice release that this extension belongs to.  configure.ac reads this
 * line, so it is the only place where Sluice's version is written. */
#define SLUICE_VERSION "0.1.0"

const char *sluice_ext_banner(void);

#endif /* sluice-ext.h */
