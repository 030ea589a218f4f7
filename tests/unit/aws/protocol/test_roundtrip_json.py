"""The ``json`` protocol against botocore's own serializer and parser."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.config import Config
from wire_harness import WireClient, assert_contains

from triggerfish.aws.protocol import Headers, HttpRequest, MalformedRequest, UnknownOperation, load_service
from triggerfish.aws.protocol import parse_request as parse

NESTED_ITEM: dict[str, Any] = {
    "pk": {"S": "user#1"},
    "count": {"N": "42"},
    "ratio": {"N": "0.125"},
    "blob": {"B": b"\x00\xff\x10"},
    "blobs": {"BS": [b"a", b"\x00"]},
    "tags": {"SS": ["a", "b"]},
    "nums": {"NS": ["1", "2.5"]},
    "flag": {"BOOL": False},
    "nothing": {"NULL": True},
    "empty_list": {"L": []},
    "empty_map": {"M": {}},
    "profile": {"M": {"name": {"S": "Ada"}, "langs": {"L": [{"S": "py"}, {"M": {"n": {"N": "1"}}}]}}},
}

WHEN = datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)
WHOLE_SECOND = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)

CASES: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    (
        "sqs",
        "SendMessage",
        {
            "QueueUrl": "http://localhost:4566/000000000000/orders",
            "MessageBody": "hello ünïcode",
            "DelaySeconds": 5,
            "MessageAttributes": {
                "plain": {"DataType": "String", "StringValue": "v"},
                "raw": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xfe"},
                "num": {"DataType": "Number.int", "StringValue": "7"},
            },
            "MessageSystemAttributes": {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-x"}},
            "MessageGroupId": "g",
            "MessageDeduplicationId": "d",
        },
        {
            "MessageId": "m-1",
            "MD5OfMessageBody": "abc",
            "MD5OfMessageAttributes": "def",
            "SequenceNumber": "1",
        },
    ),
    (
        "sqs",
        "ReceiveMessage",
        {
            "QueueUrl": "http://localhost:4566/000000000000/orders",
            "MaxNumberOfMessages": 10,
            "WaitTimeSeconds": 0,
            "VisibilityTimeout": 30,
            "MessageAttributeNames": ["All"],
            "MessageSystemAttributeNames": ["SentTimestamp", "ApproximateReceiveCount"],
        },
        {
            "Messages": [
                {
                    "MessageId": "m-1",
                    "ReceiptHandle": "rh",
                    "MD5OfBody": "x",
                    "Body": "{}",
                    "Attributes": {"SentTimestamp": "1700000000000", "ApproximateReceiveCount": "1"},
                    "MessageAttributes": {
                        "raw": {"DataType": "Binary", "BinaryValue": b"\x00", "StringListValues": []},
                    },
                }
            ]
        },
    ),
    ("sqs", "ReceiveMessage", {"QueueUrl": "http://q/1/empty"}, {}),
    ("sqs", "ReceiveMessage", {"QueueUrl": "http://q/1/empty"}, {"Messages": []}),
    (
        "events",
        "PutEvents",
        {
            "Entries": [
                {
                    "Time": WHEN,
                    "Source": "app.orders",
                    "Resources": ["arn:aws:s3:::b"],
                    "DetailType": "Order Placed",
                    "Detail": '{"id": 1, "nested": {"ok": true}}',
                    "EventBusName": "default",
                },
                {"Time": WHOLE_SECOND, "Source": "app.x", "DetailType": "t", "Detail": "{}"},
            ]
        },
        {"FailedEntryCount": 0, "Entries": [{"EventId": "e-1"}, {"ErrorCode": "E", "ErrorMessage": "m"}]},
    ),
    (
        "events",
        "ListRules",
        {"NamePrefix": "r", "Limit": 10},
        {"Rules": [], "NextToken": "n"},
    ),
    (
        "dynamodb",
        "PutItem",
        {
            "TableName": "users",
            "Item": NESTED_ITEM,
            "ReturnValues": "ALL_OLD",
            "ConditionExpression": "attribute_not_exists(pk)",
            "ExpressionAttributeNames": {"#n": "name"},
        },
        {
            "Attributes": NESTED_ITEM,
            "ConsumedCapacity": {"TableName": "users", "CapacityUnits": 1.5, "Table": {"CapacityUnits": 0.5}},
        },
    ),
    (
        "dynamodb",
        "Query",
        {
            "TableName": "users",
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": {":pk": {"S": "user#1"}},
            "Limit": 25,
            "ScanIndexForward": False,
            "ConsistentRead": True,
            "ExclusiveStartKey": {"pk": {"S": "user#0"}},
        },
        {"Items": [NESTED_ITEM, {"pk": {"S": "2"}}], "Count": 2, "ScannedCount": 3, "LastEvaluatedKey": {}},
    ),
    (
        "dynamodb",
        "DescribeTable",
        {"TableName": "users"},
        {
            "Table": {
                "TableName": "users",
                "CreationDateTime": WHEN,
                "ItemCount": 12345678901,
                "LatestStreamArn": "arn:aws:dynamodb:us-east-1:000000000000:table/users/stream/x",
                "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
            }
        },
    ),
    (
        "dynamodbstreams",
        "GetRecords",
        {"ShardIterator": "it", "Limit": 100},
        {
            "Records": [
                {
                    "eventID": "1",
                    "eventName": "MODIFY",
                    "dynamodb": {
                        "ApproximateCreationDateTime": WHOLE_SECOND,
                        "Keys": {"pk": {"S": "a"}},
                        "NewImage": NESTED_ITEM,
                        "SequenceNumber": "100",
                        "SizeBytes": 26,
                        "StreamViewType": "NEW_AND_OLD_IMAGES",
                    },
                }
            ],
            "NextShardIterator": "next",
        },
    ),
    (
        "kinesis",
        "PutRecords",
        {
            "StreamName": "clicks",
            "Records": [
                {"Data": b"\x00\x01binary\xff", "PartitionKey": "p1"},
                {"Data": b"", "PartitionKey": "p2", "ExplicitHashKey": "123"},
            ],
        },
        {
            "FailedRecordCount": 1,
            "Records": [
                {"SequenceNumber": "495", "ShardId": "shardId-000000000000"},
                {"ErrorCode": "ProvisionedThroughputExceededException", "ErrorMessage": "slow down"},
            ],
            "EncryptionType": "NONE",
        },
    ),
    (
        "kinesis",
        "GetRecords",
        {"ShardIterator": "it", "Limit": 10},
        {
            "Records": [
                {
                    "SequenceNumber": "1",
                    "ApproximateArrivalTimestamp": datetime(2025, 3, 4, 5, 6, 7, 125000, tzinfo=UTC),
                    "Data": b'{"k": 1}',
                    "PartitionKey": "p",
                }
            ],
            "MillisBehindLatest": 0,
            "NextShardIterator": "n",
        },
    ),
    (
        "logs",
        "PutLogEvents",
        {
            "logGroupName": "/aws/lambda/fn",
            "logStreamName": "2025/03/04/[$LATEST]abc",
            "logEvents": [{"timestamp": 1741064767123, "message": "START RequestId: x"}],
        },
        {"nextSequenceToken": "t", "rejectedLogEventsInfo": {"tooNewLogEventStartIndex": 1}},
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


def test_floats_and_timestamps_keep_their_json_types() -> None:
    client = WireClient("events")
    client.call("PutEvents", {"Entries": [{"Time": WHEN, "Source": "s", "DetailType": "d", "Detail": "{}"}]})
    body = client.exchanges[-1].request.body
    assert isinstance(body, bytes)
    assert b'"Time": 1741064767.123456' in body


def test_dynamodb_responses_carry_a_crc32_botocore_checks() -> None:
    client = WireClient("dynamodb")
    client.call("GetItem", {"TableName": "t", "Key": {"pk": {"S": "a"}}}, {"Item": {"pk": {"S": "a"}}})
    response = client.exchanges[-1].response
    assert response is not None and "x-amz-crc32" in response.headers


def test_sqs_error_names_the_legacy_code_in_a_header() -> None:
    client = WireClient("sqs")
    error = client.call_error(
        "GetQueueUrl", {"QueueName": "nope"}, "QueueDoesNotExist", "The specified queue does not exist."
    )
    assert type(error).__name__ == "QueueDoesNotExist"
    assert error.response["Error"] == {
        "Code": "AWS.SimpleQueueService.NonExistentQueue",
        "QueryErrorCode": "QueueDoesNotExist",
        "Message": "The specified queue does not exist.",
        "Type": "Sender",
    }
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    response = client.exchanges[-1].response
    assert response is not None
    assert response.headers["x-amzn-query-error"] == "AWS.SimpleQueueService.NonExistentQueue;Sender"


def test_sqs_error_given_by_its_legacy_code() -> None:
    client = WireClient("sqs")
    error = client.call_error("CreateQueue", {"QueueName": "q"}, "QueueAlreadyExists", "exists")
    assert type(error).__name__ == "QueueNameExists"
    assert error.response["Error"]["Code"] == "QueueAlreadyExists"


@pytest.mark.parametrize(
    ("service", "operation", "params", "code", "status", "fields"),
    [
        (
            "dynamodb",
            "PutItem",
            {"TableName": "t", "Item": {}},
            "ConditionalCheckFailedException",
            400,
            {"Item": {"pk": {"S": "old"}}},
        ),
        ("dynamodb", "GetItem", {"TableName": "t", "Key": {}}, "ResourceNotFoundException", 400, {}),
        ("kinesis", "DescribeStream", {"StreamName": "s"}, "ResourceNotFoundException", 400, {}),
        ("events", "DescribeRule", {"Name": "r"}, "ResourceNotFoundException", 400, {}),
        ("logs", "DescribeLogStreams", {"logGroupName": "g"}, "ResourceNotFoundException", 400, {}),
        (
            "kinesis",
            "PutRecord",
            {"StreamName": "s", "Data": b"x", "PartitionKey": "p"},
            "InternalFailureException",
            500,
            {},
        ),
    ],
)
def test_errors(
    service: str, operation: str, params: dict[str, Any], code: str, status: int, fields: dict[str, Any]
) -> None:
    client = WireClient(service)
    error = client.call_error(operation, params, code, "it went wrong", status=status, fields=fields)
    assert type(error).__name__ == code
    assert error.response["Error"]["Code"] == code
    assert error.response["Error"]["Message"] == "it went wrong"
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert_contains(fields, error.response)


def _unvalidated(service: str) -> WireClient:
    return WireClient(service, config=Config(parameter_validation=False))


def test_missing_required_member_sqs_names_the_parameter() -> None:
    error = _unvalidated("sqs").call_raising("SendMessage", {"QueueUrl": "http://q/1/q"})
    assert error.response["Error"]["Code"] == "MissingParameter"
    assert error.response["Error"]["Message"] == "The request must contain the parameter MessageBody."


def test_constraint_violations_are_listed_like_aws() -> None:
    # the wording of a real CloudWatch Logs answer, quoted in SDK issue reports
    error = _unvalidated("logs").call_raising("DescribeLogGroups", {"logGroupNamePrefix": ""})
    assert type(error).__name__ == "InvalidParameterException"
    assert error.response["Error"] == {
        "Code": "InvalidParameterException",
        "Message": "2 validation errors detected: "
        "Value '' at 'logGroupNamePrefix' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+; "
        "Value '' at 'logGroupNamePrefix' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
    }


def test_numeric_range() -> None:
    error = _unvalidated("dynamodb").call_raising("Query", {"TableName": "t", "Limit": 0})
    assert error.response["Error"] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1",
    }


def test_nested_list_member_path() -> None:
    records = [{"Data": b"x", "PartitionKey": "p"}, {"Data": b"x", "PartitionKey": "k" * 257}]
    error = _unvalidated("kinesis").call_raising("PutRecords", {"StreamName": "s", "Records": records})
    assert error.response["Error"]["Code"] == "ValidationException"
    assert error.response["Error"]["Message"] == (
        f"1 validation error detected: Value '{'k' * 257}' at 'records.2.member.partitionKey' "
        "failed to satisfy constraint: Member must have length less than or equal to 256"
    )


def test_missing_required_list_item_member() -> None:
    entries = [{"Id": "1"}]
    error = _unvalidated("events").call_raising("PutTargets", {"Rule": "r", "Targets": entries})
    assert error.response["Error"]["Message"] == (
        "1 validation error detected: Value null at 'targets.1.member.arn' "
        "failed to satisfy constraint: Member must not be null"
    )


def _raw(service: str, target: str, body: bytes) -> HttpRequest:
    model = load_service(service)
    prefix = model.metadata["targetPrefix"]
    headers = Headers({"X-Amz-Target": f"{prefix}.{target}", "Content-Type": "application/x-amz-json-1.0"})
    return HttpRequest("POST", "/", "", headers, body)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (b"{not json", "Could not parse the request body as JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"TableName": 5, "Key": {}}', "Expected a string but found a number at 'TableName'"),
        (b'{"TableName": "t", "Key": {"k": {"B": "***"}}}', "not valid base64"),
        (b'{"TableName": "t", "Key": [], "ConsistentRead": "yes"}', "Expected an object"),
    ],
)
def test_malformed_bodies(body: bytes, detail: str) -> None:
    with pytest.raises(MalformedRequest) as caught:
        parse(load_service("dynamodb"), _raw("dynamodb", "GetItem", body))
    assert caught.value.code == "SerializationException"
    assert detail in caught.value.message


def test_unknown_operation() -> None:
    with pytest.raises(UnknownOperation) as caught:
        parse(load_service("sqs"), _raw("sqs", "FlyToTheMoon", b"{}"))
    assert caught.value.code == "UnknownOperationException"
    assert caught.value.operation == "FlyToTheMoon"


def test_empty_body_means_no_parameters() -> None:
    parsed = parse(load_service("sqs"), _raw("sqs", "ListQueues", b""))
    assert parsed.params == {}
