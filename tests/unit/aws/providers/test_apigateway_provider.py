"""The API Gateway (REST API) provider end to end through the AWS protocol layer: a real botocore client
whose requests our endpoint parses, the REST API service answers (virtual clock, in-memory store) and
botocore parses back."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from wire_harness import WireClient

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.protocol import HttpRequest, HttpResponse
from triggerfish.aws.providers.apigateway import ApiGatewayProvider
from triggerfish.core.clock import VirtualClock
from triggerfish.services.apigateway import RestApiService
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

LAMBDA_URI = (
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:us-east-1:000000000000:function:pets/invocations"
)


class _Plain:
    """The botocore client, answering without ``ResponseMetadata`` so answers compare as shapes."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.exceptions = client.exceptions

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._client, name)
        if name == "get_paginator":
            return found

        def call(**params: Any) -> dict[str, Any]:
            return {k: v for k, v in found(**params).items() if k != "ResponseMetadata"}

        return call


class Rig:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.clock = VirtualClock()
        self.store: Store = open_store(None)
        self.loop.run_until_complete(self.store.open())
        self.service = RestApiService(self.store.documents, self.clock)
        self.loop.run_until_complete(self.service.start())
        self.app = AwsApp({"apigateway": ApiGatewayProvider(self.service)})
        self.wire = WireClient("apigateway")
        self.wire.reply_with(self.reply)
        self.client: Any = _Plain(self.wire.client)

    def reply(self, request: HttpRequest) -> HttpResponse:
        return self.loop.run_until_complete(self.app.handle(request, "4d0c3f27-9b1e-4d6e-8a0e-2f7f3a1c5b6d"))

    def status(self) -> int:
        response = self.wire.exchanges[-1].response
        assert response is not None
        return response.status

    def close(self) -> None:
        self.loop.run_until_complete(self.service.close())
        self.loop.run_until_complete(self.store.close())
        self.loop.close()


@pytest.fixture
def rig() -> Iterator[Rig]:
    made = Rig()
    yield made
    made.close()


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response: Any = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def test_create_rest_api_answers_the_aws_shape(rig: Rig) -> None:
    api = rig.client.create_rest_api(name="pets", description="this is my api", tags={"k": "v"})
    assert rig.status() == 201
    assert api["createdDate"] == datetime.fromtimestamp(rig.clock.now(), UTC)
    assert {key: api[key] for key in ("name", "description", "apiKeySource", "disableExecuteApiEndpoint", "tags")} == {
        "name": "pets",
        "description": "this is my api",
        "apiKeySource": "HEADER",
        "disableExecuteApiEndpoint": False,
        "tags": {"k": "v"},
    }
    assert api["endpointConfiguration"] == {"types": ["EDGE"], "ipAddressType": "ipv4"}
    assert rig.client.get_rest_api(restApiId=api["id"])["rootResourceId"] == api["rootResourceId"]
    rig.client.delete_rest_api(restApiId=api["id"])
    assert rig.status() == 202


def test_errors_carry_api_gateway_codes_and_statuses(rig: Rig) -> None:
    client = rig.client
    with pytest.raises(client.exceptions.NotFoundException) as missing:
        client.get_rest_api(restApiId="abcde12345")
    assert _error(missing) == (404, "NotFoundException", "Invalid API identifier specified 000000000000:abcde12345")
    with pytest.raises(client.exceptions.BadRequestException) as bad:
        client.create_rest_api(name="x", description="")
    assert _error(bad) == (400, "BadRequestException", "Description cannot be an empty string")
    api = client.create_rest_api(name="pets")
    client.create_resource(restApiId=api["id"], parentId=api["rootResourceId"], pathPart="pets")
    with pytest.raises(client.exceptions.ConflictException) as conflict:
        client.create_resource(restApiId=api["id"], parentId=api["rootResourceId"], pathPart="pets")
    assert _error(conflict) == (
        409,
        "ConflictException",
        "Another resource with the same parent already has this name: pets",
    )
    with pytest.raises(ClientError) as invalid:
        client.put_integration(
            restApiId=api["id"], resourceId=api["rootResourceId"], httpMethod="GET", type="HTTPS_PROXY"
        )
    assert _error(invalid)[:2] == (400, "ValidationException")


def test_get_rest_apis_pages_with_position(rig: Rig) -> None:
    ids = []
    for n in range(5):
        ids.append(rig.client.create_rest_api(name=f"api-{n}")["id"])
        rig.loop.run_until_complete(rig.clock.advance(1))
    first = rig.client.get_rest_apis(limit=2)
    assert [a["id"] for a in first["items"]] == ids[:2] and "position" in first
    pages = rig.client.get_paginator("get_rest_apis").paginate(PaginationConfig={"PageSize": 2})
    assert [a["id"] for page in pages for a in page["items"]] == ids


