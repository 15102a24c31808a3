/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * sluice-ctl: the command-line interface to the Sluice northbound database,
 * in the style of ovs-vsctl and ovn-nbctl.  It runs its commands in one
 * transaction, retrying it when a concurrent change invalidates what it read,
 * and with --wait=hv returns only once every chassis has applied the
 * change. */

#include <config.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "command-line.h"
#include "db-ctl-base.h"
#include "fatal-signal.h"
#include "lib/nb-util.h"
#include "lib/sluice-nb-idl.h"
#include "lib/std-fds.h"
#include "ofproto-ext/sluice-ext.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovsdb-data.h"
#include "ovsdb-idl.h"
#include "process.h"
#include "stream-ssl.h"
#include "stream.h"
#include "svec.h"
#include "table.h"
#include "timeval.h"
#include "util.h"
#include "utilities/ctl-edge.h"
#include "utilities/ctl-noun.h"
#include "utilities/ctl-si.h"

VLOG_DEFINE_THIS_MODULE(sluice_ctl);

/* --db: the northbound database remote(s). */
static const char *db;

/* --wait=hv: wait until every chassis has applied the change. */
static bool wait_hv;

/* --dry-run: do not commit. */
static bool dry_run;

/* --oneline: print each command's output on one line. */
static bool oneline;

/* --no-leader-only: accept a cluster member that is not the leader. */
static bool leader_only = true;

/* --timeout: give up after this many seconds (0: never). */
static unsigned int timeout;

/* Formatting for commands with tabular output: a table unless --format
 * says otherwise. */
static struct table_style table_style = TABLE_STYLE_DEFAULT;

/* The IDL and its open transaction, for sluice_ctl_exit(). */
static struct ovsdb_idl *the_idl;
static struct ovsdb_idl_txn *the_idl_txn;

/* The time by which sluice-ctl must be done (LLONG_MAX: no limit). */
static long long int deadline = LLONG_MAX;

OVS_NO_RETURN static void sluice_ctl_exit(int status);
OVS_NO_RETURN static void usage(void);
static void parse_options(int argc, char *argv[], struct shash *);
static bool do_sluice_ctl(const char *args, struct ctl_command *, size_t n,
                          struct ovsdb_idl *, int64_t *next_cfg);
static void wait_for_chassis(struct ovsdb_idl *, int64_t next_cfg);
static void check_deadline(const char *doing);
static void run_prerequisites(struct ctl_command *, size_t n,
                              struct ovsdb_idl *);
static void print_output(const struct ctl_command *, size_t n);

static const struct ctl_command_syntax sluice_ctl_commands[];

/* Name columns by which generic commands (get, set, list, ...) find rows of
 * each table, besides their UUIDs. */
static const struct ctl_table_class tables[NBREC_N_TABLES] = {
    [NBREC_TABLE_TENANT].row_ids = {{&nbrec_tenant_col_name, NULL, NULL}},
    [NBREC_TABLE_NETWORK].row_ids = {{&nbrec_network_col_name, NULL, NULL}},
    [NBREC_TABLE_CHASSIS].row_ids = {{&nbrec_chassis_col_name, NULL, NULL}},
    [NBREC_TABLE_PORT].row_ids = {{&nbrec_port_col_name, NULL, NULL}},
    [NBREC_TABLE_SERVICE].row_ids = {{&nbrec_service_col_name, NULL, NULL}},
    [NBREC_TABLE_SERVICE_INSTANCE].row_ids
        = {{&nbrec_service_instance_col_name, NULL, NULL}},
    [NBREC_TABLE_CHAIN].row_ids = {{&nbrec_chain_col_name, NULL, NULL}},
    [NBREC_TABLE_INSERTION_RULE].row_ids
        = {{&nbrec_insertion_rule_col_name, NULL, NULL}},
    [NBREC_TABLE_ROUTER].row_ids = {{&nbrec_router_col_name, NULL, NULL}},
    [NBREC_TABLE_GATEWAY].row_ids = {{&nbrec_gateway_col_name, NULL, NULL}},
    [NBREC_TABLE_CONNECTION].row_ids
        = {{&nbrec_connection_col_target, NULL, NULL}},
};

