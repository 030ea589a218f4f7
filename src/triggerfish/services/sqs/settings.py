"""A queue's settable attributes: names, ranges, defaults, and their wire form (spec §2.1)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from triggerfish.services.sqs.errors import InvalidAttributeName, InvalidAttributeValue
from triggerfish.services.sqs.policies import (
    RedriveAllowPolicy,
    RedrivePolicy,
    parse_redrive_allow_policy,
    parse_redrive_policy,
)

#: Attributes GetQueueAttributes reports but nobody sets.
COMPUTED = frozenset(
    {
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesNotVisible",
        "ApproximateNumberOfMessagesDelayed",
        "CreatedTimestamp",
        "LastModifiedTimestamp",
        "QueueArn",
    }
)
#: Attributes only FIFO queues have (SQS API reference, CreateQueue).
FIFO_ONLY = frozenset({"FifoQueue", "ContentBasedDeduplication", "DeduplicationScope", "FifoThroughputLimit"})

# name -> (low, high): every integer attribute and its range (spec §2.1)
_RANGES = {
    "DelaySeconds": (0, 900),
    "MaximumMessageSize": (1_024, 1_048_576),
    "MessageRetentionPeriod": (60, 1_209_600),
    "ReceiveMessageWaitTimeSeconds": (0, 20),
    "VisibilityTimeout": (0, 43_200),
    "KmsDataKeyReusePeriodSeconds": (60, 86_400),
}
_FIELDS = {
    "DelaySeconds": "delay_seconds",
    "MaximumMessageSize": "maximum_message_size",
    "MessageRetentionPeriod": "retention_period",
    "ReceiveMessageWaitTimeSeconds": "receive_wait_time",
    "VisibilityTimeout": "visibility_timeout",
    "KmsDataKeyReusePeriodSeconds": "kms_data_key_reuse_period",
}
_CHOICES = {
    "DeduplicationScope": ("deduplication_scope", ("messageGroup", "queue")),
    "FifoThroughputLimit": ("fifo_throughput_limit", ("perQueue", "perMessageGroupId")),
}
_SSE_CONFLICT = (
    "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE."
)


@dataclass(frozen=True)
class QueueSettings:
    fifo: bool = False
    visibility_timeout: int = 30
    delay_seconds: int = 0
    retention_period: int = 345_600  # 4 days
    maximum_message_size: int = 1_048_576  # 1 MiB since 2025 (spec appendix A)
    receive_wait_time: int = 0
    policy: str | None = None
    redrive_policy: RedrivePolicy | None = None
    redrive_allow_policy: RedriveAllowPolicy | None = None
    kms_master_key_id: str | None = None
    kms_data_key_reuse_period: int = 300
    sqs_managed_sse: bool = True  # SSE-SQS is on for new queues since 2022
    content_based_deduplication: bool = False
    deduplication_scope: str = "queue"
    fifo_throughput_limit: str = "perQueue"

    def attributes(self) -> dict[str, str]:
        """The settable attributes as GetQueueAttributes words them."""
        values = {
            "VisibilityTimeout": str(self.visibility_timeout),
            "DelaySeconds": str(self.delay_seconds),
            "MessageRetentionPeriod": str(self.retention_period),
            "MaximumMessageSize": str(self.maximum_message_size),
            "ReceiveMessageWaitTimeSeconds": str(self.receive_wait_time),
            "SqsManagedSseEnabled": _bool(self.sqs_managed_sse),
        }
        if self.policy is not None:
            values["Policy"] = self.policy
        if self.redrive_policy is not None:
            values["RedrivePolicy"] = self.redrive_policy.to_json()
        if self.redrive_allow_policy is not None:
            values["RedriveAllowPolicy"] = self.redrive_allow_policy.to_json()
        if self.kms_master_key_id is not None:
            values["KmsMasterKeyId"] = self.kms_master_key_id
            values["KmsDataKeyReusePeriodSeconds"] = str(self.kms_data_key_reuse_period)
        if self.fifo:
            values["FifoQueue"] = "true"
            values["ContentBasedDeduplication"] = _bool(self.content_based_deduplication)
            values["DeduplicationScope"] = self.deduplication_scope
            values["FifoThroughputLimit"] = self.fifo_throughput_limit
        return values

    def to_document(self) -> dict[str, Any]:
        return {"fifo": self.fifo, "attributes": self.attributes()}


def from_document(document: Mapping[str, Any]) -> QueueSettings:
    fifo = bool(document["fifo"])
    return apply(QueueSettings(fifo=fifo), document["attributes"], creating=True)


def apply(settings: QueueSettings, given: Mapping[str, str], *, creating: bool) -> QueueSettings:
    """``settings`` with the attributes ``given`` set; raises AWS's errors for bad names and values."""
    # one kind of server-side encryption at a time (observed SetQueueAttributes answer)
    if given.get("KmsMasterKeyId") and given.get("SqsManagedSseEnabled", "").lower() == "true":
        raise InvalidAttributeName(_SSE_CONFLICT)
    changes: dict[str, Any] = {}
    for name, value in given.items():
        changes.update(_parse(settings.fifo, name, value, creating=creating))
    return replace(settings, **changes)


