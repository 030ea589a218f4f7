"""ScheduledRules: ticks on the timetable (never early, never twice, no drift), restarts that neither
repeat nor flood, and rules being updated, disabled, enabled and removed.

The virtual clock starts at 2023-11-14T22:13:20Z; ``rate(1 minute)`` created then first fires at
22:14:00 (rates count from the minute the rule was created).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson
import pytest
from events_delivery_fakes import (
    ACCOUNT,
    FUNCTION_ARN,
    QUEUE_ARN,
    REGION,
    Rig,
    make_rule,
    make_target,
    settle,
    with_state,
)

from triggerfish.core.work import WorkTracker
from triggerfish.services.events.models import Rule, RuleState
from triggerfish.services.events.scheduled_rules import RULE_TICK_KIND, ScheduledRules, TickRecord
from triggerfish.services.ticker import Ticker

T0 = 1_700_000_000.0  # 22:13:20
FIRST = T0 + 40  # 22:14:00


def at(hour: int, minute: int) -> str:
    return f"2023-11-14T{hour:02d}:{minute:02d}:00Z"


class Schedules:
    """A ticker and ScheduledRules over the rig's store; a new one stands for a restarted server."""

    def __init__(self, rig: Rig, rules: dict[str, Rule] | None = None) -> None:
        self.rig = rig
        self.rules: dict[str, Rule] = {} if rules is None else rules
        # a tracker of its own: a stopped server's timers must not count as work of the next one
        self.tracker = WorkTracker()
        self.ticker = Ticker(rig.clock, self.tracker)
        self.scheduled = ScheduledRules(self.ticker, rig.store.documents, rig.clock, rig.dispatcher, self.rules.get)

    async def start(self) -> Schedules:
        await self.ticker.start()
        await self.scheduled.start(list(self.rules.values()))
        return self

    async def put(self, rule: Rule) -> Rule:
        self.rules[rule.arn] = rule
        await self.scheduled.changed(rule)
        return rule

    async def remove(self, rule: Rule) -> None:
        del self.rules[rule.arn]
        await self.scheduled.removed(rule.arn)

    async def advance(self, seconds: float) -> None:
        await self.rig.clock.advance(seconds)
        await self.settle()

    async def settle(self) -> None:
        while True:
            await settle(self.tracker, self.rig.clock)
            await self.rig.settle()
            if self.tracker.in_flight == 0:
                return

    async def stop(self) -> None:
        await self.ticker.close()

    def fired(self, arn: str = FUNCTION_ARN) -> list[dict[str, Any]]:
        return [orjson.loads(received.delivery.body) for received in self.rig.targets.to(arn)]

    def times(self, arn: str = FUNCTION_ARN) -> list[str]:
        return [event["time"] for event in self.fired(arn)]


def scheduled_rule(expression: str = "rate(1 minute)", name: str = "every-minute", **fields: Any) -> Rule:
    fields.setdefault("created_at", T0)
    return make_rule(name, make_target(FUNCTION_ARN), pattern=None, schedule_expression=expression, **fields)


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    opened = await Rig.open()
    yield opened
    await opened.close()


@pytest.fixture
async def schedules(rig: Rig) -> AsyncIterator[Schedules]:
    running = await Schedules(rig).start()
    yield running
    await running.stop()


async def test_an_hour_of_a_one_minute_rate_fires_sixty_times_in_order(schedules: Schedules) -> None:
    await schedules.put(scheduled_rule())

    await schedules.advance(3600)

    expected = [at(22, m) for m in range(14, 60)] + [at(23, m) for m in range(14)]
    assert schedules.times() == expected
    assert len({event["id"] for event in schedules.fired()}) == 60


async def test_the_scheduled_event_is_aws_s_scheduled_event(schedules: Schedules) -> None:
    rule = await schedules.put(scheduled_rule())

    await schedules.advance(60)

    (event,) = schedules.fired()
    assert event == {
        "version": "0",
        "id": event["id"],
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT,
        "time": at(22, 14),
        "region": REGION,
        "resources": [rule.arn],
        "detail": {},
    }


