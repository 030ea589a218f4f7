"""REST API Lambda authorizers through the gateway: TOKEN and REQUEST, policies, caching, failures (spec §6.5)."""

from __future__ import annotations

from typing import Any

import pytest
from gateway_harness import (
    ACCOUNT,
    REGION,
    REST_ID,
    FunctionFailed,
    World,
    call,
    proxy_method,
    resource,
    rest_view,
    world,
)

from triggerfish.services.apigateway.views import AuthorizerView

HOST = f"{REST_ID}.execute-api.localhost:4566"
ARN_PREFIX = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{REST_ID}"


def policy(effect: str, resource_arn: str, **extra: Any) -> dict[str, Any]:
    return {
        "principalId": "user-1",
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource_arn}],
        },
        **extra,
    }


def token_authorizer(event: dict[str, Any]) -> dict[str, Any]:
    token = event["authorizationToken"]
    if token == "allow":
        return policy("Allow", f"{ARN_PREFIX}/*/GET/*", context={"user": "u1", "n": 1, "admin": True})
    if token == "deny":
        return policy("Deny", event["methodArn"])
    if token == "other":
        return policy("Allow", f"{ARN_PREFIX}/*/POST/*")
    if token == "broken":
        return {"principalId": "x"}
    raise FunctionFailed("Unauthorized")


def world_with(authorizer: AuthorizerView, handler: Any = token_authorizer) -> World:
    w = world()
    w.functions.add("app", lambda event: {"statusCode": 200, "body": "in"})
    w.functions.add("auth", handler)
    method = proxy_method("app", authorization_type="CUSTOM", authorizer_id=authorizer.id)
    w.rest.add(rest_view([resource("/pets/{id}", method)], authorizers={authorizer.id: authorizer}))
    return w


def token(ttl: int = 300, expression: str | None = None) -> AuthorizerView:
    return AuthorizerView(
        id="auth1",
        name="tokens",
        type="TOKEN",
        authorizer_uri=f"arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/"
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:auth/invocations",
        identity_source="method.request.header.Authorization",
        identity_validation_expression=expression,
        result_ttl=ttl,
    )


async def get(w: World, authorization: str | None = None, path: str = "/prod/pets/1") -> Any:
    headers = [("Authorization", authorization)] if authorization is not None else []
    return await call(w.app, "GET", path, host=HOST, headers=headers)


async def test_token_allow_passes_context_and_principal() -> None:
    w = world_with(token())
    reply = await get(w, "allow")
    assert reply.status == 200 and reply.body == b"in"
    [auth_event] = w.functions.events("auth")
    assert auth_event == {"type": "TOKEN", "authorizationToken": "allow", "methodArn": f"{ARN_PREFIX}/prod/GET/pets/1"}
    authorizer = w.functions.events("app")[0]["requestContext"]["authorizer"]
    assert authorizer == {"user": "u1", "n": "1", "admin": "true", "principalId": "user-1", "integrationLatency": 0}


async def test_missing_token_is_401_without_invoking() -> None:
    w = world_with(token())
    reply = await get(w)
    assert reply.status == 401
    assert reply.json() == {"message": "Unauthorized"}
    assert w.functions.calls == []


async def test_validation_expression_failure_is_401_without_invoking() -> None:
    w = world_with(token(expression="^Bearer [a-z]+$"))
    assert (await get(w, "allow")).status == 401
    assert w.functions.calls == []


async def test_unauthorized_error_is_401() -> None:
    w = world_with(token())
    reply = await get(w, "nobody")
    assert reply.status == 401
    assert reply.json() == {"message": "Unauthorized"}


async def test_explicit_deny_is_403() -> None:
    w = world_with(token())
    reply = await get(w, "deny")
    assert reply.status == 403
    assert reply.json() == {"Message": "User is not authorized to access this resource with an explicit deny"}
    assert reply.header("x-amzn-ErrorType") == "AccessDeniedException"
    assert w.functions.events("app") == []


