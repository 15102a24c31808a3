/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Service-insertion counters: every few seconds the controller asks the
 * switch for the statistics of the flows that count (those that si-flows.h
 * puts in OFTABLE_SI_COUNT for rules, OFTABLE_SI_CHAIN for chains,
 * OFTABLE_SI_SEND for instances, and the drops of invalid returns in
 * OFTABLE_SI_ACCEPT), adds them up by the row that owns each flow (its
 * cookie), and writes them to the rows' "statistics" columns in the
 * northbound database under "CHASSIS:packets", "CHASSIS:bytes" and
 * "CHASSIS:invalid", where they changed.  sluice-ctl adds up the
 * chassis. */

#ifndef SI_STATS_H
#define SI_STATS_H 1

#include <stdint.h>

struct nbrec_chassis;
struct ofctrl;
struct ovsdb_idl;
struct ovsdb_idl_txn;

/* When the statistics were last asked for and taken in. */
struct si_stats {
    long long int next_request;
    uint64_t seq;               /* The ofctrl round last taken in. */
};

void si_stats_init(struct si_stats *);
void si_stats_run(struct si_stats *, struct ofctrl *, struct ovsdb_idl_txn *,
                  struct ovsdb_idl *nb, const struct nbrec_chassis *);
void si_stats_wait(const struct si_stats *);

#endif /* si-stats.h */
