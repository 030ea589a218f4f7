"""The event stream framing: what we encode botocore decodes, and our decoder reads it back and
refuses damaged frames."""

from __future__ import annotations

import struct
import uuid
import zlib
from datetime import UTC, datetime

import pytest
from botocore.eventstream import EventStreamBuffer

from triggerfish.aws.protocol.eventstream import (
    HeaderType,
    InvalidMessage,
    MessageDecoder,
    Typed,
    decode_messages,
    encode_message,
    event_message,
    exception_message,
)

HEADERS: dict[str, object] = {
    ":message-type": "event",
    "yes": True,
    "no": False,
    "byte": Typed(HeaderType.BYTE, -3),
    "short": Typed(HeaderType.SHORT, 300),
    "int": 7,
    "long": 2**40,
    "bytes": b"\x00\x01",
    "when": datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=UTC),
    "id": uuid.UUID(int=5),
}


def test_botocore_reads_every_header_type() -> None:
    buffer = EventStreamBuffer()
    buffer.add_data(encode_message(HEADERS, b'{"a":1}'))
    (message,) = list(buffer)
    assert message.payload == b'{"a":1}'
    assert message.headers == {
        ":message-type": "event",
        "yes": True,
        "no": False,
        "byte": -3,
        "short": 300,
        "int": 7,
        "long": 2**40,
        "bytes": b"\x00\x01",
        "when": 1704164645678,
        "id": uuid.UUID(int=5).bytes,
    }


def test_round_trip() -> None:
    (message,) = decode_messages(encode_message(HEADERS, b"payload"))
    assert message.payload == b"payload"
    assert dict(message.headers) == {**HEADERS, "byte": -3, "short": 300}


def test_empty_message_is_sixteen_bytes() -> None:
    frame = encode_message({}, b"")
    assert len(frame) == 16
    assert struct.unpack(">II", frame[:8]) == (16, 0)
    assert struct.unpack(">I", frame[8:12])[0] == zlib.crc32(frame[:8])


def test_event_and_exception_messages() -> None:
    event, error = decode_messages(
        event_message("sessionUpdate", b"{}") + exception_message("SessionTimeoutException", b'{"message":"x"}')
    )
    assert event.headers == {
        ":message-type": "event",
        ":event-type": "sessionUpdate",
        ":content-type": "application/json",
    }
    assert error.headers[":message-type"] == "exception"
    assert error.headers[":exception-type"] == "SessionTimeoutException"
    assert error.payload == b'{"message":"x"}'


def test_decoder_takes_bytes_as_they_come() -> None:
    frames = event_message("a", b"1") + event_message("b", b"22")
    decoder = MessageDecoder()
    seen = [m.headers[":event-type"] for i in range(len(frames)) for m in decoder.feed(frames[i : i + 1])]
    assert seen == ["a", "b"]
    assert decoder.pending == 0


def test_damaged_frames_are_refused() -> None:
    frame = bytearray(event_message("a", b"payload"))
    frame[-6] ^= 0xFF
    with pytest.raises(InvalidMessage, match="message checksum"):
        decode_messages(bytes(frame))
    prelude = bytearray(event_message("a", b"payload"))
    prelude[3] ^= 0x01
    with pytest.raises(InvalidMessage, match="prelude checksum"):
        decode_messages(bytes(prelude))
    with pytest.raises(InvalidMessage, match="trailing"):
        decode_messages(event_message("a", b"x")[:-1])


def test_values_that_cannot_be_headers() -> None:
    with pytest.raises(ValueError, match="aware"):
        encode_message({"t": datetime(2024, 1, 1)})
    with pytest.raises(TypeError):
        encode_message({"f": 1.5})
    with pytest.raises(ValueError, match="header name"):
        encode_message({"": "x"})
