/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * What a switch looks like to the flow engine: which chassis it is, and the
 * OpenFlow numbers of the ports that matter to Sluice.  Ports are known by
 * name: "sluice-geneve" and "sluice-vxlan" are the tunnel ports and
 * "sluice-to-PHYSNET" the patch port to physical network PHYSNET.  Which
 * port belongs to which northbound port depends on who reads the switch:
 * a chassis' own controller reads its interfaces' external_ids, a central
 * controller the ports' names. */

#ifndef SWITCH_PORTS_H
#define SWITCH_PORTS_H 1

#include <stdbool.h>
#include "controller/flows.h"
#include "openvswitch/types.h"
#include "simap.h"

struct switch_ports {
    uint64_t seqno;             /* Changes whenever the rest may have. */
    char *chassis;              /* Chassis name, NULL if not known yet. */
    ofp_port_t tunnel_ports[N_ENCAPS];  /* OFPP_NONE if missing. */
    struct simap physnets;      /* Physical network -> patch port. */
    struct simap bindings;      /* Northbound port name -> OpenFlow port,
                                 * for the interfaces bound to northbound
                                 * ports and for the 'reserved' numbers. */
    struct simap reserved;      /* Northbound port name -> the OpenFlow
                                 * port number reserved for it, for ports of
                                 * this chassis that no interface binds yet
                                 * (chassis_reserve_ports()).  Kept across
                                 * switch_ports_clear(). */
    struct simap ports;         /* Every port that is not a binding, by its
                                 * name: tunnel, patch, service instance
                                 * ports, and so on. */
    int underlay_mtu;           /* The underlay network's MTU. */
};

void switch_ports_init(struct switch_ports *);
void switch_ports_destroy(struct switch_ports *);
void switch_ports_clear(struct switch_ports *);
void switch_ports_set_chassis(struct switch_ports *, const char *);
bool switch_ports_add_named(struct switch_ports *, const char *name,
                            ofp_port_t);

const char *switch_ports_tunnel_name(enum encap);
char *switch_ports_patch_name(const char *direction, const char *physnet);

#endif /* switch-ports.h */
