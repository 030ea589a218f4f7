"""ImportRestApi and PutRestApi from OpenAPI 3 / Swagger 2 bodies, SAM's among them."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from apigateway_sam_bodies import api_body, invocation_uri

from triggerfish.services.apigateway import RestApiService
from triggerfish.services.apigateway.apis import NewApi
from triggerfish.services.apigateway.deployments import NewDeployment
from triggerfish.services.apigateway.errors import BadRequest
from triggerfish.services.apigateway.models import Method, RestApi
from triggerfish.services.lambda_.service import Scope


def _methods(service: RestApiService, scope: Scope, api: RestApi) -> dict[tuple[str, str], Method]:
    return {(r.path, name): m for r in service.resources.list(scope, api.id) for name, m in r.methods.items()}


async def test_a_sam_api_with_a_token_authorizer_imports_as_aws_builds_it(
    service: RestApiService, scope: Scope
) -> None:
    api = await service.imports.import_api(scope, json.dumps(api_body("token_authorizer.yaml")).encode())
    assert (api.name, api.version, api.binary_media_types) == ("pets-stack", "1.0", ("image/png",))
    assert [r.path for r in service.resources.list(scope, api.id)] == ["/", "/health", "/pets", "/pets/{id}"]
    [authorizer] = service.authorizers.list(scope, api.id)
    assert (authorizer.name, authorizer.type, authorizer.auth_type) == ("TokenAuth", "TOKEN", "custom")
    assert authorizer.identity_source == "method.request.header.Authorization"
    assert (authorizer.identity_validation_expression, authorizer.result_ttl) == ("Bearer .*", 60)
    assert authorizer.authorizer_uri == invocation_uri("AuthFunction")
    methods = _methods(service, scope, api)
    assert set(methods) == {("/pets", "GET"), ("/health", "GET"), ("/pets/{id}", "ANY")}
    for key in (("/pets", "GET"), ("/pets/{id}", "ANY")):
        assert (methods[key].authorization_type, methods[key].authorizer_id) == ("CUSTOM", authorizer.id)
    # Auth: Authorizer: NONE reads as security [{"NONE": []}], a scheme that does not exist
    assert (methods[("/health", "GET")].authorization_type, methods[("/health", "GET")].authorizer_id) == ("NONE", None)
    integration = methods[("/pets", "GET")].integration
    assert integration is not None
    assert (integration.type, integration.http_method) == ("AWS_PROXY", "POST")
    assert integration.uri == invocation_uri("PetsFunction")


async def test_a_sam_openapi3_api_with_cors_and_a_request_authorizer(service: RestApiService, scope: Scope) -> None:
    body = api_body("request_authorizer_openapi3.yaml")
    api = await service.imports.import_api(scope, yaml.safe_dump(body))
    authorizers = {a.name: a for a in service.authorizers.list(scope, api.id)}
    request = authorizers["ReqAuth"]
    assert (request.type, request.result_ttl) == ("REQUEST", 0)
    assert request.identity_source == "method.request.header.X-Key, method.request.querystring.key"
    methods = _methods(service, scope, api)
    assert methods[("/pets/{id}", "ANY")].authorizer_id == request.id
    options = methods[("/pets", "OPTIONS")]
    assert options.integration is not None and options.integration.type == "MOCK"
    [cors] = options.integration.responses.values()
    assert (cors.status_code, cors.selection_pattern) == ("200", None)
    assert cors.response_parameters["method.response.header.Access-Control-Allow-Methods"] == "'GET,OPTIONS'"
    assert options.responses["200"].response_parameters == {
        "method.response.header.Access-Control-Allow-Origin": False,
        "method.response.header.Access-Control-Allow-Methods": False,
    }
    await service.deployments.create(scope, api.id, NewDeployment(stage_name="dev"))
    view = service.stage_view(api.id, "dev")
    assert view is not None and view.binary_media_types == ("image/png",)
    assert view.authorizers[request.id].identity_source == request.identity_source


def _swagger(paths: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"swagger": "2.0", "info": {"title": "imported", "version": "2"}, "paths": paths, **extra}


def _mock() -> dict[str, Any]:
    return {"x-amazon-apigateway-integration": {"type": "mock", "requestTemplates": {"application/json": "{}"}}}


async def test_parameters_operation_ids_and_sigv4_security(service: RestApiService, scope: Scope) -> None:
    body = _swagger(
        {
            "/items/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": True}],
                "get": {
                    "operationId": "GetItem",
                    "parameters": [{"name": "q", "in": "query"}, {"$ref": "#/parameters/Trace"}],
                    "security": [{"sigv4": []}],
                    **_mock(),
                },
            }
        },
        parameters={"Trace": {"name": "X-Trace", "in": "header", "required": True}},
        securityDefinitions={
            "sigv4": {
                "type": "apiKey",
                "name": "Authorization",
                "in": "header",
                "x-amazon-apigateway-authtype": "awsSigv4",
            }
        },
    )
    api = await service.imports.import_api(scope, body)
    method = _methods(service, scope, api)[("/items/{id}", "GET")]
    assert (method.operation_name, method.authorization_type) == ("GetItem", "AWS_IAM")
    assert method.request_parameters == {
        "method.request.path.id": True,
        "method.request.querystring.q": False,
        "method.request.header.X-Trace": True,
    }


async def test_put_rest_api_overwrites_or_merges(service: RestApiService, scope: Scope) -> None:
    api = await service.apis.create(scope, NewApi("kept"))
    first = await service.imports.put_api(scope, api.id, _swagger({"/a": {"get": _mock()}}), mode="overwrite")
    assert first.name == "imported" and first.root_id == api.root_id
    merged = await service.imports.put_api(scope, api.id, _swagger({"/b": {"post": _mock()}}), mode="merge")
    assert set(_methods(service, scope, merged)) == {("/a", "GET"), ("/b", "POST")}
    replaced = await service.imports.put_api(scope, api.id, _swagger({"/c": {"put": _mock()}}), mode="overwrite")
    assert set(_methods(service, scope, replaced)) == {("/c", "PUT")}
    assert [r.path for r in service.resources.list(scope, api.id)] == ["/", "/c"]


async def test_disable_execute_api_endpoint_and_endpoint_types_come_from_the_body(
    service: RestApiService, scope: Scope
) -> None:
    body = _swagger(
        {"/": {"get": _mock()}},
        **{"x-amazon-apigateway-endpoint-configuration": {"types": ["REGIONAL"], "disableExecuteApiEndpoint": True}},
    )
    api = await service.imports.import_api(scope, body)
    assert api.disable_execute_api_endpoint and api.endpoint_types == ("REGIONAL",)
    assert set(_methods(service, scope, api)) == {("/", "GET")}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json: [", "Invalid OpenAPI input"),
        (b"just text", "Invalid OpenAPI input"),
        (json.dumps({"openapi": "3.1.0", "info": {"title": "t"}, "paths": {}}).encode(), "Invalid OpenAPI input"),
        (
            json.dumps(_swagger({"/a": {"get": {"x-amazon-apigateway-integration": {"uri": "x"}}}})).encode(),
            "Unable to parse API definition because of a malformed integration at path /a.",
        ),
        (
            json.dumps(
                _swagger({"/a": {"get": {"x-amazon-apigateway-integration": {"type": "aws_proxy", "uri": "nope"}}}})
            ).encode(),
            "Unable to parse API definition because of a malformed integration at path /a.",
        ),
        (json.dumps(_swagger({"/a b": {"get": _mock()}})).encode(), "Resource's path part only allow"),
    ],
)
async def test_bad_definitions_are_refused(service: RestApiService, scope: Scope, body: bytes, message: str) -> None:
    with pytest.raises(BadRequest) as refused:
        await service.imports.import_api(scope, body)
    assert refused.value.message.startswith(message)
    assert service.apis.list(scope) == []
