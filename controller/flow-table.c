/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/flow-table.h"
#include <stdarg.h>
#include <stdlib.h>
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofp-actions.h"
#include "openvswitch/ofp-flow.h"
#include "openvswitch/ofp-group.h"
#include "openvswitch/ofp-protocol.h"
#include "openvswitch/vlog.h"
#include "util.h"
#include "uuid.h"

VLOG_DEFINE_THIS_MODULE(flow_table);

/* The flows and groups of one owner. */
struct flow_owner {
    struct hmap_node node;      /* In flow_table 'owners'. */
    struct uuid uuid;
    struct ovs_list flows;      /* Contains desired_flow 'owner_node's. */
    struct ovs_list groups;     /* Contains desired_group 'owner_node's. */
};

static struct flow_owner *flow_owner_find(const struct flow_table *,
                                          const struct uuid *);
static struct flow_owner *flow_owner_get(struct flow_table *,
                                         const struct uuid *);
static void mark_dirty(struct flow_table *, const struct flow_key *,
                       uint32_t hash);

/* Initializes an empty 'table'. */
void
flow_table_init(struct flow_table *table)
{
    hmap_init(&table->flows);
    hmap_init(&table->owners);
    hmap_init(&table->dirty);
    table->n_flows = 0;
    hmap_init(&table->groups);
    hmapx_init(&table->dirty_groups);
}

/* Frees everything in 'table'. */
void
flow_table_destroy(struct flow_table *table)
{
    if (table) {
        flow_table_clear(table);
        flow_table_clean(table);
        hmap_destroy(&table->flows);
        hmap_destroy(&table->owners);
        hmap_destroy(&table->dirty);
        hmap_destroy(&table->groups);
        hmapx_destroy(&table->dirty_groups);
    }
}

/* Removes every flow and group from 'table', marking them dirty. */
void
flow_table_clear(struct flow_table *table)
{
    struct flow_owner *owner;

    HMAP_FOR_EACH_SAFE (owner, node, &table->owners) {
        flow_table_remove_owner(table, &owner->uuid);
    }
}

/* Adds to 'table' the flow in 'table_id' with 'priority', match 'match' and
 * actions 'actions', both in ovs-ofctl syntax, owned by 'owner' (which may be
 * UUID_ZERO for flows that no northbound row owns).  The flow's key is marked
 * dirty.
 *
 * The strings are produced by the controller itself, so a parse error is a
 * bug: it is logged and the flow is left out. */
void
flow_table_add(struct flow_table *table, const struct uuid *owner,
               uint8_t table_id, uint16_t priority, const char *match,
               const char *actions)
{
    struct ofputil_flow_mod fm;
    enum ofputil_protocol usable;
    char *s = xasprintf("table=%"PRIu8",priority=%"PRIu16"%s%s,actions=%s",
                        table_id, priority, match[0] ? "," : "", match,
                        actions);
    char *error = parse_ofp_str(&fm, OFPFC_ADD, s, NULL, NULL, &usable);
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        VLOG_ERR_RL(&rl, "bad flow \"%s\": %s", s, error);
        free(error);
        free(s);
        return;
    }
    free(s);

    struct desired_flow *f = xmalloc(sizeof *f);
    f->key.table_id = table_id;
    f->key.priority = priority;
    f->key.match = fm.match;
    f->ofpacts = fm.ofpacts;
    f->ofpacts_len = fm.ofpacts_len;
    f->actions = xstrdup(actions);
    f->owner = *owner;
    f->cookie = flow_cookie(owner);

    uint32_t hash = flow_key_hash(&f->key);
    hmap_insert(&table->flows, &f->key_node, hash);
    table->n_flows++;

    struct flow_owner *o = flow_owner_get(table, owner);
    ovs_list_push_back(&o->flows, &f->owner_node);
    mark_dirty(table, &f->key, hash);
}

/* Like flow_table_add(), with 'actions' a printf() format. */
void
flow_table_add_format(struct flow_table *table, const struct uuid *owner,
                      uint8_t table_id, uint16_t priority, const char *match,
                      const char *actions, ...)
{
    va_list args;

    va_start(args, actions);
    char *s = xvasprintf(actions, args);
    va_end(args);
    flow_table_add(table, owner, table_id, priority, match, s);
    free(s);
}

/* Adds to 'table' the group with 'group_id' and 'spec', its type and
 * buckets in ovs-ofctl syntax (without "group_id="), owned by 'owner'.  A
 * group that refers to other groups must have a 'level' above theirs.  The
 * group is marked dirty.
 *
 * The spec is produced by the controller itself, so a parse error is a bug:
 * it is logged and the group is left out.  So is a second group with the
 * same ID. */
