"""What each kind of subscriber receives: the Lambda record, the JSON envelope SQS and HTTP/S
subscribers get, the raw message, and the confirmation messages sent to HTTP/S endpoints.

spec §5.2-§5.3, checked against recorded deliveries: the envelope is pretty-printed JSON with
``"Key" : value`` separators and each message attribute on one compact line; ``Subject`` and
``MessageAttributes`` are left out when there are none; FIFO topics add ``SequenceNumber`` and leave
out the signature fields. The Lambda record always says ``SignatureVersion`` 1 (recorded with a
topic set to 2) and spells ``SigningCertUrl`` / ``UnsubscribeUrl``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from triggerfish.core.payloads.sns import message_attribute_record, sns_record
from triggerfish.core.payloads.timestamps import iso_millis
from triggerfish.services.sns.delivery.signing import Signer, signing_cert_url
from triggerfish.services.sns.models import Endpoint, Notification, Subscription, Topic


class MessageType(StrEnum):
    NOTIFICATION = "Notification"
    SUBSCRIPTION_CONFIRMATION = "SubscriptionConfirmation"
    UNSUBSCRIBE_CONFIRMATION = "UnsubscribeConfirmation"


def aws_json(document: Mapping[str, Any]) -> str:
    """``{\\n  "Key" : value,\\n ...}``: one field a line, nested objects' members on their own lines
    and each of their values compact, as SNS writes ``MessageAttributes``."""
    lines = []
    for key, value in document.items():
        if isinstance(value, Mapping):
            members = ",\n".join(f"    {_compact(name)} : {_compact(inner)}" for name, inner in value.items())
            text = "{\n" + members + "\n  }" if members else "{ }"
        else:
            text = _compact(value)
        lines.append(f"  {_compact(key)} : {text}")
    return "{\n" + ",\n".join(lines) + "\n}"


def _compact(value: Any) -> str:
    # SNS writes non-ASCII characters as they are and does not escape "/"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def unsubscribe_url(endpoint_url: str, subscription_arn: str) -> str:
    return f"{endpoint_url.rstrip('/')}/?Action=Unsubscribe&SubscriptionArn={subscription_arn}"


def subscribe_url(endpoint_url: str, topic_arn: str, token: str) -> str:
    return f"{endpoint_url.rstrip('/')}/?Action=ConfirmSubscription&TopicArn={topic_arn}&Token={token}"


def signature_version(topic: Topic) -> str:
    return "2" if topic.attributes.get("SignatureVersion") == "2" else "1"


def envelope_document(
    topic: Topic, notification: Notification, subscription: Subscription, *, signer: Signer, endpoint_url: str
) -> dict[str, Any]:
    """The JSON envelope as a document, fields in SNS's order (spec §5.3)."""
    document: dict[str, Any] = {"Type": MessageType.NOTIFICATION.value, "MessageId": notification.message_id}
    if topic.fifo:
        document["SequenceNumber"] = notification.sequence_number or "0"
    document["TopicArn"] = topic.arn
    if notification.subject is not None:
        document["Subject"] = notification.subject
    document["Message"] = notification.message_for(subscription.protocol)
    document["Timestamp"] = iso_millis(notification.timestamp)
    if not topic.fifo:
        # recorded FIFO envelopes carry no signature fields (spec §5.3)
        version = signature_version(topic)
        document["SignatureVersion"] = version
        document["Signature"] = signer.sign(document, version)
        document["SigningCertURL"] = signing_cert_url(topic.region)
    document["UnsubscribeURL"] = unsubscribe_url(endpoint_url, subscription.arn)
    if notification.attributes:
        document["MessageAttributes"] = {
            name: dict(message_attribute_record(value)) for name, value in notification.attributes.items()
        }
    return document


def envelope(
    topic: Topic, notification: Notification, subscription: Subscription, *, signer: Signer, endpoint_url: str
) -> str:
    """The body an SQS or HTTP/S subscriber without raw delivery receives."""
    return aws_json(envelope_document(topic, notification, subscription, signer=signer, endpoint_url=endpoint_url))


def lambda_payload(
    topic: Topic, notification: Notification, subscription: Subscription, *, signer: Signer, endpoint_url: str
) -> str:
    """The invoke payload of a Lambda subscriber: one record (spec §5.2)."""
    message = notification.message_for(Endpoint.LAMBDA)
    signed = {
        "Type": MessageType.NOTIFICATION.value,
        "MessageId": notification.message_id,
        "TopicArn": topic.arn,
        "Subject": notification.subject,
        "Message": message,
        "Timestamp": iso_millis(notification.timestamp),
    }
    record = sns_record(
        topic_arn=topic.arn,
        subscription_arn=subscription.arn,
        message_id=notification.message_id,
        message=message,
        time=notification.timestamp,
        signature=signer.sign(signed, "1"),
        signing_cert_url=signing_cert_url(topic.region),
        subject=notification.subject,
        message_attributes=notification.attributes,
        unsubscribe_url=unsubscribe_url(endpoint_url, subscription.arn),
    )
    return json.dumps({"Records": [record]}, ensure_ascii=False)


def confirmation_document(
    kind: MessageType,
    topic: Topic,
    *,
    subscription_arn: str,
    message_id: str,
    token: str,
    timestamp: float,
    signer: Signer,
    endpoint_url: str,
) -> dict[str, Any]:
    """A ``SubscriptionConfirmation`` or ``UnsubscribeConfirmation``, as POSTed to an HTTP/S endpoint."""
    if kind is MessageType.SUBSCRIPTION_CONFIRMATION:
        text = (
            f"You have chosen to subscribe to the topic {topic.arn}.\n"
            "To confirm the subscription, visit the SubscribeURL included in this message."
        )
    else:
        text = (
            f"You have chosen to deactivate subscription {subscription_arn}.\n"
            "To cancel this operation and restore the subscription, visit the SubscribeURL included in this message."
        )
    document: dict[str, Any] = {
        "Type": kind.value,
        "MessageId": message_id,
        "Token": token,
        "TopicArn": topic.arn,
        "Message": text,
        "SubscribeURL": subscribe_url(endpoint_url, topic.arn, token),
        "Timestamp": iso_millis(timestamp),
    }
    version = signature_version(topic)
    document["SignatureVersion"] = version
    document["Signature"] = signer.sign(document, version)
    document["SigningCertURL"] = signing_cert_url(topic.region)
    return document
