/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * sluice-controller: the OpenFlow controller of one Sluice chassis.  It
 * reads its configuration from the local Open_vSwitch database, registers
 * the chassis in the northbound database, keeps the integration bridge and
 * its tunnel ports, computes the bridge's flows from the northbound rows
 * this chassis needs (incrementally, see flow-engine.h) and installs them
 * through one OpenFlow connection (ofctrl.h), then reports back what is in
 * effect: ports up, and the configuration number for "sluice-ctl
 * --wait=hv". */

#include <config.h>
#include <getopt.h>
#include <stdlib.h>
#include "command-line.h"
#include "controller/binding.h"
#include "controller/chassis.h"
#include "controller/flow-engine.h"
#include "controller/monitor.h"
#include "controller/ofctrl.h"
#include "daemon.h"
#include "dirs.h"
#include "fatal-signal.h"
#include "lib/sluice-nb-idl.h"
#include "lib/vswitch-idl.h"
#include "ofproto-ext/sluice-ext.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "simap.h"
#include "stream-ssl.h"
#include "stream.h"
#include "unixctl.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(sluice_controller);

/* The controller's state, shared with the unixctl commands. */
struct controller {
    struct ovsdb_idl_loop ovs_loop;     /* Local Open_vSwitch database. */
    struct ovsdb_idl_loop nb_loop;      /* Northbound database. */
    struct ovsdb_idl_index *port_by_name;
    struct chassis_config cfg;
    char *cfg_error;                    /* What the configuration lacks. */
    struct ofctrl *ofctrl;
    struct flow_engine engine;
    struct binding_acks acks;
    bool monitoring_complete;           /* First full view received. */
    uint64_t n_flow_mods_at_recompute;  /* For "recompute" to report. */
    bool exiting;
};

static char *parse_options(int argc, char *argv[]);
OVS_NO_RETURN static void usage(void);
static void reconfigure(struct controller *);
static void run(struct controller *);
static void register_unixctl(struct controller *, struct unixctl_server *);

int
main(int argc, char *argv[])
{
    ovs_set_program_name(argv[0], SLUICE_VERSION);
    service_start(&argc, &argv);
    fatal_ignore_sigpipe();
    char *ovs_remote = parse_options(argc, argv);

    daemonize_start(false);
    char *unixctl_path = NULL;
    struct unixctl_server *unixctl;
    int error = unixctl_server_create(unixctl_path, &unixctl);
    if (error) {
        exit(EXIT_FAILURE);
    }
    daemonize_complete();

    struct controller c;
    memset(&c, 0, sizeof c);
    chassis_config_init(&c.cfg);
    binding_acks_init(&c.acks);
    c.ofctrl = ofctrl_create();

    struct ovsdb_idl *ovs = ovsdb_idl_create(ovs_remote, &ovsrec_idl_class,
                                             false, true);
    chassis_ovs_register(ovs);
    c.ovs_loop = (struct ovsdb_idl_loop) OVSDB_IDL_LOOP_INITIALIZER(ovs);

    struct ovsdb_idl *nb = ovsdb_idl_create_unconnected(&nbrec_idl_class,
                                                        false);
    monitor_register(nb);
    c.port_by_name = ovsdb_idl_index_create1(nb, &nbrec_port_col_name);
    c.nb_loop = (struct ovsdb_idl_loop) OVSDB_IDL_LOOP_INITIALIZER(nb);

    flow_engine_init(&c.engine, ovs, nb, c.port_by_name, &c.cfg);
    register_unixctl(&c, unixctl);
    VLOG_INFO("%s %s starting", program_name, SLUICE_VERSION);

    while (!c.exiting) {
        run(&c);

        unixctl_server_run(unixctl);
        unixctl_server_wait(unixctl);
        ofctrl_wait(c.ofctrl);
        ovsdb_idl_loop_commit_and_wait(&c.ovs_loop);
        ovsdb_idl_loop_commit_and_wait(&c.nb_loop);
        if (c.exiting) {
            poll_immediate_wake();
        }
        poll_block();
    }

    VLOG_INFO("exiting");
    unixctl_server_destroy(unixctl);
    ofctrl_destroy(c.ofctrl);
    flow_engine_destroy(&c.engine);
    binding_acks_destroy(&c.acks);
    ovsdb_idl_loop_destroy(&c.ovs_loop);
    ovsdb_idl_loop_destroy(&c.nb_loop);
    chassis_config_destroy(&c.cfg);
    free(c.cfg_error);
    free(ovs_remote);
    service_stop();
    return 0;
}

