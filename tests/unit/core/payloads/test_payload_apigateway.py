"""API Gateway proxy events: REST payload 1.0 (spec §6.1) and HTTP API payload 2.0 (§6.2)."""

from __future__ import annotations

from typing import Any

from triggerfish.core.payloads.apigateway import http_api_event, rest_api_event

_REST: dict[str, Any] = {
    "method": "GET",
    "path": "/proxy-value/",
    "resource": "/{proxy+}",
    "stage": "stage",
    "account": "111111111111",
    "api_id": "abc123",
    "region": "us-east-1",
    "time": 1583349317.135,
    "request_id": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
    "extended_request_id": "TWegAcC4EowCHnA=",
    "resource_id": "roq9wj",
    "deployment_id": "dep123",
    "source_ip": "192.0.2.1",
}
_HTTP: dict[str, Any] = {
    "method": "POST",
    "raw_path": "/my/path",
    "account": "123456789012",
    "api_id": "api-id",
    "region": "us-east-1",
    "time": 1583349317.135,
    "request_id": "JKJaXmPLvHcESHA=",
    "source_ip": "192.0.2.1",
}


def test_rest_event_without_query_body_or_stage_variables_has_nulls() -> None:
    event = rest_api_event(**_REST, headers=[("User-Agent", "agent/1"), ("tEsT-HEADeR", "aValUE")])
    assert "version" not in event
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None
    assert event["stageVariables"] is None
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    # header names keep the client's casing
    assert event["headers"] == {"User-Agent": "agent/1", "tEsT-HEADeR": "aValUE"}
    assert event["multiValueHeaders"] == {"User-Agent": ["agent/1"], "tEsT-HEADeR": ["aValUE"]}


def test_rest_event_with_no_headers_at_all() -> None:
    event = rest_api_event(**_REST)
    assert event["headers"] is None
    assert event["multiValueHeaders"] is None
    assert event["requestContext"]["identity"]["userAgent"] is None


def test_rest_repeated_values_keep_the_last_in_the_single_value_map() -> None:
    event = rest_api_event(
        **_REST,
        headers=[("Accept", "a"), ("Accept", "b")],
        query=[("q", "1"), ("q", "2"), ("x", "")],
    )
    assert event["headers"] == {"Accept": "b"}
    assert event["multiValueHeaders"] == {"Accept": ["a", "b"]}
    assert event["queryStringParameters"] == {"q": "2", "x": ""}
    assert event["multiValueQueryStringParameters"] == {"q": ["1", "2"], "x": [""]}


def test_rest_request_context() -> None:
    event = rest_api_event(
        **_REST,
        headers=[("user-agent", "python-requests/testing")],
        path_parameters={"proxy": "proxy-value"},
        stage_variables={"env": "test"},
        body="hello",
    )
    context = event["requestContext"]
    assert context["path"] == "/stage/proxy-value/"
    assert context["resourcePath"] == "/{proxy+}"
    assert context["requestTime"] == "04/Mar/2020:19:15:17 +0000"
    assert context["requestTimeEpoch"] == 1583349317135
    assert context["domainName"] == "abc123.execute-api.us-east-1.amazonaws.com"
    assert context["domainPrefix"] == "abc123"
    assert context["identity"]["sourceIp"] == "192.0.2.1"
    assert context["identity"]["userAgent"] == "python-requests/testing"
    assert context["identity"]["accessKey"] is None
    assert "authorizer" not in context
    assert event["pathParameters"] == {"proxy": "proxy-value"}
    assert event["stageVariables"] == {"env": "test"}
    assert event["body"] == "hello"
    assert list(event) == [
        "resource",
        "path",
        "httpMethod",
        "headers",
        "multiValueHeaders",
        "queryStringParameters",
        "multiValueQueryStringParameters",
        "pathParameters",
        "stageVariables",
        "requestContext",
        "body",
        "isBase64Encoded",
    ]


