/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The northbound side of a CNI attachment: its Port row, created with an
 * atomic address allocation (lib/nb-alloc) or with given addresses, deleted
 * (which frees its addresses), and watched until the controller of its
 * chassis has installed its flows for an OpenFlow port number that it
 * reserved, and then until it reports the port up.  The connection monitors only what the command
 * needs: tenants and networks, this chassis' row, and the ports of one
 * network, of one name or of this chassis. */

#ifndef SLUICE_CNI_NB_H
#define SLUICE_CNI_NB_H 1

#include <stdbool.h>
#include <stdint.h>
#include "compiler.h"
#include "svec.h"

struct cni_error;
struct nbrec_chassis;
struct nbrec_network;
struct nbrec_port;
struct ovsdb_idl;
struct uuid;

/* A connection to the northbound database. */
struct cni_nb {
    struct ovsdb_idl *idl;      /* Monitors what the command needs. */
    char *remote;               /* The database, for messages. */
    char *chassis;              /* This chassis' name (system-id). */
};

char *cni_nb_connect(struct cni_nb *, const char *remote,
                     const char *chassis, long long int deadline)
    OVS_WARN_UNUSED_RESULT;
void cni_nb_close(struct cni_nb *);

const struct nbrec_network *cni_nb_find_network(const struct cni_nb *,
                                                const char *tenant,
                                                const char *name);
const struct nbrec_chassis *cni_nb_find_chassis(const struct cni_nb *);
const struct nbrec_port *cni_nb_find_port(const struct cni_nb *,
                                          const char *name);
char *cni_nb_watch_ports(struct cni_nb *, const struct nbrec_network *,
                         const char *port, bool chassis_ports,
                         long long int deadline) OVS_WARN_UNUSED_RESULT;

/* A northbound port for an attachment. */
struct cni_nb_port {
    const char *name;           /* Port name. */
    const char *container_id;   /* CNI_CONTAINERID. */
    const char *ifname;         /* CNI_IFNAME. */
    const char *netns;          /* CNI_NETNS. */
    int mtu;                    /* The container interface's MTU. */
    struct svec ips;            /* Requested addresses (empty: allocate);
                                 * on success, the port's addresses. */
    char *mac;                  /* Requested MAC (NULL: allocate); on
                                 * success, the port's MAC. */
};

struct cni_error *cni_nb_port_create(struct cni_nb *, const struct uuid *,
                                     struct cni_nb_port *,
                                     long long int deadline)
    OVS_WARN_UNUSED_RESULT;
char *cni_nb_port_delete(struct cni_nb *, const char *name,
                         long long int deadline) OVS_WARN_UNUSED_RESULT;
struct cni_error *cni_nb_wait_reserved(struct cni_nb *, const char *name,
                                       long long int deadline,
                                       int64_t *ofport)
    OVS_WARN_UNUSED_RESULT;
struct cni_error *cni_nb_wait_up(struct cni_nb *, const char *name,
                                 long long int deadline)
    OVS_WARN_UNUSED_RESULT;

#endif /* sluice-cni-nb.h */