/* One iteration of the main loop. */
static void
run(struct controller *c)
{
    struct ovsdb_idl_txn *ovs_txn = ovsdb_idl_loop_run(&c->ovs_loop);
    struct ovsdb_idl_txn *nb_txn = ovsdb_idl_loop_run(&c->nb_loop);
    struct ovsdb_idl *ovs = c->ovs_loop.idl;
    struct ovsdb_idl *nb = c->nb_loop.idl;

    const struct ovsrec_open_vswitch *ovs_row
        = ovsrec_open_vswitch_first(ovs);
    if (ovs_row && chassis_config_read(&c->cfg, ovs_row)) {
        reconfigure(c);
    }
    if (!ovs_row || c->cfg_error) {
        ovsdb_idl_track_clear(nb);
        return;
    }

    chassis_ovs_run(ovs_txn, ovs, &c->cfg, ofctrl_is_synced(c->ofctrl));
    const struct nbrec_chassis *chassis = chassis_nb_run(nb_txn, nb,
                                                         &c->cfg);
    if (chassis_ovs_bridge_ready(ovs, &c->cfg)) {
        char *target = xasprintf("unix:%s/%s.mgmt", ovs_rundir(),
                                 c->cfg.bridge);
        ofctrl_set_target(c->ofctrl, target);
        free(target);
    } else {
        ofctrl_set_target(c->ofctrl, NULL);
    }
    ofctrl_run(c->ofctrl);
    if (!ovsdb_idl_has_ever_connected(nb)) {
        return;
    }

    flow_engine_run(&c->engine);
    ovsdb_idl_track_clear(nb);

    const struct local_state *ls = &c->engine.local_state;
    unsigned int expected = monitor_update(nb, c->port_by_name, chassis,
                                           &ls->bindings);
    if (!c->monitoring_complete && chassis
        && ovsdb_idl_get_condition_seqno(nb) == expected) {
        /* The northbound rows this chassis needs have all arrived, so the
         * flows are complete: the first put may replace the switch's
         * flows, as after a restart, without a moment of missing flows. */
        VLOG_INFO("northbound view complete: %"PRIuSIZE" desired flows",
                  c->engine.flows_state.table.n_flows);
        c->monitoring_complete = true;
    }

    if (c->monitoring_complete) {
        const struct nbrec_nb_global *g = nbrec_nb_global_first(nb);
        uint64_t put_seq = ofctrl_put(c->ofctrl,
                                      &c->engine.flows_state.table);
        binding_note_put(&c->acks, c->port_by_name, &ls->bindings,
                         g ? g->nb_cfg : 0, put_seq);
        binding_report(&c->acks, nb_txn, nb, c->port_by_name, &ls->bindings,
                       &ls->gone, chassis, ofctrl_get_acked(c->ofctrl));
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
    engine_force_recompute();
}

static char *
parse_options(int argc, char *argv[])
{
    enum {
        OPT_PEER_CA_CERT = UCHAR_MAX + 1,
        VLOG_OPTION_ENUMS,
        DAEMON_OPTION_ENUMS,
        SSL_OPTION_ENUMS,
    };
    static const struct option long_options[] = {
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

    for (;;) {
        int c = getopt_long(argc, argv, short_options, long_options, NULL);
        if (c == -1) {
            break;
        }

        switch (c) {
        case 'h':
            usage();

        case 'V':
            ovs_print_version(0, 0);
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
    if (argc > 1) {
        VLOG_FATAL("at most one non-option argument accepted; use --help "
                   "for usage");
    }
    return (argc
            ? xstrdup(argv[0])
            : xasprintf("unix:%s/db.sock", ovs_rundir()));
}

static void
usage(void)
{
    printf("%s: Sluice controller\n"
           "usage %s [OPTIONS] [OVS-DATABASE]\n"
           "where OVS-DATABASE is the local Open vSwitch database\n"
           "(default: unix:%s/db.sock).  The northbound database and the\n"
           "tunnel IP come from external_ids in its Open_vSwitch table; see\n"
           "sluice-controller(8).\n",
           program_name, program_name, ovs_rundir());
    stream_usage("database", true, true, true);
    daemon_usage();
    vlog_usage();
    printf("\nOther options:\n"
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

static void
put_connections(const struct controller *c, struct ds *s)
{
    struct ovsdb_idl *ovs = c->ovs_loop.idl;
    struct ovsdb_idl *nb = c->nb_loop.idl;

    ds_put_format(s, "local database: %s\n",
                  ovsdb_idl_is_connected(ovs) ? "connected" : "not connected");
    ds_put_format(s, "northbound database: %s (%s)\n",
                  c->cfg.nb_remote ? c->cfg.nb_remote : "not configured",
                  ovsdb_idl_is_connected(nb) ? "connected" : "not connected");
    ofctrl_status(c->ofctrl, s);
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
    const struct local_state *ls = &c->engine.local_state;
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "chassis: %s\n", c->cfg.name ? c->cfg.name : "none");
    if (c->cfg_error) {
        ds_put_format(&s, "waiting for configuration: %s\n", c->cfg_error);
    } else {
        ds_put_format(&s, "registered: %s\n", ls->chassis ? "yes" : "no");
        ds_put_format(&s, "northbound view: %s\n",
                      c->monitoring_complete ? "complete" : "incomplete");
    }
    put_connections(c, &s);
    ds_put_format(&s, "local ports: %"PRIuSIZE"\n",
                  simap_count(&ls->bindings));
    ds_put_format(&s, "desired flows: %"PRIuSIZE"\n",
                  c->engine.flows_state.table.n_flows);

    /* What conditional monitoring brought in. */
    static const struct ovsdb_idl_table_class *tables[] = {
        &nbrec_table_chassis, &nbrec_table_nb_global, &nbrec_table_network,
        &nbrec_table_port, &nbrec_table_router,
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

static void
cmd_flows(struct unixctl_conn *conn, int argc, const char *argv[], void *c_)
{
    struct controller *c = c_;
    struct ds s = DS_EMPTY_INITIALIZER;

    if (argc > 1 && !strcmp(argv[1], "--dump")) {
        flow_table_dump(&c->engine.flows_state.table, &s);
    } else {
        ds_put_format(&s, "desired: %"PRIuSIZE"\ninstalled: %"PRIuSIZE"\n",
                      c->engine.flows_state.table.n_flows,
                      ofctrl_n_installed(c->ofctrl));
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
cmd_recompute(struct unixctl_conn *conn, int argc OVS_UNUSED,
              const char *argv[] OVS_UNUSED, void *c_ OVS_UNUSED)
{
    engine_force_recompute();
    poll_immediate_wake();
    unixctl_command_reply(conn, NULL);
}

static void
cmd_engine_stats(struct unixctl_conn *conn, int argc OVS_UNUSED,
                 const char *argv[] OVS_UNUSED, void *c_)
{
    struct controller *c = c_;
    struct ds s = DS_EMPTY_INITIALIZER;

    flow_engine_format_stats(&c->engine, &s);
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
register_unixctl(struct controller *c, struct unixctl_server *server
                 OVS_UNUSED)
{
    unixctl_command_register("exit", "", 0, 0, cmd_exit, c);
    unixctl_command_register("status", "", 0, 0, cmd_status, c);
    unixctl_command_register("connections", "", 0, 0, cmd_connections, c);
    unixctl_command_register("flows", "[--dump]", 0, 1, cmd_flows, c);
    unixctl_command_register("recompute", "", 0, 0, cmd_recompute, c);
    unixctl_command_register("engine/stats", "", 0, 0, cmd_engine_stats, c);
}
