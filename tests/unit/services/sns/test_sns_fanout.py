"""SnsDelivery on the virtual clock: filters per subscription, what Lambda and SQS subscribers get,
FIFO fields, the retry schedule, dead-letter queues, and retries that survive a restart (spec §5)."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry, MessageAttribute
from triggerfish.core.work import WorkTracker
from triggerfish.services.sns.delivery import SnsDelivery, fanout
from triggerfish.services.sns.delivery.policies import AWS_MANAGED, RetryPolicy
from triggerfish.services.sns.models import Endpoint, Notification, Subscription, Topic
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

ACCOUNT, REGION = "000000000000", "us-east-1"
TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:orders"
FIFO_TOPIC_ARN = f"arn:aws:sns:{REGION}:{ACCOUNT}:orders.fifo"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-queue"
FIFO_QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-queue.fifo"
DLQ_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders-dlq"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:handler"


@dataclass
class Received:
    arn: str
    delivery: Delivery
    at: float


class FakeTargets:
    """Accepts deliveries for every ARN, except those gone (a client-side error) or set to fail
    with a server-side error a number of times first. Records each try and each delivery."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.gone: set[str] = set()
        self.server_errors: dict[str, int] = defaultdict(int)
        self.tries: list[Received] = []
        self.received: list[Received] = []

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        self.tries.append(Received(arn, delivery, self.clock.now()))
        if arn in self.gone:
            raise DeliveryFailed(f"the queue {arn} does not exist")
        if self.server_errors[arn] > 0:
            self.server_errors[arn] -= 1
            raise RuntimeError("service unavailable")
        self.received.append(Received(arn, delivery, self.clock.now()))

    def exists(self, arn: str) -> bool:
        return arn not in self.gone

    def to(self, arn: str) -> list[Received]:
        return [item for item in self.received if item.arn == arn]

    def tries_at(self, arn: str) -> list[float]:
        return [item.at for item in self.tries if item.arn == arn]


@dataclass
class Lookup:
    topics: dict[str, Topic] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)

    def subscription(self, arn: str) -> Subscription | None:
        return self.subscriptions.get(arn)

    def topic(self, arn: str) -> Topic | None:
        return self.topics.get(arn)


