/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * This chassis: its configuration, read from the local Open_vSwitch table
 * where "ovs-vsctl set open_vswitch . external_ids:sluice-..." puts it; the
 * part of the local Open vSwitch configuration that the controller owns (the
 * integration bridge, its tunnel ports, patch ports to provider bridges);
 * its row in the northbound Chassis table; and the OpenFlow port numbers
 * that it reserves for its northbound ports before their interfaces exist. */

#ifndef CHASSIS_H
#define CHASSIS_H 1

#include <stdbool.h>
#include "controller/switch-ports.h"
#include "openvswitch/types.h"
#include "smap.h"
#include "sset.h"

struct nbrec_chassis;
struct ovsdb_idl;
struct ovsdb_idl_index;
struct ovsdb_idl_txn;
struct ovsrec_open_vswitch;
struct shash;
struct simap;

/* This chassis' configuration. */
struct chassis_config {
    char *name;                 /* external_ids:system-id. */
    char *hostname;             /* external_ids:hostname, or the host's. */
    char *nb_remote;            /* external_ids:sluice-remote. */
    char *encap_ip;             /* external_ids:sluice-encap-ip. */
    struct sset encap_types;    /* external_ids:sluice-encap-type. */
    struct sset roles;          /* external_ids:sluice-roles. */
    char *bridge;               /* external_ids:sluice-bridge. */
    char *datapath_type;        /* external_ids:sluice-datapath-type. */
    bool set_local_ip;          /* external_ids:sluice-set-local-ip. */
    struct smap physnets;       /* external_ids:sluice-bridge-mappings:
                                 * physical network -> provider bridge. */
    int underlay_mtu;           /* external_ids:sluice-underlay-mtu. */
};

/* A port that another module wants on the integration bridge, with one
 * interface. */
struct chassis_port {
    char *type;                 /* Interface type. */
    struct smap options;        /* Interface options. */
    struct smap bfd;            /* Interface BFD settings. */
};

void chassis_port_destroy(struct chassis_port *);

void chassis_config_init(struct chassis_config *);
void chassis_config_destroy(struct chassis_config *);
bool chassis_config_read(struct chassis_config *,
                         const struct ovsrec_open_vswitch *);
char *chassis_config_missing(const struct chassis_config *);
bool chassis_config_equal(const struct chassis_config *,
                          const struct chassis_config *);

void chassis_ovs_register(struct ovsdb_idl *);
void chassis_ovs_run(struct ovsdb_idl_txn *, struct ovsdb_idl *,
                     const struct chassis_config *, bool flows_restored,
                     const struct shash *si_ports);
bool chassis_ovs_bridge_ready(struct ovsdb_idl *,
                              const struct chassis_config *);
void chassis_ovs_ports(struct ovsdb_idl *, const struct chassis_config *,
                       const struct simap *of_ports, struct switch_ports *);
void chassis_reserve_ports(struct switch_ports *, struct ovsdb_idl *nb,
                           struct ovsdb_idl_index *port_by_name,
                           const struct nbrec_chassis *, bool all);

const struct nbrec_chassis *chassis_nb_run(struct ovsdb_idl_txn *,
                                           struct ovsdb_idl *,
                                           const struct chassis_config *);

#endif /* chassis.h */
