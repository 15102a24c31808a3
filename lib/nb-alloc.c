/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "lib/nb-alloc.h"
#include "lib/ip-prefix.h"
#include "lib/nb-util.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "random.h"
#include "svec.h"
#include "util.h"

static char *canonical_ip(const struct in6_addr *);
static char *canonical_mac(struct eth_addr);
static const char *ip_owner(const struct nb_addr_usage *, const char *ip);

/* Parses the 'n' strings in 'subnets' into a malloc()'d array of prefixes
 * stored in '*prefixes' and '*n_prefixes'.  Returns NULL on success,
 * otherwise a malloc()'d error message (and no array). */
char *
nb_subnets_parse(char **subnets, size_t n, struct ip_prefix **prefixes,
                 size_t *n_prefixes)
{
    *prefixes = xmalloc(MAX(n, 1) * sizeof **prefixes);
    for (size_t i = 0; i < n; i++) {
        char *error = ip_prefix_parse(subnets[i], &(*prefixes)[i]);
        if (error) {
            free(*prefixes);
            *prefixes = NULL;
            return error;
        }
    }
    *n_prefixes = n;
    return NULL;
}

/* Initializes 'usage' with the addresses in use in 'network': its gateways
 * and the addresses of every port of 'network' in 'idl' except 'exclude'
 * (which may be NULL), the port being updated.  Returns NULL on success,
 * otherwise a malloc()'d error message, and then 'usage' needs no
 * destruction. */
char *
nb_addr_usage_init(struct nb_addr_usage *usage,
                   const struct nbrec_network *network, struct ovsdb_idl *idl,
                   const struct nbrec_port *exclude)
{
    usage->network = network;
    char *error = nb_subnets_parse(network->subnets, network->n_subnets,
                                   &usage->subnets, &usage->n_subnets);
    if (error) {
        return error;
    }
    shash_init(&usage->ips);
    shash_init(&usage->macs);

    for (size_t i = 0; i < network->n_gateways; i++) {
        struct in6_addr addr;
        bool ipv4;
        char *e = ip_addr_parse(network->gateways[i], &addr, &ipv4);
        if (!e) {
            shash_replace_nocopy(&usage->ips, canonical_ip(&addr),
                                 "the gateway");
        }
        free(e);
    }

    const struct nbrec_port *port;
    NBREC_PORT_FOR_EACH (port, idl) {
        if (port->network != network || port == exclude) {
            continue;
        }
        for (size_t i = 0; i < port->n_ips; i++) {
            struct in6_addr addr;
            bool ipv4;
            char *e = ip_addr_parse(port->ips[i], &addr, &ipv4);
            if (!e) {
                shash_replace_nocopy(&usage->ips, canonical_ip(&addr),
                                     port->name);
            }
            free(e);
        }
        struct eth_addr ea;
        char *e = mac_parse(port->mac, &ea);
        if (!e) {
            shash_replace_nocopy(&usage->macs, canonical_mac(ea), port->name);
        }
        free(e);
    }
    return NULL;
}

/* Frees what 'usage' holds. */
void
nb_addr_usage_destroy(struct nb_addr_usage *usage)
{
    if (usage) {
        free(usage->subnets);
        shash_destroy(&usage->ips);
        shash_destroy(&usage->macs);
    }
}

/* Stores in '*used' the number of addresses of the network's subnet number
 * 'subnet' that are in use (gateway included), and in '*total' the number of
 * host addresses it has. */
void
nb_addr_usage_count(const struct nb_addr_usage *usage, size_t subnet,
                    uint64_t *used, uint64_t *total)
{
    const struct ip_prefix *prefix = &usage->subnets[subnet];
    struct shash_node *node;

    *used = 0;
    SHASH_FOR_EACH (node, &usage->ips) {
        struct in6_addr addr;
        bool ipv4;
        char *e = ip_addr_parse(node->name, &addr, &ipv4);
        if (!e && ip_prefix_contains(prefix, &addr)) {
            (*used)++;
        }
        free(e);
    }
    *total = ip_prefix_n_hosts(prefix);
}

/* Checks that 'ip' may be given to a new port of the network: a valid host
 * address of one of its subnets that no port and no gateway uses.  On
 * success, returns NULL and stores the address's canonical text in
 * '*canonical' (the caller frees it); otherwise returns a malloc()'d error
 * message. */
