/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * sluice-controller: the OpenFlow controller of Sluice chassis.
 *
 * By default it is one chassis' own controller: it reads its configuration
 * from the local Open_vSwitch database, registers the chassis in the
 * northbound database, keeps the integration bridge and its tunnel ports,
 * computes the bridge's flows from the northbound rows this chassis needs
 * (incrementally, see flow-engine.h) and installs them through the bridge's
 * management socket (ofctrl.h), then reports back what is in effect: ports
 * up, and the configuration number for "sluice-ctl --wait=hv".
 *
 * With --listen it is a central controller instead (central.h): it does the
 * same for every switch that connects to it, without local databases. */

#include <config.h>
#include <getopt.h>
#include <stdlib.h>
#include "command-line.h"
#include "controller/central.h"
#include "controller/chassis.h"
#include "controller/monitor.h"
#include "controller/ofctrl.h"
#include "controller/si-health.h"
#include "controller/si.h"
#include "controller/switch.h"
#include "daemon.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "hmapx.h"
#include "lib/sluice-nb-idl.h"
#include "lib/std-fds.h"
#include "lib/vswitch-idl.h"
#include "ofproto-ext/sluice-ext.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vconn.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "simap.h"
#include "stream-ssl.h"
#include "stream.h"
#include "unixctl.h"
#include "util.h"
#include "uuidset.h"

VLOG_DEFINE_THIS_MODULE(sluice_controller);

/* The controller's state, shared with the unixctl commands. */
struct controller {
    struct ovsdb_idl_loop nb_loop;      /* Northbound database. */
    struct ovsdb_idl_index *port_by_name;
    struct ovs_list switches;           /* "struct switch_ctx"s. */
    bool exiting;

    /* A chassis' own controller. */
    struct ovsdb_idl_loop ovs_loop;     /* Local Open_vSwitch database. */
    struct chassis_config cfg;
    char *cfg_error;                    /* What the configuration lacks. */
    bool monitoring_complete;           /* First full view received. */
    unsigned int expected_cond_seqno;   /* When the conditions are met. */
    unsigned int ovs_seqno;             /* Local database last read. */
    struct uuid chassis_uuid;           /* The chassis row last seen, or
                                         * zeros. */

    /* A central controller. */
    struct pvconn *listener;            /* NULL for a chassis' own. */
    const char *listen_target;
    const char *nb_remote;
};

/* Command-line settings. */
struct options {
    char *ovs_remote;                   /* Local database. */
    char *listen;                       /* --listen: central mode. */
    char *nb_remote;                    /* --nb, in central mode. */
    char *unixctl_path;                 /* --unixctl. */
};

static void parse_options(int argc, char *argv[], struct options *);
OVS_NO_RETURN static void usage(void);
static void reconfigure(struct controller *);
static void run_chassis(struct controller *);
static void run_central(struct controller *);
static void register_unixctl(struct controller *);

