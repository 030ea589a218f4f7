"""API destinations: CRUD and validation, and real HTTP calls to a tiny asyncio server on 127.0.0.1
checking method, path, query, headers, authorization, body, rate limiting and failure classification."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.ids import DEFAULT_ACCOUNT, DEFAULT_REGION
from triggerfish.services.events.api_destination_calls import ApiDestinationFailure
from triggerfish.services.events.api_destination_models import ApiDestinationState
from triggerfish.services.events.api_destinations import ApiDestinations
from triggerfish.services.events.connection_models import ConnectionState
from triggerfish.services.events.errors import (
    LimitExceeded,
    ResourceAlreadyExists,
    ResourceNotFound,
    TargetFailure,
    ValidationException,
)
from triggerfish.services.events.invocation_rate import InvocationRate
from triggerfish.services.events.models import Location
from triggerfish.services.http_call import HttpCallError, HttpRequest, HttpTimeout, http_call
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

HERE = Location()
BASIC = {"BasicAuthParameters": {"Username": "user", "Password": "pa:ss"}}


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    status: int = 200
    body: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    chunked: bool = False
    hang: bool = False


class Endpoint:
    """A tiny HTTP/1.1 server: records each request and answers with what ``respond`` says."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.respond: Callable[[Seen], Answer] = lambda seen: Answer()
        self._server: asyncio.Server | None = None
        self._release = asyncio.Event()
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._release.set()
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            method, target, _ = head[0].split(" ")
            headers = {}
            for line in head[1:]:
                if line:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            parts = urlsplit(target)
            seen = Seen(method, parts.path, parse_qsl(parts.query), headers, body)
            self.seen.append(seen)
            answer = self.respond(seen)
            if answer.hang:
                await self._release.wait()
                return
            writer.write(_response(answer))
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


def _response(answer: Answer) -> bytes:
    lines = [f"HTTP/1.1 {answer.status} X"] + [f"{k}: {v}" for k, v in answer.headers.items()]
    if answer.chunked:
        lines.append("Transfer-Encoding: chunked")
        half = len(answer.body) // 2
        chunks = [answer.body[:half], answer.body[half:]]
        payload = b"".join(f"{len(c):x}\r\n".encode() + c + b"\r\n" for c in chunks if c) + b"0\r\n\r\n"
    else:
        lines.append(f"Content-Length: {len(answer.body)}")
        payload = answer.body
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


@pytest.fixture
async def endpoint() -> AsyncIterator[Endpoint]:
    server = Endpoint()
    await server.start()
    yield server
    await server.stop()


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
    started = ApiDestinations(store.documents, clock, timeout=0.5)
    await started.start()
    yield started
    await started.close()


async def _destination(
    service: ApiDestinations,
    url: str,
    *,
    auth_type: str = "BASIC",
    auth: dict[str, Any] | None = None,
    method: str = "POST",
    rate: int | None = None,
) -> str:
    connection = await service.create_connection("conn", auth_type, auth or BASIC, scope=HERE)
    created = await service.create_api_destination("dest", connection.arn, url, method, rate=rate, scope=HERE)
    return created.arn


async def _failure(service: ApiDestinations, arn: str, body: str = "{}") -> TargetFailure:
    with pytest.raises(TargetFailure) as failed:
        await service.invoke(arn, body, None)
    return failed.value


# -- CRUD and validation


async def test_create_describe_list_update_delete(service: ApiDestinations, clock: VirtualClock) -> None:
    connection = await service.create_connection("conn", "BASIC", BASIC, scope=HERE)
    created = await service.create_api_destination(
        "dest", connection.arn, "https://example.com/hook/*", "PUT", description="d", scope=HERE
    )
    assert created.arn.startswith(f"arn:aws:events:{DEFAULT_REGION}:{DEFAULT_ACCOUNT}:api-destination/dest/")
    assert len(created.arn.rsplit("/", 1)[1]) == 36
    # no rate given: the default of 300 per second (EventBridge quotas)
    assert created.rate == 300
    assert service.state_of(created) is ApiDestinationState.ACTIVE
    assert service.describe_api_destination("dest", scope=HERE) == created
    with pytest.raises(ResourceAlreadyExists):
        await service.create_api_destination("dest", connection.arn, "https://example.com", "POST", scope=HERE)
    await clock.advance(5)
    updated = await service.update_api_destination("dest", method="PATCH", rate=10, scope=HERE)
    assert (updated.method, updated.rate, updated.endpoint, updated.description) == (
        "PATCH",
        10,
        "https://example.com/hook/*",
        "d",
    )
    assert updated.modified_at == created.modified_at + 5
    await service.create_api_destination("other", connection.arn, "https://example.com", "GET", scope=HERE)
    page, token = service.list_api_destinations(None, None, 1, None, scope=HERE)
    assert [d.name for d in page] == ["dest"] and token
    page, token = service.list_api_destinations(None, None, 1, token, scope=HERE)
    assert [d.name for d in page] == ["other"] and token is None
    assert [d.name for d in service.list_api_destinations("ot", None, None, None, scope=HERE)[0]] == ["other"]
    assert len(service.list_api_destinations(None, connection.arn, None, None, scope=HERE)[0]) == 2
    with pytest.raises(ValidationException, match="only one filter is supported"):
        service.list_api_destinations("o", connection.arn, None, None, scope=HERE)
    await service.delete_api_destination("dest", scope=HERE)
    with pytest.raises(ResourceNotFound) as missing:
        service.describe_api_destination("dest", scope=HERE)
    assert (
        missing.value.message == "Failed to describe the api-destination(s). An api-destination 'dest' does not exist."
    )
    assert not service.exists(created.arn)


