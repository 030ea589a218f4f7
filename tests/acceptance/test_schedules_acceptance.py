"""Schedules as a user meets them: on the real clock through ``triggerfish up`` and boto3 (spec §4.6,
§4.7), and across a daylight-saving change on the virtual clock of ``triggerfish.local``.

Scheduled rules have one-minute precision, so a ``rate(1 minute)`` rule is armed as soon as the app is
up, before any test of this module runs; its first tick, at the next whole minute, comes while the
other tests run, and the module's last test waits for whatever is left of that minute.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from up_process import UpProcess

import triggerfish

pytestmark = pytest.mark.slow  # real-clock schedules and an app in a subprocess

ACCOUNT, REGION = "000000000000", "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/scheduler-invoke"
UTC = dt.UTC

SERVERLESS_YML = """\
service: ticks
provider:
  name: aws
  runtime: python3.11
resources:
  Resources:
    Minute:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: ticks-minute
    Once:
      Type: AWS::SQS::Queue
      Properties:
        QueueName: ticks-once
"""


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"


def iso(moment: dt.datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%dT%H:%M:%S}Z"


@dataclass(frozen=True)
class MinuteRule:
    arn: str
    #: the time just before PutRule was sent and just after it answered
    put_between: tuple[float, float]


@pytest.fixture(scope="module")
def up(
    tmp_path_factory: pytest.TempPathFactory, triggerfish_command: list[str], command_environment: dict[str, str]
) -> Iterator[UpProcess]:
    app = tmp_path_factory.mktemp("ticks")
    (app / "serverless.yml").write_text(SERVERLESS_YML)
    process = UpProcess(triggerfish_command, command_environment, app, "--no-watch")
    try:
        process.wait_ready()
        yield process
    finally:
        process.close()


@pytest.fixture(scope="module", autouse=True)
def minute_rule(up: UpProcess) -> MinuteRule:
    """Armed first thing, for :func:`test_a_rate_rule_fires_at_the_next_whole_minute`."""
    events = up.client("events")
    before = time.time()
    arn = events.put_rule(Name="every-minute", ScheduleExpression="rate(1 minute)")["RuleArn"]
    after = time.time()
    events.put_targets(Rule="every-minute", Targets=[{"Id": "queue", "Arn": queue_arn("ticks-minute")}])
    return MinuteRule(arn, (before, after))


def receive_one(sqs: Any, queue: str, *, timeout: float) -> dict[str, Any]:
    """The one message that arrives in ``queue`` within ``timeout`` seconds, deleted once read."""
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"nothing arrived in {queue}"
        answer = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=min(20, max(1, int(remaining))),
            AttributeNames=["All"],
        )
        messages = answer.get("Messages", [])
        if messages:
            assert len(messages) == 1, messages
            sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
            message: dict[str, Any] = messages[0]
            return message


def earliest(sqs: Any, queue: str, *, timeout: float) -> dict[str, Any]:
    """The earliest sent of the messages waiting in ``queue`` once one has arrived within ``timeout``."""
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    deadline = time.monotonic() + timeout
    messages: list[dict[str, Any]] = []
    while True:
        wait = 0 if messages else min(20, max(1, int(deadline - time.monotonic())))
        batch = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait, AttributeNames=["All"]
        ).get("Messages", [])
        messages.extend(batch)
        if messages and not batch:
            return min(messages, key=sent_at)
        assert messages or time.monotonic() < deadline, f"nothing arrived in {queue}"


def is_empty(sqs: Any, queue: str) -> bool:
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    return not sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages")


def sent_at(message: dict[str, Any]) -> float:
    return int(message["Attributes"]["SentTimestamp"]) / 1000


def test_an_at_schedule_fires_on_time_with_its_context_attributes(up: UpProcess) -> None:
    scheduler, sqs = up.client("scheduler"), up.client("sqs")
    due = math.ceil(time.time()) + 3  # at() has one-second precision
    at = dt.datetime.fromtimestamp(due, UTC)
    template = {
        "schedule": "<aws.scheduler.schedule-arn>",
        "scheduled": "<aws.scheduler.scheduled-time>",
        "execution": "<aws.scheduler.execution-id>",
        "attempt": "<aws.scheduler.attempt-number>",
    }
    schedule_arn = scheduler.create_schedule(
        Name="once",
        ScheduleExpression=f"at({at:%Y-%m-%dT%H:%M:%S})",
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={"Arn": queue_arn("ticks-once"), "RoleArn": ROLE, "Input": json.dumps(template)},
    )["ScheduleArn"]
    assert schedule_arn == f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/default/once"

    message = receive_one(sqs, "ticks-once", timeout=15)
    # never before its moment, and at it rather than at some later poll (a correctness bound, not a
    # performance figure: lateness is measured by bench/bench_events.py)
    assert due <= sent_at(message) < due + 2
    delivered = json.loads(message["Body"])
    execution = delivered.pop("execution")
    # the keywords are replaced in the Input (Scheduler User Guide, "Adding context attributes")
    assert delivered == {"schedule": schedule_arn, "scheduled": iso(at), "attempt": "1"}
    assert execution and "<" not in execution

    # ActionAfterCompletion DELETE: the one-time schedule is deleted after its only invocation
    deadline = time.monotonic() + 5
    while True:
        try:
            scheduler.get_schedule(Name="once")
        except ClientError as error:
            assert error.response["Error"]["Code"] == "ResourceNotFoundException"
            break
        assert time.monotonic() < deadline, "the completed schedule was not deleted"
        time.sleep(0.05)


def test_a_cron_schedule_in_new_york_follows_the_clocks_across_the_spring_change() -> None:
    # 01:30 in New York is 06:30Z on Eastern Standard Time (UTC-5); on Sunday 9 March 2025 at 02:00 the
    # clocks go forward to 03:00 Eastern Daylight Time (UTC-4), so from then on 01:30 is 05:30Z. 01:30
    # on the 9th itself is still standard time. (IANA tz database, America/New_York)
    expected = [
        dt.datetime(2025, 3, 7, 6, 30, tzinfo=UTC),
        dt.datetime(2025, 3, 8, 6, 30, tzinfo=UTC),
        dt.datetime(2025, 3, 9, 6, 30, tzinfo=UTC),
        dt.datetime(2025, 3, 10, 5, 30, tzinfo=UTC),
        dt.datetime(2025, 3, 11, 5, 30, tzinfo=UTC),
    ]
    with triggerfish.local(virtual_clock=True) as cloud:
        cloud.clock.advance_to(dt.datetime(2025, 3, 6, 12, tzinfo=UTC))
        options: dict[str, Any] = {
            "endpoint_url": cloud.endpoint_url,
            "region_name": REGION,
            "aws_access_key_id": "test",
            "aws_secret_access_key": "test",
        }
        sqs, scheduler = boto3.client("sqs", **options), boto3.client("scheduler", **options)
        sqs.create_queue(QueueName="nightly")
        scheduler.create_schedule(
            Name="nightly",
            ScheduleExpression="cron(30 1 * * ? *)",
            ScheduleExpressionTimezone="America/New_York",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": queue_arn("nightly"), "RoleArn": ROLE, "Input": '{"at": "<aws.scheduler.scheduled-time>"}'},
        )
        for instant in expected:
            cloud.clock.advance_to(instant - dt.timedelta(seconds=1))
            assert is_empty(sqs, "nightly"), f"fired before {iso(instant)}"
            cloud.clock.advance_to(instant)
            message = receive_one(sqs, "nightly", timeout=5)
            assert json.loads(message["Body"]) == {"at": iso(instant)}
            assert sent_at(message) == instant.timestamp()
        sqs.close()
        scheduler.close()


def test_a_rate_rule_fires_at_the_next_whole_minute(up: UpProcess, minute_rule: MinuteRule) -> None:
    # rate() counts from the rule's creation, at one-minute precision (spec §4.6): the first tick is
    # the whole minute after the one PutRule ran in
    before, after = minute_rule.put_between
    ticks = {60 * math.floor(before / 60) + 60, 60 * math.floor(after / 60) + 60}
    # the other tests of the module may outlast the minute (then later ticks are waiting too): the
    # earliest message is the first tick, and there is always at least one receive
    message = earliest(up.client("sqs"), "ticks-minute", timeout=max(5.0, max(ticks) - time.time() + 15))
    event = json.loads(message["Body"])
    tick = dt.datetime.strptime(event.pop("time"), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
    assert tick in ticks
    assert event.pop("id")
    assert event == {
        "version": "0",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "region": REGION,
        "resources": [minute_rule.arn],
        "detail": {},
    }
    # never early, and on its minute rather than a poll later (a correctness bound, not a figure)
    assert tick <= sent_at(message) < tick + 2
