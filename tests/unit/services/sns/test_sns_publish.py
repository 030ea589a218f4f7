"""Publish and PublishBatch: what is refused (recorded messages) and the notification handed over."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry, MessageAttribute
from triggerfish.core.work import WorkTracker
from triggerfish.services.sns.errors import (
    BatchEntryIdsNotDistinct,
    BatchRequestTooLong,
    EmptyBatchRequest,
    InvalidBatchEntryId,
    InvalidParameter,
    InvalidParameterValue,
    NotFound,
    TooManyEntriesInBatchRequest,
)
from triggerfish.services.sns.models import Notification, Subscription, Topic
from triggerfish.services.sns.publishing import Message
from triggerfish.services.sns.service import SnsService
from triggerfish.store.factory import open_store


class RecordingFanout:
    def __init__(self) -> None:
        self.published: list[tuple[Notification, list[str]]] = []

    async def publish(self, topic: Topic, notification: Notification, subscriptions: Sequence[Subscription]) -> None:
        self.published.append((notification, [s.arn for s in subscriptions]))

    async def request_confirmation(self, topic: Topic, subscription: Subscription) -> None:
        return None

    async def announce_unsubscribe(self, topic: Topic, subscription: Subscription, token: str) -> None:
        return None

    async def close(self) -> None:
        return None


@pytest.fixture
def fanout() -> RecordingFanout:
    return RecordingFanout()


@pytest.fixture
async def sns(fanout: RecordingFanout) -> AsyncIterator[SnsService]:
    store = open_store(None)
    await store.open()
    registry = DeliveryRegistry()
    service = SnsService(store.documents, VirtualClock(), registry, WorkTracker(), store.pending("sns"), fanout=fanout)
    registry.register("sns", service.deliverer)
    await service.start()
    await service.create_topic("orders")
    yield service
    await service.close()
    await store.close()


TOPIC = "arn:aws:sns:us-east-1:000000000000:orders"


async def test_publish_hands_the_notification_to_confirmed_subscriptions(
    sns: SnsService, fanout: RecordingFanout
) -> None:
    confirmed = await sns.subscribe(TOPIC, "sqs", "arn:aws:sqs:us-east-1:000000000000:q")
    await sns.subscribe(TOPIC, "https", "https://example.com/hook")
    attributes = {"n": MessageAttribute("Number", "1.5"), "b": MessageAttribute("Binary", None, b"\x00")}
    published = await sns.publish(Message("hello", subject="greeting", attributes=attributes), topic_arn=TOPIC)
    ((notification, subscriptions),) = fanout.published
    assert notification.message_id == published.message_id and published.sequence_number is None
    assert (notification.message, notification.subject, notification.topic_arn) == ("hello", "greeting", TOPIC)
    assert notification.attributes == attributes
    assert notification.timestamp == sns.clock.now()
    assert subscriptions == [confirmed]


async def test_target_arn_publishes_to_the_topic(sns: SnsService, fanout: RecordingFanout) -> None:
    await sns.publish(Message("x"), target_arn=TOPIC)
    assert len(fanout.published) == 1
    with pytest.raises(InvalidParameter) as caught:
        await sns.publish(Message("x"), target_arn="arn:aws:sns:us-east-1:000000000000:endpoint/APNS/app/abc")
    assert caught.value.message == (
        "Invalid parameter: TargetArn Reason: No endpoint found for the target arn specified"
    )


async def test_message_structure_json(sns: SnsService, fanout: RecordingFanout) -> None:
    body = json.dumps({"default": "d", "sqs": "for queues", "lambda": "for functions"})
    await sns.publish(Message(body, structure="json"), topic_arn=TOPIC)
    ((notification, _),) = fanout.published
    assert notification.message == "d"
    assert notification.per_protocol == {"sqs": "for queues", "lambda": "for functions"}


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (Message(""), "Invalid parameter: Empty message"),
        (Message("x", subject=""), "Invalid parameter: Subject"),
        (Message("x", subject="a\nb"), "Invalid parameter: Subject"),
        (Message("x", subject="s" * 101), "Invalid parameter: Subject"),
        (Message("x" * 262_145), "Invalid parameter: Message too long"),
        (Message("x" * 262_000, attributes={"a": MessageAttribute("String", "v" * 200)}),
         "Invalid parameter: Message too long"),
        (Message('{"sqs": "x"}', structure="json"),
         "Invalid parameter: Message Structure - No default entry in JSON message body"),
        (Message('{"default": 1}', structure="json"),
         "Invalid parameter: Message Structure - No default entry in JSON message body"),
        (Message("not json", structure="json"),
         "Invalid parameter: Message Structure - JSON message body failed to parse"),
        (Message("x", deduplication_id="d"), "Invalid parameter: MessageDeduplicationId Reason: The request includes "
         "MessageDeduplicationId parameter that is not valid for this topic type"),
    ],
)  # fmt: skip
async def test_publish_refusals_as_recorded(sns: SnsService, message: Message, expected: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        await sns.publish(message, topic_arn=TOPIC)
    assert caught.value.message == expected


@pytest.mark.parametrize(
    ("name", "attribute", "expected"),
    [
        ("attr1", MessageAttribute("String", ""), "The message attribute 'attr1' must contain non-empty message "
         "attribute value for message attribute type 'String'."),
        ("attr1", MessageAttribute("Binary", None, b""), "The message attribute 'attr1' must contain non-empty message "
         "attribute value for message attribute type 'Binary'."),
        ("attr1", MessageAttribute("String", None, b"x"), "The message attribute 'attr1' with type 'String' must use "
         "field 'String'."),
        ("attr1", MessageAttribute("Number", None, b"1"), "The message attribute 'attr1' with type 'Number' must use "
         "field 'String'."),
        ("attr1", MessageAttribute("Binary", "x"), "The message attribute 'attr1' with type 'Binary' must use field "
         "'Binary'."),
        ("attr1", MessageAttribute("Stringprefixed", "x"), "The message attribute 'attr1' has an invalid message "
         "attribute type, the set of supported type prefixes is Binary, Number, and String."),
        ("attr1", MessageAttribute("String.", "x"), "The message attribute 'attr1' has an invalid message attribute "
         "type, the set of supported type prefixes is Binary, Number, and String."),
        ("a" * 256, MessageAttribute("String", "x"), "Length of message attribute name must be less than 256 bytes."),
        ("attr^", MessageAttribute("String", "x"), "Invalid non-alphanumeric character '#x5E' was found in the "
         "message attribute name. Can only include alphanumeric characters, hyphens, underscores, or dots."),
        (".attr", MessageAttribute("String", "x"), "Invalid message attribute name starting with character '.' was "
         "found."),
        ("attr.", MessageAttribute("String", "x"), "Invalid message attribute name ending with character '.' was "
         "found."),
        ("at..tr", MessageAttribute("String", "x"), "Message attribute name can not have successive '.' character."),
        ("n", MessageAttribute("Number", "abc"), "Could not cast message attribute 'n' value to number."),
    ],
)  # fmt: skip
async def test_attribute_refusals_as_recorded(
    sns: SnsService, name: str, attribute: MessageAttribute, expected: str
) -> None:
    with pytest.raises(InvalidParameterValue) as caught:
        await sns.publish(Message("x", attributes={name: attribute}), topic_arn=TOPIC)
    assert caught.value.message == expected
    assert caught.value.code == "ParameterValueInvalid"


async def test_custom_types_and_arrays_are_accepted(sns: SnsService) -> None:
    attributes = {
        "a": MessageAttribute("String.Array", '["x", 1]'),
        "b": MessageAttribute("Number.int", "3e2"),
        "c": MessageAttribute("Binary.gif", None, b"GIF"),
    }
    await sns.publish(Message("x", attributes=attributes), topic_arn=TOPIC)


async def test_missing_topic_and_foreign_region(sns: SnsService) -> None:
    with pytest.raises(NotFound, match=r"^Topic does not exist$"):
        await sns.publish(Message("x"), topic_arn=TOPIC + "-fake")
    with pytest.raises(InvalidParameter, match=r"^Invalid parameter: TopicArn$"):
        await sns.publish(Message("x"), topic_arn=TOPIC.replace("us-east-1", "eu-west-1"))
    with pytest.raises(InvalidParameter, match=r"not 2$"):
        await sns.publish(Message("x"), topic_arn="randomstring:1")
    with pytest.raises(InvalidParameter, match=r"not 1$"):
        await sns.publish(Message("x"), topic_arn="")


async def test_phone_numbers_are_accepted_or_refused(sns: SnsService, fanout: RecordingFanout) -> None:
    assert (await sns.publish(Message("x"), phone_number="+15551234567")).message_id
    with pytest.raises(InvalidParameter) as caught:
        await sns.publish(Message("x"), phone_number="+1a234")
    assert caught.value.message == "Invalid parameter: PhoneNumber Reason: +1a234 is not valid to publish to"
    assert fanout.published == []


async def test_publish_batch(sns: SnsService, fanout: RecordingFanout) -> None:
    results = await sns.publish_batch(TOPIC, [("1", Message("a")), ("2", Message("b", subject="s"))])
    assert [entry_id for entry_id, _ in results] == ["1", "2"]
    assert [n.message for n, _ in fanout.published] == ["a", "b"]
    assert [published.message_id for _, published in results] == [n.message_id for n, _ in fanout.published]


async def test_publish_batch_refusals(sns: SnsService, fanout: RecordingFanout) -> None:
    with pytest.raises(EmptyBatchRequest):
        await sns.publish_batch(TOPIC, [])
    with pytest.raises(TooManyEntriesInBatchRequest, match="more entries than permissible"):
        await sns.publish_batch(TOPIC, [(str(i), Message("m")) for i in range(11)])
    with pytest.raises(BatchEntryIdsNotDistinct, match=r"^Two or more batch entries in the request have the same Id.$"):
        await sns.publish_batch(TOPIC, [("1", Message("m")), ("1", Message("m"))])
    with pytest.raises(InvalidBatchEntryId, match=r"contains an impermissible character: message.id$"):
        await sns.publish_batch(TOPIC, [("message.id", Message("m"))])
    with pytest.raises(InvalidBatchEntryId, match=r"is too long: a{81}$"):
        await sns.publish_batch(TOPIC, [("a" * 81, Message("m"))])
    with pytest.raises(BatchRequestTooLong, match="more than the limit"):
        await sns.publish_batch(TOPIC, [(str(i), Message("m" * 30_000)) for i in range(10)])
    with pytest.raises(InvalidParameter, match="Empty message"):
        await sns.publish_batch(TOPIC, [("1", Message("ok")), ("2", Message(""))])
    with pytest.raises(NotFound):
        await sns.publish_batch(TOPIC + "-missing", [("1", Message("m"))])
    assert fanout.published == []


async def test_the_sns_deliverer_publishes_to_a_topic(sns: SnsService, fanout: RecordingFanout) -> None:
    registry = DeliveryRegistry()
    registry.register("sns", sns.deliverer)
    assert registry.exists(TOPIC) and not registry.exists(TOPIC + "-missing")
    attributes = {"k": MessageAttribute("String", "v")}
    await registry.deliver(TOPIC, Delivery('{"Records": []}', attributes, subject="S3 Notification"))
    ((notification, _),) = fanout.published
    assert (notification.message, notification.subject, notification.attributes) == (
        '{"Records": []}',
        "S3 Notification",
        attributes,
    )
    with pytest.raises(DeliveryFailed, match="does not exist"):
        await registry.deliver(TOPIC + "-missing", Delivery("x"))
    with pytest.raises(DeliveryFailed, match="Empty message"):
        await registry.deliver(TOPIC, Delivery(""))
