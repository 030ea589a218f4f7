"""FIFO topics: group ids, deduplication (ids and content-based) in a 5-minute window, sequence numbers."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.services.sns.errors import InvalidParameter
from triggerfish.services.sns.models import Notification, Subscription, Topic
from triggerfish.services.sns.publishing import Message
from triggerfish.services.sns.service import SnsService
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store


class RecordingFanout:
    def __init__(self) -> None:
        self.published: list[Notification] = []

    async def publish(self, topic: Topic, notification: Notification, subscriptions: Sequence[Subscription]) -> None:
        self.published.append(notification)

    async def request_confirmation(self, topic: Topic, subscription: Subscription) -> None:
        return None

    async def announce_unsubscribe(self, topic: Topic, subscription: Subscription, token: str) -> None:
        return None

    async def close(self) -> None:
        return None


async def _service(store: Store, clock: VirtualClock, fanout: RecordingFanout) -> SnsService:
    service = SnsService(store.documents, clock, DeliveryRegistry(), WorkTracker(), store.pending("sns"), fanout=fanout)
    await service.start()
    return service


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def fanout() -> RecordingFanout:
    return RecordingFanout()


@pytest.fixture
async def sns(clock: VirtualClock, fanout: RecordingFanout) -> AsyncIterator[SnsService]:
    store = open_store(None)
    await store.open()
    service = await _service(store, clock, fanout)
    await service.create_topic("plain.fifo", {"FifoTopic": "true"})
    await service.create_topic("content.fifo", {"FifoTopic": "true", "ContentBasedDeduplication": "true"})
    yield service
    await service.close()
    await store.close()


PLAIN = "arn:aws:sns:us-east-1:000000000000:plain.fifo"
CONTENT = "arn:aws:sns:us-east-1:000000000000:content.fifo"


async def test_group_and_deduplication_ids_are_required(sns: SnsService) -> None:
    with pytest.raises(InvalidParameter) as caught:
        await sns.publish(Message("m", deduplication_id="d"), topic_arn=PLAIN)
    assert caught.value.message == "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"
    with pytest.raises(InvalidParameter) as caught:
        await sns.publish(Message("m", group_id="g"), topic_arn=PLAIN)
    assert caught.value.message == (
        "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
        "provided explicitly"
    )


async def test_a_duplicate_within_five_minutes_answers_the_first_and_is_not_delivered(
    sns: SnsService, clock: VirtualClock, fanout: RecordingFanout
) -> None:
    first = await sns.publish(Message("m", group_id="g", deduplication_id="d"), topic_arn=PLAIN)
    await clock.advance(299)
    again = await sns.publish(Message("other", group_id="g2", deduplication_id="d"), topic_arn=PLAIN)
    assert again == first
    assert len(fanout.published) == 1
    await clock.advance(1)
    later = await sns.publish(Message("m", group_id="g", deduplication_id="d"), topic_arn=PLAIN)
    assert later.message_id != first.message_id
    assert len(fanout.published) == 2


async def test_content_based_deduplication_uses_the_body_hash(sns: SnsService, fanout: RecordingFanout) -> None:
    first = await sns.publish(Message("same", group_id="g"), topic_arn=CONTENT)
    assert await sns.publish(Message("same", group_id="g"), topic_arn=CONTENT) == first
    await sns.publish(Message("different", group_id="g"), topic_arn=CONTENT)
    assert [n.deduplication_id for n in fanout.published] == [
        hashlib.sha256(b"same").hexdigest(),
        hashlib.sha256(b"different").hexdigest(),
    ]


async def test_message_group_scope_deduplicates_per_group(sns: SnsService, fanout: RecordingFanout) -> None:
    arn = await sns.create_topic("groups.fifo", {"FifoTopic": "true", "FifoThroughputScope": "MessageGroup"})
    first = await sns.publish(Message("m", group_id="a", deduplication_id="d"), topic_arn=arn)
    other_group = await sns.publish(Message("m", group_id="b", deduplication_id="d"), topic_arn=arn)
    assert other_group != first and len(fanout.published) == 2


async def test_sequence_numbers_have_20_digits_and_increase(sns: SnsService, fanout: RecordingFanout) -> None:
    results = await sns.publish_batch(
        PLAIN, [(str(i), Message("m", group_id="g", deduplication_id=str(i))) for i in range(5)]
    )
    numbers = [published.sequence_number or "" for _, published in results]
    assert all(len(number) == 20 and number.isdigit() for number in numbers)
    assert numbers == sorted(numbers) and len(set(numbers)) == 5
    assert [n.sequence_number for n in fanout.published] == numbers
    assert [n.group_id for n in fanout.published] == ["g"] * 5


async def test_sequence_numbers_keep_increasing_after_a_restart(tmp_path: Path, clock: VirtualClock) -> None:
    store = open_store(tmp_path)
    await store.open()
    sns = await _service(store, clock, RecordingFanout())
    await sns.create_topic("plain.fifo", {"FifoTopic": "true"})
    before = await sns.publish(Message("m", group_id="g", deduplication_id="1"), topic_arn=PLAIN)
    await sns.close()
    await store.close()
    await clock.advance(0.001)  # a restart takes time; the numbers grow with the clock
    store = open_store(tmp_path)
    await store.open()
    again = await _service(store, clock, RecordingFanout())
    after = await again.publish(Message("m", group_id="g", deduplication_id="2"), topic_arn=PLAIN)
    assert int(after.sequence_number or 0) > int(before.sequence_number or 0)
    await again.close()
    await store.close()


async def test_standard_topics_pass_a_group_id_along(sns: SnsService, fanout: RecordingFanout) -> None:
    arn = await sns.create_topic("standard")
    published = await sns.publish(Message("m", group_id="g"), topic_arn=arn)
    assert published.sequence_number is None
    assert fanout.published[-1].group_id == "g"


async def test_deliveries_to_fifo_topics_need_a_group(sns: SnsService, fanout: RecordingFanout) -> None:
    with pytest.raises(DeliveryFailed, match="MessageGroupId"):
        await sns.deliverer.deliver(CONTENT, Delivery("m"))
    await sns.deliverer.deliver(CONTENT, Delivery("m", message_group_id="g"))
    assert fanout.published[-1].sequence_number is not None


async def test_content_based_deduplication_cannot_be_set_on_standard_topics(sns: SnsService) -> None:
    with pytest.raises(InvalidParameter):
        await sns.create_topic("standard", {"ContentBasedDeduplication": "true"})