int
main(int argc, char *argv[])
{
    struct ctl_command *commands;
    struct shash local_options;
    size_t n_commands;

    ovs_set_program_name(argv[0], SLUICE_VERSION);
    std_fds_open();
    fatal_ignore_sigpipe();
    vlog_set_levels(NULL, VLF_CONSOLE, VLL_WARN);
    vlog_set_levels_from_string_assert("reconnect:warn");

    ctl_init(&nbrec_idl_class, nbrec_table_classes, tables, NULL,
             sluice_ctl_exit);
    ctl_register_commands(sluice_ctl_commands);
    ctl_nouns_register();
    ctl_register_commands(ctl_edge_commands);
    ctl_register_commands(ctl_si_commands);

    char *args = process_escape_args(argv);
    table_style.format = TF_TABLE;
    shash_init(&local_options);
    parse_options(argc, argv, &local_options);
    char *error = ctl_parse_commands(argc - optind, argv + optind,
                                     &local_options, &commands, &n_commands);
    if (error) {
        ctl_fatal("%s", error);
    }
    VLOG(ctl_might_write_to_db(commands, n_commands) ? VLL_INFO : VLL_DBG,
         "Called as %s", args);

    if (timeout) {
        deadline = time_msec() + timeout * 1000LL;
    }

    the_idl = ovsdb_idl_create(db, &nbrec_idl_class, false, true);
    ovsdb_idl_set_leader_only(the_idl, leader_only);
    run_prerequisites(commands, n_commands, the_idl);

    /* Run the commands against each new view of the database until their
     * transaction commits. */
    unsigned int seqno = ovsdb_idl_get_seqno(the_idl);
    int64_t next_cfg = 0;
    for (;;) {
        ovsdb_idl_run(the_idl);
        if (!ovsdb_idl_is_alive(the_idl)) {
            int retval = ovsdb_idl_get_last_error(the_idl);
            ctl_fatal("%s: database connection failed (%s)", db,
                      ovs_retval_to_string(retval));
        }

        if (seqno != ovsdb_idl_get_seqno(the_idl)) {
            seqno = ovsdb_idl_get_seqno(the_idl);
            if (do_sluice_ctl(args, commands, n_commands, the_idl,
                              &next_cfg)) {
                break;
            }
        }

        if (seqno == ovsdb_idl_get_seqno(the_idl)) {
            check_deadline("connecting to the northbound database");
            ovsdb_idl_wait(the_idl);
            poll_timer_wait_until(deadline);
            poll_block();
        }
    }

    if (wait_hv && !dry_run) {
        wait_for_chassis(the_idl, next_cfg);
    }
    print_output(commands, n_commands);

    for (struct ctl_command *c = commands; c < &commands[n_commands]; c++) {
        ds_destroy(&c->output);
        table_destroy(c->table);
        free(c->table);
        shash_destroy_free_data(&c->options);
    }
    free(commands);
    free(args);
    sluice_ctl_exit(EXIT_SUCCESS);
}

