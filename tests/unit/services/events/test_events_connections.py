"""EventBridge connections: CRUD with AWS's validation and shapes, durability, and the connection and API
destination operations over the wire (boto3 against the endpoint on 127.0.0.1)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.events.connections import ConnectionOperations
from triggerfish.aws.server import HttpServer
from triggerfish.core.clock import VirtualClock
from triggerfish.services.events.api_destinations import ApiDestinations
from triggerfish.services.events.connection_models import (
    AuthorizationType,
    BasicAuth,
    ConnectionState,
    describe_shape,
)
from triggerfish.services.events.errors import ResourceAlreadyExists, ResourceNotFound, ValidationException
from triggerfish.services.events.models import Location
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

HERE = Location()
ELSEWHERE = Location(region="eu-west-1")
BASIC = {"BasicAuthParameters": {"Username": "user", "Password": "secret-password"}}
API_KEY = {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "secret-key"}}
OAUTH: dict[str, Any] = {
    "OAuthParameters": {
        "ClientParameters": {"ClientID": "client", "ClientSecret": "secret-client"},
        "AuthorizationEndpoint": "https://auth.example.com/token",
        "HttpMethod": "POST",
        "OAuthHttpParameters": {
            "BodyParameters": [
                {"Key": "audience", "Value": "api", "IsValueSecret": False},
                {"Key": "secret-body", "Value": "hidden", "IsValueSecret": True},
            ]
        },
    },
    "InvocationHttpParameters": {
        "HeaderParameters": [
            {"Key": "X-Plain", "Value": "shown"},
            {"Key": "X-Secret", "Value": "secret-header", "IsValueSecret": True},
        ]
    },
}


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    opened = open_store(None)
    await opened.open()
    yield opened
    await opened.close()


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def service(store: Store, clock: VirtualClock) -> AsyncIterator[ApiDestinations]:
    started = ApiDestinations(store.documents, clock, timeout=0.2)
    await started.start()
    yield started
    await started.close()


def _no_secrets(shape: Any) -> None:
    text = repr(shape)
    for secret in ("secret-password", "secret-key", "secret-client", "hidden", "secret-header"):
        assert secret not in text


async def test_basic_and_api_key_connections_are_authorized_at_once(
    service: ApiDestinations, clock: VirtualClock
) -> None:
    basic = await service.create_connection("basic", "BASIC", BASIC, description="d", scope=HERE)
    assert basic.arn.startswith("arn:aws:events:us-east-1:000000000000:connection/basic/")
    assert (basic.state, basic.authorized_at, basic.created_at) == (
        ConnectionState.AUTHORIZED,
        clock.now(),
        clock.now(),
    )
    key = await service.create_connection("key", "API_KEY", API_KEY, scope=HERE)
    assert key.state is ConnectionState.AUTHORIZED
    shape = describe_shape(service.describe_connection("basic", scope=HERE))
    _no_secrets(shape)
    assert shape["AuthParameters"] == {"BasicAuthParameters": {"Username": "user"}}
    assert shape["SecretArn"].startswith(
        "arn:aws:secretsmanager:us-east-1:000000000000:secret:events!connection/basic/"
    )
    assert (shape["Name"], shape["Description"], shape["AuthorizationType"]) == ("basic", "d", "BASIC")
    assert describe_shape(key)["AuthParameters"] == {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key"}}


async def test_oauth_connections_show_only_what_is_not_secret(service: ApiDestinations) -> None:
    connection = await service.create_connection("oauth", "OAUTH_CLIENT_CREDENTIALS", OAUTH, scope=HERE)
    # the token fetch happens in the background; until it succeeds the connection is AUTHORIZING
    assert connection.state is ConnectionState.AUTHORIZING and connection.authorized_at is None
    shape = describe_shape(connection)
    _no_secrets(shape)
    assert shape["AuthParameters"] == {
        "OAuthParameters": {
            "ClientParameters": {"ClientID": "client"},
            "AuthorizationEndpoint": "https://auth.example.com/token",
            "HttpMethod": "POST",
            "OAuthHttpParameters": {
                "BodyParameters": [
                    {"Key": "audience", "Value": "api", "IsValueSecret": False},
                    {"Key": "secret-body", "IsValueSecret": True},
                ]
            },
        },
        "InvocationHttpParameters": {
            "HeaderParameters": [
                {"Key": "X-Plain", "Value": "shown", "IsValueSecret": False},
                {"Key": "X-Secret", "IsValueSecret": True},
            ]
        },
    }


async def test_names_are_unique_per_account_and_region(service: ApiDestinations) -> None:
    await service.create_connection("c", "BASIC", BASIC, scope=HERE)
    with pytest.raises(ResourceAlreadyExists) as duplicate:
        await service.create_connection("c", "API_KEY", API_KEY, scope=HERE)
    assert duplicate.value.message == "Connection c already exists."
    await service.create_connection("c", "BASIC", BASIC, scope=ELSEWHERE)
    with pytest.raises(ResourceNotFound) as missing:
        service.describe_connection("nope", scope=HERE)
    assert missing.value.message == "Failed to describe the connection(s). Connection 'nope' does not exist."


@pytest.mark.parametrize(
    ("kind", "auth", "message"),
    [
        ("BASIC", API_KEY, "AuthorizationType does not match AuthParameters."),
        ("BASIC", {}, "BasicAuthParameters is required for AuthorizationType BASIC."),
        ("BASIC", {"BasicAuthParameters": {"Username": "u"}}, "BasicAuthParameters.Password is required."),
        ("API_KEY", {"ApiKeyAuthParameters": {"ApiKeyValue": "v"}}, "ApiKeyAuthParameters.ApiKeyName is required."),
        (
            "OAUTH_CLIENT_CREDENTIALS",
            {"OAuthParameters": {**OAUTH["OAuthParameters"], "AuthorizationEndpoint": "http://auth.example.com"}},
            "Parameter AuthorizationEndpoint is not valid.",
        ),
        (
            "OAUTH_CLIENT_CREDENTIALS",
            {"OAuthParameters": {**OAUTH["OAuthParameters"], "ClientParameters": {"ClientID": "c"}}},
            "ClientParameters.ClientSecret is required.",
        ),
        ("INVALID", BASIC, "Member must satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]"),
    ],
)
async def test_authorization_parameters_must_fit_the_type(
    service: ApiDestinations, kind: str, auth: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationException) as refused:
        await service.create_connection("c", kind, auth, scope=HERE)
    assert message in refused.value.message


async def test_names_follow_the_model(service: ApiDestinations) -> None:
    with pytest.raises(ValidationException) as refused:
        await service.create_connection("no spaces" + "x" * 60, "BASIC", BASIC, scope=HERE)
    assert refused.value.message.startswith("2 validation errors detected: Value 'no spaces")
    assert "Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+" in refused.value.message


async def test_list_filters_and_pages(service: ApiDestinations) -> None:
    for name in ("b-2", "a-1", "b-1", "c-1"):
        await service.create_connection(name, "BASIC", BASIC, scope=HERE)
    await service.create_connection("oauth", "OAUTH_CLIENT_CREDENTIALS", OAUTH, scope=HERE)
    await service.create_connection("b-3", "BASIC", BASIC, scope=ELSEWHERE)
    names = [c.name for c in service.list_connections("b-", None, None, None, scope=HERE)[0]]
    assert names == ["b-1", "b-2"]
    authorizing = service.list_connections(None, "AUTHORIZING", None, None, scope=HERE)[0]
    assert [c.name for c in authorizing] == ["oauth"]
    page, token = service.list_connections(None, None, 2, None, scope=HERE)
    seen = [c.name for c in page]
    while token:
        page, token = service.list_connections(None, None, 2, token, scope=HERE)
        seen += [c.name for c in page]
    assert seen == ["a-1", "b-1", "b-2", "c-1", "oauth"]
    with pytest.raises(ValidationException):
        service.list_connections(None, None, 2, "!!not-a-token", scope=HERE)


async def test_update_keeps_what_it_does_not_change(service: ApiDestinations, clock: VirtualClock) -> None:
    created = await service.create_connection("c", "BASIC", BASIC, description="old", scope=HERE)
    await clock.advance(10)
    described = await service.update_connection("c", description="new", scope=HERE)
    assert (described.description, described.auth, described.modified_at) == (
        "new",
        created.auth,
        created.created_at + 10,
    )
    assert described.authorized_at == created.authorized_at
    password = await service.update_connection(
        "c", auth_parameters={"BasicAuthParameters": {"Password": "changed"}}, scope=HERE
    )
    assert password.auth == BasicAuth("user", "changed")
    assert password.authorized_at == clock.now()
    switched = await service.update_connection("c", authorization_type="API_KEY", auth_parameters=API_KEY, scope=HERE)
    assert switched.authorization_type is AuthorizationType.API_KEY
    with pytest.raises(ValidationException, match="AuthorizationType does not match AuthParameters"):
        await service.update_connection("c", authorization_type="BASIC", auth_parameters=API_KEY, scope=HERE)
    # a new type needs its own parameters: nothing carries over from the old type
    with pytest.raises(ValidationException, match="BasicAuthParameters is required"):
        await service.update_connection("c", authorization_type="BASIC", scope=HERE)
    with pytest.raises(ResourceNotFound):
        await service.update_connection("nope", description="x", scope=HERE)


async def test_secret_invocation_parameters_keep_their_value_when_updated_without_one(
    service: ApiDestinations,
) -> None:
    await service.create_connection("c", "OAUTH_CLIENT_CREDENTIALS", OAUTH, scope=HERE)
    headers = [{"Key": "X-Secret", "IsValueSecret": True}, {"Key": "X-New", "Value": "n"}]
    changed = await service.update_connection(
        "c", auth_parameters={"InvocationHttpParameters": {"HeaderParameters": headers}}, scope=HERE
    )
    assert [(p.key, p.value, p.secret) for p in changed.invocation.headers] == [
        ("X-Secret", "secret-header", True),
        ("X-New", "n", False),
    ]


async def test_deauthorize_removes_the_authorization(service: ApiDestinations) -> None:
    await service.create_connection("c", "OAUTH_CLIENT_CREDENTIALS", OAUTH, scope=HERE)
    connection = await service.deauthorize_connection("c", scope=HERE)
    assert connection.state is ConnectionState.DEAUTHORIZED and connection.auth is None
    shape = describe_shape(service.describe_connection("c", scope=HERE))
    assert shape["ConnectionState"] == "DEAUTHORIZED" and shape["StateReason"]
    assert "AuthParameters" not in shape and "SecretArn" not in shape
    # new parameters authorize it again
    again = await service.update_connection("c", authorization_type="BASIC", auth_parameters=BASIC, scope=HERE)
    assert again.state is ConnectionState.AUTHORIZED and again.state_reason is None


async def test_delete(service: ApiDestinations) -> None:
    created = await service.create_connection("c", "BASIC", BASIC, scope=HERE)
    deleted = await service.delete_connection("c", scope=HERE)
    assert deleted.arn == created.arn
    with pytest.raises(ResourceNotFound):
        service.describe_connection("c", scope=HERE)
    with pytest.raises(ResourceNotFound):
        await service.delete_connection("c", scope=HERE)
    recreated = await service.create_connection("c", "BASIC", BASIC, scope=HERE)
    assert recreated.arn != created.arn


async def test_connections_survive_a_restart(store: Store, clock: VirtualClock) -> None:
    first = ApiDestinations(store.documents, clock, timeout=0.2)
    await first.start()
    created = await first.create_connection("c", "OAUTH_CLIENT_CREDENTIALS", OAUTH, scope=HERE)
    await first.create_connection("d", "BASIC", BASIC, scope=HERE)
    await first.deauthorize_connection("d", scope=HERE)
    await first.close()
    again = ApiDestinations(store.documents, clock, timeout=0.2)
    await again.start()
    assert again.describe_connection("c", scope=HERE) == created
    assert again.describe_connection("d", scope=HERE).state is ConnectionState.DEAUTHORIZED
    await again.close()


# -- over the wire


class _Provider:
    def __init__(self, service: ApiDestinations) -> None:
        self._table = ConnectionOperations(service).table()

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return BodyLimit(1_048_576, "CreateConnection")

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


@pytest.fixture
async def events(service: ApiDestinations) -> AsyncIterator[Any]:
    server = HttpServer(AwsApp({"events": _Provider(service)}), "127.0.0.1", 0)
    await server.start()
    client = boto3.client(
        "events",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )
    yield client
    await server.stop()


async def _error(call: Any, **params: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as failed:
        await asyncio.to_thread(call, **params)
    response: Any = failed.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


async def test_the_recorded_validation_answer_is_reproduced(events: Any) -> None:
    # tests/aws/services/events/test_events.py::TestEvents::test_create_connection_validations (recorded on AWS)
    name = "This should fail with two errors 123467890123412341234123412341234"
    answer = await _error(events.create_connection, Name=name, AuthorizationType="INVALID", AuthParameters=BASIC)
    assert answer == (
        400,
        "ValidationException",
        f"3 validation errors detected: Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy "
        f"regular expression pattern: [\\.\\-_A-Za-z0-9]+; Value '{name}' at 'name' failed to satisfy constraint: "
        "Member must have length less than or equal to 64; Value 'INVALID' at 'authorizationType' failed to satisfy "
        "constraint: Member must satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]",
    )


async def test_connection_operations_over_the_wire(events: Any) -> None:
    created = await asyncio.to_thread(
        events.create_connection, Name="c", AuthorizationType="BASIC", AuthParameters=BASIC, Description="d"
    )
    assert created["ConnectionState"] == "AUTHORIZED"
    assert isinstance(created["CreationTime"], datetime) and "LastAuthorizedTime" not in created
    described = await asyncio.to_thread(events.describe_connection, Name="c")
    assert described["ConnectionArn"] == created["ConnectionArn"]
    assert described["AuthParameters"] == {"BasicAuthParameters": {"Username": "user"}}
    assert isinstance(described["LastAuthorizedTime"], datetime)
    assert "secret-password" not in repr(described)
    listed = await asyncio.to_thread(events.list_connections, NamePrefix="c")
    assert [(c["Name"], c["AuthorizationType"]) for c in listed["Connections"]] == [("c", "BASIC")]
    updated = await asyncio.to_thread(events.update_connection, Name="c", Description="e")
    assert updated["ConnectionState"] == "AUTHORIZED"
    assert await _error(events.create_connection, Name="c", AuthorizationType="BASIC", AuthParameters=BASIC) == (
        400,
        "ResourceAlreadyExistsException",
        "Connection c already exists.",
    )
    deauthorized = await asyncio.to_thread(events.deauthorize_connection, Name="c")
    assert deauthorized["ConnectionState"] == "DEAUTHORIZING"
    assert (await asyncio.to_thread(events.describe_connection, Name="c"))["ConnectionState"] == "DEAUTHORIZED"
    deleted = await asyncio.to_thread(events.delete_connection, Name="c")
    assert deleted["ConnectionState"] == "DELETING"
    assert await _error(events.describe_connection, Name="c") == (
        400,
        "ResourceNotFoundException",
        "Failed to describe the connection(s). Connection 'c' does not exist.",
    )


async def test_api_destination_operations_over_the_wire(events: Any) -> None:
    connection = await asyncio.to_thread(
        events.create_connection, Name="c", AuthorizationType="API_KEY", AuthParameters=API_KEY
    )
    created = await asyncio.to_thread(
        events.create_api_destination,
        Name="d",
        ConnectionArn=connection["ConnectionArn"],
        InvocationEndpoint="https://example.com/*",
        HttpMethod="POST",
        InvocationRateLimitPerSecond=5,
    )
    assert created["ApiDestinationState"] == "ACTIVE"
    assert created["ApiDestinationArn"].startswith("arn:aws:events:us-east-1:000000000000:api-destination/d/")
    described = await asyncio.to_thread(events.describe_api_destination, Name="d")
    assert {k: described[k] for k in ("Name", "ConnectionArn", "InvocationEndpoint", "HttpMethod")} == {
        "Name": "d",
        "ConnectionArn": connection["ConnectionArn"],
        "InvocationEndpoint": "https://example.com/*",
        "HttpMethod": "POST",
    }
    assert described["InvocationRateLimitPerSecond"] == 5
    updated = await asyncio.to_thread(events.update_api_destination, Name="d", HttpMethod="PUT", Description="x")
    assert updated["ApiDestinationState"] == "ACTIVE"
    listed = await asyncio.to_thread(events.list_api_destinations, ConnectionArn=connection["ConnectionArn"])
    assert [(d["Name"], d["HttpMethod"]) for d in listed["ApiDestinations"]] == [("d", "PUT")]
    assert (await _error(events.create_api_destination, **_destination(connection, "http://example.com")))[:2] == (
        400,
        "ValidationException",
    )
    await asyncio.to_thread(events.deauthorize_connection, Name="c")
    assert (await asyncio.to_thread(events.describe_api_destination, Name="d"))["ApiDestinationState"] == "INACTIVE"
    await asyncio.to_thread(events.delete_api_destination, Name="d")
    assert (await _error(events.delete_api_destination, Name="d"))[1] == "ResourceNotFoundException"
    assert (await asyncio.to_thread(events.list_api_destinations))["ApiDestinations"] == []


def _destination(connection: dict[str, Any], endpoint: str) -> dict[str, Any]:
    return {
        "Name": "e",
        "ConnectionArn": connection["ConnectionArn"],
        "InvocationEndpoint": endpoint,
        "HttpMethod": "POST",
    }
