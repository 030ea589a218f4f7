"""Cron and at() in America/New_York across the 2024 DST changes (10 March, 3 November).

AWS: "When the time shifts forward in Spring, your schedule invocation gets skipped if the cron
expression falls on a non-existent date and time. When the time shifts back in the Fall, your
schedule runs only once and doesn't repeat its invocation." (repost.aws, "adjust my EventBridge
schedule for daylight saving")
"""

from __future__ import annotations

import pytest
from scheduler_rig import ROLE, Rig, at

from triggerfish.core.clock import VirtualClock

ZONE = "America/New_York"


def function(name: str) -> str:
    return f"arn:aws:lambda:us-east-1:000000000000:function:{name}"


async def fire_times(rig: Rig, expressions: dict[str, str], until: str) -> dict[str, list[str]]:
    for name, expression in expressions.items():
        target = {"Arn": function(name), "RoleArn": ROLE, "Input": '"<aws.scheduler.scheduled-time>"'}
        await rig.create(name, expression, ScheduleExpressionTimezone=ZONE, Target=target)
    await rig.advance_to(at(until))
    return {name: [r.body for r in rig.recorder.to(function(name))] for name in expressions}


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock(start=at("2024-03-09T00:00:00"))


async def test_spring_forward(rig: Rig) -> None:
    fired = await fire_times(
        rig,
        {
            "small-hours": "cron(30 2 * * ? *)",
            "nine": "cron(0 9 * * ? *)",
            "once-in-the-gap": "at(2024-03-10T02:30:00)",
        },
        until="2024-03-12T00:00:00",
    )
    # 02:30 does not exist on 10 March: that day's invocation is skipped
    assert fired["small-hours"] == ["2024-03-09T07:30:00Z", "2024-03-11T06:30:00Z"]
    # 09:00 stays 09:00 local: 14:00Z in EST, 13:00Z in EDT
    assert fired["nine"] == ["2024-03-09T14:00:00Z", "2024-03-10T13:00:00Z", "2024-03-11T13:00:00Z"]
    # a one-time schedule in the gap is read with the offset before the change: 03:30 EDT
    assert fired["once-in-the-gap"] == ["2024-03-10T07:30:00Z"]


@pytest.mark.parametrize("clock", [VirtualClock(start=at("2024-11-02T00:00:00"))])
async def test_fall_back(rig: Rig) -> None:
    fired = await fire_times(
        rig,
        {
            "one-thirty": "cron(30 1 * * ? *)",
            "small-hours": "cron(30 2 * * ? *)",
            "nine": "cron(0 9 * * ? *)",
            "half-hourly": "cron(0/30 0-2 3 11 ? 2024)",
        },
        until="2024-11-05T00:00:00",
    )
    # 01:30 happens twice on 3 November; the schedule runs once, at the first
    assert fired["one-thirty"] == ["2024-11-02T05:30:00Z", "2024-11-03T05:30:00Z", "2024-11-04T06:30:00Z"]
    assert fired["small-hours"] == ["2024-11-02T06:30:00Z", "2024-11-03T07:30:00Z", "2024-11-04T07:30:00Z"]
    assert fired["nine"] == ["2024-11-02T13:00:00Z", "2024-11-03T14:00:00Z", "2024-11-04T14:00:00Z"]
    # the repeated hour is not run again: 01:00 and 01:30 EST (06:00Z, 06:30Z) are left out
    assert fired["half-hourly"] == [
        "2024-11-03T04:00:00Z",
        "2024-11-03T04:30:00Z",
        "2024-11-03T05:00:00Z",
        "2024-11-03T05:30:00Z",
        "2024-11-03T07:00:00Z",
        "2024-11-03T07:30:00Z",
    ]


async def test_a_rate_counts_elapsed_time_whatever_the_zone(rig: Rig) -> None:
    fired = await fire_times(rig, {"daily": "rate(1 day)"}, until="2024-03-11T23:59:59")
    assert fired["daily"] == ["2024-03-09T00:00:00Z", "2024-03-10T00:00:00Z", "2024-03-11T00:00:00Z"]
