"""EventBridge Scheduler managed with boto3 over real HTTP: the Scheduler provider behind the
endpoint's server on 127.0.0.1, state in a SQLite file that outlives a restart, a schedule firing
on the real clock into a recorded target."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
import time
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import boto3
import pytest
from botocore.config import Config

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.providers.scheduler import SchedulerProvider
from triggerfish.aws.server import HttpServer
from triggerfish.core.clock import SystemClock
from triggerfish.core.delivery import Delivery, DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.services.scheduler import SchedulerService
from triggerfish.services.ticker import Ticker
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

T = TypeVar("T")
FN = "arn:aws:lambda:us-east-1:000000000000:function:work"
DLQ = "arn:aws:sqs:us-east-1:000000000000:dead"
ROLE = "arn:aws:iam::000000000000:role/scheduler"
GROUP_ARN = "arn:aws:scheduler:us-east-1:000000000000:schedule-group/"
OFF = {"Mode": "OFF"}


class Recorder:
    def __init__(self) -> None:
        self.received: list[tuple[str, Delivery]] = []

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        self.received.append((arn, delivery))

    def exists(self, arn: str) -> bool:
        return True


class Endpoint:
    """The provider on a real HTTP server, on an event loop of its own thread."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self.recorder = Recorder()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.run(self._start())

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(30)

    async def _start(self) -> None:
        self.store: Store = open_store(self._data_dir)
        await self.store.open()
        clock = SystemClock()
        tracker = WorkTracker()
        deliveries = DeliveryRegistry()
        deliveries.register("lambda", self.recorder)
        deliveries.register("sqs", self.recorder)
        self.ticker = Ticker(clock, tracker)
        self.service = SchedulerService(
            self.store.documents, clock, deliveries, tracker, self.ticker, self.store.pending("scheduler")
        )
        await self.ticker.start()
        await self.service.start()
        self.http = HttpServer(AwsApp({"scheduler": SchedulerProvider(self.service)}), "127.0.0.1", 0)
        await self.http.start()

    def client(self) -> Any:
        return boto3.client(
            "scheduler",
            endpoint_url=self.http.url,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"total_max_attempts": 1}),
        )

    async def _stop(self) -> None:
        await self.http.stop()
        await self.service.close()
        await self.ticker.close()
        await self.store.close()

    def close(self) -> None:
        self.run(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()


@pytest.fixture
def endpoint(tmp_path: Path) -> Iterator[Endpoint]:
    running = Endpoint(tmp_path / "data")
    yield running
    running.close()


def error_of(caught: pytest.ExceptionInfo[Any]) -> tuple[str, int, str]:
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def test_groups_and_their_tags_over_http(endpoint: Endpoint) -> None:
    scheduler = endpoint.client()
    created = scheduler.create_schedule_group(Name="reports", Tags=[{"Key": "team", "Value": "data"}])
    assert created["ScheduleGroupArn"] == GROUP_ARN + "reports"
    scheduler.create_schedule_group(Name="reruns")
    group = scheduler.get_schedule_group(Name="reports")
    assert (group["Arn"], group["Name"], group["State"]) == (GROUP_ARN + "reports", "reports", "ACTIVE")
    assert isinstance(group["CreationDate"], dt.datetime) and isinstance(group["LastModificationDate"], dt.datetime)

    first = scheduler.list_schedule_groups(MaxResults=2)
    assert [g["Name"] for g in first["ScheduleGroups"]] == ["default", "reports"]
    rest = scheduler.list_schedule_groups(MaxResults=2, NextToken=first["NextToken"])
    assert [g["Name"] for g in rest["ScheduleGroups"]] == ["reruns"] and "NextToken" not in rest
    assert [g["Name"] for g in scheduler.list_schedule_groups(NamePrefix="rer")["ScheduleGroups"]] == ["reruns"]

    # the ARN travels percent-encoded in the path (/tags/{ResourceArn})
    scheduler.tag_resource(ResourceArn=GROUP_ARN + "reports", Tags=[{"Key": "stage", "Value": "prod"}])
    scheduler.untag_resource(ResourceArn=GROUP_ARN + "reports", TagKeys=["team"])
    assert scheduler.list_tags_for_resource(ResourceArn=GROUP_ARN + "reports")["Tags"] == [
        {"Key": "stage", "Value": "prod"}
    ]

    with pytest.raises(scheduler.exceptions.ConflictException) as conflict:
        scheduler.create_schedule_group(Name="reports")
    assert error_of(conflict) == ("ConflictException", 409, "Schedule group reports already exists.")
    with pytest.raises(scheduler.exceptions.ValidationException) as default:
        scheduler.delete_schedule_group(Name="default")
    assert error_of(default) == ("ValidationException", 400, "Cannot delete the default schedule group.")
    scheduler.delete_schedule_group(Name="reruns")
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException) as gone:
        scheduler.get_schedule_group(Name="reruns")
    assert error_of(gone) == ("ResourceNotFoundException", 404, "Schedule group reruns does not exist.")


