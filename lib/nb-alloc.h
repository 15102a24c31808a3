/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Address bookkeeping for one network of the northbound database: which IP
 * and MAC addresses its ports and gateways use, allocation of free ones, and
 * checks of addresses that a user gives.  sluice-ctl and sluice-cni share it.
 *
 * Allocation is atomic only together with the network's "allocations"
 * counter: a transaction that gives a port addresses must verify and
 * increment it (nb_addr_claim()), so that of two concurrent allocations from
 * the same view one fails with TXN_TRY_AGAIN and is retried. */

#ifndef NB_ALLOC_H
#define NB_ALLOC_H 1

#include <stddef.h>
#include <stdint.h>
#include "compiler.h"
#include "openvswitch/shash.h"

struct ip_prefix;
struct nbrec_network;
struct nbrec_port;
struct ovsdb_idl;
struct svec;

/* The addresses in use in one network. */
struct nb_addr_usage {
    const struct nbrec_network *network;
    struct ip_prefix *subnets;  /* The network's subnets, parsed. */
    size_t n_subnets;
    struct shash ips;           /* Canonical IP -> its user, for messages. */
    struct shash macs;          /* Canonical MAC -> its user. */
};

char *nb_subnets_parse(char **subnets, size_t n, struct ip_prefix **,
                       size_t *n_prefixes) OVS_WARN_UNUSED_RESULT;

char *nb_addr_usage_init(struct nb_addr_usage *,
                         const struct nbrec_network *, struct ovsdb_idl *,
                         const struct nbrec_port *exclude)
    OVS_WARN_UNUSED_RESULT;
void nb_addr_usage_destroy(struct nb_addr_usage *);
void nb_addr_usage_count(const struct nb_addr_usage *, size_t subnet,
                         uint64_t *used, uint64_t *total);

char *nb_addr_check_ip(const struct nb_addr_usage *, const char *ip,
                       char **canonical) OVS_WARN_UNUSED_RESULT;
char *nb_addr_alloc_ips(const struct nb_addr_usage *, struct svec *ips)
    OVS_WARN_UNUSED_RESULT;
char *nb_addr_check_mac(const struct nb_addr_usage *, const char *mac,
                        char **canonical) OVS_WARN_UNUSED_RESULT;
char *nb_addr_alloc_mac(const struct nb_addr_usage *, const struct svec *ips);

void nb_addr_claim(const struct nbrec_network *);

#endif /* nb-alloc.h */
