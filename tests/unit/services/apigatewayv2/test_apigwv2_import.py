"""ImportApi and ReimportApi: OpenAPI definitions, first of all the ones SAM makes for an HttpApi."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from apigwv2_sam import function_arn, sam_bodies
from apigwv2_values import FN, HERE

from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.apigatewayv2.errors import BadRequest
from triggerfish.services.apigatewayv2.models import ApiState, Cors, JwtConfiguration, Route


@pytest.fixture(scope="module")
def bodies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    return sam_bodies(tmp_path_factory.mktemp("sam"))


def _routes(state: ApiState) -> dict[str, Route]:
    return {route.route_key: route for route in state.content.routes.values()}


def _invocation(name: str) -> str:
    return f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{function_arn(name)}/invocations"


async def test_a_sam_http_api_body(service: HttpApiService, bodies: dict[str, dict[str, Any]]) -> None:
    state = await service.import_api(json.dumps(bodies["Api"]), scope=HERE)
    assert state.api.name == "stack"  # SAM titles the API with the stack name
    assert state.api.version == "1.0" and state.api.tags == {"httpapi:createdBy": "SAM"}
    assert state.content.cors == Cors(
        allow_origins=("https://example.com",),
        allow_methods=("GET", "POST"),
        allow_headers=("authorization",),
        max_age=600,
        allow_credentials=True,
    )
    authorizers = {a.name: a for a in state.content.authorizers.values()}
    jwt, lambda_auth = authorizers["OAuth"], authorizers["LambdaAuth"]
    assert (jwt.type, jwt.identity_source, jwt.jwt) == (
        "JWT",
        ("$request.header.Authorization",),
        JwtConfiguration("https://issuer.example.com", ("aud1", "aud2")),
    )
    assert (lambda_auth.type, lambda_auth.uri, lambda_auth.payload_format_version) == (
        "REQUEST",
        _invocation("AuthFn"),
        "2.0",
    )
    assert lambda_auth.identity_source == ("$request.header.X-Token", "$request.querystring.token")
    assert (lambda_auth.enable_simple_responses, lambda_auth.result_ttl) == (True, 60)
    routes = _routes(state)
    assert set(routes) == {"GET /pets/{id}", "POST /pets", "ANY /open/{proxy+}"}
    get_pet, add_pet, open_route = routes["GET /pets/{id}"], routes["POST /pets"], routes["ANY /open/{proxy+}"]
    assert (get_pet.authorization_type, get_pet.authorizer_id, get_pet.authorization_scopes) == (
        "JWT",
        jwt.id,
        ("read",),
    )
    assert (add_pet.authorization_type, add_pet.authorizer_id) == ("CUSTOM", lambda_auth.id)
    assert (open_route.authorization_type, open_route.authorizer_id) == ("NONE", None)
    integrations = state.content.integrations
    assert integrations[get_pet.integration_id or ""].payload_format_version == "2.0"
    opened = integrations[open_route.integration_id or ""]
    assert (opened.type, opened.uri, opened.payload_format_version, opened.timeout_ms) == (
        "AWS_PROXY",
        _invocation("Pets"),
        "1.0",
        5000,
    )
    assert len(integrations) == 3  # one integration per route, as each inline object asks
    assert state.stages == {} and state.api.warnings == ()


async def test_the_implicit_sam_api_has_the_default_route(
    service: HttpApiService, bodies: dict[str, dict[str, Any]]
) -> None:
    state = await service.import_api(yaml.safe_dump(bodies["ServerlessHttpApi"]), scope=HERE)
    (route,) = state.content.routes.values()
    assert route.route_key == "$default" and route.authorization_type == "NONE"
    # SAM then adds an auto-deployed $default stage of its own
    await service.stages.create(state.id, "$default", {"auto_deploy": True}, scope=HERE)
    view = service.stage_view(state.id, "$default")
    assert view is not None and view.routes[0].integration is not None
    assert view.routes[0].integration.uri == _invocation("Fallback")


SHARED = """
openapi: 3.0.1
info: {title: shared, version: 2024-01-01, description: reused integrations}
servers:
  - url: https://example.com/{basePath}
    variables: {basePath: {default: v1/api}}
x-amazon-apigateway-endpoint-configuration: {disableExecuteApiEndpoint: true}
security: [{sigv4: []}]
paths:
  /:
    get:
      x-amazon-apigateway-integration: {$ref: '#/components/x-amazon-apigateway-integrations/one'}
  /pets:
    get:
      security: []
      x-amazon-apigateway-integration: {$ref: '#/components/x-amazon-apigateway-integrations/one'}
    trace:
      x-amazon-apigateway-integration: {$ref: '#/components/x-amazon-apigateway-integrations/one'}
    parameters: []
  /docs:
    get:
      summary: no integration
  /admin:
    post:
      security: []
      x-amazon-apigateway-auth: {type: aws_iam}
components:
  securitySchemes:
    sigv4: {type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4}
  x-amazon-apigateway-integrations:
    one: {type: AWS_PROXY, httpMethod: POST, uri: FUNCTION, payloadFormatVersion: '2.0', timeoutInMillis: 3000}