static void
parse_options(int argc, char *argv[], struct shash *local_options)
{
    enum {
        OPT_DB = UCHAR_MAX + 1,
        OPT_WAIT,
        OPT_NO_WAIT,
        OPT_DRY_RUN,
        OPT_NO_LEADER_ONLY,
        OPT_ONELINE,
        OPT_COMMANDS,
        OPT_OPTIONS,
        OPT_LOCAL,
        OPT_PEER_CA_CERT,
        VLOG_OPTION_ENUMS,
        TABLE_OPTION_ENUMS,
        SSL_OPTION_ENUMS,
    };
    static const struct option global_long_options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"wait", required_argument, NULL, OPT_WAIT},
        {"no-wait", no_argument, NULL, OPT_NO_WAIT},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"no-leader-only", no_argument, NULL, OPT_NO_LEADER_ONLY},
        {"oneline", no_argument, NULL, OPT_ONELINE},
        {"timeout", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {"commands", no_argument, NULL, OPT_COMMANDS},
        {"options", no_argument, NULL, OPT_OPTIONS},
        {"version", no_argument, NULL, 'V'},
        {"peer-ca-cert", required_argument, NULL, OPT_PEER_CA_CERT},
        VLOG_LONG_OPTIONS,
        TABLE_LONG_OPTIONS,
        STREAM_SSL_LONG_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    const int n_global_long_options = ARRAY_SIZE(global_long_options) - 1;

    char *tmp = ovs_cmdl_long_options_to_short_options(global_long_options);
    char *short_options = xasprintf("+%s", tmp);
    free(tmp);

    /* getopt_long() parses the global options and, through OPT_LOCAL, the
     * options of the first command. */
    size_t allocated_options = ARRAY_SIZE(global_long_options);
    size_t n_options = n_global_long_options;
    struct option *options = xmemdup(global_long_options,
                                     sizeof global_long_options);
    ctl_add_cmd_options(&options, &n_options, &allocated_options, OPT_LOCAL);

    for (;;) {
        int idx;
        int c = getopt_long(argc, argv, short_options, options, &idx);
        if (c == -1) {
            break;
        }

        switch (c) {
        case OPT_DB:
            db = optarg;
            break;

        case OPT_WAIT:
            if (!strcmp(optarg, "hv")) {
                wait_hv = true;
            } else if (!strcmp(optarg, "none")) {
                wait_hv = false;
            } else {
                ctl_fatal("argument to --wait must be \"none\" or \"hv\"");
            }
            break;

        case OPT_NO_WAIT:
            wait_hv = false;
            break;

        case OPT_DRY_RUN:
            dry_run = true;
            break;

        case OPT_NO_LEADER_ONLY:
            leader_only = false;
            break;

        case OPT_ONELINE:
            oneline = true;
            break;

        case OPT_LOCAL:
            if (shash_find(local_options, options[idx].name)) {
                ctl_fatal("'%s' option specified multiple times",
                          options[idx].name);
            }
            shash_add_nocopy(local_options,
                             xasprintf("--%s", options[idx].name),
                             nullable_xstrdup(optarg));
            break;

        case 'h':
            usage();

        case OPT_COMMANDS:
            ctl_print_commands();
            /* fall through */

        case OPT_OPTIONS:
            ctl_print_options(global_long_options);
            /* fall through */

        case 'V':
            ovs_print_version(0, 0);
            printf("DB Schema %s\n", nbrec_get_db_version());
            exit(EXIT_SUCCESS);

        case 't':
            if (!str_to_uint(optarg, 10, &timeout) || !timeout) {
                ctl_fatal("value %s on -t or --timeout is invalid", optarg);
            }
            break;

        VLOG_OPTION_HANDLERS
        TABLE_OPTION_HANDLERS(&table_style)
        STREAM_SSL_OPTION_HANDLERS

        case OPT_PEER_CA_CERT:
            stream_ssl_set_peer_ca_cert_file(optarg);
            break;

        case '?':
            exit(EXIT_FAILURE);

        default:
            abort();
        }
    }
    free(short_options);

    if (!db) {
        db = nb_default_db();
    }

    for (size_t i = n_global_long_options; options[i].name; i++) {
        free(CONST_CAST(char *, options[i].name));
    }
    free(options);
}

