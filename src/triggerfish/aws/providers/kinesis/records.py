"""Record operations: PutRecord, PutRecords, GetShardIterator and GetRecords."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.kinesis.shapes import child_shard_shape
from triggerfish.core.scope import scope_key
from triggerfish.services.kinesis import KinesisService
from triggerfish.services.kinesis.errors import ValidationError
from triggerfish.services.kinesis.records import PutEntry
from triggerfish.services.kinesis.shards import sequence_number

Operation = Callable[[Call], Awaitable[Reply]]


class RecordOperations:
    def __init__(self, service: KinesisService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "PutRecord": self.put_record,
            "PutRecords": self.put_records,
            "GetShardIterator": self.get_shard_iterator,
            "GetRecords": self.get_records,
        }

    async def put_record(self, call: Call) -> Reply:
        p = call.params
        # SequenceNumberForOrdering is accepted: one shard's records are in order of arrival anyway
        (result,), encryption = await self._service.put_records(
            scope_key(call.scope), p.get("StreamName"), [_entry(p, "partitionKey")], arn=p.get("StreamARN")
        )
        return Reply(
            {"ShardId": result.shard_id, "SequenceNumber": result.sequence_number, "EncryptionType": encryption}
        )

    async def put_records(self, call: Call) -> Reply:
        p = call.params
        entries = [_entry(record, f"records.{i}.member.partitionKey") for i, record in enumerate(p["Records"], 1)]
        results, encryption = await self._service.put_records(
            scope_key(call.scope), p.get("StreamName"), entries, arn=p.get("StreamARN")
        )
        return Reply(
            {
                "FailedRecordCount": 0,
                "Records": [{"ShardId": r.shard_id, "SequenceNumber": r.sequence_number} for r in results],
                "EncryptionType": encryption,
            }
        )

    async def get_shard_iterator(self, call: Call) -> Reply:
        p = call.params
        iterator = await self._service.get_shard_iterator(
            scope_key(call.scope),
            p.get("StreamName"),
            p["ShardId"],
            p["ShardIteratorType"],
            arn=p.get("StreamARN"),
            starting_sequence_number=p.get("StartingSequenceNumber"),
            timestamp=p.get("Timestamp"),
        )
        return Reply({"ShardIterator": iterator})

    async def get_records(self, call: Call) -> Reply:
        p = call.params
        page = await self._service.get_records(p["ShardIterator"], p.get("Limit"))
        index = page.shard.index
        encryption = page.live.config.encryption
        records: list[dict[str, Any]] = []
        for record in page.records:
            shape: dict[str, Any] = {
                "SequenceNumber": sequence_number(index, record.position),
                "ApproximateArrivalTimestamp": record.arrival,
                "Data": record.data,
                "PartitionKey": record.partition_key,
            }
            if encryption is not None:
                shape["EncryptionType"] = encryption
            records.append(shape)
        result: dict[str, Any] = {"Records": records, "MillisBehindLatest": page.millis_behind}
        if page.next_iterator is not None:
            result["NextShardIterator"] = page.next_iterator
        else:
            result["ChildShards"] = [child_shard_shape(child) for child in page.children]
        return Reply(result)


def _entry(params: Mapping[str, Any], path: str) -> PutEntry:
    key = params.get("PartitionKey")
    if key is None:
        # the model lets PartitionKey go, but a record is routed by it (Kinesis API reference, PutRecord)
        raise ValidationError(
            f"1 validation error detected: Value null at '{path}' failed to satisfy constraint: Member must not be null"
        )
    return PutEntry(data=params["Data"], partition_key=key, explicit_hash_key=params.get("ExplicitHashKey"))