async def test_validation(service: ApiDestinations) -> None:
    connection = await service.create_connection("conn", "BASIC", BASIC, scope=HERE)
    arn = connection.arn
    with pytest.raises(ValidationException) as plain_http:
        await service.create_api_destination("d", arn, "http://example.com/x", "POST", scope=HERE)
    # the wording of a real CreateApiDestination refusal (quoted in a CloudFormation failure)
    assert plain_http.value.message == (
        "Failed to create the api-destination(s). Parameter InvocationEndpoint is not valid. "
        "Reason: Endpoint 'http://example.com/x' is invalid, please provide a valid HTTPS endpoint URL."
    )
    # plain HTTP to this machine is the point of a local endpoint
    for n, local in enumerate(("http://127.0.0.1:9/x", "http://localhost/x", "http://[::1]:8080/")):
        await service.create_api_destination(f"local-{n}", arn, local, "POST", scope=HERE)
    with pytest.raises(ValidationException, match="Member must satisfy enum value set"):
        await service.create_api_destination("d", arn, "https://example.com", "TRACE", scope=HERE)
    with pytest.raises(LimitExceeded) as too_fast:
        await service.create_api_destination("d", arn, "https://example.com", "POST", rate=301, scope=HERE)
    assert too_fast.value.message.endswith("Rate specified '301' for 'd' exceeds maximum allowed of '300'.")
    other_region = arn.replace(DEFAULT_REGION, "eu-west-1")
    with pytest.raises(ValidationException) as invalid:
        await service.create_api_destination("d", other_region, "https://example.com", "POST", scope=HERE)
    assert invalid.value.message == f"Invalid ARN: '{other_region}'"
    gone = arn.rsplit("/", 1)[0] + "/00000000-0000-0000-0000-000000000000"
    with pytest.raises(ResourceNotFound, match="does not exist"):
        await service.create_api_destination("d", gone, "https://example.com", "POST", scope=HERE)
    with pytest.raises(ValidationException, match="regular expression pattern"):
        await service.create_api_destination("bad name", arn, "https://example.com", "POST", scope=HERE)


async def test_destinations_survive_a_restart(store: Store, clock: VirtualClock, endpoint: Endpoint) -> None:
    first = ApiDestinations(store.documents, clock, timeout=0.5)
    await first.start()
    arn = await _destination(first, endpoint.url + "/in")
    await first.close()
    again = ApiDestinations(store.documents, clock, timeout=0.5)
    await again.start()
    assert again.exists(arn)
    await again.invoke(arn, '{"a":1}', None)
    # the connection's secret was kept: the call is still authorized
    assert endpoint.seen[0].headers["authorization"] == "Basic " + base64.b64encode(b"user:pa:ss").decode()
    await again.close()


# -- the HTTP request


