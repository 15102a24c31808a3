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
  bfd                BFD control packets answered (with --bfd)

and two files about the connections it saw with a valid context, which
creating the file STATE/forget makes it forget (it then removes that file):
STATE/connections, one "SRC:SPORT > DST:DPORT PROTO DIRECTION COOKIE" line
per packet direction, sorted (the cookie is "-" for VXLAN), and
STATE/flows, one "PROTO SRC:SPORT DST:DPORT" line per connection, in the
direction of its first packet.

With --bfd (Geneve) it also speaks BFD (RFC 5880, asynchronous mode, every
100 ms) with the tunnel endpoints that send it BFD control packets inside
the tunnel, as Open vSwitch does on a tunnel port with BFD enabled,
instead of echoing those.
"""

import argparse
import os
import signal
import socket
import struct
import sys
import time

from inet import checksum

GENEVE_PORT = 6081
VXLAN_PORT = 4789
SLUICE_CLASS = 0xff51
SO_RCVBUFFORCE = 33             # Linux's; Python's socket module lacks it.
BFD_PORT = 3784
BFD_ADMIN_DOWN, BFD_DOWN, BFD_INIT, BFD_UP = 0, 1, 2, 3
BFD_POLL, BFD_FINAL = 0x20, 0x10


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--encap", choices=["geneve", "vxlan"], default="geneve")
    p.add_argument("--state", required=True, help="directory for counters")
    p.add_argument("--chain", type=int, required=True,
                   help="the chain ID to expect")
    p.add_argument("--hop", type=int, default=1, help="the hop to expect")
    p.add_argument("--vni", type=int, help="the network VNI to expect "
                   "(Geneve)")
    p.add_argument("--bfd", action="store_true",
                   help="speak BFD (Geneve)")
    return p.parse_args()


class BfdSession:
    """A BFD session with one tunnel endpoint: it follows the state that
    the endpoint's control packets report (RFC 5880, 6.8.6) and sends its
    own every 100 ms, inside the tunnel, back to where they came from."""

    INTERVAL = 0.1

    def __init__(self, discriminator):
        self.state = BFD_DOWN
        self.discriminator = discriminator
        self.their_discriminator = 0
        self.template = None        # (tunnel header, Ethernet frame)
        self.sent = 0.0

    def receive(self, header, frame):
        """If Ethernet 'frame' (in a tunnel whose header is 'header') is an
        IPv4 BFD control packet, takes it in and returns the answer (with
        the Final bit if it polls); returns None for any other frame."""
        if (len(frame) < 34 or frame[12:14] != b"\x08\x00"
                or frame[23] != 17):
            return None
        ihl = (frame[14] & 0x0f) * 4
        udp = frame[14 + ihl:]
        if (len(udp) < 8 + 24 or struct.unpack("!H", udp[2:4])[0] != BFD_PORT
                or udp[8] >> 5 != 1):
            return None
        their_state, flags = udp[9] >> 6, udp[9] & 0x3f
        self.their_discriminator = struct.unpack("!I", udp[12:16])[0]
        if their_state == BFD_ADMIN_DOWN:
            self.state = BFD_DOWN
        elif self.state == BFD_DOWN:
            self.state = {BFD_DOWN: BFD_INIT,
                          BFD_INIT: BFD_UP}.get(their_state, self.state)
        elif self.state == BFD_INIT:
            if their_state in (BFD_INIT, BFD_UP):
                self.state = BFD_UP
        elif their_state == BFD_DOWN:
            self.state = BFD_DOWN
        self.template = (header, frame)
        return self.packet(flags & BFD_POLL)

    def packet(self, final=False):
        """Returns the tunnel packet of a control packet with the session's
        state, addressed back to the endpoint."""
        self.sent = time.monotonic()
        header, frame = self.template
        bfd = struct.pack("!BBBBIIIII", 1 << 5,
                          self.state << 6 | (BFD_FINAL if final else 0), 3,
                          24, self.discriminator, self.their_discriminator,
                          int(self.INTERVAL * 1e6), int(self.INTERVAL * 1e6),
                          0)
        udp = struct.pack("!HHHH", 49152, BFD_PORT, 8 + len(bfd), 0) + bfd
        ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0xc0,
                                   20 + len(udp), 0, 0, 255, 17, 0,
                                   frame[30:34], frame[26:30]))
        ip[10:12] = struct.pack("!H", checksum(bytes(ip)))
        return (header + frame[6:12] + frame[0:6] + frame[12:14] + bytes(ip)
                + udp)


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
    counts = {"forward": 0, "reverse": 0, "bad": 0, "asymmetric": 0,
              "bfd": 0}
    sessions = {}
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
    sock.settimeout(BfdSession.INTERVAL / 2)
    write(True)
    while True:
        for addr, session in sessions.items():
            if (session.template
                    and time.monotonic() - session.sent >= session.INTERVAL):
                sock.sendto(session.packet(), (addr, port))
        try:
            data, (addr, _) = sock.recvfrom(65535)
        except socket.timeout:
            write()
            continue
        if args.bfd and args.encap == "geneve" and len(data) >= 8:
            # A session per tunnel endpoint: every Open vSwitch uses the
            # same link-local addresses for BFD.
            inner = 8 + (data[0] & 0x3f) * 4
            session = sessions.get(addr)
            if session is None:
                session = sessions[addr] = BfdSession(len(sessions) + 1)
            answer = session.receive(data[:inner], data[inner:])
            if answer:
                counts["bfd"] += 1
                sock.sendto(answer, (addr, port))
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
