/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "utilities/sluice-cni-netlink.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/fifo.h>
#include <netlink/route/route.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "smap.h"
#include "util.h"
#include "utilities/sluice-cni-proto.h"

static int open_sockets(struct nl_sock **, int *ctl);

/* Opens netlink access to the current (host) network namespace and, if
 * 'netns' is nonnull, to the network namespace at that path.  Returns 0 on
 * success, otherwise a positive errno value: ENOENT if 'netns' does not
 * exist, EINVAL if it is not a network namespace. */
int
cni_nl_open(struct cni_nl *nl, const char *netns)
{
    nl->cont = NULL;
    nl->cont_ctl = -1;
    nl->cont_netns = -1;
    int error = open_sockets(&nl->host, &nl->host_ctl);
    if (error || !netns) {
        return error;
    }

    nl->cont_netns = open(netns, O_RDONLY | O_CLOEXEC);
    if (nl->cont_netns < 0) {
        return errno;
    }
    int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self < 0) {
        return errno;
    }
    if (setns(nl->cont_netns, CLONE_NEWNET)) {
        error = errno;
    } else {
        error = open_sockets(&nl->cont, &nl->cont_ctl);
        if (setns(self, CLONE_NEWNET)) {
            /* Staying in the container's namespace would make every later
             * step act on the wrong host. */
            ovs_fatal(errno, "cannot return to the host network namespace");
        }
    }
    close(self);
    return error;
}

/* Closes what 'nl' opened. */
void
cni_nl_close(struct cni_nl *nl)
{
    nl_socket_free(nl->host);
    if (nl->host_ctl >= 0) {
        close(nl->host_ctl);
    }
    nl_socket_free(nl->cont);
    if (nl->cont_ctl >= 0) {
        close(nl->cont_ctl);
    }
    if (nl->cont_netns >= 0) {
        close(nl->cont_netns);
    }
}

static int
open_sockets(struct nl_sock **sk, int *ctl)
{
    *ctl = -1;
    *sk = nl_socket_alloc();
    if (!*sk) {
        return ENOMEM;
    }
    int error = nl_connect(*sk, NETLINK_ROUTE);
    if (error) {
        return nl_syserr2nlerr(error) == NLE_PERM ? EPERM : EIO;
    }
    *ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    return *ctl < 0 ? errno : 0;
}

/* Returns true if 'sk's namespace has a link named 'name'. */
bool
cni_nl_link_exists(struct nl_sock *sk, const char *name)
{
    struct rtnl_link *link;

    if (rtnl_link_get_kernel(sk, 0, name, &link)) {
        return false;
    }
    rtnl_link_put(link);
    return true;
}

/* Sets ethtool value 'cmd' (ETHTOOL_STXCSUM, ETHTOOL_SGRO...) of 'name' to
 * 'data', through ioctl socket 'ctl'; 'what' says what that does, for the
 * error message. */
static char *
ethtool_set(int ctl, const char *name, uint32_t cmd, uint32_t data,
            const char *what)
{
    struct ethtool_value ev = { .cmd = cmd, .data = data };
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    ovs_strlcpy(ifr.ifr_name, name, sizeof ifr.ifr_name);
    ifr.ifr_data = (void *) &ev;
    if (ioctl(ctl, SIOCETHTOOL, &ifr)) {
        return xasprintf("%s on %s failed (%s)", what, name,
                         ovs_strerror(errno));
    }
    return NULL;
}

static char *
tx_checksum_off(int ctl, const char *name)
{
    return ethtool_set(ctl, name, ETHTOOL_STXCSUM, 0,
                       "turning off TX checksum offload");
}

/* Brings up link 'name' of 'sk's namespace, giving it MAC address 'mac' if
 * it is nonnull. */
