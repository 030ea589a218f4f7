"""SigV4 verification, checked against the signatures botocore itself computes."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.config import Config

from triggerfish.aws.auth import Authenticator, AuthFailure
from triggerfish.aws.protocol import Headers, HttpRequest, error_response, load_service

ENDPOINT = "http://localhost:4566"
CREDENTIALS = {"AKIDEXAMPLE": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
PROTOCOLS = {"lambda": "rest-json", "sqs": "json", "sns": "query", "s3": "rest-xml"}


class _Captured(Exception):
    def __init__(self, request: AWSPreparedRequest) -> None:
        super().__init__("captured")
        self.request = request


def _capture(request: AWSPreparedRequest, **_: Any) -> None:
    raise _Captured(request)


def _client(service: str, key: str = "AKIDEXAMPLE", secret: str | None = None) -> Any:
    client = boto3.session.Session().client(
        service,
        endpoint_url=ENDPOINT,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret if secret is not None else CREDENTIALS.get(key, "nope"),
        config=Config(
            signature_version="s3v4" if service == "s3" else None,
            retries={"max_attempts": 1},
            s3={"addressing_style": "path"},
        ),
    )
    client.meta.events.register("before-send", _capture)
    return client


def _sent(call: Callable[[], object]) -> HttpRequest:
    """The request botocore would have sent, as the endpoint receives it."""
    with pytest.raises(_Captured) as caught:
        call()
    sent = caught.value.request
    url = urlsplit(sent.url)
    headers = Headers((k, v.decode() if isinstance(v, bytes) else v) for k, v in sent.headers.items())
    if "host" not in headers:
        headers = headers.with_items({"Host": url.netloc})
    body = sent.body
    if body is None:
        data = b""
    elif isinstance(body, bytes):
        data = body
    elif isinstance(body, str):
        data = body.encode()
    else:
        data = body.read()
    # the server hands on the raw path; non-ASCII bytes arrive as latin-1 characters
    return HttpRequest(sent.method, url.path, url.query, headers, data)


def _lambda_invoke() -> HttpRequest:
    return _sent(lambda: _client("lambda").invoke(FunctionName="my fn", Payload=json.dumps({"a": "b c"}).encode()))


def _sqs_send() -> HttpRequest:
    queue = "http://localhost:4566/000000000000/q"
    return _sent(lambda: _client("sqs").send_message(QueueUrl=queue, MessageBody="héllo  world"))


def _sns_publish() -> HttpRequest:
    return _sent(lambda: _client("sns").publish(TopicArn="arn:aws:sns:us-east-1:000000000000:t", Message="x y"))


def _s3_put() -> HttpRequest:
    return _sent(lambda: _client("s3").put_object(Bucket="bucket", Key="dir/a key ünï~+=.txt", Body=b"data"))


def _s3_list() -> HttpRequest:
    return _sent(lambda: _client("s3").list_objects_v2(Bucket="bucket", Prefix="a b/", MaxKeys=5))


SIGNED = {
    "lambda": _lambda_invoke,
    "sqs": _sqs_send,
    "sns": _sns_publish,
    "s3-put": _s3_put,
    "s3-list": _s3_list,
}


def _presigned_get(key: str = "AKIDEXAMPLE", expires: int = 300) -> HttpRequest:
    url = _client("s3", key).generate_presigned_url(
        "get_object", Params={"Bucket": "bucket", "Key": "a dir/ü file.txt"}, ExpiresIn=expires
    )
    parts = urlsplit(url)
    return HttpRequest("GET", parts.path, parts.query, Headers({"Host": parts.netloc}), b"")


def _service(name: str) -> str:
    return name.partition("-")[0]


async def _verify(request: HttpRequest, service: str, *, now: datetime | None = None) -> HttpRequest:
    clock = now or datetime.now(UTC)
    return await Authenticator(CREDENTIALS, now=lambda: clock).verify(request, service, PROTOCOLS[service])


async def _refused(request: HttpRequest, service: str, *, now: datetime | None = None) -> AuthFailure:
    with pytest.raises(AuthFailure) as refused:
        await _verify(request, service, now=now)
    assert refused.value.status == 403
    return refused.value


@pytest.mark.parametrize("name", SIGNED)
async def test_botocore_signatures_verify(name: str) -> None:
    request = SIGNED[name]()
    assert "authorization" in request.headers
    verified = await _verify(request, _service(name))
    assert verified.body == request.body


async def test_a_streamed_body_is_read_to_hash_it() -> None:
    request = _lambda_invoke()
    assert isinstance(request.body, bytes)
    payload = request.body

    async def stream() -> Any:
        yield payload[:3]
        yield payload[3:]

    verified = await _verify(replace(request, body=stream()), "lambda")
    assert verified.body == payload


async def test_presigned_s3_get_verifies() -> None:
    request = _presigned_get()
    assert "X-Amz-Signature=" in request.query_string
    await _verify(request, "s3")


async def test_the_local_credentials_always_work() -> None:
    request = _sent(lambda: _client("lambda", "test", "test").list_functions())
    await _verify(request, "lambda")


def _tampered(request: HttpRequest, part: str) -> HttpRequest:
    if part == "method":
        return replace(request, method="PUT" if request.method != "PUT" else "POST")
    if part == "path":
        return replace(request, path=request.path + "x")
    if part == "query":
        return replace(request, query_string=request.query_string + "&extra=1")
    if part == "body":
        assert isinstance(request.body, bytes)
        return replace(request, body=request.body + b" ")
    if part == "host":
        return replace(request, headers=request.headers.with_items({"Host": "elsewhere:1"}))
    if part == "date":
        stamp = datetime.strptime(request.headers["x-amz-date"], "%Y%m%dT%H%M%SZ") - timedelta(seconds=1)
        return replace(request, headers=request.headers.with_items({"X-Amz-Date": stamp.strftime("%Y%m%dT%H%M%SZ")}))
    if part == "signature":
        header = request.headers["authorization"]
        flipped = header[:-1] + ("0" if header[-1] != "0" else "1")
        return replace(request, headers=request.headers.with_items({"Authorization": flipped}))
    if part == "region":
        header = request.headers["authorization"].replace("/us-east-1/", "/us-west-2/")
        return replace(request, headers=request.headers.with_items({"Authorization": header}))
    raise AssertionError(part)


PARTS = ["method", "path", "query", "body", "host", "date", "signature", "region"]


@pytest.mark.parametrize("name", SIGNED)
@pytest.mark.parametrize("part", PARTS)
async def test_tampering_with_any_part_is_refused(name: str, part: str) -> None:
    request = SIGNED[name]()
    if part == "body" and "x-amz-content-sha256" in request.headers:
        pytest.skip("the body's hash is in a signed header; a changed body is S3's checksum to catch")
    failure = await _refused(_tampered(request, part), _service(name))
    expected = "SignatureDoesNotMatch" if name.startswith("s3") or name == "sns" else "InvalidSignatureException"
    assert failure.code == expected
    assert failure.message.startswith("The request signature we calculated does not match")


async def test_a_signed_payload_hash_header_is_checked() -> None:
    request = _s3_put()
    forged = request.headers.with_items({"x-amz-content-sha256": "0" * 64})
    failure = await _refused(replace(request, headers=forged), "s3")
    assert failure.code == "SignatureDoesNotMatch"


@pytest.mark.parametrize("part", ["path", "query", "signature", "host"])
async def test_tampering_with_a_presigned_url_is_refused(part: str) -> None:
    request = _presigned_get()
    if part == "signature":
        query = request.query_string.replace("X-Amz-Signature=", "X-Amz-Signature=00")
        request = replace(request, query_string=query)
    else:
        request = _tampered(request, part)
    assert (await _refused(request, "s3")).code == "SignatureDoesNotMatch"


async def test_an_expired_presigned_url_is_refused() -> None:
    later = datetime.now(UTC) + timedelta(seconds=400)
    failure = await _refused(_presigned_get(expires=300), "s3", now=later)
    assert (failure.code, failure.message) == ("AccessDenied", "Request has expired")


async def test_unknown_access_keys_are_refused() -> None:
    request = _sent(lambda: _client("lambda", "AKIDUNKNOWN", "secret").list_functions())
    failure = await _refused(request, "lambda")
    assert (failure.code, failure.message) == (
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )
    s3 = await _refused(_sent(lambda: _client("s3", "AKIDUNKNOWN", "x").list_buckets()), "s3")
    assert s3.code == "InvalidAccessKeyId"
    presigned = await _refused(_presigned_get(key="AKIDUNKNOWN"), "s3")
    assert presigned.code == "InvalidAccessKeyId"
    sns = await _refused(_sent(lambda: _client("sns", "AKIDUNKNOWN", "x").list_topics()), "sns")
    assert sns.code == "InvalidClientTokenId"


async def test_a_wrong_secret_is_refused() -> None:
    request = _sent(lambda: _client("lambda", "AKIDEXAMPLE", "wrong").list_functions())
    assert (await _refused(request, "lambda")).code == "InvalidSignatureException"


async def test_unsigned_requests_are_refused() -> None:
    unsigned = HttpRequest("GET", "/2015-03-31/functions/", "", Headers({"Host": "localhost"}))
    failure = await _refused(unsigned, "lambda")
    assert (failure.code, failure.message) == ("MissingAuthenticationTokenException", "Missing Authentication Token")
    assert (await _refused(replace(unsigned, path="/bucket"), "s3")).code == "AccessDenied"


@pytest.mark.parametrize("minutes", [16, -16])
async def test_requests_outside_fifteen_minutes_are_refused(minutes: int) -> None:
    request = _lambda_invoke()
    failure = await _refused(request, "lambda", now=datetime.now(UTC) + timedelta(minutes=minutes))
    assert failure.code == "InvalidSignatureException"
    expected = "Signature expired: " if minutes > 0 else "Signature not yet current: "
    assert failure.message.startswith(expected)
    assert (await _refused(_s3_list(), "s3", now=datetime.now(UTC) + timedelta(minutes=minutes))).code == (
        "RequestTimeTooSkewed"
    )


async def test_within_fifteen_minutes_is_accepted() -> None:
    await _verify(_lambda_invoke(), "lambda", now=datetime.now(UTC) + timedelta(minutes=14))


LISTINGS = {"lambda": "list_functions", "sqs": "list_queues", "sns": "list_topics", "s3": "list_buckets"}


@pytest.mark.parametrize("service", LISTINGS)
async def test_refusals_are_written_in_the_service_protocol(service: str) -> None:
    client = _client(service, "AKIDUNKNOWN", "x")
    failure = await _refused(_sent(getattr(client, LISTINGS[service])), service)
    response = error_response(load_service(service), None, failure, "rid")
    assert response.status == 403
    assert isinstance(response.body, bytes)
    assert failure.code.encode() in response.body or failure.code.encode() in b"".join(
        v.encode() for v in response.headers.values()
    )