async def test_policy_not_covering_the_method_is_403() -> None:
    w = world_with(token())
    reply = await get(w, "other")
    assert reply.status == 403
    assert reply.json() == {"Message": "User is not authorized to access this resource"}


@pytest.mark.parametrize("answer", ["broken", "crash"])
async def test_invalid_answer_or_failure_is_500(answer: str) -> None:
    def handler(event: dict[str, Any]) -> Any:
        if event["authorizationToken"] == "crash":
            raise FunctionFailed("something else")
        return token_authorizer(event)

    w = world_with(token(), handler)
    reply = await get(w, answer)
    assert reply.status == 500
    assert reply.body == b'{"message":null}'
    assert reply.header("x-amzn-ErrorType") == "AuthorizerConfigurationException"


async def test_context_must_hold_scalars() -> None:
    w = world_with(token(), lambda event: policy("Allow", "*", context={"list": [1]}))
    assert (await get(w, "x")).status == 500


async def test_results_are_cached_for_the_ttl_and_reevaluated_per_method_arn() -> None:
    w = world_with(token(ttl=60))
    assert (await get(w, "allow")).status == 200
    assert (await get(w, "allow", "/prod/pets/2")).status == 200
    assert len(w.functions.events("auth")) == 1
    second = w.functions.events("app")[1]["requestContext"]["authorizer"]
    assert second["integrationLatency"] == 0
    await w.clock.advance(61)
    assert (await get(w, "allow")).status == 200
    assert len(w.functions.events("auth")) == 2


async def test_ttl_zero_never_caches() -> None:
    w = world_with(token(ttl=0))
    await get(w, "allow")
    await get(w, "allow")
    assert len(w.functions.events("auth")) == 2


def request_authorizer(sources: str | None, ttl: int = 300) -> AuthorizerView:
    return AuthorizerView(
        id="auth2",
        name="requests",
        type="REQUEST",
        authorizer_uri=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:auth",
        identity_source=sources,
        result_ttl=ttl,
    )


def allow_request(event: dict[str, Any]) -> dict[str, Any]:
    effect = "Allow" if event["headers"].get("X-Key") == "good" else "Deny"
    return policy(effect, event["methodArn"])


async def test_request_authorizer_gets_the_request_and_caches_by_identity_sources() -> None:
    w = world_with(request_authorizer("method.request.header.X-Key, method.request.querystring.tenant"), allow_request)
    headers = [("X-Key", "good")]
    missing = await call(w.app, "GET", "/prod/pets/1", host=HOST, headers=headers)
    assert missing.status == 401
    assert w.functions.calls == []
    reply = await call(w.app, "GET", "/prod/pets/1", host=HOST, headers=headers, query="tenant=t1")
    assert reply.status == 200
    [event] = w.functions.events("auth")
    assert event["type"] == "REQUEST"
    assert event["methodArn"] == f"{ARN_PREFIX}/prod/GET/pets/1"
    assert event["resource"] == "/pets/{id}"
    assert event["pathParameters"] == {"id": "1"}
    assert event["queryStringParameters"] == {"tenant": "t1"}
    assert "authorizer" not in event["requestContext"]
    await call(w.app, "GET", "/prod/pets/1", host=HOST, headers=headers, query="tenant=t1")
    assert len(w.functions.events("auth")) == 1
    denied = await call(w.app, "GET", "/prod/pets/1", host=HOST, headers=[("X-Key", "bad")], query="tenant=t1")
    assert denied.status == 403
    assert len(w.functions.events("auth")) == 2


async def test_request_authorizer_without_identity_sources_is_never_cached() -> None:
    w = world_with(request_authorizer(None), allow_request)
    for _ in range(2):
        assert (await call(w.app, "GET", "/prod/pets/1", host=HOST, headers=[("X-Key", "good")])).status == 200
    assert len(w.functions.events("auth")) == 2
