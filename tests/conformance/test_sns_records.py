"""What our SNS subscribers receive, against what AWS delivered: the SQS bodies (envelope, raw, FIFO),
the Lambda record, the DLQ body of a Lambda subscription, the HTTP POSTs (notification and
confirmations) with their headers. Compared field for field, key order included, apart from ids,
times and signatures (hidden by ``<placeholders>`` in the recordings, or ``date``/``timestamp``).

Data: ``data/events/localstack-recorded/sns-deliveries.json`` (extracted from LocalStack's AWS-recorded
``test_sns.snapshot.json``) and Powertools' ``snsSqsEvent.json`` / ``snsSqsFifoEvent.json`` (real SQS
bodies, compared byte for byte); provenance in ``data/SOURCES.md``.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from shapes import assert_same_shape

from triggerfish.core.delivery import MessageAttribute
from triggerfish.services.sns.delivery.attempts import queue_delivery
from triggerfish.services.sns.delivery.envelopes import (
    MessageType,
    aws_json,
    confirmation_document,
    envelope_document,
    lambda_payload,
)
from triggerfish.services.sns.delivery.http_endpoint import HttpMessage
from triggerfish.services.sns.delivery.signing import Signer
from triggerfish.services.sns.models import Endpoint, Notification, Subscription, Topic

DATA = Path(__file__).parent / "data" / "events"
RECORDED: dict[str, Any] = json.loads((DATA / "localstack-recorded" / "sns-deliveries.json").read_text("utf-8"))
SIGNER = Signer()
ENDPOINT = "http://localhost:4566"
ACCOUNT = "111111111111"


def _recorded(name: str) -> Any:
    return _hide_times(RECORDED[name]["record"])


def _hide_times(value: Any) -> Any:
    # the recordings hide times behind bare words rather than <placeholders>
    if isinstance(value, dict):
        return {key: _hide_times(inner) for key, inner in value.items()}
    return "<time>" if value in ("date", "timestamp") else value


def _topic(fifo: bool = False) -> Topic:
    name = "topic-1.fifo" if fifo else "topic-1"
    attributes = {"FifoTopic": "true", "ContentBasedDeduplication": "true"} if fifo else {}
    return Topic(f"arn:aws:sns:us-east-1:{ACCOUNT}:{name}", name, ACCOUNT, "us-east-1", attributes=attributes)


def _subscription(topic: Topic, protocol: Endpoint, endpoint: str = "", **attributes: str) -> Subscription:
    arn = f"{topic.arn}:0f1e2d3c-4b5a-4697-8887-766554433221"
    return Subscription(arn, topic.arn, protocol, endpoint, ACCOUNT, attributes)


def _attributes(recorded: dict[str, Any]) -> dict[str, MessageAttribute]:
    found: dict[str, MessageAttribute] = {}
    for name, value in recorded.items():
        if value["Type"] == "Binary":
            found[name] = MessageAttribute("Binary", None, base64.b64decode(value["Value"]))
        else:
            found[name] = MessageAttribute(value["Type"], value["Value"])
    return found


def _notification(topic: Topic, message: str, **fields: Any) -> Notification:
    return Notification("2f0e8b36-50e1-5d6a-9f36-7f1e6c2b7a10", topic.arn, message, 1_700_000_000.123, **fields)


def _envelope(name: str, topic: Topic, protocol: Endpoint = Endpoint.SQS, *, ordered: bool = True) -> None:
    """Rebuild the recorded envelope from its own message and attributes; compare shape, values, order."""
    recorded = _recorded(name)
    sample = recorded.get("Body", recorded)
    notification = _notification(
        topic,
        sample["Message"],
        subject=sample.get("Subject"),
        attributes=_attributes(sample.get("MessageAttributes", {})),
        sequence_number=sample.get("SequenceNumber"),
    )
    built = envelope_document(topic, notification, _subscription(topic, protocol), signer=SIGNER, endpoint_url=ENDPOINT)
    if ordered:
        assert list(built) == list(sample)
    assert_same_shape(json.loads(aws_json(built)), sample, values=True)


@pytest.mark.parametrize("name", ["sqs-envelope-with-attributes", "sqs-envelope-unicode", "http-notification"])
def test_the_json_envelope_matches_the_recorded_one(name: str) -> None:
    # the HTTP recording sorted its keys; the SQS ones kept the body's order
    http = name.startswith("http")
    _envelope(name, _topic(), Endpoint.HTTP if http else Endpoint.SQS, ordered=not http)


def test_a_lambda_subscriptions_dead_letter_body_is_the_recorded_envelope() -> None:
    _envelope("lambda-dead-letter", _topic(), Endpoint.LAMBDA)


def test_the_fifo_envelope_and_its_queue_fields_match_the_recorded_ones() -> None:
    topic = _topic(fifo=True)
    _envelope("sqs-fifo-envelope", topic)
    recorded = _recorded("sqs-fifo-envelope")
    subscription = _subscription(topic, Endpoint.SQS, f"arn:aws:sqs:us-east-1:{ACCOUNT}:q.fifo")
    notification = _notification(topic, "Test", group_id="message-group-id-1", sequence_number="1")
    delivery = queue_delivery(topic, notification, subscription, "body", subscription.endpoint)
    assert delivery.message_group_id == recorded["Attributes"]["MessageGroupId"]
    assert delivery.deduplication_id == recorded["Attributes"]["MessageDeduplicationId"]


def test_raw_delivery_matches_the_recorded_sqs_message() -> None:
    recorded = _recorded("sqs-raw-with-attributes")
    topic = _topic()
    subscription = _subscription(topic, Endpoint.SQS, f"arn:aws:sqs:us-east-1:{ACCOUNT}:q", RawMessageDelivery="true")
    attributes = {
        name: MessageAttribute(value["DataType"], value.get("StringValue"))
        for name, value in recorded["MessageAttributes"].items()
    }
    notification = _notification(topic, recorded["Body"], attributes=attributes)
    delivery = queue_delivery(topic, notification, subscription, recorded["Body"], subscription.endpoint)
    assert delivery.body == "Test msg"
    built = {name: {"DataType": a.data_type, "StringValue": a.string_value} for name, a in delivery.attributes.items()}
    assert built == recorded["MessageAttributes"]


def test_the_lambda_record_matches_the_recorded_notification() -> None:
    sample = _recorded("lambda-notification")
    topic = _topic()
    notification = _notification(topic, sample["Message"], subject=sample["Subject"])
    payload = lambda_payload(
        topic, notification, _subscription(topic, Endpoint.LAMBDA), signer=SIGNER, endpoint_url=ENDPOINT
    )
    (record,) = json.loads(payload)["Records"]
    assert_same_shape(record["Sns"], sample, values=True)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("http-subscription-confirmation", MessageType.SUBSCRIPTION_CONFIRMATION),
        ("http-unsubscribe-confirmation", MessageType.UNSUBSCRIBE_CONFIRMATION),
    ],
)
def test_confirmations_match_the_recorded_ones(name: str, kind: MessageType) -> None:
    sample = _recorded(name)
    topic = _topic()
    built = confirmation_document(
        kind,
        topic,
        subscription_arn=_subscription(topic, Endpoint.HTTP).arn,
        message_id="5d1e4a4c-1f6a-4c8e-9a55-0a7c0c8f7d11",
        token="2336412f37fb687f5d51e6e2425dacbba2d1f2e6",
        timestamp=1_700_000_000.0,
        signer=SIGNER,
        endpoint_url=ENDPOINT,
    )
    assert_same_shape(json.loads(aws_json(built)), sample, values=True)


@pytest.mark.parametrize(
    ("name", "message_type", "with_subscription", "raw"),
    [
        ("http-notification-headers", "Notification", True, False),
        ("http-raw-notification-headers", "Notification", True, True),
        ("http-subscription-confirmation-headers", "SubscriptionConfirmation", False, False),
        ("http-unsubscribe-confirmation-headers", "UnsubscribeConfirmation", True, False),
    ],
)
def test_the_http_headers_match_the_recorded_ones(
    name: str, message_type: str, with_subscription: bool, raw: bool
) -> None:
    recorded = {key.lower(): value for key, value in _recorded(name).items()}
    topic = _topic()
    message = HttpMessage(
        body="x",
        message_type=message_type,
        message_id="5d1e4a4c-1f6a-4c8e-9a55-0a7c0c8f7d11",
        topic_arn=topic.arn,
        subscription_arn=_subscription(topic, Endpoint.HTTP).arn if with_subscription else None,
        raw=raw,
    )
    built = {key.lower(): value for key, value in message.headers()}
    # the transport adds Host, Content-Length and Connection
    expected = {key: value for key, value in recorded.items() if key not in ("host", "content-length", "connection")}
    assert_same_shape(built, expected, values=True)


@pytest.mark.parametrize("name", ["snsSqsEvent.json", "snsSqsFifoEvent.json"])
def test_the_envelope_text_is_formatted_as_aws_writes_it(name: str) -> None:
    body: str = json.loads((DATA / "powertools-lambda-python" / name).read_text("utf-8"))["Records"][0]["body"]
    sample = json.loads(body)
    fifo = "SequenceNumber" in sample
    region, account = sample["TopicArn"].split(":")[3:5]
    topic_name = sample["TopicArn"].split(":")[5]
    attributes = {"FifoTopic": "true"} if fifo else {}
    topic = Topic(sample["TopicArn"], topic_name, account, region, attributes=attributes)
    subscription_arn = sample["UnsubscribeURL"].split("SubscriptionArn=")[1]
    subscription = Subscription(subscription_arn, topic.arn, Endpoint.SQS, "", account)
    notification = Notification(
        sample["MessageId"],
        topic.arn,
        sample["Message"],
        _epoch(sample["Timestamp"]),
        sequence_number=sample.get("SequenceNumber"),
    )
    document = envelope_document(topic, notification, subscription, signer=SIGNER, endpoint_url="https://sns.x")
    # ids, times and the message come from the sample; the signature and the URLs are AWS's own
    for key in ("Signature", "SigningCertURL", "UnsubscribeURL"):
        if key in sample:
            document[key] = sample[key]
    assert aws_json(document) == body


def _epoch(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
