"""In-memory twins for stream event source mapping tests: a stream that follows the ``StreamSource``
port's docstrings on a virtual clock, functions that run async Python handlers, a document store in a
dict and a delivery registry that records what it is handed."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry
from triggerfish.core.payloads.dynamodb import StreamEventName, StreamViewType, dynamodb_record
from triggerfish.core.stream_port import ShardInfo, StreamInfo, StreamKind, StreamRecord
from triggerfish.core.work import WorkTracker
from triggerfish.services.lambda_.concurrency import ConcurrencyGovernor
from triggerfish.services.lambda_.invoker import Throttled
from triggerfish.services.lambda_.mappings.models import EventSourceMapping, MappingState
from triggerfish.services.lambda_.mappings.streams import StreamPoller
from triggerfish.services.lambda_.models import FunctionConfig
from triggerfish.services.lambda_.records import Invocation

# the fakes shared with the SQS mapping tests live one folder up (the provider tests import them the same way)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from esm_fakes import FunctionFailed, MemoryDocuments, ok, settle

ACCOUNT = "000000000000"
REGION = "us-east-1"
KINESIS_ARN = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/orders"
TABLE_STREAM_ARN = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders/stream/2023-11-14T22:13:20.000"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/lambda-role"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:failures"
BUCKET_ARN = "arn:aws:s3:::failures"


# -- the stream ---------------------------------------------------------------------------------


@dataclass
class FakeShard:
    info: ShardInfo
    index: int
    records: list[StreamRecord] = field(default_factory=list)
    next_position: int = 1


class FakeStream:
    """A ``StreamSource`` holding one stream (Kinesis or a DynamoDB table's stream)."""

    def __init__(
        self, clock: VirtualClock, *, kind: StreamKind = StreamKind.KINESIS, shards: int = 1, retention_hours: int = 24
    ) -> None:
        self.clock = clock
        self.kind = kind
        self.arn = KINESIS_ARN if kind is StreamKind.KINESIS else TABLE_STREAM_ARN
        self.retention_hours = retention_hours
        self.shards: dict[str, FakeShard] = {}
        self.listeners: list[Callable[[], None]] = []
        self.deleted = False
        self.reads = 0
        for _ in range(shards):
            self.add_shard()

    # -- writing ---------------------------------------------------------------------------------

    def add_shard(self, parent: str | None = None) -> str:
        index = len(self.shards)
        if self.kind is StreamKind.KINESIS:
            shard_id = f"shardId-{index:012d}"
        else:
            shard_id = f"shardId-00000001700000000000-{index:08x}"
        self.shards[shard_id] = FakeShard(ShardInfo(shard_id, parent_shard_id=parent), index)
        self._notify()
        return shard_id

    def close(self, shard_id: str) -> None:
        shard = self.shards[shard_id]
        last = shard.records[-1].sequence_number if shard.records else self._sequence(shard, 0)
        shard.info = replace(shard.info, ending_sequence_number=last)
        self._notify()

    def put(self, data: Any, key: str = "k", *, shard: str | None = None) -> StreamRecord:
        target = self.shards[shard] if shard is not None else next(iter(self.shards.values()))
        position = target.next_position
        target.next_position += 1
        sequence = self._sequence(target, position)
        now = self.clock.now()
        if self.kind is StreamKind.KINESIS:
            raw = (
                data if isinstance(data, bytes) else orjson.dumps(data) if not isinstance(data, str) else data.encode()
            )
        else:
            raw = orjson.dumps(self._ddb_record(data, key, sequence, now))
        record = StreamRecord(target.info.shard_id, sequence, now, key, raw)
        target.records.append(record)
        self._notify()
        return record

    def put_many(self, items: Sequence[Any], key: str = "k") -> list[StreamRecord]:
        return [self.put(item, key) for item in items]

    def delete(self) -> None:
        self.deleted = True
        self._notify()

    def _sequence(self, shard: FakeShard, position: int) -> str:
        if self.kind is StreamKind.KINESIS:
            return str(49 * 10**54 + shard.index * 10**40 + position)
        return str(10**20 + position)

    def _ddb_record(self, data: Any, key: str, sequence: str, now: float) -> dict[str, Any]:
        item = {"pk": {"S": key}, "value": {"S": str(data)}}
        record = dynamodb_record(
            event_id=f"e{sequence[-6:]}",
            event_name=StreamEventName.INSERT,
            stream_arn=self.arn,
            keys={"pk": {"S": key}},
            sequence_number=sequence,
            stream_view_type=StreamViewType.NEW_IMAGE,
            time=now,
            new_image=item,
        )
        return dict(record)

    def _notify(self) -> None:
        for listener in list(self.listeners):
            listener()

    # -- the port ----------------------------------------------------------------------------------

    def stream(self, arn: str) -> StreamInfo | None:
        if arn != self.arn or self.deleted:
            return None
        shards = tuple(shard.info for shard in self.shards.values())
        return StreamInfo(self.arn, self.kind, shards, self.retention_hours)

    async def read(self, arn: str, shard_id: str, *, after: int | None, limit: int) -> Sequence[StreamRecord]:
        self.reads += 1
        await asyncio.sleep(0)
        oldest = self.clock.now() - self.retention_hours * 3600
        found = [
            r for r in self.shards[shard_id].records if (after is None or r.position > after) and r.arrival >= oldest
        ]
        return found[:limit]

    def latest(self, arn: str, shard_id: str) -> int | None:
        records = self.shards[shard_id].records
        return records[-1].position if records else None

    async def position_at(self, arn: str, shard_id: str, timestamp: float) -> int | None:
        before = None
        for record in self.shards[shard_id].records:
            if record.arrival >= timestamp:
                break
            before = record.position
        return before

    def on_records(self, arn: str, callback: Callable[[], None]) -> Callable[[], None]:
        self.listeners.append(callback)

        def stop() -> None:
            with contextlib.suppress(ValueError):
                self.listeners.remove(callback)

        return stop


# -- functions ------------------------------------------------------------------------------------


Handler = Callable[[dict[str, Any]], Awaitable[object]]


@dataclass
class Call:
    event: dict[str, Any]
    at: float

    @property
    def records(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = self.event["Records"]
        return records

    @property
    def data(self) -> list[str]:
        """Kinesis: each record's data, decoded; DynamoDB: each record's NewImage ``value``."""
        out: list[str] = []
        for record in self.records:
            if "kinesis" in record:
                out.append(base64.b64decode(record["kinesis"]["data"]).decode())
            else:
                out.append(record["dynamodb"]["NewImage"]["value"]["S"])
        return out

    @property
    def sequence_numbers(self) -> list[str]:
        return [
            r["kinesis"]["sequenceNumber"] if "kinesis" in r else r["dynamodb"]["SequenceNumber"] for r in self.records
        ]


class FakeFunctions:
    """A ``FunctionPort`` for one function running an async Python handler under a real governor."""

    def __init__(self, handler: Handler | None = None, *, reserved: int | None = None) -> None:
        self.governor = ConcurrencyGovernor()
        self.function = FunctionConfig(
            name="consumer",
            account=ACCOUNT,
            region=REGION,
            runtime="python3.12",
            handler="app.handler",
            code_dir="/nowhere",
            role=ROLE,
            reserved_concurrency=reserved,
        )
        self.governor.set_reservation(self.function.arn, reserved)
        self.handler: Handler = handler or ok
        self.calls: list[Call] = []
        self.clock: VirtualClock | None = None
        self.present = True
        self.running = 0
        self.peak = 0
        #: how many coming invocations fail with a throttle the capacity check did not foresee
        self.surprise_throttles = 0
        self._listeners: list[Callable[[], None]] = []

    def lookup(self, function_name: str, account: str, region: str) -> FunctionConfig:
        return self.function

    def by_arn(self, function_arn: str) -> FunctionConfig | None:
        return self.function if self.present and function_arn == self.function.arn else None

    def has_capacity(self, function: FunctionConfig) -> bool:
        slot = self.governor.try_acquire(function.arn)
        if isinstance(slot, str):
            return False
        self.governor.release(slot)
        return True

    def reserve(self, reserved: int | None) -> None:
        self.function = self.function.evolve(reserved_concurrency=reserved)
        self.governor.set_reservation(self.function.arn, reserved)
        for listener in list(self._listeners):
            listener()

    async def invoke(self, function: FunctionConfig, payload: bytes) -> Invocation:
        if self.surprise_throttles:
            self.surprise_throttles -= 1
            raise Throttled("ConcurrentInvocationLimitExceeded")
        slot = self.governor.try_acquire(function.arn)
        if isinstance(slot, str):
            raise Throttled(slot)
        event = orjson.loads(payload)
        self.calls.append(Call(event, self.clock.now() if self.clock else 0.0))
        self.running += 1
        self.peak = max(self.peak, self.running)
        error: str | None = None
        try:
            result = await self.handler(event)
            body = result if isinstance(result, bytes) else orjson.dumps(result)
        except FunctionFailed as exc:
            error = "Unhandled"
            body = orjson.dumps({"errorMessage": str(exc), "errorType": "FunctionFailed"})
        finally:
            self.running -= 1
            self.governor.release(slot)
        for listener in list(self._listeners):
            listener()
        return Invocation(
            request_id=f"r-{len(self.calls)}",
            function_name=function.name,
            function_arn=function.qualified_arn(),
            invocation_type="RequestResponse",
            event=payload,
            payload=body,
            function_error=error,
            error_type="FunctionFailed" if error else None,
            duration_ms=0.0,
            cold=False,
            init_ms=None,
            log="",
            started_at=0.0,
        )

    def on_capacity(self, callback: Callable[[], None]) -> None:
        self._listeners.append(callback)


# -- documents and deliveries -----------------------------------------------------------------------


class RecordingDeliverer:
    def __init__(self) -> None:
        self.delivered: list[tuple[str, Delivery]] = []
        self.failing = False

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        if self.failing:
            raise DeliveryFailed("the target is gone")
        self.delivered.append((arn, delivery))

    def exists(self, arn: str) -> bool:
        return True

    def bodies(self) -> list[dict[str, Any]]:
        return [dict(orjson.loads(d.body)) for _, d in self.delivered]


# -- settling and the rig -----------------------------------------------------------------------------


def make_mapping(arn: str = KINESIS_ARN, **settings: Any) -> EventSourceMapping:
    values: dict[str, Any] = {
        "uuid": "a1b2c3d4-0000-4000-8000-000000000001",
        "account": ACCOUNT,
        "region": REGION,
        "event_source_arn": arn,
        "function_arn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:consumer",
        "batch_size": 100,
        "maximum_batching_window": 0,
        "enabled": True,
        "state": MappingState.ENABLED,
        "last_modified": 0.0,
        "starting_position": "TRIM_HORIZON",
    }
    values.update(settings)
    return EventSourceMapping(**values)


class Rig:
    """One stream mapping over the fakes, on a virtual clock."""

    def __init__(
        self,
        *,
        kind: StreamKind = StreamKind.KINESIS,
        shards: int = 1,
        documents: MemoryDocuments | None = None,
        clock: VirtualClock | None = None,
        stream: FakeStream | None = None,
        functions: FakeFunctions | None = None,
    ) -> None:
        self.clock = clock or VirtualClock()
        self.tracker = WorkTracker()
        self.stream = stream or FakeStream(self.clock, kind=kind, shards=shards)
        self.functions = functions or FakeFunctions()
        self.functions.clock = self.clock
        self.documents = documents or MemoryDocuments()
        self.deliverer = RecordingDeliverer()
        self.deliveries = DeliveryRegistry()
        self.deliveries.register("sqs", self.deliverer)
        self.deliveries.register("sns", self.deliverer)
        self.deliveries.register("s3", self.deliverer)
        self.poller: StreamPoller | None = None

    def handle(self, handler: Handler) -> None:
        self.functions.handler = handler

    async def start(self, *, retry_base_delay: float = 1.0, **settings: Any) -> StreamPoller:
        mapping = make_mapping(self.stream.arn, **settings)
        self.mapping = mapping
        self.poller = StreamPoller(
            mapping,
            self.stream,
            self.functions,
            self.clock,
            self.tracker,
            self.documents,
            self.deliveries,
            retry_base_delay=retry_base_delay,
        )
        self.tracker.add_source(self.poller)
        self.functions.on_capacity(self.poller.wake)
        self.poller.start()
        await self.settle()
        return self.poller

    async def stop(self) -> None:
        if self.poller is not None:
            await self.poller.stop()
            await self.poller.finish(cancel=True)

    async def settle(self) -> None:
        await settle(self.tracker, self.clock)

    async def advance(self, seconds: float) -> None:
        await self.clock.advance(seconds)
        await self.settle()

    async def run_until_quiet(self, limit: float = 100_000.0) -> None:
        """Advance the clock to each due time in turn until nothing more is due."""
        end = self.clock.now() + limit
        while True:
            await self.settle()
            due = self.tracker.next_due()
            if due is None or due > end:
                return
            await self.clock.set(max(due, self.clock.now()))

    @property
    def calls(self) -> list[Call]:
        return self.functions.calls

    def checkpoint(self, shard_id: str | None = None) -> dict[str, Any] | None:
        shard = shard_id or next(iter(self.stream.shards))
        document = self.documents.documents.get(("lambda.esm-checkpoint", self.mapping.uuid, shard))
        return None if document is None else dict(json.loads(document.body))


def failing_on(*bad: str) -> Handler:
    """A handler that fails whenever its batch holds one of ``bad`` (Kinesis data or DynamoDB value)."""

    async def handler(event: dict[str, Any]) -> None:
        if any(value in bad for value in Call(event, 0).data):
            raise FunctionFailed("poison")

    return handler


def reporting(*bad: str) -> Handler:
    """A handler that reports ``bad`` records as batchItemFailures."""

    async def handler(event: dict[str, Any]) -> dict[str, Any]:
        call = Call(event, 0)
        failures = [
            {"itemIdentifier": sequence}
            for value, sequence in zip(call.data, call.sequence_numbers, strict=True)
            if value in bad
        ]
        return {"batchItemFailures": failures}

    return handler


def dump(value: Mapping[str, Any]) -> str:
    return orjson.dumps(value).decode()