static void
usage(void)
{
    printf("\
%s: Sluice northbound database management utility\n\
usage: %s [OPTIONS] COMMAND [ARG...] [-- [OPTIONS] COMMAND [ARG...]]...\n\
\n\
General commands:\n\
  init                      create the NB_Global row if it is missing\n\
  show [TENANT]             print an overview of the database\n\
  sync                      with --wait=hv, wait for all chassis\n\
\n\
Object commands, for NOUN tenant, network, port, chassis, service,\n\
instance, chain, rule, router and gateway:\n\
  NOUN-add PATH ... [KEY=VALUE]...   add an object (--may-exist)\n\
  NOUN-del PATH             delete an object (--if-exists, --force)\n\
  NOUN-list [PARENT]        list objects\n\
  NOUN-show PATH            print one object\n\
  NOUN-set PATH KEY=VALUE...         change an object\n\
Paths are NAME for tenants, ports, chassis and gateways, TENANT/NAME for\n\
networks, services, chains, rules and routers, and TENANT/SERVICE/NAME for\n\
instances.  \"%s --commands\" lists every command with its arguments.\n\
\n\
Router commands:\n\
  nat-add, nat-del, nat-list, route-add, route-del, route-list,\n\
  fw-add, fw-del, fw-list\n\
\n\
Service insertion commands:\n\
  rule-stats, chain-stats, instance-stats [PATH]\n\
                            packets and bytes, summed over the chassis\n\
  trace PORT PACKET         the hops that a new connection from PORT\n\
                            matching PACKET would take\n\
\n\
%s\
%s\
\n\
Options:\n\
  --db=DATABASE             connect to DATABASE (default: %s);\n\
                            a comma-separated list for a cluster\n\
  --wait=none|hv            after changing the database, wait for nothing\n\
                            (default) or until every chassis has applied it\n\
  --no-wait                 same as --wait=none\n\
  -t, --timeout=SECS        give up after SECS seconds\n\
  --dry-run                 do not commit changes to the database\n\
  --no-leader-only          accept a cluster member that is not the leader\n\
  --oneline                 print output of each command on one line\n\
  --commands, --options     list commands or options and exit\n",
           program_name, program_name, program_name,
           ctl_get_db_cmd_usage(), ctl_list_db_tables_usage(),
           nb_default_db());
    table_usage();
    vlog_usage();
    stream_usage("database", true, true, true);
    printf("\nOther options:\n"
           "  -h, --help                display this help message\n"
           "  -V, --version             display version information\n");
    exit(EXIT_SUCCESS);
}

static void
sluice_ctl_exit(int status)
{
    if (the_idl_txn) {
        ovsdb_idl_txn_abort(the_idl_txn);
        ovsdb_idl_txn_destroy(the_idl_txn);
    }
    ovsdb_idl_destroy(the_idl);
    exit(status);
}

static void
run_prerequisites(struct ctl_command *commands, size_t n_commands,
                  struct ovsdb_idl *idl)
{
    ovsdb_idl_add_table(idl, &nbrec_table_nb_global);
    if (wait_hv) {
        ovsdb_idl_add_column(idl, &nbrec_nb_global_col_nb_cfg);
        ovsdb_idl_add_column(idl, &nbrec_nb_global_col_nb_cfg_timestamp);
        ovsdb_idl_add_column(idl, &nbrec_chassis_col_name);
        ovsdb_idl_add_column(idl, &nbrec_chassis_col_nb_cfg);
    }

    for (struct ctl_command *c = commands; c < &commands[n_commands]; c++) {
        if (c->syntax->prerequisites) {
            struct ctl_context ctx;

            ds_init(&c->output);
            c->table = NULL;
            ctl_context_init(&ctx, c, idl, NULL, NULL, NULL);
            (c->syntax->prerequisites)(&ctx);
            if (ctx.error) {
                ctl_fatal("%s", ctx.error);
            }
            ctl_context_done(&ctx, c);

            ovs_assert(!c->output.string);
            ovs_assert(!c->table);
        }
    }
}

