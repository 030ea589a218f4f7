"""RedrivePolicy and RedriveAllowPolicy: the JSON documents that tie queues to dead-letter queues."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from typing import Any

from triggerfish.services.sqs.errors import InvalidParameterValue

#: maxReceiveCount: 1-1000 (SQS developer guide, "Using dead-letter queues")
MAX_RECEIVE_COUNT_RANGE = (1, 1000)
#: byQueue names up to 10 source queues (SQS API reference, SetQueueAttributes)
MAX_REDRIVE_SOURCES = 10


@dataclass(frozen=True)
class RedrivePolicy:
    dead_letter_target_arn: str
    max_receive_count: int

    def to_json(self) -> str:
        document = {"deadLetterTargetArn": self.dead_letter_target_arn, "maxReceiveCount": self.max_receive_count}
        return json.dumps(document, separators=(",", ":"))


class RedrivePermission(enum.Enum):
    ALLOW_ALL = "allowAll"
    DENY_ALL = "denyAll"
    BY_QUEUE = "byQueue"


@dataclass(frozen=True)
class RedriveAllowPolicy:
    permission: RedrivePermission
    source_queue_arns: tuple[str, ...] = ()

    def allows(self, source_arn: str) -> bool:
        if self.permission is RedrivePermission.ALLOW_ALL:
            return True
        if self.permission is RedrivePermission.DENY_ALL:
            return False
        return source_arn in self.source_queue_arns

    def to_json(self) -> str:
        document: dict[str, Any] = {"redrivePermission": self.permission.value}
        if self.permission is RedrivePermission.BY_QUEUE:
            document["sourceQueueArns"] = list(self.source_queue_arns)
        return json.dumps(document, separators=(",", ":"))


def parse_redrive_policy(text: str) -> RedrivePolicy | None:
    """The policy in ``text``; ``None`` for the empty string, which removes it."""
    if text == "":
        return None
    document = _json_map(text, "RedrivePolicy")
    if "deadLetterTargetArn" not in document:
        raise _invalid(
            text, "RedrivePolicy", "Redrive policy does not contain mandatory attribute: deadLetterTargetArn."
        )
    if "maxReceiveCount" not in document:
        raise _invalid(text, "RedrivePolicy", "Redrive policy does not contain mandatory attribute: maxReceiveCount.")
    target = document["deadLetterTargetArn"]
    if not isinstance(target, str) or not target.startswith("arn:"):
        raise _invalid(text, "RedrivePolicy", "Invalid value for deadLetterTargetArn.")
    count = _integer(document["maxReceiveCount"])
    low, high = MAX_RECEIVE_COUNT_RANGE
    if count is None or not low <= count <= high:
        reason = (
            f"Invalid value for maxReceiveCount: {document['maxReceiveCount']}, "
            f"valid values are from {low} to {high} both inclusive."
        )
        raise _invalid(text, "RedrivePolicy", reason)
    return RedrivePolicy(target, count)


def parse_redrive_allow_policy(text: str) -> RedriveAllowPolicy | None:
    if text == "":
        return None
    document = _json_map(text, "RedriveAllowPolicy")
    try:
        permission = RedrivePermission(document.get("redrivePermission"))
    except ValueError:
        raise _invalid(text, "RedriveAllowPolicy", "Invalid value for redrivePermission.") from None
    sources = document.get("sourceQueueArns", [])
    if not isinstance(sources, list) or not all(isinstance(arn, str) for arn in sources):
        raise _invalid(text, "RedriveAllowPolicy", "Invalid value for sourceQueueArns.")
    if permission is RedrivePermission.BY_QUEUE:
        if not 1 <= len(sources) <= MAX_REDRIVE_SOURCES:
            reason = f"Amount of source queue ARNs must be between 1 and {MAX_REDRIVE_SOURCES}."
            raise _invalid(text, "RedriveAllowPolicy", reason)
    elif sources:
        reason = "Only specify source queue ARNs when redrivePermission is set to byQueue."
        raise _invalid(text, "RedriveAllowPolicy", reason)
    return RedriveAllowPolicy(permission, tuple(sources))


def _json_map(text: str, parameter: str) -> dict[str, Any]:
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise InvalidParameterValue(
            f"Invalid value for the parameter {parameter}. Reason: {parameter} is not a valid JSON map."
        )
    return document


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _invalid(text: str, parameter: str, reason: str) -> InvalidParameterValue:
    return InvalidParameterValue(f"Value {text} for parameter {parameter} is invalid. Reason: {reason}")
