"""Lambda Function URL events (spec §6.6)."""

from __future__ import annotations

from typing import Any

from triggerfish.core.payloads.function_url import IamCaller, function_url_event

_COMMON: dict[str, Any] = {
    "url_id": "abcdefghijklmnopqrstuvwxyz012345",
    "region": "us-west-2",
    "account": "123456789012",
    "method": "GET",
    "raw_path": "/",
    "time": 1659687279.885,
    "request_id": "deeb7e49-a9a8-4a8f-bcd1-5482231e2087",
    "source_ip": "123.123.123.123",
}


def test_an_open_url_names_the_account_anonymous_and_leaves_out_auth() -> None:
    event = function_url_event(**_COMMON, headers=[("User-Agent", "agent"), ("X-Forwarded-Proto", "https")])
    context = event["requestContext"]
    assert context["accountId"] == "anonymous"
    assert context["apiId"] == context["domainPrefix"] == "abcdefghijklmnopqrstuvwxyz012345"
    assert context["domainName"] == "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-west-2.on.aws"
    assert context["routeKey"] == context["stage"] == event["routeKey"] == "$default"
    assert context["time"] == "05/Aug/2022:08:14:39 +0000"
    assert context["timeEpoch"] == 1659687279885
    assert context["http"]["userAgent"] == "agent"
    for absent in ("authentication", "authorizer"):
        assert absent not in context
    for absent in ("pathParameters", "stageVariables", "body", "cookies", "queryStringParameters"):
        assert absent not in event
    assert event["headers"] == {"user-agent": "agent", "x-forwarded-proto": "https"}
    assert event["rawQueryString"] == ""
    assert event["isBase64Encoded"] is False


def test_an_iam_url_carries_the_signer_and_nulls() -> None:
    caller = IamCaller(
        access_key="AKIAEXAMPLE",
        account_id="111122223333",
        caller_id="AIDAEXAMPLE",
        user_arn="arn:aws:iam::111122223333:user/example-user",
        user_id="AIDAEXAMPLE",
    )
    event = function_url_event(**_COMMON, caller=caller, body="Hello from client!")
    context = event["requestContext"]
    assert context["accountId"] == "123456789012"
    assert context["authentication"] is None
    assert context["authorizer"] == {
        "iam": {
            "accessKey": "AKIAEXAMPLE",
            "accountId": "111122223333",
            "callerId": "AIDAEXAMPLE",
            "cognitoIdentity": None,
            "principalOrgId": None,
            "userArn": "arn:aws:iam::111122223333:user/example-user",
            "userId": "AIDAEXAMPLE",
        }
    }
    assert list(context)[:4] == ["accountId", "apiId", "authentication", "authorizer"]
    assert event["pathParameters"] is None
    assert event["stageVariables"] is None
    assert list(event)[-4:] == ["body", "pathParameters", "isBase64Encoded", "stageVariables"]


def test_cookies_and_query() -> None:
    event = function_url_event(
        **{**_COMMON, "method": "POST", "raw_path": "/my/path"},
        raw_query_string="parameter1=value1&parameter1=value2&parameter2=value",
        headers=[("Cookie", "cookie1"), ("Cookie", "cookie2"), ("Header2", "value1"), ("Header2", "value2")],
    )
    assert event["cookies"] == ["cookie1", "cookie2"]
    assert event["headers"] == {"header2": "value1,value2"}
    assert event["queryStringParameters"] == {"parameter1": "value1,value2", "parameter2": "value"}
    assert event["requestContext"]["http"]["path"] == event["rawPath"] == "/my/path"
    assert event["requestContext"]["http"]["userAgent"] == ""
