/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The kernel side of a CNI attachment, through libnl-route: the veth pair
 * between the host's namespace (where the integration bridge's
 * ovs-vswitchd runs) and the container's, the container side's name, MAC,
 * MTU, addresses and routes, TX checksum offload (off on both ends,
 * because the userspace datapath does not complete offloaded checksums),
 * and the container side's receive path (a NAPI thread of its own).
 *
 * The host side's alias names the attachment, so that GC finds veths even
 * when nothing else of their attachment is left.
 *
 * The process runs in the host's namespace; the container's is reached
 * through a netlink socket and an ioctl socket opened inside it, so the
 * process never stays in the container's namespace. */

#ifndef SLUICE_CNI_NETLINK_H
#define SLUICE_CNI_NETLINK_H 1

#include <stdbool.h>
#include "compiler.h"

struct cni_result;
struct nl_sock;
struct smap;

/* Netlink access to the host's and a container's network namespaces. */
struct cni_nl {
    struct nl_sock *host;       /* Netlink socket in the host namespace. */
    int host_ctl;               /* Ioctl socket in the host namespace. */
    struct nl_sock *cont;       /* Same in the container namespace, or */
    int cont_ctl;               /* NULL and -1 without a container. */
    int cont_netns;             /* The container namespace, or -1. */
};

int cni_nl_open(struct cni_nl *, const char *netns) OVS_WARN_UNUSED_RESULT;
void cni_nl_close(struct cni_nl *);

bool cni_nl_link_exists(struct nl_sock *, const char *name);
char *cni_nl_veth_create(struct cni_nl *, const char *host_name,
                         const char *alias, const char *ifname, int mtu,
                         bool offload)
    OVS_WARN_UNUSED_RESULT;
char *cni_nl_configure(struct cni_nl *, const char *ifname, const char *mac,
                       const struct cni_result *) OVS_WARN_UNUSED_RESULT;
char *cni_nl_threaded_receive(struct cni_nl *, const char *host_name,
                              const char *ifname) OVS_WARN_UNUSED_RESULT;
void cni_nl_find_aliases(struct nl_sock *, const char *prefix,
                         struct smap *links);
char *cni_nl_link_del(struct nl_sock *, const char *name)
    OVS_WARN_UNUSED_RESULT;
char *cni_nl_ip_mtu(struct nl_sock *, const char *ip, int *mtu)
    OVS_WARN_UNUSED_RESULT;

char *cni_nl_check_link(struct nl_sock *, const char *name, const char *mac,
                        int *ifindex) OVS_WARN_UNUSED_RESULT;
bool cni_nl_has_addr(struct nl_sock *, int ifindex, const char *cidr);
bool cni_nl_has_route(struct nl_sock *, const char *dst, const char *gw);

#endif /* sluice-cni-netlink.h */
