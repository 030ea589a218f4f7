"""The identifiers API Gateway and Lambda put on every request and response.

They are cut from a buffer of random bytes refilled from ``os.urandom`` now and then, rather than asking
the kernel for a few bytes several times per request.
"""

from __future__ import annotations

import base64
import os

_REFILL = 4096


class _RandomBytes:
    def __init__(self) -> None:
        self._buffer = b""
        self._at = 0

    def take(self, count: int) -> bytes:
        if self._at + count > len(self._buffer):
            self._buffer = os.urandom(_REFILL)
            self._at = 0
        start = self._at
        self._at = start + count
        return self._buffer[start : self._at]


_random = _RandomBytes()


def request_id() -> str:
    """A lower-case UUID4, as Lambda and API Gateway write request ids (``x-amzn-RequestId``)."""
    raw = bytearray(_random.take(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def short_id() -> str:
    """``Bdd2ngt5iGYEMIg=``: API Gateway's ``extendedRequestId``/``x-amz-apigw-id``, and an HTTP API's
    ``requestId``/``apigw-requestid`` (16 characters: eleven random bytes in base64)."""
    return base64.b64encode(_random.take(11)).decode()


def trace_id(now: float) -> str:
    """``Root=1-<epoch seconds in hex>-<24 hex digits>``, the X-Ray trace header's form."""
    return f"Root=1-{int(now):08x}-{_random.take(12).hex()}"
