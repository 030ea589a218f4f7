"""REST APIs (API Gateway v1) driven with boto3 over real HTTP: the provider behind triggerfish's endpoint
server on 127.0.0.1, state in a SQLite file that outlives a restart."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.providers.apigateway import ApiGatewayProvider
from triggerfish.aws.server import EndpointApp, HttpServer
from triggerfish.core.clock import SystemClock
from triggerfish.services.apigateway import RestApiService
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

T = TypeVar("T")
LAMBDA_URI = (
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:us-east-1:000000000000:function:pets/invocations"
)
SAM_HELPER = Path(__file__).parents[1] / "unit" / "services" / "apigateway" / "apigateway_sam_bodies.py"


def _sam_bodies() -> ModuleType:
    """The unit tests' SAM helper (real SAM output with intrinsics resolved), loaded from its file."""
    name = "apigateway_sam_bodies"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SAM_HELPER)
        assert spec is not None and spec.loader is not None
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


class Endpoint:
    """The REST API service and its provider behind the endpoint's HTTP server, on a loop in a thread."""

    def __init__(self, data_dir: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.store: Store = open_store(data_dir)
        self.service = RestApiService(self.store.documents, SystemClock(), base_url_getter=lambda: self.url)
        app = EndpointApp(aws=AwsApp({"apigateway": ApiGatewayProvider(self.service)}))
        app.ready = True
        self.http = HttpServer(app, "127.0.0.1", 0)
        self.run(self._start())

    async def _start(self) -> None:
        await self.store.open()
        await self.service.start()
        await self.http.start()

    @property
    def url(self) -> str:
        return self.http.url

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=60)

    def client(self) -> Any:
        return boto3.client(
            "apigateway",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1}),
        )

    def close(self) -> None:
        self.run(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
        self.loop.close()

    async def _stop(self) -> None:
        await self.http.stop()
        await self.service.close()
        await self.store.close()


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[Endpoint]:
    made = Endpoint(tmp_path)
    yield made
    made.close()


def _code(exc: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response: Any = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def _build(apigw: Any) -> dict[str, str]:
    """A pets API: /pets (GET, custom authorizer), /pets/{id} (ANY), /{proxy+} (ANY), OPTIONS mock on /pets."""
    api = apigw.create_rest_api(name="pets", description="the pets API")
    api_id, root = api["id"], api["rootResourceId"]
    pets = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="pets")["id"]
    pet = apigw.create_resource(restApiId=api_id, parentId=pets, pathPart="{id}")["id"]
    proxy = apigw.create_resource(restApiId=api_id, parentId=root, pathPart="{proxy+}")["id"]
    authorizer = apigw.create_authorizer(
        restApiId=api_id,
        name="token",
        type="TOKEN",
        authorizerUri=LAMBDA_URI,
        identitySource="method.request.header.Authorization",
    )["id"]
    apigw.put_method(
        restApiId=api_id, resourceId=pets, httpMethod="GET", authorizationType="CUSTOM", authorizerId=authorizer
    )
    for resource_id in (pets, pet, proxy):
        method = "GET" if resource_id == pets else "ANY"
        if method == "ANY":
            apigw.put_method(restApiId=api_id, resourceId=resource_id, httpMethod="ANY", authorizationType="NONE")
        apigw.put_integration(
            restApiId=api_id,
            resourceId=resource_id,
            httpMethod=method,
            type="AWS_PROXY",
            integrationHttpMethod="POST",
            uri=LAMBDA_URI,
        )
    where = {"restApiId": api_id, "resourceId": pets, "httpMethod": "OPTIONS"}
    apigw.put_method(**where, authorizationType="NONE")
    apigw.put_integration(**where, type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'})
    apigw.put_method_response(**where, statusCode="200", responseParameters={"method.response.header.Allow": False})
    apigw.put_integration_response(
        **where, statusCode="200", responseParameters={"method.response.header.Allow": "'GET,OPTIONS'"}
    )
    return {"api": api_id, "root": root, "pets": pets, "pet": pet, "proxy": proxy, "authorizer": authorizer}


def test_a_rest_api_is_built_deployed_and_staged_with_boto3(endpoint: Endpoint) -> None:
    apigw = endpoint.client()
    ids = _build(apigw)
    api_id = ids["api"]
    paths = [
        r["path"]
        for r in apigw.get_paginator("get_resources").paginate(restApiId=api_id, limit=2).build_full_result()["items"]
    ]
    assert paths == ["/", "/pets", "/pets/{id}", "/{proxy+}"]
    deployment = apigw.create_deployment(restApiId=api_id, stageName="dev", variables={"table": "pets-dev"})
    stage = apigw.get_stage(restApiId=api_id, stageName="dev")
    assert (stage["deploymentId"], stage["variables"]) == (deployment["id"], {"table": "pets-dev"})

    view = endpoint.service.stage_view(api_id, "dev")
    assert view is not None and view.variables == {"table": "pets-dev"}
    by_path = {r.path: r for r in view.resources}
    assert sorted(by_path["/pets"].methods) == ["GET", "OPTIONS"]
    get = by_path["/pets"].methods["GET"]
    assert (get.authorization_type, get.authorizer_id) == ("CUSTOM", ids["authorizer"])
    assert get.integration is not None and get.integration.uri == LAMBDA_URI
    options = by_path["/pets"].methods["OPTIONS"].integration
    assert options is not None and options.responses[0].response_parameters == {
        "method.response.header.Allow": "'GET,OPTIONS'"
    }
    assert view.authorizers[ids["authorizer"]].identity_source == "method.request.header.Authorization"

    apigw.update_stage(
        restApiId=api_id,
        stageName="dev",
        patchOperations=[{"op": "replace", "path": "/variables/table", "value": "t2"}],
    )
    assert endpoint.service.stage_view(api_id, "dev") is not view
    assert endpoint.service.invoke_url(api_id, "dev") == (
        f"http://{api_id}.execute-api.localhost:{endpoint.http.port}/dev/"
    )


def test_a_sam_generated_body_imports_with_boto3(endpoint: Endpoint) -> None:
    apigw = endpoint.client()
    body = _sam_bodies().api_body("token_authorizer.yaml")
    api = apigw.import_rest_api(body=json.dumps(body).encode(), failOnWarnings=True)
    [authorizer] = apigw.get_authorizers(restApiId=api["id"])["items"]
    assert {k: authorizer[k] for k in ("name", "type", "identitySource", "authorizerResultTtlInSeconds")} == {
        "name": "TokenAuth",
        "type": "TOKEN",
        "identitySource": "method.request.header.Authorization",
        "authorizerResultTtlInSeconds": 60,
    }
    resources = apigw.get_resources(restApiId=api["id"], embed=["methods"])["items"]
    methods = {(r["path"], name): m for r in resources for name, m in r.get("resourceMethods", {}).items()}
    assert methods[("/pets/{id}", "ANY")]["authorizerId"] == authorizer["id"]
    assert methods[("/health", "GET")]["authorizationType"] == "NONE"
    assert methods[("/pets", "GET")]["methodIntegration"]["type"] == "AWS_PROXY"
    apigw.create_deployment(restApiId=api["id"], stageName="dev")
    assert endpoint.service.stage_names(api["id"]) == ("dev",)


def test_errors_reach_boto3_with_api_gateway_codes(endpoint: Endpoint) -> None:
    apigw = endpoint.client()
    with pytest.raises(apigw.exceptions.NotFoundException) as missing:
        apigw.get_rest_api(restApiId="abcde12345")
    assert _code(missing) == (404, "NotFoundException", "Invalid API identifier specified 000000000000:abcde12345")
    ids = _build(apigw)
    with pytest.raises(apigw.exceptions.ConflictException) as conflict:
        apigw.create_resource(restApiId=ids["api"], parentId=ids["root"], pathPart="pets")
    assert _code(conflict)[0] == 409
    with pytest.raises(apigw.exceptions.BadRequestException) as greedy:
        apigw.create_resource(restApiId=ids["api"], parentId=ids["proxy"], pathPart="x")
    assert _code(greedy)[2] == "Cannot create a child of a resource with a greedy path variable: {proxy+}"
    deployment = apigw.create_deployment(restApiId=ids["api"], stageName="dev")
    with pytest.raises(apigw.exceptions.BadRequestException) as active:
        apigw.delete_deployment(restApiId=ids["api"], deploymentId=deployment["id"])
    assert _code(active)[2] == "Active stages pointing to this deployment must be moved or deleted"
    with pytest.raises(ClientError) as unserved:
        apigw.get_api_keys()
    assert _code(unserved)[:2] == (501, "NotImplemented")


def test_rest_apis_survive_a_restart(tmp_path: Path) -> None:
    first = Endpoint(tmp_path)
    try:
        apigw = first.client()
        ids = _build(apigw)
        apigw.create_deployment(restApiId=ids["api"], stageName="prod")
        before = apigw.get_resources(restApiId=ids["api"], embed=["methods"])["items"]
        view = first.service.stage_view(ids["api"], "prod")
    finally:
        first.close()
    second = Endpoint(tmp_path)
    try:
        apigw = second.client()
        assert apigw.get_rest_api(restApiId=ids["api"])["name"] == "pets"
        assert apigw.get_resources(restApiId=ids["api"], embed=["methods"])["items"] == before
        assert apigw.get_stage(restApiId=ids["api"], stageName="prod")["stageName"] == "prod"
        assert second.service.stage_view(ids["api"], "prod") == view
    finally:
        second.close()
