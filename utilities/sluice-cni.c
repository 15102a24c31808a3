/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * sluice-cni: the CNI plugin that attaches containers to Sluice networks.
 * A container runtime runs it with CNI_* environment variables and the
 * network configuration on standard input; it prints a CNI result or a CNI
 * error on standard output and logs to a file or syslog, never to standard
 * output.  This file holds the commands; the other sluice-cni-*.c files
 * hold the protocol, netlink, the local Open vSwitch database, the
 * northbound database and IPAM delegation.  sluice-cni(8) documents it.
 *
 * An attachment (CNI_CONTAINERID, CNI_IFNAME) on chassis C has:
 *
 *   - northbound port "C.CONTAINERID.IFNAME" with the container's
 *     addresses (which the port's existence reserves);
 *   - a veth pair: "slHASH" in the host's namespace (HASH from the
 *     container ID and interface name), IFNAME in the container's;
 *   - port "slHASH" on the integration bridge, bound to the northbound port.
 *
 * All names follow from the attachment, so DEL and GC find every piece even
 * when the container's namespace is gone.  ADD creates them in that order
 * and undoes what it created if a later step fails; DEL removes them in the
 * reverse order.  ADD, DEL and CHECK of one attachment hold an OVSDB lock
 * on the local database, so they never interleave. */

#include <config.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fatal-signal.h"
#include "lib/ip-prefix.h"
#include "lib/nb-util.h"
#include "lib/sluice-nb-idl.h"
#include "lib/std-fds.h"
#include "ofproto-ext/sluice-ext.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/vlog.h"
#include "sha1.h"
#include "smap.h"
#include "timeval.h"
#include "util.h"
#include "utilities/sluice-cni-ipam.h"
#include "utilities/sluice-cni-nb.h"
#include "utilities/sluice-cni-netlink.h"
#include "utilities/sluice-cni-ovs.h"
#include "utilities/sluice-cni-proto.h"

VLOG_DEFINE_THIS_MODULE(sluice_cni);

/* Encapsulation overhead of Geneve and VXLAN (outer Ethernet is not
 * counted in an MTU): outer IP + UDP + the Geneve/VXLAN header + inner
 * Ethernet. */
#define ENCAP_OVERHEAD_IPV4 50
#define ENCAP_OVERHEAD_IPV6 70

/* One invocation. */
struct cni_ctx {
    struct cni_env env;
    struct cni_config config;
    char *network;              /* "TENANT/NETWORK". */

    /* Local Open vSwitch and this chassis' configuration. */
    struct cni_ovs ovs;
    bool ovs_open;
    const char *chassis;        /* external_ids:system-id. */
    const char *bridge;         /* The integration bridge. */
    const char *encap_ip;       /* external_ids:sluice-encap-ip, or NULL. */

    /* Northbound database. */
    struct cni_nb nb;
    bool nb_open;
};

static struct cni_error *cmd_add(struct cni_ctx *, struct cni_result *);
static struct cni_error *cmd_del(struct cni_ctx *);
static struct cni_error *cmd_check(struct cni_ctx *);
static struct cni_error *cmd_gc(struct cni_ctx *);
static struct cni_error *cmd_status(struct cni_ctx *);
static void print_version(const char *input);
static struct cni_error *read_stdin(char **text);
static struct cni_error *enter_host_netns(const char *path);
static void setup_logging(const struct cni_config *);
static void print_json(struct json *);

int
main(int argc OVS_UNUSED, char *argv[])
{
    ovs_set_program_name(argv[0], SLUICE_VERSION);
    std_fds_open();
    fatal_ignore_sigpipe();
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_OFF);
    vlog_set_levels(NULL, VLF_SYSLOG, VLL_INFO);

    struct cni_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    cni_config_init(&ctx.config);
    const char *version = CNI_LATEST_VERSION;
    struct cni_result result;
    cni_result_init(&result);
    char *input = NULL;

    struct cni_error *error = cni_env_parse(&ctx.env);
    if (!error) {
        error = read_stdin(&input);
    }
    if (!error && ctx.env.command == CNI_VERSION) {
        print_version(input);
        goto out;
    }
    if (!error) {
        error = cni_config_parse(&ctx.config, input, &ctx.env);
    }
    if (ctx.config.version && !error) {
        version = ctx.config.version;
    }
    if (!error) {
        ctx.network = xasprintf("%s/%s", ctx.config.tenant,
                                ctx.config.network);
        setup_logging(&ctx.config);
        VLOG_INFO("%s container %s interface %s netns %s network %s",
                  cni_command_name(ctx.env.command),
                  ctx.env.container_id ? ctx.env.container_id : "-",
                  ctx.env.ifname ? ctx.env.ifname : "-",
                  ctx.env.netns ? ctx.env.netns : "-", ctx.network);
        error = enter_host_netns(ctx.config.host_netns);
    }
    if (!error) {
        if ((ctx.env.command == CNI_GC || ctx.env.command == CNI_STATUS)
            && !cni_version_at_least(version, "1.1.0")) {
            error = cni_error_create(CNI_ERR_INCOMPATIBLE_VERSION,
                                     "%s needs cniVersion 1.1.0 or later",
                                     cni_command_name(ctx.env.command));
        }
    }
    if (!error) {
        long long int start = time_msec();
        switch (ctx.env.command) {
        case CNI_ADD:
            error = cmd_add(&ctx, &result);
            break;
        case CNI_DEL:
            error = cmd_del(&ctx);
            break;
        case CNI_CHECK:
            error = cmd_check(&ctx);
            break;
        case CNI_GC:
            error = cmd_gc(&ctx);
            break;
        case CNI_STATUS:
            error = cmd_status(&ctx);
            break;
        case CNI_VERSION:
        default:
            OVS_NOT_REACHED();
        }
        VLOG_INFO("%s %s after %lld ms", cni_command_name(ctx.env.command),
                  error ? "failed" : "succeeded", time_msec() - start);
    }

    if (error) {
        VLOG_ERR("error %d: %s%s%s", error->code, error->msg,
                 error->details ? ": " : "",
                 error->details ? error->details : "");
        print_json(cni_error_to_json(error, version));
    } else if (ctx.env.command == CNI_ADD) {
        print_json(cni_result_to_json(&result, version));
    }