int
main(int argc, char *argv[])
{
    ovs_set_program_name(argv[0], SLUICE_VERSION);
    std_fds_open();
    service_start(&argc, &argv);
    fatal_ignore_sigpipe();
    struct options opts;
    parse_options(argc, argv, &opts);

    daemonize_start(false);
    struct unixctl_server *unixctl;
    int error = unixctl_server_create(opts.unixctl_path, &unixctl);
    if (error) {
        exit(EXIT_FAILURE);
    }

    struct controller c;
    memset(&c, 0, sizeof c);
    ovs_list_init(&c.switches);
    chassis_config_init(&c.cfg);

    struct ovsdb_idl *nb = ovsdb_idl_create_unconnected(&nbrec_idl_class,
                                                        false);
    monitor_register(nb, !opts.listen);
    c.port_by_name = ovsdb_idl_index_create1(nb, &nbrec_port_col_name);
    c.nb_loop = (struct ovsdb_idl_loop) OVSDB_IDL_LOOP_INITIALIZER(nb);

    if (opts.listen) {
        c.listener = central_listen(opts.listen);
        c.listen_target = opts.listen;
        c.nb_remote = opts.nb_remote;
        ovsdb_idl_set_remote(nb, opts.nb_remote, true);
    } else {
        struct ovsdb_idl *ovs = ovsdb_idl_create(opts.ovs_remote,
                                                 &ovsrec_idl_class,
                                                 false, true);
        chassis_ovs_register(ovs);
        c.ovs_loop = (struct ovsdb_idl_loop) OVSDB_IDL_LOOP_INITIALIZER(ovs);

        struct switch_ctx *sw = switch_ctx_create("local", ofctrl_create(),
                                                  nb, c.port_by_name);
        ovs_list_push_back(&c.switches, &sw->list_node);
    }
    daemonize_complete();

    register_unixctl(&c);
    VLOG_INFO("%s %s starting", program_name, SLUICE_VERSION);

    while (!c.exiting) {
        if (c.listener) {
            run_central(&c);
        } else {
            run_chassis(&c);
        }

        unixctl_server_run(unixctl);
        unixctl_server_wait(unixctl);
        struct switch_ctx *sw;
        LIST_FOR_EACH (sw, list_node, &c.switches) {
            switch_ctx_wait(sw);
        }
        if (c.listener) {
            pvconn_wait(c.listener);
        } else {
            ovsdb_idl_loop_commit_and_wait(&c.ovs_loop);
        }
        ovsdb_idl_loop_commit_and_wait(&c.nb_loop);
        if (c.exiting) {
            poll_immediate_wake();
        }
        poll_block();
    }

    VLOG_INFO("exiting");
    unixctl_server_destroy(unixctl);
    struct switch_ctx *sw;
    LIST_FOR_EACH_POP (sw, list_node, &c.switches) {
        switch_ctx_destroy(sw);
    }
    pvconn_close(c.listener);
    if (c.ovs_loop.idl) {
        ovsdb_idl_loop_destroy(&c.ovs_loop);
    }
    ovsdb_idl_loop_destroy(&c.nb_loop);
    chassis_config_destroy(&c.cfg);
    free(c.cfg_error);
    free(opts.ovs_remote);
    free(opts.listen);
    free(opts.nb_remote);
    free(opts.unixctl_path);
    service_stop();
    return 0;
}

/* One iteration of the main loop of a chassis' own controller. */
static void
run_chassis(struct controller *c)
{
    struct ovsdb_idl_txn *ovs_txn = ovsdb_idl_loop_run(&c->ovs_loop);
    struct ovsdb_idl_txn *nb_txn = ovsdb_idl_loop_run(&c->nb_loop);
    struct ovsdb_idl *ovs = c->ovs_loop.idl;
    struct ovsdb_idl *nb = c->nb_loop.idl;
    struct switch_ctx *sw = CONTAINER_OF(ovs_list_front(&c->switches),
                                         struct switch_ctx, list_node);

    const struct ovsrec_open_vswitch *ovs_row
        = ovsrec_open_vswitch_first(ovs);
    if (ovs_row && chassis_config_read(&c->cfg, ovs_row)) {
        reconfigure(c);
    }
    if (!ovs_row || c->cfg_error) {
        ovsdb_idl_track_clear(nb);
        return;
    }

    struct shash si_ports = SHASH_INITIALIZER(&si_ports);
    si_ovs_ports(nb, c->cfg.set_local_ip, c->cfg.encap_ip, &si_ports);
    chassis_ovs_run(ovs_txn, ovs, &c->cfg, ofctrl_is_synced(sw->ofctrl),
                    &si_ports);
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &si_ports) {
        chassis_port_destroy(node->data);
        shash_delete(&si_ports, node);
    }
    shash_destroy(&si_ports);
    const struct nbrec_chassis *chassis = chassis_nb_run(nb_txn, nb,
                                                         &c->cfg);
    if (chassis_ovs_bridge_ready(ovs, &c->cfg)) {
        char *target = xasprintf("unix:%s/%s.mgmt", ovs_rundir(),
                                 c->cfg.bridge);
        ofctrl_set_target(sw->ofctrl, target);
        free(target);
    } else {
        ofctrl_set_target(sw->ofctrl, NULL);
    }
    ofctrl_run(sw->ofctrl);
    if (!ovsdb_idl_has_ever_connected(nb)) {
        return;
    }

    uint64_t of_seqno;
    const struct simap *of_ports = ofctrl_get_ports(sw->ofctrl, &of_seqno);
    struct uuid chassis_uuid = chassis ? chassis->header_.uuid : UUID_ZERO;
    bool all = (ovsdb_idl_get_seqno(ovs) != c->ovs_seqno
                || of_seqno != sw->source_seqno
                || !uuid_equals(&chassis_uuid, &c->chassis_uuid));
    if (all) {
        c->ovs_seqno = ovsdb_idl_get_seqno(ovs);
        sw->source_seqno = of_seqno;
        c->chassis_uuid = chassis_uuid;
        chassis_ovs_ports(ovs, &c->cfg, of_ports, &sw->ports);
    }
    chassis_reserve_ports(&sw->ports, nb, c->port_by_name, chassis, all);
    switch_ctx_run_si(sw, nb, ovs);
    switch_ctx_run(sw);

    /* The conditions depend on the switch's ports and on northbound rows:
     * they change only when those do. */
    if (engine_node_updated(&sw->engine.local)
        || engine_node_updated(&sw->engine.nb)) {
        struct uuidset local_nets = UUIDSET_INITIALIZER(&local_nets);
        flow_engine_local_nets(&sw->engine, &local_nets);
        c->expected_cond_seqno = monitor_update(nb, c->port_by_name, chassis,
                                                &sw->acks.unclaimed,
                                                &sw->ports.reserved,
                                                &local_nets);
        uuidset_destroy(&local_nets);
    }
    ovsdb_idl_track_clear(nb);
    if (!c->monitoring_complete && chassis
        && ovsdb_idl_get_condition_seqno(nb) == c->expected_cond_seqno) {
        /* The northbound rows this chassis needs have all arrived, so the
         * flows are complete: the first put may replace the switch's
         * flows, as after a restart, without a moment of missing flows. */
        VLOG_INFO("northbound view complete: %"PRIuSIZE" desired flows",
                  sw->engine.flows_state.table.n_flows
                  + sw->engine.si_state.table.n_flows);
        c->monitoring_complete = true;
    }
    if (c->monitoring_complete) {
        switch_ctx_put(sw, nb_txn, nb, c->port_by_name);
    }
}

