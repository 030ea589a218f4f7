"""HTTP APIs end to end through the ASGI app: stages, routes, payloads 2.0 and 1.0, responses, errors."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest
from gateway_harness import ACCOUNT, HTTP_ID, FunctionFailed, World, call, http_view, route, world

from triggerfish.core.errors import TooManyRequests
from triggerfish.services.apigatewayv2.views import CorsView

HOST = f"{HTTP_ID}.execute-api.localhost:4566"


def named(name: str) -> Any:
    return lambda event: {"statusCode": 200, "body": name}


@pytest.fixture
def w() -> World:
    w = world()
    w.functions.add("echo", lambda event: {"statusCode": 200, "body": "ok"})
    w.http.add(http_view([route("GET /pets/{id}", "echo"), route("$default", "echo")]))
    return w


async def test_v2_event_has_aws_shape(w: World) -> None:
    reply = await call(
        w.app,
        "POST",
        "/pets/7",
        host=HOST,
        query="a=1&a=2&b=x%20y",
        headers=[
            ("Content-Type", "application/json"),
            ("Cookie", "c1=v1; c2=v2"),
            ("X-Multi", "one"),
            ("X-Multi", "two"),
            ("User-Agent", "tests/2"),
        ],
        body=b'{"k": 1}',
    )
    assert reply.status == 200
    assert reply.header("apigw-requestid")
    [event] = w.functions.events("echo")
    assert event["version"] == "2.0"
    assert event["routeKey"] == "$default"  # POST does not match GET /pets/{id}
    assert event["rawPath"] == "/pets/7"
    assert event["rawQueryString"] == "a=1&a=2&b=x%20y"
    assert event["queryStringParameters"] == {"a": "1,2", "b": "x y"}
    assert event["cookies"] == ["c1=v1", "c2=v2"]
    assert event["headers"]["x-multi"] == "one,two"
    assert "cookie" not in event["headers"]
    assert event["headers"]["x-forwarded-for"] == "192.0.2.10"
    assert event["body"] == '{"k": 1}'
    assert event["isBase64Encoded"] is False
    assert "pathParameters" not in event and "stageVariables" not in event
    context = event["requestContext"]
    assert context["http"] == {
        "method": "POST",
        "path": "/pets/7",
        "protocol": "HTTP/1.1",
        "sourceIp": "192.0.2.10",
        "userAgent": "tests/2",
    }
    assert context["stage"] == "$default"
    assert context["accountId"] == ACCOUNT
    assert context["requestId"] == reply.header("apigw-requestid")
    assert context["domainPrefix"] == HTTP_ID


async def test_route_priority_follows_aws() -> None:
    # the example of "Routing API requests" in the API Gateway developer guide
    w = world()
    for name in ("exact", "param", "greedy", "any", "default"):
        w.functions.add(name, named(name))
    w.http.add(
        http_view(
            [
                route("GET /pets/dog/1", "exact"),
                route("GET /pets/dog/{id}", "param"),
                route("GET /pets/{proxy+}", "greedy"),
                route("ANY /{proxy+}", "any"),
                route("$default", "default"),
            ]
        )
    )
    expected = {
        ("GET", "/pets/dog/1"): b"exact",
        ("GET", "/pets/dog/2"): b"param",
        ("GET", "/pets/cat/1"): b"greedy",
        ("POST", "/pets/dog/1"): b"any",
        ("GET", "/"): b"default",
    }
    for (method, path), body in expected.items():
        assert (await call(w.app, method, path, host=HOST)).body == body, (method, path)
    greedy = w.functions.events("greedy")[0]
    assert greedy["pathParameters"] == {"proxy": "cat/1"}
    assert greedy["routeKey"] == "GET /pets/{proxy+}"


async def test_explicit_method_beats_any_and_longer_greedy_prefix_wins() -> None:
    w = world()
    for name in ("get", "any", "short", "long"):
        w.functions.add(name, named(name))
    w.http.add(
        http_view(
            [
                route("ANY /items", "any"),
                route("GET /items", "get"),
                route("ANY /{proxy+}", "short"),
                route("ANY /files/{proxy+}", "long"),
            ]
        )
    )
    assert (await call(w.app, "GET", "/items", host=HOST)).body == b"get"
    assert (await call(w.app, "PUT", "/items", host=HOST)).body == b"any"
    assert (await call(w.app, "GET", "/files/a/b", host=HOST)).body == b"long"
    assert (await call(w.app, "GET", "/other/a", host=HOST)).body == b"short"


async def test_no_route_is_404() -> None:
    w = world()
    w.http.add(http_view([route("GET /pets", "echo")]))
    reply = await call(w.app, "GET", "/cats", host=HOST)
    assert reply.status == 404
    assert reply.json() == {"message": "Not Found"}


async def test_named_stage_is_the_first_segment_and_stays_in_raw_path() -> None:
    w = world()
    w.functions.add("dev", named("dev"))
    w.functions.add("main", named("main"))
    w.http.add(http_view([route("GET /pets", "dev")], stage="dev", variables={"v": "1"}))
    w.http.add(http_view([route("GET /dev/pets", "main"), route("GET /pets", "main")]))
    assert (await call(w.app, "GET", "/dev/pets", host=HOST)).body == b"dev"
    assert (await call(w.app, "GET", "/pets", host=HOST)).body == b"main"
    event = w.functions.events("dev")[0]
    assert event["rawPath"] == "/dev/pets"
    assert event["requestContext"]["stage"] == "dev"
    assert event["stageVariables"] == {"v": "1"}


async def test_no_default_stage_is_404() -> None:
    w = world()
    w.http.add(http_view([route("GET /pets", "echo")], stage="dev"))
    assert (await call(w.app, "GET", "/pets", host=HOST)).status == 404


async def test_binary_bodies_are_base64_for_non_text_types(w: World) -> None:
    data = bytes(range(256))
    await call(w.app, "POST", "/up", host=HOST, headers=[("Content-Type", "application/octet-stream")], body=data)
    await call(w.app, "POST", "/up", host=HOST, headers=[("Content-Type", "text/csv")], body=b"a,b")
    form = b"a=1&b=2"
    await call(
        w.app, "POST", "/up", host=HOST, headers=[("Content-Type", "application/x-www-form-urlencoded")], body=form
    )
    binary, text, posted = w.functions.events("echo")
    assert binary["isBase64Encoded"] is True and base64.b64decode(binary["body"]) == data
    assert text["isBase64Encoded"] is False and text["body"] == "a,b"
    assert posted["isBase64Encoded"] is True  # form posts arrive base64-encoded (observed)


async def test_v1_payload_event() -> None:
    w = world()
    w.functions.add("v1", lambda event: {"statusCode": 201, "body": "made", "multiValueHeaders": {"x": ["1", "2"]}})
    w.http.add(http_view([route("PUT /things/{id}", "v1", version="1.0")]))
    reply = await call(w.app, "PUT", "/things/9", host=HOST, query="q=1&q=2", headers=[("X-Thing", "t")])
    assert reply.status == 201
    assert reply.body == b"made"
    assert reply.header("x") == "1,2"
    [event] = w.functions.events("v1")
    assert event["version"] == "1.0"
    assert event["resource"] == "/things/{id}"
    assert event["path"] == "/things/9"
    assert event["pathParameters"] == {"id": "9"}
    assert event["multiValueQueryStringParameters"] == {"q": ["1", "2"]}
    assert event["queryStringParameters"] == {"q": "2"}
    assert event["headers"]["X-Thing"] == "t"
    context = event["requestContext"]
    assert context["resourceId"] == "PUT /things/{id}"
    assert context["resourcePath"] == "/things/{id}"
    assert context["identity"]["cognitoAmr"] is None
    assert context["requestId"] == context["extendedRequestId"] == reply.header("apigw-requestid")


async def test_function_error_and_rejected_invoke_are_500(w: World) -> None:
    def fail(event: dict[str, Any]) -> None:
        raise FunctionFailed("boom")

    def refuse(event: dict[str, Any]) -> None:
        raise TooManyRequests("Rate Exceeded.")

    for handler in (fail, refuse):
        w.functions.add("echo", handler)
        reply = await call(w.app, "GET", "/pets/1", host=HOST)
        assert reply.status == 500
        assert reply.json() == {"message": "Internal Server Error"}


async def test_integration_timeout_is_503_and_others_are_served_meanwhile() -> None:
    w = world()
    release = asyncio.Event()

    async def slow(event: dict[str, Any]) -> str:
        await release.wait()
        return "late"

    w.functions.add("slow", slow)
    w.functions.add("fast", named("fast"))
    w.http.add(http_view([route("GET /slow", "slow", timeout_ms=2_000), route("GET /fast", "fast")]))
    slow_request = asyncio.ensure_future(call(w.app, "GET", "/slow", host=HOST))
    assert (await call(w.app, "GET", "/fast", host=HOST)).body == b"fast"
    await w.clock.advance(2.0)
    reply = await slow_request
    assert reply.status == 503
    assert reply.json() == {"message": "Service Unavailable"}
    release.set()


async def test_cors_preflight_is_answered_without_invoking() -> None:
    w = world()
    w.functions.add("echo", lambda event: {"statusCode": 200, "headers": {"access-control-allow-origin": "evil"}})
    cors = CorsView(
        allow_origins=("https://app.example.com",),
        allow_methods=("GET", "POST"),
        allow_headers=("authorization", "content-type"),
        expose_headers=("x-total",),
        max_age=600,
        allow_credentials=True,
    )
    w.http.add(http_view([route("GET /pets", "echo")], cors=cors))
    origin = [("Origin", "https://app.example.com")]
    preflight = await call(
        w.app, "OPTIONS", "/pets", host=HOST, headers=[*origin, ("Access-Control-Request-Method", "GET")]
    )
    assert preflight.status == 204
    assert preflight.header("access-control-allow-origin") == "https://app.example.com"
    assert preflight.header("access-control-allow-methods") == "GET,POST"
    assert preflight.header("access-control-allow-headers") == "authorization,content-type"
    assert preflight.header("access-control-max-age") == "600"
    assert preflight.header("access-control-allow-credentials") == "true"
    assert w.functions.calls == []
    actual = await call(w.app, "GET", "/pets", host=HOST, headers=origin)
    assert actual.all("access-control-allow-origin") == ["https://app.example.com"]  # the function's is ignored
    assert actual.header("access-control-expose-headers") == "x-total"
    other = await call(w.app, "GET", "/pets", host=HOST, headers=[("Origin", "https://elsewhere")])
    assert other.header("access-control-allow-origin") is None


async def test_response_mapping_structured_and_inferred() -> None:
    w = world()
    w.functions.add("dict", lambda event: {"hello": "world"})
    w.functions.add("text", lambda event: "hello")
    w.functions.add(
        "cookies",
        lambda event: {"statusCode": 302, "headers": {"Location": "/x"}, "cookies": ["a=1; Path=/", "b=2"]},
    )
    w.http.add(http_view([route("GET /dict", "dict"), route("GET /text", "text"), route("GET /cookies", "cookies")]))
    inferred = await call(w.app, "GET", "/dict", host=HOST)
    assert (inferred.status, inferred.body) == (200, b'{"hello":"world"}')
    assert inferred.header("content-type") == "application/json"
    assert (await call(w.app, "GET", "/text", host=HOST)).body == b"hello"
    cookies = await call(w.app, "GET", "/cookies", host=HOST)
    assert cookies.status == 302
    assert cookies.header("location") == "/x"
    assert cookies.all("set-cookie") == ["a=1; Path=/", "b=2"]
    assert cookies.header("content-type") == "text/plain; charset=utf-8"