out:
    if (ctx.nb_open) {
        cni_nb_close(&ctx.nb);
    }
    if (ctx.ovs_open) {
        cni_ovs_close(&ctx.ovs);
    }
    int status = error ? EXIT_FAILURE : EXIT_SUCCESS;
    cni_error_destroy(error);
    cni_result_destroy(&result);
    cni_config_destroy(&ctx.config);
    cni_env_destroy(&ctx.env);
    free(ctx.network);
    free(input);
    return status;
}

static void
print_json(struct json *json)
{
    char *s = json_to_string(json, JSSF_SORT);
    puts(s);
    fflush(stdout);
    free(s);
    json_destroy(json);
}

/* VERSION: the versions this plugin supports, in the format of the
 * requested version (or the latest). */
static void
print_version(const char *input)
{
    struct json *in = json_from_string(input);
    const struct json *v = (in->type == JSON_OBJECT
                            ? shash_find_data(json_object(in), "cniVersion")
                            : NULL);

    struct json *out = json_object_create();
    json_object_put_string(out, "cniVersion",
                           (v && v->type == JSON_STRING
                            && cni_version_at_least(v->string, "1.0.0")
                            ? v->string : CNI_LATEST_VERSION));
    struct json *versions = json_array_create_empty();
    for (size_t i = 0; i < cni_n_supported_versions; i++) {
        json_array_add(versions,
                       json_string_create(cni_supported_versions[i]));
    }
    json_object_put(out, "supportedVersions", versions);
    json_destroy(in);
    print_json(out);
}

static struct cni_error *
read_stdin(char **text)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    for (;;) {
        char buf[4096];
        ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
        if (n > 0) {
            ds_put_buffer(&s, buf, n);
        } else if (!n) {
            break;
        } else if (errno != EINTR) {
            ds_destroy(&s);
            return cni_error_create(CNI_ERR_IO, "reading the network "
                                    "configuration failed (%s)",
                                    ovs_strerror(errno));
        }
    }
    *text = ds_steal_cstr(&s);
    return NULL;
}

/* Moves this process into the network namespace at 'path', where the
 * integration bridge's ovs-vswitchd runs (if 'path' is nonnull). */
static struct cni_error *
enter_host_netns(const char *path)
{
    if (!path) {
        return NULL;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET)) {
        int error = errno;
        if (fd >= 0) {
            close(fd);
        }
        return cni_error_create(CNI_ERR_INVALID_CONFIG, "host_netns %s: %s",
                                path, ovs_strerror(error));
    }
    close(fd);
    return NULL;
}

static void
setup_logging(const struct cni_config *config)
{
    if (config->log_file) {
        vlog_set_levels(NULL, VLF_SYSLOG, VLL_OFF);
        if (!vlog_set_log_file(config->log_file)) {
            vlog_set_levels(NULL, VLF_FILE, VLL_INFO);
        }
    }
}

/* Names. */

/* Stores in 'hex' the SHA-1 of "CONTAINERID/IFNAME", in hex. */
static void
attachment_hash(const char *container_id, const char *ifname,
                char hex[SHA1_HEX_DIGEST_LEN + 1])
{
    char *s = xasprintf("%s/%s", container_id, ifname);
    uint8_t digest[SHA1_DIGEST_SIZE];
    sha1_bytes(s, strlen(s), digest);
    sha1_to_hex(digest, hex);
    free(s);
}

/* Returns the host side's name of attachment 'container_id'/'ifname'. */
static char *
veth_name(const char *container_id, const char *ifname)
{
    char hex[SHA1_HEX_DIGEST_LEN + 1];
    attachment_hash(container_id, ifname, hex);
    return xasprintf("sl%.13s", hex);
}

/* Returns the northbound port name of attachment 'container_id'/'ifname'
 * on 'chassis'. */