/* Applies a changed chassis configuration. */
static void
reconfigure(struct controller *c)
{
    free(c->cfg_error);
    c->cfg_error = chassis_config_missing(&c->cfg);
    if (c->cfg_error) {
        VLOG_WARN("waiting for configuration: %s", c->cfg_error);
        return;
    }

    VLOG_INFO("chassis %s: northbound database %s, tunnel IP %s, "
              "bridge %s", c->cfg.name, c->cfg.nb_remote, c->cfg.encap_ip,
              c->cfg.bridge);
    ovsdb_idl_set_remote(c->nb_loop.idl, c->cfg.nb_remote, true);

    struct switch_ctx *sw;
    LIST_FOR_EACH (sw, list_node, &c->switches) {
        sw->force_recompute = true;
    }
    c->ovs_seqno = 0;
}

/* One iteration of the main loop of a central controller. */
static void
run_central(struct controller *c)
{
    struct ovsdb_idl_txn *nb_txn = ovsdb_idl_loop_run(&c->nb_loop);
    struct ovsdb_idl *nb = c->nb_loop.idl;

    central_accept(c->listener, &c->switches, nb, c->port_by_name);
    struct switch_ctx *sw;
    LIST_FOR_EACH_SAFE (sw, list_node, &c->switches) {
        ofctrl_run(sw->ofctrl);
        if (!ofctrl_is_alive(sw->ofctrl)) {
            VLOG_INFO("%s: switch disconnected", sw->name);
            ovs_list_remove(&sw->list_node);
            switch_ctx_destroy(sw);
        }
    }
    if (!ovsdb_idl_has_ever_connected(nb)) {
        return;
    }

    /* Every switch sees the northbound changes before they are cleared. */
    struct hmapx ready = HMAPX_INITIALIZER(&ready);
    LIST_FOR_EACH (sw, list_node, &c->switches) {
        if (central_read_switch(sw, nb)) {
            switch_ctx_run_si(sw, nb, NULL);
            switch_ctx_run(sw);
            hmapx_add(&ready, sw);
        } else {
            sw->force_recompute = true;
        }
    }
    ovsdb_idl_track_clear(nb);

    struct hmapx_node *node;
    HMAPX_FOR_EACH (node, &ready) {
        switch_ctx_put(node->data, nb_txn, nb, c->port_by_name);
    }
    hmapx_destroy(&ready);
}