static char *
link_change(struct nl_sock *sk, const char *name, const char *mac)
{
    struct nl_addr *lladdr = NULL;
    if (mac && nl_addr_parse(mac, AF_LLC, &lladdr)) {
        return xasprintf("%s is not a MAC address", mac);
    }

    struct rtnl_link *link;
    int err = rtnl_link_get_kernel(sk, 0, name, &link);
    if (!err) {
        struct rtnl_link *change = rtnl_link_alloc();
        rtnl_link_set_flags(change, IFF_UP);
        if (lladdr) {
            rtnl_link_set_addr(change, lladdr);
        }
        err = rtnl_link_change(sk, link, change, 0);
        rtnl_link_put(change);
        rtnl_link_put(link);
    }
    nl_addr_put(lladdr);
    if (err) {
        return xasprintf("bringing up %s failed (%s)", name,
                         nl_geterror(err));
    }
    return NULL;
}

/* Turns IPv6 off on link 'name' in the current network namespace, before
 * it comes up, so that it gets neither a link-local address nor the
 * multicast route (ff00::/8) that the kernel gives every interface with
 * IPv6.  The host side of a veth is a switch port and needs neither, and
 * ovs-vswitchd reacts to both: its userspace datapath keeps tunnel state for
 * every address of every interface in its namespace and rereads its routing
 * table after each route change, each time scanning every interface.  With
 * 1,000 veths, that kept its main loop (which also forwards the veths'
 * packets) busy for hundreds of milliseconds after every attach.  A kernel
 * without IPv6 has nothing to turn off.  (Netlink can only turn off address
 * generation, which leaves the route, hence the sysctl.)  Returns NULL on
 * success, otherwise a malloc()'d error message. */
