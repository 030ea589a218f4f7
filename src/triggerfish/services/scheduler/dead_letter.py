"""The dead-letter event: what a schedule's DLQ receives when its target could not be invoked.

"Configuring a dead-letter queue" (Scheduler User Guide, "Retrieve the dead-letter event"): the
message body is the request Scheduler made of the target (here the Input as sent), with String
message attributes ``ERROR_CODE``, ``ERROR_MESSAGE``, ``EXECUTION_ID``, ``EXHAUSTED_RETRY_CONDITION``
(only when a retriable error used up ``MaximumRetryAttempts`` or ``MaximumEventAgeInSeconds``),
``IS_PAYLOAD_TRUNCATED``, ``RETRY_ATTEMPTS``, ``SCHEDULED_TIME``, ``SCHEDULE_ARN`` and ``TARGET_ARN``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from triggerfish.core.delivery import Delivery, DeliveryRegistry, MessageAttribute
from triggerfish.services.scheduler.context import Attempt, scheduled_time_text
from triggerfish.services.scheduler.targets import TargetFailure

log = logging.getLogger(__name__)

# SQS's classic message size, the most a dead-letter event carries before it is cut
MAX_PAYLOAD = 256 * 1024


class RetryReason:
    """``EXHAUSTED_RETRY_CONDITION``: which limit of the retry policy ran out."""

    MAXIMUM_RETRY_ATTEMPTS = "MaximumRetryAttempts"
    MAXIMUM_EVENT_AGE = "MaximumEventAgeInSeconds"


@dataclass(frozen=True)
class DeadLetter:
    queue_arn: str
    target_arn: str
    body: str
    attempt: Attempt
    failure: TargetFailure
    exhausted: str | None

    def delivery(self) -> Delivery:
        body, truncated = _cut(self.body)
        values = {
            "ERROR_CODE": self.failure.code,
            "ERROR_MESSAGE": self.failure.message,
            "EXECUTION_ID": self.attempt.execution_id,
            "EXHAUSTED_RETRY_CONDITION": self.exhausted,
            "IS_PAYLOAD_TRUNCATED": "true" if truncated else "false",
            "RETRY_ATTEMPTS": str(self.attempt.number - 1),
            "SCHEDULED_TIME": scheduled_time_text(self.attempt.scheduled_time),
            "SCHEDULE_ARN": self.attempt.schedule_arn,
            "TARGET_ARN": self.target_arn,
        }
        attributes = {name: MessageAttribute("String", value) for name, value in values.items() if value is not None}
        return Delivery(body=body, attributes=attributes)


async def send(deliveries: DeliveryRegistry, letter: DeadLetter) -> None:
    """Deliver the dead-letter event; if the queue will not take it, the event is lost (logged)."""
    try:
        await deliveries.deliver(letter.queue_arn, letter.delivery())
    except Exception as error:
        log.warning(
            "schedule %s: the dead-letter queue %s refused the failed invocation: %s",
            letter.attempt.schedule_arn,
            letter.queue_arn,
            error,
        )


def _cut(body: str) -> tuple[str, bool]:
    raw = body.encode()
    if len(raw) <= MAX_PAYLOAD:
        return body, False
    return raw[:MAX_PAYLOAD].decode("utf-8", "ignore"), True
