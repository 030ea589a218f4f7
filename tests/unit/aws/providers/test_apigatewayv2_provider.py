"""The API Gateway v2 provider end to end through the AWS protocol layer: a real botocore client whose
requests our endpoint parses, the HTTP API service answers (virtual clock, in-memory store) and botocore
parses back."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from wire_harness import WireClient

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.protocol import HttpRequest, HttpResponse
from triggerfish.aws.providers.apigatewayv2 import ApiGatewayV2Provider
from triggerfish.core.clock import VirtualClock
from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

FN = "arn:aws:lambda:us-east-1:000000000000:function:hello"
INVOKE_URI = f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FN}/invocations"
CREATED = datetime.fromtimestamp(1_700_000_000, UTC)


class Rig:
    def __init__(self, config: Config | None = None) -> None:
        self.loop = asyncio.new_event_loop()
        self.clock = VirtualClock()
        self.store: Store = open_store(None)
        self.loop.run_until_complete(self.store.open())
        self.service = HttpApiService(self.store.documents, self.clock, base_url_getter=lambda: "http://127.0.0.1:4566")
        self.loop.run_until_complete(self.service.start())
        self.app = AwsApp({"apigatewayv2": ApiGatewayV2Provider(self.service)})
        self.wire = WireClient("apigatewayv2", config=config)
        self.wire.reply_with(self.reply)
        self.client: Any = self.wire.client

    def reply(self, request: HttpRequest) -> HttpResponse:
        return self.loop.run_until_complete(self.app.handle(request, "4d0c3f27-9b1e-4d6e-8a0e-2f7f3a1c5b6d"))

    def status(self) -> int:
        response = self.wire.exchanges[-1].response
        assert response is not None
        return response.status

    def close(self) -> None:
        self.loop.run_until_complete(self.store.close())
        self.loop.close()


@pytest.fixture
def rig() -> Iterator[Rig]:
    made = Rig()
    yield made
    made.close()


def _clean(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response: Any = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def test_quick_create_answers_the_api_and_its_managed_parts(rig: Rig) -> None:
    apigw = rig.client
    api = _clean(apigw.create_api(Name="quick", ProtocolType="HTTP", Target=FN))
    assert rig.status() == 201
    api_id = api["ApiId"]
    assert api == {
        "ApiEndpoint": f"http://{api_id}.execute-api.localhost:4566",
        "ApiId": api_id,
        "ApiKeySelectionExpression": "$request.header.x-api-key",
        "CreatedDate": CREATED,
        "DisableExecuteApiEndpoint": False,
        "IpAddressType": "ipv4",
        "Name": "quick",
        "ProtocolType": "HTTP",
        "RouteSelectionExpression": "$request.method $request.path",
        "Tags": {},
    }
    (integration,) = apigw.get_integrations(ApiId=api_id)["Items"]
    assert integration == {
        "ApiGatewayManaged": True,
        "ConnectionType": "INTERNET",
        "IntegrationId": integration["IntegrationId"],
        "IntegrationMethod": "POST",
        "IntegrationType": "AWS_PROXY",
        "IntegrationUri": FN,
        "PayloadFormatVersion": "2.0",
        "TimeoutInMillis": 30000,
    }
    (route,) = apigw.get_routes(ApiId=api_id)["Items"]
    assert route == {
        "ApiGatewayManaged": True,
        "ApiKeyRequired": False,
        "AuthorizationType": "NONE",
        "RouteId": route["RouteId"],
        "RouteKey": "$default",
        "Target": f"integrations/{integration['IntegrationId']}",
    }
    stage = _clean(apigw.get_stage(ApiId=api_id, StageName="$default"))
    deployment_id = stage["DeploymentId"]
    assert stage == {
        "ApiGatewayManaged": True,
        "AutoDeploy": True,
        "CreatedDate": CREATED,
        "DefaultRouteSettings": {"DetailedMetricsEnabled": False},
        "DeploymentId": deployment_id,
        "LastDeploymentStatusMessage": f"Successfully deployed stage with deployment ID '{deployment_id}'",
        "LastUpdatedDate": CREATED,
        "RouteSettings": {},
        "StageName": "$default",
        "StageVariables": {},
        "Tags": {},
    }
    assert _clean(apigw.get_deployment(ApiId=api_id, DeploymentId=deployment_id)) == {
        "AutoDeployed": True,
        "CreatedDate": CREATED,
        "DeploymentId": deployment_id,
        "DeploymentStatus": "DEPLOYED",
        "Description": "Automatic deployment triggered by changes to the Api configuration",
    }
    assert _clean(apigw.get_api(ApiId=api_id)) == api


def test_an_api_built_part_by_part(rig: Rig) -> None:
    apigw = rig.client
    cors = {"AllowOrigins": ["https://a.example"], "AllowMethods": ["GET"], "MaxAge": 60, "AllowCredentials": True}
    api_id = apigw.create_api(
        Name="parts", ProtocolType="HTTP", CorsConfiguration=cors, Description="d", Version="1", Tags={"t": "v"}
    )["ApiId"]
    got = apigw.get_api(ApiId=api_id)
    assert (got["CorsConfiguration"], got["Description"], got["Version"], got["Tags"]) == (cors, "d", "1", {"t": "v"})
    integration = _clean(
        apigw.create_integration(
            ApiId=api_id,
            IntegrationType="AWS_PROXY",
            IntegrationUri=INVOKE_URI,
            PayloadFormatVersion="1.0",
            TimeoutInMillis=5000,
            Description="fn",
        )
    )
    assert rig.status() == 201
    assert integration == {
        "ConnectionType": "INTERNET",
        "Description": "fn",
        "IntegrationId": integration["IntegrationId"],
        "IntegrationMethod": "POST",
        "IntegrationType": "AWS_PROXY",
        "IntegrationUri": INVOKE_URI,
        "PayloadFormatVersion": "1.0",
        "TimeoutInMillis": 5000,
    }
    jwt = _clean(
        apigw.create_authorizer(
            ApiId=api_id,
            AuthorizerType="JWT",
            Name="jwt",
            IdentitySource=["$request.header.Authorization"],
            JwtConfiguration={"Issuer": "https://issuer.example.com", "Audience": ["aud"]},
        )
    )
    assert jwt == {
        "AuthorizerId": jwt["AuthorizerId"],
        "AuthorizerType": "JWT",
        "IdentitySource": ["$request.header.Authorization"],
        "JwtConfiguration": {"Audience": ["aud"], "Issuer": "https://issuer.example.com"},
        "Name": "jwt",
    }
    request = _clean(
        apigw.create_authorizer(
            ApiId=api_id,
            AuthorizerType="REQUEST",
            Name="fn",
            AuthorizerUri=INVOKE_URI,
            AuthorizerPayloadFormatVersion="2.0",
            EnableSimpleResponses=True,
            AuthorizerResultTtlInSeconds=300,
            IdentitySource=["$request.header.X-Token"],
        )
    )
    assert request == {
        "AuthorizerId": request["AuthorizerId"],
        "AuthorizerPayloadFormatVersion": "2.0",
        "AuthorizerResultTtlInSeconds": 300,
        "AuthorizerType": "REQUEST",
        "AuthorizerUri": INVOKE_URI,
        "EnableSimpleResponses": True,
        "IdentitySource": ["$request.header.X-Token"],
        "Name": "fn",
    }
    route = _clean(
        apigw.create_route(
            ApiId=api_id,
            RouteKey="GET /pets/{id}",
            Target=f"integrations/{integration['IntegrationId']}",
            AuthorizationType="JWT",
            AuthorizerId=jwt["AuthorizerId"],
            AuthorizationScopes=["read"],
            RequestParameters={"route.request.querystring.q": {"Required": True}},
        )
    )
    assert route == {
        "ApiKeyRequired": False,
        "AuthorizationScopes": ["read"],
        "AuthorizationType": "JWT",
        "AuthorizerId": jwt["AuthorizerId"],
        "RequestParameters": {"route.request.querystring.q": {"Required": True}},
        "RouteId": route["RouteId"],
        "RouteKey": "GET /pets/{id}",
        "Target": f"integrations/{integration['IntegrationId']}",
    }
    updated = apigw.update_route(
        ApiId=api_id, RouteId=route["RouteId"], AuthorizationType="CUSTOM", AuthorizerId=request["AuthorizerId"]
    )
    assert (updated["AuthorizationType"], updated["AuthorizerId"], rig.status()) == (
        "CUSTOM",
        request["AuthorizerId"],
        200,
    )
    stage = apigw.create_stage(
        ApiId=api_id, StageName="prod", StageVariables={"fn": "hello"}, Tags={"s": "1"}, Description="p"
    )
    assert (stage["StageVariables"], stage["Tags"], stage["AutoDeploy"], "DeploymentId" in stage) == (
        {"fn": "hello"},
        {"s": "1"},
        False,
        False,
    )
    deployment = _clean(apigw.create_deployment(ApiId=api_id, StageName="prod", Description="first"))
    assert deployment == {
        "AutoDeployed": False,
        "CreatedDate": CREATED,
        "DeploymentId": deployment["DeploymentId"],
        "DeploymentStatus": "DEPLOYED",
        "Description": "first",
    }
    assert apigw.get_stage(ApiId=api_id, StageName="prod")["DeploymentId"] == deployment["DeploymentId"]
    view = rig.service.stage_view(api_id, "prod")
    assert view is not None and [r.route_key for r in view.routes] == ["GET /pets/{id}"]
    timed = apigw.update_integration(ApiId=api_id, IntegrationId=integration["IntegrationId"], TimeoutInMillis=100)
    assert timed["TimeoutInMillis"] == 100
    renamed = apigw.update_authorizer(ApiId=api_id, AuthorizerId=jwt["AuthorizerId"], Name="renamed")
    assert renamed["Name"] == "renamed"
    staged = apigw.update_stage(ApiId=api_id, StageName="prod", AutoDeploy=True)
    assert staged["AutoDeploy"] and staged["DeploymentId"] != deployment["DeploymentId"]
    assert apigw.update_api(ApiId=api_id, Name="again")["Name"] == "again"
    apigw.delete_cors_configuration(ApiId=api_id)
    assert rig.status() == 204 and "CorsConfiguration" not in apigw.get_api(ApiId=api_id)


def test_deletes_answer_no_content(rig: Rig) -> None:
    apigw = rig.client
    api_id = apigw.create_api(Name="gone", ProtocolType="HTTP")["ApiId"]
    integration_id = apigw.create_integration(
        ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=FN, PayloadFormatVersion="2.0"
    )["IntegrationId"]
    route_id = apigw.create_route(ApiId=api_id, RouteKey="GET /", Target=f"integrations/{integration_id}")["RouteId"]
    authorizer_id = apigw.create_authorizer(
        ApiId=api_id,
        AuthorizerType="REQUEST",
        Name="a",
        AuthorizerUri=INVOKE_URI,
        AuthorizerPayloadFormatVersion="1.0",
        IdentitySource=[],
    )["AuthorizerId"]
    deployment_id = apigw.create_deployment(ApiId=api_id)["DeploymentId"]
    apigw.create_stage(ApiId=api_id, StageName="$default")
    for call, params in [
        (apigw.delete_stage, {"StageName": "$default"}),
        (apigw.delete_deployment, {"DeploymentId": deployment_id}),
        (apigw.delete_route, {"RouteId": route_id}),
        (apigw.delete_integration, {"IntegrationId": integration_id}),
        (apigw.delete_authorizer, {"AuthorizerId": authorizer_id}),
        (apigw.delete_api, {}),
    ]:
        call(ApiId=api_id, **params)
        assert rig.status() == 204
    assert apigw.get_apis()["Items"] == []


def test_lists_page_with_the_paginators(rig: Rig) -> None:
    apigw = rig.client
    api_ids = sorted(apigw.create_api(Name=f"api-{n}", ProtocolType="HTTP")["ApiId"] for n in range(5))
    pages = list(apigw.get_paginator("get_apis").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(page["Items"]) for page in pages] == [2, 2, 1]
    assert [api["ApiId"] for page in pages for api in page["Items"]] == api_ids
    first = apigw.get_apis(MaxResults="2")
    assert "NextToken" in first
    assert "NextToken" not in apigw.get_apis()
    for n in range(3):
        apigw.create_route(ApiId=api_ids[0], RouteKey=f"GET /r{n}")
    routes = apigw.get_paginator("get_routes").paginate(ApiId=api_ids[0], PaginationConfig={"PageSize": 1})
    assert sorted(r["RouteKey"] for page in routes for r in page["Items"]) == ["GET /r0", "GET /r1", "GET /r2"]
    with pytest.raises(apigw.exceptions.BadRequestException) as bad:
        apigw.get_apis(MaxResults="many")
    assert _error(bad) == (400, "BadRequestException", "Invalid MaxResults many: expected a positive integer")
    with pytest.raises(apigw.exceptions.BadRequestException):
        apigw.get_apis(NextToken="%%%")


def test_errors_carry_aws_codes_statuses_and_resource_types(rig: Rig) -> None:
    apigw = rig.client
    with pytest.raises(apigw.exceptions.NotFoundException) as missing:
        apigw.get_api(ApiId="abcdefghij")
    assert _error(missing) == (404, "NotFoundException", "Invalid API identifier specified 000000000000:abcdefghij")
    response: Any = missing.value.response
    assert response["ResourceType"] == "Api"
    raw = rig.wire.exchanges[-1].response
    assert raw is not None and isinstance(raw.body, bytes)
    assert json.loads(raw.body) == {  # the message travels as "message", the model's wire name
        "message": "Invalid API identifier specified 000000000000:abcdefghij",
        "resourceType": "Api",
    }
    api_id = apigw.create_api(Name="e", ProtocolType="HTTP")["ApiId"]
    with pytest.raises(apigw.exceptions.NotFoundException) as no_route:
        apigw.get_route(ApiId=api_id, RouteId="nope")
    assert _error(no_route)[2] == "Invalid Route identifier specified nope"
    with pytest.raises(apigw.exceptions.NotFoundException) as no_stage:
        apigw.get_stage(ApiId=api_id, StageName="$default")
    assert _error(no_stage)[2] == "Invalid stage identifier specified $default"
    apigw.create_route(ApiId=api_id, RouteKey="GET /x")
    with pytest.raises(apigw.exceptions.ConflictException) as duplicate:
        apigw.create_route(ApiId=api_id, RouteKey="GET /x")
    assert _error(duplicate) == (409, "ConflictException", "Route with key GET /x already exists for this API")
    with pytest.raises(apigw.exceptions.BadRequestException) as websocket:
        apigw.create_api(Name="ws", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action")
    assert _error(websocket)[:2] == (400, "BadRequestException")
    assert "WebSocket APIs are not supported locally" in _error(websocket)[2]
    with pytest.raises(apigw.exceptions.BadRequestException) as lonely_key:
        apigw.create_api(Name="k", ProtocolType="HTTP", RouteKey="GET /")
    assert "RouteKey can be given only with Target" in _error(lonely_key)[2]
    with pytest.raises(apigw.exceptions.BadRequestException) as no_version:
        apigw.create_integration(ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=FN)
    assert "PayloadFormatVersion is required" in _error(no_version)[2]


def test_model_constraints_are_checked_before_the_service() -> None:
    rig = Rig(Config(parameter_validation=False))
    try:
        apigw = rig.client
        api_id = apigw.create_api(Name="c", ProtocolType="HTTP")["ApiId"]
        with pytest.raises(apigw.exceptions.BadRequestException) as bad:
            apigw.create_integration(
                ApiId=api_id,
                IntegrationType="AWS_PROXY",
                IntegrationUri=FN,
                PayloadFormatVersion="2.0",
                TimeoutInMillis=10,
            )
        assert _error(bad)[2] == (
            "1 validation error detected: Value '10' at 'timeoutInMillis' failed to satisfy constraint: "
            "Member must have value greater than or equal to 50"
        )
    finally:
        rig.close()


def test_tags_by_arn(rig: Rig) -> None:
    apigw = rig.client
    api_id = apigw.create_api(Name="t", ProtocolType="HTTP", Target=FN, Tags={"a": "1"})["ApiId"]
    api_arn = f"arn:aws:apigateway:us-east-1::/apis/{api_id}"
    apigw.tag_resource(ResourceArn=api_arn, Tags={"b": "2"})
    assert rig.status() == 201
    apigw.untag_resource(ResourceArn=api_arn, TagKeys=["a"])
    assert rig.status() == 204
    assert apigw.get_tags(ResourceArn=api_arn)["Tags"] == {"b": "2"}
    stage_arn = f"{api_arn}/stages/$default"
    apigw.tag_resource(ResourceArn=stage_arn, Tags={"s": "x"})
    assert apigw.get_stage(ApiId=api_id, StageName="$default")["Tags"] == {"s": "x"}
    with pytest.raises(apigw.exceptions.NotFoundException):
        apigw.get_tags(ResourceArn="arn:aws:apigateway:us-east-1::/apis/abcdefghij")


def test_import_and_reimport_on_the_wire(rig: Rig) -> None:
    apigw = rig.client
    body: dict[str, Any] = {
        "openapi": "3.0.1",
        "info": {"title": "imported", "version": "2"},
        "servers": [{"url": "https://example.com/v1"}],
        "paths": {
            "/pets": {
                "get": {
                    "x-amazon-apigateway-integration": {
                        "type": "aws_proxy",
                        "uri": INVOKE_URI,
                        "payloadFormatVersion": "2.0",
                    }
                },
                "trace": {},
            }
        },
        "x-amazon-apigateway-cors": {"allowOrigins": ["*"], "allowMethods": ["GET"]},
    }
    api = apigw.import_api(Body=json.dumps(body), Basepath="prepend")
    assert rig.status() == 201
    assert (api["Name"], api["Version"], api["CorsConfiguration"]) == (
        "imported",
        "2",
        {"AllowOrigins": ["*"], "AllowMethods": ["GET"]},
    )
    assert api["Warnings"] == ["Parse issue: attribute paths.'/pets'(trace) is unsupported and was ignored"]
    assert [r["RouteKey"] for r in apigw.get_routes(ApiId=api["ApiId"])["Items"]] == ["GET /v1/pets"]
    with pytest.raises(apigw.exceptions.BadRequestException) as warned:
        apigw.import_api(Body=json.dumps(body), FailOnWarnings=True)
    assert _error(warned)[2].startswith("Warnings found during import:")
    del body["paths"]["/pets"]["trace"]
    body["info"] = {"title": "renamed"}
    again = apigw.reimport_api(ApiId=api["ApiId"], Body=json.dumps(body))
    assert (again["Name"], "Warnings" in again) == ("renamed", False)
    assert [r["RouteKey"] for r in apigw.get_routes(ApiId=api["ApiId"])["Items"]] == ["GET /pets"]
    with pytest.raises(apigw.exceptions.BadRequestException) as broken:
        apigw.import_api(Body="openapi: [")
    assert _error(broken)[2].startswith("Errors found during import:")


def test_operations_not_served_answer_501(rig: Rig) -> None:
    with pytest.raises(ClientError) as unserved:
        rig.client.get_domain_names()
    assert _error(unserved)[:2] == (501, "NotImplemented")
