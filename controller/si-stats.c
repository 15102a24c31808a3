/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/si-stats.h"
#include <stdlib.h>
#include <string.h>
#include "controller/flow-table.h"
#include "controller/ofctrl.h"
#include "controller/pipeline.h"
#include "hash.h"
#include "lib/sluice-nb-idl.h"
#include "openvswitch/hmap.h"
#include "openvswitch/poll-loop.h"
#include "timeval.h"
#include "util.h"

/* How often the counters are updated, in milliseconds. */
#define SI_STATS_INTERVAL 2000

/* The tables whose flows count. */
static const uint8_t tables[] = {
    OFTABLE_SI_COUNT, OFTABLE_SI_CHAIN, OFTABLE_SI_SEND, OFTABLE_SI_CHOSEN,
    OFTABLE_SI_ACCEPT, OFTABLE_GW_INLINE_CHECK,
};

/* The counters of one row, by its flows' cookie. */
struct counters {
    struct hmap_node node;      /* In a map by cookie. */
    uint64_t cookie;
    int64_t values[3];          /* packets, bytes, invalid. */
};

static const char *const counter_names[3] = { "packets", "bytes", "invalid" };

static const struct counters *counters_find(const struct hmap *,
                                            const struct uuid *);
static bool changed(char **keys, const int64_t *values, size_t n,
                    const char *chassis, const struct counters *,
                    size_t n_counters, char ***names);

/* Initializes 'stats'. */
void
si_stats_init(struct si_stats *stats)
{
    stats->next_request = 0;
    stats->seq = 0;
}

/* Asks the switch behind 'ofctrl' for the statistics of the counting flows
 * when it is time to, and writes those received to the northbound database
 * 'nb' in 'txn', as those of 'chassis'. */
void
si_stats_run(struct si_stats *stats, struct ofctrl *ofctrl,
             struct ovsdb_idl_txn *txn, struct ovsdb_idl *nb,
             const struct nbrec_chassis *chassis)
{
    if (time_msec() >= stats->next_request) {
        ofctrl_request_flow_stats(ofctrl, tables, ARRAY_SIZE(tables));
        stats->next_request = time_msec() + SI_STATS_INTERVAL;
    }

    size_t n;
    uint64_t seq;
    const struct ofctrl_flow_stats *fs = ofctrl_get_flow_stats(ofctrl, &n,
                                                               &seq);
    if (seq == stats->seq || !txn || !chassis) {
        return;
    }
    stats->seq = seq;

    /* Add the flows up by cookie. */
    struct hmap sums = HMAP_INITIALIZER(&sums);
    for (size_t i = 0; i < n; i++) {
        if (!fs[i].cookie) {
            continue;
        }
        struct counters *c = NULL;
        struct counters *iter;
        HMAP_FOR_EACH_WITH_HASH (iter, node, hash_uint64(fs[i].cookie),
                                 &sums) {
            if (iter->cookie == fs[i].cookie) {
                c = iter;
            }
        }
        if (!c) {
            c = xzalloc(sizeof *c);
            c->cookie = fs[i].cookie;
            hmap_insert(&sums, &c->node, hash_uint64(c->cookie));
        }
        if (fs[i].table_id == OFTABLE_SI_ACCEPT
            || fs[i].table_id == OFTABLE_GW_INLINE_CHECK) {
            /* The drops of what instances return that is not valid (the
             * other flows take returned packets on and count nothing). */
            if (fs[i].priority == 1) {
                c->values[2] += fs[i].n_packets;
            }
        } else if (fs[i].table_id == OFTABLE_SI_SEND
                   && fs[i].priority != 100) {
            /* Not a send flow but the one for packets too big to send,
             * which OVS credits with every packet whose check_pkt_larger
             * it translated, since it translates both outcomes. */
        } else {
            c->values[0] += fs[i].n_packets;
            c->values[1] += fs[i].n_bytes;
        }
    }

    /* Write what changed.  Rows without flows on this chassis count 0. */
    static const struct counters zero;
    char **names;
    const struct nbrec_insertion_rule *rule;
    NBREC_INSERTION_RULE_FOR_EACH (rule, nb) {
        const struct counters *c = counters_find(&sums, &rule->header_.uuid);
        if (changed(rule->key_statistics, rule->value_statistics,
                    rule->n_statistics, chassis->name, c, 2,
                    &names)) {
            for (int i = 0; i < 2; i++) {
                nbrec_insertion_rule_update_statistics_setkey(
                    rule, names[i], (c ? c : &zero)->values[i]);
                free(names[i]);
            }
            free(names);
        }
    }
    const struct nbrec_chain *chain;
    NBREC_CHAIN_FOR_EACH (chain, nb) {
        const struct counters *c = counters_find(&sums, &chain->header_.uuid);
        if (changed(chain->key_statistics, chain->value_statistics,
                    chain->n_statistics, chassis->name, c, 2,
                    &names)) {
            for (int i = 0; i < 2; i++) {
                nbrec_chain_update_statistics_setkey(
                    chain, names[i], (c ? c : &zero)->values[i]);
                free(names[i]);
            }
            free(names);
        }
    }
    const struct nbrec_service_instance *inst;
    NBREC_SERVICE_INSTANCE_FOR_EACH (inst, nb) {
        const struct counters *c = counters_find(&sums, &inst->header_.uuid);
        if (changed(inst->key_statistics, inst->value_statistics,
                    inst->n_statistics, chassis->name, c, 3,
                    &names)) {
            for (int i = 0; i < 3; i++) {
                nbrec_service_instance_update_statistics_setkey(
                    inst, names[i], (c ? c : &zero)->values[i]);
                free(names[i]);
            }
            free(names);
        }
    }

    struct counters *c;
    HMAP_FOR_EACH_POP (c, node, &sums) {
        free(c);
    }
    hmap_destroy(&sums);
}

/* Arranges for poll_block() to wake up when the next request is due. */
void
si_stats_wait(const struct si_stats *stats)
{
    poll_timer_wait_until(stats->next_request);
}

static const struct counters *
counters_find(const struct hmap *sums, const struct uuid *owner)
{
    uint64_t cookie = flow_cookie(owner);
    const struct counters *c;

    HMAP_FOR_EACH_WITH_HASH (c, node, hash_uint64(cookie), sums) {
        if (c->cookie == cookie) {
            return c;
        }
    }
    return NULL;
}

/* Returns true if the first 'n_counters' of 'c' differ from what the 'n'
 * 'keys' and 'values' of a statistics column say for 'chassis' (a row
 * without flows on this chassis, with a null 'c', counts zero, or nothing
 * if it never had any); then stores in '*names' the malloc()'d keys to
 * write, "CHASSIS:COUNTER". */
static bool
changed(char **keys, const int64_t *values, size_t n, const char *chassis,
        const struct counters *c, size_t n_counters, char ***names)
{
    bool any = false;
    char **ns = xmalloc(n_counters * sizeof *ns);

    for (size_t i = 0; i < n_counters; i++) {
        ns[i] = xasprintf("%s:%s", chassis, counter_names[i]);
        bool same = !c;
        for (size_t j = 0; j < n; j++) {
            if (!strcmp(keys[j], ns[i])) {
                same = values[j] == (c ? c->values[i] : 0);
                break;
            }
        }
        any |= !same;
    }
    if (!any) {
        for (size_t i = 0; i < n_counters; i++) {
            free(ns[i]);
        }
        free(ns);
        return false;
    }
    *names = ns;
    return true;
}
