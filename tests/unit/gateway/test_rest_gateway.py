"""REST APIs end to end through the ASGI app, with fake views and functions: events, responses, errors."""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import pytest
from gateway_harness import (
    ACCOUNT,
    REST_ID,
    FunctionFailed,
    World,
    call,
    proxy_method,
    resource,
    rest_view,
    world,
)

from triggerfish.core.errors import ResourceNotFound, TooManyRequests
from triggerfish.services.apigateway.views import (
    IntegrationResponseView,
    IntegrationView,
    MethodView,
)

HOST = f"{REST_ID}.execute-api.localhost:4566"


def echo(event: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": 200, "body": "ok"}


@pytest.fixture
def w() -> World:
    w = world()
    w.functions.add("echo", echo)
    w.rest.add(
        rest_view(
            [
                resource("/", proxy_method("echo", method="GET")),
                resource("/pets/{id}", proxy_method("echo", method="GET")),
                resource("/{proxy+}", proxy_method("echo")),
            ],
            variables={"env": "test"},
        )
    )
    return w


async def test_proxy_event_has_aws_shape(w: World) -> None:
    reply = await call(
        w.app,
        "GET",
        "/prod/pets/7",
        host=HOST,
        query="a=1&a=2&b=x+y",
        headers=[("User-Agent", "tests/1"), ("X-Custom", "one"), ("X-Custom", "two")],
    )
    assert reply.status == 200
    assert reply.body == b"ok"
    [event] = w.functions.events("echo")
    assert event["resource"] == "/pets/{id}"
    assert event["path"] == "/pets/7"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"id": "7"}
    assert event["stageVariables"] == {"env": "test"}
    assert event["queryStringParameters"] == {"a": "2", "b": "x y"}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": ["x y"]}
    # the ASGI server lower-cased the names: they come back Title-Case
    assert event["headers"]["X-Custom"] == "two"
    assert event["multiValueHeaders"]["X-Custom"] == ["one", "two"]
    assert event["headers"]["X-Forwarded-For"] == "192.0.2.10"
    assert event["body"] is None and event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["path"] == "/prod/pets/7"
    assert context["stage"] == "prod"
    assert context["accountId"] == ACCOUNT
    assert context["apiId"] == REST_ID
    assert context["resourcePath"] == "/pets/{id}"
    assert context["identity"]["sourceIp"] == "192.0.2.10"
    assert context["identity"]["userAgent"] == "tests/1"
    assert context["domainName"] == HOST
    assert context["domainPrefix"] == REST_ID
    assert context["requestId"] == reply.header("x-amzn-RequestId")
    assert context["extendedRequestId"] == reply.header("x-amz-apigw-id")
    assert "authorizer" not in context
    assert "version" not in event


async def test_path_form_addresses_the_same_api(w: World) -> None:
    reply = await call(w.app, "GET", f"/_execute-api/{REST_ID}/prod/pets/7")
    assert reply.status == 200
    assert w.functions.events("echo")[0]["requestContext"]["path"] == "/prod/pets/7"


async def test_literal_beats_parameter_beats_proxy(w: World) -> None:
    await call(w.app, "GET", "/prod/pets/7", host=HOST)
    await call(w.app, "GET", "/prod/pets/7/toys", host=HOST)
    await call(w.app, "GET", "/prod/", host=HOST)
    resources = [event["resource"] for event in w.functions.events("echo")]
    assert resources == ["/pets/{id}", "/{proxy+}", "/"]
    assert w.functions.events("echo")[1]["pathParameters"] == {"proxy": "pets/7/toys"}


async def test_method_missing_on_a_resource_falls_back_to_any_elsewhere(w: World) -> None:
    await call(w.app, "POST", "/prod/pets/7", host=HOST)
    assert w.functions.events("echo")[0]["resource"] == "/{proxy+}"