char *
nb_addr_check_ip(const struct nb_addr_usage *usage, const char *ip,
                 char **canonical)
{
    const struct nbrec_network *net = usage->network;
    struct in6_addr addr;
    bool ipv4;

    char *error = ip_addr_parse(ip, &addr, &ipv4);
    if (error) {
        return error;
    }

    for (size_t i = 0; i < usage->n_subnets; i++) {
        const struct ip_prefix *p = &usage->subnets[i];
        if (ip_prefix_contains(p, &addr)) {
            if (ip_prefix_host_index(p, &addr) == UINT64_MAX) {
                return xasprintf("%s is not a host address of subnet %s "
                                 "(network or broadcast address)", ip,
                                 net->subnets[i]);
            }
            *canonical = canonical_ip(&addr);
            const char *owner = ip_owner(usage, *canonical);
            if (owner) {
                char *msg = xasprintf("%s is already used by %s in network "
                                      "%s/%s", ip, owner, net->tenant->name,
                                      net->name);
                free(*canonical);
                *canonical = NULL;
                return msg;
            }
            return NULL;
        }
    }

    struct ds subnets = DS_EMPTY_INITIALIZER;
    for (size_t i = 0; i < net->n_subnets; i++) {
        ds_put_format(&subnets, "%s%s", i ? ", " : "", net->subnets[i]);
    }
    char *msg = xasprintf("%s is not in a subnet of network %s/%s (%s)", ip,
                          net->tenant->name, net->name,
                          net->n_subnets ? ds_cstr(&subnets)
                                         : "it has no subnets");
    ds_destroy(&subnets);
    return msg;
}

/* Appends to 'ips' one free address from each of the network's subnets, the
 * lowest free one.  Returns NULL on success, otherwise a malloc()'d error
 * message naming the exhausted subnet. */
char *
nb_addr_alloc_ips(const struct nb_addr_usage *usage, struct svec *ips)
{
    for (size_t i = 0; i < usage->n_subnets; i++) {
        const struct ip_prefix *p = &usage->subnets[i];
        uint64_t n_hosts = ip_prefix_n_hosts(p);
        char *found = NULL;

        for (uint64_t index = 0; index < n_hosts && !found; index++) {
            struct in6_addr addr;
            ip_prefix_host(p, index, &addr);
            char *s = canonical_ip(&addr);
            if (ip_owner(usage, s)) {
                free(s);
            } else {
                found = s;
            }
        }
        if (!found) {
            return xasprintf("subnet %s of network %s/%s has no free "
                             "address (all %"PRIu64" are in use)",
                             usage->network->subnets[i],
                             usage->network->tenant->name,
                             usage->network->name, n_hosts);
        }
        svec_add_nocopy(ips, found);
    }
    return NULL;
}

/* Checks that 'mac' may be given to a new port of the network: a valid
 * unicast address that no port of the network uses.  On success, returns NULL
 * and stores its canonical text in '*canonical'; otherwise returns a
 * malloc()'d error message. */
char *
nb_addr_check_mac(const struct nb_addr_usage *usage, const char *mac,
                  char **canonical)
{
    struct eth_addr ea;
    char *error = mac_parse(mac, &ea);
    if (error) {
        return error;
    }

    *canonical = canonical_mac(ea);
    const char *owner = shash_find_data(&usage->macs, *canonical);
    if (owner) {
        char *msg = xasprintf("MAC %s is already used by %s in network "
                              "%s/%s", mac, owner,
                              usage->network->tenant->name,
                              usage->network->name);
        free(*canonical);
        *canonical = NULL;
        return msg;
    }
    return NULL;
}

/* Returns a malloc()'d MAC address, unused in the network, for a new port
 * with addresses 'ips': 0a:58 followed by the port's first IPv4 address,
 * which is unique in the network as long as the IPv4 address is, otherwise
 * 0a:58 followed by random bytes. */
char *
nb_addr_alloc_mac(const struct nb_addr_usage *usage, const struct svec *ips)
{
    struct eth_addr ea = ETH_ADDR_C(0a,58,00,00,00,00);
    const char *ip;
    size_t i;

    SVEC_FOR_EACH (i, ip, ips) {
        ovs_be32 ip4;
        if (ip_parse(ip, &ip4)) {
            memcpy(&ea.ea[2], &ip4, sizeof ip4);
            char *mac = canonical_mac(ea);
            if (!shash_find(&usage->macs, mac)) {
                return mac;
            }
            free(mac);
            break;
        }
    }

    for (;;) {
        uint32_t r = random_uint32();
        memcpy(&ea.ea[2], &r, sizeof r);
        char *mac = canonical_mac(ea);
        if (!shash_find(&usage->macs, mac)) {
            return mac;
        }
        free(mac);
    }
}

/* Makes the current transaction on 'network's database fail with
 * TXN_TRY_AGAIN if another transaction has given addresses in 'network'
 * since this view of the database was read, and makes the same true for
 * other clients about this transaction.  Every transaction that gives a port
 * addresses must call it. */
void
nb_addr_claim(const struct nbrec_network *network)
{
    nbrec_network_verify_allocations(network);
    nbrec_network_set_allocations(network, network->allocations + 1);
}

static char *
canonical_ip(const struct in6_addr *addr)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    ip_addr_format(addr, &s);
    return ds_steal_cstr(&s);
}

static char *
canonical_mac(struct eth_addr ea)
{
    return xasprintf(ETH_ADDR_FMT, ETH_ADDR_ARGS(ea));
}

static const char *
ip_owner(const struct nb_addr_usage *usage, const char *ip)
{
    return shash_find_data(&usage->ips, ip);
}
