"""Restarts: a tick that fired is never fired again, ticks missed while the service was down are
coalesced into one invocation of the latest, and a one-time schedule whose moment passed fires on
start."""

from __future__ import annotations

import pytest
from scheduler_rig import FUNCTION, ROLE, SCOPE, START, Rig, iso

from triggerfish.core.errors import TriggerfishError

TARGET = {"Arn": FUNCTION, "RoleArn": ROLE, "Input": '"<aws.scheduler.scheduled-time>"'}
HOUR = 3600


def fired(rig: Rig) -> list[str]:
    return [r.body for r in rig.recorder.to(FUNCTION)]


def hours(*offsets: float) -> list[str]:
    return [iso(START + offset * HOUR) + "Z" for offset in offsets]


async def test_a_restart_never_fires_a_tick_twice(durable_rig: Rig) -> None:
    rig = durable_rig
    await rig.create("hourly", "rate(1 hour)", Target=TARGET)
    await rig.advance(2 * HOUR)
    assert fired(rig) == hours(0, 1, 2)
    await rig.restart()
    await rig.restart()
    assert fired(rig) == hours(0, 1, 2)
    await rig.advance(HOUR)
    assert fired(rig) == hours(0, 1, 2, 3)


async def test_ticks_missed_while_down_are_coalesced_into_the_latest(durable_rig: Rig) -> None:
    rig = durable_rig
    await rig.create("hourly", "rate(1 hour)", Target=TARGET)
    await rig.restart(downtime=5.5 * HOUR)
    assert fired(rig) == hours(0, 5)
    await rig.advance(0.5 * HOUR)
    assert fired(rig) == hours(0, 5, 6)


async def test_a_one_time_schedule_that_passed_while_down_fires_on_start_once(durable_rig: Rig) -> None:
    rig = durable_rig
    await rig.create("once", "at(2024-03-01T01:00:00)", Target=TARGET)
    await rig.restart(downtime=3 * HOUR)
    assert fired(rig) == hours(1)
    await rig.restart(downtime=HOUR)
    await rig.advance(HOUR)
    assert fired(rig) == hours(1)


async def test_the_last_invocation_missed_while_down_fires_then_completes(durable_rig: Rig) -> None:
    rig = durable_rig
    await rig.create(
        "ending", "rate(1 hour)", EndDate=START + 1.5 * HOUR, ActionAfterCompletion="DELETE", Target=TARGET
    )
    await rig.restart(downtime=3 * HOUR)
    assert fired(rig) == hours(0, 1)
    with pytest.raises(TriggerfishError, match="Schedule ending does not exist"):
        rig.service.get_schedule("ending", scope=SCOPE)
    await rig.restart()
    assert rig.service.list_schedules(scope=SCOPE) == []


async def test_a_disabled_schedule_does_not_catch_up(durable_rig: Rig) -> None:
    rig = durable_rig
    await rig.create("hourly", "rate(1 hour)", State="DISABLED", Target=TARGET)
    await rig.restart(downtime=3 * HOUR)
    await rig.advance(HOUR)
    assert fired(rig) == []


async def test_a_completed_deletion_cut_short_is_finished_on_start(durable_rig: Rig) -> None:
    rig = durable_rig
    await rig.create("once", "at(2024-03-01T01:00:00)", ActionAfterCompletion="DELETE", Target=TARGET)
    schedule = rig.service.get_schedule("once", scope=SCOPE)
    # the tick was stored and the invocation made, then the server died before deleting the schedule
    await rig.service.schedules.record_tick(schedule.key, START + HOUR)
    await rig.restart(downtime=2 * HOUR)
    assert fired(rig) == []
    assert rig.service.list_schedules(scope=SCOPE) == []
