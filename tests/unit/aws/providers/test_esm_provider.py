"""The event source mapping operations end to end through the AWS protocol layer: a real botocore client
whose requests our endpoint parses, our provider answers and botocore parses back (spec §2.2)."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from wire_harness import WireClient

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.protocol import HttpRequest, HttpResponse
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.lambda_.mappings import MappingOperations
from triggerfish.services.lambda_.service import LambdaService

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "services"))
from esm_fakes import Harness, ok


class _Provider:
    """The Lambda provider's table reduced to the mapping operations, over the fake queue and functions."""

    def __init__(self, harness: Harness) -> None:
        service = cast(LambdaService, type("Service", (), {"mappings": harness.mappings})())
        self._table = MappingOperations(service).table()

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return BodyLimit(6_291_456, "Lambda")

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


class Rig:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.harness = self.loop.run_until_complete(_started())
        self.harness.functions.add("f", ok)
        self.harness.functions.add("g", ok)
        self.app = AwsApp({"lambda": _Provider(self.harness)})
        self.wire = WireClient("lambda")
        self.wire.reply_with(self.reply)
        self.client = self.wire.client

    def reply(self, request: HttpRequest) -> HttpResponse:
        return self.loop.run_until_complete(self.app.handle(request, "4d0c3f27-9b1e-4d6e-8a0e-2f7f3a1c5b6d"))

    def queue(self, name: str, **settings: Any) -> str:
        return self.harness.queue.create(name, **settings)

    def close(self) -> None:
        self.loop.run_until_complete(self.harness.close())
        self.loop.close()


async def _started() -> Harness:
    return await Harness().start()


@pytest.fixture
def rig() -> Iterator[Rig]:
    made = Rig()
    yield made
    made.close()


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response: Any = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def test_create_answers_202_creating_with_the_sqs_members(rig: Rig) -> None:
    queue = rig.queue("q")
    created = rig.client.create_event_source_mapping(FunctionName="f", EventSourceArn=queue)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    uuid = created["UUID"]
    assert created["State"] == "Creating"
    assert created["StateTransitionReason"] == "USER_INITIATED"
    assert created["BatchSize"] == 10
    assert created["MaximumBatchingWindowInSeconds"] == 0
    assert created["FunctionResponseTypes"] == []
    assert created["EventSourceArn"] == queue
    assert created["FunctionArn"] == "arn:aws:lambda:us-east-1:000000000000:function:f"
    assert created["EventSourceMappingArn"] == f"arn:aws:lambda:us-east-1:000000000000:event-source-mapping:{uuid}"
    assert "FilterCriteria" not in created and "ScalingConfig" not in created
    got = rig.client.get_event_source_mapping(UUID=uuid)
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert got["State"] == "Enabled"
    assert got["LastModified"] == created["LastModified"]