static char *
port_name(const char *chassis, const char *container_id, const char *ifname)
{
    return xasprintf("%s.%s.%s", chassis, container_id, ifname);
}

/* Connections. */

static long long int
db_deadline(const struct cni_ctx *ctx)
{
    return time_msec() + ctx->config.db_timeout;
}

/* Connects to the local Open vSwitch database and reads this chassis'
 * configuration.  For a command on one attachment, whose host side is
 * 'veth', monitors only its port and holds the attachment's lock; with
 * 'veth' null, monitors every port. */
static struct cni_error *
connect_ovs(struct cni_ctx *ctx, const char *veth)
{
    char *remote;
    if (ctx->config.ovs_db) {
        remote = xstrdup(ctx->config.ovs_db);
    } else {
        const char *rundir = getenv("OVS_RUNDIR");
        remote = xasprintf("unix:%s/db.sock",
                           rundir && rundir[0] ? rundir
                                               : "/var/run/openvswitch");
    }

    char *lock_name = NULL;
    if (veth) {
        char hex[SHA1_HEX_DIGEST_LEN + 1];
        attachment_hash(ctx->env.container_id, ctx->env.ifname, hex);
        lock_name = xasprintf("sluice_cni_%s", hex);
    }
    char *msg = cni_ovs_connect(&ctx->ovs, remote, lock_name, veth,
                                db_deadline(ctx));
    ctx->ovs_open = true;
    free(lock_name);
    free(remote);
    if (msg) {
        return cni_error_from_string(CNI_ERR_TRY_AGAIN, msg, NULL);
    }

    ctx->chassis = cni_ovs_get_config(&ctx->ovs, "system-id");
    if (!ctx->chassis) {
        return cni_error_create(CNI_ERR_OVS, "%s: the Open_vSwitch table "
                                "has no external_ids:system-id",
                                ctx->ovs.remote);
    }
    msg = nb_check_name("chassis", ctx->chassis);
    if (msg) {
        return cni_error_from_string(CNI_ERR_OVS, msg, NULL);
    }
    ctx->bridge = ctx->config.bridge;
    if (!ctx->bridge) {
        ctx->bridge = cni_ovs_get_config(&ctx->ovs, "sluice-bridge");
    }
    if (!ctx->bridge) {
        ctx->bridge = "br-int";
    }
    ctx->encap_ip = cni_ovs_get_config(&ctx->ovs, "sluice-encap-ip");
    return NULL;
}

/* Connects to the northbound database. */
static struct cni_error *
connect_nb(struct cni_ctx *ctx)
{
    const char *remote = ctx->config.nb_remote;
    if (!remote) {
        remote = cni_ovs_get_config(&ctx->ovs, "sluice-remote");
    }
    if (!remote) {
        return cni_error_create(CNI_ERR_INVALID_CONFIG, "no northbound "
                                "database: set \"nb_remote\" or the local "
                                "external_ids:sluice-remote");
    }
    char *msg = cni_nb_connect(&ctx->nb, remote, ctx->chassis,
                               db_deadline(ctx));
    ctx->nb_open = true;
    return msg ? cni_error_from_string(CNI_ERR_TRY_AGAIN, msg, NULL) : NULL;
}

/* Connects to both databases, for the attachment whose host side is 'veth'
 * or, if it is null, for all. */
static struct cni_error *
connect_dbs(struct cni_ctx *ctx, const char *veth)
{
    struct cni_error *error = connect_ovs(ctx, veth);
    return error ? error : connect_nb(ctx);
}

static struct cni_error *
find_network(const struct cni_ctx *ctx, const struct nbrec_network **net)
{
    *net = cni_nb_find_network(&ctx->nb, ctx->config.tenant,
                               ctx->config.network);
    if (!*net) {
        return cni_error_create(CNI_ERR_INVALID_CONFIG, "network %s/%s does "
                                "not exist in the northbound database (%s)",
                                ctx->config.tenant, ctx->config.network,
                                ctx->nb.remote);
    }
    return NULL;
}

static struct cni_error *
open_netlink(const char *netns, struct cni_nl *nl)
{
    int error = cni_nl_open(nl, netns);
    if (!error) {
        return NULL;
    } else if (netns && error == ENOENT) {
        return cni_error_create(CNI_ERR_UNKNOWN_CONTAINER, "CNI_NETNS %s "
                                "does not exist", netns);
    } else if (netns && error == EINVAL) {
        return cni_error_create(CNI_ERR_INVALID_ENV, "CNI_NETNS %s is not a "
                                "network namespace", netns);
    }
    return cni_error_create(CNI_ERR_NETLINK, "opening netlink%s%s failed "
                            "(%s)", netns ? " in " : "",
                            netns ? netns : "", ovs_strerror(error));
}

/* ADD. */

/* The MTU of the container's interface: the network's, or else the MTU of
 * the interface that holds this chassis' tunnel IP less the encapsulation
 * overhead. */