static char *
ipv6_off(const char *name)
{
    char *path = xasprintf("/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    int err = fd < 0 ? errno : write(fd, "1", 1) == 1 ? 0 : errno;
    if (fd >= 0) {
        close(fd);
    }
    if (err == ENOENT && access("/proc/sys/net/ipv6", F_OK)) {
        err = 0;                /* No IPv6 in this kernel. */
    }

    char *error = (err
                   ? xasprintf("turning off IPv6 on %s failed (%s: %s)",
                               name, path, ovs_strerror(err))
                   : NULL);
    free(path);
    return error;
}

/* Creates a veth pair: 'host_name' in the host namespace (the current one),
 * with 'alias' as its alias, without IPv6 and up, and its peer 'ifname' in
 * the container's, down until cni_nl_configure() configures it; both with
 * 'mtu', and without TX checksum offload (and so without segmentation
 * offload) unless 'offload': an ovs-vswitchd without userspace TSO would
 * send on packets whose checksums nobody fills in.  Returns NULL on success,
 * otherwise a malloc()'d error message, and then nothing is left. */
char *
cni_nl_veth_create(struct cni_nl *nl, const char *host_name,
                   const char *alias, const char *ifname, int mtu,
                   bool offload)
{
    struct rtnl_link *link = rtnl_link_veth_alloc();
    struct rtnl_link *peer = rtnl_link_veth_get_peer(link);
    char *error = NULL;

    rtnl_link_set_name(link, host_name);
    rtnl_link_set_ifalias(link, alias);
    rtnl_link_set_mtu(link, mtu);
    rtnl_link_set_name(peer, ifname);
    rtnl_link_set_mtu(peer, mtu);
    rtnl_link_set_ns_fd(peer, nl->cont_netns);
    int err = rtnl_link_add(nl->host, link, NLM_F_CREATE | NLM_F_EXCL);
    rtnl_link_put(peer);
    rtnl_link_veth_release(link);
    if (err) {
        return xasprintf("creating veth %s with peer %s failed (%s)",
                         host_name, ifname, nl_geterror(err));
    }

    /* An end can only be brought up once the pair exists. */
    if (!offload) {
        error = tx_checksum_off(nl->host_ctl, host_name);
        if (!error) {
            error = tx_checksum_off(nl->cont_ctl, ifname);
        }
    }
    if (!error) {
        error = ipv6_off(host_name);
    }
    if (!error) {
        error = link_change(nl->host, host_name, NULL);
    }
    if (error) {
        char *e = cni_nl_link_del(nl->host, host_name);
        free(e);
    }
    return error;
}

/* Returns true if this kernel's veths push back into the qdisc in front of
 * them when their peer's NAPI ring is full, instead of dropping the packet
 * (Linux 6.16, commit dc82a33297fc "veth: apply qdisc backpressure on full
 * ptr_ring to reduce TX drops"). */
static bool
veth_pushes_back(void)
{
    struct utsname u;
    int major, minor;

    return (!uname(&u) && sscanf(u.release, "%d.%d", &major, &minor) == 2
            && (major > 6 || (major == 6 && minor >= 16)));
}

/* Gives link 'name' of 'sk's namespace a FIFO qdisc as long as a veth's
 * default transmit queue (1,000 packets). */
static char *
pfifo_add(struct nl_sock *sk, const char *name)
{
    struct rtnl_qdisc *qdisc = rtnl_qdisc_alloc();
    int ifindex = if_nametoindex(name);
    int err = -NLE_NODEV;

    if (ifindex) {
        rtnl_tc_set_ifindex(TC_CAST(qdisc), ifindex);
        rtnl_tc_set_parent(TC_CAST(qdisc), TC_H_ROOT);
        err = rtnl_tc_set_kind(TC_CAST(qdisc), "pfifo");
        if (!err) {
            rtnl_qdisc_fifo_set_limit(qdisc, 1000);
            err = rtnl_qdisc_add(sk, qdisc, NLM_F_CREATE | NLM_F_EXCL);
        }
    }
    rtnl_qdisc_put(qdisc);
    if (err) {
        return xasprintf("adding a pfifo qdisc to %s failed (%s)", name,
                         nl_geterror(err));
    }
    return NULL;
}

/* Returns a sysfs of network namespace 'netns', open but mounted nowhere,
 * or a negative errno value.  A sysfs shows the links of the namespace in
 * which it was made, so this one is made while the process is in 'netns'.
 * A mount namespace of its own, as "ip netns exec" makes, would copy every
 * mount of the host, one per container's namespace, which slowed ADD down
 * at 1,000 containers (cni.md). */
static int
netns_sysfs(int netns)
{
    int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self < 0) {
        return -errno;
    }

    int sysfs;
    if (setns(netns, CLONE_NEWNET)) {
        sysfs = -errno;
    } else {
        int fs = fsopen("sysfs", FSOPEN_CLOEXEC);
        if (fs < 0) {
            sysfs = -errno;
        } else {
            if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) {
                sysfs = -errno;
            } else {
                sysfs = fsmount(fs, FSMOUNT_CLOEXEC, 0);
                if (sysfs < 0) {
                    sysfs = -errno;
                }
            }
            close(fs);
        }
        if (setns(self, CLONE_NEWNET)) {
            ovs_fatal(errno, "cannot return to the host network namespace");
        }
    }
    close(self);
    return sysfs;
}

/* Makes 'ifname', in the namespace open as 'netns', receive in a NAPI thread
 * of its own, by writing 1 to its "threaded" attribute in sysfs. */
static char *
napi_threaded(int netns, const char *ifname)
{
    int sysfs = netns_sysfs(netns);
    int err = sysfs < 0 ? -sysfs : 0;

    if (!err) {
        char *path = xasprintf("class/net/%s/threaded", ifname);
        int fd = openat(sysfs, path, O_WRONLY | O_CLOEXEC);
        err = fd < 0 || write(fd, "1", 1) != 1 ? errno : 0;
        if (fd >= 0) {
            close(fd);
        }
        free(path);
        close(sysfs);
    }
    if (err) {
        return xasprintf("turning on threaded NAPI on %s failed (%s)",
                         ifname, ovs_strerror(err));
    }
    return NULL;
}

