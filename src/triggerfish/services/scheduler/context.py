"""Context attributes: keywords in a target's Input that Scheduler replaces at each attempt.

"Adding context attributes" (Scheduler User Guide): ``<aws.scheduler.schedule-arn>``,
``<aws.scheduler.scheduled-time>`` (the time the schedule was set to invoke its target, e.g.
``2022-03-22T18:59:43Z``), ``<aws.scheduler.execution-id>`` (unique per attempted invocation, e.g.
``d32c5kddcf5bb8c3``) and ``<aws.scheduler.attempt-number>`` (1 for the first attempt). They are
replaced as text wherever they appear, inside JSON strings or not.

Without an Input, Scheduler "delivers a default notification to the target" (API reference, Target):
observed by Lambda users (aws-lambda-dotnet#1864, aws-lambda-java-libs#479) as an event envelope with
``detail-type`` "Scheduled Event", ``source`` "aws.scheduler", the scheduled time, the schedule's ARN
in ``resources`` and ``detail`` the *string* ``"{}"``.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass

from triggerfish.core.arns import parse_arn
from triggerfish.core.ids import hex_id, request_id

#: An event bus target's detail when its schedule has no Input
EMPTY_DETAIL = "{}"


@dataclass(frozen=True)
class Attempt:
    """One attempted invocation of a target."""

    schedule_arn: str
    scheduled_time: float
    execution_id: str
    number: int

    @classmethod
    def new(cls, schedule_arn: str, scheduled_time: float, number: int) -> Attempt:
        return cls(schedule_arn, scheduled_time, new_execution_id(), number)


def new_execution_id() -> str:
    return hex_id(16)


def scheduled_time_text(epoch: float) -> str:
    """``2022-03-22T18:59:43Z``: UTC to the second."""
    return _dt.datetime.fromtimestamp(int(epoch), _dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def default_notification(attempt: Attempt) -> str:
    """What a target receives when its schedule has no Input."""
    arn = parse_arn(attempt.schedule_arn)
    event = {
        "version": "0",
        "id": request_id(),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": arn.account,
        "time": scheduled_time_text(attempt.scheduled_time),
        "region": arn.region,
        "resources": [attempt.schedule_arn],
        "detail": "{}",
    }
    return json.dumps(event, separators=(",", ":"))


def render_input(text: str, attempt: Attempt) -> str:
    """The Input with its context attributes replaced for this attempt."""
    body = text
    if "<aws.scheduler." not in body:
        return body
    values = {
        "<aws.scheduler.schedule-arn>": attempt.schedule_arn,
        "<aws.scheduler.scheduled-time>": scheduled_time_text(attempt.scheduled_time),
        "<aws.scheduler.execution-id>": attempt.execution_id,
        "<aws.scheduler.attempt-number>": str(attempt.number),
    }
    for keyword, value in values.items():
        body = body.replace(keyword, value)
    return body