static struct cni_error *
container_mtu(const struct cni_ctx *ctx, struct cni_nl *nl,
              const struct nbrec_network *net, int *mtu)
{
    if (net->n_mtu) {
        *mtu = net->mtu[0];
        return NULL;
    }
    if (!ctx->encap_ip) {
        return cni_error_create(CNI_ERR_INVALID_CONFIG, "network %s/%s has "
                                "no MTU and the local Open vSwitch has no "
                                "external_ids:sluice-encap-ip to derive it "
                                "from", net->tenant->name, net->name);
    }
    int link_mtu;
    char *msg = cni_nl_ip_mtu(nl->host, ctx->encap_ip, &link_mtu);
    if (msg) {
        return cni_error_from_string(CNI_ERR_NETLINK, msg, NULL);
    }
    *mtu = link_mtu;
    if (strcmp(net->type, "vlan")) {
        *mtu -= strchr(ctx->encap_ip, ':') ? ENCAP_OVERHEAD_IPV6
                                           : ENCAP_OVERHEAD_IPV4;
    }
    if (*mtu < 576 || *mtu > 9000) {
        return cni_error_create(CNI_ERR_INVALID_CONFIG, "the container MTU "
                                "derived from tunnel IP %s is %d, outside "
                                "576 to 9000; set the network's MTU",
                                ctx->encap_ip, *mtu);
    }
    return NULL;
}

/* Adds to 'local' the addresses 'ips' (without prefix lengths) of 'net' on
 * interface 'iface', each with its subnet's prefix length and gateway, and a
 * default route through each family's first gateway. */
static void
network_addresses(const struct nbrec_network *net, const struct svec *ips,
                  int iface, struct cni_result *local)
{
    bool routed[2] = { false, false };

    for (size_t i = 0; i < ips->n; i++) {
        struct in6_addr addr;
        bool ipv4;
        char *msg = ip_addr_parse(ips->names[i], &addr, &ipv4);
        if (msg) {
            free(msg);
            continue;
        }

        struct ip_prefix subnet;
        bool found = false;
        for (size_t j = 0; j < net->n_subnets && !found; j++) {
            msg = ip_prefix_parse(net->subnets[j], &subnet);
            found = !msg && ip_prefix_contains(&subnet, &addr);
            free(msg);
        }
        if (!found) {
            continue;
        }
        const char *gw = NULL;
        for (size_t j = 0; j < net->n_gateways && !gw; j++) {
            struct in6_addr gw_addr;
            bool gw_ipv4;
            msg = ip_addr_parse(net->gateways[j], &gw_addr, &gw_ipv4);
            if (!msg && ip_prefix_contains(&subnet, &gw_addr)) {
                gw = net->gateways[j];
            }
            free(msg);
        }

        char *cidr = xasprintf("%s/%u", ips->names[i], subnet.plen);
        cni_result_add_ip(local, cidr, gw, iface);
        free(cidr);
        if (gw && !routed[ipv4]) {
            cni_result_add_route(local, ipv4 ? "0.0.0.0/0" : "::/0", gw);
            routed[ipv4] = true;
        }
    }
}

/* Adds to 'local' what IPAM plugin result 'ipam' gives, on interface
 * 'iface'.  A route without a gateway goes through the gateway of the first
 * address of its family, as the reference plugins do. */
static void
ipam_addresses(const struct cni_result *ipam, int iface,
               struct cni_result *local)
{
    for (size_t i = 0; i < ipam->n_ips; i++) {
        cni_result_add_ip(local, ipam->ips[i].address, ipam->ips[i].gateway,
                          iface);
    }
    for (size_t i = 0; i < ipam->n_routes; i++) {
        const struct cni_route *r = &ipam->routes[i];
        const char *gw = r->gw;
        bool ipv6 = strchr(r->dst, ':') != NULL;
        for (size_t j = 0; j < ipam->n_ips && !gw; j++) {
            if ((strchr(ipam->ips[j].address, ':') != NULL) == ipv6) {
                gw = ipam->ips[j].gateway;
            }
        }
        cni_result_add_route(local, r->dst, gw);
    }
    if (ipam->dns) {
        local->dns = json_clone(ipam->dns);
    }
}

/* What ADD has created so far, to undo on failure. */
struct add_undo {
    bool ipam;
    bool nb_port;
    bool veth;
    bool ovs_port;
};

static void
log_undo_error(char *msg)
{
    if (msg) {
        VLOG_WARN("rollback: %s", msg);
        free(msg);
    }
}

static void
add_rollback(struct cni_ctx *ctx, const struct add_undo *undo,
             struct cni_nl *nl, const char *port, const char *veth)
{
    if (undo->ovs_port) {
        log_undo_error(cni_ovs_port_del(&ctx->ovs, ctx->bridge, veth,
                                        db_deadline(ctx)));
    }
    if (undo->veth) {
        log_undo_error(cni_nl_link_del(nl->host, veth));
    }
    if (undo->nb_port) {
        log_undo_error(cni_nb_port_delete(&ctx->nb, port, db_deadline(ctx)));
    }
    if (undo->ipam) {
        struct cni_error *e = cni_ipam_exec(&ctx->config, &ctx->env, CNI_DEL,
                                            NULL, NULL, NULL);
        if (e) {
            log_undo_error(xstrdup(e->msg));
            cni_error_destroy(e);
        }
    }
}

