"""The ``query`` protocol against botocore's own serializer and parser."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import pytest
from botocore.config import Config
from wire_harness import WireClient

from triggerfish.aws.protocol import (
    Headers,
    HttpRequest,
    MalformedRequest,
    UnknownOperation,
    load_service,
    parse_request,
)

CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    (
        "sns",
        "Publish",
        {
            "TopicArn": "arn:aws:sns:us-east-1:000000000000:orders",
            "Message": '{"default": "x"}',
            "Subject": "s",
            "MessageStructure": "json",
            "MessageAttributes": {
                "text": {"DataType": "String", "StringValue": "héllo"},
                "number": {"DataType": "Number", "StringValue": "1.5"},
                "bytes": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
                "list": {"DataType": "String.Array", "StringValue": '["a", "b"]'},
            },
        },
        {"MessageId": "m-1", "SequenceNumber": "10000000000000000001"},
    ),
    (
        "sns",
        "PublishBatch",
        {
            "TopicArn": "arn:aws:sns:us-east-1:000000000000:orders",
            "PublishBatchRequestEntries": [
                {
                    "Id": "1",
                    "Message": "a",
                    "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}},
                },
                {"Id": "2", "Message": "b", "MessageGroupId": "g"},
            ],
        },
        {
            "Successful": [{"Id": "1", "MessageId": "m-1"}],
            "Failed": [{"Id": "2", "Code": "InvalidParameter", "Message": "bad", "SenderFault": True}],
        },
    ),
    (
        "sns",
        "CreateTopic",
        {
            "Name": "orders.fifo",
            "Attributes": {"FifoTopic": "true", "DisplayName": "Orders & more <x>", "Policy": '{"a": 1}'},
            "Tags": [{"Key": "team", "Value": "core"}, {"Key": "empty", "Value": ""}],
        },
        {"TopicArn": "arn:aws:sns:us-east-1:000000000000:orders.fifo"},
    ),
    (
        "sns",
        "SetSubscriptionAttributes",
        {
            "SubscriptionArn": "arn:aws:sns:us-east-1:000000000000:orders:1",
            "AttributeName": "FilterPolicy",
            "AttributeValue": '{"store": ["example_corp"], "price": [{"numeric": [">=", 100]}]}',
        },
        {},
    ),
    (
        "sns",
        "GetTopicAttributes",
        {"TopicArn": "arn:aws:sns:us-east-1:000000000000:orders"},
        {"Attributes": {"TopicArn": "arn", "SubscriptionsConfirmed": "1", "Empty": ""}},
    ),
    ("sns", "GetTopicAttributes", {"TopicArn": "arn:t"}, {"Attributes": {}}),
    (
        "sns",
        "ListTopics",
        {"NextToken": "t"},
        {"Topics": [{"TopicArn": "arn:1"}, {"TopicArn": "arn:2"}], "NextToken": "n"},
    ),
    ("sns", "ListTopics", {}, {"Topics": []}),
    (
        "sns",
        "Subscribe",
        {
            "TopicArn": "arn:t",
            "Protocol": "sqs",
            "Endpoint": "arn:aws:sqs:us-east-1:000000000000:q",
            "Attributes": {"RawMessageDelivery": "true"},
            "ReturnSubscriptionArn": True,
        },
        {"SubscriptionArn": "arn:t:sub"},
    ),
    ("sns", "DeleteTopic", {"TopicArn": "arn:t"}, {}),
    (
        "ses",
        "SendEmail",
        {
            "Source": "from@example.com",
            "Destination": {
                "ToAddresses": ["a@example.com", "b@example.com"],
                "CcAddresses": [],
                "BccAddresses": [],
            },
            "Message": {
                "Subject": {"Data": "Hi", "Charset": "UTF-8"},
                "Body": {"Text": {"Data": "plain"}, "Html": {"Data": "<b>bold</b> & more"}},
            },
            "ReplyToAddresses": ["reply@example.com"],
            "Tags": [{"Name": "campaign", "Value": "spring"}],
        },
        {"MessageId": "0100-ses"},
    ),
    (
        "ses",
        "SendRawEmail",
        {
            "RawMessage": {"Data": b"From: a@example.com\r\nSubject: x\r\n\r\nbody\xff"},
            "Destinations": ["b@example.com"],
        },
        {"MessageId": "raw-1"},
    ),
    (
        "ses",
        "GetSendStatistics",
        {},
        {
            "SendDataPoints": [
                {
                    "Timestamp": datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC),
                    "DeliveryAttempts": 10,
                    "Bounces": 0,
                    "Complaints": 0,
                    "Rejects": 1,
                },
                {"Timestamp": datetime(2025, 1, 2, 3, 4, 5, 250000, tzinfo=UTC), "DeliveryAttempts": 3},
            ]
        },
    ),
    ("ses", "GetSendQuota", {}, {"Max24HourSend": 200.0, "MaxSendRate": 1.5, "SentLast24Hours": 0.0}),
    (
        "ses",
        "GetIdentityVerificationAttributes",
        {"Identities": ["example.com", "a@example.com"]},
        {
            "VerificationAttributes": {
                "example.com": {"VerificationStatus": "Success", "VerificationToken": "tok"},
                "a@example.com": {"VerificationStatus": "Pending"},
            }
        },
    ),
    (
        "ses",
        "SetIdentityHeadersInNotificationsEnabled",
        {"Identity": "example.com", "NotificationType": "Bounce", "Enabled": False},
        {},
    ),
    # SimpleDB: flattened lists whose items carry their own name, in and out (not a triggerfish
    # service; it exercises the generic rules)
    (
        "sdb",
        "BatchPutAttributes",
        {
            "DomainName": "d",
            "Items": [
                {"Name": "i1", "Attributes": [{"Name": "a", "Value": "1", "Replace": True}]},
                {"Name": "i2", "Attributes": [{"Name": "b", "Value": ""}, {"Name": "c", "Value": "x"}]},
            ],
        },
        {},
    ),
    (
        "sdb",
        "GetAttributes",
        {"DomainName": "d", "ItemName": "i1", "AttributeNames": ["a", "b"], "ConsistentRead": True},
        {"Attributes": [{"Name": "a", "Value": "1"}, {"Name": "b", "Value": "2"}]},
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
    assert response == result


def test_response_document_shape() -> None:
    client = WireClient("sns")
    client.call("CreateTopic", {"Name": "t"}, {"TopicArn": "arn:t"})
    response = client.exchanges[-1].response
    assert response is not None and isinstance(response.body, bytes)
    assert response.body.endswith(
        b'<CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
        b"<CreateTopicResult><TopicArn>arn:t</TopicArn></CreateTopicResult>"
        b"<ResponseMetadata><RequestId>4d0c3f27-9b1e-4d6e-8a0e-2f7f3a1c5b6d</RequestId></ResponseMetadata>"
        b"</CreateTopicResponse>"
    )
    assert response.headers["Content-Type"] == "text/xml"


def test_flattened_keys_as_botocore_sends_them() -> None:
    client = WireClient("sns")
    attributes = {"text": {"DataType": "String", "StringValue": "v"}}
    client.call("Publish", {"TopicArn": "t", "Message": "m", "MessageAttributes": attributes})
    body = client.exchanges[-1].request.body
    assert isinstance(body, bytes)
    form = dict(parse_qsl(body.decode()))
    assert form["MessageAttributes.entry.1.Name"] == "text"
    assert form["MessageAttributes.entry.1.Value.DataType"] == "String"
    assert form["Action"] == "Publish"


@pytest.mark.parametrize(
    ("service", "operation", "params", "code", "wire_code", "status"),
    [
        ("sns", "GetTopicAttributes", {"TopicArn": "arn:t"}, "NotFoundException", "NotFound", 404),
        ("sns", "GetTopicAttributes", {"TopicArn": "arn:t"}, "NotFound", "NotFound", 404),
        (
            "sns",
            "Publish",
            {"TopicArn": "t", "Message": "m"},
            "InvalidParameterException",
            "InvalidParameter",
            400,
        ),
        ("sns", "CreateTopic", {"Name": "t"}, "AuthorizationErrorException", "AuthorizationError", 403),
        (
            "ses",
            "SendEmail",
            {
                "Source": "a",
                "Destination": {"ToAddresses": ["b"]},
                "Message": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
            },
            "MessageRejected",
            "MessageRejected",
            400,
        ),
    ],
)
def test_errors(service: str, operation: str, params: dict[str, Any], code: str, wire_code: str, status: int) -> None:
    client = WireClient(service)
    error = client.call_error(operation, params, code, "Topic does not exist")
    assert error.response["Error"] == {"Code": wire_code, "Message": "Topic does not exist", "Type": "Sender"}
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert error.response["ResponseMetadata"]["RequestId"] == "4d0c3f27-9b1e-4d6e-8a0e-2f7f3a1c5b6d"


def test_server_fault_is_receiver() -> None:
    error = WireClient("sns").call_error("ListTopics", {}, "InternalError", "boom", status=500)
    assert error.response["Error"]["Type"] == "Receiver"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_unmodelled_fields_travel_inside_the_error() -> None:
    error = WireClient("sns").call_error("ListTopics", {}, "Throttling", "slow", status=400, fields={"Retry": 3})
    assert error.response["Error"]["Retry"] == "3"


def _unvalidated(service: str) -> WireClient:
    return WireClient(service, config=Config(parameter_validation=False))


def test_missing_required_member() -> None:
    error = _unvalidated("sns").call_raising("Publish", {"TopicArn": "t"})
    assert error.response["Error"] == {
        "Code": "ValidationError",
        "Type": "Sender",
        "Message": "1 validation error detected: Value null at 'message' failed to satisfy constraint: "
        "Member must not be null",
    }


def test_nested_violation_path_matches_recorded_sns_answer() -> None:
    # recorded from AWS: corpus/recorded/localstack-snapshots/sns/test_sns.snapshot.json
    entries = [{"Id": "1", "Message": "m", "MessageAttributes": {"attr1": {"StringValue": "v"}}}]
    error = _unvalidated("sns").call_raising("PublishBatch", {"TopicArn": "t", "PublishBatchRequestEntries": entries})
    assert error.response["Error"]["Message"] == (
        "1 validation error detected: Value null at "
        "'publishBatchRequestEntries.1.member.messageAttributes.attr1.member.dataType' "
        "failed to satisfy constraint: Member must not be null"
    )


def _form(body: str) -> HttpRequest:
    headers = Headers({"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    return HttpRequest("POST", "/", "", headers, body.encode())


def test_unknown_action() -> None:
    with pytest.raises(UnknownOperation) as caught:
        parse_request(load_service("sns"), _form("Action=Teleport&Version=2010-03-31"))
    assert caught.value.code == "InvalidAction"
    assert caught.value.message == "The action Teleport is not valid for this web service."


def test_missing_action() -> None:
    with pytest.raises(UnknownOperation) as caught:
        parse_request(load_service("sns"), _form("Version=2010-03-31"))
    assert caught.value.code == "MissingAction"


def test_bad_boolean() -> None:
    body = "Action=SetIdentityHeadersInNotificationsEnabled&Identity=x&NotificationType=Bounce&Enabled=maybe"
    with pytest.raises(MalformedRequest) as caught:
        parse_request(load_service("ses"), _form(body))
    assert caught.value.code == "InvalidParameterValue"


def test_parameters_in_the_query_string() -> None:
    request = HttpRequest("GET", "/", "Action=ListTopics&NextToken=abc", Headers(), b"")
    parsed = parse_request(load_service("sns"), request)
    assert parsed.name == "ListTopics"
    assert parsed.params == {"NextToken": "abc"}
