"""``cloud.clock``: advancing the virtual clock fires every timer in the interval, in order, and the work
each one starts runs at the time it fired, not at the end of the interval."""

from __future__ import annotations

import datetime
import json
from typing import Any

import boto3
import pytest

import triggerfish


def _client(cloud: triggerfish.Cloud, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=cloud.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def test_a_long_advance_runs_each_tick_at_its_own_time() -> None:
    with triggerfish.local(virtual_clock=True) as cloud:
        sqs, events = _client(cloud, "sqs"), _client(cloud, "events")
        url = sqs.create_queue(QueueName="days")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        events.put_rule(Name="daily", ScheduleExpression="rate(1 day)")
        events.put_targets(Rule="daily", Targets=[{"Id": "q", "Arn": arn}])

        cloud.clock.advance(datetime.timedelta(days=3))  # within the queue's 4-day retention

        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
        assert attributes["Attributes"]["ApproximateNumberOfMessages"] == "3"
        received: list[dict[str, Any]] = []
        while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["SentTimestamp"]).get(
            "Messages", []
        ):
            received.extend(batch)
        received.sort(key=lambda message: json.loads(message["Body"])["time"])
        fired = [json.loads(m["Body"])["time"] for m in received]
        assert len(fired) == 3 and fired == sorted(fired)
        for message, tick in zip(received, fired, strict=True):
            sent = datetime.datetime.fromtimestamp(int(message["Attributes"]["SentTimestamp"]) / 1000, datetime.UTC)
            assert sent.strftime("%Y-%m-%dT%H:%M:%SZ") == tick


def test_advance_to_a_point_in_time_and_never_backwards() -> None:
    with triggerfish.local(virtual_clock=True, port=None) as cloud:
        start = cloud.clock.now()
        cloud.clock.advance_to(start + datetime.timedelta(hours=2))
        assert cloud.clock.now() == start + datetime.timedelta(hours=2)
        cloud.clock.advance_to(start)  # in the past: time stays where it is
        assert cloud.clock.now() == start + datetime.timedelta(hours=2)
        with pytest.raises(ValueError, match="backwards"):
            cloud.clock.advance(-1)


def test_the_clock_of_a_real_time_cloud_cannot_be_moved() -> None:
    with triggerfish.local(port=None) as cloud, pytest.raises(RuntimeError, match="virtual_clock=True"):
        cloud.clock.advance(60)
