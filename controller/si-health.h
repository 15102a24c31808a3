/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The health of service instances as this chassis sees it.  The chassis
 * probes the instances it may send traffic to, as their service's
 * health_check says: appliances with ICMP echo or a TCP connection to their
 * underlay address, or through BFD on their tunnel port (whose state OVS
 * reports in the local database); port pairs on this chassis with a probe
 * packet through the pair (si-packet.h).  An instance is down after the
 * given number of consecutive failed probes and up again after one that
 * succeeds; it starts up.  For a port pair on another chassis, that
 * chassis' view in the northbound database counts.
 *
 * The flows act on health through si.c (an instance that is down takes no
 * new connections, and its pinned connections move); the data path itself
 * fails over faster where it can, on a port's link state or BFD (bucket
 * liveness, si-flows.h).  The controller writes its view to the northbound
 * Service_Instance.health column. */

#ifndef SI_HEALTH_H
#define SI_HEALTH_H 1

#include <stdbool.h>
#include <stdint.h>

struct ds;
struct nbrec_chassis;
struct nbrec_service_instance;
struct ofctrl;
struct ovsdb_idl;
struct ovsdb_idl_txn;
struct si_ctx;
struct uuidset;

struct si_health *si_health_create(void);
void si_health_destroy(struct si_health *);
void si_health_run(struct si_health *, const struct si_ctx *,
                   struct ovsdb_idl *nb, struct ovsdb_idl *ovs,
                   struct ofctrl *);
void si_health_wait(struct si_health *);
void si_health_probe_reply(struct si_health *, uint16_t number,
                           uint16_t seq);
bool si_health_is_up(const struct si_health *,
                     const struct nbrec_service_instance *);
bool si_health_take_changes(struct si_health *, struct uuidset *);
void si_health_report(struct si_health *, struct ovsdb_idl_txn *,
                      struct ovsdb_idl *nb, const struct nbrec_chassis *);
void si_health_format(const struct si_health *, struct ovsdb_idl *nb,
                      struct ds *);

#endif /* si-health.h */
