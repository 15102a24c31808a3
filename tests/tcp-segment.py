#! /usr/bin/env python3
# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# Prints, in hex, an Ethernet frame that carries a TCP SYN from
# 10.0.0.1:SPORT to 10.0.0.2:80 with LENGTH bytes of payload, for
# "netdev-dummy/receive" in the autotest suite.  Its checksums are computed
# here, 16 bits at a time; with --corrupt, one payload byte changes after.

import argparse
import struct

from inet import checksum


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("sport", type=int)
    parser.add_argument("length", type=int)
    parser.add_argument("--corrupt", action="store_true")
    args = parser.parse_args()

    src, dst = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
    payload = bytes((i * 7 + 3) % 256 for i in range(args.length))
    tcp = struct.pack("!HHIIBBHHH", args.sport, 80, 0, 0, 0x50, 0x02, 8192,
                      0, 0) + payload
    pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    if args.corrupt:
        tcp = tcp[:-1] + bytes([tcp[-1] ^ 0x10])
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0, 64, 6, 0,
                     src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    eth = bytes.fromhex("505400000002505400000001") + b"\x08\x00"
    print((eth + ip + tcp).hex())


if __name__ == "__main__":
    main()
