"""Schedule groups, schedules and their last fired ticks as stored documents (JSON text).

A schedule's last fired tick lives in a document of its own (kind ``scheduler.tick``, same name as the
schedule) so that firing never races an UpdateSchedule for the schedule's revision.
"""

from __future__ import annotations

import json
from typing import Any

from triggerfish.services.scheduler.models import (
    AfterCompletion,
    FlexibleWindow,
    Schedule,
    ScheduleGroup,
    ScheduleState,
    WindowMode,
)


def encode_group(group: ScheduleGroup) -> str:
    return _dumps(
        {
            "name": group.name,
            "account": group.account,
            "region": group.region,
            "tags": dict(group.tags),
            "created_at": group.created_at,
            "updated_at": group.updated_at,
            "client_token": group.client_token,
        }
    )


def decode_group(body: str) -> ScheduleGroup:
    data = json.loads(body)
    return ScheduleGroup(
        name=data["name"],
        account=data["account"],
        region=data["region"],
        tags=dict(data.get("tags") or {}),
        created_at=data.get("created_at"),
        updated_at=data.get("updated_at"),
        client_token=data.get("client_token"),
    )


def encode_schedule(schedule: Schedule) -> str:
    return _dumps(
        {
            "name": schedule.name,
            "group": schedule.group,
            "account": schedule.account,
            "region": schedule.region,
            "expression": schedule.expression,
            "target": schedule.target,
            "window": {"mode": schedule.window.mode.value, "maximum_minutes": schedule.window.maximum_minutes},
            "created_at": schedule.created_at,
            "updated_at": schedule.updated_at,
            "state": schedule.state.value,
            "timezone": schedule.timezone,
            "start_date": schedule.start_date,
            "end_date": schedule.end_date,
            "description": schedule.description,
            "kms_key_arn": schedule.kms_key_arn,
            "after_completion": schedule.after_completion.value,
            "client_token": schedule.client_token,
        }
    )


def decode_schedule(body: str) -> Schedule:
    data = json.loads(body)
    window = data["window"]
    return Schedule(
        name=data["name"],
        group=data["group"],
        account=data["account"],
        region=data["region"],
        expression=data["expression"],
        target=data["target"],
        window=FlexibleWindow(WindowMode(window["mode"]), window.get("maximum_minutes")),
        created_at=data["created_at"],
        updated_at=data["updated_at"],
        state=ScheduleState(data["state"]),
        timezone=data.get("timezone"),
        start_date=data.get("start_date"),
        end_date=data.get("end_date"),
        description=data.get("description"),
        kms_key_arn=data.get("kms_key_arn"),
        after_completion=AfterCompletion(data.get("after_completion", "NONE")),
        client_token=data.get("client_token"),
    )


def encode_tick(tick: float) -> str:
    return _dumps({"tick": tick})


def decode_tick(body: str) -> float:
    return float(json.loads(body)["tick"])


def _dumps(data: dict[str, Any]) -> str:
    # anything a deployment put in a target that JSON cannot hold is kept as its text
    return json.dumps(data, separators=(",", ":"), default=str)
