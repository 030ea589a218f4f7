"""Schedules and schedule groups in the output shapes of the scheduler model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from triggerfish.services.scheduler import Schedule, ScheduleGroup


class TagShape(TypedDict):
    Key: str
    Value: str


def schedule(found: Schedule) -> dict[str, Any]:
    """GetSchedule's output."""
    window: dict[str, Any] = {"Mode": found.window.mode.value}
    if found.window.maximum_minutes is not None:
        window["MaximumWindowInMinutes"] = found.window.maximum_minutes
    shape: dict[str, Any] = {
        "Arn": found.arn,
        "Name": found.name,
        "GroupName": found.group,
        "Description": found.description,
        "ScheduleExpression": found.expression,
        # an expression without a time zone is read in UTC (spec §4.7), and GetSchedule says so
        "ScheduleExpressionTimezone": found.timezone or "UTC",
        "StartDate": found.start_date,
        "EndDate": found.end_date,
        "State": found.state.value,
        "FlexibleTimeWindow": window,
        "Target": dict(found.target),
        "ActionAfterCompletion": found.after_completion.value,
        "KmsKeyArn": found.kms_key_arn,
        "CreationDate": found.created_at,
        "LastModificationDate": found.updated_at,
    }
    return {key: value for key, value in shape.items() if value is not None}


def schedule_summary(found: Schedule) -> dict[str, Any]:
    """An entry of ListSchedules."""
    return {
        "Arn": found.arn,
        "Name": found.name,
        "GroupName": found.group,
        "State": found.state.value,
        "CreationDate": found.created_at,
        "LastModificationDate": found.updated_at,
        "Target": {"Arn": found.target_arn},
    }


def group(found: ScheduleGroup) -> dict[str, Any]:
    """GetScheduleGroup's output, and an entry of ListScheduleGroups."""
    shape: dict[str, Any] = {
        "Arn": found.arn,
        "Name": found.name,
        # a deleted group is gone at once here, so a group is never DELETING
        "State": "ACTIVE",
        "CreationDate": found.created_at,
        "LastModificationDate": found.updated_at,
    }
    return {key: value for key, value in shape.items() if value is not None}


def tag_list(tags: Mapping[str, str]) -> list[TagShape]:
    return [{"Key": key, "Value": value} for key, value in tags.items()]


def tag_map(tags: Any) -> dict[str, str]:
    """A TagList (``[{"Key": ..., "Value": ...}]``) as a mapping."""
    return {str(tag["Key"]): str(tag["Value"]) for tag in tags or []}
