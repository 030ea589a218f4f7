"""Kinesis with boto3 over real HTTP: stream management, puts and reads through the kinesis provider
behind the endpoint on 127.0.0.1."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from botocore.exceptions import ClientError
from endpoint_thread import EndpointThread, Stop

from triggerfish.aws.providers.base import Provider
from triggerfish.aws.providers.kinesis import KinesisProvider
from triggerfish.core.clock import SystemClock
from triggerfish.core.work import WorkTracker
from triggerfish.services.kinesis import KinesisService
from triggerfish.store.factory import open_store

ACCOUNT = "000000000000"


async def _build() -> tuple[Mapping[str, Provider], Stop]:
    store = open_store(None)
    await store.open()
    kinesis = KinesisService(store, SystemClock(), WorkTracker())
    await kinesis.start()

    async def stop() -> None:
        await kinesis.close()
        await store.close()

    return {"kinesis": KinesisProvider(kinesis)}, stop


@pytest.fixture(scope="module")
def endpoint() -> Iterator[EndpointThread]:
    thread = EndpointThread(_build)
    yield thread
    thread.close()


@pytest.fixture(scope="module")
def kinesis(endpoint: EndpointThread) -> Any:
    return endpoint.client("kinesis")


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response: Any = excinfo.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_create_describe_list_delete(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="life", ShardCount=2, Tags={"team": "a"})
    kinesis.get_waiter("stream_exists").wait(StreamName="life", WaiterConfig={"Delay": 0, "MaxAttempts": 1})
    description = kinesis.describe_stream(StreamName="life")["StreamDescription"]
    arn = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/life"
    assert description["StreamARN"] == arn
    assert description["StreamStatus"] == "ACTIVE"
    assert description["RetentionPeriodHours"] == 24
    assert description["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert description["EncryptionType"] == "NONE"
    assert description["HasMoreShards"] is False
    shards = description["Shards"]
    assert [s["ShardId"] for s in shards] == ["shardId-000000000000", "shardId-000000000001"]
    assert shards[0]["HashKeyRange"] == {
        "StartingHashKey": "0",
        "EndingHashKey": str(2**127 - 1),
    }
    assert shards[1]["HashKeyRange"]["EndingHashKey"] == str(2**128 - 1)
    assert len(shards[0]["SequenceNumberRange"]["StartingSequenceNumber"]) == 56

    summary = kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 2
    listed = kinesis.list_streams()
    assert "life" in listed["StreamNames"]
    assert {"StreamName": "life", "StreamARN": arn}.items() <= next(
        s for s in listed["StreamSummaries"] if s["StreamName"] == "life"
    ).items()
    assert kinesis.list_tags_for_stream(StreamName="life")["Tags"] == [{"Key": "team", "Value": "a"}]

    with pytest.raises(ClientError) as again:
        kinesis.create_stream(StreamName="life", ShardCount=1)
    assert _error(again) == ("ResourceInUseException", f"Stream life under account {ACCOUNT} already exists.", 400)

    kinesis.delete_stream(StreamName="life", EnforceConsumerDeletion=True)
    with pytest.raises(ClientError) as gone:
        kinesis.describe_stream(StreamName="life")
    assert _error(gone) == ("ResourceNotFoundException", f"Stream life under account {ACCOUNT} not found.", 400)
    kinesis.get_waiter("stream_not_exists").wait(StreamName="life", WaiterConfig={"Delay": 0, "MaxAttempts": 1})


def test_put_and_get_records_in_order(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="orders", ShardCount=1)
    first = kinesis.put_record(StreamName="orders", Data=b"one", PartitionKey="k")
    assert first["ShardId"] == "shardId-000000000000"
    assert first["EncryptionType"] == "NONE"
    batch = kinesis.put_records(
        StreamName="orders", Records=[{"Data": f"n{i}".encode(), "PartitionKey": f"p{i}"} for i in range(5)]
    )
    assert batch["FailedRecordCount"] == 0
    numbers = [first["SequenceNumber"]] + [r["SequenceNumber"] for r in batch["Records"]]
    assert [int(n) for n in numbers] == sorted(int(n) for n in numbers)
    assert len(set(numbers)) == 6

    iterator = kinesis.get_shard_iterator(
        StreamName="orders", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    page = kinesis.get_records(ShardIterator=iterator, Limit=4)
    assert [r["Data"] for r in page["Records"]] == [b"one", b"n0", b"n1", b"n2"]
    assert page["Records"][0]["PartitionKey"] == "k"
    assert page["Records"][0]["SequenceNumber"] == first["SequenceNumber"]
    rest = kinesis.get_records(ShardIterator=page["NextShardIterator"])
    assert [r["Data"] for r in rest["Records"]] == [b"n3", b"n4"]
    assert rest["MillisBehindLatest"] == 0
    empty = kinesis.get_records(ShardIterator=rest["NextShardIterator"])
    assert empty["Records"] == [] and empty["NextShardIterator"]

    after = kinesis.get_shard_iterator(
        StreamName="orders",
        ShardId="shardId-000000000000",
        ShardIteratorType="AFTER_SEQUENCE_NUMBER",
        StartingSequenceNumber=numbers[3],
    )["ShardIterator"]
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=after)["Records"]] == [b"n3", b"n4"]
    at = kinesis.get_shard_iterator(
        StreamName="orders",
        ShardId="shardId-000000000000",
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        StartingSequenceNumber=numbers[3],
    )["ShardIterator"]
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=at)["Records"]] == [b"n2", b"n3", b"n4"]

    latest = kinesis.get_shard_iterator(
        StreamName="orders", ShardId="shardId-000000000000", ShardIteratorType="LATEST"
    )["ShardIterator"]
    kinesis.put_record(StreamName="orders", Data=b"late", PartitionKey="k")
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=latest)["Records"]] == [b"late"]


def test_records_go_to_the_shard_holding_their_hash_key(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="routed", ShardCount=4)
    shards = kinesis.list_shards(StreamName="routed")["Shards"]
    for key in ("a", "b", "c", "d", "e", "f"):
        hashed = int.from_bytes(hashlib.md5(key.encode()).digest(), "big")
        expected = next(
            s["ShardId"]
            for s in shards
            if int(s["HashKeyRange"]["StartingHashKey"]) <= hashed <= int(s["HashKeyRange"]["EndingHashKey"])
        )
        assert kinesis.put_record(StreamName="routed", Data=b"x", PartitionKey=key)["ShardId"] == expected
    explicit = kinesis.put_record(StreamName="routed", Data=b"x", PartitionKey="a", ExplicitHashKey=str(2**128 - 1))
    assert explicit["ShardId"] == "shardId-000000000003"
    with pytest.raises(ClientError) as bad:
        kinesis.put_record(StreamName="routed", Data=b"x", PartitionKey="a", ExplicitHashKey=str(2**128))
    code, message, _ = _error(bad)
    assert code in ("InvalidArgumentException", "ValidationException")
    assert str(2**128) in message


def test_errors_as_kinesis_words_them(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="errs", ShardCount=1)
    with pytest.raises(ClientError) as shard:
        kinesis.get_shard_iterator(StreamName="errs", ShardId="shardId-000000000007", ShardIteratorType="LATEST")
    assert _error(shard) == (
        "ResourceNotFoundException",
        f"Shard shardId-000000000007 in stream errs under account {ACCOUNT} does not exist",
        400,
    )
    with pytest.raises(ClientError) as short:
        kinesis.increase_stream_retention_period(StreamName="errs", RetentionPeriodHours=25)
        kinesis.increase_stream_retention_period(StreamName="errs", RetentionPeriodHours=24)
    assert _error(short) == (
        "InvalidArgumentException",
        "Requested retention period (24 hours) for stream errs can not be shorter than existing retention period "
        "(25 hours). Use DecreaseRetentionPeriod API.",
        400,
    )
    with pytest.raises(ClientError) as long:
        kinesis.increase_stream_retention_period(StreamName="errs", RetentionPeriodHours=8761)
    assert _error(long)[1] == (
        "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long."
    )
    with pytest.raises(ClientError) as iterator:
        kinesis.get_records(ShardIterator="bm90IGFuIGl0ZXJhdG9y")
    assert _error(iterator) == ("InvalidArgumentException", "Invalid ShardIterator.", 400)
    with pytest.raises(ClientError) as missing:
        kinesis.put_record(StreamName="nope", Data=b"x", PartitionKey="k")
    assert _error(missing) == ("ResourceNotFoundException", f"Stream nope under account {ACCOUNT} not found.", 400)


def test_tags_mode_encryption_and_retention(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="settings", StreamModeDetails={"StreamMode": "ON_DEMAND"})
    arn = f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/settings"
    summary = kinesis.describe_stream_summary(StreamName="settings")["StreamDescriptionSummary"]
    assert summary["OpenShardCount"] == 4
    assert summary["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}

    kinesis.add_tags_to_stream(StreamName="settings", Tags={"a": "1", "b": "2"})
    kinesis.tag_resource(ResourceARN=arn, Tags={"c": "3"})
    kinesis.remove_tags_from_stream(StreamName="settings", TagKeys=["a"])
    kinesis.untag_resource(ResourceARN=arn, TagKeys=["b"])
    assert kinesis.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "c", "Value": "3"}]

    kinesis.update_stream_mode(StreamARN=arn, StreamModeDetails={"StreamMode": "PROVISIONED"})
    kinesis.increase_stream_retention_period(StreamARN=arn, RetentionPeriodHours=48)
    kinesis.decrease_stream_retention_period(StreamName="settings", RetentionPeriodHours=36)
    kinesis.start_stream_encryption(StreamName="settings", EncryptionType="KMS", KeyId="alias/aws/kinesis")
    described = kinesis.describe_stream(StreamARN=arn)["StreamDescription"]
    assert described["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert described["RetentionPeriodHours"] == 36
    assert (described["EncryptionType"], described["KeyId"]) == ("KMS", "alias/aws/kinesis")
    put = kinesis.put_record(StreamARN=arn, Data=b"secret", PartitionKey="k")
    assert put["EncryptionType"] == "KMS"
    iterator = kinesis.get_shard_iterator(
        StreamARN=arn,
        ShardId=put["ShardId"],
        ShardIteratorType="AT_SEQUENCE_NUMBER",
        StartingSequenceNumber=put["SequenceNumber"],
    )["ShardIterator"]
    assert kinesis.get_records(ShardIterator=iterator)["Records"][0]["EncryptionType"] == "KMS"
    kinesis.stop_stream_encryption(StreamName="settings", EncryptionType="KMS", KeyId="alias/aws/kinesis")
    assert kinesis.describe_stream_summary(StreamARN=arn)["StreamDescriptionSummary"]["EncryptionType"] == "NONE"


def test_paging_streams_and_shards(kinesis: Any) -> None:
    for name in ("page-a", "page-b", "page-c"):
        kinesis.create_stream(StreamName=name, ShardCount=3)
    first = kinesis.list_streams(Limit=1, ExclusiveStartStreamName="page-")
    assert first["StreamNames"] == ["page-a"] and first["HasMoreStreams"] is True
    second = kinesis.list_streams(NextToken=first["NextToken"], Limit=1)
    assert second["StreamNames"] == ["page-b"]

    shards = kinesis.list_shards(StreamName="page-a", MaxResults=2)
    assert [s["ShardId"] for s in shards["Shards"]] == ["shardId-000000000000", "shardId-000000000001"]
    more = kinesis.list_shards(NextToken=shards["NextToken"])
    assert [s["ShardId"] for s in more["Shards"]] == ["shardId-000000000002"]
    assert "NextToken" not in more
    described = kinesis.describe_stream(StreamName="page-a", Limit=2, ExclusiveStartShardId="shardId-000000000000")
    assert [s["ShardId"] for s in described["StreamDescription"]["Shards"]] == [
        "shardId-000000000001",
        "shardId-000000000002",
    ]


def test_update_shard_count_closes_parents_and_opens_children(kinesis: Any) -> None:
    kinesis.create_stream(StreamName="reshard", ShardCount=1)
    before = kinesis.put_record(StreamName="reshard", Data=b"old", PartitionKey="k")
    answer = kinesis.update_shard_count(StreamName="reshard", TargetShardCount=2, ScalingType="UNIFORM_SCALING")
    assert (answer["CurrentShardCount"], answer["TargetShardCount"]) == (1, 2)
    shards = kinesis.list_shards(StreamName="reshard")["Shards"]
    assert [s["ShardId"] for s in shards] == ["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]
    assert shards[0]["SequenceNumberRange"]["EndingSequenceNumber"] == before["SequenceNumber"]
    assert [s.get("ParentShardId") for s in shards[1:]] == ["shardId-000000000000"] * 2
    assert kinesis.list_shards(StreamName="reshard", ShardFilter={"Type": "AT_LATEST"})["Shards"] == shards[1:]
    after = kinesis.put_record(StreamName="reshard", Data=b"new", PartitionKey="k")
    assert after["ShardId"] in ("shardId-000000000001", "shardId-000000000002")

    iterator = kinesis.get_shard_iterator(
        StreamName="reshard", ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON"
    )["ShardIterator"]
    page = kinesis.get_records(ShardIterator=iterator)
    assert [r["Data"] for r in page["Records"]] == [b"old"]
    assert "NextShardIterator" not in page
    assert [c["ShardId"] for c in page["ChildShards"]] == ["shardId-000000000001", "shardId-000000000002"]

    with pytest.raises(ClientError) as too_many:
        kinesis.update_shard_count(StreamName="reshard", TargetShardCount=5, ScalingType="UNIFORM_SCALING")
    assert _error(too_many) == (
        "LimitExceededException",
        "UpdateShardCount cannot scale up over double your current open shard count. "
        "Current open shard count: 2, Target shard count: 5",
        400,
    )
