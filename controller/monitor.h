/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Conditional monitoring of the northbound database: a controller asks the
 * database server only for the rows its chassis needs.  That is every
 * chassis (for tunnels), the networks of its local ports and the other
 * networks of their routers, those routers, and the ports of those
 * networks (for the inner IP -> outer IP mappings) and of this chassis. */

#ifndef MONITOR_H
#define MONITOR_H 1

#include <stdbool.h>

struct nbrec_chassis;
struct ovsdb_idl;
struct ovsdb_idl_index;
struct simap;
struct sset;
struct uuidset;

void monitor_register(struct ovsdb_idl *, bool conditional);
unsigned int monitor_update(struct ovsdb_idl *,
                            struct ovsdb_idl_index *by_name,
                            const struct nbrec_chassis *,
                            const struct sset *unclaimed,
                            const struct simap *reserved,
                            const struct uuidset *local_nets);

#endif /* monitor.h */
