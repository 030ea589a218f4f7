"""Topics: names, idempotent creation, attributes as recorded, tags, listing and persistence."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.scope import Location
from triggerfish.core.work import WorkTracker
from triggerfish.services.sns.errors import InvalidParameter, NotFound, ResourceNotFound, TagLimitExceeded
from triggerfish.services.sns.models import Notification, Subscription, Topic
from triggerfish.services.sns.service import SnsService
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store


class QuietFanout:
    async def publish(self, topic: Topic, notification: Notification, subscriptions: Sequence[Subscription]) -> None:
        return None

    async def request_confirmation(self, topic: Topic, subscription: Subscription) -> None:
        return None

    async def announce_unsubscribe(self, topic: Topic, subscription: Subscription, token: str) -> None:
        return None

    async def close(self) -> None:
        return None


async def _service(store: Store) -> SnsService:
    service = SnsService(
        store.documents, VirtualClock(), DeliveryRegistry(), WorkTracker(), store.pending("sns"), fanout=QuietFanout()
    )
    await service.start()
    return service


@pytest.fixture
async def sns() -> AsyncIterator[SnsService]:
    store = open_store(None)
    await store.open()
    service = await _service(store)
    yield service
    await service.close()
    await store.close()


ARN = "arn:aws:sns:us-east-1:000000000000:orders"


async def test_create_topic_answers_its_arn_and_is_idempotent(sns: SnsService) -> None:
    assert await sns.create_topic("orders") == ARN
    assert await sns.create_topic("orders") == ARN
    assert sns.list_topics() == ([ARN], None)


@pytest.mark.parametrize(
    ("name", "attributes"),
    [
        ("", {}),
        ("a" * 257, {}),
        ("has space", {}),
        ("dot.name", {}),
        ("standard.fifo", {}),
        ("nofifo", {"FifoTopic": "true"}),
        (".fifo", {"FifoTopic": "true"}),
    ],
)
async def test_bad_topic_names_are_refused(sns: SnsService, name: str, attributes: dict[str, str]) -> None:
    with pytest.raises(InvalidParameter, match=r"^Invalid parameter: Topic Name$"):
        await sns.create_topic(name, attributes)


async def test_longest_names_are_accepted(sns: SnsService) -> None:
    await sns.create_topic("a" * 256)
    await sns.create_topic("b" * 251 + ".fifo", {"FifoTopic": "true"})


async def test_create_again_with_other_attributes_or_tags_is_refused(sns: SnsService) -> None:
    await sns.create_topic("orders", {"DisplayName": "Value1"}, {"a": "1", "b": "2"})
    await sns.create_topic("orders", {"DisplayName": "Value1"}, {"a": "1"})
    await sns.create_topic("orders")
    with pytest.raises(InvalidParameter, match="Attributes Reason: Topic already exists with different attributes"):
        await sns.create_topic("orders", {"DisplayName": "Value2"})
    with pytest.raises(InvalidParameter, match="Attributes Reason: Topic already exists with different attributes"):
        await sns.create_topic("orders", {"DisplayName": "Value1", "DeliveryPolicy": '{"http": {}}'})
    with pytest.raises(InvalidParameter, match=r"^Invalid parameter: Tags Reason: Topic already exists with different"):
        await sns.create_topic("orders", tags={"c": "3"})


async def test_standard_topic_attributes_are_as_recorded(sns: SnsService) -> None:
    await sns.create_topic("orders")
    attributes = sns.get_topic_attributes(ARN)
    assert set(attributes) == {
        "DisplayName",
        "EffectiveDeliveryPolicy",
        "Owner",
        "Policy",
        "SubscriptionsConfirmed",
        "SubscriptionsDeleted",
        "SubscriptionsPending",
        "TopicArn",
    }
    assert attributes["Owner"] == "000000000000"
    assert attributes["DisplayName"] == ""
    policy = json.loads(attributes["Policy"])
    assert policy["Id"] == "__default_policy_ID"
    assert policy["Statement"][0]["Resource"] == ARN
    assert policy["Statement"][0]["Condition"] == {"StringEquals": {"AWS:SourceOwner": "000000000000"}}
    effective = json.loads(attributes["EffectiveDeliveryPolicy"])
    assert effective["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3
    assert effective["http"]["defaultRequestPolicy"] == {"headerContentType": "text/plain; charset=UTF-8"}


async def test_fifo_topic_attributes(sns: SnsService) -> None:
    arn = await sns.create_topic("t.fifo", {"FifoTopic": "true", "DisplayName": "TestTopic", "SignatureVersion": "2"})
    attributes = sns.get_topic_attributes(arn)
    assert attributes["FifoTopic"] == "true"
    assert attributes["ContentBasedDeduplication"] == "false"
    assert attributes["SignatureVersion"] == "2"
    assert attributes["DisplayName"] == "TestTopic"


async def test_fifo_false_is_not_reported_and_cannot_be_set(sns: SnsService) -> None:
    await sns.create_topic("orders", {"FifoTopic": "false"})
    assert "FifoTopic" not in sns.get_topic_attributes(ARN)
    with pytest.raises(InvalidParameter, match=r"^Invalid parameter: AttributeName$"):
        await sns.set_topic_attributes(ARN, "FifoTopic", "true")


async def test_delivery_policy_is_merged_into_the_effective_one_and_removed_by_empty(sns: SnsService) -> None:
    await sns.create_topic("orders")
    policy = {"http": {"defaultHealthyRetryPolicy": {"minDelayTarget": 5, "maxDelayTarget": 6, "numRetries": 1}}}
    await sns.set_topic_attributes(ARN, "DeliveryPolicy", json.dumps(policy))
    attributes = sns.get_topic_attributes(ARN)
    assert json.loads(attributes["DeliveryPolicy"]) == policy
    healthy = json.loads(attributes["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"]
    assert healthy["minDelayTarget"] == 5 and healthy["backoffFunction"] == "linear"
    await sns.set_topic_attributes(ARN, "DeliveryPolicy", "")
    assert "DeliveryPolicy" not in sns.get_topic_attributes(ARN)


async def test_missing_and_malformed_topics(sns: SnsService) -> None:
    with pytest.raises(NotFound, match=r"^Topic does not exist$"):
        sns.get_topic_attributes(ARN)
    with pytest.raises(InvalidParameter, match=r"TopicArn Reason: An ARN must have at least 6 elements, not 1$"):
        sns.get_topic_attributes("test-topic")
    with pytest.raises(InvalidParameter, match=r"^Invalid parameter: TopicArn$"):
        sns.get_topic_attributes("arn:aws:sns:eu-central-1:000000000000:orders")


async def test_delete_topic_is_idempotent_and_removes_subscriptions(sns: SnsService) -> None:
    await sns.create_topic("orders")
    await sns.subscribe(ARN, "sqs", "arn:aws:sqs:us-east-1:000000000000:q")
    await sns.delete_topic(ARN)
    await sns.delete_topic(ARN)
    assert sns.list_topics() == ([], None)
    assert sns.list_subscriptions() == ([], None)


async def test_topics_are_regional(sns: SnsService) -> None:
    await sns.create_topic("orders")
    await sns.create_topic("orders", scope=Location(region="eu-west-1"))
    assert sns.list_topics(scope=Location(region="eu-west-1"))[0] == ["arn:aws:sns:eu-west-1:000000000000:orders"]


async def test_list_topics_pages_by_100(sns: SnsService) -> None:
    for index in range(150):
        await sns.create_topic(f"t{index:03}")
    first, token = sns.list_topics()
    assert len(first) == 100 and token
    second, end = sns.list_topics(token)
    assert len(second) == 50 and end is None
    assert len(set(first) | set(second)) == 150


async def test_tags_add_update_remove(sns: SnsService) -> None:
    await sns.create_topic("orders")
    await sns.tag_resource(ARN, {"k1": "v1", "k2": "v2"})
    await sns.untag_resource(ARN, ["k1"])
    await sns.tag_resource(ARN, {"k2": "v2b"})
    assert sns.list_tags_for_resource(ARN) == {"k2": "v2b"}
    with pytest.raises(TagLimitExceeded):
        await sns.tag_resource(ARN, {f"k{i}": "v" for i in range(60)})
    with pytest.raises(ResourceNotFound):
        sns.list_tags_for_resource(ARN + "-missing")


async def test_everything_survives_a_restart(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    await store.open()
    sns = await _service(store)
    await sns.create_topic("orders", {"DisplayName": "Orders"}, {"team": "a"})
    sub = await sns.subscribe(ARN, "sqs", "arn:aws:sqs:us-east-1:000000000000:q", {"RawMessageDelivery": "true"})
    pending = await sns.subscribe(ARN, "https", "https://example.com/hook", return_arn=True)
    await sns.close()
    await store.close()

    store = open_store(tmp_path)
    await store.open()
    again = await _service(store)
    try:
        assert again.get_topic_attributes(ARN)["DisplayName"] == "Orders"
        assert again.list_tags_for_resource(ARN) == {"team": "a"}
        assert again.get_subscription_attributes(sub)["RawMessageDelivery"] == "true"
        assert again.get_subscription_attributes(pending)["PendingConfirmation"] == "true"
        token = again.subscription(pending)
        assert token is not None and token.token is not None
        assert await again.confirm_subscription(ARN, token.token) == pending
    finally:
        await again.close()
        await store.close()