/* On kernels whose veths push back into a qdisc when their peer's NAPI ring
 * is full, makes container link 'ifname', which must be up, receive in a
 * NAPI thread of its own with GRO, and gives its peer 'host_name' a qdisc to
 * push back into, and no TCP segmentation offload (a veth that offloads it
 * hands its peer packets past the NAPI ring).  Otherwise the kernel delivers every packet that
 * ovs-vswitchd sends to the container, and the container's whole receive
 * path (its TCP stack, and the segments that the acknowledgements it
 * receives let it send), in the middle of ovs-vswitchd's main thread, which
 * forwards the packets of every port (cni.md, "Receiving in a thread of its
 * own").  Returns NULL on success, otherwise a malloc()'d error message. */
char *
cni_nl_threaded_receive(struct cni_nl *nl, const char *host_name,
                        const char *ifname)
{
    if (!veth_pushes_back()) {
        return NULL;
    }
    char *error = pfifo_add(nl->host, host_name);
    if (!error) {
        error = ethtool_set(nl->host_ctl, host_name, ETHTOOL_STSO, 0,
                            "turning off TCP segmentation offload");
    }
    if (!error) {
        error = ethtool_set(nl->cont_ctl, ifname, ETHTOOL_SGRO, 1,
                            "turning on GRO");
    }
    if (!error) {
        error = napi_threaded(nl->cont_netns, ifname);
    }
    return error;
}

/* Gives 'ifname' in the container MAC address 'mac', brings it up and gives
 * it the addresses and routes of 'result' (IPv6 addresses without duplicate
 * address detection, so that they are usable at once).  Returns NULL on
 * success, otherwise a malloc()'d error message. */
char *
cni_nl_configure(struct cni_nl *nl, const char *ifname, const char *mac,
                 const struct cni_result *result)
{
    char *error = link_change(nl->cont, ifname, mac);
    if (error) {
        return error;
    }

    struct rtnl_link *link;
    int err = rtnl_link_get_kernel(nl->cont, 0, ifname, &link);
    if (err) {
        return xasprintf("%s is missing in the container (%s)", ifname,
                         nl_geterror(err));
    }
    int ifindex = rtnl_link_get_ifindex(link);
    rtnl_link_put(link);

    for (size_t i = 0; i < result->n_ips; i++) {
        const char *cidr = result->ips[i].address;
        struct nl_addr *local;

        if (nl_addr_parse(cidr, AF_UNSPEC, &local)) {
            return xasprintf("%s is not an address", cidr);
        }
        struct rtnl_addr *addr = rtnl_addr_alloc();
        rtnl_addr_set_ifindex(addr, ifindex);
        rtnl_addr_set_local(addr, local);
        if (nl_addr_get_family(local) == AF_INET6) {
            rtnl_addr_set_flags(addr, IFA_F_NODAD);
        }
        err = rtnl_addr_add(nl->cont, addr, 0);
        rtnl_addr_put(addr);
        nl_addr_put(local);
        if (err) {
            return xasprintf("adding address %s to %s failed (%s)", cidr,
                             ifname, nl_geterror(err));
        }
    }

    for (size_t i = 0; i < result->n_routes; i++) {
        const struct cni_route *r = &result->routes[i];
        struct nl_addr *dst, *gw = NULL;

        if (nl_addr_parse(r->dst, AF_UNSPEC, &dst)
            || (r->gw && nl_addr_parse(r->gw, nl_addr_get_family(dst),
                                       &gw))) {
            return xasprintf("route to %s via %s is invalid", r->dst,
                             r->gw ? r->gw : "(none)");
        }
        struct rtnl_route *route = rtnl_route_alloc();
        struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
        rtnl_route_set_family(route, nl_addr_get_family(dst));
        rtnl_route_set_dst(route, dst);
        rtnl_route_set_protocol(route, RTPROT_BOOT);
        rtnl_route_set_scope(route, gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
        rtnl_route_nh_set_ifindex(nh, ifindex);
        if (gw) {
            rtnl_route_nh_set_gateway(nh, gw);
        }
        rtnl_route_add_nexthop(route, nh);
        err = rtnl_route_add(nl->cont, route, NLM_F_CREATE | NLM_F_EXCL);
        rtnl_route_put(route);
        nl_addr_put(dst);
        nl_addr_put(gw);
        if (err) {
            return xasprintf("adding route to %s via %s on %s failed (%s)",
                             r->dst, r->gw ? r->gw : "(none)", ifname,
                             nl_geterror(err));
        }
    }
    return NULL;
}

/* Deletes link 'name' of 'sk's namespace (a veth's peer goes with it).  A
 * missing link is not an error.  Returns NULL on success, otherwise a
 * malloc()'d error message. */
char *
cni_nl_link_del(struct nl_sock *sk, const char *name)
{
    struct rtnl_link *link = rtnl_link_alloc();
    rtnl_link_set_name(link, name);
    int err = rtnl_link_delete(sk, link);
    rtnl_link_put(link);
    if (err && err != -NLE_NODEV && err != -NLE_OBJ_NOTFOUND) {
        return xasprintf("deleting %s failed (%s)", name, nl_geterror(err));
    }
    return NULL;
}

/* Adds to 'links' an entry NAME -> ALIAS for each link of 'sk's namespace
 * whose alias starts with 'prefix'. */
void
cni_nl_find_aliases(struct nl_sock *sk, const char *prefix,
                    struct smap *links)
{
    struct nl_cache *cache;

    if (rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache)) {
        return;
    }
    for (struct nl_object *o = nl_cache_get_first(cache); o;
         o = nl_cache_get_next(o)) {
        struct rtnl_link *link = (struct rtnl_link *) o;
        const char *alias = rtnl_link_get_ifalias(link);
        if (alias && !strncmp(alias, prefix, strlen(prefix))) {
            smap_replace(links, rtnl_link_get_name(link), alias);
        }
    }
    nl_cache_free(cache);
}