async def test_the_request_carries_method_path_query_headers_auth_and_body(
    service: ApiDestinations, endpoint: Endpoint
) -> None:
    auth = {
        **BASIC,
        "InvocationHttpParameters": {
            "HeaderParameters": [{"Key": "X-Conn", "Value": "c", "IsValueSecret": True}],
            "QueryStringParameters": [{"Key": "shared", "Value": "from-connection"}],
            "BodyParameters": [{"Key": "added", "Value": "by-connection"}],
        },
    }
    connection = await service.create_connection("conn", "BASIC", auth, scope=HERE)
    created = await service.create_api_destination(
        "dest", connection.arn, endpoint.url + "/orders/*/lines/*?fixed=1", "PUT", scope=HERE
    )
    parameters = {
        "PathParameterValues": ["o-1", "7"],
        "QueryStringParameters": {"q": "a b", "shared": "from-target"},
        "HeaderParameters": {"X-Target": "t", "Host": "evil", "Content-Length": "1"},
    }
    await service.invoke(created.arn, '{"id": "o-1"}', parameters)
    (seen,) = endpoint.seen
    assert (seen.method, seen.path) == ("PUT", "/orders/o-1/lines/7")
    # the connection's parameters win over the target's on a shared name
    assert seen.query == [("fixed", "1"), ("q", "a b"), ("shared", "from-connection")]
    assert seen.headers["user-agent"] == "Amazon/EventBridge/ApiDestinations"
    assert seen.headers["content-type"] == "application/json; charset=utf-8"
    assert seen.headers["range"] == "bytes=0-1048575"
    assert seen.headers["connection"] == "close"
    assert seen.headers["host"] == f"127.0.0.1:{endpoint.port}"
    assert (seen.headers["x-target"], seen.headers["x-conn"]) == ("t", "c")
    assert seen.headers["authorization"] == "Basic " + base64.b64encode(b"user:pa:ss").decode()
    assert json.loads(seen.body) == {"id": "o-1", "added": "by-connection"}
    assert seen.headers["content-length"] == str(len(seen.body))


async def test_api_key_header_and_a_get_without_body(service: ApiDestinations, endpoint: Endpoint) -> None:
    auth = {"ApiKeyAuthParameters": {"ApiKeyName": "x-api-key", "ApiKeyValue": "secret-key"}}
    arn = await _destination(service, endpoint.url + "/status", auth_type="API_KEY", auth=auth, method="GET")
    await service.invoke(arn, '{"ignored": true}', None)
    (seen,) = endpoint.seen
    assert (seen.method, seen.headers["x-api-key"], seen.body) == ("GET", "secret-key", b"")
    assert "authorization" not in seen.headers


# -- outcomes


@pytest.mark.parametrize(
    ("status", "code", "retriable"),
    [
        (500, "ERROR_FROM_TARGET", True),
        (503, "ERROR_FROM_TARGET", True),
        (429, "THROTTLING", True),
        (404, "ERROR_FROM_TARGET", False),
        (400, "ERROR_FROM_TARGET", False),
        (302, "ERROR_FROM_TARGET", False),
    ],
)
async def test_http_failures_are_classified_as_aws_does(
    service: ApiDestinations, endpoint: Endpoint, status: int, code: str, retriable: bool
) -> None:
    arn = await _destination(service, endpoint.url + "/in")
    endpoint.respond = lambda seen: Answer(status=status, body=b"no")
    failure = await _failure(service, arn)
    assert (failure.code, failure.retriable) == (code, retriable)
    assert str(status) in failure.message


async def test_success_codes_deliver(service: ApiDestinations, endpoint: Endpoint) -> None:
    arn = await _destination(service, endpoint.url + "/in")
    for status in (200, 201, 204):
        endpoint.respond = _answering(status)
        await service.invoke(arn, "{}", None)
    assert len(endpoint.seen) == 3


def _answering(status: int) -> Callable[[Seen], Answer]:
    return lambda seen: Answer(status=status, body=b"" if status == 204 else b"x")


async def test_retry_after_is_reported_and_a_negative_one_stops_retrying(
    service: ApiDestinations, endpoint: Endpoint
) -> None:
    arn = await _destination(service, endpoint.url + "/in")
    endpoint.respond = lambda seen: Answer(status=503, headers={"Retry-After": "7"})
    failure = await _failure(service, arn)
    assert isinstance(failure, ApiDestinationFailure)
    assert (failure.retriable, failure.retry_after) == (True, 7.0)
    endpoint.respond = lambda seen: Answer(status=429, headers={"Retry-After": "-1"})
    failure = await _failure(service, arn)
    assert (failure.code, failure.retriable) == ("THROTTLING", False)


async def test_a_timeout_is_retriable(service: ApiDestinations, endpoint: Endpoint) -> None:
    arn = await _destination(service, endpoint.url + "/slow")
    endpoint.respond = lambda seen: Answer(hang=True)
    failure = await _failure(service, arn)
    assert (failure.code, failure.retriable) == ("TIMEOUT", True)


async def test_an_unreachable_endpoint_is_retriable(service: ApiDestinations) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    arn = await _destination(service, f"http://127.0.0.1:{port}/in")
    failure = await _failure(service, arn)
    assert (failure.code, failure.retriable) == ("CONNECTION_FAILURE", True)


