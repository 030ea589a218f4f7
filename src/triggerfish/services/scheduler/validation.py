"""CreateSchedule and UpdateSchedule requests turned into a :class:`Schedule`, with AWS's refusals.

Member constraints follow the scheduler model (names ``[0-9a-zA-Z-_.]+`` of 1–64, RetryPolicy 60–86,400
seconds and 0–185 retries, MaximumWindowInMinutes 1–1,440; spec §4.7). What the model cannot say is
checked here too: the expression and time zone, FLEXIBLE windows without a size, and StartDate and
EndDate, which bound recurring schedules only (one-time schedules ignore them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from triggerfish.services.scheduler.errors import ValidationException
from triggerfish.services.scheduler.inputs import Fields
from triggerfish.services.scheduler.models import (
    DEFAULT_GROUP,
    DEFAULT_MAXIMUM_EVENT_AGE,
    DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
    AfterCompletion,
    FlexibleWindow,
    Schedule,
    ScheduleState,
    Scope,
    WindowMode,
)
from triggerfish.services.scheduler.timing import is_one_time, timetable_of

NAME_PATTERN = r"[0-9a-zA-Z-_.]+"
CLIENT_TOKEN_PATTERN = r"[a-zA-Z0-9-_]+"
ROLE_PATTERN = r"arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+"
DEAD_LETTER_PATTERN = r"arn:aws[a-z-]*:sqs:[a-z0-9\-]+:\d{12}:[a-zA-Z0-9\-_]+"
KMS_PATTERN = r"arn:aws[a-z-]*:kms:[a-z0-9\-]+:\d{12}:(key|alias)\/[0-9a-zA-Z-_]*"

# "The StartDate you specify cannot be earlier than 5 minutes ago." (AWS's answer, quoted by users)
START_DATE_GRACE = 300.0


@dataclass(frozen=True)
class Addressed:
    """Which schedule a request names, and its ClientToken."""

    name: str
    group: str
    client_token: str | None


def check_name(value: Any) -> str:
    return Fields({"Name": value}).required_text("Name", min_length=1, max_length=64, pattern=NAME_PATTERN)


def check_group_name(value: Any) -> str:
    if value is None:
        return DEFAULT_GROUP
    fields = Fields({"GroupName": value})
    return fields.required_text("GroupName", min_length=1, max_length=64, pattern=NAME_PATTERN)


def addressed(fields: Mapping[str, Any]) -> Addressed:
    reader = Fields(fields)
    name = reader.required_text("Name", min_length=1, max_length=64, pattern=NAME_PATTERN)
    group = reader.text("GroupName", min_length=1, max_length=64, pattern=NAME_PATTERN) or DEFAULT_GROUP
    token = reader.text("ClientToken", min_length=1, max_length=64, pattern=CLIENT_TOKEN_PATTERN)
    return Addressed(name, group, token)


def read_schedule(fields: Mapping[str, Any], *, scope: Scope, now: float, created_at: float | None = None) -> Schedule:
    """The schedule a CreateSchedule (``created_at`` None) or UpdateSchedule request defines.

    UpdateSchedule replaces every setting: what the request leaves out takes its default again.
    """
    reader = Fields(fields)
    where = addressed(fields)
    window = _window(reader)
    target = _target(reader)
    description = reader.text("Description", max_length=512)
    schedule = Schedule(
        name=where.name,
        group=where.group,
        account=scope.account,
        region=scope.region,
        expression=reader.required_text("ScheduleExpression", min_length=1, max_length=256),
        target=target,
        window=window,
        created_at=now if created_at is None else created_at,
        updated_at=now,
        state=reader.choice("State", ScheduleState) or ScheduleState.ENABLED,
        timezone=reader.text("ScheduleExpressionTimezone", min_length=1, max_length=50),
        start_date=reader.timestamp("StartDate"),
        end_date=reader.timestamp("EndDate"),
        description=description,
        kms_key_arn=reader.text("KmsKeyArn", min_length=1, max_length=2048, pattern=KMS_PATTERN),
        after_completion=reader.choice("ActionAfterCompletion", AfterCompletion) or AfterCompletion.NONE,
        client_token=where.client_token,
    )
    timetable = timetable_of(schedule)
    if not is_one_time(timetable):
        _check_dates(schedule, now)
    return schedule


def _check_dates(schedule: Schedule, now: float) -> None:
    start, end = schedule.start_date, schedule.end_date
    if start is not None and start < now - START_DATE_GRACE:
        raise ValidationException("The StartDate you specify cannot be earlier than 5 minutes ago.")
    # EndDate's refusals are worded after StartDate's; AWS's exact texts are not recorded
    if end is not None and end < now:
        raise ValidationException("The EndDate you specify cannot be earlier than the current time.")
    if start is not None and end is not None and end <= start:
        raise ValidationException("The EndDate you specify must be after the StartDate.")


def _window(reader: Fields) -> FlexibleWindow:
    window = reader.structure("FlexibleTimeWindow", required=True)
    assert window is not None
    mode = window.choice("Mode", WindowMode, required=True)
    assert mode is not None
    minutes = window.integer("MaximumWindowInMinutes", low=1, high=1440)
    if mode is WindowMode.FLEXIBLE and minutes is None:
        raise ValidationException("MaximumWindowInMinutes must be provided when Mode is FLEXIBLE.")
    return FlexibleWindow(mode, minutes)


def _target(reader: Fields) -> dict[str, Any]:
    target = reader.structure("Target", required=True)
    assert target is not None
    target.required_text("Arn", min_length=1, max_length=1600)
    target.required_text("RoleArn", min_length=1, max_length=1600, pattern=ROLE_PATTERN)
    target.text("Input", min_length=1)
    retry = target.structure("RetryPolicy")
    age = retry.integer("MaximumEventAgeInSeconds", low=60, high=86_400) if retry else None
    attempts = retry.integer("MaximumRetryAttempts", low=0, high=185) if retry else None
    dead_letter = target.structure("DeadLetterConfig")
    if dead_letter is not None:
        dead_letter.text("Arn", min_length=1, max_length=1600, pattern=DEAD_LETTER_PATTERN)
    sqs = target.structure("SqsParameters")
    if sqs is not None:
        sqs.text("MessageGroupId", min_length=1, max_length=128)
    bus = target.structure("EventBridgeParameters")
    if bus is not None:
        bus.required_text("DetailType", min_length=1, max_length=128)
        bus.required_text("Source", min_length=1, max_length=256)
    spec: dict[str, Any] = dict(_plain(reader.raw("Target")))
    # GetSchedule shows the retry policy in force, its defaults filled in (spec §4.7)
    spec["RetryPolicy"] = {
        "MaximumEventAgeInSeconds": DEFAULT_MAXIMUM_EVENT_AGE if age is None else age,
        "MaximumRetryAttempts": DEFAULT_MAXIMUM_RETRY_ATTEMPTS if attempts is None else attempts,
    }
    return spec


def _plain(value: Any) -> Any:
    """The target as plain dicts and lists (the document store keeps JSON)."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
