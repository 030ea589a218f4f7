"""One event on its way to one rule target, and how it is kept in the durable retry queue.

A job is what a retry needs without asking anyone again: the rule that matched, the target as it
was put (the rule may change or go before the retry), the event, and the body already rendered for
the target. The queue entry (``AsyncEvent``) adds the attempts made and when the first one was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypedDict

import orjson

from triggerfish.core.delivery import Delivery
from triggerfish.services.events.models import RuleRef, Target


class TargetKind(StrEnum):
    """How a target is reached, read from its ARN."""

    LAMBDA = "lambda"
    SQS = "sqs"
    SNS = "sns"
    EVENT_BUS = "event-bus"
    API_DESTINATION = "api-destination"
    #: any other service (Kinesis, Step Functions...): delivered by ARN if some service took it
    OTHER = "other"


def target_kind(arn: str) -> TargetKind:
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return TargetKind.OTHER
    service, resource = parts[2], parts[5]
    if service == "events":
        if resource.startswith("event-bus/"):
            return TargetKind.EVENT_BUS
        if resource.startswith("api-destination/"):
            return TargetKind.API_DESTINATION
        return TargetKind.OTHER
    if service in ("lambda", "sqs", "sns"):
        return TargetKind(service)
    return TargetKind.OTHER


class _RulePayload(TypedDict):
    arn: str
    name: str
    busArn: str


class _TargetPayload(TypedDict):
    id: str
    arn: str
    spec: dict[str, Any]


class JobPayload(TypedDict):
    """The JSON kept in the queue entry's ``payload``."""

    rule: _RulePayload
    target: _TargetPayload
    event: dict[str, Any]
    body: str
    ingestionTime: float


@dataclass(frozen=True)
class DeliveryJob:
    rule: RuleRef
    target: Target
    event: Mapping[str, Any]
    #: what the target receives: the rendered input, or the event itself for a bus target
    body: str
    ingestion_time: float

    @property
    def kind(self) -> TargetKind:
        return target_kind(self.target.arn)

    def delivery(self) -> Delivery:
        """The delivery by ARN for a Lambda, SQS, SNS, bus or other target."""
        if self.kind is TargetKind.SQS:
            # FIFO targets: the group comes from SqsParameters; AWS sends no deduplication id, the queue
            # must use content-based deduplication (botocore Target.SqsParameters documentation)
            parameters = self.target.spec.get("SqsParameters") or {}
            return Delivery(self.body, message_group_id=parameters.get("MessageGroupId"))
        return Delivery(self.body)

    def dumps(self) -> bytes:
        payload: JobPayload = {
            "rule": {"arn": self.rule.arn, "name": self.rule.name, "busArn": self.rule.bus_arn},
            "target": {"id": self.target.id, "arn": self.target.arn, "spec": dict(self.target.spec)},
            "event": dict(self.event),
            "body": self.body,
            "ingestionTime": self.ingestion_time,
        }
        return orjson.dumps(payload)

    @classmethod
    def loads(cls, data: bytes) -> DeliveryJob:
        payload: JobPayload = orjson.loads(data)
        rule, target = payload["rule"], payload["target"]
        return cls(
            RuleRef(rule["arn"], rule["name"], rule["busArn"]),
            Target(target["id"], target["arn"], target["spec"]),
            payload["event"],
            payload["body"],
            payload["ingestionTime"],
        )
