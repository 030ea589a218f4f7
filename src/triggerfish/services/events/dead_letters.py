"""What a target's dead-letter queue receives when an event cannot be delivered (spec §4.4).

The message is the original event, not the input rendered for the target (users report the raw
event JSON as the DLQ body; the target's input may not even be JSON). EventBridge adds the message
attributes its user guide lists ("Using dead-letter queues to process undelivered events"):
``RULE_ARN``, ``TARGET_ARN``, ``ERROR_CODE``, ``ERROR_MESSAGE``, ``EXHAUSTED_RETRY_CONDITION`` (only
when a retry limit ran out) and ``RETRY_ATTEMPTS``, all as ``String`` attributes.
"""

from __future__ import annotations

import logging

import orjson

from triggerfish.core.delivery import Delivery, DeliveryRegistry, MessageAttribute
from triggerfish.services.events.delivery_job import DeliveryJob
from triggerfish.services.events.errors import TargetFailure

log = logging.getLogger(__name__)


def dead_letter_arn(job: DeliveryJob) -> str | None:
    config = job.target.spec.get("DeadLetterConfig") or {}
    arn = config.get("Arn")
    return arn if isinstance(arn, str) and arn else None


def dead_letter_delivery(
    job: DeliveryJob, failure: TargetFailure, *, retry_attempts: int, exhausted: str | None
) -> Delivery:
    attributes = {
        "RULE_ARN": job.rule.arn,
        "TARGET_ARN": job.target.arn,
        "ERROR_CODE": str(failure.code),
        # SQS refuses an empty attribute value, and a DLQ message lost for that would be lost for nothing
        "ERROR_MESSAGE": failure.message or str(failure.code),
    }
    if exhausted is not None:
        attributes["EXHAUSTED_RETRY_CONDITION"] = exhausted
    attributes["RETRY_ATTEMPTS"] = str(retry_attempts)
    return Delivery(
        body=orjson.dumps(dict(job.event)).decode(),
        attributes={name: MessageAttribute("String", value) for name, value in attributes.items()},
    )


async def dead_letter(
    deliveries: DeliveryRegistry,
    job: DeliveryJob,
    failure: TargetFailure,
    *,
    retry_attempts: int,
    exhausted: str | None,
) -> None:
    """Send ``job``'s event to its target's DLQ, or log and drop it when there is none (AWS drops it
    too); a DLQ that will not take it loses the event (AWS counts ``InvocationsFailedToBeSentToDLQ``)."""
    event_id = job.event.get("id")
    arn = dead_letter_arn(job)
    if arn is None:
        log.warning(
            "dropping event %s for target %s of %s: %s%s",
            event_id,
            job.target.id,
            job.rule.arn,
            failure,
            f" ({exhausted} exhausted)" if exhausted else "",
        )
        return
    delivery = dead_letter_delivery(job, failure, retry_attempts=retry_attempts, exhausted=exhausted)
    try:
        await deliveries.deliver(arn, delivery)
    except Exception as exc:
        log.warning("could not send event %s to the dead-letter queue %s: %s", event_id, arn, exc)