async def test_unknown_stage_resource_or_method_is_missing_authentication_token() -> None:
    w = world()
    w.functions.add("echo", echo)
    w.rest.add(rest_view([resource("/pets", proxy_method("echo", method="GET"))]))
    for method, path in [("GET", "/dev/pets"), ("GET", "/prod/cats"), ("POST", "/prod/pets"), ("GET", "/")]:
        reply = await call(w.app, method, path, host=HOST)
        assert reply.status == 403
        assert reply.json() == {"message": "Missing Authentication Token"}
        assert reply.header("x-amzn-ErrorType") == "MissingAuthenticationTokenException"
    assert w.functions.calls == []


async def test_unknown_api_is_forbidden(w: World) -> None:
    reply = await call(w.app, "GET", "/prod/pets/1", host="nosuchapi1.execute-api.localhost")
    assert reply.status == 403
    assert reply.json() == {"message": "Forbidden"}


async def test_disabled_execute_api_endpoint_is_forbidden() -> None:
    w = world()
    w.rest.add(rest_view([resource("/", proxy_method("echo"))], disable_execute_api_endpoint=True))
    reply = await call(w.app, "GET", "/prod/", host=HOST)
    assert reply.status == 403
    assert reply.json() == {"message": "Forbidden"}


async def test_function_error_is_502(w: World) -> None:
    def fail(event: dict[str, Any]) -> None:
        raise FunctionFailed("boom")

    w.functions.add("echo", fail)
    reply = await call(w.app, "GET", "/prod/pets/1", host=HOST)
    assert reply.status == 502
    assert reply.body == b'{"message": "Internal server error"}'
    assert reply.header("x-amzn-RequestId")


@pytest.mark.parametrize("error", [TooManyRequests("Rate Exceeded."), ResourceNotFound("Function not found")])
async def test_invoke_rejected_is_500(w: World, error: Exception) -> None:
    def refuse(event: dict[str, Any]) -> None:
        raise error

    w.functions.add("echo", refuse)
    reply = await call(w.app, "GET", "/prod/pets/1", host=HOST)
    assert reply.status == 500
    assert reply.body == b'{"message": "Internal server error"}'


async def test_malformed_proxy_response_is_502(w: World) -> None:
    w.functions.add("echo", lambda event: {"statusCode": 200, "unexpected": True})
    reply = await call(w.app, "GET", "/prod/pets/1", host=HOST)
    assert reply.status == 502


async def test_integration_timeout_is_504_and_the_invocation_runs_on() -> None:
    w = world()
    release = asyncio.Event()
    finished: list[str] = []

    async def slow(event: dict[str, Any]) -> dict[str, Any]:
        await release.wait()
        finished.append("done")
        return {"statusCode": 200}

    w.functions.add("slow", slow)
    w.rest.add(rest_view([resource("/slow", proxy_method("slow", timeout_ms=1_000))]))
    request = asyncio.ensure_future(call(w.app, "GET", "/prod/slow", host=HOST))
    await w.clock.advance(0.5)
    assert not request.done()
    await w.clock.advance(0.6)
    reply = await request
    assert reply.status == 504
    assert reply.body == b'{"message": "Endpoint request timed out"}'
    assert finished == []
    release.set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert finished == ["done"]


async def test_binary_request_body_is_base64_for_a_binary_media_type() -> None:
    w = world()
    w.functions.add("echo", echo)
    w.rest.add(rest_view([resource("/up", proxy_method("echo"))], binary=("image/*",)))
    data = bytes(range(256))
    await call(w.app, "POST", "/prod/up", host=HOST, headers=[("Content-Type", "image/png")], body=data)
    await call(w.app, "POST", "/prod/up", host=HOST, headers=[("Content-Type", "text/plain")], body=b"hi")
    binary, text = w.functions.events("echo")
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == data
    assert "Content-Length" not in binary["headers"]  # REST events carry none (observed)
    assert text["isBase64Encoded"] is False and text["body"] == "hi"


async def test_binary_response_goes_out_binary_when_accept_matches() -> None:
    w = world()
    data = bytes(range(256))
    w.functions.add(
        "img",
        lambda event: {
            "statusCode": 200,
            "headers": {"Content-Type": "image/png"},
            "body": base64.b64encode(data).decode(),
            "isBase64Encoded": True,
        },
    )
    w.rest.add(rest_view([resource("/img", proxy_method("img"))], binary=("image/png",)))
    binary = await call(w.app, "GET", "/prod/img", host=HOST, headers=[("Accept", "image/png")])
    text = await call(w.app, "GET", "/prod/img", host=HOST, headers=[("Accept", "application/json")])
    assert binary.body == data
    assert text.body == base64.b64encode(data)


