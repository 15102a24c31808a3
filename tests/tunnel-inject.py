#! /usr/bin/env python3
# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# Sends one tunnel packet, as a chassis (or an attacker) would: a UDP packet
# to a host's tunnel IP, with a Geneve or VXLAN header and an inner
# Ethernet/IPv4/UDP frame carrying PAYLOAD.  The system tests use it to check
# which tunnel packets a host accepts.

import argparse
import socket
import struct

from inet import checksum


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def inner_frame(args):
    payload = args.payload.encode()
    udp_len = 8 + len(payload)
    src = socket.inet_aton(args.inner_src_ip)
    dst = socket.inet_aton(args.inner_dst_ip)
    pseudo = src + dst + struct.pack("!BBH", 0, 17, udp_len)
    udp = struct.pack("!HHHH", 40000, args.inner_port, udp_len, 0) + payload
    udp = udp[:6] + struct.pack("!H", checksum(pseudo + udp) or 0xffff) \
        + udp[8:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0x4000, 64,
                     17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = mac(args.inner_dst_mac) + mac(args.inner_src_mac) + b"\x08\x00"
    return eth + ip + udp


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--encap", choices=["geneve", "vxlan"], required=True)
    p.add_argument("--dst", required=True, help="host tunnel IP")
    p.add_argument("--vni", type=int, required=True)
    p.add_argument("--inner-src-mac", required=True)
    p.add_argument("--inner-dst-mac", required=True)
    p.add_argument("--inner-src-ip", required=True)
    p.add_argument("--inner-dst-ip", required=True)
    p.add_argument("--inner-port", type=int, default=9999)
    p.add_argument("--payload", default="injected")
    args = p.parse_args()

    if args.encap == "geneve":
        # Version 0, no options, protocol Transparent Ethernet Bridging.
        header = struct.pack("!BBHI", 0, 0, 0x6558, args.vni << 8)
        port = 6081
    else:
        header = struct.pack("!II", 0x08000000, args.vni << 8)
        port = 4789
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.sendto(header + inner_frame(args), (args.dst, port))


if __name__ == "__main__":
    main()
