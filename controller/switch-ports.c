/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/switch-ports.h"
#include <stdlib.h>
#include <string.h>
#include "flow.h"
#include "openvswitch/ofp-port.h"
#include "util.h"

#define PATCH_PREFIX "sluice-to-"

static const char *const tunnel_names[N_ENCAPS] = {
    [ENCAP_GENEVE] = "sluice-geneve",
    [ENCAP_VXLAN] = "sluice-vxlan",
};

void
switch_ports_init(struct switch_ports *sp)
{
    sp->seqno = 0;
    sp->chassis = NULL;
    simap_init(&sp->physnets);
    simap_init(&sp->bindings);
    simap_init(&sp->reserved);
    simap_init(&sp->ports);
    sp->underlay_mtu = 1500;
    switch_ports_clear(sp);
}

void
switch_ports_destroy(struct switch_ports *sp)
{
    free(sp->chassis);
    simap_destroy(&sp->physnets);
    simap_destroy(&sp->bindings);
    simap_destroy(&sp->reserved);
    simap_destroy(&sp->ports);
}

/* Forgets every port, but not the chassis or the reserved numbers, to be
 * filled in again. */
void
switch_ports_clear(struct switch_ports *sp)
{
    sp->seqno++;
    for (int e = 0; e < N_ENCAPS; e++) {
        sp->tunnel_ports[e] = OFPP_NONE;
    }
    simap_clear(&sp->physnets);
    simap_clear(&sp->bindings);
    simap_clear(&sp->ports);
}

void
switch_ports_set_chassis(struct switch_ports *sp, const char *chassis)
{
    if (!nullable_string_is_equal(sp->chassis, chassis)) {
        sp->seqno++;
        free(sp->chassis);
        sp->chassis = nullable_xstrdup(chassis);
    }
}

/* Records 'ofport' as the port named 'name', and, if it is a tunnel or
 * patch port, as that.  Returns true in that case. */
bool
switch_ports_add_named(struct switch_ports *sp, const char *name,
                       ofp_port_t ofport)
{
    simap_put(&sp->ports, name, ofp_to_u16(ofport));
    for (int e = 0; e < N_ENCAPS; e++) {
        if (!strcmp(name, tunnel_names[e])) {
            sp->tunnel_ports[e] = ofport;
            return true;
        }
    }
    if (!strncmp(name, PATCH_PREFIX, strlen(PATCH_PREFIX))) {
        simap_put(&sp->physnets, name + strlen(PATCH_PREFIX),
                  ofp_to_u16(ofport));
        return true;
    }
    return false;
}

/* Returns the name of the tunnel port for 'encap'. */
const char *
switch_ports_tunnel_name(enum encap encap)
{
    return tunnel_names[encap];
}

/* Returns the name of the patch port toward ("to", on the integration
 * bridge) or from ("from", on the provider bridge) 'physnet'. */
char *
switch_ports_patch_name(const char *direction, const char *physnet)
{
    return xasprintf("sluice-%s-%s", direction, physnet);
}