async def test_missing_destination_or_connection(service: ApiDestinations, endpoint: Endpoint) -> None:
    failure = await _failure(service, "arn:aws:events:us-east-1:000000000000:api-destination/x/y")
    assert (failure.code, failure.retriable) == ("NO_RESOURCE", False)
    arn = await _destination(service, endpoint.url + "/in")
    await service.delete_connection("conn", scope=HERE)
    assert service.state_of(service.describe_api_destination("dest", scope=HERE)) is ApiDestinationState.INACTIVE
    failure = await _failure(service, arn)
    assert (failure.code, failure.retriable) == ("NO_RESOURCE", False)
    assert endpoint.seen == []


async def test_basic_credentials_refused_with_401_deauthorize_the_connection(
    service: ApiDestinations, endpoint: Endpoint
) -> None:
    arn = await _destination(service, endpoint.url + "/in")
    endpoint.respond = lambda seen: Answer(status=401)
    failure = await _failure(service, arn)
    assert failure.retriable is False
    connection = service.describe_connection("conn", scope=HERE)
    assert connection.state is ConnectionState.DEAUTHORIZED and connection.state_reason
    assert service.state_of(service.describe_api_destination("dest", scope=HERE)) is ApiDestinationState.INACTIVE
    endpoint.respond = lambda seen: Answer()
    failure = await _failure(service, arn)
    assert (failure.code, failure.retriable) == ("NO_PERMISSIONS", False)
    assert len(endpoint.seen) == 1
    # new credentials authorize it again
    await service.update_connection("conn", auth_parameters={"BasicAuthParameters": {"Password": "new"}}, scope=HERE)
    await service.invoke(arn, "{}", None)
    assert endpoint.seen[-1].headers["authorization"] == "Basic " + base64.b64encode(b"user:new").decode()


# -- OAuth client credentials


def _oauth(endpoint: Endpoint, **extra: Any) -> dict[str, Any]:
    return {
        "OAuthParameters": {
            "ClientParameters": {"ClientID": "client", "ClientSecret": "s3cret"},
            "AuthorizationEndpoint": endpoint.url + "/token",
            "HttpMethod": "POST",
            "OAuthHttpParameters": {
                "BodyParameters": [{"Key": "audience", "Value": "api"}],
                "HeaderParameters": [{"Key": "X-Token-Header", "Value": "h"}],
                "QueryStringParameters": [{"Key": "tenant", "Value": "t1"}],
            },
            **extra,
        }
    }


def _token_server(endpoint: Endpoint, *, lifetime: int = 3600, api: Callable[[Seen], Answer] | None = None) -> None:
    issued = 0

    def respond(seen: Seen) -> Answer:
        nonlocal issued
        if seen.path == "/token":
            issued += 1
            return Answer(body=json.dumps({"access_token": f"tok-{issued}", "expires_in": lifetime}).encode())
        return api(seen) if api is not None else Answer()

    endpoint.respond = respond


async def test_oauth_authorizes_then_calls_with_a_cached_bearer_token(
    service: ApiDestinations, endpoint: Endpoint, clock: VirtualClock
) -> None:
    _token_server(endpoint, lifetime=600)
    connection = await service.create_connection("conn", "OAUTH_CLIENT_CREDENTIALS", _oauth(endpoint), scope=HERE)
    assert connection.state is ConnectionState.AUTHORIZING
    await service.wait_authorizations()
    authorized = service.describe_connection("conn", scope=HERE)
    assert authorized.state is ConnectionState.AUTHORIZED and authorized.authorized_at == clock.now()
    (token_request,) = endpoint.seen
    assert (token_request.method, token_request.path, token_request.query) == ("POST", "/token", [("tenant", "t1")])
    assert token_request.headers["authorization"] == "Basic " + base64.b64encode(b"client:s3cret").decode()
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert token_request.headers["x-token-header"] == "h"
    assert parse_qsl(token_request.body.decode()) == [("grant_type", "client_credentials"), ("audience", "api")]
    created = await service.create_api_destination("dest", connection.arn, endpoint.url + "/api", "POST", scope=HERE)
    await service.invoke(created.arn, "{}", None)
    await service.invoke(created.arn, "{}", None)
    calls = [seen for seen in endpoint.seen if seen.path == "/api"]
    assert [seen.headers["authorization"] for seen in calls] == ["Bearer tok-1", "Bearer tok-1"]
    # refreshed before it expires
    await clock.advance(590)
    await service.invoke(created.arn, "{}", None)
    assert endpoint.seen[-1].headers["authorization"] == "Bearer tok-2"


