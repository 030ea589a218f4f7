"""What subscribers receive (spec §5.2-§5.3): the envelope's format, key order and FIFO form, the
Lambda record, confirmation messages, and signatures."""

from __future__ import annotations

import base64
import json

from triggerfish.core.delivery import MessageAttribute
from triggerfish.services.sns.delivery.envelopes import (
    MessageType,
    aws_json,
    confirmation_document,
    envelope,
    lambda_payload,
)
from triggerfish.services.sns.delivery.signing import Signer, canonical_string, signing_cert_url
from triggerfish.services.sns.models import Endpoint, Notification, Subscription, Topic

TOPIC_ARN = "arn:aws:sns:eu-west-1:000000000000:orders"
SUB_ARN = f"{TOPIC_ARN}:7c1ab3c9-0000-4000-8000-000000000001"
ENDPOINT = "http://localhost:4566"
SIGNER = Signer(b"k" * 32)


def _topic(name: str = "orders", **attributes: str) -> Topic:
    return Topic(f"arn:aws:sns:eu-west-1:000000000000:{name}", name, "000000000000", "eu-west-1", attributes=attributes)


def _subscription(topic: Topic, protocol: Endpoint = Endpoint.SQS, **attributes: str) -> Subscription:
    return Subscription(
        f"{topic.arn}:sub-1", topic.arn, protocol, "arn:aws:sqs:eu-west-1:000000000000:q", "0", attributes
    )


def _notification(**fields: object) -> Notification:
    values: dict[str, object] = {
        "message_id": "d88d4479-6ec0-54fe-b63f-1cf9df4bb16e",
        "topic_arn": TOPIC_ARN,
        "message": '{"message": "hello world"}',
        "timestamp": 1611050827.287,
    }
    values.update(fields)
    return Notification(**values)  # type: ignore[arg-type]


def test_the_envelope_is_pretty_printed_in_sns_order() -> None:
    topic = _topic()
    body = envelope(topic, _notification(), _subscription(topic), signer=SIGNER, endpoint_url=ENDPOINT)
    lines = body.splitlines()
    assert lines[0] == "{" and lines[-1] == "}"
    assert lines[1] == '  "Type" : "Notification",'
    assert lines[4] == '  "Message" : "{\\"message\\": \\"hello world\\"}",'
    assert lines[5] == '  "Timestamp" : "2021-01-19T10:07:07.287Z",'
    document = json.loads(body)
    assert list(document) == [
        "Type", "MessageId", "TopicArn", "Message", "Timestamp",
        "SignatureVersion", "Signature", "SigningCertURL", "UnsubscribeURL",
    ]  # fmt: skip
    assert document["SigningCertURL"] == signing_cert_url("eu-west-1")
    assert document["UnsubscribeURL"] == f"{ENDPOINT}/?Action=Unsubscribe&SubscriptionArn={topic.arn}:sub-1"


def test_subject_and_attributes_appear_only_when_given() -> None:
    topic = _topic()
    attributes = {
        "store": MessageAttribute("String", "example_corp"),
        "price": MessageAttribute("Number", "100.12"),
        "blob": MessageAttribute("Binary", None, b"\x02\x03\x04"),
    }
    notification = _notification(subject="Hi", attributes=attributes, message='ö§a1"_!?,. £$-/')
    body = envelope(topic, notification, _subscription(topic), signer=SIGNER, endpoint_url=ENDPOINT)
    document = json.loads(body)
    assert list(document)[3] == "Subject" and document["Subject"] == "Hi"
    assert list(document)[-1] == "MessageAttributes"
    assert document["MessageAttributes"] == {
        "store": {"Type": "String", "Value": "example_corp"},
        "price": {"Type": "Number", "Value": "100.12"},
        "blob": {"Type": "Binary", "Value": "AgME"},
    }
    # one compact line per attribute; non-ASCII and "/" written as they are
    assert '    "store" : {"Type":"String","Value":"example_corp"},' in body.splitlines()
    assert '"Message" : "ö§a1\\"_!?,. £$-/"' in body


def test_fifo_envelopes_carry_the_sequence_number_and_no_signature() -> None:
    topic = _topic("orders.fifo", FifoTopic="true")
    notification = _notification(sequence_number="10000000000000004000", group_id="g")
    document = json.loads(envelope(topic, notification, _subscription(topic), signer=SIGNER, endpoint_url=ENDPOINT))
    assert list(document) == [
        "Type",
        "MessageId",
        "SequenceNumber",
        "TopicArn",
        "Message",
        "Timestamp",
        "UnsubscribeURL",
    ]
    assert document["SequenceNumber"] == "10000000000000004000"