static struct cni_error *
cmd_add(struct cni_ctx *ctx, struct cni_result *result)
{
    const struct cni_env *env = &ctx->env;
    struct add_undo undo = { false, false, false, false };
    struct cni_result local, ipam;
    struct cni_nl nl;
    bool nl_open = false;
    char *port = NULL;
    char *veth = veth_name(env->container_id, env->ifname);
    struct cni_nb_port spec = { .ips = SVEC_EMPTY_INITIALIZER };
    char *msg;

    cni_result_init(&local);
    cni_result_init(&ipam);

    /* When each step ended, for the log. */
    long long int t_start = time_msec(), t_ready = 0, t_nb = 0;
    long long int t_veth = 0, t_reserved = 0, t_ovs = 0;

    struct cni_error *error = connect_dbs(ctx, veth);
    const struct nbrec_network *net = NULL;
    if (!error) {
        error = find_network(ctx, &net);
    }
    if (!error) {
        port = port_name(ctx->chassis, env->container_id, env->ifname);
        msg = nb_check_name("port", port);
        if (msg) {
            error = cni_error_from_string(CNI_ERR_INVALID_ENV, msg, NULL);
        }
    }
    if (!error && !cni_ovs_bridge_exists(&ctx->ovs, ctx->bridge)) {
        error = cni_error_create(CNI_ERR_OVS, "bridge %s does not exist on "
                                 "chassis %s (is sluice-controller "
                                 "running?)", ctx->bridge, ctx->chassis);
    }
    if (!error) {
        error = open_netlink(env->netns, &nl);
        nl_open = true;
    }
    if (!error && cni_nl_link_exists(nl.cont, env->ifname)) {
        error = cni_error_create(CNI_ERR_IFNAME_TAKEN, "interface %s already "
                                 "exists in %s", env->ifname, env->netns);
    }
    if (!error && cni_nl_link_exists(nl.host, veth)) {
        error = cni_error_create(CNI_ERR_NETLINK, "host interface %s of "
                                 "this attachment already exists (DEL the "
                                 "attachment first)", veth);
    }
    if (!error) {
        error = container_mtu(ctx, &nl, net, &spec.mtu);
    }
    if (!error) {
        msg = cni_nb_watch_ports(&ctx->nb, net, port, false,
                                 db_deadline(ctx));
        if (msg) {
            error = cni_error_from_string(CNI_ERR_TRY_AGAIN, msg, NULL);
        }
    }
    if (error) {
        goto out;
    }
    t_ready = time_msec();

    /* Addresses: from the IPAM plugin, else requested or allocated. */
    if (ctx->config.ipam) {
        error = cni_ipam_exec(&ctx->config, env, CNI_ADD, NULL, NULL, &ipam);
        if (error) {
            goto out;
        }
        undo.ipam = true;
        for (size_t i = 0; i < ipam.n_ips; i++) {
            svec_add(&spec.ips, ipam.ips[i].address);
        }
    } else {
        svec_clone(&spec.ips, &ctx->config.ips);
    }

    /* The northbound port, with its addresses and this chassis.  Its
     * controller installs its flows for an OpenFlow port number that it
     * reserves, while the veth pair is made and the container's side
     * configured; the integration bridge's port then asks for that number,
     * and the port is up as soon as the switch reports it.  ovs-vswitchd
     * reconfigures the whole bridge, which takes a while when it is large,
     * after each change of its database and of the interfaces in its
     * namespace: the link changes come first, together, so that they cost
     * one reconfiguration, and the flows go in before the bridge's port
     * starts another. */
    spec.mac = nullable_xstrdup(ctx->config.mac);
    spec.name = port;
    spec.container_id = env->container_id;
    spec.ifname = env->ifname;
    spec.netns = env->netns;
    struct uuid net_uuid = net->header_.uuid;
    error = cni_nb_port_create(&ctx->nb, &net_uuid, &spec, db_deadline(ctx));
    if (error) {
        goto out;
    }
    undo.nb_port = true;
    net = NULL;                 /* May be stale after the transaction. */
    t_nb = time_msec();
    long long int up_deadline = time_msec() + ctx->config.up_timeout;

    /* The result: what came before in the chain, then the host side and
     * the container side. */
    if (ctx->config.prev_result) {
        error = cni_result_from_json(result, ctx->config.prev_result);
        if (error) {
            error->code = CNI_ERR_INVALID_CONFIG;
            goto out;
        }
    }
    cni_result_add_interface(result, veth, NULL, spec.mtu, NULL);
    int iface = cni_result_add_interface(result, env->ifname, spec.mac,
                                         spec.mtu, env->netns);
    if (ctx->config.ipam) {
        ipam_addresses(&ipam, iface, &local);
    } else {
        net = nbrec_network_get_for_uuid(ctx->nb.idl, &net_uuid);
        if (net) {
            network_addresses(net, &spec.ips, iface, &local);
        }
    }
    if (!local.dns && ctx->config.dns) {
        local.dns = json_clone(ctx->config.dns);
    }

    /* The veth pair and the container's side. */
    char *alias = xasprintf("sluice-cni %s %s/%s", ctx->network,
                            env->container_id, env->ifname);
    msg = cni_nl_veth_create(&nl, veth, alias, env->ifname, spec.mtu,
                             cni_ovs_offload_enabled(&ctx->ovs));
    free(alias);
    if (msg) {
        error = cni_error_from_string(CNI_ERR_NETLINK, msg, NULL);
        goto out;
    }
    undo.veth = true;
    msg = cni_nl_configure(&nl, env->ifname, spec.mac, &local);
    if (!msg && ctx->config.threaded_receive) {
        msg = cni_nl_threaded_receive(&nl, veth, env->ifname);
    }
    if (msg) {
        error = cni_error_from_string(CNI_ERR_NETLINK, msg, NULL);
        goto out;
    }
    t_veth = time_msec();

    /* The bridge's port, once the port's flows are installed, and then the
     * wait for the controller to see it. */
    int64_t ofport;
    error = cni_nb_wait_reserved(&ctx->nb, port, up_deadline, &ofport);
    if (error) {
        goto out;
    }
    t_reserved = time_msec();
    msg = cni_ovs_port_add(&ctx->ovs, ctx->bridge, veth, port,
                           ctx->network, ofport, db_deadline(ctx));
    if (msg) {
        error = cni_error_from_string(CNI_ERR_OVS, msg, NULL);
        goto out;
    }
    undo.ovs_port = true;
    t_ovs = time_msec();
    error = cni_nb_wait_up(&ctx->nb, port, up_deadline);
    if (error) {
        /* ovs-vswitchd may say why. */
        msg = cni_ovs_port_problem(&ctx->ovs, veth, time_msec() + 1000);
        if (msg) {
            cni_error_destroy(error);
            error = cni_error_from_string(CNI_ERR_OVS, msg, NULL);
        }
        goto out;
    }

    for (size_t i = 0; i < local.n_ips; i++) {
        cni_result_add_ip(result, local.ips[i].address, local.ips[i].gateway,
                          iface);
    }
    for (size_t i = 0; i < local.n_routes; i++) {
        cni_result_add_route(result, local.routes[i].dst,
                             local.routes[i].gw);
    }
    if (local.dns) {
        json_destroy(result->dns);
        result->dns = json_clone(local.dns);
    }
    long long int t_up = time_msec();
    VLOG_INFO("%s: up on %s as %s (OpenFlow port %"PRId64") after %lld ms "
              "(databases %lld, northbound port %lld, veth and container "
              "%lld, flows %lld, bridge port %lld, up %lld)", port,
              ctx->bridge, veth, ofport, t_up - t_start, t_ready - t_start,
              t_nb - t_ready, t_veth - t_nb, t_reserved - t_veth,
              t_ovs - t_reserved, t_up - t_ovs);

out:
    if (error && nl_open) {
        add_rollback(ctx, &undo, &nl, port, veth);
    }
    if (nl_open) {
        cni_nl_close(&nl);
    }
    cni_result_destroy(&local);
    cni_result_destroy(&ipam);
    svec_destroy(&spec.ips);
    free(spec.mac);
    free(port);
    free(veth);
    return error;
}

