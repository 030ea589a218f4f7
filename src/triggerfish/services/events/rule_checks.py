"""What PutRule, DeleteRule and RemoveTargets check about a rule, worded as AWS words it (§4.4)."""

from __future__ import annotations

from triggerfish.core.patterns import CompiledPattern, InvalidPattern, compile_pattern
from triggerfish.core.schedules import InvalidScheduleExpression, parse_schedule
from triggerfish.services.events.errors import InvalidEventPattern, ManagedRule, ValidationException
from triggerfish.services.events.models import DEFAULT_BUS, Rule
from triggerfish.services.events.naming import BusRef, check_rule_name


def check_rule(
    bus: BusRef, name: str, event_pattern: str | None, schedule_expression: str | None
) -> CompiledPattern | None:
    """Check a PutRule; the compiled pattern, if there is one."""
    check_rule_name(name)
    if not event_pattern and not schedule_expression:
        raise ValidationException("Parameter(s) EventPattern or ScheduleExpression must be specified.")
    if schedule_expression:
        _check_schedule(schedule_expression, bus)
    return _compile(event_pattern) if event_pattern else None


def check_unmanaged(rule: Rule, force: bool) -> None:
    # rules an AWS service manages change only with Force (DeleteRule / RemoveTargets, Force)
    if rule.managed_by is not None and not force:
        raise ManagedRule(f"Rule '{rule.name}' is managed by an AWS service can only be modified if force is True.")


def _check_schedule(expression: str, bus: BusRef) -> None:
    if bus.name != DEFAULT_BUS:
        # recorded PutRule answer for a schedule on a custom bus (§4.4)
        raise ValidationException("ScheduleExpression is supported only on the default event bus.")
    try:
        parse_schedule(expression, "events")
    except InvalidScheduleExpression as error:
        raise ValidationException(error.message) from None


def _compile(pattern: str) -> CompiledPattern:
    try:
        return compile_pattern(pattern)
    except InvalidPattern as error:
        raise InvalidEventPattern(error.message) from None
