"""The ``rest-json`` protocol against botocore's own serializer and parser."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from wire_harness import WireClient, assert_contains

from triggerfish.aws.protocol import (
    Headers,
    HttpRequest,
    HttpResponse,
    MalformedRequest,
    UnknownOperation,
    error_response,
    load_service,
)
from triggerfish.aws.protocol import parse_request as parse
from triggerfish.core.errors import ResourceNotFound

ROLE = "arn:aws:iam::000000000000:role/r"
START = datetime(2030, 1, 1, 0, 0, tzinfo=UTC)
END = datetime(2030, 6, 30, 23, 59, 59, 500000, tzinfo=UTC)

FUNCTION_CONFIGURATION: dict[str, Any] = {
    "FunctionName": "fn",
    "FunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:fn",
    "Runtime": "python3.12",
    "Role": "arn:aws:iam::000000000000:role/r",
    "Handler": "app.handler",
    "CodeSize": 5_000_000_000,
    "Timeout": 30,
    "MemorySize": 512,
    "LastModified": "2025-03-04T05:06:07.123+0000",
    "Environment": {"Variables": {"A": "1", "EMPTY": ""}},
    "Layers": [],
    "Architectures": ["x86_64"],
    "EphemeralStorage": {"Size": 512},
    "State": "Active",
}

CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    (
        "lambda",
        "CreateFunction",
        {
            "FunctionName": "fn",
            "Runtime": "python3.12",
            "Role": "arn:aws:iam::000000000000:role/r",
            "Handler": "app.handler",
            "Code": {"ZipFile": b"PK\x03\x04 zip bytes \xff"},
            "Timeout": 30,
            "MemorySize": 512,
            "Publish": True,
            "Environment": {"Variables": {"A": "1", "EMPTY": ""}},
            "Tags": {"team": "core"},
            "Layers": [],
        },
        FUNCTION_CONFIGURATION,
    ),
    (
        "lambda",
        "Invoke",
        {
            "FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:fn:live",
            "InvocationType": "RequestResponse",
            "LogType": "Tail",
            "ClientContext": "eyJjdXN0b20iOnt9fQ==",
            "Payload": b'{"key": "value", "n": [1, 2]}',
            "Qualifier": "live",
        },
        {
            "StatusCode": 200,
            "FunctionError": "Unhandled",
            "LogResult": "U1RBUlQgUmVxdWVzdElk",
            "ExecutedVersion": "3",
            "Payload": b'{"errorMessage": "boom", "errorType": "ValueError"}',
        },
    ),
    (
        "lambda",
        "Invoke",
        {"FunctionName": "fn", "InvocationType": "Event", "Payload": b"{}"},
        {"StatusCode": 202},
    ),
    (
        "lambda",
        "ListFunctions",
        {"MaxItems": 50, "Marker": "m/1+2=", "FunctionVersion": "ALL"},
        {"Functions": [FUNCTION_CONFIGURATION], "NextMarker": "next"},
    ),
    ("lambda", "ListFunctions", {}, {"Functions": []}),
    (
        "lambda",
        "UpdateFunctionConfiguration",
        {
            "FunctionName": "fn",
            "Timeout": 900,
            "MemorySize": 10240,
            "Environment": {"Variables": {}},
            "Layers": ["arn:aws:lambda:us-east-1:000000000000:layer:l:1"],
            "DeadLetterConfig": {"TargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq"},
            "TracingConfig": {"Mode": "Active"},
        },
        FUNCTION_CONFIGURATION,
    ),
    (
        "lambda",
        "UntagResource",
        {"Resource": "arn:aws:lambda:us-east-1:000000000000:function:fn", "TagKeys": ["a", "b:c", "d e=+@"]},
        {},
    ),
    (
        "lambda",
        "PutFunctionEventInvokeConfig",
        {
            "FunctionName": "fn",
            "Qualifier": "$LATEST",
            "MaximumRetryAttempts": 0,
            "MaximumEventAgeInSeconds": 60,
            "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:000000000000:q"}},
        },
        {
            "LastModified": datetime(2025, 3, 4, 5, 6, 7, 250000, tzinfo=UTC),
            "FunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST",
            "MaximumRetryAttempts": 0,
        },
    ),
    (
        "scheduler",
        "CreateSchedule",
        {
            "Name": "nightly",
            "GroupName": "default",
            "ScheduleExpression": "cron(0 3 * * ? *)",
            "ScheduleExpressionTimezone": "Europe/Paris",
            "StartDate": START,
            "EndDate": END,
            "State": "ENABLED",
            "FlexibleTimeWindow": {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
            "Target": {
                "Arn": "arn:aws:lambda:us-east-1:000000000000:function:fn",
                "RoleArn": "arn:aws:iam::000000000000:role/r",
                "Input": '{"a": 1}',
                "RetryPolicy": {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185},
            },
            "ActionAfterCompletion": "DELETE",
            "ClientToken": "token-1",
        },
        {"ScheduleArn": "arn:aws:scheduler:us-east-1:000000000000:schedule/default/nightly"},
    ),
    (
        "scheduler",
        "GetSchedule",
        {"Name": "nightly", "GroupName": "g"},
        {
            "Arn": "arn:aws:scheduler:us-east-1:000000000000:schedule/g/nightly",
            "Name": "nightly",
            "StartDate": START,
            "EndDate": END,
            "CreationDate": datetime(2025, 1, 1, 0, 0, 0, 1000, tzinfo=UTC),
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {"Arn": "arn:fn", "RoleArn": "arn:role"},
        },
    ),
    (
        "apigatewayv2",
        "CreateRoute",
        {
            "ApiId": "a1b2c3",
            "RouteKey": "GET /items/{id}",
            "AuthorizationType": "NONE",
            "Target": "integrations/xyz",
            "ApiKeyRequired": False,
            "RequestParameters": {"route.request.querystring.q": {"Required": True}},
            "AuthorizationScopes": [],
        },
        {
            "RouteId": "r1",
            "RouteKey": "GET /items/{id}",
            "ApiKeyRequired": False,
            "ApiGatewayManaged": False,
            "RequestParameters": {"route.request.querystring.q": {"Required": True}},
        },
    ),
    (
        "apigatewayv2",
        "GetApis",
        {"MaxResults": "10", "NextToken": "t"},
        {
            "Items": [
                {
                    "ApiId": "a",
                    "Name": "n",
                    "ProtocolType": "HTTP",
                    "RouteSelectionExpression": "$request.method",
                    "CreatedDate": datetime(2025, 1, 1, tzinfo=UTC),
                    "Tags": {},
                }
            ]
        },
    ),
    (
        "apigateway",
        "GetExport",
        {
            "restApiId": "r",
            "stageName": "prod",
            "exportType": "oas30",
            "accepts": "application/json",
            "parameters": {"extensions": "apigateway", "x": ""},
        },
        {"contentType": "application/json", "body": b'{"openapi": "3.0.1"}'},
    ),
    (
        "lex-runtime",
        "PostContent",
        {
            "botName": "b",
            "botAlias": "a",
            "userId": "user:1",
            "contentType": "text/plain; charset=utf-8",
            "inputStream": b"hello bot",
            "sessionAttributes": {"k": "v", "n": 1},
            "requestAttributes": {"list": [1, "two"]},
        },
        {
            "intentName": "Greet",
            "slots": {"name": None, "x": "y"},
            "sessionAttributes": {},
            "dialogState": "Fulfilled",
        },
    ),
]


@pytest.mark.parametrize(
    ("service", "operation", "params", "result"),
    CASES,
    ids=[f"{service}.{op}-{index}" for index, (service, op, _, _) in enumerate(CASES)],
)
def test_round_trip(service: str, operation: str, params: dict[str, Any], result: dict[str, Any]) -> None:
    client = WireClient(service)
    parsed, response = client.call(operation, params, result)
    assert parsed.name == operation
    assert parsed.params == params
    assert_contains(result, response)


def test_status_codes_come_from_the_model_or_the_status_member() -> None:
    client = WireClient("lambda")
    client.call("CreateFunction", {"FunctionName": "f", "Role": ROLE, "Code": {}}, {"FunctionName": "f"})
    assert _status(client) == 201
    client.call("Invoke", {"FunctionName": "f", "InvocationType": "DryRun"}, {"StatusCode": 204})
    assert _status(client) == 204
    client.call("DeleteFunction", {"FunctionName": "f"}, {}, status=204)
    assert _status(client) == 204


def _status(client: WireClient) -> int:
    response = client.exchanges[-1].response
    assert response is not None
    return response.status


def test_invoke_payload_is_the_raw_body() -> None:
    client = WireClient("lambda")
    client.call("Invoke", {"FunctionName": "f", "Payload": b"not json at all"}, {"Payload": b"raw out"})
    exchange = client.exchanges[-1]
    assert exchange.request.body == b"not json at all"
    assert exchange.response is not None and exchange.response.body == b"raw out"
    assert exchange.response.status == 200


def test_greedy_labels_and_percent_encoding() -> None:
    client = WireClient("lambda")
    parsed, _ = client.call("GetFunction", {"FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:f:v1"})
    assert parsed.params == {"FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:f:v1"}
    assert "%3A" in client.exchanges[-1].request.path


@pytest.mark.parametrize(
    ("service", "operation", "params", "code", "status", "fields"),
    [
        ("lambda", "GetFunction", {"FunctionName": "f"}, "ResourceNotFoundException", 404, {}),
        (
            "lambda",
            "Invoke",
            {"FunctionName": "f"},
            "TooManyRequestsException",
            429,
            {"Reason": "ReservedFunctionConcurrentInvocationLimitExceeded", "retryAfterSeconds": "1"},
        ),
        ("lambda", "Invoke", {"FunctionName": "f"}, "RequestTooLargeException", 413, {}),
        (
            "lambda",
            "CreateFunction",
            {"FunctionName": "f", "Role": ROLE, "Code": {}},
            "InvalidParameterValueException",
            400,
            {},
        ),
        ("scheduler", "GetSchedule", {"Name": "s"}, "ResourceNotFoundException", 404, {}),
        ("apigatewayv2", "GetApi", {"ApiId": "a"}, "NotFoundException", 404, {"ResourceType": "Api"}),
    ],
)
def test_errors(
    service: str, operation: str, params: dict[str, Any], code: str, status: int, fields: dict[str, Any]
) -> None:
    client = WireClient(service)
    error = client.call_error(operation, params, code, "nope", fields=fields)
    assert type(error).__name__ == code
    assert error.response["Error"]["Code"] == code
    assert error.response["Error"]["Message"] == "nope"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert_contains(fields, error.response)
    response = client.exchanges[-1].response
    assert response is not None and response.headers["x-amzn-ErrorType"] == code


def test_lambda_errors_say_whose_fault() -> None:
    error = WireClient("lambda").call_error("GetFunction", {"FunctionName": "f"}, "ResourceNotFoundException", "x")
    assert error.response["Type"] == "User"
    assert error.response["Message"] == "x"
    error = WireClient("lambda").call_error("GetFunction", {"FunctionName": "f"}, "ServiceException", "y")
    assert error.response["Type"] == "Service"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_retry_after_travels_as_a_header() -> None:
    client = WireClient("lambda")
    client.call_error(
        "Invoke",
        {"FunctionName": "f"},
        "TooManyRequestsException",
        "Rate Exceeded.",
        fields={"retryAfterSeconds": "3", "Reason": "CallerRateLimitExceeded"},
    )
    response = client.exchanges[-1].response
    assert response is not None
    assert response.headers["Retry-After"] == "3"
    assert isinstance(response.body, bytes) and b"retryAfterSeconds" not in response.body


def _unvalidated(service: str) -> WireClient:
    return WireClient(service, config=Config(parameter_validation=False))


def test_enum_violation_matches_recorded_lambda_answer() -> None:
    error = _unvalidated("lambda").call_raising(
        "CreateFunctionUrlConfig", {"FunctionName": "f", "AuthType": "NONE", "InvokeMode": "UNKNOWN"}
    )
    assert error.response["Error"]["Code"] == "ValidationException"
    assert error.response["Error"]["Message"] == (
        "1 validation error detected: Value 'UNKNOWN' at 'invokeMode' failed to satisfy constraint: "
        "Member must satisfy enum value set: [BUFFERED, RESPONSE_STREAM]"
    )
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_uri_label_and_body_constraints() -> None:
    error = _unvalidated("lambda").call_raising("UpdateFunctionConfiguration", {"FunctionName": "f", "Timeout": 0})
    assert error.response["Error"]["Message"] == (
        "1 validation error detected: Value '0' at 'timeout' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


def test_missing_required_body_member() -> None:
    error = _unvalidated("scheduler").call_raising(
        "CreateSchedule",
        {"Name": "s", "ScheduleExpression": "rate(1 minute)", "FlexibleTimeWindow": {"Mode": "OFF"}},
    )
    assert error.response["Error"]["Code"] == "ValidationException"
    assert (
        "Value null at 'target' failed to satisfy constraint: Member must not be null"
        in (error.response["Error"]["Message"])
    )


def _request(method: str, path: str, body: bytes, query: str = "") -> HttpRequest:
    return HttpRequest(method, path, query, Headers({"Content-Type": "application/json"}), body)


def test_unparseable_lambda_body() -> None:
    request = _request("PUT", "/2015-03-31/functions/f/configuration", b"{oops")
    with pytest.raises(MalformedRequest) as caught:
        parse(load_service("lambda"), request)
    assert caught.value.code == "InvalidRequestContentException"
    assert caught.value.message.startswith("Could not parse request body into json: ")


def test_wrong_json_type() -> None:
    request = _request("PUT", "/2015-03-31/functions/f/configuration", b'{"Timeout": "thirty"}')
    with pytest.raises(MalformedRequest) as caught:
        parse(load_service("lambda"), request)
    assert "Expected a integer but found a string at 'Timeout'" in caught.value.message


def test_wrong_query_type() -> None:
    with pytest.raises(MalformedRequest):
        parse(load_service("lambda"), _request("GET", "/2015-03-31/functions", b"", "MaxItems=many"))


def test_no_route() -> None:
    with pytest.raises(UnknownOperation) as caught:
        parse(load_service("lambda"), _request("PATCH", "/2015-03-31/functions/f", b""))
    assert caught.value.code == "UnknownOperationException"


def test_service_errors_serialise_directly() -> None:
    client = WireClient("lambda")
    model = load_service("lambda")

    def reply(request: HttpRequest) -> HttpResponse:
        parsed = parse(model, request)
        failure = ResourceNotFound("Function not found: arn:aws:lambda:us-east-1:000000000000:function:f")
        return error_response(model, parsed.operation, failure, "rid")

    client.reply_with(reply)
    with pytest.raises(ClientError) as caught:
        client.client.get_function(FunctionName="f")
    assert type(caught.value).__name__ == "ResourceNotFoundException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert caught.value.response["Type"] == "User"