static void
parse_options(int argc, char *argv[], struct options *opts)
{
    enum {
        OPT_PEER_CA_CERT = UCHAR_MAX + 1,
        OPT_LISTEN,
        OPT_NB,
        OPT_UNIXCTL,
        OPT_SERVICE_ACTIONS,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
        SSL_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"nb", required_argument, NULL, OPT_NB},
        {"unixctl", required_argument, NULL, OPT_UNIXCTL},
        {"service-actions", required_argument, NULL, OPT_SERVICE_ACTIONS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {"peer-ca-cert", required_argument, NULL, OPT_PEER_CA_CERT},
        VLOG_LONG_OPTIONS,
        DAEMON_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    char *short_options = ovs_cmdl_long_options_to_short_options(
        long_options);

    memset(opts, 0, sizeof *opts);
    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        switch (c) {
        case OPT_LISTEN:
            free(opts->listen);
            opts->listen = xstrdup(optarg);
            break;

        case OPT_NB:
            free(opts->nb_remote);
            opts->nb_remote = xstrdup(optarg);
            break;

        case OPT_UNIXCTL:
            free(opts->unixctl_path);
            opts->unixctl_path = xstrdup(optarg);
            break;

        case OPT_SERVICE_ACTIONS: {
            enum si_actions actions;
            if (!si_actions_from_string(optarg, &actions)) {
                ovs_fatal(0, "--service-actions=%s: must be auto, native or "
                          "stock", optarg);
            }
            switch_set_service_actions(actions);
            break;
        }

        case 'h':
            usage();

        case 'V':
            ovs_print_version(OFP14_VERSION, OFP15_VERSION);
            printf("DB Schema %s\n", nbrec_get_db_version());
            exit(EXIT_SUCCESS);

        case OPT_PEER_CA_CERT:
            stream_ssl_set_peer_ca_cert_file(optarg);
            break;

        VLOG_OPTION_HANDLERS
        DAEMON_OPTION_HANDLERS
        STREAM_SSL_OPTION_HANDLERS

        case '?':
            exit(EXIT_FAILURE);

        default:
            abort();
        }
    }
    free(short_options);

    argc -= optind;
    argv += optind;
    if (opts->listen) {
        if (!opts->nb_remote) {
            ovs_fatal(0, "--listen needs --nb, the northbound database");
        }
        if (argc) {
            ovs_fatal(0, "a central controller (--listen) reads no local "
                      "database");
        }
        if (pvconn_verify_name(opts->listen)) {
            ovs_fatal(0, "%s: not a passive OpenFlow connection method "
                      "(try \"ptcp:6653\" or \"pssl:6653\")", opts->listen);
        }
    } else {
        if (opts->nb_remote) {
            ovs_fatal(0, "--nb is for a central controller (--listen); a "
                      "chassis' own controller reads "
                      "external_ids:sluice-remote");
        }
        if (argc > 1) {
            ovs_fatal(0, "at most one non-option argument accepted; use "
                      "--help for usage");
        }
    }
    opts->ovs_remote = (argc
                        ? xstrdup(argv[0])
                        : xasprintf("unix:%s/db.sock", ovs_rundir()));
}

static void
usage(void)
{
    printf("%s: Sluice controller\n"
           "usage: %s [OPTIONS] [OVS-DATABASE]\n"
           "       %s [OPTIONS] --listen=TARGET --nb=NB-DATABASE\n"
           "The first form is a chassis' own controller: OVS-DATABASE is its\n"
           "local Open vSwitch database (default: unix:%s/db.sock), whose\n"
           "Open_vSwitch table holds the northbound database and the tunnel\n"
           "IP in external_ids.  The second form is a central controller for\n"
           "the switches that connect to TARGET.  See sluice-controller(8).\n",
           program_name, program_name, program_name, ovs_rundir());
    stream_usage("database", true, true, true);
    /* Not vconn_usage(), which would print the PKI options again. */
    printf("\nTargets for --listen (switches connect to them):\n"
           "  ptcp:[PORT][:IP]        TCP PORT (default 6653) on IP\n"
           "  pssl:[PORT][:IP]        SSL PORT (default 6653) on IP, with the "
           "PKI\n"
           "                          options above\n"
           "  punix:FILE              Unix domain socket FILE\n");
    daemon_usage();
    vlog_usage();
    printf("\nOther options:\n"
           "  --listen=TARGET         central mode: accept switches on TARGET\n"
           "  --nb=DATABASE           central mode: the northbound database\n"
           "  --unixctl=SOCKET        override default control socket name\n"
           "  --service-actions=auto|native|stock\n"
           "                          lower service insertion to the native\n"
           "                          actions, if the switch has them (auto,\n"
           "                          the default), always (native) or never\n"
           "                          (stock)\n"
           "  --peer-ca-cert=FILE     CA certificate of the database peer\n"
           "  -h, --help              display this help message\n"
           "  -V, --version           display version information\n");
    exit(EXIT_SUCCESS);
}

