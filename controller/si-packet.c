/* Copyright (c) 2026 The Sluice Authors.
 * Licensed under the Apache License, Version 2.0 (see LICENSE). */

#include <config.h>
#include "controller/si-packet.h"
#include <netinet/icmp6.h>
#include <netinet/ip6.h>
#include <string.h>
#include "controller/si-flows.h"
#include "csum.h"
#include "openvswitch/ofpbuf.h"
#include "packets.h"
#include "util.h"

/* The probe's addresses: link-local, so that nothing routes them. */
#define PROBE_SRC_IP 0xa9fe0001     /* 169.254.0.1 */
#define PROBE_DST_IP 0xa9fe0002     /* 169.254.0.2 */

/* What a probe's ICMP payload starts with. */
static const char probe_magic[8] = "slprobe";

/* The most bytes of the offending packet that an ICMP error quotes: an
 * IPv4 error stays within 576 bytes, an IPv6 one within 1280. */
#define QUOTE_MAX_V4 (576 - IP_HEADER_LEN - ICMP_HEADER_LEN)
#define QUOTE_MAX_V6 (1280 - IPV6_HEADER_LEN - ICMP6_DATA_HEADER_LEN)

static struct eth_addr
parse_mac(const char *s)
{
    struct eth_addr mac;
    ovs_assert(eth_addr_from_string(s, &mac));
    return mac;
}

/* Replaces the contents of 'b' by a probe for the instance that this
 * chassis numbers 'number', with sequence number 'seq'. */
void
si_packet_probe(struct ofpbuf *b, uint16_t number, uint16_t seq)
{
    /* Room for the whole packet, so that the pointers into it stay. */
    ofpbuf_clear(b);
    ofpbuf_prealloc_tailroom(b, ETH_HEADER_LEN + IP_HEADER_LEN
                             + ICMP_HEADER_LEN + sizeof probe_magic);

    struct eth_header *eth = ofpbuf_put_zeros(b, sizeof *eth);
    eth->eth_dst = parse_mac(SI_PROBE_DST_MAC);
    eth->eth_src = parse_mac(SI_PROBE_SRC_MAC);
    eth->eth_type = htons(ETH_TYPE_IP);

    size_t payload = sizeof probe_magic;
    struct ip_header *ip = ofpbuf_put_zeros(b, sizeof *ip);
    ip->ip_ihl_ver = IP_IHL_VER(5, 4);
    ip->ip_tot_len = htons(IP_HEADER_LEN + ICMP_HEADER_LEN + payload);
    ip->ip_ttl = 64;
    ip->ip_proto = IPPROTO_ICMP;
    put_16aligned_be32(&ip->ip_src, htonl(PROBE_SRC_IP));
    put_16aligned_be32(&ip->ip_dst, htonl(PROBE_DST_IP));
    ip->ip_csum = csum(ip, sizeof *ip);

    struct icmp_header *icmp = ofpbuf_put_zeros(b, sizeof *icmp);
    icmp->icmp_type = ICMP4_ECHO_REQUEST;
    icmp->icmp_fields.echo.id = htons(number);
    icmp->icmp_fields.echo.seq = htons(seq);
    ofpbuf_put(b, probe_magic, payload);
    icmp->icmp_csum = csum(icmp, ICMP_HEADER_LEN + payload);
}

/* Returns true if the 'size' bytes at 'data' are a probe that
 * si_packet_probe() made, storing its instance number and sequence number
 * in '*number' and '*seq'. */
bool
si_packet_parse_probe(const void *data, size_t size, uint16_t *number,
                      uint16_t *seq)
{
    size_t len = (ETH_HEADER_LEN + IP_HEADER_LEN + ICMP_HEADER_LEN
                  + sizeof probe_magic);
    if (size < len) {
        return false;
    }

    const struct eth_header *eth = data;
    const struct ip_header *ip = (const void *) (eth + 1);
    const struct icmp_header *icmp = (const void *) (ip + 1);
    if (eth->eth_type != htons(ETH_TYPE_IP)
        || ip->ip_proto != IPPROTO_ICMP
        || icmp->icmp_type != ICMP4_ECHO_REQUEST
        || memcmp(icmp + 1, probe_magic, sizeof probe_magic)) {
        return false;
    }
    *number = ntohs(icmp->icmp_fields.echo.id);
    *seq = ntohs(icmp->icmp_fields.echo.seq);
    return true;
}

/* Makes in 'reply' the ICMP error that tells the sender of the 'size'-byte
 * Ethernet frame at 'data' (an IPv4 or IPv6 packet) that packets above
 * 'mtu' bytes do not fit: "fragmentation needed" for IPv4, "packet too big"
 * for IPv6.  The error comes from the packet's destination, with the
 * Ethernet addresses swapped.  Returns false, with nothing in 'reply', for a
 * packet that must get no such error: not IP, an IPv4 packet that may be
 * fragmented, or an ICMP error itself. */
