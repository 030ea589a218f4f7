"""The parsed forms of ``cron(...)``, ``rate(...)`` and ``at(...)``."""

from __future__ import annotations

import datetime as _dt
import enum
from dataclasses import dataclass, field

from triggerfish.core.schedules.bits import mask_of
from triggerfish.core.schedules.day_rules import DayOfMonthRule, DayOfWeekRule, could_ever_match

FIRST_YEAR = 1970
LAST_YEAR = 2199


class RateUnit(enum.Enum):
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"

    @property
    def seconds(self) -> int:
        return _UNIT_SECONDS[self]


_UNIT_SECONDS = {RateUnit.MINUTE: 60, RateUnit.HOUR: 3600, RateUnit.DAY: 86400}


@dataclass(frozen=True)
class RateExpression:
    """``rate(value unit)``: every ``value`` units of elapsed time, counted from an anchor."""

    text: str
    value: int
    unit: RateUnit

    @property
    def period_seconds(self) -> int:
        # spec §4.7: a day is always 24 hours of elapsed time, whatever DST does to the wall clock.
        return self.value * self.unit.seconds

    @property
    def period(self) -> _dt.timedelta:
        """The period; raises ``OverflowError`` past ``timedelta``'s range (about 2.7 million years)."""
        return _dt.timedelta(seconds=self.period_seconds)


@dataclass(frozen=True)
class AtExpression:
    """``at(yyyy-mm-ddThh:mm:ss)``: once, at this wall-clock time in the schedule's time zone."""

    text: str
    wall_time: _dt.datetime  # naive


@dataclass(frozen=True)
class CronMasks:
    """The numeric fields as bit masks (years as offsets from 1970), for the fire-time search."""

    minutes: int
    hours: int
    months: int
    years: int
    # False when no month ever has the requested day; the search then stops at once instead of
    # walking all 230 years.
    can_fire: bool


@dataclass(frozen=True)
class CronExpression:
    """``cron(minutes hours day-of-month month day-of-week year)``, fields expanded to value sets."""

    text: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    day_of_month: DayOfMonthRule
    months: tuple[int, ...]
    day_of_week: DayOfWeekRule
    years: tuple[int, ...]
    masks: CronMasks = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        masks = CronMasks(
            minutes=mask_of(self.minutes),
            hours=mask_of(self.hours),
            months=mask_of(self.months),
            years=mask_of(self.years, offset=FIRST_YEAR),
            can_fire=could_ever_match(self.day_of_month, self.months),
        )
        object.__setattr__(self, "masks", masks)


Schedule = CronExpression | RateExpression | AtExpression
