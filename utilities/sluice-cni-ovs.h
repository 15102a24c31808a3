/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The local Open vSwitch database as sluice-cni uses it: this chassis'
 * configuration (external_ids:system-id, sluice-remote, sluice-encap-ip,
 * sluice-bridge of the Open_vSwitch row), the integration bridge's port of
 * an attachment, and a per-attachment OVSDB lock that serializes the ADD,
 * DEL and CHECK of one attachment on one host.
 *
 * An attachment's port is added in one transaction, as an Interface whose
 * external_ids:sluice-port names its northbound port (which makes the
 * controller bind it), whose external_ids:sluice-cni-network names its
 * network (which lets GC find strays), and whose ofport_request is the
 * number that the controller reserved for the port, its flows already
 * installed. */

#ifndef SLUICE_CNI_OVS_H
#define SLUICE_CNI_OVS_H 1

#include <stdbool.h>
#include <stdint.h>
#include "compiler.h"

struct ovsdb_idl;
struct smap;

/* A connection to the local Open vSwitch database. */
struct cni_ovs {
    struct ovsdb_idl *idl;      /* Monitors the bridges, ports, interfaces
                                 * and this chassis' configuration. */
    char *remote;               /* The database, for messages. */
};

char *cni_ovs_connect(struct cni_ovs *, const char *remote,
                      const char *lock, const char *iface,
                      long long int deadline)
    OVS_WARN_UNUSED_RESULT;
void cni_ovs_close(struct cni_ovs *);

const char *cni_ovs_get_config(const struct cni_ovs *, const char *key);
bool cni_ovs_offload_enabled(const struct cni_ovs *);
bool cni_ovs_bridge_exists(const struct cni_ovs *, const char *bridge);

char *cni_ovs_port_add(struct cni_ovs *, const char *bridge,
                       const char *iface, const char *port,
                       const char *network, int64_t ofport_request,
                       long long int deadline)
    OVS_WARN_UNUSED_RESULT;
char *cni_ovs_port_problem(struct cni_ovs *, const char *iface,
                           long long int deadline) OVS_WARN_UNUSED_RESULT;
char *cni_ovs_port_del(struct cni_ovs *, const char *bridge,
                       const char *iface, long long int deadline)
    OVS_WARN_UNUSED_RESULT;
bool cni_ovs_port_exists(const struct cni_ovs *, const char *bridge,
                         const char *iface, const char *port);
void cni_ovs_network_ports(const struct cni_ovs *, const char *bridge,
                           const char *network, struct smap *ports);

#endif /* sluice-cni-ovs.h */
