"""EventBridge Scheduler's resources as values: schedule groups and schedules.

A schedule's target is kept as the wire shape CreateSchedule gave (``TargetSpec``), with the retry
policy's defaults filled in, because every one of its optional members must come back unchanged from
GetSchedule; the parts the service acts on are read from it by the properties below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from triggerfish.core.scope import Scope as Scope  # the scope every scheduler operation takes

DEFAULT_GROUP = "default"
#: DocumentStore kinds
GROUP_KIND = "scheduler.group"
SCHEDULE_KIND = "scheduler.schedule"
TICK_KIND = "scheduler.tick"

# RetryPolicy defaults: 24 hours and 185 retries (spec §4.7, scheduler model RetryPolicy)
DEFAULT_MAXIMUM_EVENT_AGE = 86_400
DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185

TargetSpec = Mapping[str, Any]


class ScheduleState(StrEnum):
    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


class WindowMode(StrEnum):
    OFF = "OFF"
    FLEXIBLE = "FLEXIBLE"


class AfterCompletion(StrEnum):
    NONE = "NONE"
    DELETE = "DELETE"


def group_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:scheduler:{region}:{account}:schedule-group/{name}"


def schedule_arn(region: str, account: str, group: str, name: str) -> str:
    return f"arn:aws:scheduler:{region}:{account}:schedule/{group}/{name}"


@dataclass(frozen=True)
class FlexibleWindow:
    mode: WindowMode = WindowMode.OFF
    maximum_minutes: int | None = None

    @property
    def seconds(self) -> float:
        """How far after its scheduled time an invocation may be made (0 when the window is off)."""
        if self.mode is WindowMode.OFF or not self.maximum_minutes:
            return 0.0
        return self.maximum_minutes * 60.0


@dataclass(frozen=True)
class RetryPolicy:
    maximum_event_age: int = DEFAULT_MAXIMUM_EVENT_AGE
    maximum_retry_attempts: int = DEFAULT_MAXIMUM_RETRY_ATTEMPTS

    @classmethod
    def of(cls, target: TargetSpec) -> RetryPolicy:
        policy: Mapping[str, Any] = target.get("RetryPolicy") or {}
        return cls(
            int(policy.get("MaximumEventAgeInSeconds", DEFAULT_MAXIMUM_EVENT_AGE)),
            int(policy.get("MaximumRetryAttempts", DEFAULT_MAXIMUM_RETRY_ATTEMPTS)),
        )


@dataclass(frozen=True)
class ScheduleKey:
    """A schedule's identity: its account and region (``scope``), group and name."""

    scope: str
    group: str
    name: str

    @property
    def document_name(self) -> str:
        return f"{self.group}/{self.name}"


@dataclass(frozen=True)
class ScheduleGroup:
    name: str
    account: str
    region: str
    tags: Mapping[str, str] = field(default_factory=dict)
    #: None for the default group until something is stored for it
    created_at: float | None = None
    updated_at: float | None = None
    client_token: str | None = None

    @property
    def arn(self) -> str:
        return group_arn(self.region, self.account, self.name)

    @property
    def scope(self) -> str:
        return f"{self.account}/{self.region}"


@dataclass(frozen=True)
class Schedule:
    name: str
    group: str
    account: str
    region: str
    expression: str
    target: TargetSpec
    window: FlexibleWindow
    created_at: float
    updated_at: float
    state: ScheduleState = ScheduleState.ENABLED
    timezone: str | None = None
    start_date: float | None = None
    end_date: float | None = None
    description: str | None = None
    kms_key_arn: str | None = None
    after_completion: AfterCompletion = AfterCompletion.NONE
    #: the ClientToken of the request that last set this definition (CreateSchedule or UpdateSchedule)
    client_token: str | None = None

    @property
    def arn(self) -> str:
        return schedule_arn(self.region, self.account, self.group, self.name)

    @property
    def group_arn(self) -> str:
        return group_arn(self.region, self.account, self.group)

    @property
    def key(self) -> ScheduleKey:
        return ScheduleKey(f"{self.account}/{self.region}", self.group, self.name)

    @property
    def target_arn(self) -> str:
        return str(self.target["Arn"])

    @property
    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy.of(self.target)

    @property
    def dead_letter_arn(self) -> str | None:
        config: Mapping[str, Any] = self.target.get("DeadLetterConfig") or {}
        arn = config.get("Arn")
        return str(arn) if arn else None
