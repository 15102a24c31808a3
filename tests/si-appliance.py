#! /usr/bin/env python3
# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
"""A tunnel-aware service appliance for the system tests and benchmarks.

It receives the packets that Sluice steers to it on a UDP socket (Geneve
on port 6081, or VXLAN on port 4789), checks the service context that they
carry against what it expects (docs/service-insertion.md), and sends every
packet back to its sender unchanged, as AWS and Azure Gateway Load Balancer
appliances do.  It keeps counters in STATE/counts, one "NAME VALUE" line
each, rewritten atomically at most every 0.2 s and at exit:

  forward, reverse   packets with a valid context, by direction
  bad                packets whose context is missing, malformed, or names
                     another chain, hop or network than expected
  asymmetric         connections whose two directions carried different
                     flow cookies (Geneve)

and two files about the connections it saw with a valid context, which
creating the file STATE/forget makes it forget (it then removes that file):
STATE/connections, one "SRC:SPORT > DST:DPORT PROTO DIRECTION COOKIE" line
per packet direction, sorted (the cookie is "-" for VXLAN), and
STATE/flows, one "PROTO SRC:SPORT DST:DPORT" line per connection, in the
direction of its first packet.
"""

import argparse
import os
import signal
import socket
import struct
import sys
import time

GENEVE_PORT = 6081
VXLAN_PORT = 4789
SLUICE_CLASS = 0xff51
SO_RCVBUFFORCE = 33             # Linux's; Python's socket module lacks it.


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--encap", choices=["geneve", "vxlan"], default="geneve")
    p.add_argument("--state", required=True, help="directory for counters")
    p.add_argument("--chain", type=int, required=True,
                   help="the chain ID to expect")
    p.add_argument("--hop", type=int, default=1, help="the hop to expect")
    p.add_argument("--vni", type=int, help="the network VNI to expect "
                   "(Geneve)")
    return p.parse_args()


def five_tuple(frame):
    """Returns ((src, sport), (dst, dport), proto) of an IPv4 frame, or
    None."""
    if len(frame) < 34 or frame[12:14] != b"\x08\x00":
        return None
    ihl = (frame[14] & 0x0f) * 4
    proto = frame[23]
    src, dst = frame[26:30], frame[30:34]
    sport = dport = 0
    if proto in (6, 17) and len(frame) >= 14 + ihl + 4:
        sport, dport = struct.unpack("!HH", frame[14 + ihl:18 + ihl])
    return (src, sport), (dst, dport), proto


def geneve_context(data):
    """Returns (chain, hop, reverse, vni, cookie, inner frame) of a Geneve
    packet with a valid Sluice option, or None."""
    if len(data) < 8:
        return None
    opts_len = (data[0] & 0x3f) * 4
    opts = data[8:8 + opts_len]
    ofs = 0
    while ofs + 4 <= len(opts):
        cls, typ, length = struct.unpack("!HBB", opts[ofs:ofs + 4])
        size = 4 + (length & 0x1f) * 4
        if cls == SLUICE_CLASS and typ == 1:
            if size != 16 or ofs + size > len(opts):
                return None
            chain, hop, flags, vni_rsvd, cookie = struct.unpack(
                "!HBBII", opts[ofs + 4:ofs + 16])
            if flags & 0xfe or vni_rsvd & 0xff:
                return None
            return (chain, hop, flags & 1, vni_rsvd >> 8, cookie,
                    data[8 + opts_len:])
        ofs += size
    return None


def vxlan_context(data):
    """Returns (chain, hop, reverse, None, None, inner frame) of a VXLAN
    packet whose VNI is a valid Sluice context, or None."""
    if len(data) < 8 or not data[0] & 0x08:
        return None
    vni = struct.unpack("!I", data[4:8])[0] >> 8
    if vni & 0x7f:
        return None
    return vni >> 12, (vni >> 8) & 0xf, (vni >> 7) & 1, None, None, data[8:]


def main():
    args = parse_args()
    port = GENEVE_PORT if args.encap == "geneve" else VXLAN_PORT
    context = geneve_context if args.encap == "geneve" else vxlan_context
    counts = {"forward": 0, "reverse": 0, "bad": 0, "asymmetric": 0}
    cookies = {}
    seen = set()
    flows = {}
    written = [0.0]

    def write(force=False):
        forget = os.path.join(args.state, "forget")
        if os.path.exists(forget):
            seen.clear()
            flows.clear()
            os.remove(forget)
            force = True
        now = time.monotonic()
        if not force and now - written[0] < 0.2:
            return
        written[0] = now
        tmp = os.path.join(args.state, "counts.tmp")
        with open(tmp, "w") as f:
            for name, value in counts.items():
                f.write("%s %d\n" % (name, value))
        os.rename(tmp, os.path.join(args.state, "counts"))
        tmp = os.path.join(args.state, "connections.tmp")
        with open(tmp, "w") as f:
            f.write("".join("%s\n" % line for line in sorted(seen)))
        os.rename(tmp, os.path.join(args.state, "connections"))
        tmp = os.path.join(args.state, "flows.tmp")
        with open(tmp, "w") as f:
            f.writelines(flows.values())
        os.rename(tmp, os.path.join(args.state, "flows"))

    def stop(signum, frame):
        write(True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # Room for bursts: a slow appliance should not be a lossy one.
    sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 1 << 23)
    sock.bind(("0.0.0.0", port))
    sock.settimeout(0.2)
    write(True)
    while True:
        try:
            data, (addr, _) = sock.recvfrom(65535)
        except socket.timeout:
            write()
            continue
        ctx = context(data)
        if (ctx is None or ctx[0] != args.chain or ctx[1] != args.hop
                or (args.vni is not None and ctx[3] != args.vni)):
            counts["bad"] += 1
        else:
            counts["reverse" if ctx[2] else "forward"] += 1
            tup = five_tuple(ctx[5])
            if tup:
                seen.add("%s:%d > %s:%d %d %s %s" % (
                    socket.inet_ntoa(tup[0][0]), tup[0][1],
                    socket.inet_ntoa(tup[1][0]), tup[1][1], tup[2],
                    "reverse" if ctx[2] else "forward",
                    "-" if ctx[4] is None else "%#x" % ctx[4]))
                key = (min(tup[0], tup[1]), max(tup[0], tup[1]), tup[2])
                flows.setdefault(key, "%d %s:%d %s:%d\n" % (
                    tup[2], socket.inet_ntoa(tup[0][0]), tup[0][1],
                    socket.inet_ntoa(tup[1][0]), tup[1][1]))
                if (ctx[4] is not None
                        and cookies.setdefault(key, ctx[4]) != ctx[4]):
                    counts["asymmetric"] += 1
        sock.sendto(data, (addr, port))
        write()


if __name__ == "__main__":
    main()