void
flow_table_add_group(struct flow_table *table, const struct uuid *owner,
                     uint32_t group_id, int level, const char *spec)
{
    struct ofputil_group_mod gm;
    enum ofputil_protocol usable;
    char *s = xasprintf("group_id=%"PRIu32",%s", group_id, spec);
    char *error = parse_ofp_group_mod_str(&gm, OFPGC15_ADD, s, NULL, NULL,
                                          &usable);
    if (error || flow_table_lookup_group(table, group_id)) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        VLOG_ERR_RL(&rl, "bad group \"%s\": %s", s,
                    error ? error : "duplicate group ID");
        free(error);
        free(s);
        if (!error) {
            ofputil_uninit_group_mod(&gm);
        }
        return;
    }
    ofputil_uninit_group_mod(&gm);
    free(s);

    struct desired_group *g = xmalloc(sizeof *g);
    g->group_id = group_id;
    g->level = level;
    g->spec = xstrdup(spec);
    g->owner = *owner;
    hmap_insert(&table->groups, &g->id_node, hash_int(group_id, 0));
    ovs_list_push_back(&flow_owner_get(table, owner)->groups, &g->owner_node);
    hmapx_add(&table->dirty_groups, (void *) (uintptr_t) group_id);
}

/* Removes every flow and group of 'owner' from 'table', marking them
 * dirty. */
void
flow_table_remove_owner(struct flow_table *table, const struct uuid *owner)
{
    struct flow_owner *o = flow_owner_find(table, owner);
    if (!o) {
        return;
    }

    struct desired_group *g;
    LIST_FOR_EACH_POP (g, owner_node, &o->groups) {
        hmap_remove(&table->groups, &g->id_node);
        hmapx_add(&table->dirty_groups, (void *) (uintptr_t) g->group_id);
        free(g->spec);
        free(g);
    }

    struct desired_flow *f;
    LIST_FOR_EACH_POP (f, owner_node, &o->flows) {
        uint32_t hash = f->key_node.hash;
        hmap_remove(&table->flows, &f->key_node);
        table->n_flows--;
        mark_dirty(table, &f->key, hash);
        minimatch_destroy(&f->key.match);
        free(f->ofpacts);
        free(f->actions);
        free(f);
    }
    hmap_remove(&table->owners, &o->node);
    free(o);
}

/* Returns the number of flows that 'owner' has in 'table'. */
size_t
flow_table_count_owner(const struct flow_table *table,
                       const struct uuid *owner)
{
    const struct flow_owner *o = flow_owner_find(table, owner);
    return o ? ovs_list_size(&o->flows) : 0;
}

/* Returns the desired flow with 'key' (whose hash is 'hash'), or NULL.  When
 * several owners want a flow with the same key, the one with the smallest
 * owner UUID wins, so that the choice does not depend on history. */
const struct desired_flow *
flow_table_lookup(const struct flow_table *table, const struct flow_key *key,
                  uint32_t hash)
{
    const struct desired_flow *best = NULL;
    const struct desired_flow *f;

    HMAP_FOR_EACH_WITH_HASH (f, key_node, hash, &table->flows) {
        if (flow_key_equal(&f->key, key)
            && (!best || uuid_compare_3way(&f->owner, &best->owner) < 0)) {
            best = f;
        }
    }
    return best;
}

/* Returns the desired group with 'group_id', or NULL. */
const struct desired_group *
flow_table_lookup_group(const struct flow_table *table, uint32_t group_id)
{
    const struct desired_group *g;

    HMAP_FOR_EACH_WITH_HASH (g, id_node, hash_int(group_id, 0),
                             &table->groups) {
        if (g->group_id == group_id) {
            return g;
        }
    }
    return NULL;
}

/* Forgets the dirty keys and groups: ofctrl has taken care of them. */
void
flow_table_clean(struct flow_table *table)
{
    struct dirty_key *d;

    HMAP_FOR_EACH_POP (d, node, &table->dirty) {
        flow_key_destroy(&d->key);
        free(d);
    }
    hmapx_clear(&table->dirty_groups);
}

/* Returns a hash of 'key'. */
uint32_t
flow_key_hash(const struct flow_key *key)
{
    return minimatch_hash(&key->match,
                          hash_2words(key->table_id, key->priority));
}

/* Returns true if 'a' and 'b' identify the same flow. */
bool
flow_key_equal(const struct flow_key *a, const struct flow_key *b)
{
    return (a->table_id == b->table_id && a->priority == b->priority
            && minimatch_equal(&a->match, &b->match));
}

