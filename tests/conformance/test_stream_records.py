"""The records a stream mapping hands a function, made end to end (a write to a table or a put to a stream,
the stream, the mapping, the invocation) and compared field for field with the corpus samples: the same
keys and JSON types everywhere, the same values apart from ids, times, sequence numbers and ARNs (spec §7.2,
§7.3)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from shapes import assert_same_shape

from triggerfish.app import App, Settings
from triggerfish.services.kinesis.records import PutEntry
from triggerfish.services.lambda_.records import Invocation

DATA = Path(__file__).parent / "data" / "events"
SCOPE = "000000000000/us-east-1"
#: fields whose values are the run's own: ids, times, sequence numbers and the resources' ARNs
RUN_OWN = {"eventID", "ApproximateCreationDateTime", "SequenceNumber", "eventSourceARN", "awsRegion"}
KINESIS_OWN = {"eventID", "sequenceNumber", "approximateArrivalTimestamp", "eventSourceARN", "awsRegion"}


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    app = App(Settings(data_dir=None, port=None))
    await app.start()
    code = tmp_path / "code"
    code.mkdir()
    (code / "echo.py").write_text("def handler(event, context):\n    return None\n")
    await app.lambda_.create_function("echo", handler="echo.handler", code_dir=code, timeout=30)
    try:
        yield app
    finally:
        await app.stop()


async def records_seen(app: App, count: int) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    arrived = asyncio.Event()

    def listen(invocation: Invocation) -> None:
        seen.extend(json.loads(invocation.event)["Records"])
        if len(seen) >= count:
            arrived.set()

    app.lambda_.invoker.add_listener(listen)
    await asyncio.wait_for(arrived.wait(), 30)
    return seen


def assert_like(built: dict[str, Any], sample: dict[str, Any], own: set[str]) -> None:
    assert_same_shape(built, sample)
    for key, value in sample.items():
        if key in own:
            continue
        if isinstance(value, dict):
            assert_like(built[key], value, own)
        else:
            assert built[key] == value, f"{key}: built {built[key]!r}, sample {value!r}"


async def test_dynamodb_stream_records_match_the_sample_insert_modify_remove(app: App) -> None:
    sample = load("aws-sam-cli/rendered/dynamodb/update.json")["Records"]
    created = await app.dynamodb.create_table(
        SCOPE,
        {
            "TableName": "ExampleTableWithStream",
            "KeySchema": [{"AttributeName": "Id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "Id", "AttributeType": "N"}],
            "BillingMode": "PAY_PER_REQUEST",
            "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        },
    )
    stream_arn = created["TableDescription"]["LatestStreamArn"]
    await app.lambda_.mappings.create("echo", stream_arn, batch_size=10, starting_position="TRIM_HORIZON")
    items, key = app.dynamodb.items, {"Id": {"N": "101"}}
    await items.put_item(SCOPE, {"TableName": "ExampleTableWithStream", "Item": {**key, "Message": {"S": "New item!"}}})
    await items.update_item(
        SCOPE,
        {
            "TableName": "ExampleTableWithStream",
            "Key": key,
            "UpdateExpression": "SET Message = :m",
            "ExpressionAttributeValues": {":m": {"S": "This item has changed"}},
        },
    )
    await items.delete_item(SCOPE, {"TableName": "ExampleTableWithStream", "Key": key})
    built = await records_seen(app, 3)
    for record, expected in zip(built, sample, strict=True):
        # SizeBytes, images and keys are equal to AWS's, not only of the same type
        assert_like(record, expected, RUN_OWN)
        assert record["eventSourceARN"] == stream_arn
    positions = [int(record["dynamodb"]["SequenceNumber"]) for record in built]
    assert positions == sorted(positions) and len(set(positions)) == 3


async def test_kinesis_records_match_the_sample(app: App) -> None:
    sample = load("powertools-lambda-python/kinesisStreamEvent.json")["Records"]
    await app.kinesis.create_stream(SCOPE, "lambda-stream", shard_count=1)
    arn = "arn:aws:kinesis:us-east-1:000000000000:stream/lambda-stream"
    await app.lambda_.mappings.create("echo", arn, batch_size=10, starting_position="TRIM_HORIZON")
    entries = [PutEntry(b"Hello, this is a test.", "1"), PutEntry(b"This is only a test.", "1")]
    await app.kinesis.put_records(SCOPE, "lambda-stream", entries)
    built = await records_seen(app, 2)
    function = app.lambda_.functions.get(SCOPE, "echo")
    for record, expected in zip(built, sample, strict=True):
        # invokeIdentityArn is the function's execution role, as on AWS
        assert_like(record, {**expected, "invokeIdentityArn": function.role}, KINESIS_OWN)
        assert record["eventSourceARN"] == arn
        shard, sequence = record["eventID"].split(":")
        assert shard == "shardId-000000000000" and sequence == record["kinesis"]["sequenceNumber"]