def test_resources_list_methods_by_name_unless_embedded(rig: Rig) -> None:
    client = rig.client
    api = client.create_rest_api(name="pets")
    pets = client.create_resource(restApiId=api["id"], parentId=api["rootResourceId"], pathPart="pets")
    assert rig.status() == 201
    assert pets == {"id": pets["id"], "parentId": api["rootResourceId"], "pathPart": "pets", "path": "/pets"}
    method = client.put_method(
        restApiId=api["id"],
        resourceId=pets["id"],
        httpMethod="GET",
        authorizationType="NONE",
        requestParameters={"method.request.querystring.page": False},
    )
    assert rig.status() == 201
    assert method == {
        "httpMethod": "GET",
        "authorizationType": "NONE",
        "apiKeyRequired": False,
        "requestParameters": {"method.request.querystring.page": False},
    }
    integration = client.put_integration(
        restApiId=api["id"],
        resourceId=pets["id"],
        httpMethod="GET",
        type="AWS_PROXY",
        integrationHttpMethod="POST",
        uri=LAMBDA_URI,
    )
    assert integration == {
        "type": "AWS_PROXY",
        "httpMethod": "POST",
        "uri": LAMBDA_URI,
        "passthroughBehavior": "WHEN_NO_MATCH",
        "timeoutInMillis": 29000,
        "cacheNamespace": pets["id"],
        "cacheKeyParameters": [],
    }
    plain = client.get_resources(restApiId=api["id"])["items"]
    assert plain == [
        {"id": api["rootResourceId"], "path": "/"},
        {**pets, "resourceMethods": {"GET": {}}},
    ]
    embedded = client.get_resources(restApiId=api["id"], embed=["methods"])["items"][1]["resourceMethods"]["GET"]
    assert embedded == {**method, "methodIntegration": integration}
    assert client.get_method(restApiId=api["id"], resourceId=pets["id"], httpMethod="GET") == embedded
    client.delete_method(restApiId=api["id"], resourceId=pets["id"], httpMethod="GET")
    assert rig.status() == 204
    client.delete_resource(restApiId=api["id"], resourceId=pets["id"])
    assert rig.status() == 202


