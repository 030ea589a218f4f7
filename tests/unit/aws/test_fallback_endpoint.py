"""Which requests the AWS endpoint hands to its fallback, and what it answers without one."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import boto3
import orjson
import pytest
from botocore.config import Config
from wire_harness import to_http_request

from triggerfish.aws.auth import Authenticator
from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.fallback import (
    INSTALL_HINT,
    MotoFallback,
    default_fallback,
    moto_available,
    unavailable_hint,
)
from triggerfish.aws.protocol import Headers, HttpRequest, HttpResponse, read_body
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.routing import ServiceRoute, UnsupportedService, model_name, not_implemented, route


class _Stop(Exception):
    pass


def _sent(service: str, operation: str, params: dict[str, Any], region: str = "us-east-1") -> HttpRequest:
    """The request boto3 sends for ``operation``, captured before it leaves."""
    client = boto3.session.Session(aws_access_key_id="AKID", aws_secret_access_key="s").client(
        service, endpoint_url="http://localhost:4566", region_name=region, config=Config(retries={"max_attempts": 0})
    )
    captured: list[HttpRequest] = []

    def capture(request: Any, **_: Any) -> None:
        captured.append(to_http_request(request))
        raise _Stop

    client.meta.events.register("before-send", capture)
    with pytest.raises(_Stop):
        getattr(client, operation)(**params)
    return captured[0]


# --- routing -------------------------------------------------------------------------------------------


def test_ses_v1_and_v2_share_a_signing_name_and_are_told_apart_by_path() -> None:
    v2 = _sent("sesv2", "list_email_identities", {}, "eu-west-1")
    v1 = _sent("ses", "get_send_quota", {}, "eu-west-1")
    assert route(v2) == ServiceRoute("sesv2", "eu-west-1")
    assert route(v1) == ServiceRoute("ses", "eu-west-1")
    assert route(v1, {"ses"}) == ServiceRoute("ses", "eu-west-1")
    assert route(v1, {"sesv2"}) == UnsupportedService("ses", "eu-west-1", "GetSendQuota")
    assert route(v2, {"ses"}) == UnsupportedService("sesv2", "eu-west-1", None)


def test_unsigned_ses_v2_paths_and_the_shared_email_host() -> None:
    assert route(HttpRequest("GET", "/v2/email/identities")) == ServiceRoute("sesv2", "us-east-1")
    host = Headers({"Host": "email.us-east-1.amazonaws.com"})
    assert route(HttpRequest("GET", "/v2/email/identities", headers=host)) == ServiceRoute("sesv2", "us-east-1")
    assert route(HttpRequest("POST", "/", headers=host, body=b"Action=GetSendQuota")) == ServiceRoute(
        "ses", "us-east-1"
    )


def test_a_cbor_service_is_named_by_its_model_with_its_operation() -> None:
    request = _sent("cloudwatch", "put_metric_data", {"Namespace": "N", "MetricData": []}, "ap-south-1")
    assert route(request) == UnsupportedService("cloudwatch", "ap-south-1", "PutMetricData")


def test_a_foreign_service_sharing_a_signing_name_we_serve_is_not_ours() -> None:
    cbor = _sent("mailmanager", "list_ingress_points", {})
    assert route(cbor) == UnsupportedService("MailManagerSvc", "us-east-1", "ListIngressPoints")
    json_target = Headers(
        {
            "X-Amz-Target": "AWSEventsV2.ListThings",
            "Authorization": "AWS4-HMAC-SHA256 Credential=A/20250101/us-east-1/events/aws4_request, "
            "SignedHeaders=host, Signature=abc",
        }
    )
    routed = route(HttpRequest("POST", "/", headers=json_target, body=b"{}"))
    assert routed == UnsupportedService("AWSEventsV2", "us-east-1", "ListThings")


@pytest.mark.parametrize(
    ("signing", "model"), [("monitoring", "cloudwatch"), ("states", "stepfunctions"), ("sts", "sts")]
)
def test_signing_names_map_to_model_names(signing: str, model: str) -> None:
    assert model_name(signing) == model


def test_a_hint_completes_the_501_sentence() -> None:
    response = not_implemented(UnsupportedService("rekognition", "us-east-1", "DetectLabels"), "rid", hint="do X")
    assert isinstance(response.body, bytes)
    message = orjson.loads(response.body)["message"]
    assert message == (
        "triggerfish does not implement the rekognition service, so it cannot serve operation DetectLabels; do X"
    )


# --- the endpoint and its fallback ------------------------------------------------------------------


class RecordingFallback:
    def __init__(self, *, limit: int = 1 << 20, crash: bool = False) -> None:
        self.seen: list[tuple[UnsupportedService, bytes]] = []
        self.limit = limit
        self.crash = crash
        self.closed = False

    @property
    def body_limit(self) -> int:
        return self.limit

    async def handle(self, request: HttpRequest, unsupported: UnsupportedService, rid: str) -> HttpResponse:
        if self.crash:
            raise RuntimeError("fallback internals")
        read = await read_body(request)
        assert isinstance(read.body, bytes)
        self.seen.append((unsupported, read.body))
        return HttpResponse(200, Headers({"Content-Type": "application/x-amz-json-1.1"}), b'{"from":"fallback"}')

    async def close(self) -> None:
        self.closed = True


class LambdaStandIn:
    def __init__(self) -> None:
        self.calls: list[Call] = []

    def operations(self) -> frozenset[str]:
        return frozenset({"GetFunction"})

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return BodyLimit(1 << 20, "GetFunction")

    async def call(self, call: Call) -> Reply:
        self.calls.append(call)
        return Reply({"Configuration": {"FunctionName": "f"}})


async def _asgi(app: AwsApp, request: HttpRequest) -> tuple[int, dict[str, str], bytes]:
    assert isinstance(request.body, bytes)
    scope: dict[str, Any] = {
        "type": "http",
        "method": request.method,
        "path": request.path,
        "raw_path": request.path.encode(),
        "query_string": request.query_string.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in request.headers.items()],
    }
    chunks = [{"type": "http.request", "body": request.body, "more_body": False}]
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    headers = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], headers, b"".join(m.get("body", b"") for m in sent[1:])


def _kms_list_keys() -> HttpRequest:
    return _sent("kms", "list_keys", {}, "eu-west-2")


async def test_a_service_without_a_provider_goes_to_the_fallback() -> None:
    fallback = RecordingFallback()
    status, headers, body = await _asgi(AwsApp({}, fallback=fallback), _kms_list_keys())
    assert (status, body) == (200, b'{"from":"fallback"}')
    assert headers["x-amzn-requestid"]
    assert fallback.seen == [(UnsupportedService("kms", "eu-west-2", "ListKeys"), b"{}")]


async def test_a_service_we_serve_never_goes_to_the_fallback() -> None:
    fallback = RecordingFallback()
    provider = LambdaStandIn()
    app = AwsApp({"lambda": provider}, fallback=fallback)
    status, _, _ = await _asgi(app, _sent("lambda", "get_function", {"FunctionName": "f"}))
    assert status == 200 and len(provider.calls) == 1
    status, _, body = await _asgi(app, _sent("lambda", "list_functions", {}))
    assert status == 501 and b"ListFunctions" in body
    assert fallback.seen == []


async def test_a_failing_fallback_is_an_internal_failure_in_the_services_shape() -> None:
    app = AwsApp({}, fallback=RecordingFallback(crash=True))
    status, headers, body = await _asgi(app, _kms_list_keys())
    assert status == 500
    assert orjson.loads(body)["__type"] == "InternalFailure" and b"fallback internals" not in body
    assert headers["x-amzn-requestid"] in body.decode()


async def test_a_declared_body_over_the_fallbacks_limit_is_refused_before_reading() -> None:
    fallback = RecordingFallback(limit=8)
    request = _sent("kms", "encrypt", {"KeyId": "k", "Plaintext": b"x" * 64})
    status, _, body = await _asgi(AwsApp({}, fallback=fallback), request)
    assert status == 413 and b"RequestEntityTooLarge" in body and b"8 bytes" in body
    assert fallback.seen == []


async def test_with_auth_a_bad_signature_never_reaches_the_fallback() -> None:
    fallback = RecordingFallback()
    app = AwsApp({}, fallback=fallback, auth=Authenticator({"AKID": "other-secret"}))
    status, _, body = await _asgi(app, _kms_list_keys())  # signed with secret "s"
    assert status == 403 and orjson.loads(body)["__type"] == "InvalidSignatureException"
    sts = _sent("sts", "get_caller_identity", {})
    status, _, body = await _asgi(app, sts)
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body  # the query protocol's shape
    assert fallback.seen == []


async def test_with_auth_a_good_signature_is_forwarded() -> None:
    fallback = RecordingFallback()
    app = AwsApp({}, fallback=fallback, auth=Authenticator({"AKID": "s"}))
    status, _, _ = await _asgi(app, _kms_list_keys())
    assert status == 200 and len(fallback.seen) == 1


async def test_without_a_fallback_the_501_says_how_to_enable_one() -> None:
    status, _, body = await _asgi(AwsApp({}, unserved_hint=unavailable_hint(available=False)), _kms_list_keys())
    message = orjson.loads(body)["message"]
    assert status == 501 and "kms service" in message and "ListKeys" in message
    assert message.endswith("; install 'triggerfish[moto]' to have it answered by moto's in-process backends")


async def test_the_hint_is_left_out_when_moto_is_installed_but_not_used() -> None:
    status, _, body = await _asgi(AwsApp({}), _kms_list_keys())
    assert status == 501 and orjson.loads(body)["message"].endswith("ListKeys")


def test_availability_and_hints() -> None:
    assert moto_available()  # the test extra installs it
    assert unavailable_hint() is None
    assert unavailable_hint(available=False) == INSTALL_HINT


async def test_the_default_fallback_is_moto_when_it_is_installed() -> None:
    fallback = default_fallback()
    assert isinstance(fallback, MotoFallback)
    await fallback.close()


async def test_the_moto_fallback_refuses_a_body_over_its_limit() -> None:
    fallback = MotoFallback(body_limit=10)
    try:
        request = HttpRequest(
            "POST", "/", headers=Headers({"Content-Type": "application/x-amz-json-1.1"}), body=b"x" * 11
        )
        response = await fallback.handle(request, UnsupportedService("kms", "us-east-1", "ListKeys"), "rid")
        assert response.status == 413
        assert isinstance(response.body, bytes) and b"smaller than 10 bytes" in response.body
    finally:
        await fallback.close()
    with pytest.raises(RuntimeError, match="closed"):
        await fallback.handle(HttpRequest("GET", "/"), UnsupportedService("kms", "us-east-1", None), "rid")
    await fallback.close()  # closing twice is harmless
