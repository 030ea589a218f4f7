"""Function URLs end to end through the ASGI app: auth types, the event, responses, CORS, errors (spec §6.6)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from gateway_harness import ACCOUNT, REGION, URL_ID, FunctionFailed, World, call, url_config, world

from triggerfish.core.errors import TooManyRequests
from triggerfish.services.lambda_.url_config import UrlCors

HOST = f"{URL_ID}.lambda-url.{REGION}.localhost:4566"
FORBIDDEN = {
    "Message": "Forbidden. For troubleshooting Function URL authorization issues, see: "
    "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"
}


@pytest.fixture
def w() -> World:
    w = world()
    w.functions.add("fn", lambda event: {"statusCode": 200, "body": "hi"})
    return w


async def test_none_url_with_public_policy_invokes(w: World) -> None:
    w.urls.add(url_config("fn"))
    reply = await call(w.app, "GET", "/a/b", host=HOST, query="x=1", headers=[("Cookie", "s=1")])
    assert reply.status == 200
    assert reply.body == b"hi"
    assert reply.header("content-type") == "application/json"  # observed default for Function URLs
    [event] = w.functions.events("fn")
    assert event["rawPath"] == "/a/b"
    assert event["routeKey"] == "$default"
    assert event["cookies"] == ["s=1"]
    context = event["requestContext"]
    assert context["apiId"] == URL_ID
    assert context["accountId"] == "anonymous"
    assert context["domainName"] == f"{URL_ID}.lambda-url.{REGION}.on.aws"
    assert context["stage"] == "$default"
    assert "authorizer" not in context


async def test_path_form(w: World) -> None:
    w.urls.add(url_config("fn"))
    reply = await call(w.app, "GET", f"/_lambda-url/{URL_ID}/x")
    assert reply.status == 200
    assert w.functions.events("fn")[0]["rawPath"] == "/x"


async def test_none_url_without_public_policy_is_forbidden(w: World) -> None:
    w.urls.add(url_config("fn"), public=False)
    reply = await call(w.app, "GET", "/", host=HOST)
    assert reply.status == 403
    assert reply.json() == FORBIDDEN
    assert reply.header("x-amzn-ErrorType") == "AccessDeniedException"
    assert w.functions.calls == []


async def test_unknown_url_is_forbidden(w: World) -> None:
    assert (await call(w.app, "GET", "/", host=HOST)).status == 403


async def test_aws_iam_url_needs_a_signature_from_an_allowed_account(w: World) -> None:
    w.urls.add(url_config("fn", auth="AWS_IAM"), public=False)
    unsigned = await call(w.app, "GET", "/", host=HOST)
    assert unsigned.status == 403 and unsigned.json() == FORBIDDEN
    stranger = await call(w.app, "GET", "/", host=HOST, headers=[("Authorization", "test-signature OTHER")])
    assert stranger.status == 403
    signed = await call(w.app, "GET", "/", host=HOST, headers=[("Authorization", "test-signature AKIDEXAMPLE")])
    assert signed.status == 200
    [event] = w.functions.events("fn")
    assert event["requestContext"]["accountId"] == ACCOUNT
    assert event["requestContext"]["authorizer"]["iam"]["accessKey"] == "AKIDEXAMPLE"
    assert event["requestContext"]["authorizer"]["iam"]["accountId"] == ACCOUNT
    assert event["pathParameters"] is None and event["stageVariables"] is None
    w.urls.callers.add("999999999999")
    assert (await call(w.app, "GET", "/", host=HOST, headers=[("Authorization", "test-signature OTHER")])).status == 200


@pytest.mark.parametrize(
    ("returned", "status", "body"),
    [
        ({"hello": "world"}, 200, b'{"hello":"world"}'),
        (["hello", 3, True], 200, b'["hello",3,true]'),
        ("hello", 200, b"hello"),
        (3, 200, b"3"),
        ({"statusCode": "418", "body": "i'm a teapot"}, 418, b"i'm a teapot"),
    ],
)
async def test_results_map_like_aws(w: World, returned: object, status: int, body: bytes) -> None:
    w.functions.add("fn", lambda event: returned)
    w.urls.add(url_config("fn"))
    reply = await call(w.app, "POST", "/", host=HOST, body=b"{}")
    assert (reply.status, reply.body) == (status, body)


async def test_function_error_is_plain_502(w: World) -> None:
    def fail(event: dict[str, Any]) -> None:
        raise FunctionFailed("boom")

    w.functions.add("fn", fail)
    w.urls.add(url_config("fn"))
    reply = await call(w.app, "GET", "/", host=HOST)
    assert reply.status == 502
    assert reply.body == b"Internal Server Error"


async def test_throttled_is_429(w: World) -> None:
    def refuse(event: dict[str, Any]) -> None:
        raise TooManyRequests("Rate Exceeded.", fields={"Type": "User", "Reason": "ReservedFunctionConcurrency"})

    w.functions.add("fn", refuse)
    w.urls.add(url_config("fn"))
    reply = await call(w.app, "GET", "/", host=HOST)
    assert reply.status == 429
    assert json.loads(reply.body) == {
        "Reason": "ReservedFunctionConcurrency",
        "Type": "User",
        "message": "Rate Exceeded.",
    }
    assert reply.header("x-amzn-ErrorType") == "TooManyRequestsException"


async def test_cors_preflight_and_configured_headers_override_the_functions(w: World) -> None:
    w.functions.add(
        "fn",
        lambda event: {
            "statusCode": 200,
            "headers": {"Access-Control-Allow-Origin": "https://mine", "Access-Control-Max-Age": "5"},
        },
    )
    cors = UrlCors(allow_origins=("*",), allow_methods=("GET",), allow_headers=("x-a",), max_age=60)
    w.urls.add(url_config("fn", cors=cors))
    preflight = await call(
        w.app, "OPTIONS", "/", host=HOST, headers=[("Origin", "https://a"), ("Access-Control-Request-Method", "GET")]
    )
    assert preflight.status == 200
    assert preflight.header("access-control-allow-origin") == "*"
    assert preflight.header("access-control-allow-methods") == "GET"
    assert preflight.header("access-control-max-age") == "60"
    assert w.functions.calls == []
    actual = await call(w.app, "GET", "/", host=HOST, headers=[("Origin", "https://a")])
    assert actual.all("access-control-allow-origin") == ["*"]
    assert actual.header("access-control-max-age") == "5"  # not configured for actual requests: the function's stays


async def test_streaming_url_is_served_buffered(w: World, caplog: pytest.LogCaptureFixture) -> None:
    w.urls.add(url_config("fn", invoke_mode="RESPONSE_STREAM"))
    assert (await call(w.app, "GET", "/", host=HOST)).body == b"hi"