def test_schedules_over_http(endpoint: Endpoint) -> None:
    scheduler = endpoint.client()
    scheduler.create_schedule_group(Name="reports")
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
    arn = scheduler.create_schedule(
        Name="nightly",
        GroupName="reports",
        ScheduleExpression="cron(0 3 * * ? *)",
        ScheduleExpressionTimezone="Europe/Paris",
        StartDate=start,
        EndDate=start + dt.timedelta(days=30),
        Description="nightly report",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
        Target={"Arn": FN, "RoleArn": ROLE, "Input": '{"report": "daily"}', "DeadLetterConfig": {"Arn": DLQ}},
        ActionAfterCompletion="DELETE",
    )["ScheduleArn"]
    assert arn == "arn:aws:scheduler:us-east-1:000000000000:schedule/reports/nightly"
    got = scheduler.get_schedule(Name="nightly", GroupName="reports")
    assert (got["Arn"], got["GroupName"], got["State"], got["ActionAfterCompletion"]) == (
        arn,
        "reports",
        "ENABLED",
        "DELETE",
    )
    assert (got["StartDate"], got["EndDate"]) == (start, start + dt.timedelta(days=30))
    assert got["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}
    assert got["Target"] == {
        "Arn": FN,
        "RoleArn": ROLE,
        "Input": '{"report": "daily"}',
        "DeadLetterConfig": {"Arn": DLQ},
        "RetryPolicy": {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185},
    }

    scheduler.update_schedule(
        Name="nightly",
        GroupName="reports",
        ScheduleExpression="rate(12 hours)",
        FlexibleTimeWindow=OFF,
        State="DISABLED",
        Target={"Arn": FN, "RoleArn": ROLE},
    )
    updated = scheduler.get_schedule(Name="nightly", GroupName="reports")
    assert "Description" not in updated and "StartDate" not in updated
    assert (updated["ScheduleExpressionTimezone"], updated["State"], updated["ActionAfterCompletion"]) == (
        "UTC",
        "DISABLED",
        "NONE",
    )

    scheduler.create_schedule(
        Name="hourly",
        ScheduleExpression="cron(0 * * * ? *)",
        FlexibleTimeWindow=OFF,
        Target={"Arn": FN, "RoleArn": ROLE},
    )
    listed = scheduler.list_schedules()["Schedules"]
    assert [(s["GroupName"], s["Name"], s["State"], s["Target"]) for s in listed] == [
        ("default", "hourly", "ENABLED", {"Arn": FN}),
        ("reports", "nightly", "DISABLED", {"Arn": FN}),
    ]
    assert [s["Name"] for s in scheduler.list_schedules(GroupName="reports")["Schedules"]] == ["nightly"]
    assert [s["Name"] for s in scheduler.list_schedules(State="ENABLED")["Schedules"]] == ["hourly"]
    assert [s["Name"] for s in scheduler.list_schedules(NamePrefix="night")["Schedules"]] == ["nightly"]
    page = scheduler.list_schedules(MaxResults=1)
    assert [s["Name"] for s in page["Schedules"]] == ["hourly"]
    assert [s["Name"] for s in scheduler.list_schedules(MaxResults=1, NextToken=page["NextToken"])["Schedules"]] == [
        "nightly"
    ]

    scheduler.delete_schedule(Name="nightly", GroupName="reports")
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException) as missing:
        scheduler.get_schedule(Name="nightly", GroupName="reports")
    assert error_of(missing) == ("ResourceNotFoundException", 404, "Schedule nightly does not exist.")


