/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/si-health.h"
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "controller/gateway.h"
#include "controller/ofctrl.h"
#include "controller/si-flows.h"
#include "controller/si-ids.h"
#include "controller/si-packet.h"
#include "csum.h"
#include "flow.h"
#include "lib/sluice-nb-idl.h"
#include "lib/vswitch-idl.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-port.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "smap.h"
#include "socket-util.h"
#include "timeval.h"
#include "util.h"
#include "uuidset.h"

VLOG_DEFINE_THIS_MODULE(si_health);

/* How instances are probed. */
enum method {
    METHOD_NONE,                /* Not at all: always up. */
    METHOD_PACKET,              /* A probe packet through a port pair. */
    METHOD_ICMP,                /* ICMP echo to the underlay address. */
    METHOD_TCP,                 /* A TCP connection to the address. */
    METHOD_BFD,                 /* BFD on the appliance's tunnel port. */
};

static const char *const method_names[] = {
    [METHOD_NONE] = "none", [METHOD_PACKET] = "packet",
    [METHOD_ICMP] = "icmp", [METHOD_TCP] = "tcp", [METHOD_BFD] = "bfd",
};

/* The probing of one instance. */
struct probe {
    struct hmap_node node;      /* In si_health 'probes', by UUID. */
    struct uuid instance;
    char *name;                 /* "TENANT/SERVICE/INSTANCE", for logs. */
    uint16_t number;            /* The instance's number on this chassis. */
    enum method method;
    bool up;
    int failures;               /* Consecutive failed probes. */
    long long int next;         /* When to send the next probe. */
    bool outstanding;           /* A probe is awaiting its answer. */
    uint16_t seq;               /* The latest probe's sequence number. */
    int fd;                     /* The TCP probe's socket, or -1. */
    bool in_line;               /* An in-line instance: an ARP request for
                                 * its address at every interval too. */
    bool seen;                  /* Still wanted, in si_health_run(). */
};

/* The health of the instances. */
struct si_health {
    struct hmap probes;         /* "struct probe"s. */
    struct uuidset changed;     /* Instances whose health changed. */
    int icmp_fd;                /* Raw ICMP socket, -1 before it is needed,
                                 * -2 if it cannot be opened. */
};

static struct probe *probe_find(const struct si_health *,
                                const struct uuid *);
static void probe_result(struct si_health *, struct probe *, bool success);
static void probe_free(struct probe *);
static void probe_set_name(struct probe *,
                           const struct nbrec_service_instance *);
static void probe_send(struct si_health *, struct probe *,
                       const struct si_ctx *,
                       const struct nbrec_service_instance *,
                       struct ofctrl *);
static void probe_close(struct probe *);
static void icmp_receive(struct si_health *);
static void inline_arp(const struct si_ctx *,
                       const struct nbrec_service_instance *,
                       struct ofctrl *);

/* Creates an empty health state. */
struct si_health *
si_health_create(void)
{
    struct si_health *h = xzalloc(sizeof *h);
    hmap_init(&h->probes);
    uuidset_init(&h->changed);
    h->icmp_fd = -1;
    return h;
}

/* Frees 'h' and closes its sockets. */
void
si_health_destroy(struct si_health *h)
{
    if (h) {
        struct probe *p;
        HMAP_FOR_EACH_POP (p, node, &h->probes) {
            probe_free(p);
        }
        hmap_destroy(&h->probes);
        uuidset_destroy(&h->changed);
        if (h->icmp_fd >= 0) {
            close(h->icmp_fd);
        }
        free(h);
    }
}

/* Returns the method, interval (ms) and failure count with which 'inst' is
 * probed. */
