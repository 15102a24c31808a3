/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "utilities/ctl-noun.h"
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "db-ctl-base.h"
#include "lib/ip-prefix.h"
#include "lib/nb-util.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/dynamic-string.h"
#include "ovsdb-idl.h"
#include "svec.h"
#include "table.h"
#include "util.h"

static const struct ctl_noun *const nouns[] = {
    &ctl_noun_tenant, &ctl_noun_network, &ctl_noun_port, &ctl_noun_chassis,
    &ctl_noun_service, &ctl_noun_instance, &ctl_noun_chain, &ctl_noun_rule,
    &ctl_noun_router, &ctl_noun_gateway,
};

static const struct ctl_noun *noun_of_command(const struct ctl_context *);
static int path_depth(const struct ctl_noun *);
static const struct ovsdb_idl_row **sorted_children(
    struct ctl_context *, const struct ctl_noun *,
    const struct ovsdb_idl_row *parent, size_t *n);
static void cmd_noun_del(struct ctl_context *);
static void cmd_noun_list(struct ctl_context *);
static void cmd_noun_show(struct ctl_context *);
static void cmd_noun_set(struct ctl_context *);
static void show_row(struct ctl_context *, const struct ctl_noun *,
                     const struct ovsdb_idl_row *, int indent,
                     const char *parent_path);

/* Registers the five commands of every noun with db-ctl-base. */
void
ctl_nouns_register(void)
{
    size_t n = ARRAY_SIZE(nouns);
    struct ctl_command_syntax *cmds = xcalloc(5 * n + 1, sizeof *cmds);
    struct ctl_command_syntax *c = cmds;

    for (size_t i = 0; i < n; i++) {
        const struct ctl_noun *noun = nouns[i];

        *c++ = (struct ctl_command_syntax) {
            xasprintf("%s-add", noun->name), 1 + noun->add_min_args, INT_MAX,
            xasprintf("%s%s%s [KEY=VALUE]...", noun->path,
                      noun->add_args[0] ? " " : "", noun->add_args),
            ctl_nouns_pre_all, noun->add, NULL, "--may-exist", RW,
        };
        *c++ = (struct ctl_command_syntax) {
            xasprintf("%s-del", noun->name), 1, 1, noun->path,
            ctl_nouns_pre_all, cmd_noun_del, NULL, "--if-exists,--force", RW,
        };
        *c++ = (struct ctl_command_syntax) {
            xasprintf("%s-list", noun->name), 0, noun->parent ? 1 : 0,
            noun->parent ? xasprintf("[%s]", noun->parent->path) : "",
            ctl_nouns_pre_all, cmd_noun_list, NULL, "", RO,
        };
        *c++ = (struct ctl_command_syntax) {
            xasprintf("%s-show", noun->name), 1, 1, noun->path,
            ctl_nouns_pre_all, cmd_noun_show, NULL, "", RO,
        };
        *c++ = (struct ctl_command_syntax) {
            xasprintf("%s-set", noun->name), 2, INT_MAX,
            xasprintf("%s KEY=VALUE...", noun->path),
            ctl_nouns_pre_all, cmd_noun_set, NULL, "", RW,
        };
    }
    ctl_register_commands(cmds);
}

/* Monitors the whole database: the object commands read across tables to
 * check references and to find dependent objects. */
void
ctl_nouns_pre_all(struct ctl_context *ctx)
{
    for (size_t i = 0; i < NBREC_N_TABLES; i++) {
        const struct ovsdb_idl_table_class *tc = &nbrec_table_classes[i];
        for (size_t j = 0; j < tc->n_columns; j++) {
            ovsdb_idl_add_column(ctx->idl, &tc->columns[j]);
        }
    }
}

/* Returns the malloc()'d path of 'row', for example "acme/web". */
char *
ctl_noun_path(const struct ctl_noun *noun, const struct ovsdb_idl_row *row)
{
    if (!noun->parent) {
        return xstrdup(noun->name_of(row));
    }
    char *parent = ctl_noun_path(noun->parent, noun->parent_of(row));
    char *path = xasprintf("%s/%s", parent, noun->name_of(row));
    free(parent);
    return path;
}