async def test_mock_integration_answers_cors_preflight() -> None:
    w = world()
    mock = IntegrationView(
        type="MOCK",
        request_templates={"application/json": '{"statusCode": 200}'},
        responses=(
            IntegrationResponseView(
                status_code="200",
                response_parameters={
                    "method.response.header.Access-Control-Allow-Origin": "'*'",
                    "method.response.header.Access-Control-Allow-Headers": "'Content-Type,Authorization'",
                    "method.response.header.Access-Control-Allow-Methods": "'OPTIONS,GET'",
                },
                response_templates={"application/json": ""},
            ),
        ),
    )
    w.rest.add(rest_view([resource("/pets", MethodView("OPTIONS", integration=mock))]))
    reply = await call(w.app, "OPTIONS", "/prod/pets", host=HOST, headers=[("Origin", "http://x")])
    assert reply.status == 200
    assert reply.header("Access-Control-Allow-Origin") == "*"
    assert reply.header("Access-Control-Allow-Methods") == "OPTIONS,GET"
    assert reply.header("Access-Control-Allow-Headers") == "Content-Type,Authorization"
    assert reply.body == b""
    assert w.functions.calls == []


async def test_other_integration_types_are_500(caplog: pytest.LogCaptureFixture) -> None:
    w = world()
    http = IntegrationView(type="HTTP_PROXY", uri="http://example.com/{proxy}")
    w.rest.add(rest_view([resource("/x", MethodView("GET", integration=http))]))
    reply = await call(w.app, "GET", "/prod/x", host=HOST)
    assert reply.status == 500
    assert reply.body == b'{"message": "Internal server error"}'


async def test_stage_variables_pick_the_function() -> None:
    w = world()
    w.functions.add("blue", lambda event: {"statusCode": 200, "body": "blue"})
    integration = IntegrationView(
        type="AWS_PROXY",
        uri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:${{stageVariables.fn}}/invocations",
    )
    w.rest.add(rest_view([resource("/x", MethodView("GET", integration=integration))], variables={"fn": "blue"}))
    assert (await call(w.app, "GET", "/prod/x", host=HOST)).body == b"blue"


async def test_router_is_compiled_once_per_view(w: World) -> None:
    await call(w.app, "GET", "/prod/pets/1", host=HOST)
    stage = w.app.rest._stages[(REST_ID, "prod")]
    await call(w.app, "GET", "/prod/pets/2", host=HOST)
    assert w.app.rest._stages[(REST_ID, "prod")] is stage
    view = w.rest.stages[(REST_ID, "prod")]
    w.rest.add(rest_view(list(view.resources), variables={"env": "changed"}))
    await call(w.app, "GET", "/prod/pets/3", host=HOST)
    assert w.app.rest._stages[(REST_ID, "prod")] is not stage
    assert w.functions.events("echo")[-1]["stageVariables"] == {"env": "changed"}


async def test_unexpected_exception_is_a_500_without_traceback(w: World) -> None:
    def broken(event: dict[str, Any]) -> None:
        raise RuntimeError("a bug")

    w.functions.add("echo", broken)
    reply = await call(w.app, "GET", "/prod/pets/1", host=HOST)
    assert reply.status == 500
    assert reply.body == b'{"message": "Internal server error"}'
    assert b"Traceback" not in reply.body


async def test_request_over_10_mb_is_413_without_reading_it(w: World) -> None:
    big = str(10 * 1024 * 1024 + 1)
    reply = await call(w.app, "POST", "/prod/pets/1", host=HOST, headers=[("Content-Length", big)], chunks=[])
    assert reply.status == 413
    assert reply.json() == {"message": "Request Too Long"}
    chunked = await call(w.app, "POST", "/prod/x", host=HOST, chunks=[b"x" * 6 * 1024 * 1024] * 2)
    assert chunked.status == 413
    assert w.functions.calls == []