/* unixctl commands. */

static void
cmd_exit(struct unixctl_conn *conn, int argc OVS_UNUSED,
         const char *argv[] OVS_UNUSED, void *c_)
{
    struct controller *c = c_;
    c->exiting = true;
    unixctl_command_reply(conn, NULL);
}

static const char *
switch_chassis(const struct switch_ctx *sw)
{
    return sw->ports.chassis ? sw->ports.chassis : "unknown";
}

static void
put_connections(const struct controller *c, struct ds *s)
{
    struct ovsdb_idl *nb = c->nb_loop.idl;
    const char *nb_remote = c->listener ? c->nb_remote : c->cfg.nb_remote;

    if (c->listener) {
        ds_put_format(s, "listening for switches on %s\n", c->listen_target);
    } else {
        ds_put_format(s, "local database: %s\n",
                      ovsdb_idl_is_connected(c->ovs_loop.idl)
                      ? "connected" : "not connected");
    }
    ds_put_format(s, "northbound database: %s (%s)\n",
                  nb_remote ? nb_remote : "not configured",
                  ovsdb_idl_is_connected(nb) ? "connected" : "not connected");

    const struct switch_ctx *sw;
    LIST_FOR_EACH (sw, list_node, &c->switches) {
        if (c->listener) {
            ds_put_format(s, "switch %s: chassis %s\n", sw->name,
                          switch_chassis(sw));
        }
        ofctrl_status(sw->ofctrl, s);
        switch_ctx_status_actions(sw, s);
    }
}

