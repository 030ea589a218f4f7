"""The AWS ASGI app's edge behaviour, driven through ASGI with a stand-in provider."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import orjson
import pytest

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.core.errors import ResourceNotFound

LAMBDA_AUTH = (
    b"AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-2/lambda/aws4_request, SignedHeaders=host, Signature=0"
)


class StandIn:
    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.calls: list[Call] = []

    def operations(self) -> frozenset[str]:
        return frozenset({"GetFunction"})

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return BodyLimit(16, "GetFunction")

    async def call(self, call: Call) -> Reply:
        self.calls.append(call)
        if self.behaviour == "crash":
            raise RuntimeError("secret internals")
        if self.behaviour == "missing":
            raise ResourceNotFound("Function not found: f")
        return Reply({"Configuration": {"FunctionName": "f"}})


async def asgi(app: AwsApp, method: str, path: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    scope: dict[str, Any] = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"authorization", LAMBDA_AUTH), (b"content-length", str(len(body)).encode())],
    }
    chunks = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])


async def test_a_call_reaches_its_provider_with_the_signed_region() -> None:
    provider = StandIn("ok")
    status, headers, body = await asgi(AwsApp({"lambda": provider}), "GET", "/2015-03-31/functions/f")
    assert status == 200 and orjson.loads(body) == {"Configuration": {"FunctionName": "f"}}
    assert provider.calls[0].scope.region == "eu-west-2"
    assert provider.calls[0].scope.account == "000000000000"
    assert headers["x-amzn-requestid"] == provider.calls[0].request_id


async def test_service_errors_map_to_their_code() -> None:
    status, headers, _ = await asgi(AwsApp({"lambda": StandIn("missing")}), "GET", "/2015-03-31/functions/f")
    assert (status, headers["x-amzn-errortype"]) == (404, "ResourceNotFoundException")


async def test_a_crash_is_an_internal_failure_without_a_traceback(caplog: pytest.LogCaptureFixture) -> None:
    status, headers, body = await asgi(AwsApp({"lambda": StandIn("crash")}), "GET", "/2015-03-31/functions/f")
    assert (status, headers["x-amzn-errortype"]) == (500, "InternalFailure")
    assert headers["x-amzn-requestid"].encode() in body
    assert b"secret internals" not in body and b"Traceback" not in body
    assert "secret internals" in caplog.text


async def test_an_operation_without_a_provider_method_is_not_implemented() -> None:
    status, _, body = await asgi(AwsApp({"lambda": StandIn("ok")}), "GET", "/2015-03-31/functions")
    assert status == 501 and b"ListFunctions" in body


async def test_a_service_without_a_provider_is_not_implemented() -> None:
    status, headers, body = await asgi(AwsApp({}), "GET", "/2015-03-31/functions/f")
    assert status == 501 and b"lambda" in body and headers["x-amzn-requestid"]


async def test_a_body_over_the_limit_is_refused() -> None:
    app = AwsApp({"lambda": StandIn("ok")})
    status, headers, body = await asgi(app, "POST", "/2015-03-31/functions/f/invocations", b"x" * 17)
    assert (status, headers["x-amzn-errortype"]) == (413, "RequestEntityTooLargeException")
    assert b"smaller than 16 bytes for the GetFunction operation" in body
