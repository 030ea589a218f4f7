"""HTTP APIs managed with boto3 over real HTTP: the API Gateway v2 provider behind the endpoint's server
on 127.0.0.1, state in a SQLite file that outlives a restart."""

from __future__ import annotations

import asyncio
import json
import re
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import boto3
import pytest
import yaml
from botocore.config import Config

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.providers.apigatewayv2 import ApiGatewayV2Provider
from triggerfish.aws.server import HttpServer
from triggerfish.config.cfn.yaml_loader import TemplateLoader
from triggerfish.config.sam.transform import transform_sam
from triggerfish.core.clock import SystemClock
from triggerfish.services.apigatewayv2 import HttpApiService
from triggerfish.services.apigatewayv2.views import HttpStageView
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

T = TypeVar("T")
FN = "arn:aws:lambda:us-east-1:000000000000:function:hello"

TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        Authorizers:
          OAuth:
            IdentitySource: $request.header.Authorization
            JwtConfiguration: {issuer: 'https://issuer.example.com', audience: [aud]}
          Gate:
            FunctionArn: !GetAtt Auth.Arn
            Identity: {Headers: [X-Token]}
            AuthorizerPayloadFormatVersion: "2.0"
            EnableSimpleResponses: true
  Auth:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.auth, CodeUri: s3://bucket/key}
  Items:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.items
      CodeUri: s3://bucket/key
      Events:
        List:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: /items, Method: get, Auth: {Authorizer: OAuth}}
        Put:
          Type: HttpApi
          Properties: {ApiId: !Ref Api, Path: '/items/{id}', Method: put, Auth: {Authorizer: Gate}}
