"""Routes: route key rules, conflicts, targets and authorization (spec §6.3)."""

from __future__ import annotations

import re

import pytest
from apigwv2_values import FN, HERE, INVOKE_URI

from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.apigatewayv2.errors import BadRequest, Conflict, NotFound
from triggerfish.services.apigatewayv2.inputs import QuickCreate
from triggerfish.services.apigatewayv2.models import JwtConfiguration
from triggerfish.services.apigatewayv2.route_keys import parse_route_key


@pytest.mark.parametrize(
    "key", ["$default", "GET /", "ANY /{proxy+}", "POST /pets/{id}/toys", "DELETE /a.b/c-d_e/{x.y}", "HEAD /v1:run"]
)
def test_valid_route_keys(key: str) -> None:
    assert parse_route_key(key).text == key


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "Route key is required"),
        ("GET", "Invalid route key"),
        ("FETCH /x", "Invalid route key"),
        ("get /x", "Invalid route key"),
        ("GET x", "must start with '/'"),
        ("GET /pets/", "One or more path parts appear to be invalid"),
        ("GET /e{id}", "One or more path parts appear to be invalid"),
        ("GET /{id}.json", "One or more path parts appear to be invalid"),
        ("GET /{proxy+}/more", "greedy path variable must be the last"),
    ],
)
def test_invalid_route_keys(key: str, problem: str) -> None:
    with pytest.raises(BadRequest, match=re.escape(problem)):
        parse_route_key(key)


async def _api(service: HttpApiService) -> str:
    return (await service.create_api({"name": "routes"}, scope=HERE)).id


async def test_duplicates_and_conflicting_variables(service: HttpApiService) -> None:
    api_id = await _api(service)
    await service.routes.create(api_id, {"route_key": "GET /pets/{id}"}, scope=HERE)
    with pytest.raises(Conflict, match=re.escape("Route with key GET /pets/{id} already exists")):
        await service.routes.create(api_id, {"route_key": "GET /pets/{id}"}, scope=HERE)
    with pytest.raises(Conflict) as clash:
        await service.routes.create(api_id, {"route_key": "DELETE /pets/{petId}"}, scope=HERE)
    assert clash.value.message == (
        'The provided route key "DELETE /pets/{petId}" has a conflicting variable on the same hierarchical '
        'level as "GET /pets/{id}"'
    )
    # a greedy variable, a literal or another method with the same variable name live side by side
    for key in ("ANY /pets/{proxy+}", "GET /pets/dog", "PUT /pets/{id}", "GET /owners/{petId}"):
        await service.routes.create(api_id, {"route_key": key}, scope=HERE)
    assert len(service.routes.list(api_id, scope=HERE)) == 5


async def test_targets_must_be_integrations_of_the_api(service: HttpApiService) -> None:
    api_id = await _api(service)
    with pytest.raises(BadRequest, match="Invalid target integrations/nope"):
        await service.routes.create(api_id, {"route_key": "GET /", "target": "integrations/nope"}, scope=HERE)
    integration = await service.integrations.create(
        api_id, {"type": "AWS_PROXY", "uri": FN, "payload_format_version": "2.0"}, scope=HERE
    )
    route = await service.routes.create(
        api_id, {"route_key": "GET /", "target": f"integrations/{integration.id}"}, scope=HERE
    )
    assert route.integration_id == integration.id
    detached = await service.routes.update(api_id, route.id, {"target": ""}, scope=HERE)
    assert detached.target is None


async def test_authorization_needs_a_matching_authorizer(service: HttpApiService) -> None:
    api_id = await _api(service)
    jwt = await service.authorizers.create(
        api_id,
        {
            "name": "jwt",
            "type": "JWT",
            "identity_source": ("$request.header.Authorization",),
            "jwt": JwtConfiguration("https://issuer.example.com", ("aud",)),
        },
        scope=HERE,
    )
    lambda_auth = await service.authorizers.create(
        api_id, {"name": "fn", "type": "REQUEST", "uri": INVOKE_URI, "payload_format_version": "2.0"}, scope=HERE
    )
    with pytest.raises(BadRequest, match="AuthorizerId is required"):
        await service.routes.create(api_id, {"route_key": "GET /a", "authorization_type": "JWT"}, scope=HERE)
    with pytest.raises(BadRequest, match="needs a REQUEST authorizer"):
        await service.routes.create(
            api_id, {"route_key": "GET /a", "authorization_type": "CUSTOM", "authorizer_id": jwt.id}, scope=HERE
        )
    with pytest.raises(BadRequest, match="Invalid authorization type"):
        await service.routes.create(api_id, {"route_key": "GET /a", "authorization_type": "COGNITO"}, scope=HERE)
    route = await service.routes.create(
        api_id,
        {"route_key": "GET /a", "authorization_type": "JWT", "authorizer_id": jwt.id, "authorization_scopes": ("r",)},
        scope=HERE,
    )
    assert (route.authorizer_id, route.authorization_scopes) == (jwt.id, ("r",))
    custom = await service.routes.update(
        api_id, route.id, {"authorization_type": "CUSTOM", "authorizer_id": lambda_auth.id}, scope=HERE
    )
    assert custom.authorizer_id == lambda_auth.id
    opened = await service.routes.update(api_id, route.id, {"authorization_type": "NONE"}, scope=HERE)
    assert opened.authorizer_id is None


async def test_update_and_delete(service: HttpApiService) -> None:
    api_id = await _api(service)
    route = await service.routes.create(api_id, {"route_key": "GET /a", "operation_name": "getA"}, scope=HERE)
    other = await service.routes.create(api_id, {"route_key": "GET /b"}, scope=HERE)
    moved = await service.routes.update(api_id, route.id, {"route_key": "POST /a"}, scope=HERE)
    assert (moved.route_key, moved.operation_name) == ("POST /a", "getA")
    with pytest.raises(Conflict):
        await service.routes.update(api_id, route.id, {"route_key": "GET /b"}, scope=HERE)
    await service.routes.update(api_id, route.id, {"route_key": "POST /a"}, scope=HERE)  # its own key is fine
    await service.routes.delete(api_id, other.id, scope=HERE)
    with pytest.raises(NotFound) as missing:
        service.routes.get(api_id, other.id, scope=HERE)
    assert missing.value.message == f"Invalid Route identifier specified {other.id}"
    assert missing.value.fields == {"ResourceType": "Route"}


async def test_a_managed_route_keeps_its_key(service: HttpApiService) -> None:
    state = await service.create_api({"name": "quick"}, scope=HERE, quick=QuickCreate(FN))
    (route,) = state.content.routes.values()
    with pytest.raises(BadRequest, match="managed by API Gateway"):
        await service.routes.update(state.id, route.id, {"route_key": "GET /x"}, scope=HERE)
    updated = await service.routes.update(state.id, route.id, {"api_key_required": True}, scope=HERE)
    assert updated.api_key_required
