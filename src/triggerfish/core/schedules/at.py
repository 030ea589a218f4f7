"""Parsing ``at(yyyy-mm-ddThh:mm:ss)`` (EventBridge Scheduler one-time schedules)."""

from __future__ import annotations

import datetime as _dt
import re

from triggerfish.core.schedules.errors import ScheduleSyntaxError
from triggerfish.core.schedules.model import AtExpression

# spec §4.7: a local date-time without offset; AWS refuses "at(2021-12-31T23:59:59Z)" and a bare
# date. The time zone comes from ScheduleExpressionTimezone instead.
_AT = re.compile(r"at\(([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\)")


def parse_at(text: str) -> AtExpression:
    match = _AT.fullmatch(text)
    if match is None:
        raise ScheduleSyntaxError("not of the form at(yyyy-mm-ddThh:mm:ss)")
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        wall_time = _dt.datetime(year, month, day, hour, minute, second)
    except ValueError as error:
        raise ScheduleSyntaxError(f"not a date and time: {error}") from None
    return AtExpression(text=text, wall_time=wall_time)