def test_responses_of_methods_and_integrations(rig: Rig) -> None:
    client = rig.client
    api = client.create_rest_api(name="pets")
    where = {"restApiId": api["id"], "resourceId": api["rootResourceId"], "httpMethod": "OPTIONS"}
    client.put_method(**where, authorizationType="NONE")
    client.put_integration(**where, type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'})
    put = client.put_integration_response(
        **where,
        statusCode="200",
        selectionPattern="",
        responseParameters={"method.response.header.Access-Control-Allow-Origin": "'*'"},
    )
    assert rig.status() == 201
    assert put == {
        "statusCode": "200",
        "selectionPattern": "",
        "responseParameters": {"method.response.header.Access-Control-Allow-Origin": "'*'"},
    }
    assert client.get_integration_response(**where, statusCode="200") == put
    client.put_method_response(**where, statusCode="200", responseParameters={"method.response.header.X": True})
    assert client.get_method_response(**where, statusCode="200") == {
        "statusCode": "200",
        "responseParameters": {"method.response.header.X": True},
    }
    with pytest.raises(client.exceptions.NotFoundException) as missing:
        client.get_integration_response(**where, statusCode="500")
    assert _error(missing)[2] == "Invalid Response status code specified"
    method = client.get_method(**where)
    assert method["methodIntegration"]["integrationResponses"] == {"200": put}
    assert list(method["methodResponses"]) == ["200"]


def test_authorizers_over_the_wire(rig: Rig) -> None:
    client = rig.client
    api = client.create_rest_api(name="pets")
    created = client.create_authorizer(
        restApiId=api["id"],
        name="token",
        type="TOKEN",
        authorizerUri=LAMBDA_URI,
        identitySource="method.request.header.Authorization",
        authorizerResultTtlInSeconds=60,
    )
    assert rig.status() == 201
    assert created["type"] == "TOKEN" and created["authorizerResultTtlInSeconds"] == 60
    assert client.get_authorizers(restApiId=api["id"])["items"] == [created]
    patched = client.update_authorizer(
        restApiId=api["id"],
        authorizerId=created["id"],
        patchOperations=[{"op": "replace", "path": "/name", "value": "renamed"}],
    )
    assert patched["name"] == "renamed"
    client.delete_authorizer(restApiId=api["id"], authorizerId=created["id"])
    assert rig.status() == 202
    with pytest.raises(client.exceptions.ConflictException):
        client.create_authorizer(restApiId="nothere123", name="a", type="TOKEN", authorizerUri=LAMBDA_URI)


def test_deployments_and_stages_over_the_wire(rig: Rig) -> None:
    client = rig.client
    api = client.create_rest_api(name="pets")
    where = {"restApiId": api["id"], "resourceId": api["rootResourceId"], "httpMethod": "GET"}
    with pytest.raises(client.exceptions.BadRequestException) as empty:
        client.create_deployment(restApiId=api["id"], stageName="dev")
    assert _error(empty)[2] == "The REST API doesn't contain any methods"
    client.put_method(**where, authorizationType="NONE")
    client.put_integration(**where, type="MOCK")
    deployment = client.create_deployment(restApiId=api["id"], stageName="dev", description="first")
    assert rig.status() == 201 and deployment["description"] == "first"
    stage = client.get_stage(restApiId=api["id"], stageName="dev")
    assert {k: stage[k] for k in ("deploymentId", "stageName", "cacheClusterStatus", "methodSettings")} == {
        "deploymentId": deployment["id"],
        "stageName": "dev",
        "cacheClusterStatus": "NOT_AVAILABLE",
        "methodSettings": {},
    }
    created = client.create_stage(
        restApiId=api["id"], stageName="prod", deploymentId=deployment["id"], variables={"fn": "a"}
    )
    assert rig.status() == 201 and created["variables"] == {"fn": "a"}
    updated = client.update_stage(
        restApiId=api["id"],
        stageName="prod",
        patchOperations=[{"op": "replace", "path": "/variables/fn", "value": "b"}],
    )
    assert updated["variables"] == {"fn": "b"}
    assert [s["stageName"] for s in client.get_stages(restApiId=api["id"])["item"]] == ["dev", "prod"]
    with pytest.raises(client.exceptions.BadRequestException) as active:
        client.delete_deployment(restApiId=api["id"], deploymentId=deployment["id"])
    assert _error(active)[2] == "Active stages pointing to this deployment must be moved or deleted"
    with pytest.raises(client.exceptions.ConflictException):
        client.create_stage(restApiId=api["id"], stageName="prod", deploymentId=deployment["id"])
    client.delete_stage(restApiId=api["id"], stageName="prod")
    assert rig.status() == 202
    assert [d["id"] for d in client.get_deployments(restApiId=api["id"])["items"]] == [deployment["id"]]


def test_import_and_put_rest_api_carry_the_definition_as_the_body(rig: Rig) -> None:
    client = rig.client
    definition = {
        "openapi": "3.0.1",
        "info": {"title": "imported", "version": "7"},
        "paths": {"/things": {"get": {"x-amazon-apigateway-integration": {"type": "mock"}}}},
        "x-amazon-apigateway-binary-media-types": ["*/*"],
    }
    api = client.import_rest_api(body=json.dumps(definition), parameters={"endpointConfigurationTypes": "REGIONAL"})
    assert rig.status() == 201
    assert (api["name"], api["version"], api["binaryMediaTypes"]) == ("imported", "7", ["*/*"])
    assert api["endpointConfiguration"]["types"] == ["REGIONAL"]
    definition["paths"] = {"/other": {"post": {"x-amazon-apigateway-integration": {"type": "mock"}}}}
    client.put_rest_api(restApiId=api["id"], mode="overwrite", body=json.dumps(definition))
    paths = [r["path"] for r in client.get_resources(restApiId=api["id"])["items"]]
    assert paths == ["/", "/other"]
    with pytest.raises(client.exceptions.BadRequestException) as bad:
        client.import_rest_api(body=b"not: [a definition")
    assert _error(bad)[2] == "Invalid OpenAPI input"


def test_tags_address_apis_by_arn(rig: Rig) -> None:
    client = rig.client
    api = client.create_rest_api(name="pets")
    arn = f"arn:aws:apigateway:us-east-1::/restapis/{api['id']}"
    client.tag_resource(resourceArn=arn, tags={"a": "1", "b": "2"})
    assert rig.status() == 204
    client.untag_resource(resourceArn=arn, tagKeys=["a"])
    assert client.get_tags(resourceArn=arn) == {"tags": {"b": "2"}}
    updated = client.update_rest_api(
        restApiId=api["id"], patchOperations=[{"op": "replace", "path": "/name", "value": "renamed"}]
    )
    assert (updated["name"], updated["tags"]) == ("renamed", {"b": "2"})
