"""Stream event source mappings through boto3 and the AWS endpoint on a real socket: the members AWS
answers with for Kinesis and DynamoDB Streams mappings, and its errors (spec §7.1; recorded answers)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from botocore.exceptions import ClientError
from endpoint_thread import EndpointThread, Stop, TableProvider

from triggerfish.aws.providers.base import Provider
from triggerfish.aws.providers.lambda_.mappings import MappingOperations
from triggerfish.core.clock import SystemClock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.errors import ResourceNotFound
from triggerfish.core.queue_port import QueueInfo, ReceivedMessage
from triggerfish.core.stream_port import ShardInfo, StreamInfo, StreamKind, StreamRecord
from triggerfish.core.work import WorkTracker
from triggerfish.services.lambda_.mappings import EventSourceMappings
from triggerfish.services.lambda_.models import FunctionConfig
from triggerfish.services.lambda_.records import Invocation
from triggerfish.services.lambda_.service import LambdaService
from triggerfish.store.factory import open_store

ACCOUNT = "000000000000"
REGION = "us-east-1"
KINESIS = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/orders"
TABLE_STREAM = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/orders/stream/2023-11-14T22:13:20.000"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"
DLQ = f"arn:aws:sqs:{REGION}:{ACCOUNT}:failures"
#: the members of a stream mapping's answer (recorded AWS answers for Kinesis and DynamoDB Streams)
STREAM_MEMBERS = {
    "BatchSize",
    "BisectBatchOnFunctionError",
    "DestinationConfig",
    "EventSourceArn",
    "EventSourceMappingArn",
    "FunctionArn",
    "FunctionResponseTypes",
    "LastModified",
    "LastProcessingResult",
    "MaximumBatchingWindowInSeconds",
    "MaximumRecordAgeInSeconds",
    "MaximumRetryAttempts",
    "ParallelizationFactor",
    "StartingPosition",
    "State",
    "StateTransitionReason",
    "TumblingWindowInSeconds",
    "UUID",
}


class EmptyStreams:
    """A ``StreamSource`` of known, empty one-shard streams."""

    def __init__(self, kind: StreamKind, *arns: str) -> None:
        self.kind = kind
        self.arns = set(arns)

    def stream(self, arn: str) -> StreamInfo | None:
        return StreamInfo(arn, self.kind, (ShardInfo("shardId-000000000000"),)) if arn in self.arns else None

    async def read(self, arn: str, shard_id: str, *, after: int | None, limit: int) -> Sequence[StreamRecord]:
        return []

    def latest(self, arn: str, shard_id: str) -> int | None:
        return None

    async def position_at(self, arn: str, shard_id: str, timestamp: float) -> int | None:
        return None

    def on_records(self, arn: str, callback: Callable[[], None]) -> Callable[[], None]:
        return lambda: None


class OneQueue:
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


class Functions:
    """Functions ``f`` and ``g``; nothing is invoked in these tests (the streams stay empty)."""

    def __init__(self) -> None:
        self.functions = {
            name: FunctionConfig(
                name=name,
                account=ACCOUNT,
                region=REGION,
                runtime="python3.12",
                handler="app.handler",
                code_dir="/nowhere",
            )
            for name in ("f", "g")
        }

    def lookup(self, function_name: str, account: str, region: str) -> FunctionConfig:
        function = self.functions.get(function_name)
        if function is None:
            raise ResourceNotFound(f"Function not found: arn:aws:lambda:{region}:{account}:function:{function_name}")
        return function

    def by_arn(self, function_arn: str) -> FunctionConfig | None:
        return self.functions.get(function_arn.split(":")[6])

    def has_capacity(self, function: FunctionConfig) -> bool:
        return True

    async def invoke(self, function: FunctionConfig, payload: bytes) -> Invocation:
        raise AssertionError("no records, no invocations")

    def on_capacity(self, callback: Callable[[], None]) -> None:
        return None


async def _build() -> tuple[Mapping[str, Provider], Stop]:
    store = open_store(None)
    await store.open()
    mappings = EventSourceMappings(
        store.documents, SystemClock(), WorkTracker(), Functions(), deliveries=DeliveryRegistry()
    )
    mappings.attach("sqs", OneQueue())
    mappings.attach("kinesis", EmptyStreams(StreamKind.KINESIS, KINESIS))
    mappings.attach("dynamodb", EmptyStreams(StreamKind.DYNAMODB, TABLE_STREAM))
    await mappings.start()
    service = cast(LambdaService, type("Service", (), {"mappings": mappings})())

    async def stop() -> None:
        await mappings.close()
        await store.close()

    return {"lambda": TableProvider(MappingOperations(service).table())}, stop


@pytest.fixture(scope="module")
def endpoint() -> Iterator[EndpointThread]:
    thread = EndpointThread(_build)
    yield thread
    thread.close()


@pytest.fixture
def client(endpoint: EndpointThread) -> Iterator[Any]:
    made = endpoint.client("lambda")
    yield made
    for mapping in made.list_event_source_mappings()["EventSourceMappings"]:
        with contextlib.suppress(ClientError):
            made.delete_event_source_mapping(UUID=mapping["UUID"])


@pytest.fixture
def unchecked(endpoint: EndpointThread) -> Any:
    """A client that sends what it is given, so the endpoint's own checks answer."""
    return endpoint.client("lambda", parameter_validation=False)


