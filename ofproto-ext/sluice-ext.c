/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Identification of the Sluice extension inside a patched Open vSwitch. */

#include <config.h>
#include "ofproto-ext/sluice-ext.h"

/* Returns the line that every program linked with the patched libopenvswitch
 * prints after its own version, so that "ovs-vswitchd --version" tells an
 * operator (and the test suite) that the Sluice extension is compiled in. */
const char *
sluice_ext_banner(void)
{
    return "Sluice ofproto-ext " SLUICE_VERSION;
}
