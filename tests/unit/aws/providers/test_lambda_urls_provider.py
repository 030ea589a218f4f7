"""The function URL operations end to end through the AWS protocol layer: a real botocore client whose
requests our endpoint parses, our provider answers and botocore parses back (spec §6.6). Errors are the
codes, statuses and messages of recorded AWS answers."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from typing import Any, cast

import pytest
from botocore.exceptions import ClientError
from wire_harness import WireClient

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.protocol import HttpRequest, HttpResponse
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.lambda_.access import AccessOperations
from triggerfish.aws.providers.lambda_.functions import Operation
from triggerfish.aws.providers.lambda_.urls import UrlOperations
from triggerfish.core.clock import VirtualClock
from triggerfish.services.lambda_.functions import FunctionRegistry
from triggerfish.services.lambda_.models import FunctionConfig
from triggerfish.services.lambda_.service import LambdaService, Scope
from triggerfish.services.lambda_.urls import FunctionUrls
from triggerfish.services.lambda_.validation import split_function_name
from triggerfish.store.sqlite import SQLiteStore

ACCOUNT = "000000000000"
REGION = "us-east-1"
ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:fn"
SCOPE = Scope(ACCOUNT, REGION)
QUALIFIER_RULE = r"Member must satisfy regular expression pattern: ((?!^\d+$)^[0-9a-zA-Z-_]+$)"
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


class _Service:
    """What the URL and permission operations reach of the Lambda service."""

    def __init__(self, store: SQLiteStore, clock: VirtualClock) -> None:
        self.functions = FunctionRegistry(store.documents, clock)
        self.urls = FunctionUrls(cast(LambdaService, self), store.documents, clock, lambda: "http://localhost:4566")

    def get_function(self, function_name: str, qualifier: str | None = None, scope: Scope = SCOPE) -> FunctionConfig:
        name, _, region, account = split_function_name(function_name)
        return self.functions.get(f"{account or scope.account}/{region or scope.region}", name)


class _Provider:
    def __init__(self, service: _Service) -> None:
        lambda_service = cast(LambdaService, service)
        self._table: dict[str, Operation] = {
            **UrlOperations(lambda_service).table(),
            **AccessOperations(lambda_service).table(),
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return BodyLimit(6_291_456, "Lambda")

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


class Rig:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.store = SQLiteStore(None)
        self.loop.run_until_complete(self.store.open())
        self.service = _Service(self.store, VirtualClock())
        self.loop.run_until_complete(self._function("fn"))
        self.app = AwsApp({"lambda": _Provider(self.service)})
        self.wire = WireClient("lambda")
        self.wire.reply_with(self.reply)
        self.client = self.wire.client

    def reply(self, request: HttpRequest) -> HttpResponse:
        return self.loop.run_until_complete(self.app.handle(request, "4d0c3f27-9b1e-4d6e-8a0e-2f7f3a1c5b6d"))

    async def _function(self, name: str) -> None:
        config = FunctionConfig(name, ACCOUNT, REGION, "python3.12", "app.handler", "/code")
        await self.service.functions.create(config)

    def close(self) -> None:
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


def _body(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def test_create_answers_201_without_a_last_modified_time(rig: Rig) -> None:
    created = rig.client.create_function_url_config(FunctionName="fn", AuthType="NONE")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert set(_body(created)) == {"FunctionUrl", "FunctionArn", "AuthType", "CreationTime", "InvokeMode"}
    assert re.fullmatch(r"http://[a-z0-9]{32}\.lambda-url\.us-east-1\.localhost:4566/", created["FunctionUrl"])
    assert (created["FunctionArn"], created["AuthType"], created["InvokeMode"]) == (ARN, "NONE", "BUFFERED")
    assert STAMP.match(created["CreationTime"])


def test_the_lifecycle_create_get_update_list_delete(rig: Rig) -> None:
    cors = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"], "MaxAge": 300}
    created = rig.client.create_function_url_config(
        FunctionName="fn", AuthType="AWS_IAM", Cors=cors, InvokeMode="RESPONSE_STREAM"
    )
    assert created["Cors"] == cors
    got = rig.client.get_function_url_config(FunctionName="fn")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert _body(got) == {**_body(created), "LastModifiedTime": created["CreationTime"]}

    new_cors = {"AllowCredentials": True, "AllowHeaders": ["x-token"], "ExposeHeaders": ["x-id"], "AllowOrigins": ["*"]}
    updated = rig.client.update_function_url_config(FunctionName=ARN, Cors=new_cors, AuthType="NONE")
    assert (updated["Cors"], updated["AuthType"], updated["InvokeMode"]) == (new_cors, "NONE", "RESPONSE_STREAM")
    assert (updated["FunctionUrl"], updated["CreationTime"]) == (created["FunctionUrl"], created["CreationTime"])
    assert rig.client.get_function_url_config(FunctionName="fn")["Cors"] == new_cors

    listed = rig.client.list_function_url_configs(FunctionName="fn")
    assert listed["FunctionUrlConfigs"] == [_body(updated)] and "NextMarker" not in listed

    cleared = rig.client.update_function_url_config(FunctionName="fn", Cors={})
    assert "Cors" not in cleared

    deleted = rig.client.delete_function_url_config(FunctionName="fn")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as gone:
        rig.client.get_function_url_config(FunctionName="fn")
    assert _error(gone) == (404, "ResourceNotFoundException", "The resource you requested does not exist.")
    assert rig.client.list_function_url_configs(FunctionName="fn")["FunctionUrlConfigs"] == []


def test_list_pages_with_max_items_and_marker(rig: Rig) -> None:
    rig.service.urls.alias_exists = lambda function, alias: alias in {"blue", "green"}
    urls = [
        rig.client.create_function_url_config(FunctionName="fn", AuthType="NONE", **extra)["FunctionUrl"]
        for extra in ({}, {"Qualifier": "blue"}, {"Qualifier": "green"})
    ]
    first = rig.client.list_function_url_configs(FunctionName="fn", MaxItems=2)
    assert [c["FunctionArn"] for c in first["FunctionUrlConfigs"]] == [ARN, f"{ARN}:blue"]
    rest = rig.client.list_function_url_configs(FunctionName="fn", MaxItems=2, Marker=first["NextMarker"])
    assert [c["FunctionArn"] for c in rest["FunctionUrlConfigs"]] == [f"{ARN}:green"]
    assert "NextMarker" not in rest
    pages = rig.client.get_paginator("list_function_url_configs").paginate(
        FunctionName="fn", PaginationConfig={"PageSize": 1}
    )
    assert [c["FunctionUrl"] for page in pages for c in page["FunctionUrlConfigs"]] == urls


def test_a_second_url_conflicts_with_aws_wording(rig: Rig) -> None:
    rig.client.create_function_url_config(FunctionName="fn", AuthType="NONE")
    with pytest.raises(ClientError) as conflict:
        rig.client.create_function_url_config(FunctionName="fn", AuthType="NONE")
    assert _error(conflict) == (
        409,
        "ResourceConflictException",
        f"Failed to create function url config for [functionArn = {ARN}]. "
        "Error message:  FunctionUrlConfig exists for this Lambda function",
    )


@pytest.mark.parametrize("qualifier", ["1", "$LATEST"])
def test_versions_and_latest_are_not_url_qualifiers(rig: Rig, qualifier: str) -> None:
    for call in (rig.client.get_function_url_config, rig.client.delete_function_url_config):
        with pytest.raises(ClientError) as refused:
            call(FunctionName="doesnotexist", Qualifier=qualifier)
        assert _error(refused) == (
            400,
            "ValidationException",
            f"1 validation error detected: Value '{qualifier}' at 'qualifier' failed to satisfy constraint: "
            + QUALIFIER_RULE,
        )


def test_missing_functions_and_aliases(rig: Rig) -> None:
    # Create, Update and List name the function; Get and Delete speak of the resource
    no_function, no_resource = "Function does not exist", "The resource you requested does not exist."
    client = rig.client
    for call, kwargs, message in (
        (client.create_function_url_config, {"FunctionName": "nope", "AuthType": "NONE"}, no_function),
        (client.create_function_url_config, {"FunctionName": "fn", "Qualifier": "v1", "AuthType": "NONE"}, no_function),
        (client.update_function_url_config, {"FunctionName": "nope", "AuthType": "NONE"}, no_function),
        (client.list_function_url_configs, {"FunctionName": "nope"}, no_function),
        (client.get_function_url_config, {"FunctionName": "fn"}, no_resource),
        (client.get_function_url_config, {"FunctionName": "fn", "Qualifier": "v1"}, no_resource),
        (client.delete_function_url_config, {"FunctionName": f"{ARN}-nope"}, no_resource),
    ):
        with pytest.raises(ClientError) as missing:
            call(**kwargs)
        assert _error(missing) == (404, "ResourceNotFoundException", message)
    with pytest.raises(ClientError) as mismatch:
        rig.client.get_function_url_config(FunctionName="fn:live", Qualifier="other")
    assert _error(mismatch) == (
        400,
        "InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier.",
    )


def test_model_constraints_are_checked_before_the_service(rig: Rig) -> None:
    for settings, member in (
        ({"InvokeMode": "UNKNOWN"}, "invokeMode"),
        ({"Cors": {"AllowMethods": ["GET", "PUT", "HEAD", "POST", "PATCH", "DELETE", "*"]}}, "cors.allowMethods"),
        ({"Cors": {"AllowMethods": ["OPTIONS"]}}, "cors.allowMethods.1.member"),
        ({"Cors": {"MaxAge": 86_401}}, "cors.maxAge"),
        ({"AuthType": "OPEN"}, "authType"),
    ):
        with pytest.raises(ClientError) as refused:
            rig.client.create_function_url_config(**{"FunctionName": "fn", "AuthType": "NONE", **settings})
        status, code, message = _error(refused)
        assert (status, code) == (400, "ValidationException")
        assert f"at '{member}' failed to satisfy constraint" in message
    assert rig.client.list_function_url_configs(FunctionName="fn")["FunctionUrlConfigs"] == []


def test_a_public_grant_by_add_permission_opens_an_auth_none_url(rig: Rig) -> None:
    url = rig.client.create_function_url_config(FunctionName="fn", AuthType="NONE")["FunctionUrl"]
    url_id = url.split("//")[1].split(".")[0]
    config = rig.service.urls.lookup(url_id)
    assert config is not None and not rig.service.urls.allows_unauthenticated(config)
    added = rig.client.add_permission(
        FunctionName="fn",
        StatementId="FunctionURLAllowPublicAccess",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    statement = json.loads(added["Statement"])
    assert statement["Condition"] == {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
    assert statement["Resource"] == ARN
    assert rig.service.urls.allows_unauthenticated(config)
    rig.client.update_function_url_config(FunctionName="fn", AuthType="AWS_IAM")
    changed = rig.service.urls.lookup(url_id)
    assert changed is not None and changed is not config
    assert not rig.service.urls.allows_unauthenticated(changed)
    assert rig.service.urls.allows_caller(changed, ACCOUNT)
    assert not rig.service.urls.allows_caller(changed, "111122223333")
