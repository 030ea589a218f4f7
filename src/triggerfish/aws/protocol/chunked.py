"""The ``aws-chunked`` content encoding of streamed uploads.

SDKs upload a streaming body whose length or checksum they learn only while sending it as::

    <hex size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n ... 0[;chunk-signature=<sig>]\\r\\n
    <trailer>:<value>\\r\\n ... \\r\\n

with ``Content-Encoding: aws-chunked``, ``x-amz-decoded-content-length`` and, for trailing
checksums, ``x-amz-trailer`` naming the trailer (botocore sends ``x-amz-checksum-crc32`` this way
over HTTPS). Signatures are not checked: triggerfish accepts any credentials.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from .errors import ProtocolError
from .http import ByteStream, Headers

_MAX_LINE = 4096


class ChunkedEncodingError(ProtocolError):
    def __init__(self, message: str, *, code: str = "InvalidRequest") -> None:
        super().__init__(code, message)


def is_aws_chunked(headers: Headers) -> bool:
    encodings = [part.strip().lower() for part in headers.get("content-encoding", "").split(",")]
    return "aws-chunked" in encodings or headers.get("x-amz-content-sha256", "").startswith("STREAMING-")


def without_aws_chunked(content_encoding: str) -> str:
    """The Content-Encoding the object keeps once the transfer encoding is removed."""
    kept = [part.strip() for part in content_encoding.split(",") if part.strip().lower() != "aws-chunked"]
    return ",".join(kept)


class ChunkDecoder:
    """An incremental decoder: feed it bytes as they arrive, get the payload bytes back."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._remaining = 0  # payload bytes left in the current chunk
        self._state = "size"  # size -> data -> data-end -> size ... -> trailers -> done
        self.trailers: dict[str, str] = {}
        self.decoded_length = 0

    @property
    def done(self) -> bool:
        return self._state == "done"

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        out: list[bytes] = []
        while self._step(out):
            pass
        return out

    def finish(self) -> None:
        if self._state != "done":
            # S3 answers a body that ends early with IncompleteBody
            raise ChunkedEncodingError("The request body terminated unexpectedly", code="IncompleteBody")
        if self._buffer.strip():
            raise ChunkedEncodingError("Unexpected data after the final chunk of an aws-chunked body")

    def _step(self, out: list[bytes]) -> bool:
        if self._state == "data":
            if not self._buffer:
                return False
            take = bytes(self._buffer[: self._remaining])
            del self._buffer[: len(take)]
            self._remaining -= len(take)
            self.decoded_length += len(take)
            out.append(take)
            if self._remaining == 0:
                self._state = "data-end"
            return True
        if self._state == "done":
            return False
        line = self._line()
        if line is None:
            return False
        if self._state == "data-end":
            if line:
                raise ChunkedEncodingError("A chunk is longer than its declared size")
            self._state = "size"
        elif self._state == "size":
            self._start_chunk(line)
        elif line:  # trailers
            name, sep, value = line.partition(b":")
            if not sep:
                raise ChunkedEncodingError("Malformed trailer in aws-chunked body")
            self.trailers[name.decode("latin-1").strip().lower()] = value.decode("latin-1").strip()
        else:
            self._state = "done"
        return True

    def _start_chunk(self, line: bytes) -> None:
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ChunkedEncodingError("Invalid chunk size in aws-chunked body") from None
        if size < 0:
            raise ChunkedEncodingError("Invalid chunk size in aws-chunked body")
        if size == 0:
            self._state = "trailers"
        else:
            self._remaining = size
            self._state = "data"

    def _line(self) -> bytes | None:
        end = self._buffer.find(b"\r\n")
        if end < 0:
            if len(self._buffer) > _MAX_LINE:
                raise ChunkedEncodingError("aws-chunked framing line too long")
            return None
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 2]
        return line


@dataclass(frozen=True, slots=True)
class DecodedBody:
    data: bytes
    trailers: dict[str, str]


def decode_chunked(body: bytes, headers: Headers) -> DecodedBody:
    """Decode a fully read aws-chunked body and check it against ``x-amz-decoded-content-length``."""
    decoder = ChunkDecoder()
    data = b"".join(decoder.feed(body))
    decoder.finish()
    _check_length(decoder.decoded_length, headers)
    return DecodedBody(data, decoder.trailers)


def _check_length(actual: int, headers: Headers) -> None:
    declared = headers.get("x-amz-decoded-content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) != actual:
        raise ChunkedEncodingError(
            "You did not provide the number of bytes specified by the Content-Length HTTP header",
            code="IncompleteBody",
        )


class ChunkedStream:
    """The decoded payload of a streamed aws-chunked body, read as the service consumes it.

    ``trailers`` (checksums such as ``x-amz-checksum-crc32``) are known once the stream is exhausted.
    """

    def __init__(self, source: ByteStream, headers: Headers) -> None:
        self._source = source
        self._headers = headers
        self._decoder = ChunkDecoder()

    @property
    def trailers(self) -> dict[str, str]:
        return self._decoder.trailers

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._decode()

    async def _decode(self) -> AsyncIterator[bytes]:
        async for part in self._source:
            for piece in self._decoder.feed(part):
                yield piece
        self._decoder.finish()
        _check_length(self._decoder.decoded_length, self._headers)