/* Returns the object of kind 'noun' whose path is 'path'.  If there is none,
 * returns NULL, and also reports an error in 'ctx' if 'must_exist' is true
 * or if 'path' is malformed or its parent does not exist. */
const struct ovsdb_idl_row *
ctl_noun_find(struct ctl_context *ctx, const struct ctl_noun *noun,
              const char *path, bool must_exist)
{
    int depth = path_depth(noun);
    int slashes = 0;
    for (const char *p = path; *p; p++) {
        slashes += *p == '/';
    }
    if (slashes != depth - 1) {
        ctl_error(ctx, "\"%s\" is not a %s path (write %s)", path,
                  noun->name, noun->path);
        return NULL;
    }

    const struct ovsdb_idl_row *parent = NULL;
    const char *name = path;
    if (noun->parent) {
        const char *slash = strrchr(path, '/');
        char *parent_path = xmemdup0(path, slash - path);
        parent = ctl_noun_find(ctx, noun->parent, parent_path, true);
        free(parent_path);
        if (!parent) {
            return NULL;
        }
        name = slash + 1;
    }
    return ctl_noun_find_child(ctx, noun, parent, name, must_exist);
}

/* Returns the object of kind 'noun' named 'name' in 'parent' (NULL for
 * global nouns).  If there is none, returns NULL, and reports an error in
 * 'ctx' if 'must_exist' is true. */
const struct ovsdb_idl_row *
ctl_noun_find_child(struct ctl_context *ctx, const struct ctl_noun *noun,
                    const struct ovsdb_idl_row *parent, const char *name,
                    bool must_exist)
{
    const struct ovsdb_idl_row *row;

    for (row = ovsdb_idl_first_row(ctx->idl, noun->table); row;
         row = ovsdb_idl_next_row(row)) {
        if ((!noun->parent || noun->parent_of(row) == parent)
            && !strcmp(noun->name_of(row), name)) {
            return row;
        }
    }
    if (must_exist) {
        if (parent) {
            char *parent_path = ctl_noun_path(noun->parent, parent);
            ctl_error(ctx, "no %s \"%s\" in %s %s", noun->name, name,
                      noun->parent->name, parent_path);
            free(parent_path);
        } else {
            ctl_error(ctx, "no %s named \"%s\"", noun->name, name);
        }
    }
    return NULL;
}

/* Returns the number of objects of kind 'noun' in 'parent'. */
size_t
ctl_noun_count_children(struct ctl_context *ctx, const struct ctl_noun *noun,
                        const struct ovsdb_idl_row *parent)
{
    size_t n = 0;
    const struct ovsdb_idl_row *row;

    for (row = ovsdb_idl_first_row(ctx->idl, noun->table); row;
         row = ovsdb_idl_next_row(row)) {
        n += noun->parent_of(row) == parent;
    }
    return n;
}

/* Starts NOUN-add for 'noun': finds the parent named by the path in
 * ctx->argv[1], checks the new object's name, and finds where the KEY=VALUE
 * settings start in ctx->argv (stored in '*first_setting'; the positional
 * arguments are before).
 *
 * Returns NULL when the caller should stop: on error (reported in 'ctx'), or
 * when the object exists and --may-exist was given.  Otherwise returns a
 * nonnull value, stores the parent (NULL for a global noun) in '*parent' and
 * the new object's name in '*name'; the caller then inserts the row and
 * calls ctl_noun_add_end(). */
