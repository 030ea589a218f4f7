"""The resource tree and its methods, integrations and responses, on the service."""

from __future__ import annotations

import pytest
from apigateway_sam_bodies import LAMBDA_URI

from triggerfish.services.apigateway import RestApiService
from triggerfish.services.apigateway.apis import NewApi
from triggerfish.services.apigateway.errors import BadRequest, Conflict, NotFound
from triggerfish.services.apigateway.integrations import NewIntegration
from triggerfish.services.apigateway.methods import NewMethod
from triggerfish.services.apigateway.models import IntegrationResponse, RestApi
from triggerfish.services.lambda_.service import Scope


async def _api(service: RestApiService, scope: Scope) -> RestApi:
    return await service.apis.create(scope, NewApi("pets"))


async def test_resources_nest_and_list_by_path(service: RestApiService, scope: Scope) -> None:
    api = await _api(service, scope)
    pets = await service.resources.create(scope, api.id, api.root_id, "pets")
    pet = await service.resources.create(scope, api.id, pets.id, "{id}")
    proxy = await service.resources.create(scope, api.id, api.root_id, "{proxy+}")
    assert (pets.path, pet.path, proxy.path) == ("/pets", "/pets/{id}", "/{proxy+}")
    assert 6 <= len(pet.id) <= 10
    assert [r.path for r in service.resources.list(scope, api.id)] == ["/", "/pets", "/pets/{id}", "/{proxy+}"]
    assert service.resources.get(scope, api.id, pet.id) == pet


async def test_sibling_names_and_variables_are_unique(service: RestApiService, scope: Scope) -> None:
    api = await _api(service, scope)
    await service.resources.create(scope, api.id, api.root_id, "pets")
    with pytest.raises(Conflict) as same:
        await service.resources.create(scope, api.id, api.root_id, "pets")
    assert same.value.message == "Another resource with the same parent already has this name: pets"
    assert same.value.status == 409
    await service.resources.create(scope, api.id, api.root_id, "{proxy+}")
    with pytest.raises(BadRequest) as variable:
        await service.resources.create(scope, api.id, api.root_id, "{id}")
    assert variable.value.message == (
        "A sibling ({proxy+}) of this resource already has a variable path part -- only one is allowed"
    )


async def test_a_greedy_variable_is_always_the_last_segment(service: RestApiService, scope: Scope) -> None:
    api = await _api(service, scope)
    proxy = await service.resources.create(scope, api.id, api.root_id, "{proxy+}")
    with pytest.raises(BadRequest) as refused:
        await service.resources.create(scope, api.id, proxy.id, "child")
    assert refused.value.message == "Cannot create a child of a resource with a greedy path variable: {proxy+}"


@pytest.mark.parametrize("part", ["", "a/b", "{open", "{a+}x", "sp ace", "{}"])
async def test_malformed_path_parts_are_refused(service: RestApiService, scope: Scope, part: str) -> None:
    api = await _api(service, scope)
    with pytest.raises(BadRequest, match="Resource's path part only allow"):
        await service.resources.create(scope, api.id, api.root_id, part)


async def test_unknown_parents_and_apis_are_unknown_resources(service: RestApiService, scope: Scope) -> None:
    api = await _api(service, scope)
    for api_id, parent in ((api.id, "nope12"), ("nothere123", api.root_id)):
        with pytest.raises(NotFound) as missing:
            await service.resources.create(scope, api_id, parent, "x")
        assert missing.value.message == "Invalid Resource identifier specified"


async def test_moving_and_renaming_rewrites_descendant_paths(service: RestApiService, scope: Scope) -> None:
    api = await _api(service, scope)
    pets = await service.resources.create(scope, api.id, api.root_id, "pets")
    sub = await service.resources.create(scope, api.id, pets.id, "subpets")
    leaf = await service.resources.create(scope, api.id, sub.id, "{id}")
    await service.resources.update(scope, api.id, pets.id, [{"op": "replace", "path": "/pathPart", "value": "dogs"}])
    assert service.resources.get(scope, api.id, leaf.id).path == "/dogs/subpets/{id}"
    moved = await service.resources.update(
        scope, api.id, sub.id, [{"op": "replace", "path": "/parentId", "value": api.root_id}]
    )
    assert moved.path == "/subpets"
    assert service.resources.get(scope, api.id, leaf.id).path == "/subpets/{id}"


