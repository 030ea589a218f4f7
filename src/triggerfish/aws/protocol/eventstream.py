"""The AWS event stream binary framing (``application/vnd.amazon.eventstream``).

A message is a 12-byte prelude (total length, headers length, both big-endian uint32, then the CRC32
of those 8 bytes), the headers, the payload, and the CRC32 of everything before it. A header is a
one-byte name length, the name, a one-byte type and a typed value. Responses that stream events
(CloudWatch Logs StartLiveTail) are a sequence of such messages; :class:`MessageDecoder` reads them
back incrementally, for tests and for the ``triggerfish logs`` client.
"""

from __future__ import annotations

import struct
import uuid
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum

_PRELUDE = struct.Struct(">II")
_PRELUDE_LENGTH = 12
_CRC_LENGTH = 4
# The limits every event stream reader enforces (AWS event stream encoding: 128 KiB of headers,
# 16 MiB per message).
MAX_HEADERS_LENGTH = 128 * 1024
MAX_MESSAGE_LENGTH = 16 * 1024 * 1024


class HeaderType(IntEnum):
    TRUE = 0
    FALSE = 1
    BYTE = 2
    SHORT = 3
    INTEGER = 4
    LONG = 5
    BYTES = 6
    STRING = 7
    TIMESTAMP = 8
    UUID = 9


@dataclass(frozen=True)
class Typed:
    """A header value written with an explicit integer type (``BYTE``, ``SHORT``, ``INTEGER``, ``LONG``)."""

    type: HeaderType
    value: int


@dataclass(frozen=True)
class Message:
    headers: Mapping[str, object] = field(default_factory=dict)
    payload: bytes = b""


class InvalidMessage(ValueError):
    """Bytes that are not a well-formed event stream message (bad length, checksum or header)."""


_INT_FORMATS = {HeaderType.BYTE: ">b", HeaderType.SHORT: ">h", HeaderType.INTEGER: ">i", HeaderType.LONG: ">q"}


def encode_message(headers: Mapping[str, object], payload: bytes = b"") -> bytes:
    """One framed message. A header value is a ``bool``, an ``int`` (a 32-bit integer unless it needs
    64 bits), ``bytes``, ``str``, an aware ``datetime`` (a timestamp), a :class:`uuid.UUID`, or a
    :class:`Typed` integer for the narrow types."""
    encoded_headers = b"".join(_encode_header(name, value) for name, value in headers.items())
    if len(encoded_headers) > MAX_HEADERS_LENGTH:
        raise ValueError(f"headers of {len(encoded_headers)} bytes exceed {MAX_HEADERS_LENGTH}")
    total = _PRELUDE_LENGTH + len(encoded_headers) + len(payload) + _CRC_LENGTH
    if total > MAX_MESSAGE_LENGTH:
        raise ValueError(f"a message of {total} bytes exceeds {MAX_MESSAGE_LENGTH}")
    prelude = _PRELUDE.pack(total, len(encoded_headers))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + encoded_headers + payload
    return body + struct.pack(">I", zlib.crc32(body))


def event_message(event_type: str, payload: bytes, *, content_type: str = "application/json") -> bytes:
    """An ``event`` message as AWS services send them (``:event-type``, ``:content-type``)."""
    return encode_message(
        {":message-type": "event", ":event-type": event_type, ":content-type": content_type},
        payload,
    )


def exception_message(exception_type: str, payload: bytes, *, content_type: str = "application/json") -> bytes:
    """A modelled exception sent in the stream (``:message-type`` ``exception``)."""
    return encode_message(
        {":message-type": "exception", ":exception-type": exception_type, ":content-type": content_type},
        payload,
    )


def _encode_header(name: str, value: object) -> bytes:
    raw_name = name.encode("utf-8")
    if not 0 < len(raw_name) < 256:
        raise ValueError(f"header name {name!r} must be 1 to 255 bytes")
    return bytes([len(raw_name)]) + raw_name + _encode_value(value)