/* Initializes 'dst' as a copy of 'src'. */
void
flow_key_clone(struct flow_key *dst, const struct flow_key *src)
{
    dst->table_id = src->table_id;
    dst->priority = src->priority;
    minimatch_clone(&dst->match, &src->match);
}

/* Frees what 'key' holds. */
void
flow_key_destroy(struct flow_key *key)
{
    minimatch_destroy(&key->match);
}

/* Returns the cookie of the flows of 'owner': its first 64 bits. */
uint64_t
flow_cookie(const struct uuid *owner)
{
    return ((uint64_t) owner->parts[0] << 32) | owner->parts[1];
}

static int
compare_flow_strings(const void *a_, const void *b_)
{
    const char *const *a = a_;
    const char *const *b = b_;
    return strcmp(*a, *b);
}

/* Appends every desired flow to 's', one per line, sorted, in ovs-ofctl
 * syntax (without cookies, which depend on UUIDs). */
void
flow_table_dump(const struct flow_table *table, struct ds *s)
{
    char **lines = xmalloc(MAX(table->n_flows, 1) * sizeof *lines);
    const struct desired_flow *f;
    size_t n = 0;

    HMAP_FOR_EACH (f, key_node, &table->flows) {
        struct ds line = DS_EMPTY_INITIALIZER;
        ds_put_format(&line, "table=%"PRIu8", priority=%"PRIu16,
                      f->key.table_id, f->key.priority);
        struct ds match = DS_EMPTY_INITIALIZER;
        minimatch_format(&f->key.match, NULL, NULL, &match, OFP_DEFAULT_PRIORITY);
        if (match.length) {
            ds_put_format(&line, ",%s", ds_cstr(&match));
        }
        ds_destroy(&match);
        ds_put_cstr(&line, " actions=");
        struct ofpact_format_params fp = { .s = &line };
        ofpacts_format(f->ofpacts, f->ofpacts_len, &fp);
        lines[n++] = ds_steal_cstr(&line);
    }
    qsort(lines, n, sizeof *lines, compare_flow_strings);
    for (size_t i = 0; i < n; i++) {
        ds_put_format(s, "%s\n", lines[i]);
        free(lines[i]);
    }
    free(lines);
}

static int
compare_groups(const void *a_, const void *b_)
{
    const struct desired_group *const *a = a_;
    const struct desired_group *const *b = b_;
    return (*a)->group_id < (*b)->group_id ? -1 : (*a)->group_id > (*b)->group_id;
}

/* Appends every desired group to 's', one per line, sorted by ID, in
 * ovs-ofctl syntax. */
void
flow_table_dump_groups(const struct flow_table *table, struct ds *s)
{
    size_t n = hmap_count(&table->groups);
    const struct desired_group **groups = xmalloc(MAX(n, 1) * sizeof *groups);
    const struct desired_group *g;
    size_t i = 0;

    HMAP_FOR_EACH (g, id_node, &table->groups) {
        groups[i++] = g;
    }
    qsort(groups, n, sizeof *groups, compare_groups);
    for (i = 0; i < n; i++) {
        ds_put_format(s, "group_id=%"PRIu32",%s\n", groups[i]->group_id,
                      groups[i]->spec);
    }
    free(groups);
}

static struct flow_owner *
flow_owner_get(struct flow_table *table, const struct uuid *uuid)
{
    struct flow_owner *o = flow_owner_find(table, uuid);
    if (!o) {
        o = xmalloc(sizeof *o);
        o->uuid = *uuid;
        ovs_list_init(&o->flows);
        ovs_list_init(&o->groups);
        hmap_insert(&table->owners, &o->node, uuid_hash(uuid));
    }
    return o;
}

static struct flow_owner *
flow_owner_find(const struct flow_table *table, const struct uuid *uuid)
{
    struct flow_owner *o;

    HMAP_FOR_EACH_WITH_HASH (o, node, uuid_hash(uuid), &table->owners) {
        if (uuid_equals(&o->uuid, uuid)) {
            return o;
        }
    }
    return NULL;
}

static void
mark_dirty(struct flow_table *table, const struct flow_key *key,
           uint32_t hash)
{
    struct dirty_key *d;

    HMAP_FOR_EACH_WITH_HASH (d, node, hash, &table->dirty) {
        if (flow_key_equal(&d->key, key)) {
            return;
        }
    }
    d = xmalloc(sizeof *d);
    flow_key_clone(&d->key, key);
    hmap_insert(&table->dirty, &d->node, hash);
}