/* DEL and GC. */

/* Removes what attachment 'container_id'/'ifname' with northbound port
 * 'port' has on this chassis, in the reverse order of ADD: the integration
 * bridge's port, the veth pair, the northbound port (which frees its
 * addresses) and the IPAM plugin's reservation.  Missing pieces are not
 * errors.  Goes on after an error and returns the first one.  The port must
 * be among those that 'ctx->nb' watches. */
static struct cni_error *
remove_attachment(struct cni_ctx *ctx, struct cni_nl *nl, const char *port,
                  const char *container_id, const char *ifname)
{
    struct cni_error *error = NULL;
    char *veth = veth_name(container_id, ifname);

    char *msg = cni_ovs_port_del(&ctx->ovs, ctx->bridge, veth,
                                 db_deadline(ctx));
    if (msg) {
        error = cni_error_from_string(CNI_ERR_OVS, msg, NULL);
    }
    msg = cni_nl_link_del(nl->host, veth);
    if (msg && !error) {
        error = cni_error_from_string(CNI_ERR_NETLINK, msg, NULL);
    } else {
        free(msg);
    }
    msg = cni_nb_port_delete(&ctx->nb, port, db_deadline(ctx));
    if (msg && !error) {
        error = cni_error_from_string(CNI_ERR_NB, msg, NULL);
    } else {
        free(msg);
    }
    if (ctx->config.ipam) {
        struct cni_error *e = cni_ipam_exec(&ctx->config, &ctx->env, CNI_DEL,
                                            container_id, ifname, NULL);
        if (e && !error) {
            error = e;
        } else {
            cni_error_destroy(e);
        }
    }
    if (!error) {
        VLOG_INFO("%s: removed", port);
    }
    free(veth);
    return error;
}

