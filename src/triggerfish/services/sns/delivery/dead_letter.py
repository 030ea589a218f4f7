"""Where an undeliverable notification goes: the subscription's dead-letter queue, or nowhere.

spec §5.5, "Amazon SNS dead-letter queues": a message that meets a client-side error, or whose
retries ran out, goes to the SQS queue named by the subscription's ``RedrivePolicy``
(``{"deadLetterTargetArn": ...}``); without one it is discarded. Recorded: the DLQ receives what an
SQS subscriber would (envelope or raw message with its attributes, FIFO group and deduplication ids),
with no error attributes added.
"""

from __future__ import annotations

import json
import logging

from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.services.sns.delivery.attempts import Attempts
from triggerfish.services.sns.models import Notification, Subscription, Topic

log = logging.getLogger(__name__)


def dead_letter_target(subscription: Subscription) -> str | None:
    text = subscription.attributes.get("RedrivePolicy")
    if not text:
        return None
    try:
        policy = json.loads(text)
    except ValueError:
        return None
    target = policy.get("deadLetterTargetArn") if isinstance(policy, dict) else None
    return target if isinstance(target, str) and target else None


async def dead_letter(
    deliveries: DeliveryRegistry,
    attempts: Attempts,
    topic: Topic,
    notification: Notification,
    subscription: Subscription,
    reason: str,
) -> bool:
    """Hand the notification to the subscription's DLQ; ``False`` when it was discarded instead."""
    target = dead_letter_target(subscription)
    if target is None:
        log.warning(
            "discarding message %s for %s (no dead-letter queue): %s", notification.message_id, subscription.arn, reason
        )
        return False
    try:
        await deliveries.deliver(target, attempts.dead_letter_delivery(topic, notification, subscription, target))
    except Exception as exc:
        # like SNS: a DLQ that cannot take the message loses it
        log.warning(
            "message %s for %s lost: its dead-letter queue %s refused it: %s",
            notification.message_id,
            subscription.arn,
            target,
            exc,
        )
        return False
    return True
