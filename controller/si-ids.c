/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/si-ids.h"
#include <stdlib.h>
#include "bitmap.h"
#include "hash.h"
#include "util.h"
#include "uuid.h"
#include "uuidset.h"

/* The first group ID of each kind and how many there are: group 1 is the
 * pipeline's own (see si-flows.h); instance numbers fill 16 bits. */
static const struct {
    uint32_t base;
    uint32_t n;
} ranges[SI_N_ID_KINDS] = {
    [SI_ID_SELECT_GROUP] = { 0x10000, 0x10000 },
    [SI_ID_SERVICE_GROUP] = { 0x20000, 0x10000 },
    [SI_ID_INSTANCE_GROUP] = { 0x30000, 0x10000 },
    [SI_ID_INSTANCE] = { 1, 0xffff },
};

/* One number given out. */
struct si_id {
    struct hmap_node node;      /* In si_ids 'ids'. */
    struct uuid uuid;           /* The row. */
    enum si_id_kind kind;
    uint32_t id;
};

static uint32_t
id_hash(const struct uuid *uuid, enum si_id_kind kind)
{
    return hash_int(kind, uuid_hash(uuid));
}

/* Initializes 'ids' with no numbers given out. */
void
si_ids_init(struct si_ids *ids)
{
    hmap_init(&ids->ids);
    for (int k = 0; k < SI_N_ID_KINDS; k++) {
        ids->used[k] = bitmap_allocate(ranges[k].n);
    }
}

/* Frees what 'ids' holds. */
void
si_ids_destroy(struct si_ids *ids)
{
    struct si_id *id;
    HMAP_FOR_EACH_POP (id, node, &ids->ids) {
        free(id);
    }
    hmap_destroy(&ids->ids);
    for (int k = 0; k < SI_N_ID_KINDS; k++) {
        bitmap_free(ids->used[k]);
    }
}

/* Returns the number of kind 'kind' of the row with 'uuid', giving out the
 * lowest free one the first time.  Numbers of one kind run out only after
 * 65535 rows; then 0 is returned. */
uint32_t
si_ids_get(struct si_ids *ids, const struct uuid *uuid, enum si_id_kind kind)
{
    uint32_t hash = id_hash(uuid, kind);
    struct si_id *id;

    HMAP_FOR_EACH_WITH_HASH (id, node, hash, &ids->ids) {
        if (id->kind == kind && uuid_equals(&id->uuid, uuid)) {
            return id->id;
        }
    }

    size_t i = bitmap_scan(ids->used[kind], 0, 0, ranges[kind].n);
    if (i >= ranges[kind].n) {
        return 0;
    }
    bitmap_set1(ids->used[kind], i);
    id = xmalloc(sizeof *id);
    id->uuid = *uuid;
    id->kind = kind;
    id->id = ranges[kind].base + i;
    hmap_insert(&ids->ids, &id->node, hash);
    return id->id;
}

/* Frees the numbers of the row with 'uuid', of every kind. */
void
si_ids_forget(struct si_ids *ids, const struct uuid *uuid)
{
    for (int k = 0; k < SI_N_ID_KINDS; k++) {
        struct si_id *id;
        HMAP_FOR_EACH_WITH_HASH (id, node, id_hash(uuid, k), &ids->ids) {
            if (id->kind == k && uuid_equals(&id->uuid, uuid)) {
                bitmap_set0(ids->used[k], id->id - ranges[k].base);
                hmap_remove(&ids->ids, &id->node);
                free(id);
                break;
            }
        }
    }
}

/* Frees the numbers of every row whose UUID is not in 'keep'. */
void
si_ids_keep_only(struct si_ids *ids, const struct uuidset *keep)
{
    struct si_id *id;
    HMAP_FOR_EACH_SAFE (id, node, &ids->ids) {
        if (!uuidset_find(keep, &id->uuid)) {
            bitmap_set0(ids->used[id->kind], id->id - ranges[id->kind].base);
            hmap_remove(&ids->ids, &id->node);
            free(id);
        }
    }
}
