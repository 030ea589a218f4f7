"""Function URL configurations through a real in-process app: boto3 against the AWS endpoint on a
socket, state in SQLite, and the lookups the gateway makes (spec §6.6)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.exceptions import ClientError
from invocation_harness import ACCOUNT, BASICS, REGION, function_arn, unique

import triggerfish
from triggerfish.cloud import Cloud
from triggerfish.services.lambda_.url_config import FunctionUrlConfig

QUALIFIER_RULE = r"Member must satisfy regular expression pattern: ((?!^\d+$)^[0-9a-zA-Z-_]+$)"


def _client(cloud: Cloud) -> Any:
    return boto3.client(
        "lambda",
        endpoint_url=cloud.endpoint_url,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


@pytest.fixture(scope="module")
def client(cloud: Cloud) -> Any:
    return _client(cloud)


def _function(cloud: Cloud, prefix: str) -> str:
    name = unique(prefix)
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    return name


def _url_id(function_url: str) -> str:
    return (urlsplit(function_url).hostname or "").split(".")[0]


def _lookup(cloud: Cloud, function_url: str) -> FunctionUrlConfig | None:
    return cloud.app.lambda_.urls.lookup(_url_id(function_url))


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response: Any = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def test_create_get_update_list_delete(cloud: Cloud, client: Any) -> None:
    name = _function(cloud, "url-life")
    created = client.create_function_url_config(FunctionName=name, AuthType="NONE")
    port = urlsplit(cloud.endpoint_url).port
    assert re.fullmatch(rf"http://[a-z0-9]{{32}}\.lambda-url\.{REGION}\.localhost:{port}/", created["FunctionUrl"])
    assert (created["FunctionArn"], created["InvokeMode"]) == (function_arn(name), "BUFFERED")
    assert "LastModifiedTime" not in created

    got = client.get_function_url_config(FunctionName=name)
    assert (got["FunctionUrl"], got["CreationTime"]) == (created["FunctionUrl"], created["CreationTime"])
    assert got["LastModifiedTime"] == created["CreationTime"]

    cors = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET"], "AllowHeaders": ["x-a"], "MaxAge": 60}
    updated = client.update_function_url_config(FunctionName=name, Cors=cors, InvokeMode="RESPONSE_STREAM")
    assert (updated["Cors"], updated["InvokeMode"], updated["AuthType"]) == (cors, "RESPONSE_STREAM", "NONE")
    assert updated["LastModifiedTime"] >= updated["CreationTime"]
    config = _lookup(cloud, created["FunctionUrl"])
    assert config is not None and config.cors is not None and config.cors.allow_origins == ("https://app.example",)

    page = client.list_function_url_configs(FunctionName=name, MaxItems=1)
    assert [c["FunctionUrl"] for c in page["FunctionUrlConfigs"]] == [created["FunctionUrl"]]
    assert "NextMarker" not in page

    client.delete_function_url_config(FunctionName=name)
    with pytest.raises(ClientError) as gone:
        client.get_function_url_config(FunctionName=name)
    assert _error(gone) == (404, "ResourceNotFoundException", "The resource you requested does not exist.")
    assert _lookup(cloud, created["FunctionUrl"]) is None


def test_list_pages_through_alias_urls(cloud: Cloud, client: Any) -> None:
    name = _function(cloud, "url-pages")
    urls = cloud.app.lambda_.urls
    no_aliases = urls.alias_exists
    urls.alias_exists = lambda function, alias: function.name == name  # as if it had these aliases
    try:
        made = [client.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]]
        made += [
            client.create_function_url_config(FunctionName=name, Qualifier=alias, AuthType="AWS_IAM")["FunctionUrl"]
            for alias in ("a1", "a2", "a3")
        ]
    finally:
        urls.alias_exists = no_aliases
    first = client.list_function_url_configs(FunctionName=name, MaxItems=3)
    assert len(first["FunctionUrlConfigs"]) == 3 and "NextMarker" in first
    rest = client.list_function_url_configs(FunctionName=name, MaxItems=3, Marker=first["NextMarker"])
    assert [c["FunctionArn"] for c in rest["FunctionUrlConfigs"]] == [f"{function_arn(name)}:a3"]
    paged = client.get_paginator("list_function_url_configs").paginate(
        FunctionName=name, PaginationConfig={"PageSize": 2}
    )
    assert [c["FunctionUrl"] for p in paged for c in p["FunctionUrlConfigs"]] == made


def test_errors_as_aws_answers_them(cloud: Cloud, client: Any) -> None:
    name = _function(cloud, "url-errors")
    client.create_function_url_config(FunctionName=name, AuthType="AWS_IAM")
    with pytest.raises(ClientError) as conflict:
        client.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert _error(conflict) == (
        409,
        "ResourceConflictException",
        f"Failed to create function url config for [functionArn = {function_arn(name)}]. "
        "Error message:  FunctionUrlConfig exists for this Lambda function",
    )
    with pytest.raises(ClientError) as version:
        client.create_function_url_config(FunctionName=name, Qualifier="1", AuthType="NONE")
    assert _error(version) == (
        400,
        "ValidationException",
        "1 validation error detected: Value '1' at 'qualifier' failed to satisfy constraint: " + QUALIFIER_RULE,
    )
    with pytest.raises(ClientError) as alias:
        client.create_function_url_config(FunctionName=name, Qualifier="live", AuthType="NONE")
    assert _error(alias) == (404, "ResourceNotFoundException", "Function does not exist")
    with pytest.raises(ClientError) as missing:
        client.list_function_url_configs(FunctionName=unique("never-made"))
    assert _error(missing) == (404, "ResourceNotFoundException", "Function does not exist")
    with pytest.raises(ClientError) as max_age:
        client.update_function_url_config(FunctionName=name, Cors={"MaxAge": 86_401})
    assert _error(max_age)[:2] == (400, "ValidationException")


def test_add_permission_with_function_url_auth_type_opens_the_url(cloud: Cloud, client: Any) -> None:
    name = _function(cloud, "url-public")
    function_url = client.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    config = _lookup(cloud, function_url)
    assert config is not None
    urls = cloud.app.lambda_.urls
    assert not urls.allows_unauthenticated(config)
    client.add_permission(
        FunctionName=name,
        StatementId="FunctionURLAllowPublicAccess",
        Action="lambda:InvokeFunctionUrl",
        Principal="*",
        FunctionUrlAuthType="NONE",
    )
    [statement] = json.loads(client.get_policy(FunctionName=name)["Policy"])["Statement"]
    assert statement["Condition"] == {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}
    assert urls.allows_unauthenticated(config)
    assert _lookup(cloud, function_url) is config  # a policy change leaves the URL's view as it was
    client.remove_permission(FunctionName=name, StatementId="FunctionURLAllowPublicAccess")
    assert not urls.allows_unauthenticated(config)


def test_deleting_the_function_deletes_its_url(cloud: Cloud, client: Any) -> None:
    name = _function(cloud, "url-deleted")
    function_url = client.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    client.delete_function(FunctionName=name)
    assert _lookup(cloud, function_url) is None
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    with pytest.raises(ClientError) as gone:
        client.get_function_url_config(FunctionName=name)
    assert _error(gone)[:2] == (404, "ResourceNotFoundException")


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "data"


def test_urls_survive_a_restart_at_a_new_port(data_dir: Path) -> None:
    with triggerfish.local(data_dir=data_dir) as first:
        first.create_function("kept", handler="app.echo", code_dir=BASICS)
        first.create_function("dropped", handler="app.echo", code_dir=BASICS)
        client = _client(first)
        cors = {"AllowOrigins": ["*"], "AllowCredentials": True}
        kept = client.create_function_url_config(FunctionName="kept", AuthType="AWS_IAM", Cors=cors)
        dropped = client.create_function_url_config(FunctionName="dropped", AuthType="NONE")
        client.delete_function(FunctionName="dropped")
    with triggerfish.local(data_dir=data_dir) as second:
        client = _client(second)
        got = client.get_function_url_config(FunctionName=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:kept")
        assert _url_id(got["FunctionUrl"]) == _url_id(kept["FunctionUrl"])
        assert urlsplit(got["FunctionUrl"]).port == urlsplit(second.endpoint_url).port
        assert (got["AuthType"], got["Cors"], got["CreationTime"]) == ("AWS_IAM", cors, kept["CreationTime"])
        config = _lookup(second, kept["FunctionUrl"])
        assert config is not None and config.function_url == got["FunctionUrl"]
        assert second.app.lambda_.urls.allows_caller(config, ACCOUNT)
        assert _lookup(second, dropped["FunctionUrl"]) is None