const struct ovsdb_idl_row *
ctl_noun_add_begin(struct ctl_context *ctx, const struct ctl_noun *noun,
                   const struct ovsdb_idl_row **parent, const char **name,
                   int *first_setting)
{
    static const struct ovsdb_idl_row none;
    const char *path = ctx->argv[1];

    *parent = NULL;
    *name = path;
    if (noun->parent) {
        const char *slash = strrchr(path, '/');
        if (!slash) {
            ctl_error(ctx, "\"%s\" is not a %s path (write %s)", path,
                      noun->name, noun->path);
            return NULL;
        }
        char *parent_path = xmemdup0(path, slash - path);
        *parent = ctl_noun_find(ctx, noun->parent, parent_path, true);
        free(parent_path);
        if (!*parent) {
            return NULL;
        }
        *name = slash + 1;
    }

    char *error = nb_check_name(noun->name, *name);
    if (error) {
        ctl_error(ctx, "%s", error);
        free(error);
        return NULL;
    }

    if (ctl_noun_find_child(ctx, noun, *parent, *name, false)) {
        if (!shash_find(&ctx->options, "--may-exist")) {
            ctl_error(ctx, "%s %s already exists", noun->name, path);
        }
        return NULL;
    }

    *first_setting = 2;
    while (*first_setting < ctx->argc
           && !ctl_is_setting(ctx->argv[*first_setting])) {
        (*first_setting)++;
    }
    int n_positional = *first_setting - 2;
    if (n_positional < noun->add_min_args
        || n_positional > noun->add_max_args) {
        ctl_error(ctx, "%s-add: expected %s%s%s [KEY=VALUE]...", noun->name,
                  noun->path, noun->add_args[0] ? " " : "", noun->add_args);
        return NULL;
    }
    return &none;
}

/* Applies the settings ctx->argv[first_setting...] to 'row'.  Returns false
 * if there was an error (reported in 'ctx'). */
bool
ctl_noun_apply_settings(struct ctl_context *ctx, const struct ctl_noun *noun,
                        const struct ovsdb_idl_row *row, int first_setting)
{
    for (int i = first_setting; i < ctx->argc; i++) {
        const char *arg = ctx->argv[i];
        const char *eq = strchr(arg, '=');
        if (!eq || eq == arg) {
            ctl_error(ctx, "\"%s\" is not a KEY=VALUE setting", arg);
            return false;
        }
        char *key = xmemdup0(arg, eq - arg);
        char *error = noun->set(ctx, row, key, eq + 1);
        free(key);
        if (error) {
            ctl_error(ctx, "%s", error);
            free(error);
            return false;
        }
    }
    return true;
}

/* Checks 'row' with the noun's validation.  Returns false if it is invalid
 * (reported in 'ctx'). */
bool
ctl_noun_validate(struct ctl_context *ctx, const struct ctl_noun *noun,
                  const struct ovsdb_idl_row *row)
{
    char *error = noun->validate(ctx, row);
    if (error) {
        ctl_error(ctx, "%s", error);
        free(error);
        return false;
    }
    return true;
}

/* Returns true if ctx->argv[first_setting...] sets 'key'. */
bool
ctl_setting_given(const struct ctl_context *ctx, int first_setting,
                  const char *key)
{
    size_t len = strlen(key);

    for (int i = first_setting; i < ctx->argc; i++) {
        if (!strncmp(ctx->argv[i], key, len) && ctx->argv[i][len] == '=') {
            return true;
        }
    }
    return false;
}

/* Removes the error pending in 'ctx' and returns it, for a function that
 * returns errors instead of reporting them. */
char *
ctl_take_error(struct ctl_context *ctx)
{
    char *error = ctx->error;
    ctx->error = NULL;
    return error;
}

/* Returns true if 'arg' is a KEY=VALUE setting. */
bool
ctl_is_setting(const char *arg)
{
    return strchr(arg, '=') != NULL;
}

/* Parses 'value' of setting 'key' as a boolean into '*b'.  Returns NULL on
 * success, otherwise a malloc()'d error message. */
char *
ctl_parse_bool(const char *key, const char *value, bool *b)
{
    if (!strcmp(value, "true")) {
        *b = true;
    } else if (!strcmp(value, "false")) {
        *b = false;
    } else {
        return xasprintf("%s: \"%s\" is not true or false", key, value);
    }
    return NULL;
}

/* Parses 'value' of setting 'key' as an integer between 'min' and 'max'
 * into '*n'.  Returns NULL on success, otherwise a malloc()'d error
 * message. */
char *
ctl_parse_int(const char *key, const char *value, long long int min,
              long long int max, long long int *n)
{
    if (!str_to_llong(value, 10, n)) {
        return xasprintf("%s: \"%s\" is not an integer", key, value);
    } else if (*n < min || *n > max) {
        return xasprintf("%s: %s is out of range (%lld to %lld)", key, value,
                         min, max);
    }
    return NULL;
}

/* Checks that 'value' of setting 'key' is one of the NULL-terminated
 * 'choices'.  Returns NULL if it is, otherwise a malloc()'d error message
 * that lists them. */
char *
ctl_parse_enum(const char *key, const char *value, const char *const *choices)
{
    struct ds list = DS_EMPTY_INITIALIZER;

    for (const char *const *c = choices; *c; c++) {
        if (!strcmp(value, *c)) {
            ds_destroy(&list);
            return NULL;
        }
        ds_put_format(&list, "%s%s", c == choices ? "" : ", ", *c);
    }
    char *error = xasprintf("%s: \"%s\" is not one of: %s", key, value,
                            ds_cstr(&list));
    ds_destroy(&list);
    return error;
}

/* Appends the comma-separated elements of 'value' to 'list'.  An empty
 * 'value' is the empty list. */
void
ctl_split_list(const char *value, struct svec *list)
{
    char *copy = xstrdup(value);
    char *save = NULL;

    for (char *s = strtok_r(copy, ",", &save); s;
         s = strtok_r(NULL, ",", &save)) {
        svec_add(list, s);
    }
    free(copy);
}

/* Returns a malloc()'d error message for setting 'key', which 'noun' does
 * not have. */
char *
ctl_unknown_key(const struct ctl_noun *noun, const char *key)
{
    return xasprintf("%s has no setting \"%s\" (settings: %s)", noun->name,
                     key, noun->keys);
}

/* Returns the 'n' 'strings' joined by 'separator', malloc()'d. */
char *
ctl_join(char **strings, size_t n, const char *separator)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < n; i++) {
        ds_put_format(&s, "%s%s", i ? separator : "", strings[i]);
    }
    return ds_steal_cstr(&s);
}

/* Returns true if 'key' is a setting of a rule's match: protocol, src, dst,
 * sport or dport. */
bool
ctl_is_match_key(const char *key)
{
    static const char *const keys[] = { "protocol", "src", "dst", "sport",
                                        "dport" };

    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        if (!strcmp(key, keys[i])) {
            return true;
        }
    }
    return false;
}

/* Parses 'value' of match setting 'key'.  On success, returns NULL and
 * stores in '*canonical' the value to write, malloc()'d, or NULL to clear
 * the column (for an empty 'value').  Otherwise returns a malloc()'d error
 * message. */
char *
ctl_parse_match_value(const char *key, const char *value, char **canonical)
{
    static const char *const protocols[] = { "tcp", "udp", "icmp", "icmp6",
                                             NULL };
    char *error = NULL;

    *canonical = NULL;
    if (!value[0]) {
        return NULL;
    } else if (!strcmp(key, "protocol")) {
        error = ctl_parse_enum(key, value, protocols);
        if (!error) {
            *canonical = xstrdup(value);
        }
    } else if (!strcmp(key, "src") || !strcmp(key, "dst")) {
        struct ip_prefix p;
        if (strchr(value, '/')) {
            error = ip_prefix_parse(value, &p);
        } else {
            error = ip_addr_parse(value, &p.addr, &p.ipv4);
            p.plen = p.ipv4 ? 32 : 128;
        }
        if (!error) {
            struct ds ds = DS_EMPTY_INITIALIZER;
            ip_prefix_format(&p, &ds);
            *canonical = ds_steal_cstr(&ds);
        }
    } else {
        uint16_t min, max;
        error = port_range_parse(value, &min, &max);
        if (!error) {
            *canonical = (min == max ? xasprintf("%"PRIu16, min)
                                     : xasprintf("%"PRIu16"-%"PRIu16, min,
                                                 max));
        }
    }
    if (error) {
        char *msg = xasprintf("%s: %s", key, error);
        free(error);
        return msg;
    }
    return NULL;
}