def test_filters_scaling_and_response_types_round_trip(rig: Rig) -> None:
    pattern = json.dumps({"body": {"testItem": ["test24"]}})
    created = rig.client.create_event_source_mapping(
        FunctionName="f",
        EventSourceArn=rig.queue("q"),
        BatchSize=20,
        MaximumBatchingWindowInSeconds=1,
        FilterCriteria={"Filters": [{"Pattern": pattern}]},
        ScalingConfig={"MaximumConcurrency": 2},
        FunctionResponseTypes=["ReportBatchItemFailures"],
    )
    assert created["FilterCriteria"] == {"Filters": [{"Pattern": pattern}]}
    assert created["ScalingConfig"] == {"MaximumConcurrency": 2}
    assert created["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert (created["BatchSize"], created["MaximumBatchingWindowInSeconds"]) == (20, 1)
    updated = rig.client.update_event_source_mapping(UUID=created["UUID"], ScalingConfig={}, FilterCriteria={})
    assert "ScalingConfig" not in updated and "FilterCriteria" not in updated


def test_update_answers_enabling_disabling_updating(rig: Rig) -> None:
    created = rig.client.create_event_source_mapping(FunctionName="f", EventSourceArn=rig.queue("q"), Enabled=False)
    assert created["State"] == "Disabled"
    uuid = created["UUID"]
    enabling = rig.client.update_event_source_mapping(UUID=uuid, Enabled=True)
    assert (enabling["ResponseMetadata"]["HTTPStatusCode"], enabling["State"]) == (202, "Enabling")
    assert rig.client.update_event_source_mapping(UUID=uuid, BatchSize=3)["State"] == "Updating"
    assert rig.client.update_event_source_mapping(UUID=uuid, Enabled=False)["State"] == "Disabling"
    moved = rig.client.update_event_source_mapping(UUID=uuid, FunctionName="g")
    assert moved["FunctionArn"].endswith(":function:g")
    assert rig.client.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"


def test_delete_answers_deleting_then_get_is_not_found(rig: Rig) -> None:
    uuid = rig.client.create_event_source_mapping(FunctionName="f", EventSourceArn=rig.queue("q"))["UUID"]
    deleted = rig.client.delete_event_source_mapping(UUID=uuid)
    assert (deleted["ResponseMetadata"]["HTTPStatusCode"], deleted["State"]) == (202, "Deleting")
    with pytest.raises(ClientError) as raised:
        rig.client.get_event_source_mapping(UUID=uuid)
    assert _error(raised) == (404, "ResourceNotFoundException", "The resource you requested does not exist.")


def test_list_filters_and_pages(rig: Rig) -> None:
    q1, q2 = rig.queue("q1"), rig.queue("q2")
    made = [
        rig.client.create_event_source_mapping(FunctionName=f, EventSourceArn=q)["UUID"]
        for f, q in (("f", q1), ("g", q1), ("f", q2))
    ]
    listed = rig.client.list_event_source_mappings()["EventSourceMappings"]
    assert sorted(m["UUID"] for m in listed) == sorted(made)
    assert all(m["State"] == "Enabled" for m in listed)
    of_f = rig.client.list_event_source_mappings(FunctionName="f")["EventSourceMappings"]
    assert sorted(m["UUID"] for m in of_f) == sorted([made[0], made[2]])
    of_q1 = rig.client.list_event_source_mappings(EventSourceArn=q1, FunctionName="g")["EventSourceMappings"]
    assert [m["UUID"] for m in of_q1] == [made[1]]
    first = rig.client.list_event_source_mappings(MaxItems=2)
    assert len(first["EventSourceMappings"]) == 2 and "NextMarker" in first
    rest = rig.client.list_event_source_mappings(MaxItems=2, Marker=first["NextMarker"])
    assert len(rest["EventSourceMappings"]) == 1 and "NextMarker" not in rest
    paged = [m["UUID"] for page in (first, rest) for m in page["EventSourceMappings"]]
    assert sorted(paged) == sorted(made)


def test_errors_carry_aws_codes_statuses_and_messages(rig: Rig) -> None:
    queue = rig.queue("q")
    first = rig.client.create_event_source_mapping(FunctionName="f", EventSourceArn=queue)
    with pytest.raises(ClientError) as duplicate:
        rig.client.create_event_source_mapping(FunctionName="f", EventSourceArn=queue)
    assert _error(duplicate) == (
        409,
        "ResourceConflictException",
        f'An event source mapping with SQS arn (" {queue} ") and function (" f ") already exists. '
        f"Please update or delete the existing mapping with UUID {first['UUID']}",
    )
    with pytest.raises(ClientError) as window:
        rig.client.create_event_source_mapping(FunctionName="g", EventSourceArn=queue, BatchSize=11)
    assert _error(window) == (
        400,
        "InvalidParameterValueException",
        "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
    )
    with pytest.raises(ClientError) as bad_filter:
        rig.client.create_event_source_mapping(
            FunctionName="g", EventSourceArn=queue, FilterCriteria={"Filters": [{"Pattern": "simple string"}]}
        )
    assert _error(bad_filter) == (400, "InvalidParameterValueException", "Invalid filter pattern definition.")
    with pytest.raises(ClientError) as missing_queue:
        rig.client.create_event_source_mapping(
            FunctionName="g", EventSourceArn="arn:aws:sqs:us-east-1:000000000000:nope"
        )
    status, code, message = _error(missing_queue)
    assert (status, code) == (400, "InvalidParameterValueException")
    assert "AWS.SimpleQueueService.NonExistentQueue" in message
    with pytest.raises(ClientError) as missing_function:
        rig.client.create_event_source_mapping(FunctionName="nope", EventSourceArn=queue)
    assert _error(missing_function)[:2] == (404, "ResourceNotFoundException")


def test_model_constraints_are_checked_before_the_service(rig: Rig) -> None:
    unchecked = WireClient("lambda", config=Config(parameter_validation=False))
    unchecked.reply_with(rig.reply)
    with pytest.raises(ClientError) as raised:
        unchecked.client.create_event_source_mapping(
            FunctionName="f", EventSourceArn=rig.queue("q"), ScalingConfig={"MaximumConcurrency": 1}
        )
    status, code, message = _error(raised)
    assert (status, code) == (400, "ValidationException")
    assert "maximumConcurrency" in message