/* Runs 'commands' in one transaction on the current view of 'idl' and
 * commits it.  Returns true if the transaction committed (or changed
 * nothing), false if it must be retried with a newer view.  Exits on
 * error.  With --wait=hv, stores the configuration number that the change
 * was given in '*next_cfg'. */
static bool
do_sluice_ctl(const char *args, struct ctl_command *commands,
              size_t n_commands, struct ovsdb_idl *idl, int64_t *next_cfg)
{
    struct ovsdb_idl_txn *txn = the_idl_txn = ovsdb_idl_txn_create(idl);
    if (dry_run) {
        ovsdb_idl_txn_set_dry_run(txn);
    }
    ovsdb_idl_txn_add_comment(txn, "sluice-ctl: %s", args);

    const struct nbrec_nb_global *nb = nbrec_nb_global_first(idl);
    if (!nb && (wait_hv || ctl_might_write_to_db(commands, n_commands))) {
        nb = nbrec_nb_global_insert(txn);
    }
    if (wait_hv) {
        ovsdb_idl_txn_increment(txn, &nb->header_,
                                &nbrec_nb_global_col_nb_cfg, false);
        nbrec_nb_global_set_nb_cfg_timestamp(nb, time_wall_msec());
    }

    struct ovsdb_symbol_table *symtab = ovsdb_symbol_table_create();
    struct ctl_context ctx;
    for (struct ctl_command *c = commands; c < &commands[n_commands]; c++) {
        ds_init(&c->output);
        c->table = NULL;
    }
    ctl_context_init(&ctx, NULL, idl, txn, symtab, NULL);
    for (struct ctl_command *c = commands; c < &commands[n_commands]; c++) {
        ctl_context_init_command(&ctx, c, c == &commands[n_commands - 1]);
        if (c->syntax->run) {
            (c->syntax->run)(&ctx);
        }
        if (ctx.error) {
            ctl_fatal("%s", ctx.error);
        }
        ctl_context_done_command(&ctx, c);
        if (ctx.try_again) {
            ctl_context_done(&ctx, NULL);
            goto try_again;
        }
    }
    ctl_context_done(&ctx, NULL);

    struct shash_node *node;
    SHASH_FOR_EACH (node, &symtab->sh) {
        struct ovsdb_symbol *symbol = node->data;
        if (!symbol->created) {
            ctl_fatal("row id \"%s\" is referenced but never created (e.g. "
                      "with \"-- --id=%s create ...\")",
                      node->name, node->name);
        }
    }

    enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit_block(txn);
    if (wait_hv && status == TXN_SUCCESS) {
        *next_cfg = ovsdb_idl_txn_get_increment_new_value(txn);
    }
    if (status == TXN_UNCHANGED || status == TXN_SUCCESS) {
        for (struct ctl_command *c = commands; c < &commands[n_commands];
             c++) {
            if (c->syntax->postprocess) {
                ctl_context_init(&ctx, c, idl, txn, symtab, NULL);
                (c->syntax->postprocess)(&ctx);
                if (ctx.error) {
                    ctl_fatal("%s", ctx.error);
                }
                ctl_context_done(&ctx, c);
            }
        }
    }
    char *error = xstrdup(ovsdb_idl_txn_get_error(txn));
    ovsdb_idl_txn_destroy(txn);
    txn = the_idl_txn = NULL;

    switch (status) {
    case TXN_UNCOMMITTED:
    case TXN_INCOMPLETE:
        OVS_NOT_REACHED();

    case TXN_ABORTED:
        ctl_fatal("transaction aborted");

    case TXN_UNCHANGED:
    case TXN_SUCCESS:
        break;

    case TXN_TRY_AGAIN:
        free(error);
        goto try_again;

    case TXN_ERROR:
        ctl_fatal("transaction error: %s", error);

    case TXN_NOT_LOCKED:
        ctl_fatal("database not locked");

    default:
        OVS_NOT_REACHED();
    }
    free(error);
    ovsdb_symbol_table_destroy(symtab);
    return true;

try_again:
    /* Our transaction needs to be rerun, or a prerequisite was not met.
     * Free everything and return, so that we try again. */
    if (txn) {
        ovsdb_idl_txn_abort(txn);
        ovsdb_idl_txn_destroy(txn);
        the_idl_txn = NULL;
    }
    ovsdb_symbol_table_destroy(symtab);
    for (struct ctl_command *c = commands; c < &commands[n_commands]; c++) {
        ds_destroy(&c->output);
        table_destroy(c->table);
        free(c->table);
        c->table = NULL;
    }
    return false;
}

