/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * IPv4 and IPv6 prefixes (subnets): parsing with clear errors, formatting,
 * overlap and containment tests, and the mapping between a host's index in
 * a subnet and its address that address allocation is built on. */

#ifndef IP_PREFIX_H
#define IP_PREFIX_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include "compiler.h"

struct ds;

/* An IPv4 or IPv6 prefix.  An IPv4 prefix is kept as an IPv4-mapped IPv6
 * address, so that both families share one representation. */
struct ip_prefix {
    struct in6_addr addr;       /* Network address; host bits are zero. */
    unsigned int plen;          /* Prefix length, 0..32 or 0..128. */
    bool ipv4;                  /* True for IPv4, false for IPv6. */
};

char *ip_addr_parse(const char *, struct in6_addr *, bool *ipv4)
    OVS_WARN_UNUSED_RESULT;
void ip_addr_format(const struct in6_addr *, struct ds *);

char *ip_prefix_parse(const char *, struct ip_prefix *)
    OVS_WARN_UNUSED_RESULT;
void ip_prefix_format(const struct ip_prefix *, struct ds *);

bool ip_prefix_contains(const struct ip_prefix *, const struct in6_addr *);
bool ip_prefix_overlaps(const struct ip_prefix *, const struct ip_prefix *);

uint64_t ip_prefix_n_hosts(const struct ip_prefix *);
bool ip_prefix_host(const struct ip_prefix *, uint64_t index,
                    struct in6_addr *);
uint64_t ip_prefix_host_index(const struct ip_prefix *,
                              const struct in6_addr *);

#endif /* ip-prefix.h */
