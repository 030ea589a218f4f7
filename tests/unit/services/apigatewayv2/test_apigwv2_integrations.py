"""Integrations and authorizers: what HTTP APIs accept, and what may not be deleted while in use."""

from __future__ import annotations

from typing import Any, cast

import pytest
from apigwv2_values import FN, HERE, INVOKE_URI

from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.apigatewayv2.errors import BadRequest, Conflict, NotFound
from triggerfish.services.apigatewayv2.inputs import AuthorizerFields, IntegrationFields
from triggerfish.services.apigatewayv2.models import JwtConfiguration


async def _api(service: HttpApiService) -> str:
    return (await service.create_api({"name": "parts"}, scope=HERE)).id


LAMBDA: IntegrationFields = {"type": "AWS_PROXY", "uri": FN, "payload_format_version": "2.0"}


async def test_lambda_integrations_take_an_arn_or_an_invocation_uri(service: HttpApiService) -> None:
    api_id = await _api(service)
    by_arn = await service.integrations.create(api_id, LAMBDA, scope=HERE)
    assert (by_arn.method, by_arn.timeout_ms, by_arn.connection_type) == ("POST", 30_000, "INTERNET")
    qualified = await service.integrations.create(
        api_id, {**LAMBDA, "uri": f"{FN}:live", "payload_format_version": "1.0"}, scope=HERE
    )
    assert qualified.payload_format_version == "1.0"
    by_uri = await service.integrations.create(api_id, {**LAMBDA, "uri": INVOKE_URI, "timeout_ms": 50}, scope=HERE)
    assert by_uri.timeout_ms == 50
    variable = await service.integrations.create(
        api_id, {**LAMBDA, "uri": FN.replace("hello", "${stageVariables.fn}")}, scope=HERE
    )
    assert variable.uri is not None and variable.uri.endswith("${stageVariables.fn}")
    assert [i.id for i in service.integrations.list(api_id, scope=HERE)] == sorted(
        i.id for i in (by_arn, qualified, by_uri, variable)
    )


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"payload_format_version": None}, "PayloadFormatVersion is required"),
        ({"payload_format_version": "3.0"}, "Invalid PayloadFormatVersion 3.0"),
        ({"uri": "arn:aws:sqs:us-east-1:000000000000:q"}, "Invalid integration URI"),
        ({"uri": None}, "Invalid integration URI"),
        ({"timeout_ms": 30_001}, "TimeoutInMillis must be between 50 and 30000"),
        ({"timeout_ms": 49}, "TimeoutInMillis"),
        ({"type": "MOCK"}, "Integration type MOCK is not supported for HTTP APIs"),
        ({"type": "AWS"}, "not supported for HTTP APIs"),
        ({"subtype": "SQS-SendMessage"}, "not supported locally"),
        ({"connection_type": "VPC_LINK"}, "VPC_LINK"),
    ],
)
async def test_integration_rules(service: HttpApiService, changes: dict[str, Any], problem: str) -> None:
    api_id = await _api(service)
    with pytest.raises(BadRequest, match=problem):
        await service.integrations.create(api_id, cast(IntegrationFields, {**LAMBDA, **changes}), scope=HERE)


async def test_http_proxy_integrations(service: HttpApiService) -> None:
    api_id = await _api(service)
    made = await service.integrations.create(
        api_id, {"type": "HTTP_PROXY", "uri": "https://example.com/{proxy}", "method": "GET"}, scope=HERE
    )
    assert (made.payload_format_version, made.method) == ("1.0", "GET")
    with pytest.raises(BadRequest, match=r"only payload format version 1\.0"):
        await service.integrations.create(
            api_id, {"type": "HTTP_PROXY", "uri": "https://example.com", "payload_format_version": "2.0"}, scope=HERE
        )
    with pytest.raises(BadRequest, match="http\\(s\\) URL"):
        await service.integrations.create(api_id, {"type": "HTTP_PROXY", "uri": FN}, scope=HERE)