/* Returns once every chassis in 'idl' has applied configuration 'next_cfg',
 * or exits with an error naming the ones that have not, at the deadline. */
static void
wait_for_chassis(struct ovsdb_idl *idl, int64_t next_cfg)
{
    for (;;) {
        ovsdb_idl_run(idl);

        struct svec behind = SVEC_EMPTY_INITIALIZER;
        const struct nbrec_chassis *ch;
        NBREC_CHASSIS_FOR_EACH (ch, idl) {
            if (ch->nb_cfg < next_cfg) {
                svec_add_nocopy(&behind, xasprintf("%s (at %"PRId64")",
                                                   ch->name, ch->nb_cfg));
            }
        }
        if (!behind.n) {
            svec_destroy(&behind);
            return;
        }
        if (time_msec() >= deadline) {
            svec_sort(&behind);
            struct ds list = DS_EMPTY_INITIALIZER;
            for (size_t i = 0; i < behind.n; i++) {
                ds_put_format(&list, "%s%s", i ? ", " : "", behind.names[i]);
            }
            ctl_fatal("timed out after %u s waiting for chassis to apply "
                      "configuration %"PRId64": %s", timeout, next_cfg,
                      ds_cstr(&list));
        }
        svec_destroy(&behind);

        ovsdb_idl_wait(idl);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

/* Exits with an error if the deadline has passed while 'doing'. */
static void
check_deadline(const char *doing)
{
    if (time_msec() >= deadline) {
        ctl_fatal("timed out after %u s %s (%s)", timeout, doing, db);
    }
}

static void
print_output(const struct ctl_command *commands, size_t n_commands)
{
    for (const struct ctl_command *c = commands; c < &commands[n_commands];
         c++) {
        const struct ds *ds = &c->output;

        if (c->table) {
            table_print(c->table, &table_style);
        } else if (oneline) {
            struct ds line = DS_EMPTY_INITIALIZER;
            ds_put_cstr(&line, ds_cstr_ro(ds));
            ds_chomp(&line, '\n');
            for (size_t j = 0; j < line.length; j++) {
                int ch = line.string[j];
                if (ch == '\n') {
                    fputs("\\n", stdout);
                } else if (ch == '\\') {
                    fputs("\\\\", stdout);
                } else {
                    putchar(ch);
                }
            }
            putchar('\n');
            ds_destroy(&line);
        } else {
            fputs(ds_cstr_ro(ds), stdout);
        }
    }
    fflush(stdout);
}

static void
cmd_init(struct ctl_context *ctx OVS_UNUSED)
{
    /* do_sluice_ctl() creates the NB_Global row of a write transaction. */
}

static void
cmd_sync(struct ctl_context *ctx OVS_UNUSED)
{
    /* With --wait=hv, do_sluice_ctl() and wait_for_chassis() do the work. */
}

static void
pre_show(struct ctl_context *ctx)
{
    ctl_nouns_pre_all(ctx);
}

static const struct ctl_command_syntax sluice_ctl_commands[] = {
    {"init", 0, 0, "", NULL, cmd_init, NULL, "", RW},
    {"sync", 0, 0, "", NULL, cmd_sync, NULL, "", RO},
    {"show", 0, 1, "[TENANT]", pre_show, ctl_show, NULL, "", RO},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL, RO},
};
