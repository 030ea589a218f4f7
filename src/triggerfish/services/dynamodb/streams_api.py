"""The DynamoDB Streams API: ListStreams, DescribeStream, GetShardIterator and GetRecords.

Shard iterators are opaque to clients: ``<stream ARN>|1|<token>``, the token naming the shard, the
position the iterator reads after and when it was issued. They expire 15 minutes after they were
issued (DynamoDB Streams API reference, GetShardIterator).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any, Protocol

import orjson

from triggerfish.core.clock import Clock
from triggerfish.services.dynamodb.engine import TableEngine
from triggerfish.services.dynamodb.errors import ExpiredIterator, ResourceNotFound, TrimmedDataAccess, ValidationError
from triggerfish.services.dynamodb.stream_records import api_record, position_of, sequence_number
from triggerfish.services.dynamodb.stream_source import DynamoDBStreamSource
from triggerfish.services.dynamodb.stream_state import TableStream
from triggerfish.services.dynamodb.table_data import TableData

Params = Mapping[str, Any]

ITERATOR_LIFETIME = 15 * 60
#: GetRecords returns at most 1,000 records or 1 MB (API reference, GetRecords)
MAX_RECORDS = 1000
MAX_BYTES = 1 << 20
_LIST_LIMIT = 100
_TRIMMED = "The operation attempted to read past the oldest stream record in a shard."


class _Tables(Protocol):
    def find(self, name: str, scope: str) -> TableData | None: ...


class StreamsApi:
    def __init__(self, tables: _Tables, engine: TableEngine, clock: Clock) -> None:
        self._tables = tables
        self._engine = engine
        self._clock = clock
        self.source = DynamoDBStreamSource(engine)

    async def list_streams(self, scope: str, params: Params) -> dict[str, Any]:
        streams = [s for s in self._engine.streams() if s.owner.scope == scope]
        name = params.get("TableName")
        if name is not None:
            if self._tables.find(name, scope) is None and not any(s.owner.table_name == name for s in streams):
                raise ResourceNotFound(f"Requested resource not found: Table: {name} not found")
            streams = [s for s in streams if s.owner.table_name == name]
        start = params.get("ExclusiveStartStreamArn")
        if start is not None:
            arns = [s.arn for s in streams]
            streams = streams[arns.index(start) + 1 :] if start in arns else streams
        limit = _limit(params, _LIST_LIMIT, "limit")
        page = streams[:limit]
        result: dict[str, Any] = {
            "Streams": [{"StreamArn": s.arn, "TableName": s.owner.table_name, "StreamLabel": s.label} for s in page]
        }
        if len(streams) > limit:
            result["LastEvaluatedStreamArn"] = page[-1].arn
        return result

    async def describe_stream(self, scope: str, params: Params) -> dict[str, Any]:
        stream = self._stream(params["StreamArn"])
        shard_range: dict[str, str] = {"StartingSequenceNumber": sequence_number(1)}
        ending = stream.ending_position
        if ending is not None:
            shard_range["EndingSequenceNumber"] = sequence_number(max(ending, 1))
        shards = [{"ShardId": stream.shard_id, "SequenceNumberRange": shard_range}]
        # one shard, never split: it has no children, and nothing follows it
        if params.get("ExclusiveStartShardId") == stream.shard_id or params.get("ShardFilter"):
            shards = []
        description: dict[str, Any] = {
            "StreamArn": stream.arn,
            "StreamLabel": stream.label,
            "StreamStatus": "ENABLED" if stream.enabled else "DISABLED",
            "CreationRequestDateTime": stream.created_at,
            "TableName": stream.owner.table_name,
            "KeySchema": stream.owner.key.to_wire(),
            "Shards": shards,
        }
        if stream.view is not None:
            description["StreamViewType"] = stream.view.value
        return {"StreamDescription": description}

    async def get_shard_iterator(self, scope: str, params: Params) -> dict[str, Any]:
        stream = self._stream(params["StreamArn"])
        if params["ShardId"] != stream.shard_id:
            raise ResourceNotFound("Requested resource not found: Shard does not exist")
        kind = params["ShardIteratorType"]
        after: int | None
        if kind == "TRIM_HORIZON":
            after = None
        elif kind == "LATEST":
            after = stream.position
        elif kind in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
            at = self._sequence(stream, params.get("SequenceNumber"))
            await self._check_retained(stream, at)
            after = at - 1 if kind == "AT_SEQUENCE_NUMBER" else at
        elif kind == "AT_TIMESTAMP":
            when = params.get("Timestamp")
            if when is None:
                raise ValidationError("Must specify a Timestamp when using the AT_TIMESTAMP shard iterator type")
            first = await self._engine.first_at(stream, _epoch(when))
            after = stream.position if first is None else first - 1
        else:
            raise ValidationError(f"Invalid ShardIteratorType: {kind}")
        return {"ShardIterator": self._iterator(stream, after)}

    async def get_records(self, scope: str, params: Params) -> dict[str, Any]:
        stream, after = self._open_iterator(params["ShardIterator"])
        limit = _limit(params, MAX_RECORDS, "limit")
        records = await self._engine.read(stream, after=after, limit=limit)
        if after is not None and after < stream.durable and (not records or records[0].position != after + 1):
            await self._check_retained(stream, after + 1)
        page: list[dict[str, Any]] = []
        size = 0
        for record in records:
            size += len(record.data)
            if page and size > MAX_BYTES:
                break
            page.append(api_record(record.data))
            after = record.position
        result: dict[str, Any] = {"Records": page}
        ending = stream.ending_position
        # a closed shard read to its end has no next iterator (API reference, GetRecords)
        if ending is None or (page and (after or 0) < ending):
            result["NextShardIterator"] = self._iterator(stream, after)
        return result

    def _stream(self, arn: str) -> TableStream:
        stream = self._engine.stream(arn)
        if stream is None:
            raise ResourceNotFound(f"Requested resource not found: Stream: {arn} not found")
        return stream

    async def _check_retained(self, stream: TableStream, position: int) -> None:
        # records older than 24 hours are trimmed (API reference, TrimmedDataAccessException)
        if position < await self._engine.oldest_position(stream):
            raise TrimmedDataAccess(_TRIMMED)

    def _sequence(self, stream: TableStream, text: str | None) -> int:
        if text is None:
            raise ValidationError(
                "Must specify a SequenceNumber when using AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER"
            )
        position = position_of(text)
        if position is None or position < 1 or position > stream.position:
            raise ValidationError(f"Invalid SequenceNumber: {text} is not in shard {stream.shard_id}")
        return position

    def _iterator(self, stream: TableStream, after: int | None) -> str:
        token = orjson.dumps([stream.shard_id, after, self._clock.now()])
        return f"{stream.arn}|1|{base64.urlsafe_b64encode(token).decode('ascii')}"

    def _open_iterator(self, text: str) -> tuple[TableStream, int | None]:
        arn, _, token = text.rpartition("|1|")
        try:
            shard, after, issued = orjson.loads(base64.urlsafe_b64decode(token.encode("ascii")))
            valid = isinstance(shard, str) and (after is None or isinstance(after, int)) and isinstance(issued, float)
        except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
            valid = False
        if not arn or not valid:
            raise ValidationError("Invalid ShardIterator")
        stream = self._stream(arn)
        if shard != stream.shard_id:
            raise ResourceNotFound("Requested resource not found: Shard does not exist")
        if self._clock.now() - issued > ITERATOR_LIFETIME:
            raise ExpiredIterator("The provided iterator exceeds the maximum age allowed.")
        return stream, after


def _limit(params: Params, most: int, member: str) -> int:
    limit = params.get("Limit")
    if limit is None:
        return most
    if not 1 <= limit <= most:
        bound = f"less than or equal to {most}" if limit > most else "greater than or equal to 1"
        raise ValidationError(
            f"1 validation error detected: Value '{limit}' at '{member}' failed to satisfy constraint: "
            f"Member must have value {bound}"
        )
    return int(limit)


def _epoch(value: Any) -> float:
    timestamp = getattr(value, "timestamp", None)
    return float(timestamp()) if callable(timestamp) else float(value)