def _error(raised: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response: Any = raised.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def _members(answer: Mapping[str, Any]) -> set[str]:
    return set(answer) - {"ResponseMetadata"}


def test_a_kinesis_mapping_answers_with_the_stream_members(client: Any) -> None:
    created = client.create_event_source_mapping(FunctionName="f", EventSourceArn=KINESIS, StartingPosition="LATEST")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert _members(created) == STREAM_MEMBERS
    assert (created["State"], created["StateTransitionReason"]) == ("Creating", "User action")
    assert (created["BatchSize"], created["MaximumBatchingWindowInSeconds"]) == (100, 0)
    assert (created["ParallelizationFactor"], created["BisectBatchOnFunctionError"]) == (1, False)
    assert (created["MaximumRetryAttempts"], created["MaximumRecordAgeInSeconds"]) == (-1, -1)
    assert created["TumblingWindowInSeconds"] == 0
    assert created["DestinationConfig"] == {"OnFailure": {}}
    assert created["LastProcessingResult"] == "No records processed"
    assert created["StartingPosition"] == "LATEST"
    got = client.get_event_source_mapping(UUID=created["UUID"])
    assert (got["ResponseMetadata"]["HTTPStatusCode"], got["State"]) == (200, "Enabled")
    assert _members(got) == STREAM_MEMBERS


def test_a_dynamodb_mapping_echoes_its_settings_in_every_answer(client: Any) -> None:
    pattern = '{"eventName": ["INSERT"]}'
    created = client.create_event_source_mapping(
        FunctionName="f",
        EventSourceArn=TABLE_STREAM,
        StartingPosition="TRIM_HORIZON",
        BatchSize=1,
        MaximumBatchingWindowInSeconds=1,
        MaximumRetryAttempts=1,
        MaximumRecordAgeInSeconds=60,
        ParallelizationFactor=2,
        BisectBatchOnFunctionError=True,
        TumblingWindowInSeconds=30,
        DestinationConfig={"OnFailure": {"Destination": DLQ}},
        FunctionResponseTypes=["ReportBatchItemFailures"],
        FilterCriteria={"Filters": [{"Pattern": pattern}]},
    )
    expected = {
        "BatchSize": 1,
        "MaximumBatchingWindowInSeconds": 1,
        "MaximumRetryAttempts": 1,
        "MaximumRecordAgeInSeconds": 60,
        "ParallelizationFactor": 2,
        "BisectBatchOnFunctionError": True,
        "TumblingWindowInSeconds": 30,
        "DestinationConfig": {"OnFailure": {"Destination": DLQ}},
        "FunctionResponseTypes": ["ReportBatchItemFailures"],
        "FilterCriteria": {"Filters": [{"Pattern": pattern}]},
        "StartingPosition": "TRIM_HORIZON",
    }
    listed = client.list_event_source_mappings(EventSourceArn=TABLE_STREAM)["EventSourceMappings"]
    for answer in (created, client.get_event_source_mapping(UUID=created["UUID"]), *listed):
        assert {key: answer[key] for key in expected} == expected


def test_at_timestamp_echoes_the_timestamp(client: Any) -> None:
    moment = datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    created = client.create_event_source_mapping(
        FunctionName="f", EventSourceArn=KINESIS, StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=moment
    )
    assert created["StartingPosition"] == "AT_TIMESTAMP"
    assert created["StartingPositionTimestamp"] == moment


def test_updates_and_deletes_answer_202_with_the_stream_members(client: Any) -> None:
    uuid = client.create_event_source_mapping(
        FunctionName="f",
        EventSourceArn=KINESIS,
        StartingPosition="LATEST",
        DestinationConfig={"OnFailure": {"Destination": DLQ}},
    )["UUID"]
    updated = client.update_event_source_mapping(
        UUID=uuid, MaximumRetryAttempts=5, DestinationConfig={"OnFailure": {"Destination": ""}}
    )
    assert (updated["ResponseMetadata"]["HTTPStatusCode"], updated["State"]) == (202, "Updating")
    assert (updated["MaximumRetryAttempts"], updated["DestinationConfig"]) == (5, {"OnFailure": {}})
    disabling = client.update_event_source_mapping(UUID=uuid, Enabled=False)
    assert disabling["State"] == "Disabling"
    assert client.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"
    deleted = client.delete_event_source_mapping(UUID=uuid)
    assert (deleted["ResponseMetadata"]["HTTPStatusCode"], deleted["State"]) == (202, "Deleting")
    assert _members(deleted) == STREAM_MEMBERS
    assert client.list_event_source_mappings()["EventSourceMappings"] == []


def test_stream_errors_carry_aws_codes_and_messages(client: Any) -> None:
    missing = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/nope"
    with pytest.raises(ClientError) as not_found:
        client.create_event_source_mapping(FunctionName="f", EventSourceArn=missing, StartingPosition="LATEST")
    assert _error(not_found) == (400, "InvalidParameterValueException", f"Stream not found: {missing}")
    first = client.create_event_source_mapping(FunctionName="f", EventSourceArn=KINESIS, StartingPosition="LATEST")
    with pytest.raises(ClientError) as duplicate:
        client.create_event_source_mapping(FunctionName="f", EventSourceArn=KINESIS, StartingPosition="LATEST")
    assert _error(duplicate) == (
        409,
        "ResourceConflictException",
        f'The event source arn (" {KINESIS} ") and function (" f ") provided mapping already exists. '
        f"Please update or delete the existing mapping with UUID {first['UUID']}",
    )
    with pytest.raises(ClientError) as no_position:
        client.create_event_source_mapping(FunctionName="g", EventSourceArn=KINESIS)
    assert _error(no_position) == (
        400,
        "InvalidParameterValueException",
        "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: "
        "Member must not be null.",
    )
    with pytest.raises(ClientError) as ddb_timestamp:
        client.create_event_source_mapping(
            FunctionName="g",
            EventSourceArn=TABLE_STREAM,
            StartingPosition="AT_TIMESTAMP",
            StartingPositionTimestamp=datetime(2023, 1, 1, tzinfo=UTC),
        )
    assert _error(ddb_timestamp) == (
        400,
        "InvalidParameterValueException",
        f"Unsupported starting position for arn type: {TABLE_STREAM}",
    )
    with pytest.raises(ClientError) as on_success:
        client.create_event_source_mapping(
            FunctionName="g",
            EventSourceArn=KINESIS,
            StartingPosition="LATEST",
            DestinationConfig={"OnSuccess": {"Destination": DLQ}},
        )
    assert _error(on_success)[2] == "Unsupported DestinationConfig parameter for given event source mapping type."
    with pytest.raises(ClientError) as empty_failure:
        client.create_event_source_mapping(
            FunctionName="g", EventSourceArn=KINESIS, StartingPosition="LATEST", DestinationConfig={"OnFailure": {}}
        )
    assert _error(empty_failure)[2] == "The Destination field is required for an OnFailure configuration."
    with pytest.raises(ClientError) as queue_position:
        client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE, StartingPosition="LATEST")
    assert _error(queue_position) == (
        400,
        "InvalidParameterValueException",
        "StartingPosition is not valid for SQS event sources.",
    )


def test_model_ranges_are_answered_as_validation_errors(client: Any, unchecked: Any) -> None:
    with pytest.raises(ClientError) as factor:
        unchecked.create_event_source_mapping(
            FunctionName="f", EventSourceArn=KINESIS, StartingPosition="LATEST", ParallelizationFactor=11
        )
    assert _error(factor) == (
        400,
        "ValidationException",
        "1 validation error detected: Value '11' at 'parallelizationFactor' failed to satisfy constraint: "
        "Member must have value less than or equal to 10",
    )
    with pytest.raises(ClientError) as age:
        client.create_event_source_mapping(
            FunctionName="f", EventSourceArn=KINESIS, StartingPosition="LATEST", MaximumRecordAgeInSeconds=30
        )
    assert _error(age) == (
        400,
        "InvalidParameterValueException",
        "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)",
    )
