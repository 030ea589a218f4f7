"""Invoking a schedule's target through delivery by ARN, and what a failure means for retries.

Templated targets (spec §4.7): Lambda is invoked asynchronously with the Input as its payload, SQS
gets the Input as the message body (``SqsParameters.MessageGroupId`` for FIFO queues), SNS as the
message, an EventBridge bus as the event's detail with ``EventBridgeParameters`` giving DetailType and
Source. Universal targets (``arn:aws:scheduler:::aws-sdk:<service>:<action>``) call any SDK action;
they are accepted but not run locally.

A failure carries the ``ERROR_CODE`` and ``ERROR_MESSAGE`` of the dead-letter event ("Configuring a
dead-letter queue", Scheduler User Guide: the target API's error code, or
``AWS.Scheduler.InternalServerError`` for a failure of Scheduler itself); only throttling and server
errors are retried, a missing target is not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from triggerfish.core.arns import parse_arn
from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry
from triggerfish.core.errors import TriggerfishError
from triggerfish.services.scheduler.models import TargetSpec

UNIVERSAL_PREFIX = "arn:aws:scheduler:::aws-sdk:"
INTERNAL_ERROR = "AWS.Scheduler.InternalServerError"
INTERNAL_MESSAGE = "Unexpected error occurred while processing the request"


class TargetKind(StrEnum):
    LAMBDA = "lambda"
    SQS = "sqs"
    SNS = "sns"
    EVENTS = "events"
    UNIVERSAL = "universal"
    OTHER = "other"


@dataclass(frozen=True)
class TargetFailure(Exception):
    code: str
    message: str
    retriable: bool

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def kind_of(arn: str) -> TargetKind:
    if arn.startswith(UNIVERSAL_PREFIX):
        return TargetKind.UNIVERSAL
    try:
        service = parse_arn(arn).service
    except ValueError:
        return TargetKind.OTHER
    try:
        return TargetKind(service)
    except ValueError:
        return TargetKind.OTHER


def delivery_of(target: TargetSpec, body: str) -> Delivery:
    kind = kind_of(str(target["Arn"]))
    if kind is TargetKind.SQS:
        sqs: Mapping[str, Any] = target.get("SqsParameters") or {}
        # a FIFO target needs content-based deduplication: Scheduler sends no deduplication id
        return Delivery(body=body, message_group_id=sqs.get("MessageGroupId"))
    if kind is TargetKind.EVENTS:
        bus: Mapping[str, Any] = target.get("EventBridgeParameters") or {}
        return Delivery(body=body, detail_type=bus.get("DetailType"), source=bus.get("Source"))
    return Delivery(body=body)


async def invoke(deliveries: DeliveryRegistry, target: TargetSpec, body: str) -> None:
    """Hand ``body`` to the target, or raise :class:`TargetFailure`."""
    arn = str(target["Arn"])
    kind = kind_of(arn)
    if kind is TargetKind.UNIVERSAL:
        raise TargetFailure(
            "NotImplemented", f"triggerfish does not run universal targets locally, so it cannot call {arn}", False
        )
    if not deliveries.supports(arn):
        raise TargetFailure("NotImplemented", f"triggerfish cannot deliver to {arn}: its service is not served", False)
    if not deliveries.exists(arn):
        raise _missing(kind, arn)
    try:
        await deliveries.deliver(arn, delivery_of(target, body))
    except DeliveryFailed as failed:
        raise _refused(failed) from failed
    except TriggerfishError as error:
        raise TargetFailure(error.code, error.message, _retriable(error)) from error
    except Exception as error:
        raise TargetFailure(INTERNAL_ERROR, INTERNAL_MESSAGE, True) from error


def _refused(failed: DeliveryFailed) -> TargetFailure:
    cause = failed.__cause__
    if isinstance(cause, TriggerfishError):
        return TargetFailure(cause.code, cause.message, _retriable(cause))
    return TargetFailure("ValidationException", str(failed), False)


def _retriable(error: TriggerfishError) -> bool:
    # spec §4.4 (shared by Scheduler): throttling and server errors are retried, client errors are not
    return error.status == 429 or error.status >= 500


def _missing(kind: TargetKind, arn: str) -> TargetFailure:
    # each the target API's own answer for a resource that is not there
    if kind is TargetKind.LAMBDA:
        return TargetFailure("ResourceNotFoundException", f"Function not found: {arn}", False)
    if kind is TargetKind.SQS:
        # the SQS answer quoted in the Scheduler User Guide's dead-letter event example
        message = "The specified queue does not exist for this wsdl version."
        return TargetFailure("AWS.SimpleQueueService.NonExistentQueue", message, False)
    if kind is TargetKind.SNS:
        return TargetFailure("NotFound", "Topic does not exist", False)
    if kind is TargetKind.EVENTS:
        name = arn.rpartition("/")[2]
        return TargetFailure("ResourceNotFoundException", f"Event bus {name} does not exist.", False)
    return TargetFailure("ResourceNotFoundException", f"{arn} does not exist.", False)
