"""Schedules fire under the virtual clock: every tick in order and never early, with the context
attributes substituted, to each kind of target; flexible windows; one-time schedules; completion."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from scheduler_rig import BUS, FUNCTION, QUEUE, ROLE, SCOPE, START, TOPIC, Rig, at, iso

from triggerfish.core.errors import TriggerfishError
from triggerfish.services.scheduler.timing import window_offset

CONTEXT = (
    '{"arn": "<aws.scheduler.schedule-arn>", "time": "<aws.scheduler.scheduled-time>",'
    ' "id": "<aws.scheduler.execution-id>", "attempt": <aws.scheduler.attempt-number>}'
)


def target(arn: str = FUNCTION, **extra: Any) -> dict[str, Any]:
    return {"Arn": arn, "RoleArn": ROLE, "Input": CONTEXT, **extra}


def times(rig: Rig, arn: str = FUNCTION) -> list[str]:
    return [r.body["time"] for r in rig.recorder.to(arn)]


async def test_a_rate_starts_at_once_and_fires_every_tick_in_order(rig: Rig) -> None:
    arn = await rig.create("every-minute", "rate(1 minute)", Target=target())
    assert times(rig) == [iso(START) + "Z"]
    await rig.advance(600)
    assert times(rig) == [iso(START + 60 * i) + "Z" for i in range(11)]
    first = rig.recorder.received[0]
    assert (first.body["arn"], first.body["attempt"]) == (arn, 1)
    assert re.fullmatch(r"[0-9a-f]{16}", first.body["id"])
    assert len({r.body["id"] for r in rig.recorder.received}) == 11
    assert all(r.at >= at(r.body["time"].rstrip("Z")) for r in rig.recorder.received)


async def test_timers_never_fire_early(rig: Rig) -> None:
    await rig.create("daily", "cron(30 6 * * ? *)", Target=target())
    await rig.advance_to(at("2024-03-01T06:29:59"))
    assert times(rig) == []
    await rig.advance(1)
    assert times(rig) == ["2024-03-01T06:30:00Z"]
    assert rig.recorder.received[0].at == at("2024-03-01T06:30:00")


async def test_start_and_end_dates_bound_a_recurring_schedule(rig: Rig) -> None:
    await rig.create(
        "bounded",
        "rate(10 minutes)",
        StartDate=START + 1800,
        EndDate=START + 3600,
        Target=target(),
    )
    await rig.advance(7200)
    assert times(rig) == [iso(START + 1800 + 600 * i) + "Z" for i in range(4)]


async def test_a_disabled_schedule_is_silent_and_resumes_without_the_missed_ticks(rig: Rig) -> None:
    fields: dict[str, Any] = {"Name": "hourly", "ScheduleExpression": "cron(0 * * * ? *)", "State": "DISABLED"}
    fields |= {"FlexibleTimeWindow": {"Mode": "OFF"}, "Target": target()}
    await rig.service.create_schedule(fields, scope=SCOPE)
    await rig.advance(3 * 3600 + 60)
    assert times(rig) == []
    await rig.service.update_schedule({**fields, "State": "ENABLED"}, scope=SCOPE)
    await rig.advance(3600)
    assert times(rig) == ["2024-03-01T04:00:00Z"]


async def test_an_update_rearms_and_a_delete_stops(rig: Rig) -> None:
    fields = {"Name": "job", "ScheduleExpression": "cron(0 * * * ? *)", "FlexibleTimeWindow": {"Mode": "OFF"}}
    await rig.service.create_schedule({**fields, "Target": target()}, scope=SCOPE)
    await rig.advance(3600)
    await rig.service.update_schedule(
        {**fields, "ScheduleExpression": "cron(30 * * * ? *)", "Target": target()}, scope=SCOPE
    )
    await rig.advance(3600)
    # created on the hour, the schedule's first tick is that very hour
    assert times(rig) == ["2024-03-01T00:00:00Z", "2024-03-01T01:00:00Z", "2024-03-01T01:30:00Z"]
    await rig.service.delete_schedule("job", scope=SCOPE)
    await rig.advance(3 * 3600)
    assert len(times(rig)) == 3
    assert len(rig.ticker) == 0


async def test_an_updated_rate_keeps_counting_from_the_creation(rig: Rig) -> None:
    fields = {"Name": "rate", "ScheduleExpression": "rate(1 hour)", "FlexibleTimeWindow": {"Mode": "OFF"}}
    await rig.service.create_schedule({**fields, "Target": target()}, scope=SCOPE)
    await rig.advance(1800)
    await rig.service.update_schedule({**fields, "Target": target(QUEUE)}, scope=SCOPE)
    await rig.advance(1800)
    assert (times(rig), times(rig, QUEUE)) == ([iso(START) + "Z"], [iso(START + 3600) + "Z"])


async def test_each_kind_of_target_gets_what_aws_sends_it(rig: Rig) -> None:
    await rig.create("lambda", "at(2024-03-01T01:00:00)", Target={"Arn": FUNCTION, "RoleArn": ROLE})
    await rig.create(
        "fifo",
        "at(2024-03-01T01:00:00)",
        Target={
            "Arn": QUEUE + ".fifo",
            "RoleArn": ROLE,
            "Input": "plain text",
            "SqsParameters": {"MessageGroupId": "g1"},
        },
    )
    bus_target = {
        "Arn": BUS,
        "RoleArn": ROLE,
        "Input": '{"order": "<aws.scheduler.scheduled-time>"}',
        "EventBridgeParameters": {"DetailType": "Order Due", "Source": "shop.orders"},
    }
    await rig.create("bus", "at(2024-03-01T01:00:00)", Target=bus_target)
    await rig.create("topic", "at(2024-03-01T01:00:00)", Target={"Arn": TOPIC, "RoleArn": ROLE, "Input": "news"})
    await rig.create("quiet-bus", "at(2024-03-01T01:00:00)", Target={**bus_target, "Input": None})
    await rig.advance(3600)
    (function,) = rig.recorder.to(FUNCTION)
    # no Input: the default notification, an envelope whose detail is the string "{}"
    notification = function.body
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", notification.pop("id"))
    assert notification == {
        "version": "0",
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": "000000000000",
        "time": "2024-03-01T01:00:00Z",
        "region": "us-east-1",
        "resources": ["arn:aws:scheduler:us-east-1:000000000000:schedule/default/lambda"],
        "detail": "{}",
    }
    assert list(json.loads(function.delivery.body)) == [
        "version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail"
    ]  # fmt: skip
    (queue,) = rig.recorder.to(QUEUE + ".fifo")
    assert (queue.delivery.body, queue.delivery.message_group_id, queue.delivery.deduplication_id) == (
        "plain text",
        "g1",
        None,
    )
    by_body = {r.delivery.body: r for r in rig.recorder.to(BUS)}
    assert set(by_body) == {"{}", '{"order": "2024-03-01T01:00:00Z"}'}  # no Input: an empty detail
    bus = by_body['{"order": "2024-03-01T01:00:00Z"}']
    assert (bus.delivery.body, bus.delivery.detail_type, bus.delivery.source, bus.delivery.resources) == (
        '{"order": "2024-03-01T01:00:00Z"}',
        "Order Due",
        "shop.orders",
        (),
    )
    (topic,) = rig.recorder.to(TOPIC)
    assert topic.delivery.body == "news"


async def test_a_flexible_window_delays_within_bounds_never_early(rig: Rig) -> None:
    await rig.create(
        "flexible",
        "cron(0 * * * ? *)",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15},
        Target=target(),
    )
    schedule = rig.service.get_schedule("flexible", scope=SCOPE)
    ticks = [at(f"2024-03-01T{hour:02d}:00:00") for hour in range(24)]
    offsets = [window_offset(schedule, tick) for tick in ticks]
    assert all(0 <= offset < 900 for offset in offsets)
    assert len(set(offsets)) == len(offsets)  # a fresh point for every tick

    first, offset = ticks[0], offsets[0]
    await rig.advance_to(first + offset - 0.5)
    assert times(rig) == []
    await rig.advance(1)
    assert times(rig) == ["2024-03-01T00:00:00Z"]
    await rig.advance_to(ticks[-1] + 900)
    assert times(rig) == [iso(tick) + "Z" for tick in ticks]
    for received, tick, wait in zip(rig.recorder.received, ticks, offsets, strict=True):
        assert tick + wait <= received.at


async def test_the_window_offset_is_the_same_after_a_restart(durable_rig: Rig) -> None:
    rig = durable_rig
    await rig.create(
        "flexible",
        "cron(0 * * * ? *)",
        FlexibleTimeWindow={"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 60},
        Target=target(),
    )
    schedule = rig.service.get_schedule("flexible", scope=SCOPE)
    tick = at("2024-03-01T00:00:00")
    due = rig.ticker.due_of(("scheduler", schedule.key))
    assert due == tick + window_offset(schedule, tick)
    await rig.restart()
    assert rig.ticker.due_of(("scheduler", schedule.key)) == due


async def test_a_one_time_schedule_fires_once_and_stays_enabled(rig: Rig) -> None:
    await rig.create("once", "at(2024-03-01T12:00:00)", ScheduleExpressionTimezone="Asia/Tokyo", Target=target())
    await rig.advance(86_400 * 2)
    assert times(rig) == ["2024-03-01T03:00:00Z"]  # noon in Tokyo
    schedule = rig.service.get_schedule("once", scope=SCOPE)
    assert schedule.state.value == "ENABLED"
    assert len(rig.ticker) == 0


async def test_action_after_completion_delete_removes_a_one_time_schedule(rig: Rig) -> None:
    await rig.create("once", "at(2024-03-01T00:05:00)", ActionAfterCompletion="DELETE", Target=target())
    await rig.advance(600)
    assert times(rig) == ["2024-03-01T00:05:00Z"]
    with pytest.raises(TriggerfishError, match="Schedule once does not exist"):
        rig.service.get_schedule("once", scope=SCOPE)


async def test_action_after_completion_delete_removes_a_recurring_schedule_after_its_end_date(rig: Rig) -> None:
    await rig.create(
        "ending", "rate(1 hour)", EndDate=START + 3 * 3600 + 1800, ActionAfterCompletion="DELETE", Target=target()
    )
    await rig.create("endless", "rate(1 hour)", ActionAfterCompletion="DELETE", Target=target(QUEUE))
    await rig.advance(2 * 3600)
    assert [s.name for s in rig.service.list_schedules(scope=SCOPE)] == ["ending", "endless"]
    await rig.advance(2 * 3600)
    assert times(rig) == [iso(START + 3600 * i) + "Z" for i in range(4)]
    # without an EndDate a recurring schedule has no last invocation, so it is never deleted
    assert [s.name for s in rig.service.list_schedules(scope=SCOPE)] == ["endless"]


async def test_a_one_time_schedule_in_the_past_does_not_fire(rig: Rig) -> None:
    await rig.create("late", "at(2024-02-01T00:00:00)", Target=target())
    await rig.advance(86_400)
    assert times(rig) == []
