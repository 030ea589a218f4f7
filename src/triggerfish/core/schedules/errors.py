"""Why a schedule expression is refused, and the error each service reports for it."""

from __future__ import annotations

from typing import Literal

from triggerfish.core.errors import ValidationError

Service = Literal["events", "scheduler"]
"""Which API the expression arrived on: EventBridge ``PutRule`` or Scheduler ``CreateSchedule``."""

CronField = Literal["Minute", "Hour", "DayOfMonth", "Month", "DayOfWeek", "Year"]


class ScheduleSyntaxError(ValueError):
    """An expression that does not parse, with the reason and (for cron) the offending field.

    Parsers raise this; :func:`~triggerfish.core.schedules.parse_schedule` turns it into the
    service's own :class:`InvalidScheduleExpression`.
    """

    def __init__(self, reason: str, field: CronField | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field: CronField | None = field


class InvalidScheduleExpression(ValidationError):
    """A ``ValidationException`` carrying the exact message the service returns.

    ``reason`` and ``field`` are ours (for logs and tests); AWS itself says only that the expression
    is invalid.
    """

    def __init__(self, expression: str, service: Service, reason: str, field: CronField | None = None) -> None:
        super().__init__(service_message(expression, service))
        self.expression = expression
        self.service: Service = service
        self.reason = reason
        self.field: CronField | None = field


def service_message(expression: str, service: Service) -> str:
    # spec §4.4: PutRule never echoes the expression; Scheduler (§4.7) quotes it verbatim.
    if service == "events":
        return "Parameter ScheduleExpression is not valid."
    return f"Invalid Schedule Expression {expression}."
