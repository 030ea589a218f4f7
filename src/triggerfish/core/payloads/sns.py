"""SNS deliveries to Lambda: one record per invocation in ``{"Records": [...]}`` (spec §5.2)."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from typing import TypedDict

from triggerfish.core.arns import parse_arn
from triggerfish.core.payloads.attributes import MessageAttribute
from triggerfish.core.payloads.timestamps import iso_millis


class SnsMessageAttributeRecord(TypedDict):
    Type: str
    Value: str


class SnsMessage(TypedDict):
    Type: str
    MessageId: str
    TopicArn: str
    Subject: str | None
    Message: str
    Timestamp: str
    SignatureVersion: str
    Signature: str
    SigningCertUrl: str
    UnsubscribeUrl: str
    MessageAttributes: dict[str, SnsMessageAttributeRecord]


class SnsRecord(TypedDict):
    EventSource: str
    EventVersion: str
    EventSubscriptionArn: str
    Sns: SnsMessage


class SnsEvent(TypedDict):
    Records: list[SnsRecord]


def unsubscribe_url_for(subscription_arn: str) -> str:
    """The regional endpoint's Unsubscribe action for this subscription, as SNS writes it (§5.2)."""
    region = parse_arn(subscription_arn).region
    return f"https://sns.{region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={subscription_arn}"


def message_attribute_record(attribute: MessageAttribute) -> SnsMessageAttributeRecord:
    """``{"Type": ..., "Value": ...}``; binary values are base64, ``String.Array`` keeps its JSON text (§5.2)."""
    if attribute.is_binary:
        return {"Type": attribute.data_type, "Value": base64.b64encode(attribute.binary_value or b"").decode("ascii")}
    return {"Type": attribute.data_type, "Value": attribute.string_value or ""}


def sns_record(
    *,
    topic_arn: str,
    subscription_arn: str,
    message_id: str,
    message: str,
    time: float,
    signature: str,
    signing_cert_url: str,
    subject: str | None = None,
    message_attributes: Mapping[str, MessageAttribute] | None = None,
    unsubscribe_url: str | None = None,
    signature_version: str = "1",
) -> SnsRecord:
    """One published message as a Lambda subscription receives it; ``time`` is the publish time."""
    return {
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": subscription_arn,
        "Sns": {
            "Type": "Notification",
            "MessageId": message_id,
            "TopicArn": topic_arn,
            # Subject is null, not absent, when the publisher gave none (§5.2)
            "Subject": subject,
            "Message": message,
            "Timestamp": iso_millis(time),
            "SignatureVersion": signature_version,
            "Signature": signature,
            # the Lambda record spells these ...Url; the JSON envelope sent to SQS/HTTP spells them ...URL (§5.2)
            "SigningCertUrl": signing_cert_url,
            "UnsubscribeUrl": unsubscribe_url or unsubscribe_url_for(subscription_arn),
            "MessageAttributes": {
                name: message_attribute_record(value) for name, value in (message_attributes or {}).items()
            },
        },
    }


def sns_event(records: Iterable[SnsRecord]) -> SnsEvent:
    return {"Records": list(records)}
