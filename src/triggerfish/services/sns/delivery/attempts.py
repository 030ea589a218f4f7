"""One delivery attempt to one subscriber, of any protocol, and what came of it.

Lambda subscribers get an asynchronous invoke, SQS subscribers a message, HTTP/S subscribers a POST
(spec §5.1-§5.3). Failures are classed as SNS classes them (spec §5.5, "Amazon SNS dead-letter
queues"): a client-side error (the queue or function is gone, the queue refuses the message) is not
retried and goes to the dead-letter queue; a server-side error is retried under the delivery policy.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry
from triggerfish.core.errors import InvalidParameterValue
from triggerfish.services.sns.delivery import envelopes, http_endpoint
from triggerfish.services.sns.delivery.envelopes import MessageType
from triggerfish.services.sns.delivery.http_endpoint import HttpMessage, HttpOutcome
from triggerfish.services.sns.delivery.policies import content_type
from triggerfish.services.sns.delivery.signing import Signer
from triggerfish.services.sns.models import Endpoint, Notification, Subscription, Topic

log = logging.getLogger(__name__)

#: "Messages with more than 10 message attributes directed towards Raw Message Delivery enabled
#: Amazon SQS subscriptions will be discarded as client side errors" (SNS guide, message attributes)
RAW_SQS_ATTRIBUTE_LIMIT = 10


class Outcome(Enum):
    DELIVERED = "delivered"
    #: a server-side error: try again under the delivery policy
    RETRY = "retry"
    #: a client-side error: no retry; the message goes to the dead-letter queue
    FAILED = "failed"
    #: not delivered and not a failure: an HTTP endpoint declined it, or nothing local can reach the endpoint
    DROPPED = "dropped"


@dataclass(frozen=True)
class AttemptResult:
    outcome: Outcome
    detail: str = ""


DELIVERED = AttemptResult(Outcome.DELIVERED)
_HTTP_OUTCOMES = {
    HttpOutcome.DELIVERED: Outcome.DELIVERED,
    HttpOutcome.DECLINED: Outcome.DROPPED,
    HttpOutcome.RETRY: Outcome.RETRY,
}


def queue_delivery(
    topic: Topic, notification: Notification, subscription: Subscription, body: str, queue_arn: str
) -> Delivery:
    """What the queue ``queue_arn`` is sent for ``subscription``: ``body``, the message attributes when raw, and the
    FIFO fields (spec §5.3). A FIFO topic's standard-queue subscribers get neither group nor
    deduplication id (recorded); a standard topic passes a group id on (fair queues)."""
    queue_fifo = queue_arn.endswith(".fifo")
    group_id = notification.group_id if queue_fifo or not topic.fifo else None
    deduplication_id = None
    if topic.fifo and queue_fifo:
        deduplication_id = notification.deduplication_id
        if deduplication_id is None and topic.content_based_deduplication:
            # content-based deduplication: the SHA-256 of the message (recorded MessageDeduplicationId)
            deduplication_id = hashlib.sha256(notification.message.encode("utf-8")).hexdigest()
    return Delivery(
        body=body,
        attributes=dict(notification.attributes) if subscription.raw_delivery else {},
        message_group_id=group_id,
        deduplication_id=deduplication_id,
    )


class Attempts:
    def __init__(self, deliveries: DeliveryRegistry, signer: Signer, endpoint_url: Callable[[], str]) -> None:
        self._deliveries = deliveries
        self._signer = signer
        self._endpoint_url = endpoint_url
        self.http_timeout = http_endpoint.TIMEOUT

    def body(self, topic: Topic, notification: Notification, subscription: Subscription) -> str:
        """The raw message or the JSON envelope, as an SQS or HTTP/S subscriber (or a DLQ) gets it."""
        if subscription.raw_delivery and subscription.protocol is not Endpoint.LAMBDA:
            return notification.message_for(subscription.protocol)
        return envelopes.envelope(
            topic, notification, subscription, signer=self._signer, endpoint_url=self._endpoint_url()
        )

    def dead_letter_delivery(
        self, topic: Topic, notification: Notification, subscription: Subscription, queue_arn: str
    ) -> Delivery:
        """What the subscription's dead-letter queue receives: what an SQS subscriber with the same raw
        setting would (recorded: a Lambda subscription's DLQ gets the JSON envelope)."""
        body = self.body(topic, notification, subscription)
        return queue_delivery(topic, notification, subscription, body, queue_arn)

    async def notify(self, topic: Topic, notification: Notification, subscription: Subscription) -> AttemptResult:
        try:
            return await self._notify(topic, notification, subscription)
        except (DeliveryFailed, InvalidParameterValue) as exc:
            return AttemptResult(Outcome.FAILED, str(exc))
        except Exception as exc:
            log.warning("delivery to %s failed", subscription.endpoint, exc_info=exc)
            return AttemptResult(Outcome.RETRY, f"{type(exc).__name__}: {exc}")

    async def _notify(self, topic: Topic, notification: Notification, subscription: Subscription) -> AttemptResult:
        protocol = subscription.protocol
        if protocol in (Endpoint.HTTP, Endpoint.HTTPS):
            message = HttpMessage(
                body=self.body(topic, notification, subscription),
                message_type=MessageType.NOTIFICATION.value,
                message_id=notification.message_id,
                topic_arn=topic.arn,
                subscription_arn=subscription.arn,
                raw=subscription.raw_delivery,
                content_type=content_type(topic, subscription),
            )
            return await self.post(subscription.endpoint, message)
        if protocol is Endpoint.LAMBDA:
            payload = envelopes.lambda_payload(
                topic, notification, subscription, signer=self._signer, endpoint_url=self._endpoint_url()
            )
            return await self._deliver(subscription.endpoint, Delivery(body=payload))
        if protocol in (Endpoint.SQS, Endpoint.FIREHOSE):
            if subscription.raw_delivery and len(notification.attributes) > RAW_SQS_ATTRIBUTE_LIMIT:
                return AttemptResult(
                    Outcome.FAILED,
                    f"{len(notification.attributes)} message attributes; raw delivery carries at most 10",
                )
            body = self.body(topic, notification, subscription)
            delivery = queue_delivery(topic, notification, subscription, body, subscription.endpoint)
            return await self._deliver(subscription.endpoint, delivery)
        return AttemptResult(Outcome.DROPPED, f"{protocol.value} endpoints cannot be reached from a local cloud")

    async def _deliver(self, arn: str, delivery: Delivery) -> AttemptResult:
        if not self._deliveries.supports(arn):
            return AttemptResult(Outcome.DROPPED, f"no local service accepts deliveries for {arn}")
        await self._deliveries.deliver(arn, delivery)
        return DELIVERED

    async def post(self, url: str, message: HttpMessage) -> AttemptResult:
        result = await http_endpoint.post(url, message, timeout=self.http_timeout)
        return AttemptResult(_HTTP_OUTCOMES[result.outcome], result.detail)