static enum method
probe_config(const struct nbrec_service_instance *inst, int *interval,
             int *failures)
{
    const struct smap *hc = &inst->service->health_check;
    const char *method = smap_get(hc, "method");
    bool pair = !strcmp(inst->type, "port-pair");

    *interval = MAX(smap_get_int(hc, "interval", 1000), 100);
    *failures = MAX(smap_get_int(hc, "failures", 3), 1);
    if (method && !strcmp(method, "none")) {
        return METHOD_NONE;
    } else if (pair) {
        return METHOD_PACKET;
    } else if (method && !strcmp(method, "tcp")) {
        return METHOD_TCP;
    } else if (method && !strcmp(method, "bfd")
               && strcmp(inst->type, "inline")) {
        /* An in-line instance has no tunnel to run BFD on: ICMP. */
        return METHOD_BFD;
    }
    return METHOD_ICMP;
}

/* Returns the BFD state of the tunnel port of appliance 'inst' in the local
 * database 'ovs': true if BFD says that the far end forwards. */
static bool
bfd_up(struct ovsdb_idl *ovs, const struct nbrec_service_instance *inst)
{
    char *name = si_port_name(inst);
    const struct ovsrec_interface *iface;
    bool up = false;

    OVSREC_INTERFACE_FOR_EACH (iface, ovs) {
        if (!strcmp(iface->name, name)) {
            up = smap_get_bool(&iface->bfd_status, "forwarding", false);
            break;
        }
    }
    free(name);
    return up;
}

/* Probes the instances that this chassis needs to know about: the port
 * pairs on it, the appliances it may send to, the in-line instances on
 * the external network of a gateway on it, among the instances in
 * 'nb' (through 'ofctrl' for probe packets; BFD from the local database
 * 'ovs', which may be NULL in central mode).  Records what changed. */
void
si_health_run(struct si_health *h, const struct si_ctx *ctx,
              struct ovsdb_idl *nb, struct ovsdb_idl *ovs,
              struct ofctrl *ofctrl)
{
    long long int now = time_msec();
    struct probe *p;

    icmp_receive(h);
    HMAP_FOR_EACH (p, node, &h->probes) {
        p->seen = false;
    }

    const struct nbrec_service_instance *inst;
    NBREC_SERVICE_INSTANCE_FOR_EACH (inst, nb) {
        bool pair = !strcmp(inst->type, "port-pair");
        if (!inst->service || (pair && (!ctx->chassis
                                        || inst->chassis != ctx->chassis))) {
            continue;
        }
        /* An in-line instance is probed by the gateway that reaches it. */
        if (!strcmp(inst->type, "inline") && !si_inline_gateway(ctx, inst)) {
            continue;
        }

        int interval, failures;
        enum method method = probe_config(inst, &interval, &failures);
        p = probe_find(h, &inst->header_.uuid);
        if (!p || p->method != method) {
            if (p) {
                probe_close(p);
            } else {
                p = xzalloc(sizeof *p);
                p->instance = inst->header_.uuid;
                p->up = true;
                p->fd = -1;
                hmap_insert(&h->probes, &p->node,
                            uuid_hash(&inst->header_.uuid));
            }
            p->method = method;
            p->failures = 0;
            p->outstanding = false;
            p->next = now;
        }
        p->seen = true;
        probe_set_name(p, inst);
        p->number = si_ids_get(ctx->ids, &inst->header_.uuid,
                               SI_ID_INSTANCE);
        p->in_line = !strcmp(inst->type, "inline");

        if (method == METHOD_NONE) {
            probe_result(h, p, true);
            if (p->in_line && now >= p->next) {
                p->next = now + interval;
                inline_arp(ctx, inst, ofctrl);
            }
            continue;
        } else if (method == METHOD_BFD) {
            if (ovs) {
                probe_result(h, p, bfd_up(ovs, inst));
                p->failures = p->up ? 0 : failures;
            }
            continue;
        }

        /* A TCP probe's connection has either succeeded or failed. */
        if (p->fd >= 0) {
            struct pollfd pfd = { .fd = p->fd, .events = POLLOUT };
            if (poll(&pfd, 1, 0) > 0) {
                int error = 0;
                socklen_t len = sizeof error;
                getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &error, &len);
                probe_close(p);
                p->outstanding = false;
                probe_result(h, p, !error);
            }
        }