def test_rest_authorizer_output_sits_after_the_api_id() -> None:
    context = rest_api_event(**_REST, authorizer={"principalId": "admin", "integrationLatency": 0})["requestContext"]
    assert context["authorizer"] == {"principalId": "admin", "integrationLatency": 0}
    assert list(context)[:3] == ["accountId", "apiId", "authorizer"]


def test_rest_custom_domain() -> None:
    context = rest_api_event(**_REST, domain_name="api.example.com")["requestContext"]
    assert context["domainName"] == "api.example.com"
    assert context["domainPrefix"] == "api"


def test_http_event_folds_headers_cookies_and_query() -> None:
    event = http_api_event(
        **_HTTP,
        raw_query_string="parameter1=value1&parameter1=value2&parameter2=value",
        headers=[
            ("Header1", "value1"),
            ("Header2", "value1"),
            ("header2", "value2"),
            ("Cookie", "cookie1; cookie2"),
            ("User-Agent", "agent"),
        ],
        body="Hello from Lambda",
    )
    assert event["headers"] == {"header1": "value1", "header2": "value1,value2", "user-agent": "agent"}
    assert event["cookies"] == ["cookie1", "cookie2"]
    assert event["queryStringParameters"] == {"parameter1": "value1,value2", "parameter2": "value"}
    assert event["rawQueryString"] == "parameter1=value1&parameter1=value2&parameter2=value"
    assert event["requestContext"]["http"] == {
        "method": "POST",
        "path": "/my/path",
        "protocol": "HTTP/1.1",
        "sourceIp": "192.0.2.1",
        "userAgent": "agent",
    }
    assert event["body"] == "Hello from Lambda"
    assert list(event) == [
        "version",
        "routeKey",
        "rawPath",
        "rawQueryString",
        "cookies",
        "headers",
        "queryStringParameters",
        "requestContext",
        "body",
        "isBase64Encoded",
    ]


def test_http_event_leaves_out_empty_optional_members() -> None:
    event = http_api_event(**_HTTP)
    for absent in ("cookies", "queryStringParameters", "body", "pathParameters", "stageVariables"):
        assert absent not in event
    assert event["headers"] == {}
    assert "authentication" not in event["requestContext"]
    assert "authorizer" not in event["requestContext"]
    assert event["version"] == "2.0"
    assert event["routeKey"] == event["requestContext"]["routeKey"] == "$default"
    assert event["requestContext"]["stage"] == "$default"


def test_http_event_request_context() -> None:
    event = http_api_event(
        **_HTTP,
        route_key="POST /my/{id}",
        stage="prod",
        path_parameters={"id": "7"},
        stage_variables={"v": "1"},
        authorizer={"jwt": {"claims": {"sub": "me"}, "scopes": None}},
        is_base64_encoded=True,
        body="aGk=",
    )
    context = event["requestContext"]
    assert context["time"] == "04/Mar/2020:19:15:17 +0000"
    assert context["timeEpoch"] == 1583349317135
    assert context["routeKey"] == event["routeKey"] == "POST /my/{id}"
    assert context["stage"] == "prod"
    assert context["authorizer"] == {"jwt": {"claims": {"sub": "me"}, "scopes": None}}
    assert context["domainName"] == "api-id.execute-api.us-east-1.amazonaws.com"
    assert context["domainPrefix"] == "api-id"
    assert event["pathParameters"] == {"id": "7"}
    assert event["stageVariables"] == {"v": "1"}
    assert event["isBase64Encoded"] is True
    assert list(event)[-3:] == ["pathParameters", "isBase64Encoded", "stageVariables"]


def test_http_event_decodes_query_values() -> None:
    event = http_api_event(**_HTTP, raw_query_string="q=a%20b&flag&e=%C3%A9")
    assert event["queryStringParameters"] == {"q": "a b", "flag": "", "e": "\u00e9"}
    assert event["rawQueryString"] == "q=a%20b&flag&e=%C3%A9"
