"""DynamoDB, DynamoDB Streams and Kinesis through ``triggerfish up``, driven by boto3 as handler code and
users drive them (spec §7).

One app runs for the whole module, deployed from a small serverless.yml: a ``shop-orders`` table with a
``byStatus`` index; four tables whose streams (one per view type) feed ``viewer``; a ``clicks`` Kinesis
stream whose ``clicker`` fails on a poison record (bisect, one retry, an SQS on-failure destination); and
a ``meter`` stream summed by ``meter`` over tumbling windows.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Attr, Key
from botocore.config import Config
from botocore.exceptions import ClientError
from queue_reading import nothing_more, receive
from up_process import UpProcess

pytestmark = pytest.mark.slow  # the app runs in a subprocess

VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")


def _view_table(view: str) -> str:
    name = f"view-{view.lower().replace('_', '-')}"
    return f"""\
    {view.title().replace("_", "")}Table:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: {name}
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{{AttributeName: id, AttributeType: S}}]
        KeySchema: [{{AttributeName: id, KeyType: HASH}}]
        StreamSpecification: {{StreamViewType: {view}}}
"""


SERVERLESS_YML = (
    """\
service: shop
provider:
  name: aws
  runtime: python3.11
  timeout: 10
functions:
  viewer:
    handler: handler.viewer
    events:
"""
    + "".join(
        f"      - stream: {{type: dynamodb, arn: !GetAtt {v.title().replace('_', '')}Table.StreamArn, "
        "startingPosition: TRIM_HORIZON, batchSize: 1}\n"
        for v in VIEW_TYPES
    )
    + """\
  clicker:
    handler: handler.clicker
    events:
      - stream:
          type: kinesis
          arn: !GetAtt ClicksStream.Arn
          startingPosition: TRIM_HORIZON
          batchSize: 10
          maximumRetryAttempts: 1
          bisectBatchOnFunctionError: true
          destinations:
            onFailure: {arn: !GetAtt ClickFailures.Arn, type: sqs}
  meter:
    handler: handler.meter
    events:
      - stream:
          type: kinesis
          arn: !GetAtt MeterStream.Arn
          startingPosition: TRIM_HORIZON
          batchSize: 2
          tumblingWindowInSeconds: 3
resources:
  Resources:
    OrdersTable:
      Type: AWS::DynamoDB::Table
      Properties:
        TableName: shop-orders
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions:
          - {AttributeName: customer, AttributeType: S}
          - {AttributeName: placedAt, AttributeType: N}
          - {AttributeName: status, AttributeType: S}
        KeySchema:
          - {AttributeName: customer, KeyType: HASH}
          - {AttributeName: placedAt, KeyType: RANGE}
        GlobalSecondaryIndexes:
          - IndexName: byStatus
            KeySchema:
              - {AttributeName: status, KeyType: HASH}
              - {AttributeName: placedAt, KeyType: RANGE}
            Projection: {ProjectionType: ALL}
    ClicksStream:
      Type: AWS::Kinesis::Stream
      Properties: {Name: clicks, ShardCount: 1}
    MeterStream:
      Type: AWS::Kinesis::Stream
      Properties: {Name: meter, ShardCount: 1}
    ClickFailures:
      Type: AWS::SQS::Queue
      Properties: {QueueName: click-failures}
"""
    + "".join(_view_table(v) for v in VIEW_TYPES)
)

HANDLER = """\
import base64
import json


def viewer(event, context):
    for record in event["Records"]:
        change = record["dynamodb"]
        table = record["eventSourceARN"].split("/")[1]
        images = {name: change[name] for name in ("NewImage", "OldImage") if name in change}
        print("view", table, record["eventName"], change["StreamViewType"], json.dumps(change["Keys"]),
              json.dumps(images, sort_keys=True))


def clicker(event, context):
    data = [base64.b64decode(r["kinesis"]["data"]).decode() for r in event["Records"]]
    if "poison" in data:
        raise ValueError(f"poison in a batch of {len(data)}")
    print("clicks", " ".join(data))


def meter(event, context):
    state = dict(event["state"] or {})
    total = state.get("total", 0) + sum(int(base64.b64decode(r["kinesis"]["data"])) for r in event["Records"])
    if event["isFinalInvokeForWindow"]:
        print("meter final", state.get("total", 0), "invokes", state.get("invokes", 0))
        return {"state": {}}
    print("meter window", event["window"]["start"], "running", total)
    return {"state": {"total": total, "invokes": state.get("invokes", 0) + 1}}
