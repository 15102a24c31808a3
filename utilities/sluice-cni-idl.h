/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * OVSDB client plumbing that sluice-cni's connections to the local Open
 * vSwitch database and to the northbound database share: waiting, without
 * polling, until a condition on an IDL holds, and committing a transaction
 * with a deadline. */

#ifndef SLUICE_CNI_IDL_H
#define SLUICE_CNI_IDL_H 1

#include <stdbool.h>
#include "ovsdb-idl.h"

bool cni_idl_wait_until(struct ovsdb_idl *,
                        bool (*ready)(struct ovsdb_idl *, const void *aux),
                        const void *aux, long long int deadline);
bool cni_idl_is_connected(struct ovsdb_idl *, const void *aux);
enum ovsdb_idl_txn_status cni_idl_commit(struct ovsdb_idl_txn *,
                                         long long int deadline,
                                         char **error);

#endif /* sluice-cni-idl.h */
