"""``/_triggerfish/ses/messages``: the messages SES accepted, read over HTTP on the endpoint's port, beside
the AWS services; and the internal router's own answers (404, 405, no tracebacks)."""

from __future__ import annotations

import email
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from email import policy
from typing import Any

import boto3
import pytest
from ses_endpoint import SesEndpoint

from triggerfish.aws.internal import InternalApi, InternalRequest, InternalResponse, Route, json_response, ses_routes
from triggerfish.aws.providers.sesv2 import SesV2Provider
from triggerfish.aws.server import EndpointApp
from triggerfish.services.ses.service import SesService


async def _echo(request: InternalRequest) -> InternalResponse:
    return json_response({"params": dict(request.params), "query": dict(request.query), "body": request.body.decode()})


async def _broken(request: InternalRequest) -> InternalResponse:
    raise RuntimeError("a secret detail that must stay in the log")


def _internal(ses: SesService) -> InternalApi:
    internal = InternalApi(ses_routes(ses))
    internal.add(Route("POST", "test/echo/{name}", _echo))
    internal.add(Route("GET", "test/broken", _broken))
    return internal


@pytest.fixture(scope="module")
def endpoint() -> Iterator[SesEndpoint]:
    served = SesEndpoint(lambda ses: {"sesv2": SesV2Provider(ses)}, internal=_internal)
    yield served
    served.close()


@pytest.fixture(scope="module")
def v2(endpoint: SesEndpoint) -> Any:
    client = endpoint.client("sesv2")
    client.create_email_identity(EmailIdentity="example.com")
    return client


