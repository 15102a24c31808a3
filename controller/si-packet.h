/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE).
 *
 * The packets that the controller itself makes for service insertion: the
 * probes that it sends through port pairs (an ICMP echo request between
 * link-local addresses, with Sluice's probe MACs, that a bump in the wire
 * forwards unchanged), and the ICMP errors that tell a sender that its
 * packet was too big for an instance's encapsulation, so that path MTU
 * discovery makes it send smaller packets.  Pure functions. */

#ifndef SI_PACKET_H
#define SI_PACKET_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ofpbuf;

void si_packet_probe(struct ofpbuf *, uint16_t number, uint16_t seq);
bool si_packet_parse_probe(const void *, size_t, uint16_t *number,
                           uint16_t *seq);
bool si_packet_too_big(const void *, size_t, int mtu, struct ofpbuf *);

#endif /* si-packet.h */