async def test_resource_updates_refuse_cycles_root_changes_and_other_paths(
    service: RestApiService, scope: Scope
) -> None:
    api = await _api(service, scope)
    pets = await service.resources.create(scope, api.id, api.root_id, "pets")
    child = await service.resources.create(scope, api.id, pets.id, "child")
    cases = [
        (pets.id, {"op": "replace", "path": "/parentId", "value": child.id}, "Resources cannot be cyclical."),
        (
            api.root_id,
            {"op": "replace", "path": "/pathPart", "value": "x"},
            "Root resource cannot update its pathPart.",
        ),
        (
            pets.id,
            {"op": "replace", "path": "/invalid", "value": "x"},
            "Invalid patch path  '/invalid' specified for op 'replace'. Must be one of: [/parentId, /pathPart]",
        ),
        (
            pets.id,
            {"op": "remove", "path": "/pathPart"},
            "Invalid patch path  '/pathPart' specified for op 'remove'. Please choose supported operations",
        ),
    ]
    for resource_id, operation, message in cases:
        with pytest.raises(BadRequest) as refused:
            await service.resources.update(scope, api.id, resource_id, [operation])
        assert refused.value.message == message


async def test_deleting_a_resource_deletes_its_subtree(service: RestApiService, scope: Scope) -> None:
    api = await _api(service, scope)
    pets = await service.resources.create(scope, api.id, api.root_id, "pets")
    await service.resources.create(scope, api.id, pets.id, "{id}")
    await service.resources.delete(scope, api.id, pets.id)
    assert [r.path for r in service.resources.list(scope, api.id)] == ["/"]
    with pytest.raises(NotFound):
        await service.resources.delete(scope, api.id, pets.id)


async def test_methods_are_put_once_and_patched(service: RestApiService, scope: Scope) -> None:
    api = await _api(service, scope)
    method = await service.methods.put(scope, api.id, api.root_id, "any", NewMethod())
    assert (method.http_method, method.authorization_type, method.api_key_required) == ("ANY", "NONE", False)
    with pytest.raises(Conflict, match="Method already exists for this resource"):
        await service.methods.put(scope, api.id, api.root_id, "ANY", NewMethod())
    updated = await service.methods.update(
        scope,
        api.id,
        api.root_id,
        "ANY",
        [
            {"op": "add", "path": "/requestParameters/method.request.querystring.q", "value": "true"},
            {"op": "replace", "path": "/apiKeyRequired", "value": "true"},
            {"op": "replace", "path": "/authorizationType", "value": "AWS_IAM"},
        ],
    )
    assert updated.request_parameters == {"method.request.querystring.q": True}
    assert (updated.api_key_required, updated.authorization_type) == (True, "AWS_IAM")
    await service.methods.delete(scope, api.id, api.root_id, "ANY")
    with pytest.raises(NotFound, match="Invalid Method identifier specified"):
        service.methods.get(scope, api.id, api.root_id, "ANY")


@pytest.mark.parametrize(
    ("http_method", "settings", "message"),
    [
        (
            "FETCH",
            NewMethod(),
            "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY",
        ),
        (
            "GET",
            NewMethod(authorization_type="CUSTOM"),
            "Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS "
            "requires a valid authorizer.",
        ),
        ("GET", NewMethod(request_validator_id="abc"), "Invalid Request Validator identifier specified"),
        (
            "GET",
            NewMethod(request_models={"application/json": "petModel"}),
            "Invalid model identifier specified: petModel",
        ),
        (
            "GET",
            NewMethod(request_parameters={"method.request.header.a": True, "method.request.querystring.a": False}),
            "Parameter names must be unique across querystring, header and path",
        ),
    ],
)
async def test_put_method_refuses_what_aws_refuses(
    service: RestApiService, scope: Scope, http_method: str, settings: NewMethod, message: str
) -> None:
    api = await _api(service, scope)
    with pytest.raises(BadRequest) as refused:
        await service.methods.put(scope, api.id, api.root_id, http_method, settings)
    assert refused.value.message == message


