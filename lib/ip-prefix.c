/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "lib/ip-prefix.h"
#include <string.h>
#include "openvswitch/dynamic-string.h"
#include "packets.h"
#include "util.h"

static unsigned int ip_prefix_max_plen(const struct ip_prefix *);
static unsigned int ip_prefix_host_bits(const struct ip_prefix *);

/* Parses 's' as one IPv4 or IPv6 address into '*addr' (IPv4 as an
 * IPv4-mapped address) and sets '*ipv4' to its family.  Returns NULL on
 * success, otherwise a malloc()'d error message that the caller must free. */
char *
ip_addr_parse(const char *s, struct in6_addr *addr, bool *ipv4)
{
    ovs_be32 ip4;

    if (ip_parse(s, &ip4)) {
        in6_addr_set_mapped_ipv4(addr, ip4);
        *ipv4 = true;
        return NULL;
    } else if (strchr(s, ':') && !strchr(s, '/') && ipv6_parse(s, addr)) {
        *ipv4 = false;
        return NULL;
    }
    return xasprintf("\"%s\" is not a valid IPv4 or IPv6 address", s);
}

/* Appends 'addr' to 's': dotted quad for an IPv4-mapped address, otherwise
 * the usual IPv6 text form. */
void
ip_addr_format(const struct in6_addr *addr, struct ds *s)
{
    char buf[INET6_ADDRSTRLEN];

    if (IN6_IS_ADDR_V4MAPPED(addr)) {
        ds_put_format(s, IP_FMT, IP_ARGS(in6_addr_get_mapped_ipv4(addr)));
    } else {
        ds_put_cstr(s, inet_ntop(AF_INET6, addr, buf, sizeof buf));
    }
}

/* Parses 's', an IPv4 or IPv6 prefix in "ADDRESS/LENGTH" form, into
 * '*prefix'.  The length is required and the address must have no host bits
 * set, since a subnet written as "10.0.0.1/24" is almost always a typing
 * error.  Returns NULL on success, otherwise a malloc()'d error message. */
char *
ip_prefix_parse(const char *s, struct ip_prefix *prefix)
{
    const char *slash = strchr(s, '/');
    if (!slash) {
        return xasprintf("\"%s\" is not a prefix: the length is missing "
                         "(write it as ADDRESS/LENGTH)", s);
    }

    char *addr_s = xmemdup0(s, slash - s);
    char *error = ip_addr_parse(addr_s, &prefix->addr, &prefix->ipv4);
    free(addr_s);
    if (error) {
        free(error);
        return xasprintf("\"%s\" is not a valid IPv4 or IPv6 prefix", s);
    }

    const char *len_s = slash + 1;
    unsigned int max = ip_prefix_max_plen(prefix);
    unsigned int plen = 0;
    size_t n = strspn(len_s, "0123456789");
    if (!n || len_s[n] || n > 3 || (plen = atoi(len_s)) > max) {
        return xasprintf("\"%s\" has an invalid prefix length (expected "
                         "0 to %u)", s, max);
    }
    prefix->plen = plen;

    struct in6_addr mask = ipv6_create_mask(ip_prefix_max_plen(prefix) == 32
                                            ? 96 + plen : plen);
    struct in6_addr net = ipv6_addr_bitand(&prefix->addr, &mask);
    if (!ipv6_addr_equals(&net, &prefix->addr)) {
        struct ds ds = DS_EMPTY_INITIALIZER;
        struct ip_prefix fixed = *prefix;

        fixed.addr = net;
        ip_prefix_format(&fixed, &ds);
        char *msg = xasprintf("\"%s\" has host bits set (the prefix is %s)",
                              s, ds_cstr(&ds));
        ds_destroy(&ds);
        return msg;
    }
    return NULL;
}

/* Appends 'prefix' to 's' in "ADDRESS/LENGTH" form. */
void
ip_prefix_format(const struct ip_prefix *prefix, struct ds *s)
{
    ip_addr_format(&prefix->addr, s);
    ds_put_format(s, "/%u", prefix->plen);
}

/* Returns true if 'addr' lies inside 'prefix'.  An address of the other
 * family never does. */
