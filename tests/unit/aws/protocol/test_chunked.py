"""aws-chunked uploads, streamed request bodies and the stream/buffer decision."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from wire_harness import WireClient

from triggerfish.aws.protocol import (
    ChunkedStream,
    Headers,
    HttpRequest,
    ProtocolError,
    load_service,
    parse_request,
    receive_request,
    serialize_response,
    wants_stream,
)
from triggerfish.aws.protocol.chunked import ChunkDecoder, decode_chunked

S3 = load_service("s3")


def _upload_request(body: bytes, algorithm: str) -> HttpRequest:
    """A PutObject exactly as botocore sends it over HTTPS: aws-chunked with a trailing checksum."""
    client = WireClient("s3", endpoint="https://localhost:4566")
    client.call("PutObject", {"Bucket": "b", "Key": "big.bin", "Body": body, "ChecksumAlgorithm": algorithm})
    return client.exchanges[-1].request


def test_botocore_multi_chunk_upload_with_sha256_trailer() -> None:
    payload = bytes(range(256)) * 10_000  # 2.5 MiB: three of botocore's 1 MiB chunks
    request = _upload_request(payload, "SHA256")
    assert request.headers["x-amz-trailer"] == "x-amz-checksum-sha256"
    assert request.headers["x-amz-decoded-content-length"] == str(len(payload))
    parsed = parse_request(S3, request)
    assert parsed.params["Body"] == payload
    assert parsed.params["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(payload).digest()).decode()
    assert parsed.params["ContentLength"] == len(payload)
    assert "ContentEncoding" not in parsed.params


def test_empty_upload() -> None:
    parsed = parse_request(S3, _upload_request(b"", "CRC32"))
    assert parsed.params["Body"] == b""
    assert parsed.params["ChecksumCRC32"] == "AAAAAA=="


def _pieces(data: bytes, size: int) -> AsyncIterator[bytes]:
    async def generate() -> AsyncIterator[bytes]:
        for start in range(0, len(data), size):
            yield data[start : start + size]

    return generate()


async def _drain(stream: object) -> bytes:
    assert isinstance(stream, ChunkedStream)
    return b"".join([part async for part in stream])


@pytest.mark.parametrize("piece_size", [1, 7, 65536])
async def test_streamed_upload_is_handed_on_undecoded_until_read(piece_size: int) -> None:
    payload = b"0123456789abcdef" * 5000
    request = _upload_request(payload, "CRC32")
    assert isinstance(request.body, bytes)
    streamed = replace(request, body=_pieces(request.body, piece_size))
    assert wants_stream(S3, streamed)
    parsed = await receive_request(S3, streamed)
    body = parsed.params["Body"]
    assert isinstance(body, ChunkedStream)
    assert "ChecksumCRC32" not in parsed.params  # the trailer has not arrived yet
    assert await _drain(body) == payload
    assert body.trailers == {"x-amz-checksum-crc32": parse_request(S3, request).params["ChecksumCRC32"]}


async def test_plain_streamed_upload() -> None:
    client = WireClient("s3")
    client.call("PutObject", {"Bucket": "b", "Key": "k", "Body": b"plain body"})
    request = client.exchanges[-1].request
    assert isinstance(request.body, bytes)
    parsed = await receive_request(S3, replace(request, body=_pieces(request.body, 3)))
    body = parsed.params["Body"]
    assert not isinstance(body, bytes)
    assert b"".join([part async for part in body]) == b"plain body"


async def test_non_streaming_operations_are_read_first() -> None:
    client = WireClient("s3")
    client.call("DeleteObjects", {"Bucket": "b", "Delete": {"Objects": [{"Key": "k"}]}})
    request = client.exchanges[-1].request
    assert isinstance(request.body, bytes)
    streamed = replace(request, body=_pieces(request.body, 5))
    assert not wants_stream(S3, streamed)
    parsed = await receive_request(S3, streamed)
    assert parsed.params["Delete"] == {"Objects": [{"Key": "k"}]}


def test_lambda_invoke_payload_is_buffered() -> None:
    request = HttpRequest("POST", "/2015-03-31/functions/f/invocations", body=b"{}")
    assert not wants_stream(load_service("lambda"), request)


SIGNATURE = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"


def test_signed_chunks_and_signed_trailer() -> None:
    body = (
        f"10;chunk-signature={SIGNATURE}\r\n".encode()
        + b"0123456789abcdef\r\n"
        + f"3;chunk-signature={SIGNATURE}\r\n".encode()
        + b"xyz\r\n"
        + f"0;chunk-signature={SIGNATURE}\r\n".encode()
        + b"x-amz-checksum-crc32c:sOO8/Q==\r\n"
        + f"x-amz-trailer-signature:{SIGNATURE}\r\n\r\n".encode()
    )
    decoded = decode_chunked(body, Headers({"x-amz-decoded-content-length": "19"}))
    assert decoded.data == b"0123456789abcdefxyz"
    assert decoded.trailers == {"x-amz-checksum-crc32c": "sOO8/Q==", "x-amz-trailer-signature": SIGNATURE}


def test_signed_chunks_without_trailer() -> None:
    body = f"5;chunk-signature={SIGNATURE}\r\nhello\r\n0;chunk-signature={SIGNATURE}\r\n\r\n".encode()
    assert decode_chunked(body, Headers()).data == b"hello"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"5\r\nhel", "IncompleteBody"),
        (b"5\r\nhello\r\n", "IncompleteBody"),
        (b"zz\r\nhello\r\n0\r\n\r\n", "InvalidRequest"),
        (b"3\r\nhello\r\n0\r\n\r\n", "InvalidRequest"),
        (b"5\r\nhello\r\n0\r\nno-colon\r\n\r\n", "InvalidRequest"),
    ],
)
def test_broken_framing(body: bytes, code: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_chunked(body, Headers())
    assert caught.value.code == code


def test_decoded_length_must_match() -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_chunked(b"5\r\nhello\r\n0\r\n\r\n", Headers({"x-amz-decoded-content-length": "6"}))
    assert caught.value.code == "IncompleteBody"


async def test_truncated_stream_fails_when_read() -> None:
    stream = ChunkedStream(_pieces(b"5\r\nhello\r\n", 2), Headers())
    with pytest.raises(ProtocolError):
        await _drain(stream)


def test_decoder_yields_data_as_it_arrives() -> None:
    decoder = ChunkDecoder()
    assert decoder.feed(b"a\r\n01234") == [b"01234"]
    assert decoder.feed(b"56789\r\n0\r\n\r\n") == [b"56789"]
    decoder.finish()
    assert decoder.done


def test_stream_body_for_buffered_operation_is_a_programming_error() -> None:
    request = HttpRequest("PUT", "/2015-03-31/functions/f/configuration", body=_pieces(b"{}", 1))
    with pytest.raises(TypeError):
        parse_request(load_service("lambda"), request)


async def test_streamed_response_body_is_passed_through() -> None:
    operation = S3.operation_model("GetObject")
    body = _pieces(b"0123456789", 4)
    response = serialize_response(operation, {"Body": body, "ContentLength": 10}, "rid")
    assert response.body is body
    assert response.headers["Content-Length"] == "10"
    assert b"".join([part async for part in body]) == b"0123456789"
