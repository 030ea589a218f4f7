"""Subscriptions: endpoints per protocol, confirmation, idempotency, attributes, listing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.services.sns.errors import InvalidParameter, NotFound
from triggerfish.services.sns.models import Notification, Subscription, Topic
from triggerfish.services.sns.service import SnsService
from triggerfish.store.factory import open_store


class ConfirmationRecorder:
    def __init__(self) -> None:
        self.asked: list[Subscription] = []

    async def publish(self, topic: Topic, notification: Notification, subscriptions: Sequence[Subscription]) -> None:
        return None

    async def request_confirmation(self, topic: Topic, subscription: Subscription) -> None:
        self.asked.append(subscription)

    async def announce_unsubscribe(self, topic: Topic, subscription: Subscription, token: str) -> None:
        return None

    async def close(self) -> None:
        return None


@pytest.fixture
def fanout() -> ConfirmationRecorder:
    return ConfirmationRecorder()


@pytest.fixture
async def sns(fanout: ConfirmationRecorder) -> AsyncIterator[SnsService]:
    store = open_store(None)
    await store.open()
    service = SnsService(
        store.documents, VirtualClock(), DeliveryRegistry(), WorkTracker(), store.pending("sns"), fanout=fanout
    )
    await service.start()
    await service.create_topic("orders")
    await service.create_topic("orders.fifo", {"FifoTopic": "true"})
    yield service
    await service.close()
    await store.close()


TOPIC = "arn:aws:sns:us-east-1:000000000000:orders"
FIFO_TOPIC = "arn:aws:sns:us-east-1:000000000000:orders.fifo"
QUEUE = "arn:aws:sqs:us-east-1:000000000000:q"
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:f"


async def test_sqs_subscription_is_confirmed_with_recorded_attributes(sns: SnsService) -> None:
    arn = await sns.subscribe(TOPIC, "sqs", QUEUE)
    assert arn.startswith(TOPIC + ":")
    assert sns.get_subscription_attributes(arn) == {
        "ConfirmationWasAuthenticated": "true",
        "Endpoint": QUEUE,
        "Owner": "000000000000",
        "PendingConfirmation": "false",
        "Protocol": "sqs",
        "RawMessageDelivery": "false",
        "SubscriptionArn": arn,
        "SubscriptionPrincipal": "arn:aws:iam::000000000000:root",
        "TopicArn": TOPIC,
    }
    assert sns.get_topic_attributes(TOPIC)["SubscriptionsConfirmed"] == "1"


async def test_http_subscription_is_pending_until_confirmed(sns: SnsService, fanout: ConfirmationRecorder) -> None:
    assert await sns.subscribe(TOPIC, "http", "http://localhost:9/hook") == "pending confirmation"
    (pending,) = fanout.asked
    assert pending.token is not None and not pending.confirmed
    assert sns.get_topic_attributes(TOPIC)["SubscriptionsPending"] == "1"
    listed, _ = sns.list_subscriptions_by_topic(TOPIC)
    assert [s.confirmed for s in listed] == [False]
    assert await sns.subscribe(TOPIC, "http", "http://localhost:9/hook", return_arn=True) == pending.arn
    assert await sns.confirm_subscription(TOPIC, pending.token) == pending.arn
    assert await sns.confirm_subscription(TOPIC, pending.token) == pending.arn
    assert sns.get_subscription_attributes(pending.arn)["PendingConfirmation"] == "false"


async def test_confirmation_errors_as_recorded(sns: SnsService) -> None:
    with pytest.raises(InvalidParameter, match=r"^Invalid token$"):
        await sns.confirm_subscription(TOPIC, "randomtoken")
    with pytest.raises(InvalidParameter, match=r"^Invalid parameter: Token$"):
        await sns.confirm_subscription(TOPIC, "abc123")
    with pytest.raises(InvalidParameter, match=r"^Invalid parameter: Topic$"):
        await sns.confirm_subscription("not-an-arn", "abc123")
    with pytest.raises(InvalidParameter, match=r"^Invalid parameter: Topic$"):
        await sns.confirm_subscription(TOPIC.replace("us-east-1", "eu-central-1"), "abc123")


@pytest.mark.parametrize(
    ("protocol", "endpoint", "message"),
    [
        ("test-protocol", "x", "Invalid parameter: Amazon SNS does not support this protocol string: test-protocol"),
        ("sqs", "https://sqs.us-east-1.amazonaws.com/000000000000/q", "Invalid parameter: SQS endpoint ARN"),
        ("sqs", "arn:aws:sqs:us-east-1:000000000000:q.fifo", "Invalid parameter: Invalid parameter: Endpoint Reason: "
         "FIFO SQS Queues can not be subscribed to standard SNS topics"),
        ("http", "https://example.com", "Invalid parameter: Endpoint must match the specified protocol"),
        ("lambda", "f", "Invalid parameter: Lambda endpoint ARN"),
        ("email", "nobody", "Invalid parameter: Email address"),
    ],
)  # fmt: skip
async def test_bad_endpoints(sns: SnsService, protocol: str, endpoint: str, message: str) -> None:
    with pytest.raises(InvalidParameter) as caught:
        await sns.subscribe(TOPIC, protocol, endpoint)
    assert caught.value.message == message


async def test_fifo_topic_takes_fifo_and_standard_queues(sns: SnsService) -> None:
    await sns.subscribe(FIFO_TOPIC, "sqs", QUEUE)
    await sns.subscribe(FIFO_TOPIC, "sqs", QUEUE + ".fifo")
    with pytest.raises(InvalidParameter):
        await sns.subscribe(FIFO_TOPIC, "lambda", FUNCTION)
    with pytest.raises(InvalidParameter) as caught:
        await sns.subscribe(
            FIFO_TOPIC, "sqs", QUEUE + "2.fifo", {"RedrivePolicy": json.dumps({"deadLetterTargetArn": QUEUE})}
        )
    assert caught.value.message == (
        "Invalid parameter: Attributes Reason: RedrivePolicy: must use a FIFO queue as DLQ for a FIFO Subscription to "
        "a FIFO Topic."
    )


async def test_subscribe_is_idempotent_for_the_same_attributes(sns: SnsService) -> None:
    arn = await sns.subscribe(TOPIC, "sqs", QUEUE, {"RawMessageDelivery": "true"})
    assert await sns.subscribe(TOPIC, "sqs", QUEUE, {"RawMessageDelivery": "true"}) == arn
    assert await sns.subscribe(TOPIC, "sqs", QUEUE) == arn
    assert await sns.subscribe(TOPIC, "sqs", QUEUE, {}) == arn
    with pytest.raises(InvalidParameter, match="Attributes Reason: Subscription already exists with different attr"):
        await sns.subscribe(TOPIC, "sqs", QUEUE, {"RawMessageDelivery": "false"})


async def test_subscribe_attribute_errors_as_recorded(sns: SnsService) -> None:
    with pytest.raises(InvalidParameter) as caught:
        await sns.subscribe(TOPIC, "sqs", QUEUE, {"RawMessageDelivery": "wrongvalue"})
    assert caught.value.message == (
        "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [wrongvalue]. Must be true or false."
    )
    with pytest.raises(InvalidParameter) as caught:
        await sns.subscribe(TOPIC, "sqs", QUEUE, {"FilterPolicy": "invalid-json"})
    assert caught.value.message.startswith("Invalid parameter: Attributes Reason: FilterPolicy: failed to parse JSON.")


async def test_set_subscription_attributes(sns: SnsService) -> None:
    arn = await sns.subscribe(TOPIC, "sqs", QUEUE)
    await sns.set_subscription_attributes(arn, "RawMessageDelivery", "true")
    policy = '{"attr1": [{"numeric": [">", 0, "<=", 100]}]}'
    await sns.set_subscription_attributes(arn, "FilterPolicy", policy)
    attributes = sns.get_subscription_attributes(arn)
    assert attributes["RawMessageDelivery"] == "true"
    assert attributes["FilterPolicy"] == policy
    assert attributes["FilterPolicyScope"] == "MessageAttributes"
    await sns.set_subscription_attributes(arn, "FilterPolicy", "")
    assert "FilterPolicy" not in sns.get_subscription_attributes(arn)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("Fake", "x", "Invalid parameter: AttributeName"),
        ("RawMessageDelivery", "test-ValUe", "Invalid parameter: RawMessageDelivery: Invalid value [test-ValUe]. "
         "Must be true or false."),
        ("RawMessageDelivery", "", "Invalid parameter: RawMessageDelivery: Invalid value []. Must be true or false."),
        ("RedrivePolicy", '{"deadLetterTargetArn": "fake-arn"}',
         "Invalid parameter: RedrivePolicy: deadLetterTargetArn is an invalid arn"),
        ("RedrivePolicy", "{invalid-json}", "Invalid parameter: RedrivePolicy: failed to parse JSON. Unexpected "
         "character ('i' (code 105)): was expecting double-quote to start field name\n at [Source: REDACTED "
         "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]"),
        ("FilterPolicy", "{invalid-json}", "Invalid parameter: FilterPolicy: failed to parse JSON. Unexpected "
         "character ('i' (code 105)): was expecting double-quote to start field name\n at [Source: REDACTED "
         "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]"),
    ],
)  # fmt: skip
async def test_set_subscription_attribute_errors_as_recorded(
    sns: SnsService, name: str, value: str, message: str
) -> None:
    arn = await sns.subscribe(TOPIC, "sqs", QUEUE)
    with pytest.raises(InvalidParameter) as caught:
        await sns.set_subscription_attributes(arn, name, value)
    assert caught.value.message == message


async def test_missing_and_malformed_subscriptions(sns: SnsService) -> None:
    missing = TOPIC + ":3f7d5c1e-0000-4000-8000-000000000000"
    with pytest.raises(NotFound, match=r"^Subscription does not exist$"):
        sns.get_subscription_attributes(missing)
    with pytest.raises(NotFound, match=r"^Subscription does not exist$"):
        await sns.set_subscription_attributes(missing, "RawMessageDelivery", "true")
    await sns.unsubscribe(missing)
    for arn, message in [
        ("randomstring", "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 1"),
        ("arn:aws:sns:us-east-1:000000000000", "Invalid parameter: SubscriptionArn Reason: An ARN must have at least "
         "6 elements, not 5"),
        (TOPIC + ":not-a-uuid", "Invalid parameter: SubscriptionId"),
        ("", "Invalid parameter: SubscriptionArn Reason: no value for required parameter"),
    ]:  # fmt: skip
        with pytest.raises(InvalidParameter) as caught:
            await sns.unsubscribe(arn)
        assert caught.value.message == message


async def test_unsubscribe_is_idempotent(sns: SnsService) -> None:
    arn = await sns.subscribe(TOPIC, "lambda", FUNCTION)
    await sns.unsubscribe(arn)
    await sns.unsubscribe(arn)
    assert sns.list_subscriptions() == ([], None)


async def test_listings_page_by_100_and_missing_topic_is_not_found(sns: SnsService) -> None:
    for index in range(120):
        await sns.subscribe(TOPIC, "sqs", f"{QUEUE}{index}")
    await sns.subscribe(FIFO_TOPIC, "sqs", QUEUE)
    first, token = sns.list_subscriptions_by_topic(TOPIC)
    assert len(first) == 100 and token
    rest, end = sns.list_subscriptions_by_topic(TOPIC, token)
    assert len(rest) == 20 and end is None
    everything, token = sns.list_subscriptions()
    more, _ = sns.list_subscriptions(token)
    assert len(everything) + len(more) == 121
    with pytest.raises(NotFound):
        sns.list_subscriptions_by_topic(TOPIC + "-missing")