async def test_a_tick_never_fires_early(schedules: Schedules) -> None:
    await schedules.put(scheduled_rule())

    await schedules.advance(39.999)
    assert schedules.fired() == []

    await schedules.advance(0.001)
    assert schedules.times() == [at(22, 14)]
    assert schedules.rig.targets.to(FUNCTION_ARN)[0].at == FIRST


async def test_a_cron_rule_fires_on_its_calendar(schedules: Schedules) -> None:
    await schedules.put(scheduled_rule("cron(0/15 * * * ? *)", "quarterly"))

    await schedules.advance(3600)

    assert schedules.times() == [at(22, 15), at(22, 30), at(22, 45), at(23, 0)]


async def test_every_target_of_the_rule_gets_the_event(schedules: Schedules) -> None:
    rule = scheduled_rule()
    await schedules.put(replace(rule, targets=(make_target(FUNCTION_ARN, "fn"), make_target(QUEUE_ARN, "q"))))

    await schedules.advance(60)

    assert schedules.fired(FUNCTION_ARN) == schedules.fired(QUEUE_ARN)


async def test_a_restart_does_not_fire_a_tick_again(rig: Rig) -> None:
    rules: dict[str, Rule] = {}
    first = await Schedules(rig, rules).start()
    await first.put(scheduled_rule())
    await first.advance(100)  # 22:15:00: fired 22:14 and 22:15
    await first.stop()

    second = await Schedules(rig, rules).start()
    try:
        await second.settle()
        assert second.times() == [at(22, 14), at(22, 15)]
        await second.advance(60)
        assert second.times() == [at(22, 14), at(22, 15), at(22, 16)]
    finally:
        await second.stop()


async def test_a_tick_stored_as_fired_is_not_fired_again_after_a_crash(rig: Rig) -> None:
    # the server stored 22:14 as fired and died before sending: AWS's at-most-once for a tick
    rule = scheduled_rule()
    record = TickRecord(rule.schedule_expression or "", anchor=T0, since=T0, last=FIRST)
    await rig.store.documents.put(RULE_TICK_KIND, f"{ACCOUNT}/{REGION}", rule.arn, record.dumps(), now=T0)
    await rig.clock.advance(50)  # 22:14:10

    restarted = await Schedules(rig, {rule.arn: rule}).start()
    try:
        await restarted.settle()
        assert restarted.fired() == []
        await restarted.advance(50)  # 22:15:00
        assert restarted.times() == [at(22, 15)]
    finally:
        await restarted.stop()


async def test_ticks_missed_while_down_fire_once_then_the_schedule_goes_on(rig: Rig) -> None:
    rules: dict[str, Rule] = {}
    first = await Schedules(rig, rules).start()
    await first.put(scheduled_rule())
    await first.advance(90)  # 22:14:50: fired 22:14
    await first.stop()
    await rig.clock.advance(600)  # down until 22:24:50

    second = await Schedules(rig, rules).start()
    try:
        await second.settle()
        # 22:15 ... 22:24 were missed: only the latest fires, at once
        assert second.times() == [at(22, 14), at(22, 24)]
        assert second.rig.targets.to(FUNCTION_ARN)[-1].at == T0 + 690
        await second.advance(10)
        assert second.times() == [at(22, 14), at(22, 24), at(22, 25)]
    finally:
        await second.stop()


async def test_a_rule_created_just_before_a_crash_catches_up_once(rig: Rig) -> None:
    rule = scheduled_rule()  # created at 22:13:20, never armed
    await rig.clock.advance(300)  # the server comes back at 22:18:20

    restarted = await Schedules(rig, {rule.arn: rule}).start()
    try:
        await restarted.settle()
        assert restarted.times() == [at(22, 18)]
    finally:
        await restarted.stop()