async def test_update_checks_the_result_and_delete_refuses_while_routed(service: HttpApiService) -> None:
    api_id = await _api(service)
    integration = await service.integrations.create(api_id, LAMBDA, scope=HERE)
    updated = await service.integrations.update(api_id, integration.id, {"timeout_ms": 1000}, scope=HERE)
    assert (updated.timeout_ms, updated.uri) == (1000, FN)
    with pytest.raises(BadRequest):
        await service.integrations.update(api_id, integration.id, {"payload_format_version": "9"}, scope=HERE)
    route = await service.routes.create(
        api_id, {"route_key": "GET /", "target": f"integrations/{integration.id}"}, scope=HERE
    )
    with pytest.raises(Conflict) as in_use:
        await service.integrations.delete(api_id, integration.id, scope=HERE)
    assert in_use.value.message == (
        f"Cannot delete Integration because it is referenced by the following Routes with Ids: [{route.id}]"
    )
    await service.routes.delete(api_id, route.id, scope=HERE)
    await service.integrations.delete(api_id, integration.id, scope=HERE)
    with pytest.raises(NotFound, match=f"Invalid Integration identifier specified {integration.id}"):
        service.integrations.get(api_id, integration.id, scope=HERE)


REQUEST: AuthorizerFields = {
    "name": "fn",
    "type": "REQUEST",
    "uri": INVOKE_URI,
    "payload_format_version": "2.0",
    "identity_source": ("$request.header.Authorization", "$request.querystring.token"),
}
JWT: AuthorizerFields = {
    "name": "jwt",
    "type": "JWT",
    "identity_source": ("$request.header.Authorization",),
    "jwt": JwtConfiguration("https://issuer.example.com", ("a", "b")),
}


async def test_authorizers_of_both_kinds(service: HttpApiService) -> None:
    api_id = await _api(service)
    request = await service.authorizers.create(
        api_id, {**REQUEST, "enable_simple_responses": True, "result_ttl": 300}, scope=HERE
    )
    assert (request.enable_simple_responses, request.result_ttl) == (True, 300)
    jwt = await service.authorizers.create(api_id, JWT, scope=HERE)
    assert jwt.jwt == JwtConfiguration("https://issuer.example.com", ("a", "b"))
    one_zero = await service.authorizers.create(
        api_id, {**REQUEST, "payload_format_version": "1.0", "identity_source": ()}, scope=HERE
    )
    assert one_zero.identity_source == ()


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({**REQUEST, "payload_format_version": None}, "AuthorizerPayloadFormatVersion is required"),
        ({**REQUEST, "payload_format_version": "1.0", "enable_simple_responses": True}, "only for .* 2.0"),
        ({**REQUEST, "uri": None}, "Invalid authorizer URI"),
        ({**REQUEST, "result_ttl": 3601}, "between 0 and 3600"),
        ({**REQUEST, "identity_source": (), "result_ttl": 10}, "IdentitySource is required"),
        ({**REQUEST, "identity_source": ("Authorization",)}, "Invalid identity source"),
        ({**JWT, "jwt": None}, "JwtConfiguration with an Issuer"),
        ({**JWT, "identity_source": ("$request.header.A", "$request.header.B")}, "exactly one identity source"),
        ({**JWT, "identity_source": ("$context.x",)}, "exactly one identity source"),
        ({**REQUEST, "type": "TOKEN"}, "Authorizer type TOKEN is not supported"),
    ],
)
async def test_authorizer_rules(service: HttpApiService, fields: dict[str, Any], problem: str) -> None:
    api_id = await _api(service)
    with pytest.raises(BadRequest, match=problem):
        await service.authorizers.create(api_id, cast(AuthorizerFields, fields), scope=HERE)


async def test_authorizers_in_use(service: HttpApiService) -> None:
    api_id = await _api(service)
    authorizer = await service.authorizers.create(api_id, JWT, scope=HERE)
    route = await service.routes.create(
        api_id, {"route_key": "GET /", "authorization_type": "JWT", "authorizer_id": authorizer.id}, scope=HERE
    )
    with pytest.raises(BadRequest, match="a REQUEST authorizer cannot serve"):
        await service.authorizers.update(api_id, authorizer.id, REQUEST, scope=HERE)
    renamed = await service.authorizers.update(api_id, authorizer.id, {"name": "renamed"}, scope=HERE)
    assert renamed.name == "renamed"
    with pytest.raises(Conflict, match=f"referenced by the following Routes with Ids: \\[{route.id}\\]"):
        await service.authorizers.delete(api_id, authorizer.id, scope=HERE)
    await service.routes.update(api_id, route.id, {"authorization_type": "NONE"}, scope=HERE)
    await service.authorizers.delete(api_id, authorizer.id, scope=HERE)
    assert service.authorizers.list(api_id, scope=HERE) == []
