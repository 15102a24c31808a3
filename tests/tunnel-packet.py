#! /usr/bin/env python3
# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# Prints, in hex, an Ethernet frame that carries a Geneve or VXLAN packet
# whose inner frame is an ICMP echo request, for "netdev-dummy/receive" in
# the autotest suite.  The defaults match the underlay of
# tests/ofproto-ext.at: from 1.1.2.92 (f8:bc:12:44:34:b6) to the bridge
# br0 at 1.1.2.88 (aa:55:aa:55:00:00).

import argparse
import struct
import sys

from inet import checksum


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip(s):
    return bytes(int(x) for x in s.split("."))


def ipv4(src, dst, proto, payload, ident=0):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident,
                      0x4000, 64, proto, 0, ip(src), ip(dst))
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return hdr + payload


def inner_frame(args):
    icmp = struct.pack("!BBHHH", 8, 0, 0, 0x1234, args.seq) + b"sluice" * 8
    icmp = icmp[:2] + struct.pack("!H", checksum(icmp)) + icmp[4:]
    return (mac(args.inner_dst_mac) + mac(args.inner_src_mac) + b"\x08\x00"
            + ipv4(args.inner_src, args.inner_dst, 1, icmp))


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("encap", choices=["geneve", "vxlan"])
    p.add_argument("--vni", type=lambda x: int(x, 0), required=True)
    p.add_argument("--options", default="",
                   help="Geneve options, in hex, as on the wire")
    p.add_argument("--src", default="1.1.2.92")
    p.add_argument("--dst", default="1.1.2.88")
    p.add_argument("--src-mac", default="f8:bc:12:44:34:b6")
    p.add_argument("--dst-mac", default="aa:55:aa:55:00:00")
    p.add_argument("--inner-src", default="10.0.0.1")
    p.add_argument("--inner-dst", default="10.0.0.2")
    p.add_argument("--inner-src-mac", default="50:54:00:00:00:01")
    p.add_argument("--inner-dst-mac", default="50:54:00:00:00:02")
    p.add_argument("--seq", type=int, default=1)
    args = p.parse_args()

    inner = inner_frame(args)
    if args.encap == "geneve":
        opts = bytes.fromhex(args.options)
        if len(opts) % 4:
            sys.exit("Geneve options must be a multiple of 4 bytes")
        tunnel = struct.pack("!BBHI", len(opts) // 4, 0, 0x6558,
                             args.vni << 8) + opts
        port = 6081
    else:
        tunnel = struct.pack("!II", 0x08000000, args.vni << 8)
        port = 4789
    udp_payload = tunnel + inner
    udp = struct.pack("!HHHH", 49152, port, 8 + len(udp_payload), 0)
    frame = (mac(args.dst_mac) + mac(args.src_mac) + b"\x08\x00"
             + ipv4(args.src, args.dst, 17, udp + udp_payload))
    print(frame.hex())


if __name__ == "__main__":
    main()
