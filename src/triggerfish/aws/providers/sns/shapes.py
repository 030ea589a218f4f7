"""SNS's wire shapes: message attributes in, subscriptions and publish results out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NotRequired, TypedDict

from triggerfish.core.delivery import MessageAttribute
from triggerfish.services.sns.fifo import Published
from triggerfish.services.sns.models import Subscription
from triggerfish.services.sns.publishing import Message


class SubscriptionShape(TypedDict):
    SubscriptionArn: str
    Owner: str
    Protocol: str
    Endpoint: str
    TopicArn: str


class PublishResultShape(TypedDict):
    MessageId: str
    SequenceNumber: NotRequired[str]


class BatchEntryShape(TypedDict):
    Id: str
    MessageId: str
    SequenceNumber: NotRequired[str]


def message_attributes(raw: Mapping[str, Any] | None) -> dict[str, MessageAttribute]:
    return {
        name: MessageAttribute(value.get("DataType", ""), value.get("StringValue"), value.get("BinaryValue"))
        for name, value in (raw or {}).items()
    }


def message(params: Mapping[str, Any]) -> Message:
    """A Publish request's (or a PublishBatch entry's) message."""
    return Message(
        message=params.get("Message", ""),
        subject=params.get("Subject"),
        structure=params.get("MessageStructure"),
        attributes=message_attributes(params.get("MessageAttributes")),
        group_id=params.get("MessageGroupId"),
        deduplication_id=params.get("MessageDeduplicationId"),
    )


LISTED_PENDING = "PendingConfirmation"


def subscription(found: Subscription) -> SubscriptionShape:
    # Subscribe answers "pending confirmation", but listings show such a subscription as "PendingConfirmation"
    return {
        "SubscriptionArn": found.arn if found.confirmed else LISTED_PENDING,
        "Owner": found.owner,
        "Protocol": found.protocol.value,
        "Endpoint": found.endpoint,
        "TopicArn": found.topic_arn,
    }


def subscriptions(found: Sequence[Subscription], token: str | None) -> dict[str, Any]:
    shape: dict[str, Any] = {"Subscriptions": [subscription(s) for s in found]}
    if token:
        shape["NextToken"] = token
    return shape


def publish_result(published: Published) -> PublishResultShape:
    shape: PublishResultShape = {"MessageId": published.message_id}
    if published.sequence_number is not None:
        shape["SequenceNumber"] = published.sequence_number
    return shape


def batch_entry(entry_id: str, published: Published) -> BatchEntryShape:
    shape: BatchEntryShape = {"Id": entry_id, "MessageId": published.message_id}
    if published.sequence_number is not None:
        shape["SequenceNumber"] = published.sequence_number
    return shape
