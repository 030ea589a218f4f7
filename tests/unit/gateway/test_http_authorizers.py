"""HTTP API authorizers through the gateway: Lambda (payload 1.0 and 2.0, simple and policy) and JWT."""

from __future__ import annotations

import json
from typing import Any

from gateway_harness import ACCOUNT, HTTP_ID, REGION, FunctionFailed, World, call, function_arn, http_view, route, world
from jwt_signing import jwks_document, sign

from triggerfish.services.apigatewayv2.views import HttpAuthorizerView, JwtConfigurationView

HOST = f"{HTTP_ID}.execute-api.localhost:4566"
ISSUER = "https://issuer.example.com"
DOCUMENTS = {
    f"{ISSUER}/.well-known/openid-configuration": json.dumps({"jwks_uri": f"{ISSUER}/keys.json"}).encode(),
    f"{ISSUER}/keys.json": json.dumps(jwks_document()).encode(),
}
NOW = 1_700_000_000  # the virtual clock's start


def lambda_world(authorizer: HttpAuthorizerView, handler: Any, *, version: str = "2.0", **extra: Any) -> World:
    w = world()
    w.functions.add("app", lambda event: {"statusCode": 200, "body": "in"})
    w.functions.add("auth", handler)
    routes = [route("GET /pets/{id}", "app", version=version, authorization_type="CUSTOM", authorizer_id="a1", **extra)]
    w.http.add(http_view(routes, authorizers={"a1": authorizer}))
    return w


def lambda_authorizer(**settings: Any) -> HttpAuthorizerView:
    defaults: dict[str, Any] = {
        "id": "a1",
        "name": "lambda",
        "type": "REQUEST",
        "authorizer_uri": function_arn("auth"),
        "identity_sources": ("$request.header.Authorization",),
    }
    return HttpAuthorizerView(**{**defaults, **settings})


def simple(event: dict[str, Any]) -> dict[str, Any]:
    allowed = event["headers"].get("authorization") == "secret"
    return {"isAuthorized": allowed, "context": {"user": "u1", "level": 3, "tags": ["a"]}}


async def get(w: World, authorization: str | None = None, path: str = "/pets/1") -> Any:
    headers = [("Authorization", authorization)] if authorization is not None else []
    return await call(w.app, "GET", path, host=HOST, headers=headers)


async def test_simple_response_allows_and_passes_context_under_lambda() -> None:
    w = lambda_world(lambda_authorizer(enable_simple_responses=True, result_ttl=300), simple)
    reply = await get(w, "secret")
    assert reply.status == 200
    [event] = w.functions.events("auth")
    assert event["version"] == "2.0"
    assert event["type"] == "REQUEST"
    assert event["routeArn"] == f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{HTTP_ID}/$default/GET/pets/1"
    assert event["identitySource"] == ["secret"]
    assert event["routeKey"] == "GET /pets/{id}"
    assert event["pathParameters"] == {"id": "1"}
    context = w.functions.events("app")[0]["requestContext"]["authorizer"]
    assert context == {"lambda": {"user": "u1", "level": 3, "tags": ["a"]}}
    await get(w, "secret", "/pets/2")
    assert len(w.functions.events("auth")) == 1  # cached for every route of the authorizer


async def test_simple_response_refusal_is_403_and_missing_identity_401() -> None:
    w = lambda_world(lambda_authorizer(enable_simple_responses=True), simple)
    refused = await get(w, "wrong")
    assert refused.status == 403 and refused.json() == {"message": "Forbidden"}
    missing = await get(w)
    assert missing.status == 401 and missing.json() == {"message": "Unauthorized"}
    assert len(w.functions.events("auth")) == 1


