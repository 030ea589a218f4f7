"""A schedule as a service runs it: expression, time zone, rate anchor and StartDate/EndDate.

EventBridge rules and Scheduler schedules differ in where a rate schedule starts counting and in
whether a schedule has bounds; :class:`Timetable` captures both so a service only asks "when next?".
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from triggerfish.core.schedules.model import AtExpression, RateExpression, Schedule
from triggerfish.core.schedules.occurrences import next_after, previous_before
from triggerfish.core.schedules.zones import UTC, load_timezone

_MICROSECOND = _dt.timedelta(microseconds=1)


def rule_rate_anchor(rate: RateExpression, created_at: _dt.datetime) -> _dt.datetime | None:
    """The first fire time of an EventBridge rule with ``rate(...)``; ``None`` if it lies beyond
    the last representable datetime (the rule never fires).

    spec §4.6: a rate "starts from rule creation time" and scheduled rules have one-minute
    precision, so we count from the minute the rule was created and first fire one period later.
    AWS does not document the first fire time more exactly than that; this is unverified.
    """
    created = created_at.astimezone(UTC).replace(second=0, microsecond=0)
    try:
        return created + _dt.timedelta(seconds=rate.period_seconds)
    except OverflowError:
        return None


def scheduler_rate_anchor(created_at: _dt.datetime, start_date: _dt.datetime | None = None) -> _dt.datetime:
    """The first fire time of a Scheduler schedule with ``rate(...)``.

    Scheduler docs ("Schedule types", rate-based): StartDate sets the first occurrence; without one
    the schedule starts invoking its target immediately, i.e. at creation.
    """
    return (start_date if start_date is not None else created_at).astimezone(UTC)


@dataclass(frozen=True)
class Timetable:
    """When one rule or schedule fires. ``start``/``end`` are Scheduler's StartDate/EndDate."""

    schedule: Schedule
    timezone: _dt.tzinfo = UTC
    anchor: _dt.datetime | None = None
    start: _dt.datetime | None = None
    end: _dt.datetime | None = None

    @classmethod
    def for_rule(cls, schedule: Schedule, created_at: _dt.datetime) -> Timetable:
        """An EventBridge scheduled rule: UTC only (spec §4.6), rates counted from creation."""
        anchor = rule_rate_anchor(schedule, created_at) if isinstance(schedule, RateExpression) else None
        return cls(schedule, UTC, anchor)

    @classmethod
    def for_scheduler(
        cls,
        schedule: Schedule,
        *,
        created_at: _dt.datetime,
        timezone: str | None = None,
        start_date: _dt.datetime | None = None,
        end_date: _dt.datetime | None = None,
    ) -> Timetable:
        """A Scheduler schedule. Raises :class:`~.zones.UnknownTimeZone` for a bad zone name."""
        anchor = scheduler_rate_anchor(created_at, start_date) if isinstance(schedule, RateExpression) else None
        return cls(schedule, load_timezone(timezone), anchor, start_date, end_date)

    def next_after(self, after: _dt.datetime) -> _dt.datetime | None:
        """The first occurrence strictly after ``after`` within StartDate..EndDate."""
        if self._never:
            return None
        if self._bounded and self.start is not None and after < self.start:
            # StartDate is inclusive: invocations "might occur on, or after, the StartDate".
            after = self.start - _MICROSECOND
        found = next_after(self.schedule, after, self.timezone, anchor=self.anchor)
        if found is None or (self._bounded and self.end is not None and found > self.end):
            return None
        return found

    def previous_before(self, before: _dt.datetime) -> _dt.datetime | None:
        """The last occurrence strictly before ``before`` within StartDate..EndDate."""
        if self._never:
            return None
        if self._bounded and self.end is not None and before > self.end:
            # EndDate is inclusive: invocations "might stop on, or before, the EndDate".
            before = self.end + _MICROSECOND
        found = previous_before(self.schedule, before, self.timezone, anchor=self.anchor)
        if found is None or (self._bounded and self.start is not None and found < self.start):
            return None
        return found

    @property
    def _never(self) -> bool:
        # A rate whose first occurrence is past the end of representable time.
        return isinstance(self.schedule, RateExpression) and self.anchor is None

    @property
    def _bounded(self) -> bool:
        # Scheduler ignores StartDate and EndDate for one-time schedules.
        return not isinstance(self.schedule, AtExpression)
