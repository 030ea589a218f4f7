"""Identifiers in the shapes AWS uses."""

from __future__ import annotations

import os

DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"


def request_id() -> str:
    """A request id as Lambda prints it: a lower-case UUID4 (formatted directly: it is on the hot path)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def hex_id(length: int = 32) -> str:
    return os.urandom((length + 1) // 2).hex()[:length]
