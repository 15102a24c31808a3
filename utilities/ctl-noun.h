/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * sluice-ctl's object commands.  Every kind of northbound object (a "noun":
 * tenant, network, port, ...) gets the same five commands, NOUN-add,
 * NOUN-del, NOUN-list, NOUN-show and NOUN-set, from one description of the
 * noun.  Objects are named by a path: "NAME" for global objects,
 * "TENANT/NAME" for a tenant's objects, "TENANT/SERVICE/NAME" for service
 * instances.  NOUN-add and NOUN-set share one way to change a row, a list of
 * KEY=VALUE settings, and one validation of the result. */

#ifndef CTL_NOUN_H
#define CTL_NOUN_H 1

#include <stdbool.h>
#include <stddef.h>
#include "compiler.h"

struct ctl_context;
struct ctl_command_syntax;
struct ds;
struct ovsdb_idl;
struct ovsdb_idl_row;
struct ovsdb_idl_table_class;
struct svec;

/* One kind of northbound object. */
struct ctl_noun {
    const char *name;           /* Command prefix, e.g. "network". */
    const char *path;           /* How an object is named, "TENANT/NETWORK". */
    const struct ovsdb_idl_table_class *table;
    const struct ctl_noun *parent;  /* Noun of the path's prefix, or NULL. */

    /* Returns the row's own name and its parent row (NULL without
     * 'parent'). */
    const char *(*name_of)(const struct ovsdb_idl_row *);
    const struct ovsdb_idl_row *(*parent_of)(const struct ovsdb_idl_row *);

    /* NOUN-add: positional arguments after the path, and the function that
     * inserts a row from them.  It calls ctl_noun_add_begin(), inserts the
     * row, calls ctl_noun_apply_settings(), fills in what the settings left
     * unset, and finally calls ctl_noun_validate(). */
    const char *add_args;
    int add_min_args, add_max_args;
    void (*add)(struct ctl_context *);

    /* Applies setting KEY=VALUE to 'row'.  Returns NULL on success, otherwise
     * a malloc()'d error message. */
    char *(*set)(struct ctl_context *, const struct ovsdb_idl_row *,
                 const char *key, const char *value);
    const char *keys;           /* The keys that 'set' accepts, for help. */

    /* Checks 'row' after NOUN-add or NOUN-set: everything the schema cannot.
     * Returns NULL if it is valid, otherwise a malloc()'d error message. */
    char *(*validate)(struct ctl_context *, const struct ovsdb_idl_row *);

    /* Deletes 'row'.  If other objects depend on it, deletes them too when
     * 'force' is true and otherwise returns a malloc()'d error message that
     * names them (and deletes nothing). */
    char *(*delete)(struct ctl_context *, const struct ovsdb_idl_row *,
                    bool force);

    /* The NOUN-list headings, and the function that appends one row's
     * cells, in the same order, to 'cells'. */
    const char *const *headings;
    void (*describe)(struct ctl_context *, const struct ovsdb_idl_row *,
                     struct svec *cells);

    /* Optional: more lines for NOUN-show. */
    void (*show_more)(struct ctl_context *, const struct ovsdb_idl_row *,
                      struct ds *);
};

extern const struct ctl_noun ctl_noun_tenant;
extern const struct ctl_noun ctl_noun_network;
extern const struct ctl_noun ctl_noun_port;
extern const struct ctl_noun ctl_noun_chassis;
extern const struct ctl_noun ctl_noun_service;
extern const struct ctl_noun ctl_noun_instance;
extern const struct ctl_noun ctl_noun_chain;
extern const struct ctl_noun ctl_noun_rule;
extern const struct ctl_noun ctl_noun_router;
extern const struct ctl_noun ctl_noun_gateway;

void ctl_nouns_register(void);
void ctl_nouns_pre_all(struct ctl_context *);

/* Naming. */
char *ctl_noun_path(const struct ctl_noun *, const struct ovsdb_idl_row *);
const struct ovsdb_idl_row *ctl_noun_find(struct ctl_context *,
                                          const struct ctl_noun *,
                                          const char *path, bool must_exist);
const struct ovsdb_idl_row *ctl_noun_find_child(struct ctl_context *,
                                                const struct ctl_noun *,
                                                const struct ovsdb_idl_row *,
                                                const char *name,
                                                bool must_exist);
size_t ctl_noun_count_children(struct ctl_context *, const struct ctl_noun *,
                               const struct ovsdb_idl_row *parent);

/* For the nouns' 'add' functions. */
const struct ovsdb_idl_row *ctl_noun_add_begin(struct ctl_context *,
                                               const struct ctl_noun *,
                                               const struct ovsdb_idl_row **,
                                               const char **name,
                                               int *first_setting);
bool ctl_noun_apply_settings(struct ctl_context *, const struct ctl_noun *,
                             const struct ovsdb_idl_row *, int first_setting);
bool ctl_noun_validate(struct ctl_context *, const struct ctl_noun *,
                       const struct ovsdb_idl_row *);
bool ctl_setting_given(const struct ctl_context *, int first_setting,
                       const char *key);

/* Helpers for settings. */
char *ctl_take_error(struct ctl_context *);
bool ctl_is_setting(const char *arg);
char *ctl_parse_bool(const char *key, const char *value, bool *)
    OVS_WARN_UNUSED_RESULT;
char *ctl_parse_int(const char *key, const char *value, long long int min,
                    long long int max, long long int *)
    OVS_WARN_UNUSED_RESULT;
char *ctl_parse_enum(const char *key, const char *value,
                     const char *const *choices) OVS_WARN_UNUSED_RESULT;
void ctl_split_list(const char *value, struct svec *);
char *ctl_unknown_key(const struct ctl_noun *, const char *key)
    OVS_WARN_UNUSED_RESULT;
char *ctl_join(char **strings, size_t n, const char *separator);

/* Returns the IDL record of type 'TYPE' (such as nbrec_network) whose
 * header is 'ROW', or NULL if 'ROW' is NULL. */
#define CTL_CAST(TYPE, ROW) \
    ((ROW) ? CONTAINER_OF(ROW, const struct TYPE, header_) : NULL)

/* The L3/L4 match that insertion rules and firewall rules share. */
bool ctl_is_match_key(const char *key);
char *ctl_parse_match_value(const char *key, const char *value,
                            char **canonical) OVS_WARN_UNUSED_RESULT;
char *ctl_check_match(const char *protocol, const char *src_prefix,
                      const char *dst_prefix, const char *src_ports,
                      const char *dst_ports) OVS_WARN_UNUSED_RESULT;
char *ctl_format_match(const char *protocol, const char *src_prefix,
                       const char *dst_prefix, const char *src_ports,
                       const char *dst_ports);

/* In-line service instances. */
struct nbrec_service_instance;
const struct nbrec_service_instance *ctl_inline_instance_at(
    struct ovsdb_idl *, const char *address);
char *ctl_inline_conflict(struct ovsdb_idl *, const char *address,
                          const char *what) OVS_WARN_UNUSED_RESULT;

/* The whole database as a tree. */
void ctl_show(struct ctl_context *);

#endif /* ctl-noun.h */
