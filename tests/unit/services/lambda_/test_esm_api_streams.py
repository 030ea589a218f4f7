"""Creating, reading, changing and deleting Kinesis and DynamoDB Streams mappings: defaults, AWS's checks
and messages, settings refused for the wrong kind of source, and the stream pollers' lifecycle
(spec §7.1)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.errors import InvalidParameterValue, ResourceConflict, ValidationError
from triggerfish.core.queue_port import QueueInfo, ReceivedMessage
from triggerfish.core.stream_port import ShardInfo, StreamInfo, StreamKind, StreamRecord, StreamSource
from triggerfish.core.work import WorkTracker
from triggerfish.services.lambda_.mappings import EventSourceMapping, EventSourceMappings, MappingState
from triggerfish.services.lambda_.models import FunctionConfig
from triggerfish.services.lambda_.records import Invocation
from triggerfish.store.factory import open_store

ACCOUNT = "000000000000"
REGION = "us-east-1"
KINESIS = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/orders"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders"
TABLE_STREAM = f"{TABLE}/stream/2023-11-14T22:13:20.000"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"
DLQ = f"arn:aws:sqs:{REGION}:{ACCOUNT}:failures"


# -- fakes ------------------------------------------------------------------------------------------


@dataclass
class FakeStreams:
    """A ``StreamSource`` of one-shard streams; ``put`` appends a record and signals listeners."""

    kind: StreamKind
    clock: VirtualClock
    records: dict[str, list[StreamRecord]] = field(default_factory=dict)
    listeners: dict[str, list[Callable[[], None]]] = field(default_factory=dict)

    def create(self, arn: str) -> str:
        self.records[arn] = []
        return arn

    def put(self, arn: str, data: bytes) -> None:
        position = len(self.records[arn]) + 1
        self.records[arn].append(
            StreamRecord("shardId-000000000000", str(10**20 + position), self.clock.now(), "k", data)
        )
        for listener in list(self.listeners.get(arn, ())):
            listener()

    def stream(self, arn: str) -> StreamInfo | None:
        if arn not in self.records:
            return None
        return StreamInfo(arn, self.kind, (ShardInfo("shardId-000000000000"),))

    async def read(self, arn: str, shard_id: str, *, after: int | None, limit: int) -> Sequence[StreamRecord]:
        return [r for r in self.records[arn] if after is None or r.position > after][:limit]

    def latest(self, arn: str, shard_id: str) -> int | None:
        records = self.records[arn]
        return records[-1].position if records else None

    async def position_at(self, arn: str, shard_id: str, timestamp: float) -> int | None:
        before = [r.position for r in self.records[arn] if r.arrival < timestamp]
        return max(before) if before else None

    def on_records(self, arn: str, callback: Callable[[], None]) -> Callable[[], None]:
        listeners = self.listeners.setdefault(arn, [])
        listeners.append(callback)

        def stop() -> None:
            with contextlib.suppress(ValueError):
                listeners.remove(callback)

        return stop


class FakeQueues:
    """Just enough of a ``QueueSource`` for create/update checks: one queue that never has messages."""

    def queue(self, arn: str) -> QueueInfo | None:
        return QueueInfo(arn=arn, url="http://q", name="q", fifo=False, visibility_timeout=30) if arn == QUEUE else None

    async def receive(self, arn: str, max_messages: int) -> Sequence[ReceivedMessage]:
        return []

    async def delete(self, arn: str, receipt_handles: Sequence[str]) -> None:
        return None

    async def change_visibility(self, arn: str, receipt_handles: Sequence[str], timeout: int) -> None:
        return None

    def on_available(self, arn: str, callback: Callable[[], None]) -> Callable[[], None]:
        return lambda: None

    def next_visible_at(self, arn: str) -> float | None:
        return None


class FakeFunctions:
    """A ``FunctionPort`` whose functions record their events and answer ``null``."""

    def __init__(self) -> None:
        self.functions: dict[str, FunctionConfig] = {}
        self.events: list[dict[str, Any]] = []

    def add(self, name: str) -> None:
        self.functions[name] = FunctionConfig(
            name=name,
            account=ACCOUNT,
            region=REGION,
            runtime="python3.12",
            handler="app.handler",
            code_dir="/nowhere",
        )

    def lookup(self, function_name: str, account: str, region: str) -> FunctionConfig:
        return self.functions[function_name]

    def by_arn(self, function_arn: str) -> FunctionConfig | None:
        return self.functions.get(function_arn.split(":")[6])

    def has_capacity(self, function: FunctionConfig) -> bool:
        return True

    async def invoke(self, function: FunctionConfig, payload: bytes) -> Invocation:
        self.events.append(orjson.loads(payload))
        return Invocation(
            request_id=f"r-{len(self.events)}",
            function_name=function.name,
            function_arn=function.qualified_arn(),
            invocation_type="RequestResponse",
            event=payload,
            payload=b"null",
            function_error=None,
            error_type=None,
            duration_ms=0.0,
            cold=False,
            init_ms=None,
            log="",
            started_at=0.0,
        )

    def on_capacity(self, callback: Callable[[], None]) -> None:
        return None


class FakePoller:
    """A stream poller that only records its lifecycle."""

    def __init__(self, mapping: EventSourceMapping) -> None:
        self.mapping = mapping
        self.started = False
        self.stopped = False
        self.last_processing_result = "No records processed"

    def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.stopped = True

    async def finish(self, *, cancel: bool = False) -> None:
        return None

    @property
    def in_flight(self) -> int:
        return 0

    @property
    def blocked(self) -> bool:
        return False

    def on_idle(self, callback: Callable[[], None]) -> None:
        callback()

    def wake(self) -> None:
        return None

    def next_due(self) -> float | None:
        return None


class FakeRunner:
    def __init__(self) -> None:
        self.pollers: list[FakePoller] = []
        self.forgotten: list[str] = []

    def poller(self, mapping: EventSourceMapping, source: StreamSource) -> FakePoller:
        self.pollers.append(FakePoller(mapping))
        return self.pollers[-1]

    async def forget(self, mapping_uuid: str) -> None:
        self.forgotten.append(mapping_uuid)


@dataclass
class Rig:
    mappings: EventSourceMappings
    clock: VirtualClock
    tracker: WorkTracker
    functions: FakeFunctions
    kinesis: FakeStreams
    dynamodb: FakeStreams
    runner: FakeRunner | None

    async def settle(self) -> None:
        quiet = 0
        for _ in range(10_000):
            due = self.tracker.next_due()
            quiet = quiet + 1 if self.tracker.in_flight == 0 and (due is None or due > self.clock.now()) else 0
            if quiet > 3:
                return
            await asyncio.sleep(0)
        raise AssertionError("did not settle")


async def _rig(*, real_pollers: bool = False) -> AsyncIterator[Rig]:
    store = open_store(None)
    await store.open()
    clock = VirtualClock()
    tracker = WorkTracker()
    functions = FakeFunctions()
    functions.add("f")
    functions.add("g")
    runner = None if real_pollers else FakeRunner()
    mappings = EventSourceMappings(
        store.documents, clock, tracker, functions, deliveries=DeliveryRegistry(), streams=runner
    )
    kinesis = FakeStreams(StreamKind.KINESIS, clock)
    dynamodb = FakeStreams(StreamKind.DYNAMODB, clock)
    kinesis.create(KINESIS)
    dynamodb.create(TABLE_STREAM)
    mappings.attach("sqs", FakeQueues())
    mappings.attach("kinesis", kinesis)
    mappings.attach("dynamodb", dynamodb)
    await mappings.start()
    yield Rig(mappings, clock, tracker, functions, kinesis, dynamodb, runner)
    await mappings.close()
    await store.close()


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    async for made in _rig():
        yield made


@pytest.fixture
async def live() -> AsyncIterator[Rig]:
    async for made in _rig(real_pollers=True):
        yield made


def _message(raised: pytest.ExceptionInfo[Exception]) -> str:
    error = raised.value
    assert isinstance(error, InvalidParameterValue | ValidationError | ResourceConflict)
    return error.message


# -- create: defaults and answers ---------------------------------------------------------------------


async def test_a_kinesis_mapping_takes_the_stream_defaults(rig: Rig) -> None:
    created = await rig.mappings.create("f", KINESIS, starting_position="LATEST")
    assert created.state is MappingState.CREATING
    assert created.state_transition_reason == "User action"
    assert (created.batch_size, created.maximum_batching_window) == (100, 0)
    assert (created.parallelization_factor, created.bisect_batch_on_function_error) == (1, False)
    assert (created.maximum_retry_attempts, created.maximum_record_age, created.tumbling_window) == (-1, -1, 0)
    assert (created.starting_position, created.on_failure_destination) == ("LATEST", None)
    assert rig.mappings.get(created.uuid).state is MappingState.ENABLED
    assert rig.mappings.last_processing_result(created) == "No records processed"


async def test_a_dynamodb_stream_mapping_keeps_every_setting_given(rig: Rig) -> None:
    created = await rig.mappings.create(
        "f",
        TABLE_STREAM,
        starting_position="TRIM_HORIZON",
        batch_size=500,  # no batching window needed for streams (observed: BatchSize 100, window 0)
        parallelization_factor=10,
        bisect_batch_on_function_error=True,
        maximum_retry_attempts=10_000,
        maximum_record_age=60,
        tumbling_window=900,
        on_failure_destination=DLQ,
        function_response_types=["ReportBatchItemFailures"],
        filter_patterns=['{"eventName": ["INSERT"]}'],
    )
    stored = rig.mappings.get(created.uuid)
    assert stored.batch_size == 500 and stored.parallelization_factor == 10
    assert stored.bisect_batch_on_function_error is True
    assert (stored.maximum_retry_attempts, stored.maximum_record_age, stored.tumbling_window) == (10_000, 60, 900)
    assert stored.on_failure_destination == DLQ
    assert stored.filter_patterns == ('{"eventName": ["INSERT"]}',)


async def test_at_timestamp_is_kept_for_kinesis(rig: Rig) -> None:
    past = rig.clock.now() - 3600
    created = await rig.mappings.create(
        "f", KINESIS, starting_position="AT_TIMESTAMP", starting_position_timestamp=past
    )
    assert (created.starting_position, created.starting_position_timestamp) == ("AT_TIMESTAMP", past)


async def test_a_queue_mapping_keeps_its_own_defaults_and_reason(rig: Rig) -> None:
    created = await rig.mappings.create("f", QUEUE)
    assert (created.batch_size, created.state_transition_reason, created.starting_position) == (
        10,
        "USER_INITIATED",
        None,
    )
    assert rig.mappings.last_processing_result(created) is None


# -- create: what Lambda refuses ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {},
            "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: "
            "Member must not be null.",
        ),
        (
            {"starting_position": "0"},
            "1 validation error detected: Value '0' at 'startingPosition' failed to satisfy constraint: "
            "Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]",
        ),
        (
            {"starting_position": "LATEST", "starting_position_timestamp": 1_600_000_000.0},
            "Timestamp only valid with StartingPosition AT_TIMESTAMP",
        ),
        ({"starting_position": "AT_TIMESTAMP"}, "Need to specify a timestamp"),
        (
            {"starting_position": "AT_TIMESTAMP", "starting_position_timestamp": -1_600_000_000.0},
            "Received Exception while reading from provided stream. class java.lang.Long can not be converted to "
            "a Timestamp",
        ),
        (
            {"starting_position": "AT_TIMESTAMP", "starting_position_timestamp": 1_800_000_000.0},
            "StartingPositionTimestamp cannot be in the future.",
        ),
    ],
)
async def test_starting_positions_are_checked_as_lambda_does(rig: Rig, settings: dict[str, Any], message: str) -> None:
    with pytest.raises((InvalidParameterValue, ValidationError)) as raised:
        await rig.mappings.create("f", KINESIS, **settings)
    assert _message(raised) == message


async def test_dynamodb_streams_have_no_at_timestamp(rig: Rig) -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        await rig.mappings.create("f", TABLE_STREAM, starting_position="AT_TIMESTAMP", starting_position_timestamp=-1.0)
    assert raised.value.message == f"Unsupported starting position for arn type: {TABLE_STREAM}"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"parallelization_factor": 11},
            "1 validation error detected: Value '11' at 'parallelizationFactor' failed to satisfy constraint: "
            "Member must have value less than or equal to 10",
        ),
        (
            {"parallelization_factor": 0},
            "1 validation error detected: Value '0' at 'parallelizationFactor' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1",
        ),
        (
            {"maximum_retry_attempts": -2},
            "1 validation error detected: Value '-2' at 'maximumRetryAttempts' failed to satisfy constraint: "
            "Member must have value greater than or equal to -1",
        ),
        (
            {"maximum_retry_attempts": 10_001},
            "1 validation error detected: Value '10001' at 'maximumRetryAttempts' failed to satisfy constraint: "
            "Member must have value less than or equal to 10000",
        ),
        (
            {"maximum_record_age": 59},
            "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)",
        ),
        (
            {"maximum_record_age": 604_801},
            "1 validation error detected: Value '604801' at 'maximumRecordAgeInSeconds' failed to satisfy "
            "constraint: Member must have value less than or equal to 604800",
        ),
        (
            {"tumbling_window": 901},
            "1 validation error detected: Value '901' at 'tumblingWindowInSeconds' failed to satisfy constraint: "
            "Member must have value less than or equal to 900",
        ),
        (
            {"batch_size": 10_001},
            "1 validation error detected: Value '10001' at 'batchSize' failed to satisfy constraint: "
            "Member must have value less than or equal to 10000",
        ),
        ({"maximum_concurrency": 5}, "Unsupported 'scalingConfig' parameter for given event source mapping type."),
        (
            {"on_success_destination": DLQ},
            "Unsupported DestinationConfig parameter for given event source mapping type.",
        ),
        (
            {"on_failure_destination": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:g"},
            f"The destination ARN arn:aws:lambda:{REGION}:{ACCOUNT}:function:g is invalid.",
        ),
        ({"filter_patterns": ["simple string"]}, "Invalid filter pattern definition."),
    ],
)
async def test_stream_settings_are_checked_with_lambdas_messages(
    rig: Rig, settings: dict[str, Any], message: str
) -> None:
    with pytest.raises((InvalidParameterValue, ValidationError)) as raised:
        await rig.mappings.create("f", KINESIS, starting_position="LATEST", **settings)
    assert _message(raised) == message
    assert rig.mappings.list() == []


async def test_failure_destinations_may_be_queues_topics_or_buckets(rig: Rig) -> None:
    for function, destination in (("f", DLQ), ("g", f"arn:aws:sns:{REGION}:{ACCOUNT}:t")):
        await rig.mappings.create(function, KINESIS, starting_position="LATEST", on_failure_destination=destination)
    created = await rig.mappings.create(
        "f", TABLE_STREAM, starting_position="LATEST", on_failure_destination="arn:aws:s3:::failures"
    )
    assert created.on_failure_destination == "arn:aws:s3:::failures"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"starting_position": "LATEST"}, "StartingPosition is not valid for SQS event sources."),
        (
            {"parallelization_factor": 2},
            "Unsupported 'parallelizationFactor' parameter for given event source mapping type.",
        ),
        (
            {"bisect_batch_on_function_error": False},
            "Unsupported 'bisectBatchOnFunctionError' parameter for given event source mapping type.",
        ),
        (
            {"maximum_retry_attempts": 1},
            "Unsupported 'maximumRetryAttempts' parameter for given event source mapping type.",
        ),
        (
            {"maximum_record_age": 60},
            "Unsupported 'maximumRecordAgeInSeconds' parameter for given event source mapping type.",
        ),
        (
            {"tumbling_window": 60},
            "Unsupported 'tumblingWindowInSeconds' parameter for given event source mapping type.",
        ),
        (
            {"on_failure_destination": DLQ},
            "Unsupported DestinationConfig parameter for given event source mapping type.",
        ),
    ],
)
async def test_stream_settings_are_refused_for_queues(rig: Rig, settings: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        await rig.mappings.create("f", QUEUE, **settings)
    assert raised.value.message == message


async def test_a_missing_stream_is_not_found(rig: Rig) -> None:
    for arn in (f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/nope", f"{TABLE}x/stream/2024-01-01T00:00:00.000"):
        with pytest.raises(InvalidParameterValue) as raised:
            await rig.mappings.create("f", arn, starting_position="TRIM_HORIZON")
        assert raised.value.message == f"Stream not found: {arn}"


async def test_a_table_is_not_a_stream(rig: Rig) -> None:
    with pytest.raises(InvalidParameterValue) as raised:
        await rig.mappings.create("f", TABLE, starting_position="LATEST")
    assert raised.value.message == "Unrecognized event source, must be kinesis, dynamodb stream or sqs."
    with pytest.raises(InvalidParameterValue):
        await rig.mappings.create("f", "arn:aws:s3:::bucket", starting_position="LATEST")


async def test_a_second_mapping_of_a_stream_and_function_conflicts(rig: Rig) -> None:
    first = await rig.mappings.create("f", TABLE_STREAM, starting_position="LATEST")
    with pytest.raises(ResourceConflict) as raised:
        await rig.mappings.create("f", TABLE_STREAM, starting_position="TRIM_HORIZON")
    assert raised.value.status == 409
    assert raised.value.message == (
        f'The event source arn (" {TABLE_STREAM} ") and function (" f ") provided mapping already exists. '
        f"Please update or delete the existing mapping with UUID {first.uuid}"
    )
    await rig.mappings.create("g", TABLE_STREAM, starting_position="LATEST")  # another function may


# -- update -------------------------------------------------------------------------------------------


async def test_updates_change_stream_settings_and_remove_the_destination(rig: Rig) -> None:
    created = await rig.mappings.create("f", KINESIS, starting_position="LATEST", on_failure_destination=DLQ)
    updated = await rig.mappings.update(
        created.uuid,
        parallelization_factor=4,
        bisect_batch_on_function_error=True,
        maximum_retry_attempts=3,
        maximum_record_age=120,
        tumbling_window=30,
    )
    assert updated.state is MappingState.UPDATING
    assert (updated.parallelization_factor, updated.maximum_retry_attempts, updated.tumbling_window) == (4, 3, 30)
    assert (updated.starting_position, updated.on_failure_destination) == ("LATEST", DLQ)
    assert rig.mappings.get(created.uuid).on_failure_destination == DLQ
    cleared = await rig.mappings.update(created.uuid, on_failure_destination=None, maximum_concurrency=None)
    assert cleared.on_failure_destination is None


async def test_updates_are_checked_like_creates(rig: Rig) -> None:
    stream = await rig.mappings.create("f", KINESIS, starting_position="LATEST")
    queue = await rig.mappings.create("f", QUEUE)
    with pytest.raises(ValidationError):
        await rig.mappings.update(stream.uuid, parallelization_factor=11)
    with pytest.raises(InvalidParameterValue) as age:
        await rig.mappings.update(stream.uuid, maximum_record_age=0)
    assert age.value.message.startswith("MaximumRecordAgeInSeconds must be either -1")
    with pytest.raises(InvalidParameterValue) as scaling:
        await rig.mappings.update(stream.uuid, maximum_concurrency=3)
    assert scaling.value.message == "Unsupported 'scalingConfig' parameter for given event source mapping type."
    with pytest.raises(InvalidParameterValue) as success:
        await rig.mappings.update(stream.uuid, on_success_destination=DLQ)
    assert success.value.message == "Unsupported DestinationConfig parameter for given event source mapping type."
    with pytest.raises(InvalidParameterValue) as queue_setting:
        await rig.mappings.update(queue.uuid, maximum_retry_attempts=2)
    assert queue_setting.value.message == (
        "Unsupported 'maximumRetryAttempts' parameter for given event source mapping type."
    )
    await rig.mappings.create("g", KINESIS, starting_position="LATEST")
    with pytest.raises(ResourceConflict) as conflict:
        await rig.mappings.update(stream.uuid, function_name="g")
    assert conflict.value.message.startswith(f'The event source arn (" {KINESIS} ") and function (" g ")')
    assert rig.mappings.get(stream.uuid).parallelization_factor == 1


# -- pollers ------------------------------------------------------------------------------------------


async def test_stream_mappings_run_a_stream_poller_for_their_lifetime(rig: Rig) -> None:
    assert rig.runner is not None
    created = await rig.mappings.create("f", KINESIS, starting_position="LATEST")
    [poller] = rig.runner.pollers
    assert poller.started and poller.mapping.uuid == created.uuid
    poller.last_processing_result = "OK"
    disabled = await rig.mappings.update(created.uuid, enabled=False)
    assert disabled.state is MappingState.DISABLING and poller.stopped
    assert len(rig.runner.pollers) == 1  # a disabled mapping runs nothing
    assert rig.mappings.last_processing_result(disabled) == "OK"  # the last result outlives the poller
    await rig.mappings.update(created.uuid, enabled=True, batch_size=7)
    restarted = rig.runner.pollers[-1]
    assert restarted.started and restarted.mapping.batch_size == 7
    assert rig.mappings.last_processing_result(rig.mappings.get(created.uuid)) == "OK"
    restarted.last_processing_result = "PROBLEM: Function call failed"
    assert rig.mappings.last_processing_result(created) == "PROBLEM: Function call failed"
    assert (await rig.mappings.delete(created.uuid)).state is MappingState.DELETING
    assert restarted.stopped and rig.runner.forgotten == [created.uuid]


async def test_a_disabled_stream_mapping_starts_nothing_and_queue_deletes_forget_nothing(rig: Rig) -> None:
    assert rig.runner is not None
    created = await rig.mappings.create("f", TABLE_STREAM, starting_position="LATEST", enabled=False)
    assert created.state is MappingState.DISABLED and rig.runner.pollers == []
    queue = await rig.mappings.create("f", QUEUE)
    await rig.mappings.delete(queue.uuid)
    assert rig.runner.forgotten == []


async def test_stream_mappings_start_when_their_source_is_attached() -> None:
    store = open_store(None)
    await store.open()
    clock, tracker, functions, runner = VirtualClock(), WorkTracker(), FakeFunctions(), FakeRunner()
    functions.add("f")
    first = EventSourceMappings(store.documents, clock, tracker, functions, streams=runner)
    kinesis = FakeStreams(StreamKind.KINESIS, clock)
    kinesis.create(KINESIS)
    first.attach("kinesis", kinesis)
    await first.start()
    created = await first.create("f", KINESIS, starting_position="TRIM_HORIZON")
    await first.close()
    # a restart: the stored mapping resumes once its stream source is attached, not before
    again = EventSourceMappings(store.documents, clock, tracker, functions, streams=runner)
    await again.start()
    assert len(runner.pollers) == 1
    again.attach("kinesis", kinesis)
    assert len(runner.pollers) == 2 and runner.pollers[-1].mapping.uuid == created.uuid
    assert runner.pollers[-1].started
    await again.close()
    await store.close()


async def test_records_reach_the_function_through_the_stream_poller(live: Rig) -> None:
    created = await live.mappings.create("f", KINESIS, starting_position="TRIM_HORIZON")
    await live.settle()
    live.kinesis.put(KINESIS, b'{"order": 1}')
    await live.settle()
    [event] = live.functions.events
    [record] = event["Records"]
    assert record["eventSourceARN"] == KINESIS
    assert record["kinesis"]["sequenceNumber"] == str(10**20 + 1)
    assert live.mappings.last_processing_result(live.mappings.get(created.uuid)) == "OK"
    await live.mappings.delete(created.uuid)
    assert live.mappings.list() == []