"""


@pytest.fixture(scope="module")
def up(
    tmp_path_factory: pytest.TempPathFactory, triggerfish_command: list[str], command_environment: dict[str, str]
) -> Iterator[UpProcess]:
    app = tmp_path_factory.mktemp("shop")
    (app / "serverless.yml").write_text(SERVERLESS_YML)
    (app / "handler.py").write_text(HANDLER)
    process = UpProcess(triggerfish_command, command_environment, app, "--no-watch")
    try:
        process.wait_ready()
        yield process
    finally:
        process.close()


def resource(up: UpProcess) -> Any:
    return boto3.resource(
        "dynamodb",
        endpoint_url=up.endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 0}),
    )


def test_resource_queries_an_index_with_between_and_writes_conditionally(up: UpProcess) -> None:
    orders = resource(up).Table("shop-orders")
    with orders.batch_writer() as batch:
        for n in range(10):
            status = "open" if n % 2 == 0 else "shipped"
            batch.put_item(
                Item={"customer": f"c{n % 3}", "placedAt": 1000 + n, "status": status, "total": Decimal("9.5")}
            )
    found = orders.query(
        IndexName="byStatus",
        KeyConditionExpression=Key("status").eq("open") & Key("placedAt").between(1002, 1006),
        ScanIndexForward=False,
    )
    assert [int(item["placedAt"]) for item in found["Items"]] == [1006, 1004, 1002]
    assert found["Items"][0]["total"] == Decimal("9.5")

    # a conditional write that holds, then one that does not (the item comes back with the error)
    orders.update_item(
        Key={"customer": "c0", "placedAt": 1000},
        UpdateExpression="SET #s = :shipped ADD #v :one",
        ConditionExpression=Attr("status").eq("open"),
        ExpressionAttributeNames={"#s": "status", "#v": "version"},
        ExpressionAttributeValues={":shipped": "shipped", ":one": 1},
    )
    with pytest.raises(ClientError) as refused:
        orders.put_item(
            Item={"customer": "c0", "placedAt": 1000, "status": "open"},
            ConditionExpression=Attr("status").eq("open"),
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    error = refused.value.response
    assert error["Error"]["Code"] == "ConditionalCheckFailedException"
    assert error["Item"]["status"] == {"S": "shipped"} and error["Item"]["version"] == {"N": "1"}
    assert orders.get_item(Key={"customer": "c0", "placedAt": 1000})["Item"]["version"] == 1


def test_transactions_apply_all_or_nothing(up: UpProcess) -> None:
    client = up.client("dynamodb")
    key = {"customer": {"S": "tx"}, "placedAt": {"N": "1"}}
    client.put_item(TableName="shop-orders", Item={**key, "status": {"S": "open"}, "stock": {"N": "1"}})
    take = {
        "Update": {
            "TableName": "shop-orders",
            "Key": key,
            "UpdateExpression": "SET stock = stock - :one",
            "ConditionExpression": "stock >= :one",
            "ExpressionAttributeValues": {":one": {"N": "1"}},
        }
    }
    record = {"Put": {"TableName": "shop-orders", "Item": {"customer": {"S": "tx"}, "placedAt": {"N": "2"}}}}
    client.transact_write_items(TransactItems=[take, record])
    with pytest.raises(ClientError) as cancelled:
        client.transact_write_items(
            TransactItems=[take, {"Put": {**record["Put"], "Item": {**record["Put"]["Item"], "placedAt": {"N": "3"}}}}]
        )
    assert cancelled.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [reason["Code"] for reason in cancelled.value.response["CancellationReasons"]]
    assert reasons == ["ConditionalCheckFailed", "None"]
    items = client.query(
        TableName="shop-orders",
        KeyConditionExpression="customer = :c",
        ExpressionAttributeValues={":c": {"S": "tx"}},
    )["Items"]
    assert [(i["placedAt"]["N"], i.get("stock", {}).get("N")) for i in items] == [("1", "0"), ("2", None)]


def _views(up: UpProcess, table: str, count: int) -> list[tuple[str, str, dict[str, Any]]]:
    pattern = re.compile(rf"view {table} (\w+) (\w+) (\{{.*?\}}) (\{{.*\}})$", re.MULTILINE)
    deadline = time.monotonic() + 30
    while len(found := pattern.findall(up.text)) < count:
        assert time.monotonic() < deadline, up.text
        time.sleep(0.05)
    return [(name, view, json.loads(images)) for name, view, _keys, images in found]


def test_insert_modify_remove_reach_the_function_with_the_images_of_each_view_type(up: UpProcess) -> None:
    client = up.client("dynamodb")
    expected_images = {
        "KEYS_ONLY": [set(), set(), set()],
        "NEW_IMAGE": [{"NewImage"}, {"NewImage"}, set()],
        "OLD_IMAGE": [set(), {"OldImage"}, {"OldImage"}],
        "NEW_AND_OLD_IMAGES": [{"NewImage"}, {"NewImage", "OldImage"}, {"OldImage"}],
    }
    for view in VIEW_TYPES:
        table = f"view-{view.lower().replace('_', '-')}"
        client.put_item(TableName=table, Item={"id": {"S": "a"}, "n": {"N": "1"}})
        client.update_item(
            TableName=table,
            Key={"id": {"S": "a"}},
            UpdateExpression="SET n = n + :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )
        client.delete_item(TableName=table, Key={"id": {"S": "a"}})
        changes = _views(up, table, 3)
        assert [name for name, _, _ in changes] == ["INSERT", "MODIFY", "REMOVE"]
        assert all(v == view for _, v, _ in changes)
        assert [set(images) for _, _, images in changes] == expected_images[view]
        if view == "NEW_AND_OLD_IMAGES":
            modify = changes[1][2]
            assert (modify["OldImage"]["n"], modify["NewImage"]["n"]) == ({"N": "1"}, {"N": "2"})


def test_a_poison_record_is_bisected_out_to_the_failure_queue_while_the_rest_goes_through_in_order(
    up: UpProcess,
) -> None:
    kinesis = up.client("kinesis")
    data = [f"r{n}" for n in range(10)]
    data[6] = "poison"
    answer = kinesis.put_records(StreamName="clicks", Records=[{"Data": d.encode(), "PartitionKey": "p"} for d in data])
    assert answer["FailedRecordCount"] == 0
    poison_sequence = answer["Records"][6]["SequenceNumber"]
    sqs = up.client("sqs")
    (failure,) = receive(sqs, "click-failures", 1, timeout=60)
    record = json.loads(failure["Body"])
    assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert record["requestContext"]["functionArn"].endswith(":function:shop-dev-clicker")
    assert record["responseContext"]["functionError"] == "Unhandled"
    info = record["KinesisBatchInfo"]
    assert (info["batchSize"], info["startSequenceNumber"], info["endSequenceNumber"]) == (
        1,
        poison_sequence,
        poison_sequence,
    )
    assert info["streamArn"] == "arn:aws:kinesis:us-east-1:000000000000:stream/clicks"
    assert nothing_more(sqs, "click-failures")
    processed = " ".join(re.findall(r"clicks ([r0-9 ]+)$", up.text, re.MULTILINE)).split()
    assert processed == [d for d in data if d != "poison"]


def test_a_tumbling_window_carries_state_across_invocations(up: UpProcess) -> None:
    kinesis = up.client("kinesis")
    # one put: every record arrives at once, so all five fall in one window, read two at a time
    records = [{"Data": str(n).encode(), "PartitionKey": "m"} for n in (1, 2, 3, 4, 5)]
    kinesis.put_records(StreamName="meter", Records=records)
    up.wait_seen(r"meter final 15 invokes 3", timeout=60)
    running = [int(value) for value in re.findall(r"meter window \S+ running (\d+)", up.text)]
    assert running == [3, 10, 15]


def test_the_endpoint_reads_streams_as_the_sdks_do(up: UpProcess) -> None:
    kinesis = up.client("kinesis")
    kinesis.put_record(StreamName="clicks", Data=b"direct", PartitionKey="z")
    shard = kinesis.list_shards(StreamName="clicks")["Shards"][0]["ShardId"]
    iterator = kinesis.get_shard_iterator(StreamName="clicks", ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = kinesis.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert records[-1]["Data"] == b"direct" and records[-1]["PartitionKey"] == "z"

    streams = up.client("dynamodbstreams")
    arn = up.client("dynamodb").describe_table(TableName="view-keys-only")["Table"]["LatestStreamArn"]
    description = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert description["StreamViewType"] == "KEYS_ONLY" and description["StreamStatus"] == "ENABLED"