        if (now >= p->next) {
            if (p->outstanding) {
                probe_close(p);
                p->outstanding = false;
                if (++p->failures >= failures && p->up) {
                    probe_result(h, p, false);
                }
            }
            p->next = now + interval;
            probe_send(h, p, ctx, inst, ofctrl);
        }
    }

    HMAP_FOR_EACH_SAFE (p, node, &h->probes) {
        if (!p->seen) {
            uuidset_insert(&h->changed, &p->instance);
            hmap_remove(&h->probes, &p->node);
            probe_free(p);
        }
    }
}

/* Arranges for poll_block() to wake up when a probe is due or answered. */
void
si_health_wait(struct si_health *h)
{
    const struct probe *p;

    HMAP_FOR_EACH (p, node, &h->probes) {
        if (p->method == METHOD_BFD
            || (p->method == METHOD_NONE && !p->in_line)) {
            continue;
        }
        poll_timer_wait_until(p->next);
        if (p->fd >= 0) {
            poll_fd_wait(p->fd, POLLOUT);
        }
    }
    if (h->icmp_fd >= 0) {
        poll_fd_wait(h->icmp_fd, POLLIN);
    }
    if (!uuidset_is_empty(&h->changed)) {
        poll_immediate_wake();
    }
}

/* Records that the probe with sequence number 'seq' through the port pair
 * that this chassis numbers 'number' came back. */
void
si_health_probe_reply(struct si_health *h, uint16_t number, uint16_t seq)
{
    struct probe *p;

    HMAP_FOR_EACH (p, node, &h->probes) {
        if (p->number == number && p->method == METHOD_PACKET) {
            if (p->outstanding && p->seq == seq) {
                p->outstanding = false;
                probe_result(h, p, true);
            }
            return;
        }
    }
}

/* Returns true if 'inst' is up as this chassis sees it. */
bool
si_health_is_up(const struct si_health *h,
                const struct nbrec_service_instance *inst)
{
    if (!strcmp(inst->type, "port-pair") && inst->chassis) {
        const struct probe *p = probe_find(h, &inst->header_.uuid);
        if (p) {
            return p->up;
        }
        const char *remote = smap_get(&inst->health, inst->chassis->name);
        return !remote || strcmp(remote, "down");
    }
    const struct probe *p = probe_find(h, &inst->header_.uuid);
    return !p || p->up;
}

/* Adds to 'changed' the UUIDs of the instances whose health changed since
 * the last call, and returns true if there were any. */
bool
si_health_take_changes(struct si_health *h, struct uuidset *changed)
{
    bool any = !uuidset_is_empty(&h->changed);
    const struct uuidset_node *n;

    UUIDSET_FOR_EACH (n, &h->changed) {
        uuidset_insert(changed, &n->uuid);
    }
    uuidset_clear(&h->changed);
    return any;
}

/* Writes to the northbound database, in 'txn', the health of the instances
 * that 'chassis' probes, where it changed. */
void
si_health_report(struct si_health *h, struct ovsdb_idl_txn *txn,
                 struct ovsdb_idl *nb, const struct nbrec_chassis *chassis)
{
    if (!txn || !chassis || hmap_is_empty(&h->probes)) {
        return;
    }

    const struct nbrec_service_instance *inst;
    NBREC_SERVICE_INSTANCE_FOR_EACH (inst, nb) {
        const struct probe *p = probe_find(h, &inst->header_.uuid);
        if (p) {
            const char *want = p->up ? "up" : "down";
            const char *have = smap_get(&inst->health, chassis->name);
            if (!have || strcmp(have, want)) {
                nbrec_service_instance_update_health_setkey(
                    inst, chassis->name, want);
            }
        }
    }
}