"""


async def test_shared_integrations_security_and_base_paths(service: HttpApiService) -> None:
    body = SHARED.replace("FUNCTION", FN)
    state = await service.import_api(body, scope=HERE)
    assert (state.api.name, state.api.version, state.api.description) == ("shared", "2024-01-01", "reused integrations")
    assert state.content.disable_execute_api_endpoint
    routes = _routes(state)
    assert set(routes) == {"GET /", "GET /pets", "GET /docs", "POST /admin"}
    assert routes["POST /admin"].authorization_type == "AWS_IAM"
    assert routes["GET /"].target == routes["GET /pets"].target  # one integration behind both
    (integration,) = state.content.integrations.values()
    assert integration.timeout_ms == 3000
    assert routes["GET /"].authorization_type == "AWS_IAM" and routes["GET /pets"].authorization_type == "NONE"
    assert routes["GET /docs"].target is None
    assert state.api.warnings == ("Parse issue: attribute paths.'/pets'(trace) is unsupported and was ignored",)
    prepended = await service.import_api(body, scope=HERE, basepath="prepend")
    assert set(_routes(prepended)) == {"GET /v1/api", "GET /v1/api/pets", "GET /v1/api/docs", "POST /v1/api/admin"}
    split = await service.import_api(body, scope=HERE, basepath="split")
    assert set(_routes(split)) == {"GET /api", "GET /api/pets", "GET /api/docs", "POST /api/admin"}
    with pytest.raises(BadRequest, match="Warnings found during import"):
        await service.import_api(body, scope=HERE, fail_on_warnings=True)
    with pytest.raises(BadRequest, match="Invalid basepath"):
        await service.import_api(body, scope=HERE, basepath="other")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("{not json", "not valid JSON or YAML"),
        ("a: [b", "not valid JSON or YAML"),
        ("just text", "not an OpenAPI 3.0 or 2.0 definition"),
        ('{"openapi": "3.0.1", "info": {}, "paths": {}}', "info.title"),
        ('{"openapi": "3.0.1", "info": {"title": "t"}, "paths": {"/a": "b"}}', "expected an object"),
        (
            '{"openapi": "3.0.1", "info": {"title": "t"}, "paths": {"/a": {"get": '
            '{"x-amazon-apigateway-integration": {"type": "aws_proxy", "uri": "nope"}}}}}',
            "Invalid integration URI",
        ),
        (
            '{"openapi": "3.0.1", "info": {"title": "t"}, "paths": {"/a": {"get": {"x-amazon-apigateway-auth": '
            '{"type": "CUSTOM"}}}}}',
            "unsupported authorization type CUSTOM",
        ),
        (
            '{"openapi": "3.0.1", "info": {"title": "t"}, "paths": {"/a/": {"get": {}}}}',
            "One or more path parts appear to be invalid",
        ),
        (
            '{"openapi": "3.0.1", "info": {"title": "t"}, "paths": {"/{a}": {"get": {}}, "/{b}": {"get": {}}}}',
            "conflicting variable",
        ),
        (
            '{"openapi": "3.0.1", "info": {"title": "t"}, "paths": {"/a": {"get": {"x-amazon-apigateway-integration":'
            ' {"$ref": "#/components/x-amazon-apigateway-integrations/none"}}}}}',
            "no integration none",
        ),
        (
            '{"openapi": "3.0.1", "info": {"title": "t"}, "paths": {}, "components": {"securitySchemes": {"j": '
            '{"type": "oauth2", "x-amazon-apigateway-authorizer": '
            '{"type": "jwt", "identitySource": "$request.header.A"}}}}}',
            "JwtConfiguration with an Issuer",
        ),
        (
            '{"openapi": "3.0.1", "info": {"title": "t"}, "paths": {"/a": {"get": {"x-amazon-apigateway-integration":'
            ' {"type": "aws_proxy", "uri": "' + FN + '", "timeoutInMillis": "soon"}}}}}',
            "expected an integer",
        ),
    ],
)
async def test_bad_definitions(service: HttpApiService, body: str, problem: str) -> None:
    with pytest.raises(BadRequest, match=problem) as refused:
        await service.import_api(body, scope=HERE)
    assert refused.value.message.startswith("Errors found during import:\n\t")
    assert service.list_apis(scope=HERE) == []


async def test_reimport_replaces_the_content_and_keeps_stages(
    service: HttpApiService, bodies: dict[str, dict[str, Any]]
) -> None:
    state = await service.import_api(json.dumps(bodies["ServerlessHttpApi"]), scope=HERE)
    stage = await service.stages.create(state.id, "$default", {"auto_deploy": True}, tags={"k": "v"}, scope=HERE)
    before = service.stage_view(state.id, "$default")
    again = await service.reimport_api(state.id, json.dumps(bodies["Api"]), scope=HERE)
    assert set(_routes(again)) == {"GET /pets/{id}", "POST /pets", "ANY /open/{proxy+}"}
    assert again.stages["$default"].tags == {"k": "v"}
    after = service.stage_view(state.id, "$default")
    assert after is not before and after is not None and len(after.routes) == 3
    assert stage.deployment_id is not None and again.stages["$default"].deployment_id != stage.deployment_id


async def test_swagger_two_definitions(service: HttpApiService, tmp_path: Path) -> None:
    body = {
        "swagger": "2.0",
        "info": {"title": "old", "version": 1},
        "basePath": "/base",
        "paths": {"/x": {"post": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "uri": FN}}}},
    }
    state = await service.import_api(json.dumps(body), scope=HERE, basepath="prepend")
    (route,) = state.content.routes.values()
    assert route.route_key == "POST /base/x" and state.api.version == "1"
    (integration,) = state.content.integrations.values()
    assert integration.payload_format_version == "1.0"  # a Lambda proxy without a version imports as 1.0
