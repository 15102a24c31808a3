/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * Translation of the "steer" and "accept" actions: the decisions that
 * ofproto/ofproto-dpif-xlate.c's xlate_steer() and xlate_accept() make, kept
 * out of that file so that the patch to it stays small.  Everything here
 * works on a struct flow and its wildcards; the caller owns the translation
 * context, reports the notes that these functions produce to
 * "ofproto/trace", and emits the output or resubmit.
 *
 * Compiled into libofproto by the patches in ofproto-ext/patches/. */

#ifndef SI_XLATE_H
#define SI_XLATE_H 1

#include <stdbool.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct flow;
struct flow_tnl;
struct flow_wildcards;
struct ofpact_accept;
struct ofpact_steer;
struct svec;

/* How the caller judges a member port of "steer". */
enum si_member_state {
    SI_MEMBER_LIVE,             /* Exists and may be used for forwarding. */
    SI_MEMBER_DOWN,             /* Exists, but is down or BFD/CFM says so. */
    SI_MEMBER_MISSING,          /* No such port in the bridge. */
};

/* The member that "steer" chose. */
struct si_steer_choice {
    unsigned int index;         /* 1-based index in 'members', 0 if none. */
    ofp_port_t port;            /* The member's port, OFPP_NONE if none. */
    bool hashed;                /* Chosen by hash among live members? */
};

void si_steer_choose(const struct ofpact_steer *, struct flow *,
                     struct flow_wildcards *,
                     enum si_member_state (*member_state)(ofp_port_t,
                                                           void *aux),
                     void *aux, struct si_steer_choice *,
                     struct svec *notes);
void si_steer_encap(const struct ofpact_steer *, struct flow *,
                    struct flow_wildcards *, struct svec *notes);

bool si_accept_execute(const struct ofpact_accept *,
                       const struct flow *upcall_flow, struct flow *,
                       struct flow_wildcards *, bool count_invalid,
                       bool *read_raw_options, struct svec *notes);
void si_accept_mask_raw_options(const struct flow_tnl *upcall_tnl,
                                struct flow_tnl *mask);

#endif /* si-xlate.h */
