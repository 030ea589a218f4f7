"""The gateway against the API Gateway and Function URL vectors recorded on AWS (``data/apigw/``, provenance in
``data/apigw/SOURCES.md``): every line of the three files.

Request to event: the recorded request is rebuilt as python-requests sent it (its default headers, spaces
percent-encoded, no #fragment) and served by the REST handler, header names in the client's own casing; the
event the function receives must equal the recorded one field by field, except:

- ``<placeholders>`` (ids, times, the host, the source address, the resource and deployment ids) match
  anything: they are volatile on AWS;
- the headers only AWS's edge adds (``CloudFront-*``, ``Via``, ``X-Amz-Cf-Id``) are absent locally, and the
  forwarding headers (``X-Amzn-Trace-Id``, ``X-Forwarded-For/-Port/-Proto``) carry local values: both sets are
  left out of the comparison on both sides.

Responses: the recorded Lambda result is returned by the function and the handler's response must have the
recorded status, body and the relevant headers (Content-Type and the function's own; the transport and
edge headers ``Connection``, ``Date``, ``Via``, ``X-Amz-Cf-*``, ``X-Cache`` are not ours to compare, and the
request ids are only checked to be there). Repeated header lines are joined with ``", "`` as the recording
client (python-requests) joined them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from shapes import assert_same_shape

from triggerfish.core.clock import VirtualClock
from triggerfish.gateway.function_url import FunctionUrlHandler
from triggerfish.gateway.request import Request
from triggerfish.gateway.response import Response
from triggerfish.gateway.rest_api import RestApiHandler
from triggerfish.services.apigateway.views import IntegrationView, MethodView, ResourceView, RestStageView
from triggerfish.services.lambda_.records import InvokeResult
from triggerfish.services.lambda_.service import Scope
from triggerfish.services.lambda_.url_config import FunctionUrlConfig

DATA = Path(__file__).parent / "data" / "apigw"
API_ID = "vectorapi1"
ACCOUNT = "111111111111"  # the account of the recordings
FUNCTION = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:vectors"
DEFAULT_SCOPE = Scope()
# python-requests' own headers, in the order it sends them
REQUESTS_DEFAULTS = [
    ("User-Agent", "python-requests/2.32.3"),
    ("Accept-Encoding", "gzip, deflate"),
    ("Accept", "*/*"),
    ("Connection", "keep-alive"),
]
EDGE_ONLY = ("cloudfront-", "via", "x-amz-cf-id", "x-amzn-trace-id", "x-forwarded-")
RESPONSE_IGNORED = frozenset({"connection", "date", "via", "x-cache", "x-amz-cf-id", "x-amz-cf-pop", "x-amzn-trace-id"})


async def _unused_respond(response: Response) -> None:
    raise AssertionError("no integration timeout happens here")


def _rows(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


class Function:
    """Invoke of one function that returns ``result``, or fails; the events it was given are kept."""

    def __init__(self, result: object = None, *, fails: bool = False) -> None:
        self.result = result
        self.fails = fails
        self.events: list[dict[str, Any]] = []

    async def invoke(self, function_name: str, payload: bytes = b"", *, scope: Scope = DEFAULT_SCOPE) -> InvokeResult:
        self.events.append(orjson.loads(payload))
        if self.fails:
            error = {"errorMessage": "Expecting value: line 1 column 1 (char 0)", "errorType": "JSONDecodeError"}
            return InvokeResult(200, "rid", orjson.dumps(error), "Unhandled")
        return InvokeResult(200, "rid", json.dumps(self.result).encode())


class Apis:
    def __init__(self, view: RestStageView) -> None:
        self.view = view

    def stage_view(self, api_id: str, stage_name: str) -> RestStageView | None:
        return self.view if (api_id, stage_name) == (API_ID, self.view.stage_name) else None

    def stage_names(self, api_id: str) -> tuple[str, ...]:
        return (self.view.stage_name,)

    def api_exists(self, api_id: str) -> bool:
        return api_id == API_ID


def _view(stage: str, integration_method: str = "POST") -> RestStageView:
    # api_setup of the recordings: ANY /{proxy+} and ANY /hardcoded, both Lambda proxy integrations
    integration = IntegrationView(
        type="AWS_PROXY",
        uri=f"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{FUNCTION}/invocations",
        http_method=integration_method,
    )
    method = MethodView("ANY", integration=integration)
    return RestStageView(
        api_id=API_ID,
        api_name="vectors",
        account=ACCOUNT,
        region="us-east-1",
        stage_name=stage,
        deployment_id="deployment",
        resources=(
            ResourceView("proxy", "/{proxy+}", {"ANY": method}),
            ResourceView("hardcoded", "/hardcoded", {"ANY": method}),
        ),
    )


def _sent(request: dict[str, Any]) -> Request:
    """The request as python-requests put it on the wire."""
    path_and_query = request["raw_path_and_query"].partition("#")[0].replace(" ", "%20")
    path, _, query = path_and_query.partition("?")
    headers = list(REQUESTS_DEFAULTS)
    for name, value in request["headers"].items():
        same = [index for index, (sent, _) in enumerate(headers) if sent.lower() == name.lower()]
        if same:
            headers[same[0]] = (headers[same[0]][0], value)
        else:
            headers.append((name, value))
    body = request["body"].encode() if request["body"] is not None else b""
    if body:
        headers.append(("Content-Length", str(len(body))))
    headers.insert(0, ("Host", f"{API_ID}.execute-api.us-east-1.amazonaws.com"))
    return Request(
        method=request["method"],
        path=path,
        query=query,
        headers=tuple((name.lower(), value) for name, value in headers),
        body=body,
        source_ip="198.51.100.7",
        host=f"{API_ID}.execute-api.us-east-1.amazonaws.com",
        port=443,
        scheme="https",
        header_names=tuple(name for name, _ in headers),
    )


def _without_edge(event: dict[str, Any]) -> dict[str, Any]:
    trimmed = dict(event)
    for member in ("headers", "multiValueHeaders"):
        if trimmed.get(member) is not None:
            trimmed[member] = {k: v for k, v in trimmed[member].items() if not k.lower().startswith(EDGE_ONLY)}
    return trimmed


def _event_rows() -> Iterator[Any]:
    for row in _rows("rest_v1_proxy_request_to_event.jsonl"):
        yield pytest.param(row, id=row["name"])


@pytest.mark.parametrize("row", list(_event_rows()))
async def test_rest_request_becomes_the_recorded_event(row: dict[str, Any]) -> None:
    recorded = row["recorded_event"]
    if "requestContext" not in recorded:
        # test_lambda_aws_proxy_integration_non_post_method: the Lambda proxy integration's own HTTP method is
        # GET instead of POST, and AWS answers with an error instead of invoking
        function = Function({"statusCode": 200})
        handler = RestApiHandler(Apis(_view("test", integration_method="GET")), function, VirtualClock())
        sent = _sent({"method": "GET", "raw_path_and_query": "/test/x", "headers": {}, "body": None})
        response = await handler.handle(API_ID, sent, _unused_respond)
        assert response.status == 500
        assert json.loads(response.body) == recorded
        assert function.events == []
        return
    function = Function({"statusCode": 200, "body": "{}"})
    handler = RestApiHandler(Apis(_view(row["api_setup"]["stage"])), function, VirtualClock())
    response = await handler.handle(API_ID, _sent(row["request"]), _unused_respond)
    assert response.status == 200
    [event] = function.events
    if isinstance(recorded["body"], dict):  # the recording parsed the JSON body; AWS sent the text
        recorded = {**recorded, "body": json.dumps(recorded["body"])}
    assert_same_shape(_without_edge(event), _without_edge(recorded), values=True)


def _joined(response: Response) -> dict[str, str]:
    """Header lines as the recording client saw them: one entry per name, repeated lines joined by ", "."""
    joined: dict[str, tuple[str, list[str]]] = {}
    for raw_name, raw_value in response.headers:
        name = raw_name.decode()
        joined.setdefault(name.lower(), (name, []))[1].append(raw_value.decode())
    return {name: ", ".join(values) for name, values in joined.values()}


def _content(body: bytes, recorded: object) -> object:
    if isinstance(recorded, dict | list):
        return json.loads(body)
    return body.decode()


def _response_rows() -> Iterator[Any]:
    for row in _rows("rest_v1_proxy_response_mapping.jsonl"):
        yield pytest.param(row, id=row["name"])


@pytest.mark.parametrize("row", list(_response_rows()))
async def test_rest_lambda_result_becomes_the_recorded_response(row: dict[str, Any]) -> None:
    # the one row whose handler raised (a function error, not a returned null) says so in a note
    function = Function(row["lambda_result"], fails="function error" in row.get("lambda_result_note", ""))
    handler = RestApiHandler(Apis(_view("test")), function, VirtualClock())
    request = _sent({"method": "POST", "raw_path_and_query": "/test/validation", "headers": {}, "body": None})
    response = await handler.handle(API_ID, request, _unused_respond)
    recorded = row["recorded_response"]
    assert response.status == row["expected_status"]
    assert _content(response.body, recorded["content"]) == recorded["content"]
    headers = _joined(response)
    assert "x-amzn-RequestId" in headers and "x-amz-apigw-id" in headers
    for name, value in recorded.get("headers", {}).items():
        lowered = name.lower()
        if lowered in RESPONSE_IGNORED or lowered in ("x-amzn-requestid", "x-amz-apigw-id"):
            continue
        if lowered == "content-length":
            assert int(value) == len(response.body)
            continue
        assert headers.get(name) == value, name


class Urls:
    def __init__(self, config: FunctionUrlConfig) -> None:
        self.config = config

    def lookup(self, url_id: str) -> FunctionUrlConfig | None:
        return self.config if url_id == self.config.url_id else None

    def allows_unauthenticated(self, config: FunctionUrlConfig) -> bool:
        return True

    def allows_caller(self, config: FunctionUrlConfig, account: str) -> bool:
        return True


def _url_rows() -> Iterator[Any]:
    for index, row in enumerate(_rows("function_url_response_mapping.jsonl")):
        yield pytest.param(row, id=f"{index}-{row['name']}")


@pytest.mark.parametrize("row", list(_url_rows()))
async def test_function_url_result_becomes_the_recorded_response(row: dict[str, Any]) -> None:
    config = FunctionUrlConfig("u" * 32, "vectors", ACCOUNT, "us-east-1", None, "NONE")
    raised = "recorded" in row  # test_lambda_url_invocation_exception: the handler raised
    function = Function(row["lambda_result"], fails=raised)
    handler = FunctionUrlHandler(Urls(config), function, VirtualClock(), None)
    sent = row.get("request", {"method": "GET", "path_and_query": "/", "body": None})
    path, _, query = sent["path_and_query"].partition("?")
    body = (sent.get("body") or "").encode()
    request = Request(sent["method"], path, query, (("host", "x"),), body, "198.51.100.7", "x", 443, "https")
    response = await handler.handle(config.url_id, request)
    headers = {name.lower(): value for name, value in _joined(response).items()}
    if raised:
        # spec §6.6 [obs]: a function error is a plain-text 502
        assert (response.status, response.body) == (502, b"Internal Server Error")
    elif "recorded_response" in row:
        recorded = row["recorded_response"]
        assert response.status == recorded["statuscode"]
        assert _content(response.body, recorded["content"]) == recorded["content"]
        assert headers["content-type"] == recorded["headers"]["Content-Type"]
        assert len(response.body) == int(recorded["headers"]["Content-Length"])
    else:
        expected = row["expected_response"]
        assert response.status == expected["status"]
        if "body_json" in expected:
            assert json.loads(response.body) == expected["body_json"]
        if "body_text" in expected:
            assert response.body.decode() == expected["body_text"]
        for name, value in expected.get("headers_include", {}).items():
            assert headers[name.lower()] == value