"""


class Endpoint:
    """The provider on a real HTTP server, on an event loop of its own thread."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.run(self._start())

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(30)

    async def _start(self) -> None:
        self.store: Store = open_store(self._data_dir)
        await self.store.open()
        self.http: HttpServer | None = None
        self.service = HttpApiService(
            self.store.documents, SystemClock(), base_url_getter=lambda: self.http.url if self.http else None
        )
        await self.service.start()
        self.http = HttpServer(AwsApp({"apigatewayv2": ApiGatewayV2Provider(self.service)}), "127.0.0.1", 0)
        await self.http.start()

    def client(self) -> Any:
        assert self.http is not None
        return boto3.client(
            "apigatewayv2",
            endpoint_url=self.http.url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1}),
        )

    def stage_view(self, api_id: str, stage: str) -> HttpStageView | None:
        async def read() -> HttpStageView | None:
            return self.service.stage_view(api_id, stage)

        return self.run(read())

    async def _stop(self) -> None:
        if self.http is not None:
            await self.http.stop()
        await self.service.close()
        await self.store.close()

    def close(self) -> None:
        self.run(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[Endpoint]:
    running = Endpoint(tmp_path / "data")
    yield running
    running.close()


def _sam_body(tmp_path: Path) -> dict[str, Any]:
    source = tmp_path / "template.yaml"
    source.write_text(TEMPLATE)
    template = transform_sam(yaml.load(TEMPLATE, Loader=TemplateLoader), source=source, parameter_overrides={})
    body: dict[str, Any] = _resolved(template["Resources"]["Api"]["Properties"]["Body"])
    return body


def _resolved(value: Any) -> Any:
    """The intrinsics SAM leaves in the body, resolved as a deployment would."""
    if isinstance(value, list):
        return [_resolved(item) for item in value]
    if not isinstance(value, dict):
        return value
    if value.keys() == {"Ref"}:
        return "stack"
    if value.keys() == {"Fn::GetAtt"}:
        return FN.replace("hello", value["Fn::GetAtt"][0])
    if value.keys() == {"Fn::Sub"}:
        text, names = (value["Fn::Sub"], {}) if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"]
        known = {"AWS::Region": "us-east-1", "AWS::Partition": "aws", **{k: _resolved(v) for k, v in names.items()}}
        return re.sub(r"\$\{([^}]+)\}", lambda m: known.get(m.group(1)) or FN.replace("hello", m.group(1)[:-4]), text)
    return {key: _resolved(item) for key, item in value.items()}


def test_quick_create_over_http(endpoint: Endpoint) -> None:
    apigw = endpoint.client()
    api = apigw.create_api(Name="quick", ProtocolType="HTTP", Target=FN, RouteKey="ANY /{proxy+}")
    assert api["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert endpoint.http is not None
    assert api["ApiEndpoint"] == f"http://{api['ApiId']}.execute-api.localhost:{endpoint.http.port}"
    stage = apigw.get_stage(ApiId=api["ApiId"], StageName="$default")  # "$" travels percent-encoded
    assert stage["AutoDeploy"] and stage["DeploymentId"]
    view = endpoint.stage_view(api["ApiId"], "$default")
    assert view is not None and [(r.route_key, r.integration.uri if r.integration else None) for r in view.routes] == [
        ("ANY /{proxy+}", FN)
    ]
    assert endpoint.stage_view(api["ApiId"], "$default") is view


def test_a_full_create_over_http(endpoint: Endpoint) -> None:
    apigw = endpoint.client()
    api_id = apigw.create_api(Name="full", ProtocolType="HTTP")["ApiId"]
    integration = apigw.create_integration(
        ApiId=api_id, IntegrationType="AWS_PROXY", IntegrationUri=FN, PayloadFormatVersion="1.0"
    )
    authorizer = apigw.create_authorizer(
        ApiId=api_id,
        Name="jwt",
        AuthorizerType="JWT",
        IdentitySource=["$request.header.Authorization"],
        JwtConfiguration={"Issuer": "https://issuer.example.com", "Audience": ["aud"]},
    )
    apigw.create_route(
        ApiId=api_id,
        RouteKey="GET /orders/{id}",
        Target=f"integrations/{integration['IntegrationId']}",
        AuthorizationType="JWT",
        AuthorizerId=authorizer["AuthorizerId"],
    )
    apigw.create_stage(ApiId=api_id, StageName="live", StageVariables={"tier": "gold"})
    deployment = apigw.create_deployment(ApiId=api_id, StageName="live")
    assert apigw.get_stage(ApiId=api_id, StageName="live")["DeploymentId"] == deployment["DeploymentId"]
    view = endpoint.stage_view(api_id, "live")
    assert view is not None
    (route,) = view.routes
    assert (route.route_key, route.authorization_type, view.variables) == ("GET /orders/{id}", "JWT", {"tier": "gold"})
    assert route.integration is not None and route.integration.payload_format_version == "1.0"
    assert [a.name for a in view.authorizers.values()] == ["jwt"]


def test_a_sam_body_imports(endpoint: Endpoint, tmp_path: Path) -> None:
    apigw = endpoint.client()
    api = apigw.import_api(Body=json.dumps(_sam_body(tmp_path)))
    apigw.create_stage(ApiId=api["ApiId"], StageName="$default", AutoDeploy=True)  # as SAM adds it
    routes = {r["RouteKey"]: r for r in apigw.get_routes(ApiId=api["ApiId"])["Items"]}
    assert set(routes) == {"GET /items", "PUT /items/{id}"}
    authorizers = {a["Name"]: a for a in apigw.get_authorizers(ApiId=api["ApiId"])["Items"]}
    assert routes["GET /items"]["AuthorizationType"] == "JWT"
    assert routes["GET /items"]["AuthorizerId"] == authorizers["OAuth"]["AuthorizerId"]
    assert routes["PUT /items/{id}"]["AuthorizationType"] == "CUSTOM"
    gate = authorizers["Gate"]
    assert (gate["AuthorizerPayloadFormatVersion"], gate["EnableSimpleResponses"], gate["IdentitySource"]) == (
        "2.0",
        True,
        ["$request.header.X-Token"],
    )
    view = endpoint.stage_view(api["ApiId"], "$default")
    assert view is not None and len(view.routes) == 2 and len(view.authorizers) == 2


def test_errors_over_http(endpoint: Endpoint) -> None:
    apigw = endpoint.client()
    with pytest.raises(apigw.exceptions.NotFoundException) as missing:
        apigw.get_api(ApiId="abcdefghij")
    assert missing.value.response["Error"]["Message"] == "Invalid API identifier specified 000000000000:abcdefghij"
    api_id = apigw.create_api(Name="errors", ProtocolType="HTTP")["ApiId"]
    apigw.create_route(ApiId=api_id, RouteKey="GET /a/{id}")
    with pytest.raises(apigw.exceptions.ConflictException):
        apigw.create_route(ApiId=api_id, RouteKey="GET /a/{other}")
    with pytest.raises(apigw.exceptions.BadRequestException) as bad_key:
        apigw.create_route(ApiId=api_id, RouteKey="GET /a/{x}.json")
    assert bad_key.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(apigw.exceptions.BadRequestException):
        apigw.create_api(Name="ws", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action")
    with pytest.raises(apigw.exceptions.BadRequestException) as no_routes:
        apigw.create_deployment(ApiId=(apigw.create_api(Name="e", ProtocolType="HTTP")["ApiId"]))
    assert no_routes.value.response["Error"]["Message"] == "Unable to deploy API because no routes exist in this API"


def test_state_survives_a_restart(tmp_path: Path) -> None:
    first = Endpoint(tmp_path / "data")
    try:
        apigw = first.client()
        api_id = apigw.create_api(Name="durable", ProtocolType="HTTP", Target=FN, Tags={"k": "v"})["ApiId"]
        apigw.create_stage(ApiId=api_id, StageName="prod")
        deployment_id = apigw.create_deployment(ApiId=api_id, StageName="prod")["DeploymentId"]
        before = first.stage_view(api_id, "prod")
    finally:
        first.close()
    second = Endpoint(tmp_path / "data")
    try:
        apigw = second.client()
        api = apigw.get_api(ApiId=api_id)
        assert (api["Name"], api["Tags"]) == ("durable", {"k": "v"})
        assert apigw.get_stage(ApiId=api_id, StageName="prod")["DeploymentId"] == deployment_id
        assert second.stage_view(api_id, "prod") == before
        assert {s["StageName"] for s in apigw.get_stages(ApiId=api_id)["Items"]} == {"$default", "prod"}
    finally:
        second.close()
