#! /usr/bin/env python3
# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
#
# A steady TCP stream whose every byte is checked, for tests that disturb
# the path while it flows (restarting a daemon, failing over a service).
#
#   tcp-stream.py recv ADDR PORT           prints "OK BYTES" at the end, or
#                                           "ERROR ..." on a reset or a byte
#                                           out of sequence
#   tcp-stream.py send ADDR PORT SECONDS [SPORT]
#                                           sends a known byte sequence at a
#                                           steady rate for SECONDS (from
#                                           source port SPORT), then prints
#                                           "SENT BYTES" and "RETRANSMITS N",
#                                           the segments TCP had to resend
#
# The stream is the repeated sequence 0, 1, ..., 250, so the receiver can
# check every byte without a copy of what was sent.

import socket
import struct
import sys
import time

PATTERN = bytes(range(251)) * 8


def recv(addr, port):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    srv.settimeout(60)
    conn, _ = srv.accept()
    conn.settimeout(60)
    total = 0
    try:
        while True:
            data = conn.recv(65536)
            if not data:
                break
            for i, b in enumerate(data):
                if b != (total + i) % 251:
                    print("ERROR byte %d is %d" % (total + i, b))
                    return 1
            total += len(data)
    except OSError as e:
        print("ERROR %s after %d bytes" % (e, total))
        return 1
    print("OK %d" % total)
    return 0


def send(addr, port, seconds, sport=0):
    sock = socket.create_connection((addr, port), timeout=60,
                                    source_address=("", sport))
    sent = 0
    end = time.time() + seconds
    while time.time() < end:
        chunk = PATTERN[sent % 251:] + PATTERN[:sent % 251]
        sock.sendall(chunk[:2008])
        sent += 2008
        time.sleep(0.002)
    sock.shutdown(socket.SHUT_WR)
    sock.recv(1)
    # struct tcp_info's tcpi_total_retrans, at offset 100.
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    sock.close()
    print("SENT %d" % sent)
    print("RETRANSMITS %d" % struct.unpack_from("I", info, 100))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "recv":
        sys.exit(recv(sys.argv[2], int(sys.argv[3])))
    sys.exit(send(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]),
                  int(sys.argv[5]) if len(sys.argv) > 5 else 0))