def test_errors_over_http(endpoint: Endpoint) -> None:
    scheduler = endpoint.client()
    base: dict[str, Any] = {"FlexibleTimeWindow": OFF, "Target": {"Arn": FN, "RoleArn": ROLE}}
    with pytest.raises(scheduler.exceptions.ValidationException) as invalid:
        scheduler.create_schedule(Name="bad", ScheduleExpression="rate(10 seconds)", **base)
    assert error_of(invalid) == ("ValidationException", 400, "Invalid Schedule Expression rate(10 seconds).")
    arn = scheduler.create_schedule(Name="job", ScheduleExpression="rate(1 hour)", **base)["ScheduleArn"]
    with pytest.raises(scheduler.exceptions.ConflictException) as conflict:
        scheduler.create_schedule(Name="job", ScheduleExpression="rate(1 hour)", **base)
    assert error_of(conflict) == ("ConflictException", 409, "Schedule job already exists.")
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException) as missing:
        scheduler.delete_schedule(Name="ghost")
    assert error_of(missing) == ("ResourceNotFoundException", 404, "Schedule ghost does not exist.")
    with pytest.raises(scheduler.exceptions.ResourceNotFoundException) as no_group:
        scheduler.create_schedule(Name="job", GroupName="nowhere", ScheduleExpression="rate(1 hour)", **base)
    assert error_of(no_group) == ("ResourceNotFoundException", 404, "Schedule group nowhere does not exist.")
    with pytest.raises(scheduler.exceptions.ValidationException) as retries:
        scheduler.create_schedule(
            Name="retries",
            ScheduleExpression="rate(1 hour)",
            FlexibleTimeWindow=OFF,
            Target={"Arn": FN, "RoleArn": ROLE, "RetryPolicy": {"MaximumRetryAttempts": 186}},
        )
    assert error_of(retries)[2] == (
        "1 validation error detected: Value '186' at 'target.retryPolicy.maximumRetryAttempts' failed to satisfy "
        "constraint: Member must have value less than or equal to 185"
    )
    # only schedule groups can be tagged: a schedule's ARN breaks the ResourceArn pattern
    with pytest.raises(scheduler.exceptions.ValidationException) as tagged:
        scheduler.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "b"}])
    assert error_of(tagged)[2].startswith(f"1 validation error detected: Value '{arn}' at 'resourceArn'")


def test_a_schedule_fires_on_the_real_clock(endpoint: Endpoint) -> None:
    scheduler = endpoint.client()
    arn = scheduler.create_schedule(
        Name="now",
        ScheduleExpression="rate(1 hour)",  # a rate without StartDate starts at once
        FlexibleTimeWindow=OFF,
        Target={"Arn": FN, "RoleArn": ROLE, "Input": '{"schedule": "<aws.scheduler.schedule-arn>"}'},
    )["ScheduleArn"]
    deadline = time.monotonic() + 10
    while not endpoint.recorder.received and time.monotonic() < deadline:
        time.sleep(0.01)
    assert [(target, delivery.body) for target, delivery in endpoint.recorder.received] == [
        (FN, f'{{"schedule": "{arn}"}}')
    ]


def test_state_survives_a_restart(tmp_path: Path) -> None:
    first = Endpoint(tmp_path / "data")
    try:
        scheduler = first.client()
        scheduler.create_schedule_group(Name="reports", Tags=[{"Key": "team", "Value": "data"}])
        scheduler.create_schedule(
            Name="weekly",
            GroupName="reports",
            ScheduleExpression="cron(0 8 ? * MON *)",
            FlexibleTimeWindow=OFF,
            Target={"Arn": FN, "RoleArn": ROLE},
        )
        before = scheduler.get_schedule(Name="weekly", GroupName="reports")
    finally:
        first.close()
    second = Endpoint(tmp_path / "data")
    try:
        scheduler = second.client()
        after = scheduler.get_schedule(Name="weekly", GroupName="reports")
        assert {k: v for k, v in after.items() if k != "ResponseMetadata"} == {
            k: v for k, v in before.items() if k != "ResponseMetadata"
        }
        assert scheduler.list_tags_for_resource(ResourceArn=GROUP_ARN + "reports")["Tags"] == [
            {"Key": "team", "Value": "data"}
        ]
    finally:
        second.close()
