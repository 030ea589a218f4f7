"""The Kinesis provider (``kinesis``, json protocol): a table from operation name to a small method of
one of its parts. Enhanced fan-out consumers, resource policies and the newer queue and channel
operations are not offered (501)."""

from __future__ import annotations

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.kinesis.records import RecordOperations
from triggerfish.aws.providers.kinesis.streams import Operation, StreamOperations
from triggerfish.services.kinesis import KinesisService

# PutRecords carries up to 5 MiB of data and partition keys (Kinesis API reference, PutRecords); base64
# adds a third, and 500 entries add their member names and up to 256-character keys.
REQUEST_LIMIT = BodyLimit(10 * 1_048_576, "PutRecords")


class KinesisProvider:
    def __init__(self, service: KinesisService) -> None:
        self._table: dict[str, Operation] = {
            **StreamOperations(service).table(),
            **RecordOperations(service).table(),
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return REQUEST_LIMIT

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


__all__ = ["KinesisProvider"]