/* Returns the family of 'prefix' (4 or 6), or 0 if it is NULL. */
static int
prefix_family(const char *prefix)
{
    return !prefix ? 0 : strchr(prefix, ':') ? 6 : 4;
}

/* Checks that the parts of a match fit together: ports only with tcp or
 * udp, no mix of IPv4 and IPv6, icmp only with IPv4 and icmp6 only with
 * IPv6.  Returns NULL if they do, otherwise a malloc()'d error message. */
char *
ctl_check_match(const char *protocol, const char *src_prefix,
                const char *dst_prefix, const char *src_ports,
                const char *dst_ports)
{
    int src = prefix_family(src_prefix);
    int dst = prefix_family(dst_prefix);
    int family = src ? src : dst;

    if ((src_ports || dst_ports)
        && (!protocol || (strcmp(protocol, "tcp")
                          && strcmp(protocol, "udp")))) {
        return xstrdup("matching ports needs protocol tcp or udp");
    } else if (src && dst && src != dst) {
        return xstrdup("the match mixes IPv4 and IPv6 prefixes");
    } else if (protocol && family
               && ((!strcmp(protocol, "icmp") && family == 6)
                   || (!strcmp(protocol, "icmp6") && family == 4))) {
        return xasprintf("protocol %s does not go with IPv%d prefixes",
                         protocol, family);
    }
    return NULL;
}

/* Returns a malloc()'d description of a match, such as "tcp dst=10.0.2.0/24
 * dport=5432", or "any". */
char *
ctl_format_match(const char *protocol, const char *src_prefix,
                 const char *dst_prefix, const char *src_ports,
                 const char *dst_ports)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    if (protocol) {
        ds_put_format(&s, "%s ", protocol);
    }
    if (src_prefix) {
        ds_put_format(&s, "src=%s ", src_prefix);
    }
    if (dst_prefix) {
        ds_put_format(&s, "dst=%s ", dst_prefix);
    }
    if (src_ports) {
        ds_put_format(&s, "sport=%s ", src_ports);
    }
    if (dst_ports) {
        ds_put_format(&s, "dport=%s ", dst_ports);
    }
    ds_chomp(&s, ' ');
    if (!s.length) {
        ds_put_cstr(&s, "any");
    }
    return ds_steal_cstr(&s);
}

/* Prints the whole database, or one tenant's part of it, as a tree. */
void
ctl_show(struct ctl_context *ctx)
{
    const struct ovsdb_idl_row *only = NULL;
    if (ctx->argc > 1) {
        only = ctl_noun_find(ctx, &ctl_noun_tenant, ctx->argv[1], true);
        if (!only) {
            return;
        }
    }

    size_t n_tenants;
    const struct ovsdb_idl_row **tenants = sorted_children(
        ctx, &ctl_noun_tenant, NULL, &n_tenants);
    static const struct ctl_noun *const tenant_nouns[] = {
        &ctl_noun_network, &ctl_noun_router, &ctl_noun_service,
        &ctl_noun_chain, &ctl_noun_rule,
    };
    for (size_t i = 0; i < n_tenants; i++) {
        if (only && tenants[i] != only) {
            continue;
        }
        show_row(ctx, &ctl_noun_tenant, tenants[i], 0, NULL);
        for (size_t j = 0; j < ARRAY_SIZE(tenant_nouns); j++) {
            size_t n;
            const struct ovsdb_idl_row **rows = sorted_children(
                ctx, tenant_nouns[j], tenants[i], &n);
            for (size_t k = 0; k < n; k++) {
                show_row(ctx, tenant_nouns[j], rows[k], 1, NULL);
                if (tenant_nouns[j] == &ctl_noun_service) {
                    size_t n_inst;
                    const struct ovsdb_idl_row **inst = sorted_children(
                        ctx, &ctl_noun_instance, rows[k], &n_inst);
                    for (size_t m = 0; m < n_inst; m++) {
                        show_row(ctx, &ctl_noun_instance, inst[m], 2, NULL);
                    }
                    free(inst);
                }
            }
            free(rows);
        }
    }
    free(tenants);

    if (!only) {
        static const struct ctl_noun *const global_nouns[] = {
            &ctl_noun_chassis, &ctl_noun_gateway,
        };
        for (size_t j = 0; j < ARRAY_SIZE(global_nouns); j++) {
            size_t n;
            const struct ovsdb_idl_row **rows = sorted_children(
                ctx, global_nouns[j], NULL, &n);
            for (size_t k = 0; k < n; k++) {
                show_row(ctx, global_nouns[j], rows[k], 0, NULL);
            }
            free(rows);
        }
    }
}