def _parse(fifo: bool, name: str, value: str, *, creating: bool) -> dict[str, Any]:
    if name in _RANGES:
        return {_FIELDS[name]: _ranged(name, value)}
    if name in FIFO_ONLY and not fifo:
        if name == "FifoQueue" and value.lower() == "false":
            return {}  # templates often say FifoQueue: false for a standard queue
        raise InvalidAttributeName(f"Unknown Attribute {name}.")
    parser = _PARSERS.get(name)
    if parser is None or (name == "FifoQueue" and not creating):
        raise InvalidAttributeName(f"Unknown Attribute {name}.")
    return parser(name, value)


def _ranged(name: str, value: str) -> int:
    low, high = _RANGES[name]
    text = value.strip()
    if not text.lstrip("-").isdigit() or not low <= int(text) <= high:
        raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
    return int(text)


def _boolean(name: str, value: str) -> bool:
    if value.lower() not in ("true", "false"):
        raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
    return value.lower() == "true"


def _choice(name: str, value: str) -> dict[str, Any]:
    field_name, allowed = _CHOICES[name]
    if value not in allowed:
        raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
    return {field_name: value}


def _policy(name: str, value: str) -> dict[str, Any]:
    if value == "":
        return {"policy": None}
    try:
        document = json.loads(value)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
    return {"policy": value}


def _kms_key(name: str, value: str) -> dict[str, Any]:
    if value == "":
        return {"kms_master_key_id": None}
    return {"kms_master_key_id": value, "sqs_managed_sse": False}


def _managed_sse(name: str, value: str) -> dict[str, Any]:
    enabled = _boolean(name, value)
    return {"sqs_managed_sse": True, "kms_master_key_id": None} if enabled else {"sqs_managed_sse": False}


def _fifo_queue(name: str, value: str) -> dict[str, Any]:
    if not _boolean(name, value):
        raise InvalidAttributeValue(f"Invalid value for the parameter {name}.")
    return {}


_PARSERS: dict[str, Callable[[str, str], dict[str, Any]]] = {
    "Policy": _policy,
    "RedrivePolicy": lambda _, value: {"redrive_policy": parse_redrive_policy(value)},
    "RedriveAllowPolicy": lambda _, value: {"redrive_allow_policy": parse_redrive_allow_policy(value)},
    "KmsMasterKeyId": _kms_key,
    "SqsManagedSseEnabled": _managed_sse,
    "ContentBasedDeduplication": lambda name, value: {"content_based_deduplication": _boolean(name, value)},
    "DeduplicationScope": _choice,
    "FifoThroughputLimit": _choice,
    "FifoQueue": _fifo_queue,
}


def _bool(value: bool) -> str:
    return "true" if value else "false"