static void
cmd_connections(struct unixctl_conn *conn, int argc OVS_UNUSED,
                const char *argv[] OVS_UNUSED, void *c_)
{
    struct controller *c = c_;
    struct ds s = DS_EMPTY_INITIALIZER;

    put_connections(c, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
cmd_status(struct unixctl_conn *conn, int argc OVS_UNUSED,
           const char *argv[] OVS_UNUSED, void *c_)
{
    struct controller *c = c_;
    struct ovsdb_idl *nb = c->nb_loop.idl;
    struct ds s = DS_EMPTY_INITIALIZER;

    if (c->listener) {
        ds_put_format(&s, "central controller: %"PRIuSIZE" switches\n",
                      ovs_list_size(&c->switches));
        put_connections(c, &s);
    } else {
        const struct switch_ctx *sw = CONTAINER_OF(
            ovs_list_front(&c->switches), struct switch_ctx, list_node);
        const struct local_state *ls = &sw->engine.local_state;

        ds_put_format(&s, "chassis: %s\n", c->cfg.name ? c->cfg.name : "none");
        if (c->cfg_error) {
            ds_put_format(&s, "waiting for configuration: %s\n",
                          c->cfg_error);
        } else {
            ds_put_format(&s, "registered: %s\n",
                          ls->chassis ? "yes" : "no");
            ds_put_format(&s, "northbound view: %s\n",
                          c->monitoring_complete ? "complete" : "incomplete");
        }
        put_connections(c, &s);
        ds_put_format(&s, "local ports: %"PRIuSIZE"\n",
                      simap_count(&ls->bindings));
        ds_put_format(&s, "desired flows: %"PRIuSIZE"\n",
                      sw->engine.flows_state.table.n_flows
                      + sw->engine.si_state.table.n_flows);
    }

    /* What (conditional) monitoring brought in. */
    static const struct ovsdb_idl_table_class *tables[] = {
        &nbrec_table_chassis, &nbrec_table_nb_global, &nbrec_table_network,
        &nbrec_table_port, &nbrec_table_router, &nbrec_table_service,
        &nbrec_table_service_instance, &nbrec_table_chain,
        &nbrec_table_insertion_rule,
    };
    ds_put_cstr(&s, "northbound rows:");
    for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
        const struct ovsdb_idl_table_class *tc = tables[i];
        size_t n = 0;
        for (const struct ovsdb_idl_row *row = ovsdb_idl_first_row(nb, tc);
             row; row = ovsdb_idl_next_row(row)) {
            n++;
        }
        if (n) {
            ds_put_format(&s, " %s=%"PRIuSIZE, tc->name, n);
        }
    }
    ds_put_char(&s, '\n');
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Returns the switch of 'chassis' or, if 'chassis' is NULL, the only
 * switch.  Otherwise replies to 'conn' with an error and returns NULL. */
static struct switch_ctx *
find_switch(struct controller *c, const char *chassis,
            struct unixctl_conn *conn)
{
    struct switch_ctx *sw;

    if (!chassis && ovs_list_is_singleton(&c->switches)) {
        return CONTAINER_OF(ovs_list_front(&c->switches), struct switch_ctx,
                            list_node);
    }
    LIST_FOR_EACH (sw, list_node, &c->switches) {
        if (chassis && sw->ports.chassis
            && !strcmp(chassis, sw->ports.chassis)) {
            return sw;
        }
    }
    unixctl_command_reply_error(conn, chassis
                                ? "no switch of that chassis is connected"
                                : "name a chassis: several switches are "
                                  "connected");
    return NULL;
}

static void
cmd_flows(struct unixctl_conn *conn, int argc, const char *argv[], void *c_)
{
    struct controller *c = c_;
    bool dump = argc > 1 && !strcmp(argv[1], "--dump");
    const char *chassis = argc > 1 + dump ? argv[1 + dump] : NULL;
    struct switch_ctx *sw = find_switch(c, chassis, conn);
    if (!sw) {
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    const struct flow_table *flows = &sw->engine.flows_state.table;
    const struct flow_table *si = &sw->engine.si_state.table;
    if (dump) {
        flow_table_dump(flows, &s);
        flow_table_dump(si, &s);
        flow_table_dump_groups(si, &s);
    } else {
        ds_put_format(&s, "desired: %"PRIuSIZE"\ninstalled: %"PRIuSIZE"\n",
                      flows->n_flows + si->n_flows,
                      ofctrl_n_installed(sw->ofctrl));
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
cmd_recompute(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[] OVS_UNUSED, void *c_)
{
    struct controller *c = c_;
    struct switch_ctx *sw;

    LIST_FOR_EACH (sw, list_node, &c->switches) {
        sw->force_recompute = true;
    }
    poll_immediate_wake();
    unixctl_command_reply(conn, NULL);
}

static void
cmd_engine_stats(struct unixctl_conn *conn, int argc, const char *argv[],
                 void *c_)
{
    struct controller *c = c_;
    struct switch_ctx *sw = find_switch(c, argc > 1 ? argv[1] : NULL, conn);
    if (!sw) {
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    flow_engine_format_stats(&sw->engine, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
cmd_si_health(struct unixctl_conn *conn, int argc, const char *argv[],
              void *c_)
{
    struct controller *c = c_;
    struct switch_ctx *sw = find_switch(c, argc > 1 ? argv[1] : NULL, conn);
    if (!sw) {
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    si_health_format(sw->engine.si_state.health, c->nb_loop.idl, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
register_unixctl(struct controller *c)
{
    unixctl_command_register("exit", "", 0, 0, cmd_exit, c);
    unixctl_command_register("status", "", 0, 0, cmd_status, c);
    unixctl_command_register("connections", "", 0, 0, cmd_connections, c);
    unixctl_command_register("flows", "[--dump] [CHASSIS]", 0, 2, cmd_flows,
                             c);
    unixctl_command_register("recompute", "", 0, 0, cmd_recompute, c);
    unixctl_command_register("engine/stats", "[CHASSIS]", 0, 1,
                             cmd_engine_stats, c);
    unixctl_command_register("si/health", "[CHASSIS]", 0, 1, cmd_si_health,
                             c);
}
