"""The entry point that turns a ``ScheduleExpression`` string into a :data:`Schedule`."""

from __future__ import annotations

from triggerfish.core.schedules.at import parse_at
from triggerfish.core.schedules.cron import parse_cron
from triggerfish.core.schedules.errors import InvalidScheduleExpression, ScheduleSyntaxError, Service
from triggerfish.core.schedules.model import Schedule
from triggerfish.core.schedules.rate import parse_rate


def parse_schedule(text: str, service: Service = "events") -> Schedule:
    """Parse ``text`` as the given service would, or raise :class:`InvalidScheduleExpression`.

    ``service="events"`` is EventBridge ``PutRule`` (cron and rate, evaluated in UTC);
    ``service="scheduler"`` is EventBridge Scheduler ``CreateSchedule`` (also one-time ``at``).
    """
    if service not in ("events", "scheduler"):
        raise ValueError(f"unknown service {service!r}")
    try:
        return _parse(text, service)
    except ScheduleSyntaxError as error:
        raise InvalidScheduleExpression(text, service, error.reason, error.field) from None


def _parse(text: str, service: Service) -> Schedule:
    if text.startswith("cron(") and text.endswith(")"):
        return parse_cron(text[len("cron(") : -1], text)
    if text.startswith("rate("):
        return parse_rate(text)
    if text.startswith("at("):
        # spec §4.7: one-time schedules exist only in EventBridge Scheduler.
        if service != "scheduler":
            raise ScheduleSyntaxError("at() is only accepted by EventBridge Scheduler")
        return parse_at(text)
    raise ScheduleSyntaxError("not a cron(), rate() or at() expression")