async def test_oauth_401_refreshes_the_token_and_tries_again(service: ApiDestinations, endpoint: Endpoint) -> None:
    refused = {"Bearer tok-1"}
    _token_server(endpoint, api=lambda seen: Answer(status=401 if seen.headers["authorization"] in refused else 200))
    connection = await service.create_connection("conn", "OAUTH_CLIENT_CREDENTIALS", _oauth(endpoint), scope=HERE)
    await service.wait_authorizations()
    created = await service.create_api_destination("dest", connection.arn, endpoint.url + "/api", "POST", scope=HERE)
    await service.invoke(created.arn, "{}", None)
    assert [s.headers["authorization"] for s in endpoint.seen if s.path == "/api"] == ["Bearer tok-1", "Bearer tok-2"]
    refused.update({"Bearer tok-2", "Bearer tok-3"})
    failure = await _failure(service, created.arn)
    # a token refreshed on the next attempt may still work: the event is retried
    assert failure.retriable is True
    assert service.describe_connection("conn", scope=HERE).state is ConnectionState.AUTHORIZED


async def test_an_authorization_endpoint_that_refuses_deauthorizes_the_connection(
    service: ApiDestinations, endpoint: Endpoint
) -> None:
    endpoint.respond = lambda seen: Answer(status=400, body=b'{"error":"invalid_client"}')
    await service.create_connection("conn", "OAUTH_CLIENT_CREDENTIALS", _oauth(endpoint), scope=HERE)
    await service.wait_authorizations()
    connection = service.describe_connection("conn", scope=HERE)
    assert connection.state is ConnectionState.DEAUTHORIZED
    assert connection.state_reason is not None and "400" in connection.state_reason


async def test_an_unreachable_authorization_endpoint_leaves_it_authorizing(service: ApiDestinations) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    auth = _oauth(Endpoint())
    auth["OAuthParameters"]["AuthorizationEndpoint"] = f"http://127.0.0.1:{port}/token"
    connection = await service.create_connection("conn", "OAUTH_CLIENT_CREDENTIALS", auth, scope=HERE)
    await service.wait_authorizations()
    assert service.describe_connection("conn", scope=HERE).state is ConnectionState.AUTHORIZING
    created = await service.create_api_destination("dest", connection.arn, "http://127.0.0.1:9/x", "POST", scope=HERE)
    failure = await _failure(service, created.arn)
    assert (failure.code, failure.retriable) == ("CONNECTION_FAILURE", True)


# -- invocation rate


async def test_calls_over_the_rate_wait_on_the_clock(
    service: ApiDestinations, endpoint: Endpoint, clock: VirtualClock
) -> None:
    arn = await _destination(service, endpoint.url + "/in", rate=1)
    first = asyncio.create_task(service.invoke(arn, "{}", None))
    second = asyncio.create_task(service.invoke(arn, "{}", None))
    await first
    for _ in range(20):
        await asyncio.sleep(0)
    assert not second.done() and len(endpoint.seen) == 1
    await clock.advance(1.0)
    await second
    assert len(endpoint.seen) == 2


def test_the_token_bucket_holds_one_second_of_calls() -> None:
    clock = VirtualClock(start=100.0)
    rate = InvocationRate(clock)
    assert [rate.reserve("d", 2) for _ in range(4)] == [100.0, 100.0, 100.5, 101.0]
    assert rate.reserve("other", 2) == 100.0


# -- the HTTP client itself


async def test_http_call_reads_chunked_bodies_and_keeps_at_most_the_limit(endpoint: Endpoint) -> None:
    endpoint.respond = lambda seen: Answer(body=b"0123456789", chunked=True, headers={"X-A": "1"})
    response = await http_call(HttpRequest("POST", endpoint.url + "/c", (), b"hi"), timeout=2)
    assert (response.status, response.body, response.headers["x-a"]) == (200, b"0123456789", "1")
    limited = await http_call(HttpRequest("GET", endpoint.url + "/c"), timeout=2, body_limit=4)
    assert limited.body == b"0123"
    endpoint.respond = lambda seen: Answer(body=b"abcdef")
    assert (await http_call(HttpRequest("GET", endpoint.url), timeout=2, body_limit=3)).body == b"abc"


async def test_http_call_errors(endpoint: Endpoint) -> None:
    with pytest.raises(HttpCallError, match="not an http"):
        await http_call(HttpRequest("GET", "ftp://example.com/"), timeout=1)
    with pytest.raises(HttpCallError):
        await http_call(HttpRequest("GET", endpoint.url, (("X", "a\r\nb"),)), timeout=1)
    endpoint.respond = lambda seen: Answer(hang=True)
    with pytest.raises(HttpTimeout):
        await http_call(HttpRequest("GET", endpoint.url), timeout=0.2)