/* Returns true if 'a' and 'b' are the same address, whatever their prefix
 * lengths. */
static bool
same_ip(struct nl_addr *a, struct nl_addr *b)
{
    return (nl_addr_get_family(a) == nl_addr_get_family(b)
            && nl_addr_get_len(a) == nl_addr_get_len(b)
            && !memcmp(nl_addr_get_binary_addr(a), nl_addr_get_binary_addr(b),
                       nl_addr_get_len(a)));
}

/* Finds the interface of 'sk's namespace that holds address 'ip' and
 * stores its MTU in '*mtu'.  Returns NULL on success, otherwise a
 * malloc()'d error message. */
char *
cni_nl_ip_mtu(struct nl_sock *sk, const char *ip, int *mtu)
{
    struct nl_addr *target;
    struct nl_cache *cache;
    int ifindex = 0;

    if (nl_addr_parse(ip, AF_UNSPEC, &target)) {
        return xasprintf("tunnel IP \"%s\" is not an IP address", ip);
    }
    int err = rtnl_addr_alloc_cache(sk, &cache);
    if (err) {
        nl_addr_put(target);
        return xasprintf("listing addresses failed (%s)", nl_geterror(err));
    }
    for (struct nl_object *o = nl_cache_get_first(cache); o && !ifindex;
         o = nl_cache_get_next(o)) {
        struct rtnl_addr *addr = (struct rtnl_addr *) o;
        struct nl_addr *local = rtnl_addr_get_local(addr);
        if (local && same_ip(local, target)) {
            ifindex = rtnl_addr_get_ifindex(addr);
        }
    }
    nl_cache_free(cache);
    nl_addr_put(target);
    if (!ifindex) {
        return xasprintf("no interface has tunnel IP %s", ip);
    }

    struct rtnl_link *link;
    err = rtnl_link_get_kernel(sk, ifindex, NULL, &link);
    if (err) {
        return xasprintf("reading the interface of tunnel IP %s failed (%s)",
                         ip, nl_geterror(err));
    }
    *mtu = rtnl_link_get_mtu(link);
    rtnl_link_put(link);
    return NULL;
}

