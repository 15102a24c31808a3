/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Central mode: one controller serves every switch that connects to it
 * (for example with "ovs-vsctl set-controller br-int tcp:CONTROLLER:6653").
 * A switch is the chassis whose other_config:datapath-id in the northbound
 * database is the switch's datapath ID.  Lacking the chassis' local
 * database, a central controller knows the switch's ports only by their
 * OpenFlow names: "sluice-geneve", "sluice-vxlan" and "sluice-to-PHYSNET"
 * as always, and any other port is the northbound port of the same name. */

#ifndef CENTRAL_H
#define CENTRAL_H 1

#include <stdbool.h>

struct ovs_list;
struct ovsdb_idl;
struct ovsdb_idl_index;
struct pvconn;
struct switch_ctx;

struct pvconn *central_listen(const char *target);
void central_accept(struct pvconn *, struct ovs_list *switches,
                    struct ovsdb_idl *nb, struct ovsdb_idl_index *);
bool central_read_switch(struct switch_ctx *, struct ovsdb_idl *nb);

#endif /* central.h */
