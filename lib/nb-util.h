/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Conventions of the northbound database that every Sluice program shares:
 * where the database is, what object names look like, and the syntax of the
 * values that the schema stores as strings (port ranges, MAC addresses). */

#ifndef NB_UTIL_H
#define NB_UTIL_H 1

#include <stddef.h>
#include <stdint.h>
#include "compiler.h"

struct eth_addr;

const char *sluice_rundir(void);
const char *nb_default_db(void);

char *nb_check_name(const char *what, const char *name)
    OVS_WARN_UNUSED_RESULT;

char *port_range_parse(const char *, uint16_t *min, uint16_t *max)
    OVS_WARN_UNUSED_RESULT;

/* A set of ports that a masked match selects: those whose bits in 'mask'
 * are 'value''s. */
struct port_mask {
    uint16_t value;
    uint16_t mask;
};

size_t port_range_to_masks(uint16_t min, uint16_t max, struct port_mask **);
char *mac_parse(const char *, struct eth_addr *) OVS_WARN_UNUSED_RESULT;

#endif /* nb-util.h */
