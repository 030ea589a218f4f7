"""Kinesis wire shapes built from the service's stream configurations (botocore ``kinesis`` model)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NotRequired, TypedDict

from triggerfish.services.kinesis.models import Shard, StreamConfig, StreamStatus
from triggerfish.services.kinesis.shards import sequence_number


class HashKeyRange(TypedDict):
    StartingHashKey: str
    EndingHashKey: str


class SequenceNumberRange(TypedDict):
    StartingSequenceNumber: str
    EndingSequenceNumber: NotRequired[str]


class ShardShape(TypedDict):
    ShardId: str
    ParentShardId: NotRequired[str]
    AdjacentParentShardId: NotRequired[str]
    HashKeyRange: HashKeyRange
    SequenceNumberRange: SequenceNumberRange


class ChildShardShape(TypedDict):
    ShardId: str
    ParentShards: list[str]
    HashKeyRange: HashKeyRange


def hash_key_range(shard: Shard) -> HashKeyRange:
    return {"StartingHashKey": str(shard.start_hash), "EndingHashKey": str(shard.end_hash)}


def shard_shape(shard: Shard) -> ShardShape:
    numbers: SequenceNumberRange = {"StartingSequenceNumber": sequence_number(shard.index, shard.starting_position)}
    if shard.ending_position is not None:
        numbers["EndingSequenceNumber"] = sequence_number(shard.index, shard.ending_position)
    shape: ShardShape = {
        "ShardId": shard.shard_id,
        "HashKeyRange": hash_key_range(shard),
        "SequenceNumberRange": numbers,
    }
    if shard.parent is not None:
        shape["ParentShardId"] = shard.parent
    if shard.adjacent_parent is not None:
        shape["AdjacentParentShardId"] = shard.adjacent_parent
    return shape


def child_shard_shape(shard: Shard) -> ChildShardShape:
    parents = [p for p in (shard.parent, shard.adjacent_parent) if p is not None]
    return {"ShardId": shard.shard_id, "ParentShards": parents, "HashKeyRange": hash_key_range(shard)}


def _common(config: StreamConfig) -> dict[str, Any]:
    shape: dict[str, Any] = {
        "StreamName": config.name,
        "StreamARN": config.arn,
        # streams are usable at once: CREATING is never observed (boto3's stream_exists waiter passes at once)
        "StreamStatus": StreamStatus.ACTIVE.value,
        "StreamModeDetails": {"StreamMode": config.mode.value},
        "RetentionPeriodHours": config.retention_hours,
        "StreamCreationTimestamp": config.created_at,
        "EnhancedMonitoring": [{"ShardLevelMetrics": []}],
        "EncryptionType": config.encryption_type,
    }
    if config.key_id is not None:
        shape["KeyId"] = config.key_id
    return shape


def description(config: StreamConfig, shards: Iterable[Shard], has_more: bool) -> dict[str, Any]:
    return {**_common(config), "Shards": [shard_shape(s) for s in shards], "HasMoreShards": has_more}


def summary(config: StreamConfig) -> dict[str, Any]:
    return {**_common(config), "OpenShardCount": len(config.open_shards), "ConsumerCount": 0}


def stream_summary(config: StreamConfig) -> dict[str, Any]:
    return {
        "StreamName": config.name,
        "StreamARN": config.arn,
        "StreamStatus": StreamStatus.ACTIVE.value,
        "StreamModeDetails": {"StreamMode": config.mode.value},
        "StreamCreationTimestamp": config.created_at,
    }


def tags_to_wire(tags: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]
