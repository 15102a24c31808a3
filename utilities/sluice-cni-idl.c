/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "utilities/sluice-cni-idl.h"
#include "openvswitch/poll-loop.h"
#include "timeval.h"
#include "util.h"

/* Runs 'idl' until 'ready(idl, aux)' returns true, sleeping in poll_block()
 * between its changes.  Returns true if it did, false if 'deadline' (in
 * time_msec() terms) passed first. */
bool
cni_idl_wait_until(struct ovsdb_idl *idl,
                   bool (*ready)(struct ovsdb_idl *, const void *aux),
                   const void *aux, long long int deadline)
{
    for (;;) {
        ovsdb_idl_run(idl);
        if (ready(idl, aux)) {
            return true;
        }
        if (time_msec() >= deadline) {
            return false;
        }
        ovsdb_idl_wait(idl);
        poll_timer_wait_until(deadline);
        poll_block();
    }
}

/* A cni_idl_wait_until() condition: 'idl' has the database's contents. */
bool
cni_idl_is_connected(struct ovsdb_idl *idl, const void *aux OVS_UNUSED)
{
    return ovsdb_idl_has_ever_connected(idl);
}

static bool
has_changed(struct ovsdb_idl *idl, const void *seqno_)
{
    const unsigned int *seqno = seqno_;
    return ovsdb_idl_get_seqno(idl) != *seqno;
}

/* Commits 'txn' (which the caller destroys).  Returns its status.  For
 * TXN_TRY_AGAIN, returns only once the IDL has the newer view of the
 * database that the transaction should be built again on, or else (at
 * 'deadline') TXN_ERROR.  On failure, stores a malloc()'d message in
 * '*error', otherwise NULL. */
enum ovsdb_idl_txn_status
cni_idl_commit(struct ovsdb_idl_txn *txn, long long int deadline,
               char **error)
{
    struct ovsdb_idl *idl = ovsdb_idl_txn_get_idl(txn);
    unsigned int seqno = ovsdb_idl_get_seqno(idl);
    enum ovsdb_idl_txn_status status = ovsdb_idl_txn_commit_block(txn);

    *error = NULL;
    if (status == TXN_TRY_AGAIN) {
        if (!cni_idl_wait_until(idl, has_changed, &seqno, deadline)) {
            *error = xstrdup("timed out retrying the transaction");
            status = TXN_ERROR;
        }
    } else if (status != TXN_SUCCESS && status != TXN_UNCHANGED) {
        *error = xasprintf("%s (%s)", ovsdb_idl_txn_status_to_string(status),
                           ovsdb_idl_txn_get_error(txn));
    }
    return status;
}
