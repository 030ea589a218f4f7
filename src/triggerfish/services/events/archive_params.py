"""Reading archive and replay request parameters, with EventBridge's validation messages.

The wire layer already checks the botocore model's constraints; these checks repeat the ones the
service relies on, in the same words, for callers that reach it from Python (templates, tests).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from triggerfish.services.events.constraints import Constraint, Range, check
from triggerfish.services.events.errors import ValidationException

# the botocore model's ArchiveName, ReplayName, ArchiveDescription/ReplayDescription, RetentionDays
ARCHIVE_NAME = Constraint(r"[\.\-_A-Za-z0-9]+", 48)
REPLAY_NAME = Constraint(r"[\.\-_A-Za-z0-9]+", 64)
DESCRIPTION = Constraint(r".*", 512)
RETENTION_DAYS = Range(0, 2**31 - 1)
#: any text: checks only that a value is a string (and, when required, not empty)
_TEXT = Constraint(r"(?s).*", 2**31 - 1)

_ARCHIVE_ARN = re.compile(r"arn:aws[\w-]*:events:([a-z0-9-]*):([0-9]{12})?:archive/([\.\-_A-Za-z0-9]+)")


def missing(member: str) -> ValidationException:
    return ValidationException(
        f"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
    )


def not_valid(parameter: str, reason: str) -> ValidationException:
    """EventBridge's wording for a parameter its own checks reject (spec §4.5)."""
    return ValidationException(f"Parameter {parameter} is not valid. Reason: {reason}")


def name(fields: Mapping[str, Any], key: str, member: str, rule: Constraint) -> str:
    value = fields.get(key)
    if value is None:
        raise missing(member)
    check((member, value, rule))
    assert isinstance(value, str)  # check() rejects anything else
    return value


def required_text(fields: Mapping[str, Any], key: str, member: str) -> str:
    value = fields.get(key)
    if value is None:
        raise missing(member)
    check((member, value, _TEXT))
    assert isinstance(value, str)
    return value


def optional_text(fields: Mapping[str, Any], key: str, member: str, rule: Constraint | None = None) -> str | None:
    value = fields.get(key)
    if value is None:
        return None
    if value == "":  # these members have no minimum length
        return ""
    check((member, value, rule or _TEXT))
    assert isinstance(value, str)
    return value


def retention_days(fields: Mapping[str, Any]) -> int | None:
    # RetentionDays: minimum 0, and 0 keeps events for ever (spec §4.5)
    value = fields.get("RetentionDays")
    if value is None:
        return None
    check(("retentionDays", value, RETENTION_DAYS))
    assert isinstance(value, int)
    return value


def epoch(fields: Mapping[str, Any], key: str, member: str) -> float:
    """A timestamp parameter (the wire layer gives ``datetime``; Python callers may give epoch seconds)."""
    value = fields.get(key)
    if value is None:
        raise missing(member)
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValidationException(
        f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
        "Member must be of type timestamp"
    )


def parse_archive_arn(arn: str) -> tuple[str, str, str] | None:
    """``(region, account, name)`` of an archive ARN."""
    found = _ARCHIVE_ARN.fullmatch(arn)
    if found is None:
        return None
    region, account, archive = found.groups()
    return region, account or "", archive


def exclusive_filters(fields: Mapping[str, Any], operation: str) -> None:
    # ListArchives/ListReplays: "Filter parameters are exclusive." (botocore model documentation)
    given = [key for key in ("NamePrefix", "EventSourceArn", "State") if fields.get(key) is not None]
    if len(given) > 1:
        raise ValidationException(
            f"At most one filter is allowed for {operation}. Use either : State, EventSourceArn, or NamePrefix."
        )