/* Checks that 'sk's namespace has link 'name', up, with MAC 'mac' (if
 * nonnull), and stores its index in '*ifindex'.  Returns NULL if so,
 * otherwise a malloc()'d message that says what is wrong. */
char *
cni_nl_check_link(struct nl_sock *sk, const char *name, const char *mac,
                  int *ifindex)
{
    struct rtnl_link *link;
    char *error = NULL;

    if (rtnl_link_get_kernel(sk, 0, name, &link)) {
        return xasprintf("interface %s is missing", name);
    }
    *ifindex = rtnl_link_get_ifindex(link);

    struct nl_addr *want;
    struct nl_addr *have = rtnl_link_get_addr(link);
    if (mac && !nl_addr_parse(mac, AF_LLC, &want)) {
        if (!have || nl_addr_cmp(have, want)) {
            error = xasprintf("interface %s does not have MAC %s", name,
                              mac);
        }
        nl_addr_put(want);
    }
    if (!error && !(rtnl_link_get_flags(link) & IFF_UP)) {
        error = xasprintf("interface %s is down", name);
    }
    rtnl_link_put(link);
    return error;
}

/* Returns true if interface 'ifindex' of 'sk's namespace has address 'cidr'
 * (IP/PLEN). */
bool
cni_nl_has_addr(struct nl_sock *sk, int ifindex, const char *cidr)
{
    struct nl_addr *want;
    struct nl_cache *cache;
    bool found = false;

    if (nl_addr_parse(cidr, AF_UNSPEC, &want)) {
        return false;
    }
    if (!rtnl_addr_alloc_cache(sk, &cache)) {
        for (struct nl_object *o = nl_cache_get_first(cache); o && !found;
             o = nl_cache_get_next(o)) {
            struct rtnl_addr *addr = (struct rtnl_addr *) o;
            struct nl_addr *local = rtnl_addr_get_local(addr);
            found = (rtnl_addr_get_ifindex(addr) == ifindex && local
                     && same_ip(local, want)
                     && (nl_addr_get_prefixlen(local)
                         == nl_addr_get_prefixlen(want)));
        }
        nl_cache_free(cache);
    }
    nl_addr_put(want);
    return found;
}

/* Returns true if 'sk's namespace routes 'dst' (IP/PLEN) through 'gw' (if
 * nonnull), in the main table. */
bool
cni_nl_has_route(struct nl_sock *sk, const char *dst, const char *gw)
{
    struct nl_addr *want_dst, *want_gw = NULL;
    struct nl_cache *cache;
    bool found = false;

    if (nl_addr_parse(dst, AF_UNSPEC, &want_dst)) {
        return false;
    }
    if (gw && nl_addr_parse(gw, AF_UNSPEC, &want_gw)) {
        nl_addr_put(want_dst);
        return false;
    }
    if (!rtnl_route_alloc_cache(sk, nl_addr_get_family(want_dst), 0,
                                &cache)) {
        for (struct nl_object *o = nl_cache_get_first(cache); o && !found;
             o = nl_cache_get_next(o)) {
            struct rtnl_route *route = (struct rtnl_route *) o;
            struct nl_addr *rdst = rtnl_route_get_dst(route);
            if (rtnl_route_get_table(route) != RT_TABLE_MAIN
                || !rdst
                || nl_addr_get_prefixlen(rdst)
                   != nl_addr_get_prefixlen(want_dst)
                || nl_addr_cmp_prefix(rdst, want_dst)
                || rtnl_route_get_nnexthops(route) < 1) {
                continue;
            }
            struct rtnl_nexthop *nh = rtnl_route_nexthop_n(route, 0);
            struct nl_addr *rgw = rtnl_route_nh_get_gateway(nh);
            found = !want_gw || (rgw && same_ip(rgw, want_gw));
        }
        nl_cache_free(cache);
    }
    nl_addr_put(want_dst);
    nl_addr_put(want_gw);
    return found;
}