bool
ip_prefix_contains(const struct ip_prefix *prefix, const struct in6_addr *addr)
{
    if (IN6_IS_ADDR_V4MAPPED(addr) != prefix->ipv4) {
        return false;
    }
    unsigned int bits = prefix->ipv4 ? 96 + prefix->plen : prefix->plen;
    struct in6_addr mask = ipv6_create_mask(bits);
    struct in6_addr net = ipv6_addr_bitand(addr, &mask);
    return ipv6_addr_equals(&net, &prefix->addr);
}

/* Returns true if 'a' and 'b' share at least one address, that is, if one of
 * them contains the other's network address. */
bool
ip_prefix_overlaps(const struct ip_prefix *a, const struct ip_prefix *b)
{
    return a->ipv4 == b->ipv4
           && (a->plen <= b->plen
               ? ip_prefix_contains(a, &b->addr)
               : ip_prefix_contains(b, &a->addr));
}

/* Returns the number of addresses in 'prefix' that can be given to hosts:
 * for IPv4, all but the network and broadcast addresses (all of a /31 or
 * /32); for IPv6, all but the subnet-router anycast address.  The count
 * saturates at UINT64_MAX for IPv6 prefixes shorter than /65. */
uint64_t
ip_prefix_n_hosts(const struct ip_prefix *prefix)
{
    unsigned int bits = ip_prefix_host_bits(prefix);

    if (bits >= 64) {
        return UINT64_MAX;
    } else if (prefix->ipv4 && bits <= 1) {
        return UINT64_C(1) << bits;
    } else {
        return (UINT64_C(1) << bits) - (prefix->ipv4 ? 2 : 1);
    }
}

/* Stores in '*addr' the host address with the given 0-based 'index' in
 * 'prefix' (index 0 is the first usable address, e.g. 10.0.0.1 in
 * 10.0.0.0/24).  Returns false if 'index' is out of range. */
bool
ip_prefix_host(const struct ip_prefix *prefix, uint64_t index,
               struct in6_addr *addr)
{
    if (index >= ip_prefix_n_hosts(prefix)) {
        return false;
    }

    uint64_t offset = index;
    if (!(prefix->ipv4 && ip_prefix_host_bits(prefix) <= 1)) {
        offset++;               /* Skip the network or anycast address. */
    }

    *addr = prefix->addr;
    for (int i = 15; i >= 0 && offset; i--) {
        unsigned int sum = addr->s6_addr[i] + (offset & 0xff);
        addr->s6_addr[i] = sum;
        offset = (offset >> 8) + (sum >> 8);
    }
    return true;
}

/* Returns the index of host address 'addr' in 'prefix', the inverse of
 * ip_prefix_host(), or UINT64_MAX if 'addr' is not a host address in
 * 'prefix'. */
uint64_t
ip_prefix_host_index(const struct ip_prefix *prefix,
                     const struct in6_addr *addr)
{
    if (!ip_prefix_contains(prefix, addr)) {
        return UINT64_MAX;
    }

    uint64_t offset = 0;
    for (int i = 8; i < 16; i++) {
        offset = (offset << 8) | addr->s6_addr[i];
    }
    unsigned int bits = ip_prefix_host_bits(prefix);
    if (bits < 64) {
        offset &= (UINT64_C(1) << bits) - 1;
    }

    uint64_t index = offset;
    if (!(prefix->ipv4 && bits <= 1)) {
        if (!offset) {
            return UINT64_MAX;  /* Network or anycast address. */
        }
        index--;
    }

    /* Mapping the index back rejects the IPv4 broadcast address and, in
     * IPv6 prefixes shorter than /64, addresses beyond the low 64 bits. */
    struct in6_addr check;
    return (ip_prefix_host(prefix, index, &check)
            && ipv6_addr_equals(&check, addr)) ? index : UINT64_MAX;
}

static unsigned int
ip_prefix_max_plen(const struct ip_prefix *prefix)
{
    return prefix->ipv4 ? 32 : 128;
}

static unsigned int
ip_prefix_host_bits(const struct ip_prefix *prefix)
{
    return ip_prefix_max_plen(prefix) - prefix->plen;
}