@dataclass
class Rig:
    store: Store
    clock: VirtualClock
    delay_scale: float = 1.0
    tracker: WorkTracker = field(default_factory=WorkTracker)
    lookup: Lookup = field(default_factory=Lookup)

    def __post_init__(self) -> None:
        self.targets = FakeTargets(self.clock)
        self.deliveries = DeliveryRegistry()
        for service in ("sqs", "lambda"):
            self.deliveries.register(service, self.targets)
        self.sns = SnsDelivery(
            self.lookup,
            self.deliveries,
            self.clock,
            self.tracker,
            self.store.pending("sns"),
            delay_scale=self.delay_scale,
            endpoint_url=lambda: "http://127.0.0.1:4566",
        )

    @classmethod
    async def open(cls, path: Path | None = None, *, clock: VirtualClock | None = None, **options: Any) -> Rig:
        store = open_store(path)
        await store.open()
        rig = cls(store, clock or VirtualClock(), **options)
        await rig.sns.start()
        return rig

    async def close(self) -> None:
        await self.sns.close()
        await self.store.close()

    def topic(self, arn: str = TOPIC_ARN, **attributes: str) -> Topic:
        name = arn.rsplit(":", 1)[1]
        topic = Topic(arn, name, ACCOUNT, REGION, attributes=attributes)
        self.lookup.topics[arn] = topic
        return topic

    def subscribe(
        self, topic: Topic, protocol: Endpoint, endpoint: str, name: str = "s1", **attributes: str
    ) -> Subscription:
        subscription = Subscription(f"{topic.arn}:{name}", topic.arn, protocol, endpoint, ACCOUNT, attributes)
        self.lookup.subscriptions[subscription.arn] = subscription
        return subscription

    async def publish(self, topic: Topic, notification: Notification) -> None:
        subscriptions = [sub for sub in self.lookup.subscriptions.values() if sub.topic_arn == topic.arn]
        await self.sns.publish(topic, notification, subscriptions)

    async def settle(self, timeout: float = 20.0) -> None:
        """Wait (in real time: the store answers from its own thread) until nothing is in flight and
        nothing is due at the virtual now."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet = 0
        while quiet < 3:
            due = self.tracker.next_due()
            if self.tracker.in_flight == 0 and (due is None or due > self.clock.now()):
                quiet += 1
                await asyncio.sleep(0)
                continue
            quiet = 0
            assert loop.time() < deadline, f"did not settle: next due {due}"
            await self.tracker.wait_changed(0.01)

    async def run(self, *, until: float | None = None, steps: int = 1_000) -> None:
        """Settle, then jump to each next wake-up (up to ``until``) and settle again."""
        for _ in range(steps):
            await self.settle()
            wakeup = self.clock.next_wakeup()
            if wakeup is None or (until is not None and wakeup > until):
                break
            await self.clock.set(wakeup)
        await self.settle()

    async def queued(self) -> int:
        return await self.store.pending("sns").count()


def notification(message: str = "hello", topic_arn: str = TOPIC_ARN, **fields: Any) -> Notification:
    return Notification("1b9b1a3e-0000-4000-8000-000000000001", topic_arn, message, 1_700_000_000.5, **fields)


@pytest.fixture
async def rig() -> Any:
    opened = await Rig.open()
    yield opened
    await opened.close()


async def test_an_sqs_subscriber_gets_the_envelope_and_no_message_attributes(rig: Rig) -> None:
    topic = rig.topic()
    subscription = rig.subscribe(topic, Endpoint.SQS, QUEUE_ARN)
    await rig.publish(topic, notification(attributes={"kind": MessageAttribute("String", "order")}, subject="S"))
    (received,) = rig.targets.to(QUEUE_ARN)
    assert received.delivery.attributes == {}
    body = json.loads(received.delivery.body)
    assert body["Message"] == "hello" and body["Subject"] == "S" and body["TopicArn"] == TOPIC_ARN
    assert body["MessageAttributes"] == {"kind": {"Type": "String", "Value": "order"}}
    assert body["UnsubscribeURL"] == f"http://127.0.0.1:4566/?Action=Unsubscribe&SubscriptionArn={subscription.arn}"
    assert await rig.queued() == 0


async def test_raw_delivery_sends_the_message_with_native_attributes(rig: Rig) -> None:
    topic = rig.topic()
    rig.subscribe(topic, Endpoint.SQS, QUEUE_ARN, RawMessageDelivery="true")
    attributes = {"n": MessageAttribute("Number", "99.12"), "b": MessageAttribute("Binary", None, b"\x02\x03\x04")}
    await rig.publish(topic, notification("Test msg", attributes=attributes))
    (received,) = rig.targets.to(QUEUE_ARN)
    assert received.delivery.body == "Test msg"
    assert dict(received.delivery.attributes) == attributes


async def test_a_lambda_subscriber_gets_one_record_per_invoke(rig: Rig) -> None:
    topic = rig.topic()
    subscription = rig.subscribe(topic, Endpoint.LAMBDA, FUNCTION_ARN, RawMessageDelivery="true")
    await rig.publish(topic, notification("Hello world."))
    (received,) = rig.targets.to(FUNCTION_ARN)
    (record,) = json.loads(received.delivery.body)["Records"]
    assert record["EventSubscriptionArn"] == subscription.arn
    assert record["Sns"]["Message"] == "Hello world." and record["Sns"]["Subject"] is None


async def test_filter_policies_apply_per_subscription(rig: Rig) -> None:
    topic = rig.topic()
    rig.subscribe(topic, Endpoint.SQS, QUEUE_ARN, "all")
    rig.subscribe(topic, Endpoint.SQS, FIFO_QUEUE_ARN, "red", FilterPolicy=json.dumps({"color": ["red"]}))
    rig.subscribe(
        topic,
        Endpoint.LAMBDA,
        FUNCTION_ARN,
        "body",
        FilterPolicy=json.dumps({"size": [{"numeric": [">", 10]}]}),
        FilterPolicyScope="MessageBody",
    )
    await rig.publish(topic, notification('{"size": 5}', attributes={"color": MessageAttribute("String", "red")}))
    await rig.publish(topic, notification('{"size": 50}', attributes={"color": MessageAttribute("String", "blue")}))
    assert len(rig.targets.to(QUEUE_ARN)) == 2
    assert [json.loads(r.delivery.body)["Message"] for r in rig.targets.to(FIFO_QUEUE_ARN)] == ['{"size": 5}']
    assert [json.loads(r.delivery.body)["Records"][0]["Sns"]["Message"] for r in rig.targets.to(FUNCTION_ARN)] == [
        '{"size": 50}'
    ]


async def test_unconfirmed_subscriptions_get_nothing(rig: Rig) -> None:
    topic = rig.topic()
    pending = rig.subscribe(topic, Endpoint.SQS, QUEUE_ARN)
    await rig.sns.publish(topic, notification(), [Subscription(**{**pending.__dict__, "confirmed": False})])
    assert rig.targets.tries == []


async def test_fifo_topics_pass_group_and_deduplication_ids_to_fifo_queues(rig: Rig) -> None:
    topic = rig.topic(FIFO_TOPIC_ARN, FifoTopic="true", ContentBasedDeduplication="true")
    rig.subscribe(topic, Endpoint.SQS, FIFO_QUEUE_ARN, "fifo")
    rig.subscribe(topic, Endpoint.SQS, QUEUE_ARN, "standard")
    await rig.publish(topic, notification("Test", FIFO_TOPIC_ARN, group_id="message-group-id-1", sequence_number="1"))
    await rig.publish(
        topic,
        notification("Test", FIFO_TOPIC_ARN, group_id="g2", deduplication_id="dedup-2", sequence_number="2"),
    )
    first, second = rig.targets.to(FIFO_QUEUE_ARN)
    assert first.delivery.message_group_id == "message-group-id-1"
    # content-based: the SHA-256 of the message, as recorded for "Test"
    assert first.delivery.deduplication_id == hashlib.sha256(b"Test").hexdigest()
    assert first.delivery.deduplication_id == "532eaabd9574880dbf76b9b8cc00832c20a6ec113d682299550d7a6e0f345e25"
    assert (second.delivery.message_group_id, second.delivery.deduplication_id) == ("g2", "dedup-2")
    assert json.loads(first.delivery.body)["SequenceNumber"] == "1"
    # a FIFO topic's standard-queue subscriber gets neither id (recorded)
    standard = rig.targets.to(QUEUE_ARN)
    assert [(r.delivery.message_group_id, r.delivery.deduplication_id) for r in standard] == [(None, None)] * 2


async def test_a_standard_topic_passes_a_group_id_on(rig: Rig) -> None:
    topic = rig.topic()
    rig.subscribe(topic, Endpoint.SQS, QUEUE_ARN)
    await rig.publish(topic, notification(group_id="my-group-id-1"))
    (received,) = rig.targets.to(QUEUE_ARN)
    assert (received.delivery.message_group_id, received.delivery.deduplication_id) == ("my-group-id-1", None)


async def test_server_errors_are_retried_on_the_aws_managed_schedule(rig: Rig) -> None:
    topic = rig.topic()
    rig.subscribe(topic, Endpoint.SQS, QUEUE_ARN)
    rig.targets.server_errors[QUEUE_ARN] = 8
    start = rig.clock.now()
    await rig.publish(topic, notification())
    assert await rig.queued() == 1  # held durably before publish returned
    await rig.run()
    expected, at = [start], start
    for retry in range(1, 9):
        delay = AWS_MANAGED.delay_before(retry)
        assert delay is not None
        at += delay
        expected.append(at)
    assert rig.targets.tries_at(QUEUE_ARN) == pytest.approx(expected)
    assert len(rig.targets.to(QUEUE_ARN)) == 1
    assert await rig.queued() == 0


async def test_delays_are_scaled() -> None:
    rig = await Rig.open(delay_scale=0.01)
    try:
        topic = rig.topic()
        rig.subscribe(topic, Endpoint.LAMBDA, FUNCTION_ARN)
        rig.targets.server_errors[FUNCTION_ARN] = 5
        start = rig.clock.now()
        await rig.publish(topic, notification())
        await rig.run()
        offsets = [round(at - start, 6) for at in rig.targets.tries_at(FUNCTION_ARN)]
        assert offsets == [0.0, 0.0, 0.0, 0.0, 0.01, 0.02]
    finally:
        await rig.close()


async def test_client_errors_go_straight_to_the_dead_letter_queue(rig: Rig) -> None:
    topic = rig.topic()
    subscription = rig.subscribe(
        topic, Endpoint.SQS, QUEUE_ARN, RedrivePolicy=json.dumps({"deadLetterTargetArn": DLQ_ARN})
    )
    rig.targets.gone.add(QUEUE_ARN)
    await rig.publish(topic, notification("test_dlq_after_sqs_endpoint_deleted"))
    await rig.run()
    assert len(rig.targets.tries_at(QUEUE_ARN)) == 1
    (dead,) = rig.targets.to(DLQ_ARN)
    body = json.loads(dead.delivery.body)
    assert body["Message"] == "test_dlq_after_sqs_endpoint_deleted"
    assert body["UnsubscribeURL"].endswith(subscription.arn)
    assert dead.delivery.attributes == {}
    assert await rig.queued() == 0


async def test_a_raw_subscription_dead_letters_the_raw_message_and_its_attributes(rig: Rig) -> None:
    topic = rig.topic()
    rig.subscribe(
        topic,
        Endpoint.SQS,
        QUEUE_ARN,
        RawMessageDelivery="true",
        RedrivePolicy=json.dumps({"deadLetterTargetArn": DLQ_ARN}),
    )
    rig.targets.gone.add(QUEUE_ARN)
    attributes = {"attr1": MessageAttribute("Number", "111")}
    await rig.publish(topic, notification("raw body", attributes=attributes))
    (dead,) = rig.targets.to(DLQ_ARN)
    assert dead.delivery.body == "raw body" and dict(dead.delivery.attributes) == attributes


async def test_a_lambda_subscription_dead_letters_the_json_envelope(rig: Rig) -> None:
    topic = rig.topic()
    rig.subscribe(topic, Endpoint.LAMBDA, FUNCTION_ARN, RedrivePolicy=json.dumps({"deadLetterTargetArn": DLQ_ARN}))
    rig.targets.gone.add(FUNCTION_ARN)
    await rig.publish(topic, notification("test_redrive_policy"))
    (dead,) = rig.targets.to(DLQ_ARN)
    body = json.loads(dead.delivery.body)
    assert body["Type"] == "Notification" and "SigningCertURL" in body and "Records" not in body


async def test_more_than_ten_attributes_on_a_raw_sqs_subscription_is_a_client_error(rig: Rig) -> None:
    topic = rig.topic()
    rig.subscribe(
        topic,
        Endpoint.SQS,
        QUEUE_ARN,
        RawMessageDelivery="true",
        RedrivePolicy=json.dumps({"deadLetterTargetArn": DLQ_ARN}),
    )
    attributes = {f"a{i}": MessageAttribute("String", str(i)) for i in range(11)}
    await rig.publish(topic, notification(attributes=attributes))
    assert rig.targets.tries_at(QUEUE_ARN) == []
    assert len(rig.targets.tries_at(DLQ_ARN)) == 1


async def test_without_a_dead_letter_queue_an_undeliverable_message_is_dropped(rig: Rig) -> None:
    topic = rig.topic()
    rig.subscribe(topic, Endpoint.SQS, QUEUE_ARN)
    rig.targets.gone.add(QUEUE_ARN)
    await rig.publish(topic, notification())
    await rig.run()
    assert rig.targets.received == [] and await rig.queued() == 0


async def test_exhausted_retries_end_in_the_dead_letter_queue(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    # the AWS-managed policy retries for 23 days; a short policy shows the hand-over
    monkeypatch.setattr(fanout, "retry_policy", lambda topic, subscription: RetryPolicy(5.0, 5.0, 2))
    topic = rig.topic()
    rig.subscribe(topic, Endpoint.SQS, QUEUE_ARN, RedrivePolicy=json.dumps({"deadLetterTargetArn": DLQ_ARN}))
    rig.targets.server_errors[QUEUE_ARN] = 100
    start = rig.clock.now()
    await rig.publish(topic, notification())
    await rig.run()
    assert rig.targets.tries_at(QUEUE_ARN) == [start, start + 5, start + 10]
    (dead,) = rig.targets.to(DLQ_ARN)
    assert dead.at == start + 10
    assert await rig.queued() == 0


async def test_a_subscription_deleted_before_its_retry_gets_no_more_attempts(rig: Rig) -> None:
    topic = rig.topic()
    subscription = rig.subscribe(topic, Endpoint.SQS, QUEUE_ARN)
    rig.targets.server_errors[QUEUE_ARN] = 5
    await rig.publish(topic, notification())
    del rig.lookup.subscriptions[subscription.arn]
    await rig.run()
    assert len(rig.targets.tries_at(QUEUE_ARN)) == 1
    assert await rig.queued() == 0


async def test_a_queued_retry_survives_a_restart(tmp_path: Path) -> None:
    clock = VirtualClock()
    first = await Rig.open(tmp_path, clock=clock)
    topic = first.topic()
    subscription = first.subscribe(topic, Endpoint.SQS, QUEUE_ARN)
    first.targets.server_errors[QUEUE_ARN] = 1
    published = notification("kept", attributes={"b": MessageAttribute("Binary", None, b"")})
    await first.publish(topic, published)
    await first.close()

    second = await Rig.open(tmp_path, clock=clock)
    try:
        second.lookup.topics[topic.arn] = topic
        second.lookup.subscriptions[subscription.arn] = subscription
        assert await second.queued() == 1
        await second.run()
        (received,) = second.targets.to(QUEUE_ARN)
        body = json.loads(received.delivery.body)
        assert body["Message"] == "kept" and body["MessageId"] == published.message_id
        assert body["MessageAttributes"] == {"b": {"Type": "Binary", "Value": ""}}
        assert await second.queued() == 0
    finally:
        await second.close()


async def test_an_unreadable_queued_entry_is_dropped(rig: Rig) -> None:
    from triggerfish.store.interfaces import AsyncEvent

    now = rig.clock.now()
    await rig.store.pending("sns").enqueue(AsyncEvent("bad", f"{TOPIC_ARN}:s1", b"{not json", now, now))
    rig.sns._queue.poke()
    await rig.run()
    assert await rig.queued() == 0
