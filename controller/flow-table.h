/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The desired flow table: the OpenFlow flows and groups that the controller
 * wants in the integration bridge.  Every flow and group has an owner, the
 * UUID of the northbound row (or other input) it was computed from, so that
 * a change to one row replaces exactly that row's flows and groups.  The
 * table remembers which flows and groups changed since ofctrl last looked
 * ("dirty" keys and group IDs), so that ofctrl can send only the
 * difference. */

#ifndef FLOW_TABLE_H
#define FLOW_TABLE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "compiler.h"
#include "hmapx.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/match.h"
#include "openvswitch/uuid.h"

struct ds;
struct ofpact;

/* The identity of a flow in a switch: table, priority and match. */
struct flow_key {
    uint8_t table_id;
    uint16_t priority;
    struct minimatch match;
};

/* One flow that the controller wants. */
struct desired_flow {
    struct hmap_node key_node;  /* In flow_table 'flows', by key. */
    struct ovs_list owner_node; /* In flow_owner 'flows'. */
    struct flow_key key;
    struct ofpact *ofpacts;     /* Actions. */
    size_t ofpacts_len;
    char *actions;              /* The actions as text, to compare them:
                                 * parsed actions may differ in padding. */
    uint64_t cookie;            /* Derived from the owner. */
    struct uuid owner;
};

/* One group that the controller wants.  Groups that refer to other groups
 * (in a bucket's actions or watch_group) have a higher 'level' than those,
 * so that ofctrl can add them after and delete them before. */
struct desired_group {
    struct hmap_node id_node;   /* In flow_table 'groups', by group ID. */
    struct ovs_list owner_node; /* In flow_owner 'groups'. */
    uint32_t group_id;
    int level;                  /* 0: refers to no other group. */
    char *spec;                 /* "type=...,bucket=..." in ovs-ofctl syntax,
                                 * without the group ID. */
    struct uuid owner;
};

/* A dirty key: a flow key whose desired flows changed. */
struct dirty_key {
    struct hmap_node node;      /* In flow_table 'dirty'. */
    struct flow_key key;
};

/* The desired flow table. */
struct flow_table {
    struct hmap flows;          /* All desired_flows, by key. */
    struct hmap owners;         /* flow_owner, by owner UUID. */
    struct hmap dirty;          /* dirty_keys, since flow_table_clean(). */
    size_t n_flows;             /* Number of desired_flows. */
    struct hmap groups;         /* desired_groups, by group ID. */
    struct hmapx dirty_groups;  /* Group IDs (cast to pointers) whose desired
                                 * groups changed, since
                                 * flow_table_clean(). */
};

void flow_table_init(struct flow_table *);
void flow_table_destroy(struct flow_table *);
void flow_table_clear(struct flow_table *);

void flow_table_add(struct flow_table *, const struct uuid *owner,
                    uint8_t table_id, uint16_t priority, const char *match,
                    const char *actions);
void flow_table_add_format(struct flow_table *, const struct uuid *owner,
                           uint8_t table_id, uint16_t priority,
                           const char *match, const char *actions, ...)
    OVS_PRINTF_FORMAT(6, 7);
void flow_table_add_group(struct flow_table *, const struct uuid *owner,
                          uint32_t group_id, int level, const char *spec);
void flow_table_remove_owner(struct flow_table *, const struct uuid *owner);
size_t flow_table_count_owner(const struct flow_table *,
                              const struct uuid *owner);

const struct desired_flow *flow_table_lookup(const struct flow_table *,
                                             const struct flow_key *,
                                             uint32_t hash);
const struct desired_group *flow_table_lookup_group(const struct flow_table *,
                                                   uint32_t group_id);
void flow_table_clean(struct flow_table *);

uint32_t flow_key_hash(const struct flow_key *);
bool flow_key_equal(const struct flow_key *, const struct flow_key *);
void flow_key_clone(struct flow_key *, const struct flow_key *);
void flow_key_destroy(struct flow_key *);
uint64_t flow_cookie(const struct uuid *owner);

void flow_table_dump(const struct flow_table *, struct ds *);
void flow_table_dump_groups(const struct flow_table *, struct ds *);

#endif /* flow-table.h */