async def test_disabling_stops_and_enabling_resumes_after_now(schedules: Schedules) -> None:
    rule = await schedules.put(scheduled_rule())
    await schedules.advance(100)  # 22:15:00
    await schedules.put(with_state(rule, RuleState.DISABLED))
    assert schedules.scheduled.next_tick(rule.arn) is None

    await schedules.advance(300)  # 22:20:00
    assert schedules.times() == [at(22, 14), at(22, 15)]

    await schedules.put(rule)
    # what fell due while disabled is not owed; the rate keeps its anchor
    assert schedules.scheduled.next_tick(rule.arn) == T0 + 460  # 22:21:00
    await schedules.advance(60)
    assert schedules.times() == [at(22, 14), at(22, 15), at(22, 21)]


async def test_a_disabled_rule_is_not_armed_at_start(rig: Rig) -> None:
    rule = with_state(scheduled_rule(), RuleState.DISABLED)
    started = await Schedules(rig, {rule.arn: rule}).start()
    try:
        await started.advance(600)
        assert started.fired() == []
        assert started.scheduled.next_tick(rule.arn) is None
    finally:
        await started.stop()


async def test_a_rule_without_a_schedule_is_ignored(schedules: Schedules) -> None:
    rule = await schedules.put(make_rule("patterned", make_target(FUNCTION_ARN)))

    await schedules.advance(600)

    assert schedules.scheduled.next_tick(rule.arn) is None
    assert schedules.fired() == []


async def test_a_removed_rule_stops_and_forgets_its_ticks(schedules: Schedules) -> None:
    rule = await schedules.put(scheduled_rule())
    await schedules.advance(60)
    await schedules.remove(rule)

    await schedules.advance(600)

    assert schedules.times() == [at(22, 14)]
    assert await schedules.rig.store.documents.get(RULE_TICK_KIND, f"{ACCOUNT}/{REGION}", rule.arn) is None


async def test_an_update_that_keeps_the_expression_keeps_the_rate_anchor(schedules: Schedules) -> None:
    rule = await schedules.put(scheduled_rule("rate(5 minutes)"))
    await schedules.advance(120)  # 22:15:20

    await schedules.put(replace(rule, description="changed", created_at=T0 + 120))
    await schedules.advance(160)  # 22:18:00

    assert schedules.times() == [at(22, 18)]


async def test_a_new_expression_counts_from_the_update(schedules: Schedules) -> None:
    rule = await schedules.put(scheduled_rule("rate(5 minutes)"))
    await schedules.advance(340)  # 22:19:00, fired 22:18

    await schedules.put(replace(rule, schedule_expression="rate(10 minutes)"))

    assert schedules.scheduled.next_tick(rule.arn) == dt.datetime(2023, 11, 14, 22, 29, tzinfo=dt.UTC).timestamp()
    await schedules.advance(1200)
    assert schedules.times() == [at(22, 18), at(22, 29), at(22, 39)]


async def test_each_tick_reads_the_rule_s_current_targets(schedules: Schedules) -> None:
    rule = await schedules.put(scheduled_rule())
    await schedules.advance(60)

    await schedules.put(replace(rule, targets=(make_target(QUEUE_ARN, "q"),)))
    await schedules.advance(60)

    assert schedules.times(FUNCTION_ARN) == [at(22, 14)]
    assert schedules.times(QUEUE_ARN) == [at(22, 15)]


async def test_a_rule_found_disabled_at_fire_time_sends_nothing(schedules: Schedules) -> None:
    rule = await schedules.put(scheduled_rule())
    # disabled in the rule book, the schedule not told yet
    schedules.rules[rule.arn] = with_state(rule, RuleState.DISABLED)

    await schedules.advance(60)

    assert schedules.fired() == []


async def test_the_last_tick_survives_a_restart_of_a_file_backed_store(tmp_path: Path) -> None:
    rig = await Rig.open(tmp_path)
    rules: dict[str, Rule] = {}
    first = await Schedules(rig, rules).start()
    await first.put(scheduled_rule())
    await first.advance(100)  # 22:15:00
    await first.stop()
    await rig.close()
    assert first.times() == [at(22, 14), at(22, 15)]

    reopened = await Rig.open(tmp_path, clock=rig.clock)
    second = await Schedules(reopened, rules).start()
    try:
        await second.settle()
        assert second.fired() == []
        await second.advance(60)
        assert second.times() == [at(22, 16)]
    finally:
        await second.stop()
        await reopened.close()