/* Appends one line for 'row' to ctx->output: the noun, the row's name and
 * its NOUN-list cells as "heading=value", skipping empty cells, the first
 * cell (the path) and a cell that repeats 'parent_path', the object that the
 * line is indented under.  Ports are shown under their network. */
static void
show_row(struct ctl_context *ctx, const struct ctl_noun *noun,
         const struct ovsdb_idl_row *row, int indent, const char *parent_path)
{
    struct svec cells = SVEC_EMPTY_INITIALIZER;

    noun->describe(ctx, row, &cells);
    ds_put_char_multiple(&ctx->output, ' ', 4 * indent);
    ds_put_format(&ctx->output, "%s %s", noun->name, noun->name_of(row));
    for (size_t i = 1; i < cells.n; i++) {
        const char *value = cells.names[i];
        if (value[0] && (!parent_path || strcmp(value, parent_path))) {
            ds_put_char(&ctx->output, ' ');
            for (const char *h = noun->headings[i]; *h; h++) {
                ds_put_char(&ctx->output, tolower((unsigned char) *h));
            }
            ds_put_format(&ctx->output, "=%s", value);
        }
    }
    ds_put_char(&ctx->output, '\n');
    svec_destroy(&cells);

    if (noun == &ctl_noun_network) {
        char *path = ctl_noun_path(noun, row);
        size_t n;
        const struct ovsdb_idl_row **ports = sorted_children(
            ctx, &ctl_noun_port, NULL, &n);
        for (size_t i = 0; i < n; i++) {
            if (&CTL_CAST(nbrec_port, ports[i])->network->header_ == row) {
                show_row(ctx, &ctl_noun_port, ports[i], indent + 1, path);
            }
        }
        free(ports);
        free(path);
    }
}

static const struct ctl_noun *
noun_of_command(const struct ctl_context *ctx)
{
    const char *cmd = ctx->argv[0];
    const char *dash = strrchr(cmd, '-');

    for (size_t i = 0; i < ARRAY_SIZE(nouns); i++) {
        if (strlen(nouns[i]->name) == dash - cmd
            && !strncmp(nouns[i]->name, cmd, dash - cmd)) {
            return nouns[i];
        }
    }
    OVS_NOT_REACHED();
}

static int
path_depth(const struct ctl_noun *noun)
{
    return noun->parent ? 1 + path_depth(noun->parent) : 1;
}

static const struct ctl_noun *sort_noun;

static int
compare_rows_by_name(const void *a_, const void *b_)
{
    const struct ovsdb_idl_row *const *a = a_;
    const struct ovsdb_idl_row *const *b = b_;
    return strcmp(sort_noun->name_of(*a), sort_noun->name_of(*b));
}

/* Returns a malloc()'d array of the objects of kind 'noun' in 'parent' (or
 * all of them if 'parent' is NULL), sorted by name, and their number in
 * '*n'. */
