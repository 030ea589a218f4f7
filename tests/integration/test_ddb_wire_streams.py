"""DynamoDB Streams with boto3 over real HTTP: item changes committed through the engine, read back with
ListStreams, DescribeStream, GetShardIterator and GetRecords (binary images, paging, errors)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from botocore.exceptions import ClientError
from endpoint_thread import EndpointThread, Stop

from triggerfish.aws.providers.base import Provider
from triggerfish.aws.providers.dynamodbstreams import DynamoDBStreamsProvider
from triggerfish.core.clock import SystemClock
from triggerfish.core.payloads.dynamodb import StreamViewType, stream_label
from triggerfish.core.work import WorkTracker
from triggerfish.services.dynamodb.engine import ItemChange, TableEngine
from triggerfish.services.dynamodb.models import Item, KeySchema, ScalarType, TableConfig
from triggerfish.services.dynamodb.streams_api import StreamsApi
from triggerfish.services.dynamodb.table_data import TableData
from triggerfish.store.factory import open_store


class _Tables:
    def __init__(self) -> None:
        self.known: dict[str, TableData] = {}

    def find(self, name: str, scope: str) -> TableData | None:
        return self.known.get(name)


class World:
    engine: TableEngine
    data: TableData
    config: TableConfig


WORLD = World()


async def _build() -> tuple[Mapping[str, Provider], Stop]:
    store = open_store(None)
    await store.open()
    clock = SystemClock()
    engine = TableEngine(store.table_items, store.streams, clock, WorkTracker())
    tables = _Tables()
    config = TableConfig(
        name="orders",
        account="000000000000",
        region="us-east-1",
        table_id="orders-1",
        created_at=clock.now(),
        key=KeySchema("pk", "sk"),
        attribute_types=(("pk", ScalarType.S), ("sk", ScalarType.N)),
        stream_view_type=StreamViewType.NEW_AND_OLD_IMAGES,
        stream_label=stream_label(clock.now()),
    )
    WORLD.engine, WORLD.config = engine, config
    WORLD.data = tables.known["orders"] = await engine.open(config, load=False)
    engine.start_ttl()

    async def stop() -> None:
        await engine.close()
        await store.close()

    return {"dynamodbstreams": DynamoDBStreamsProvider(StreamsApi(tables, engine, clock))}, stop


@pytest.fixture(scope="module")
def endpoint() -> Iterator[EndpointThread]:
    thread = EndpointThread(_build)
    yield thread
    thread.close()


@pytest.fixture(scope="module")
def streams(endpoint: EndpointThread) -> Any:
    return endpoint.client("dynamodbstreams")


def change(endpoint: EndpointThread, key: Item, new: Item | None) -> None:
    async def commit() -> None:
        await WORLD.engine.commit([ItemChange(WORLD.data, key, WORLD.data.get(key), new)])

    endpoint.run(commit())


def test_put_update_delete_read_back_through_the_api(endpoint: EndpointThread, streams: Any) -> None:
    key: Item = {"pk": {"S": "o1"}, "sk": {"N": "1"}}
    change(endpoint, key, {**key, "blob": {"B": b"\x00\x01"}, "n": {"N": "1"}})
    change(endpoint, key, {**key, "blob": {"B": b"\x00\x01"}, "n": {"N": "2"}})
    change(endpoint, key, None)

    listed = streams.list_streams(TableName="orders")["Streams"]
    assert listed == [
        {"StreamArn": WORLD.config.stream_arn, "TableName": "orders", "StreamLabel": WORLD.config.stream_label}
    ]
    description = streams.describe_stream(StreamArn=WORLD.config.stream_arn)["StreamDescription"]
    assert description["StreamStatus"] == "ENABLED"
    assert description["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert description["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    [shard] = description["Shards"]
    iterator = streams.get_shard_iterator(
        StreamArn=WORLD.config.stream_arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    first = streams.get_records(ShardIterator=iterator, Limit=2)
    assert [r["eventName"] for r in first["Records"]] == ["INSERT", "MODIFY"]
    insert = first["Records"][0]
    assert insert["eventSource"] == "aws:dynamodb" and insert["awsRegion"] == "us-east-1"
    assert insert["dynamodb"]["NewImage"]["blob"] == {"B": b"\x00\x01"}
    assert insert["dynamodb"]["Keys"] == {"pk": {"S": "o1"}, "sk": {"N": "1"}}
    assert insert["dynamodb"]["ApproximateCreationDateTime"].year >= 2024
    rest = streams.get_records(ShardIterator=first["NextShardIterator"])
    assert [r["eventName"] for r in rest["Records"]] == ["REMOVE"]
    assert rest["Records"][0]["dynamodb"]["OldImage"]["n"] == {"N": "2"}
    assert streams.get_records(ShardIterator=rest["NextShardIterator"])["Records"] == []

    sequence = first["Records"][1]["dynamodb"]["SequenceNumber"]
    at = streams.get_shard_iterator(
        StreamArn=WORLD.config.stream_arn,
        ShardId=shard["ShardId"],
        ShardIteratorType="AFTER_SEQUENCE_NUMBER",
        SequenceNumber=sequence,
    )["ShardIterator"]
    assert [r["eventName"] for r in streams.get_records(ShardIterator=at)["Records"]] == ["REMOVE"]


def test_errors_on_the_wire(streams: Any) -> None:
    missing = "arn:aws:dynamodb:us-east-1:000000000000:table/none/stream/2024-01-01T00:00:00.000"
    with pytest.raises(ClientError) as error:
        streams.describe_stream(StreamArn=missing)
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert error.value.response["Error"]["Message"] == f"Requested resource not found: Stream: {missing} not found"
    with pytest.raises(ClientError) as error:
        streams.get_records(ShardIterator="not-an-iterator")
    assert error.value.response["Error"]["Code"] == "ValidationException"
