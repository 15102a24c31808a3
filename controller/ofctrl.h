/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * ofctrl: the OpenFlow connection to one switch.  It keeps a copy of the
 * flows installed in the switch and, given the desired flow table, sends
 * only the difference, as one ordered and atomic OpenFlow bundle followed by
 * a barrier.  After a (re)connection it replaces all the switch's flows with
 * the desired ones inside one bundle, so the data plane never sees an empty
 * table.  Each put has a sequence number; the caller learns from
 * ofctrl_get_acked() when the switch has applied a put, to acknowledge
 * configuration only once it is really in effect. */

#ifndef OFCTRL_H
#define OFCTRL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ds;
struct flow_table;
struct ofctrl;
struct simap;
struct vconn;

struct ofctrl *ofctrl_create(void);
struct ofctrl *ofctrl_create_accepted(struct vconn *, const char *name);
void ofctrl_destroy(struct ofctrl *);
void ofctrl_set_target(struct ofctrl *, const char *target);

void ofctrl_run(struct ofctrl *);
void ofctrl_wait(struct ofctrl *);

bool ofctrl_is_connected(const struct ofctrl *);
bool ofctrl_is_alive(const struct ofctrl *);
uint64_t ofctrl_get_datapath_id(const struct ofctrl *);
const struct simap *ofctrl_get_ports(const struct ofctrl *,
                                    uint64_t *seqno);
uint64_t ofctrl_put(struct ofctrl *, struct flow_table *);
void ofctrl_force_full_sync(struct ofctrl *);
uint64_t ofctrl_get_acked(const struct ofctrl *);
bool ofctrl_is_synced(const struct ofctrl *);
size_t ofctrl_n_installed(const struct ofctrl *);
void ofctrl_status(const struct ofctrl *, struct ds *);

#endif /* ofctrl.h */