static const struct ovsdb_idl_row **
sorted_children(struct ctl_context *ctx, const struct ctl_noun *noun,
                const struct ovsdb_idl_row *parent, size_t *n)
{
    const struct ovsdb_idl_row **rows = NULL;
    size_t allocated = 0;
    const struct ovsdb_idl_row *row;

    *n = 0;
    for (row = ovsdb_idl_first_row(ctx->idl, noun->table); row;
         row = ovsdb_idl_next_row(row)) {
        if (!parent || noun->parent_of(row) == parent) {
            if (*n >= allocated) {
                rows = x2nrealloc(rows, &allocated, sizeof *rows);
            }
            rows[(*n)++] = row;
        }
    }
    sort_noun = noun;
    if (*n) {
        qsort(rows, *n, sizeof *rows, compare_rows_by_name);
    }
    return rows;
}

static void
cmd_noun_del(struct ctl_context *ctx)
{
    const struct ctl_noun *noun = noun_of_command(ctx);
    bool must_exist = !shash_find(&ctx->options, "--if-exists");
    const struct ovsdb_idl_row *row = ctl_noun_find(ctx, noun, ctx->argv[1],
                                                    must_exist);
    if (row) {
        char *error = noun->delete(ctx, row,
                                   shash_find(&ctx->options, "--force"));
        if (error) {
            ctl_error(ctx, "%s", error);
            free(error);
        }
    }
}

/* An object and its path, for sorting by path. */
struct path_row {
    char *path;
    const struct ovsdb_idl_row *row;
};

static int
compare_path_rows(const void *a_, const void *b_)
{
    const struct path_row *a = a_;
    const struct path_row *b = b_;
    return strcmp(a->path, b->path);
}

static void
cmd_noun_list(struct ctl_context *ctx)
{
    const struct ctl_noun *noun = noun_of_command(ctx);
    const struct ovsdb_idl_row *parent = NULL;

    if (ctx->argc > 1) {
        parent = ctl_noun_find(ctx, noun->parent, ctx->argv[1], true);
        if (!parent) {
            return;
        }
    }

    struct table *t = xmalloc(sizeof *t);
    table_init(t);
    for (const char *const *h = noun->headings; *h; h++) {
        table_add_column(t, "%s", *h);
    }

    /* Objects below a tenant are listed for all tenants, or for one, in
     * order of their paths. */
    size_t n;
    const struct ovsdb_idl_row **rows = sorted_children(ctx, noun, parent,
                                                        &n);
    struct path_row *prs = xmalloc(MAX(n, 1) * sizeof *prs);
    for (size_t i = 0; i < n; i++) {
        prs[i].path = ctl_noun_path(noun, rows[i]);
        prs[i].row = rows[i];
    }
    if (n) {
        qsort(prs, n, sizeof *prs, compare_path_rows);
    }

    for (size_t i = 0; i < n; i++) {
        struct svec cells = SVEC_EMPTY_INITIALIZER;
        noun->describe(ctx, prs[i].row, &cells);
        table_add_row(t);
        for (size_t j = 0; j < cells.n; j++) {
            table_add_cell(t)->text = xstrdup(cells.names[j]);
        }
        svec_destroy(&cells);
        free(prs[i].path);
    }
    free(prs);
    free(rows);
    ctx->table = t;
}

static void
cmd_noun_show(struct ctl_context *ctx)
{
    const struct ctl_noun *noun = noun_of_command(ctx);
    const struct ovsdb_idl_row *row = ctl_noun_find(ctx, noun, ctx->argv[1],
                                                    true);
    if (!row) {
        return;
    }

    struct svec cells = SVEC_EMPTY_INITIALIZER;
    noun->describe(ctx, row, &cells);
    for (size_t i = 0; i < cells.n; i++) {
        ds_put_format(&ctx->output, "%s: %s\n", noun->headings[i],
                      cells.names[i]);
    }
    svec_destroy(&cells);
    if (noun->show_more) {
        noun->show_more(ctx, row, &ctx->output);
    }
}

static void
cmd_noun_set(struct ctl_context *ctx)
{
    const struct ctl_noun *noun = noun_of_command(ctx);
    const struct ovsdb_idl_row *row = ctl_noun_find(ctx, noun, ctx->argv[1],
                                                    true);
    if (row && ctl_noun_apply_settings(ctx, noun, row, 2)) {
        ctl_noun_validate(ctx, noun, row);
    }
}