static struct cni_error *
cmd_del(struct cni_ctx *ctx)
{
    const struct cni_env *env = &ctx->env;
    char *port = NULL;
    char *veth = veth_name(env->container_id, env->ifname);
    struct cni_nl nl;
    bool nl_open = false;

    struct cni_error *error = connect_dbs(ctx, veth);
    if (!error) {
        port = port_name(ctx->chassis, env->container_id, env->ifname);
        char *msg = cni_nb_watch_ports(&ctx->nb, NULL, port, false,
                                       db_deadline(ctx));
        if (msg) {
            error = cni_error_from_string(CNI_ERR_TRY_AGAIN, msg, NULL);
        }
    }
    if (!error) {
        /* The container's namespace may be gone: the host side is enough,
         * its peer goes with it. */
        error = open_netlink(NULL, &nl);
        nl_open = true;
    }
    if (!error) {
        error = remove_attachment(ctx, &nl, port, env->container_id,
                                  env->ifname);
    }
    if (nl_open) {
        cni_nl_close(&nl);
    }
    free(port);
    free(veth);
    return error;
}

static struct cni_error *
cmd_gc(struct cni_ctx *ctx)
{
    const struct nbrec_network *net;
    struct cni_error *error = connect_dbs(ctx, NULL);
    if (error) {
        return error;
    }
    error = find_network(ctx, &net);
    if (error) {
        /* Without the network there are no ports to keep. */
        cni_error_destroy(error);
        error = NULL;
        net = NULL;
    }
    char *msg = cni_nb_watch_ports(&ctx->nb, net, NULL, false,
                                   db_deadline(ctx));
    if (msg) {
        return cni_error_from_string(CNI_ERR_TRY_AGAIN, msg, NULL);
    }
    struct cni_nl nl;
    error = open_netlink(NULL, &nl);
    if (error) {
        cni_nl_close(&nl);
        return error;
    }

    /* The northbound ports of this network's attachments on this chassis
     * that the runtime no longer knows. */
    const struct nbrec_chassis *chassis = cni_nb_find_chassis(&ctx->nb);
    struct svec stale = SVEC_EMPTY_INITIALIZER;
    const struct nbrec_port *port;
    NBREC_PORT_FOR_EACH (port, ctx->nb.idl) {
        if (chassis && port->chassis == chassis && port->network == net
            && port->container_id && port->container_interface) {
            char *id = xasprintf("%s/%s", port->container_id,
                                 port->container_interface);
            if (!sset_contains(&ctx->config.valid_attachments, id)) {
                svec_add(&stale, port->name);
                svec_add(&stale, port->container_id);
                svec_add(&stale, port->container_interface);
            }
            free(id);
        }
    }
    for (size_t i = 0; i + 2 < stale.n; i += 3) {
        struct cni_error *e = remove_attachment(ctx, &nl, stale.names[i],
                                                stale.names[i + 1],
                                                stale.names[i + 2]);
        if (e && !error) {
            error = e;
        } else {
            cni_error_destroy(e);
        }
    }
    svec_destroy(&stale);

    /* Integration bridge ports of this network whose northbound port is
     * gone, and their veths. */
    struct smap strays = SMAP_INITIALIZER(&strays);
    cni_ovs_network_ports(&ctx->ovs, ctx->bridge, ctx->network, &strays);
    struct smap_node *node;
    SMAP_FOR_EACH (node, &strays) {
        if (cni_nb_find_port(&ctx->nb, node->value)) {
            continue;
        }
        msg = cni_ovs_port_del(&ctx->ovs, ctx->bridge, node->key,
                               db_deadline(ctx));
        if (!msg) {
            msg = cni_nl_link_del(nl.host, node->key);
        }
        if (msg) {
            VLOG_WARN("%s", msg);
            if (!error) {
                error = cni_error_from_string(CNI_ERR_OVS, msg, NULL);
            } else {
                free(msg);
            }
        } else {
            VLOG_INFO("%s: removed stray port of %s", node->key,
                      node->value);
        }
    }
    smap_destroy(&strays);

    /* Veths of this network's attachments whose northbound port is gone
     * (an ADD that stopped before its bridge port), by their alias. */
    char *prefix = xasprintf("sluice-cni %s ", ctx->network);
    struct smap veths = SMAP_INITIALIZER(&veths);
    cni_nl_find_aliases(nl.host, prefix, &veths);
    SMAP_FOR_EACH (node, &veths) {
        const char *attachment = node->value + strlen(prefix);
        const char *slash = strchr(attachment, '/');
        if (!slash) {
            continue;
        }
        char *id = xmemdup0(attachment, slash - attachment);
        char *name = port_name(ctx->chassis, id, slash + 1);
        if (!cni_nb_find_port(&ctx->nb, name)) {
            msg = cni_nl_link_del(nl.host, node->key);
            if (msg) {
                VLOG_WARN("%s", msg);
                free(msg);
            } else {
                VLOG_INFO("%s: removed stray veth of %s", node->key, name);
            }
        }
        free(name);
        free(id);
    }
    smap_destroy(&veths);
    free(prefix);
    cni_nl_close(&nl);
    return error;
}