def _encode_value(value: object) -> bytes:
    if isinstance(value, bool):
        return bytes([HeaderType.TRUE if value else HeaderType.FALSE])
    if isinstance(value, Typed):
        return bytes([value.type]) + struct.pack(_INT_FORMATS[value.type], value.value)
    if isinstance(value, int):
        kind = HeaderType.INTEGER if -(2**31) <= value < 2**31 else HeaderType.LONG
        return bytes([kind]) + struct.pack(_INT_FORMATS[kind], value)
    if isinstance(value, bytes | str):
        data = value.encode("utf-8") if isinstance(value, str) else value
        if len(data) > 0xFFFF:
            raise ValueError("a header value must be at most 65535 bytes")
        kind = HeaderType.STRING if isinstance(value, str) else HeaderType.BYTES
        return bytes([kind]) + struct.pack(">H", len(data)) + data
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a timestamp header needs an aware datetime")
        return bytes([HeaderType.TIMESTAMP]) + struct.pack(">q", round(value.timestamp() * 1000))
    if isinstance(value, uuid.UUID):
        return bytes([HeaderType.UUID]) + value.bytes
    raise TypeError(f"cannot encode a header value of type {type(value).__name__}")


class MessageDecoder:
    """Feed bytes as they arrive; iterate the messages completed so far."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> Iterator[Message]:
        self._buffer += data
        while (message := self._next()) is not None:
            yield message

    @property
    def pending(self) -> int:
        """Bytes received that do not yet make a whole message."""
        return len(self._buffer)

    def _next(self) -> Message | None:
        if len(self._buffer) < _PRELUDE_LENGTH:
            return None
        total, headers_length = _PRELUDE.unpack_from(self._buffer)
        (prelude_crc,) = struct.unpack_from(">I", self._buffer, 8)
        if zlib.crc32(bytes(self._buffer[:8])) != prelude_crc:
            raise InvalidMessage("prelude checksum mismatch")
        if headers_length > MAX_HEADERS_LENGTH or total > MAX_MESSAGE_LENGTH:
            raise InvalidMessage(f"message of {total} bytes with {headers_length} bytes of headers is too large")
        if total < _PRELUDE_LENGTH + headers_length + _CRC_LENGTH:
            raise InvalidMessage(f"total length {total} is shorter than its parts")
        if len(self._buffer) < total:
            return None
        frame = bytes(self._buffer[:total])
        del self._buffer[:total]
        (message_crc,) = struct.unpack_from(">I", frame, total - _CRC_LENGTH)
        if zlib.crc32(frame[: total - _CRC_LENGTH]) != message_crc:
            raise InvalidMessage("message checksum mismatch")
        headers_end = _PRELUDE_LENGTH + headers_length
        headers = dict(_decode_headers(frame[_PRELUDE_LENGTH:headers_end]))
        return Message(headers, frame[headers_end : total - _CRC_LENGTH])


def decode_messages(data: bytes) -> list[Message]:
    """Every message in ``data``, which must end on a message boundary."""
    decoder = MessageDecoder()
    messages = list(decoder.feed(data))
    if decoder.pending:
        raise InvalidMessage(f"{decoder.pending} trailing bytes do not make a whole message")
    return messages


def _decode_headers(data: bytes) -> Iterator[tuple[str, object]]:
    offset = 0
    try:
        while offset < len(data):
            name_length = data[offset]
            name = data[offset + 1 : offset + 1 + name_length].decode("utf-8")
            offset += 1 + name_length
            kind = HeaderType(data[offset])
            value, offset = _decode_value(kind, data, offset + 1)
            yield name, value
    except (IndexError, ValueError, struct.error) as exc:
        raise InvalidMessage(f"malformed header at byte {offset}: {exc}") from exc


def _decode_value(kind: HeaderType, data: bytes, offset: int) -> tuple[object, int]:
    if kind in (HeaderType.TRUE, HeaderType.FALSE):
        return kind is HeaderType.TRUE, offset
    if kind in _INT_FORMATS:
        fmt = _INT_FORMATS[kind]
        (number,) = struct.unpack_from(fmt, data, offset)
        return int(number), offset + struct.calcsize(fmt)
    if kind in (HeaderType.BYTES, HeaderType.STRING):
        (length,) = struct.unpack_from(">H", data, offset)
        raw = data[offset + 2 : offset + 2 + length]
        if len(raw) != length:
            raise ValueError("header value runs past the headers")
        return (raw.decode("utf-8") if kind is HeaderType.STRING else bytes(raw)), offset + 2 + length
    if kind is HeaderType.TIMESTAMP:
        (millis,) = struct.unpack_from(">q", data, offset)
        return datetime.fromtimestamp(millis / 1000, tz=UTC), offset + 8
    raw = data[offset : offset + 16]
    if len(raw) != 16:
        raise ValueError("uuid header runs past the headers")
    return uuid.UUID(bytes=bytes(raw)), offset + 16