def _request(
    endpoint: SesEndpoint, path: str, method: str = "GET", body: bytes | None = None
) -> tuple[int, str, bytes]:
    request = urllib.request.Request(endpoint.url + path, data=body, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def _json(endpoint: SesEndpoint, path: str, method: str = "GET") -> tuple[int, Any]:
    status, kind, body = _request(endpoint, path, method)
    assert kind == "application/json"
    return status, json.loads(body)


def _send(v2: Any, subject: str, *, to: str = "to@example.com", region_client: Any = None) -> str:
    client = region_client or v2
    sent = client.send_email(
        FromEmailAddress="from@example.com",
        Destination={"ToAddresses": [to], "BccAddresses": ["bcc@example.com"]},
        Content={"Simple": {"Subject": {"Data": subject}, "Body": {"Text": {"Data": f"text of {subject}"}}}},
    )
    message_id: str = sent["MessageId"]
    return message_id


@pytest.fixture
def clean(endpoint: SesEndpoint) -> None:
    status, _ = _json(endpoint, "/_triggerfish/ses/messages", "DELETE")
    assert status == 200


def test_lists_sent_messages_oldest_first(endpoint: SesEndpoint, v2: Any, clean: None) -> None:
    first = _send(v2, "first")
    second = _send(v2, "second")
    status, document = _json(endpoint, "/_triggerfish/ses/messages")
    assert status == 200
    messages = document["messages"]
    assert [m["id"] for m in messages] == [first, second]
    one = messages[0]
    assert set(one) == {"id", "region", "timestamp", "source", "destination", "subject"}
    assert one["region"] == "us-east-1"
    assert one["source"] == "from@example.com"
    assert one["destination"] == {"to": ["to@example.com"], "cc": [], "bcc": ["bcc@example.com"]}
    assert one["subject"] == "first"
    assert one["timestamp"].endswith("Z") and "T" in one["timestamp"]


def test_one_message_in_full(endpoint: SesEndpoint, v2: Any, clean: None) -> None:
    message_id = _send(v2, "full")
    status, document = _json(endpoint, f"/_triggerfish/ses/messages/{message_id}")
    assert status == 200
    assert document["id"] == message_id
    assert document["subject"] == "full"
    assert document["text"] == "text of full"
    assert document["html"] is None
    raw = email.message_from_string(document["raw"], policy=policy.default)
    assert raw["Subject"] == "full"
    assert raw["Bcc"] is None


def test_raw_message_as_rfc822(endpoint: SesEndpoint, v2: Any, clean: None) -> None:
    message_id = _send(v2, "raw one")
    status, kind, body = _request(endpoint, f"/_triggerfish/ses/messages/{message_id}/raw")
    assert status == 200
    assert kind == "message/rfc822"
    parsed = email.message_from_bytes(body, policy=policy.default)
    assert parsed["Subject"] == "raw one"
    assert message_id in parsed["Message-ID"]


def test_unknown_id_is_a_json_404(endpoint: SesEndpoint, clean: None) -> None:
    for path in ("/_triggerfish/ses/messages/nope", "/_triggerfish/ses/messages/nope/raw"):
        status, document = _json(endpoint, path)
        assert status == 404
        assert document == {"error": "NotFound", "message": "No sent message has the id nope."}


def test_region_filter(endpoint: SesEndpoint, v2: Any, clean: None) -> None:
    west = boto3.client(
        "sesv2", endpoint_url=endpoint.url, region_name="eu-west-1", aws_access_key_id="t", aws_secret_access_key="t"
    )
    west.create_email_identity(EmailIdentity="example.com")
    east_id = _send(v2, "east")
    west_id = _send(v2, "west", region_client=west)
    _, everything = _json(endpoint, "/_triggerfish/ses/messages")
    assert [m["id"] for m in everything["messages"]] == [east_id, west_id]
    _, western = _json(endpoint, "/_triggerfish/ses/messages?region=eu-west-1")
    assert [m["id"] for m in western["messages"]] == [west_id]
    status, cleared = _json(endpoint, "/_triggerfish/ses/messages?region=eu-west-1", "DELETE")
    assert (status, cleared) == (200, {"deleted": 1})
    _, rest = _json(endpoint, "/_triggerfish/ses/messages")
    assert [m["id"] for m in rest["messages"]] == [east_id]


def test_delete_clears_the_store(endpoint: SesEndpoint, v2: Any, clean: None) -> None:
    _send(v2, "a")
    _send(v2, "b")
    status, document = _json(endpoint, "/_triggerfish/ses/messages", "DELETE")
    assert (status, document) == (200, {"deleted": 2})
    _, after = _json(endpoint, "/_triggerfish/ses/messages")
    assert after == {"messages": []}


def test_unknown_internal_path_is_a_json_404(endpoint: SesEndpoint) -> None:
    status, document = _json(endpoint, "/_triggerfish/nothing/here")
    assert status == 404
    assert document["error"] == "NotFound"


def test_wrong_method_is_a_json_405(endpoint: SesEndpoint) -> None:
    status, kind, body = _request(endpoint, "/_triggerfish/ses/messages", "PUT", b"")
    assert (status, kind) == (405, "application/json")
    assert json.loads(body)["error"] == "MethodNotAllowed"


def test_route_parameters_query_and_body(endpoint: SesEndpoint) -> None:
    status, kind, body = _request(endpoint, "/_triggerfish/test/echo/a%20b?x=1&x=2&y=", "POST", b"payload")
    assert (status, kind) == (200, "application/json")
    assert json.loads(body) == {"params": {"name": "a b"}, "query": {"x": "1", "y": ""}, "body": "payload"}


def test_failing_route_shows_no_traceback(endpoint: SesEndpoint) -> None:
    status, kind, body = _request(endpoint, "/_triggerfish/test/broken")
    assert (status, kind) == (500, "application/json")
    text = body.decode()
    assert "Traceback" not in text
    assert "secret detail" not in text
    assert json.loads(text)["error"] == "InternalError"


def test_health_is_still_answered_by_the_endpoint(endpoint: SesEndpoint) -> None:
    status, document = _json(endpoint, "/_triggerfish/health")
    assert (status, document) == (200, {"status": "ready"})


def test_aws_requests_still_reach_the_providers(v2: Any) -> None:
    assert v2.get_account()["SendingEnabled"] is True


async def test_without_an_internal_api_internal_paths_are_404() -> None:
    app = EndpointApp()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Any) -> None:
        sent.append(dict(message))

    await app({"type": "http", "path": "/_triggerfish/ses/messages", "method": "GET", "headers": []}, receive, send)
    assert sent[0]["status"] == 404
    assert json.loads(sent[1]["body"])["error"] == "NotFound"