def test_a_per_protocol_message_is_used_for_its_protocol() -> None:
    topic = _topic()
    notification = _notification(message="default", per_protocol={"sqs": "for queues", "lambda": "for functions"})
    document = json.loads(envelope(topic, notification, _subscription(topic), signer=SIGNER, endpoint_url=ENDPOINT))
    assert document["Message"] == "for queues"
    record = json.loads(
        lambda_payload(topic, notification, _subscription(topic, Endpoint.LAMBDA), signer=SIGNER, endpoint_url=ENDPOINT)
    )["Records"][0]
    assert record["Sns"]["Message"] == "for functions"


def test_the_lambda_payload_is_one_record_with_url_casing_and_null_subject() -> None:
    topic = _topic(SignatureVersion="2")
    subscription = _subscription(topic, Endpoint.LAMBDA)
    payload = json.loads(lambda_payload(topic, _notification(), subscription, signer=SIGNER, endpoint_url=ENDPOINT))
    (record,) = payload["Records"]
    assert record["EventSource"] == "aws:sns" and record["EventSubscriptionArn"] == subscription.arn
    sns = record["Sns"]
    assert sns["Subject"] is None and sns["MessageAttributes"] == {}
    # recorded: the Lambda record says version 1 even when the topic signs with version 2
    assert sns["SignatureVersion"] == "1"
    assert sns["SigningCertUrl"] == signing_cert_url("eu-west-1")
    assert sns["UnsubscribeUrl"].startswith(f"{ENDPOINT}/?Action=Unsubscribe&SubscriptionArn=")


def test_the_subscription_confirmation_has_the_documented_fields() -> None:
    topic = _topic()
    document = confirmation_document(
        MessageType.SUBSCRIPTION_CONFIRMATION,
        topic,
        subscription_arn=SUB_ARN,
        message_id="m-1",
        token="tok",
        timestamp=0.0,
        signer=SIGNER,
        endpoint_url=ENDPOINT + "/",
    )
    assert list(document) == [
        "Type", "MessageId", "Token", "TopicArn", "Message", "SubscribeURL", "Timestamp",
        "SignatureVersion", "Signature", "SigningCertURL",
    ]  # fmt: skip
    assert document["Message"] == (
        f"You have chosen to subscribe to the topic {TOPIC_ARN}.\n"
        "To confirm the subscription, visit the SubscribeURL included in this message."
    )
    assert document["SubscribeURL"] == f"{ENDPOINT}/?Action=ConfirmSubscription&TopicArn={TOPIC_ARN}&Token=tok"
    assert document["Timestamp"] == "1970-01-01T00:00:00.000Z"


def test_the_unsubscribe_confirmation_names_the_subscription() -> None:
    document = confirmation_document(
        MessageType.UNSUBSCRIBE_CONFIRMATION,
        _topic(),
        subscription_arn=SUB_ARN,
        message_id="m-2",
        token="tok2",
        timestamp=0.0,
        signer=SIGNER,
        endpoint_url=ENDPOINT,
    )
    assert document["Type"] == "UnsubscribeConfirmation"
    assert document["Message"].startswith(f"You have chosen to deactivate subscription {SUB_ARN}.\n")


def test_signatures_are_rsa_2048_sized_deterministic_and_depend_on_the_version() -> None:
    message = {"Type": "Notification", "MessageId": "1", "TopicArn": "t", "Message": "m", "Timestamp": "ts"}
    first = SIGNER.sign(message)
    assert len(base64.b64decode(first)) == 256
    assert SIGNER.sign(message) == first
    assert SIGNER.sign(message, "2") != first
    assert SIGNER.sign({**message, "Message": "n"}) != first
    assert Signer(b"x" * 32).sign(message) != first


def test_the_canonical_string_lists_the_signed_fields_in_order() -> None:
    notification = {"Type": "Notification", "MessageId": "1", "TopicArn": "t", "Message": "m", "Timestamp": "ts"}
    assert (
        canonical_string(notification) == "Message\nm\nMessageId\n1\nTimestamp\nts\nTopicArn\nt\nType\nNotification\n"
    )
    assert "Subject\ns\n" in canonical_string({**notification, "Subject": "s"})
    confirmation = {"Type": "SubscriptionConfirmation", "Token": "k", "SubscribeURL": "u", **notification}
    confirmation["Type"] = "SubscriptionConfirmation"
    assert canonical_string(confirmation).index("SubscribeURL\nu\n") < canonical_string(confirmation).index(
        "Token\nk\n"
    )


def test_aws_json_writes_an_empty_object_member_compactly() -> None:
    assert aws_json({"A": "b", "C": {}}) == '{\n  "A" : "b",\n  "C" : { }\n}'
