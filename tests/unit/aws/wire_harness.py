"""A real botocore client whose transport is triggerfish's protocol layer.

botocore serialises each call exactly as it would for AWS (its own serializer, endpoint rules,
checksums, aws-chunked bodies); the request is handed to our parser, our serialised response goes
back through botocore's own response parser, and the test sees both sides.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore import xform_name
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.response import StreamingBody

from triggerfish.aws.protocol import (
    Headers,
    HttpRequest,
    HttpResponse,
    ParsedRequest,
    ProtocolError,
    error_response,
    load_service,
    parse_request,
    serialize_error,
    serialize_response,
)

REQUEST_ID = "4d0c3f27-9b1e-4d6e-8a0e-2f7f3a1c5b6d"


class _RawBody:
    """The urllib3 response body botocore reads from."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def stream(self, amt: int = 65536, decode_content: bool = True) -> Iterator[bytes]:
        while chunk := self._data.read(amt):
            yield chunk

    def read(self, amt: int | None = None, **_: Any) -> bytes:
        return self._data.read() if amt is None else self._data.read(amt)

    def close(self) -> None:
        pass


@functools.cache
def _session() -> boto3.session.Session:
    return boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")


@dataclass
class Exchange:
    request: HttpRequest
    parsed: ParsedRequest | None = None
    response: HttpResponse | None = None


@dataclass
class WireClient:
    """``call`` runs one operation end to end; ``exchanges`` keeps what crossed the wire."""

    service: str
    endpoint: str = "http://localhost:4566"
    region: str = "us-east-1"
    config: Config | None = None
    exchanges: list[Exchange] = field(default_factory=list)

    def __post_init__(self) -> None:
        base = Config(retries={"total_max_attempts": 1})
        self.client = _session().client(
            self.service,
            endpoint_url=self.endpoint,
            region_name=self.region,
            config=base.merge(self.config) if self.config else base,
        )
        self.model = load_service(self.service)
        self._reply: Callable[[HttpRequest], HttpResponse] = lambda request: HttpResponse(500)
        self.client.meta.events.register("before-send", self._send)

    def call(
        self,
        operation: str,
        params: Mapping[str, Any],
        result: Mapping[str, Any] | None = None,
        *,
        status: int | None = None,
    ) -> tuple[ParsedRequest, dict[str, Any]]:
        """Send ``params``; answer with ``result``. Returns what we parsed and what botocore parsed."""

        def reply(request: HttpRequest) -> HttpResponse:
            parsed = parse_request(self.model, request)
            self.exchanges[-1].parsed = parsed
            return serialize_response(parsed.operation, result or {}, REQUEST_ID, status=status)

        self._reply = reply
        response = getattr(self.client, xform_name(operation))(**params)
        parsed = self.exchanges[-1].parsed
        assert parsed is not None
        return parsed, _without_metadata(response)

    def call_error(
        self,
        operation: str,
        params: Mapping[str, Any],
        code: str,
        message: str,
        **options: Any,
    ) -> ClientError:
        """Send ``params``; answer with an error. Returns the ClientError botocore raised."""

        def reply(request: HttpRequest) -> HttpResponse:
            parsed = parse_request(self.model, request)
            return serialize_error(self.model, parsed.operation, code, message, request_id=REQUEST_ID, **options)

        return self._expect_error(operation, params, reply)

    def call_raising(self, operation: str, params: Mapping[str, Any]) -> ClientError:
        """Send ``params``; answer with whatever error our parser raises for them."""

        def reply(request: HttpRequest) -> HttpResponse:
            try:
                parse_request(self.model, request)
            except ProtocolError as exc:
                return error_response(self.model, None, exc, REQUEST_ID)
            raise AssertionError("the request parsed")

        return self._expect_error(operation, params, reply)

    def reply_with(self, reply: Callable[[HttpRequest], HttpResponse]) -> None:
        """Answer every request with ``reply`` (for tests that drive ``self.client`` directly)."""
        self._reply = reply

    def _expect_error(
        self, operation: str, params: Mapping[str, Any], reply: Callable[[HttpRequest], HttpResponse]
    ) -> ClientError:
        self._reply = reply
        try:
            getattr(self.client, xform_name(operation))(**params)
        except ClientError as exc:
            return exc
        raise AssertionError("botocore did not raise")

    def _send(self, request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        ours = to_http_request(request)
        exchange = Exchange(ours)
        self.exchanges.append(exchange)
        response = self._reply(ours)
        exchange.response = response
        assert isinstance(response.body, bytes)
        return AWSResponse(request.url, response.status, dict(response.headers.items()), _RawBody(response.body))


def to_http_request(request: AWSPreparedRequest) -> HttpRequest:
    url = urlsplit(request.url)
    headers = [(name, _text(value)) for name, value in request.headers.items()]
    headers.append(("Host", url.netloc))
    return HttpRequest(request.method, url.path, url.query, Headers(headers), _body_bytes(request.body))


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _body_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, bytes | bytearray):
        return bytes(body)
    return bytes(body.read())


def _without_metadata(response: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def assert_contains(expected: Any, actual: Any, path: str = "") -> None:
    """``actual`` holds every value of ``expected``, exactly (it may hold more keys)."""
    if isinstance(expected, Mapping):
        assert isinstance(actual, Mapping), f"{path}: expected a mapping, got {actual!r}"
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing from {sorted(actual)}"
            assert_contains(value, actual[key], f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {actual!r}"
        assert len(expected) == len(actual), f"{path}: {len(expected)} items expected, got {len(actual)}"
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            assert_contains(want, got, f"{path}[{index}]")
    elif isinstance(actual, StreamingBody):
        assert actual.read() == expected, path
    elif isinstance(expected, datetime):
        assert isinstance(actual, datetime) and actual == expected, f"{path}: {actual!r} != {expected!r}"
    else:
        assert type(actual) is type(expected) or {type(actual), type(expected)} <= {int, float}, (
            f"{path}: {actual!r} is a {type(actual).__name__}, expected {expected!r}"
        )
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
