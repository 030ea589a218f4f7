"""Framing between the server and its worker processes.

A frame is an 8-byte header (two big-endian uint32: meta length, body length), a JSON meta object
and a raw body. Payloads travel as raw bytes, never re-encoded.
"""

from __future__ import annotations

import json
import socket
import struct
from collections import deque
from collections.abc import Callable
from typing import Any

HEADER = struct.Struct(">II")
MAX_META = 1 << 20


_ENCODER = json.JSONEncoder(separators=(",", ":"))


def encode(meta: dict[str, Any], body: bytes = b"") -> bytes:
    meta_bytes = _ENCODER.encode(meta).encode()
    return HEADER.pack(len(meta_bytes), len(body)) + meta_bytes + body


class FrameReader:
    """Incremental decoder: feed bytes, get complete frames."""

    def __init__(self, loads: Callable[[bytes], Any] = json.loads) -> None:
        self._loads = loads
        self._buffer = bytearray()
        #: frames decoded but not yet consumed by :func:`recv_frame`
        self.pending: deque[tuple[dict[str, Any], bytes]] = deque()

    def feed(self, data: bytes) -> list[tuple[dict[str, Any], bytes]]:
        if not self._buffer and len(data) >= HEADER.size:
            # the usual case: exactly one whole frame arrived at once
            meta_len, body_len = HEADER.unpack_from(data)
            if meta_len <= MAX_META and len(data) == HEADER.size + meta_len + body_len:
                return [(self._loads(data[HEADER.size : HEADER.size + meta_len]), data[HEADER.size + meta_len :])]
        self._buffer += data
        frames: list[tuple[dict[str, Any], bytes]] = []
        while len(self._buffer) >= HEADER.size:
            meta_len, body_len = HEADER.unpack_from(self._buffer)
            if meta_len > MAX_META:
                raise ValueError("frame meta too large")
            end = HEADER.size + meta_len + body_len
            if len(self._buffer) < end:
                break
            meta = self._loads(bytes(self._buffer[HEADER.size : HEADER.size + meta_len]))
            body = bytes(self._buffer[HEADER.size + meta_len : end])
            del self._buffer[:end]
            frames.append((meta, body))
        return frames


def recv_frame(sock: socket.socket, reader: FrameReader) -> tuple[dict[str, Any], bytes] | None:
    """Blocking read of one frame; ``None`` on end of stream. Extra frames wait in ``reader``."""
    while not reader.pending:
        data = sock.recv(65536)  # below the allocator's mmap threshold: a big buffer costs a syscall per call
        if not data:
            return None
        reader.pending.extend(reader.feed(data))
    return reader.pending.popleft()