async def test_update_method_refuses_other_paths_and_ops(service: RestApiService, scope: Scope) -> None:
    api = await _api(service, scope)
    await service.methods.put(scope, api.id, api.root_id, "GET", NewMethod())
    for operation, message in [
        ({"op": "replace", "path": "/httpMethod", "value": "PUT"}, "Invalid patch path /httpMethod"),
        (
            {"op": "add", "path": "/apiKeyRequired", "value": "true"},
            "Invalid patch operation specified. Must be one of: [replace]",
        ),
    ]:
        with pytest.raises(BadRequest) as refused:
            await service.methods.update(scope, api.id, api.root_id, "GET", [operation])
        assert refused.value.message == message


async def test_integrations_take_aws_defaults_and_keep_the_uri_verbatim(service: RestApiService, scope: Scope) -> None:
    api = await _api(service, scope)
    await service.methods.put(scope, api.id, api.root_id, "GET", NewMethod())
    integration = await service.integrations.put(
        scope, api.id, api.root_id, "GET", NewIntegration("AWS_PROXY", http_method="POST", uri=LAMBDA_URI)
    )
    assert integration.uri == LAMBDA_URI
    assert (integration.timeout_ms, integration.passthrough_behavior) == (29_000, "WHEN_NO_MATCH")
    assert integration.cache_namespace == api.root_id
    assert service.integrations.get(scope, api.id, api.root_id, "GET") == integration
    assert service.methods.get(scope, api.id, api.root_id, "GET").integration == integration
    await service.integrations.delete(scope, api.id, api.root_id, "GET")
    with pytest.raises(NotFound, match="Invalid Integration identifier specified"):
        service.integrations.get(scope, api.id, api.root_id, "GET")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (NewIntegration("AWS_PROXY", uri=LAMBDA_URI), "Enumeration value for HttpMethod must be non-empty"),
        (NewIntegration("AWS_PROXY", http_method="POST", uri="lambda"), "Invalid ARN specified in the request"),
        (
            NewIntegration("AWS", http_method="POST", uri="arn:aws:apigateway:us-east-1:lambda:functions/f"),
            "AWS ARN for integration must contain path or action",
        ),
        (
            NewIntegration("AWS_PROXY", http_method="POST", uri="arn:aws:apigateway:us-east-1:s3:path/bucket/key"),
            "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.",
        ),
        (NewIntegration("HTTP_PROXY", http_method="GET", uri="not a url"), "Invalid HTTP endpoint specified for URI"),
        (NewIntegration("MOCK", timeout_ms=30_000), "Timeout should be between 50 ms and 29000 ms"),
    ],
)
async def test_put_integration_refuses_what_aws_refuses(
    service: RestApiService, scope: Scope, settings: NewIntegration, message: str
) -> None:
    api = await _api(service, scope)
    await service.methods.put(scope, api.id, api.root_id, "GET", NewMethod())
    with pytest.raises(BadRequest) as refused:
        await service.integrations.put(scope, api.id, api.root_id, "GET", settings)
    assert refused.value.message == message


async def test_integration_and_method_responses(service: RestApiService, scope: Scope) -> None:
    api = await _api(service, scope)
    await service.methods.put(scope, api.id, api.root_id, "OPTIONS", NewMethod())
    with pytest.raises(NotFound, match="Invalid Integration identifier specified"):
        await service.integrations.put_response(scope, api.id, api.root_id, "OPTIONS", IntegrationResponse("200"))
    await service.integrations.put(scope, api.id, api.root_id, "OPTIONS", NewIntegration("MOCK"))
    cors = IntegrationResponse("200", None, {"method.response.header.Access-Control-Allow-Origin": "'*'"})
    await service.integrations.put_response(scope, api.id, api.root_id, "OPTIONS", cors)
    assert service.integrations.get_response(scope, api.id, api.root_id, "OPTIONS", "200") == cors
    with pytest.raises(NotFound, match="Invalid Response status code specified"):
        service.integrations.get_response(scope, api.id, api.root_id, "OPTIONS", "500")
    response = await service.methods.put_response(
        scope, api.id, api.root_id, "OPTIONS", "200", {"method.response.header.Access-Control-Allow-Origin": False}
    )
    assert service.methods.get_response(scope, api.id, api.root_id, "OPTIONS", "200") == response
    await service.methods.delete_response(scope, api.id, api.root_id, "OPTIONS", "200")
    await service.integrations.delete_response(scope, api.id, api.root_id, "OPTIONS", "200")
    method = service.methods.get(scope, api.id, api.root_id, "OPTIONS")
    assert method.responses == {} and method.integration is not None and method.integration.responses == {}