bool
si_packet_too_big(const void *data, size_t size, int mtu,
                  struct ofpbuf *reply)
{
    /* Room for the whole error, so that the pointers into it stay. */
    ofpbuf_clear(reply);
    ofpbuf_prealloc_tailroom(reply, ETH_HEADER_LEN + 1280);
    if (size < ETH_HEADER_LEN) {
        return false;
    }
    const struct eth_header *eth = data;
    const uint8_t *l3 = (const uint8_t *) data + ETH_HEADER_LEN;
    size_t l3_size = size - ETH_HEADER_LEN;

    struct eth_header *reth = ofpbuf_put_zeros(reply, sizeof *reth);
    reth->eth_dst = eth->eth_src;
    reth->eth_src = eth->eth_dst;
    reth->eth_type = eth->eth_type;

    if (eth->eth_type == htons(ETH_TYPE_IP) && l3_size >= IP_HEADER_LEN) {
        const struct ip_header *ip = (const void *) l3;
        const struct icmp_header *icmp = (const void *) (ip + 1);
        size_t ihl = IP_IHL(ip->ip_ihl_ver) * 4;
        if (!(ip->ip_frag_off & htons(IP_DONT_FRAGMENT))
            || ihl < IP_HEADER_LEN || l3_size < ihl
            || (ip->ip_proto == IPPROTO_ICMP
                && (l3_size < ihl + ICMP_HEADER_LEN
                    || (icmp->icmp_type != ICMP4_ECHO_REQUEST
                        && icmp->icmp_type != ICMP4_ECHO_REPLY)))) {
            ofpbuf_clear(reply);
            return false;
        }
        size_t quote = MIN(l3_size, QUOTE_MAX_V4);

        struct ip_header *rip = ofpbuf_put_zeros(reply, sizeof *rip);
        rip->ip_ihl_ver = IP_IHL_VER(5, 4);
        rip->ip_tot_len = htons(IP_HEADER_LEN + ICMP_HEADER_LEN + quote);
        rip->ip_ttl = 64;
        rip->ip_proto = IPPROTO_ICMP;
        rip->ip_src = ip->ip_dst;
        rip->ip_dst = ip->ip_src;
        rip->ip_csum = csum(rip, sizeof *rip);

        struct icmp_header *ricmp = ofpbuf_put_zeros(reply, sizeof *ricmp);
        ricmp->icmp_type = ICMP4_DST_UNREACH;
        ricmp->icmp_code = 4;   /* Fragmentation needed. */
        ricmp->icmp_fields.frag.mtu = htons(mtu);
        ofpbuf_put(reply, l3, quote);
        ricmp->icmp_csum = csum(ricmp, ICMP_HEADER_LEN + quote);
        return true;
    } else if (eth->eth_type == htons(ETH_TYPE_IPV6)
               && l3_size >= IPV6_HEADER_LEN) {
        const struct ovs_16aligned_ip6_hdr *ip6 = (const void *) l3;
        const struct icmp6_header *icmp6 = (const void *) (ip6 + 1);
        if (ip6->ip6_nxt == IPPROTO_ICMPV6
            && (l3_size < IPV6_HEADER_LEN + ICMP6_HEADER_LEN
                || icmp6->icmp6_type < 128)) {
            ofpbuf_clear(reply);
            return false;
        }
        size_t quote = MIN(l3_size, QUOTE_MAX_V6);

        struct ovs_16aligned_ip6_hdr *rip6 = ofpbuf_put_zeros(reply,
                                                              sizeof *rip6);
        put_16aligned_be32(&rip6->ip6_flow, htonl(6 << 28));
        rip6->ip6_plen = htons(ICMP6_DATA_HEADER_LEN + quote);
        rip6->ip6_nxt = IPPROTO_ICMPV6;
        rip6->ip6_hlim = 64;
        rip6->ip6_src = ip6->ip6_dst;
        rip6->ip6_dst = ip6->ip6_src;

        struct icmp6_data_header *ricmp6 = ofpbuf_put_zeros(
            reply, sizeof *ricmp6);
        ricmp6->icmp6_base.icmp6_type = ICMP6_PACKET_TOO_BIG;
        put_16aligned_be32(&ricmp6->icmp6_data.be32[0], htonl(mtu));
        ofpbuf_put(reply, l3, quote);
        uint32_t partial = packet_csum_pseudoheader6(rip6);
        ricmp6->icmp6_base.icmp6_cksum = csum_finish(
            csum_continue(partial, ricmp6, ICMP6_DATA_HEADER_LEN + quote));
        return true;
    }
    ofpbuf_clear(reply);
    return false;
}