async def test_policy_response_v1_payload() -> None:
    def v1(event: dict[str, Any]) -> dict[str, Any]:
        effect = "Allow" if event["authorizationToken"] == "ok" else "Deny"
        statement = {"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}
        return {"principalId": "p", "policyDocument": {"Statement": [statement]}, "context": {"k": "v"}}

    w = lambda_world(lambda_authorizer(payload_format_version="1.0"), v1, version="1.0")
    assert (await get(w, "ok")).status == 200
    [event] = w.functions.events("auth")
    assert event["version"] == "1.0"
    assert event["identitySource"] == "ok"
    assert event["methodArn"].endswith(f"{HTTP_ID}/$default/GET/pets/1")
    assert event["httpMethod"] == "GET"
    authorizer = w.functions.events("app")[0]["requestContext"]["authorizer"]
    assert authorizer == {"k": "v", "principalId": "p", "integrationLatency": 0}
    assert (await get(w, "no")).status == 403


async def test_failing_or_invalid_authorizer_is_500() -> None:
    def fail(event: dict[str, Any]) -> None:
        raise FunctionFailed("Unauthorized")

    for handler in (fail, lambda event: {"isAuthorized": "yes"}):
        w = lambda_world(lambda_authorizer(enable_simple_responses=True), handler)
        reply = await get(w, "x")
        assert reply.status == 500
        assert reply.json() == {"message": "Internal Server Error"}


def jwt_world(scopes: tuple[str, ...] = (), audience: tuple[str, ...] = ("my-client",)) -> World:
    w = world(jwks=DOCUMENTS)
    w.functions.add("app", lambda event: {"statusCode": 200, "body": "in"})
    authorizer = HttpAuthorizerView(
        id="j1",
        name="jwt",
        type="JWT",
        identity_sources=("$request.header.Authorization",),
        jwt=JwtConfigurationView(issuer=ISSUER, audience=audience),
    )
    routes = [
        route("GET /me", "app", authorization_type="JWT", authorizer_id="j1", authorization_scopes=scopes),
        route("GET /me1", "app", version="1.0", authorization_type="JWT", authorizer_id="j1"),
    ]
    w.http.add(http_view(routes, authorizers={"j1": authorizer}))
    return w


def claims(**changes: Any) -> dict[str, Any]:
    return {"iss": ISSUER, "aud": "my-client", "sub": "u1", "exp": NOW + 600, "iat": NOW - 10, **changes}


async def test_jwt_good_token_passes_claims_as_strings() -> None:
    w = jwt_world(scopes=("read",))
    token = sign(claims(scope="read write", groups=["a", "b"], n=5, ok=True))
    reply = await call(w.app, "GET", "/me", host=HOST, headers=[("Authorization", f"Bearer {token}")])
    assert reply.status == 200
    jwt = w.functions.events("app")[0]["requestContext"]["authorizer"]["jwt"]
    assert jwt["scopes"] == ["read", "write"]
    assert jwt["claims"]["groups"] == "[a b]"
    assert jwt["claims"]["n"] == "5"
    assert jwt["claims"]["ok"] == "true"
    assert jwt["claims"]["exp"] == str(NOW + 600)
    one = await call(w.app, "GET", "/me1", host=HOST, headers=[("Authorization", token)])
    assert one.status == 200
    flat = w.functions.events("app")[1]["requestContext"]["authorizer"]
    assert flat["claims"]["sub"] == "u1"


async def test_jwt_missing_scope_is_403() -> None:
    w = jwt_world(scopes=("admin",))
    reply = await call(w.app, "GET", "/me", host=HOST, headers=[("Authorization", sign(claims(scope="read")))])
    assert reply.status == 403
    assert reply.json() == {"message": "Forbidden"}
    assert 'error="insufficient_scope"' in (reply.header("www-authenticate") or "")


async def test_jwt_bad_tokens_are_401() -> None:
    w = jwt_world()
    good = sign(claims())
    tampered = good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")
    for token in [
        sign(claims(exp=NOW - 1)),
        sign(claims(iss="https://other.example.com")),
        sign(claims(aud="someone-else")),
        sign(claims(nbf=NOW + 60)),
        sign(claims(), kid="unknown-key"),
        tampered,
        "not-a-jwt",
    ]:
        reply = await call(w.app, "GET", "/me", host=HOST, headers=[("Authorization", f"Bearer {token}")])
        assert reply.status == 401, token
        assert reply.json() == {"message": "Unauthorized"}
        assert 'error="invalid_token"' in (reply.header("www-authenticate") or "")
    assert (await call(w.app, "GET", "/me", host=HOST)).status == 401
    assert w.functions.calls == []
