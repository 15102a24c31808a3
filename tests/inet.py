# Copyright (c) 2026 The Sluice Authors.
# Licensed under the Apache License, Version 2.0 (see LICENSE).
"""What the test suite's packet tools share about Internet protocols."""

import struct


def checksum(data):
    """The Internet checksum (RFC 1071) of 'data'."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff
