/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Small numbers for northbound rows on one chassis: OpenFlow group IDs for
 * services and instances, and the numbers by which flows name instances in
 * a register.  A row keeps its number for as long as the controller runs
 * (also across full recomputes, which therefore give the same flows), until
 * si_ids_forget(). */

#ifndef SI_IDS_H
#define SI_IDS_H 1

#include <stdint.h>
#include "openvswitch/hmap.h"
#include "openvswitch/uuid.h"

struct uuidset;

/* What a number is for.  Each kind has its own range of numbers. */
enum si_id_kind {
    SI_ID_SELECT_GROUP,         /* A service's select group. */
    SI_ID_SERVICE_GROUP,        /* A service's group with its fallback. */
    SI_ID_INSTANCE_GROUP,       /* An instance's pinning group. */
    SI_ID_INSTANCE,             /* An instance, in MFF_SI_INSTANCE. */
    SI_N_ID_KINDS
};

/* The numbers given out. */
struct si_ids {
    struct hmap ids;            /* "struct si_id"s, by UUID and kind. */
    unsigned long *used[SI_N_ID_KINDS];     /* Bitmaps of the numbers given
                                             * out, per kind. */
};

void si_ids_init(struct si_ids *);
void si_ids_destroy(struct si_ids *);
uint32_t si_ids_get(struct si_ids *, const struct uuid *, enum si_id_kind);
void si_ids_forget(struct si_ids *, const struct uuid *);
void si_ids_keep_only(struct si_ids *, const struct uuidset *);

#endif /* si-ids.h */