/* CHECK. */

static struct cni_error *
check_attachment(struct cni_ctx *ctx, const struct cni_result *prev,
                 const char *port, const char *veth)
{
    const struct cni_env *env = &ctx->env;

    char *msg = cni_nb_watch_ports(&ctx->nb, NULL, port, false,
                                   db_deadline(ctx));
    if (msg) {
        return cni_error_from_string(CNI_ERR_TRY_AGAIN, msg, NULL);
    }
    if (!cni_ovs_port_exists(&ctx->ovs, ctx->bridge, veth, port)) {
        return cni_error_create(CNI_ERR_CHECK_OVS_PORT, "bridge %s has no "
                                "port %s bound to %s", ctx->bridge, veth,
                                port);
    }
    const struct nbrec_port *nb_port = cni_nb_find_port(&ctx->nb, port);
    if (!nb_port) {
        return cni_error_create(CNI_ERR_CHECK_NB_PORT, "northbound port %s "
                                "is missing", port);
    } else if (!nb_port->n_up || !nb_port->up[0]) {
        return cni_error_create(CNI_ERR_CHECK_NB_PORT, "northbound port %s "
                                "is not up", port);
    }

    struct cni_nl nl;
    struct cni_error *error = open_netlink(env->netns, &nl);
    if (error) {
        cni_nl_close(&nl);
        return error;
    }
    int ifindex;
    if (!cni_nl_link_exists(nl.host, veth)) {
        error = cni_error_create(CNI_ERR_CHECK_INTERFACE, "host interface "
                                 "%s is missing", veth);
        goto out;
    }

    int iface = -1;
    for (size_t i = 0; i < prev->n_interfaces && iface < 0; i++) {
        const struct cni_interface *pi = &prev->interfaces[i];
        if (!strcmp(pi->name, env->ifname)
            && (!pi->sandbox || !strcmp(pi->sandbox, env->netns))) {
            iface = i;
        }
    }
    if (iface < 0) {
        error = cni_error_create(CNI_ERR_INVALID_CONFIG, "prevResult has no "
                                 "interface %s in %s", env->ifname,
                                 env->netns);
        goto out;
    }
    msg = cni_nl_check_link(nl.cont, env->ifname,
                            prev->interfaces[iface].mac, &ifindex);
    if (msg) {
        error = cni_error_from_string(CNI_ERR_CHECK_INTERFACE, msg, NULL);
        goto out;
    }
    for (size_t i = 0; i < prev->n_ips; i++) {
        const struct cni_ip *ip = &prev->ips[i];
        if (ip->interface == iface
            && !cni_nl_has_addr(nl.cont, ifindex, ip->address)) {
            error = cni_error_create(CNI_ERR_CHECK_ADDRESS, "interface %s "
                                     "lacks address %s", env->ifname,
                                     ip->address);
            goto out;
        }
    }
    for (size_t i = 0; i < prev->n_routes; i++) {
        const struct cni_route *r = &prev->routes[i];
        if (!cni_nl_has_route(nl.cont, r->dst, r->gw)) {
            error = cni_error_create(CNI_ERR_CHECK_ROUTE, "the container "
                                     "lacks the route to %s via %s", r->dst,
                                     r->gw ? r->gw : "(link)");
            goto out;
        }
    }
    if (ctx->config.ipam) {
        error = cni_ipam_exec(&ctx->config, env, CNI_CHECK, NULL, NULL,
                              NULL);
    }

out:
    cni_nl_close(&nl);
    return error;
}

static struct cni_error *
cmd_check(struct cni_ctx *ctx)
{
    const struct cni_env *env = &ctx->env;

    if (!ctx->config.prev_result) {
        return cni_error_create(CNI_ERR_INVALID_CONFIG, "CHECK needs "
                                "\"prevResult\"");
    }
    struct cni_result prev;
    cni_result_init(&prev);
    struct cni_error *error = cni_result_from_json(&prev,
                                                   ctx->config.prev_result);
    char *veth = veth_name(env->container_id, env->ifname);
    if (error) {
        error->code = CNI_ERR_INVALID_CONFIG;
    } else {
        error = connect_dbs(ctx, veth);
    }
    if (!error) {
        char *port = port_name(ctx->chassis, env->container_id, env->ifname);
        error = check_attachment(ctx, &prev, port, veth);
        free(port);
    }
    free(veth);
    cni_result_destroy(&prev);
    return error;
}

/* STATUS. */

static struct cni_error *
cmd_status(struct cni_ctx *ctx)
{
    const struct nbrec_network *net;
    struct cni_error *error = connect_dbs(ctx, NULL);

    if (!error) {
        error = find_network(ctx, &net);
    }
    if (!error && !cni_ovs_bridge_exists(&ctx->ovs, ctx->bridge)) {
        error = cni_error_create(CNI_ERR_OVS, "bridge %s does not exist on "
                                 "chassis %s", ctx->bridge, ctx->chassis);
    }
    if (error) {
        error->code = CNI_ERR_NOT_AVAILABLE;
    }
    return error;
}