/* Appends to 's' the state of every probe, one line each. */
void
si_health_format(const struct si_health *h, struct ovsdb_idl *nb,
                 struct ds *s)
{
    const struct nbrec_service_instance *inst;
    NBREC_SERVICE_INSTANCE_FOR_EACH (inst, nb) {
        const struct probe *p = probe_find(h, &inst->header_.uuid);
        if (p && inst->service) {
            ds_put_format(s, "%s/%s: %s (%s, %d failures)\n",
                          inst->service->name, inst->name,
                          p->up ? "up" : "down", method_names[p->method],
                          p->failures);
        }
    }
}

static struct probe *
probe_find(const struct si_health *h, const struct uuid *uuid)
{
    struct probe *p;

    HMAP_FOR_EACH_WITH_HASH (p, node, uuid_hash(uuid), &h->probes) {
        if (uuid_equals(&p->instance, uuid)) {
            return p;
        }
    }
    return NULL;
}

/* Records the outcome of a probe of 'p': a success makes it up, a
 * failure down (the caller counts failures). */
static void
probe_result(struct si_health *h, struct probe *p, bool success)
{
    if (success) {
        p->failures = 0;
    }
    if (p->up != success) {
        VLOG_INFO("instance %s ("UUID_FMT") is %s", p->name,
                  UUID_ARGS(&p->instance), success ? "up" : "down");
        p->up = success;
        uuidset_insert(&h->changed, &p->instance);
    }
}

static void
probe_close(struct probe *p)
{
    if (p->fd >= 0) {
        close(p->fd);
        p->fd = -1;
    }
}

static void
probe_free(struct probe *p)
{
    probe_close(p);
    free(p->name);
    free(p);
}

/* Names 'p' after 'inst', which may have been renamed. */
static void
probe_set_name(struct probe *p, const struct nbrec_service_instance *inst)
{
    const struct nbrec_service *svc = inst->service;
    char *name = xasprintf("%s/%s/%s", svc->tenant ? svc->tenant->name : "",
                           svc->name, inst->name);
    if (p->name && !strcmp(p->name, name)) {
        free(name);
    } else {
        free(p->name);
        p->name = name;
    }
}

/* Sends a probe of 'p', for 'inst'. */
static void
probe_send(struct si_health *h, struct probe *p, const struct si_ctx *ctx,
           const struct nbrec_service_instance *inst, struct ofctrl *ofctrl)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    p->seq++;
    p->outstanding = true;

    if (p->method == METHOD_PACKET) {
        ofp_port_t in = si_instance_port(ctx, inst, true);
        if (in != OFPP_NONE && si_instance_port(ctx, inst, false)
                               != OFPP_NONE) {
            struct ofpbuf b;
            ofpbuf_init(&b, 64);
            si_packet_probe(&b, p->number, p->seq);
            char *actions = xasprintf("output:%"PRIu16, ofp_to_u16(in));
            ofctrl_packet_out(ofctrl, b.data, b.size, OFPP_CONTROLLER,
                              actions);
            free(actions);
            ofpbuf_uninit(&b);
        }
        return;
    }

    if (p->in_line) {
        inline_arp(ctx, inst, ofctrl);
    }

    struct sockaddr_in sin = { .sin_family = AF_INET };
    if (!inst->address || inet_pton(AF_INET, inst->address,
                                    &sin.sin_addr) != 1) {
        /* IPv6 appliances are not probed this way yet: they stay up. */
        p->outstanding = false;
        return;
    }

    if (p->method == METHOD_TCP) {
        int port = smap_get_int(&inst->service->health_check, "port", 0);
        sin.sin_port = htons(port);
        p->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (p->fd < 0
            || (connect(p->fd, (struct sockaddr *) &sin, sizeof sin)
                && errno != EINPROGRESS)) {
            VLOG_WARN_RL(&rl, "%s: TCP probe failed (%s)", inst->address,
                         ovs_strerror(errno));
            probe_close(p);
        }
        return;
    }

    /* ICMP echo, with the instance's number as identifier. */
    if (h->icmp_fd == -1) {
        h->icmp_fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);
        if (h->icmp_fd < 0) {
            VLOG_ERR("cannot open an ICMP socket for health probes (%s)",
                     ovs_strerror(errno));
            h->icmp_fd = -2;
        }
    }
    if (h->icmp_fd >= 0) {
        struct icmp_header icmp = {
            .icmp_type = ICMP4_ECHO_REQUEST,
            .icmp_fields.echo.id = htons(p->number),
            .icmp_fields.echo.seq = htons(p->seq),
        };
        icmp.icmp_csum = csum(&icmp, sizeof icmp);
        if (sendto(h->icmp_fd, &icmp, sizeof icmp, 0,
                   (struct sockaddr *) &sin, sizeof sin) < 0) {
            VLOG_DBG_RL(&rl, "%s: ICMP probe failed (%s)", inst->address,
                        ovs_strerror(errno));
        }
    }
}

/* Sends an ARP request for the address of in-line instance 'inst' out of
 * the uplink of its gateway, from the external address of a router of the
 * instance's tenant there.  The machine's reply teaches the gateway its MAC
 * (si-flows.c learns it from every ARP packet of the machine), also when
 * the machine has no reason to send ARP by itself, such as when the
 * instance is new and the machine already knows the gateway. */
static void
inline_arp(const struct si_ctx *ctx,
           const struct nbrec_service_instance *inst, struct ofctrl *ofctrl)
{
    const struct nbrec_gateway *gw = si_inline_gateway(ctx, inst);
    const struct nbrec_tenant *tenant = inst->service->tenant;
    ovs_be32 target, src;

    if (!gw || !ofctrl || !tenant || !ip_parse(inst->address, &target)) {
        return;
    }

    const struct nbrec_router *r;
    NBREC_ROUTER_FOR_EACH (r, ctx->nb) {
        if (r->gateway == gw && r->tenant && r->external_ip
            && uuid_equals(&r->tenant->header_.uuid, &tenant->header_.uuid)
            && ip_parse(r->external_ip, &src)) {
            struct eth_header eth = { .eth_src = gateway_external_mac(src) };
            struct ofpbuf request;
            ofpbuf_init(&request, 64);
            if (gateway_arp_request(&eth, sizeof eth, target, &request)) {
                char *actions = xasprintf(
                    "output:%"PRIu16,
                    ofp_to_u16(si_instance_port(ctx, inst, true)));
                ofctrl_packet_out(ofctrl, request.data, request.size,
                                  OFPP_CONTROLLER, actions);
                free(actions);
            }
            ofpbuf_uninit(&request);
            return;
        }
    }
}

/* Takes in the answers to ICMP probes. */
static void
icmp_receive(struct si_health *h)
{
    if (h->icmp_fd < 0) {
        return;
    }
    for (int i = 0; i < 50; i++) {
        uint8_t buf[256];
        ssize_t n = recv(h->icmp_fd, buf, sizeof buf, 0);
        if (n < (ssize_t) (IP_HEADER_LEN + ICMP_HEADER_LEN)) {
            return;
        }
        const struct ip_header *ip = (const void *) buf;
        size_t ihl = IP_IHL(ip->ip_ihl_ver) * 4;
        if (n < (ssize_t) (ihl + ICMP_HEADER_LEN)) {
            continue;
        }
        const struct icmp_header *icmp = (const void *) (buf + ihl);
        if (icmp->icmp_type != ICMP4_ECHO_REPLY) {
            continue;
        }
        uint16_t number = ntohs(icmp->icmp_fields.echo.id);
        uint16_t seq = ntohs(icmp->icmp_fields.echo.seq);
        struct probe *p;
        HMAP_FOR_EACH (p, node, &h->probes) {
            if (p->number == number && p->method == METHOD_ICMP
                && p->outstanding && p->seq == seq) {
                p->outstanding = false;
                probe_result(h, p, true);
            }
        }
    }
}
