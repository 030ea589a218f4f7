"""SNS with boto3 over real HTTP: the sns and sqs providers behind the endpoint on 127.0.0.1, with the
real delivery side, so a publish lands in a queue. Errors are checked against recorded SNS answers."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from endpoint_thread import EndpointThread, Stop

from triggerfish.aws.providers.base import Provider
from triggerfish.aws.providers.sns import SnsProvider
from triggerfish.aws.providers.sqs import SqsProvider
from triggerfish.core.clock import SystemClock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.services.sns.service import SnsService
from triggerfish.services.sqs.service import SqsService
from triggerfish.store.factory import open_store


async def _build() -> tuple[Mapping[str, Provider], Stop]:
    store = open_store(None)
    await store.open()
    clock, deliveries, tracker = SystemClock(), DeliveryRegistry(), WorkTracker()
    sqs = SqsService(store, clock, deliveries)
    sns = SnsService(store.documents, clock, deliveries, tracker, store.pending("sns"), delay_scale=0.001)
    deliveries.register("sns", sns.deliverer)
    await sqs.start()
    await sns.start()

    async def stop() -> None:
        await sns.close()
        await sqs.close()
        await store.close()

    return {"sns": SnsProvider(sns), "sqs": SqsProvider(sqs)}, stop


@pytest.fixture(scope="module")
def endpoint() -> Iterator[EndpointThread]:
    thread = EndpointThread(_build)
    yield thread
    thread.close()


@pytest.fixture(scope="module")
def sns(endpoint: EndpointThread) -> Any:
    return endpoint.client("sns")


@pytest.fixture(scope="module")
def sqs(endpoint: EndpointThread) -> Any:
    return endpoint.client("sqs")


def _error(excinfo: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    response: Any = excinfo.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def _queue(sqs: Any, name: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def test_topic_lifecycle(sns: Any) -> None:
    arn = sns.create_topic(Name="life", Attributes={"DisplayName": "Life"}, Tags=[{"Key": "k1", "Value": "v1"}])[
        "TopicArn"
    ]
    assert arn == "arn:aws:sns:us-east-1:000000000000:life"
    assert sns.create_topic(Name="life")["TopicArn"] == arn
    assert {"TopicArn": arn} in sns.list_topics()["Topics"]
    attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attributes["DisplayName"] == "Life" and attributes["SubscriptionsConfirmed"] == "0"
    assert json.loads(attributes["Policy"])["Statement"][0]["Resource"] == arn
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Renamed")
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "Renamed"
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "k2", "Value": "v2"}])
    sns.untag_resource(ResourceArn=arn, TagKeys=["k1"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "k2", "Value": "v2"}]
    sns.delete_topic(TopicArn=arn)
    sns.delete_topic(TopicArn=arn)
    with pytest.raises(ClientError) as caught:
        sns.get_topic_attributes(TopicArn=arn)
    assert _error(caught) == ("NotFound", "Topic does not exist", 404)
    assert isinstance(caught.value, sns.exceptions.NotFoundException)


def test_publish_reaches_an_sqs_subscriber(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="deliveries")["TopicArn"]
    url, queue = _queue(sqs, "deliveries-q")
    raw_url, raw_queue = _queue(sqs, "deliveries-raw")
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue)["SubscriptionArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=raw_queue, Attributes={"RawMessageDelivery": "true"})
    attributes = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attributes["PendingConfirmation"] == "false" and attributes["Endpoint"] == queue
    message_id = sns.publish(
        TopicArn=topic,
        Message="hello",
        Subject="greeting",
        MessageAttributes={"n": {"DataType": "Number", "StringValue": "7"}},
    )["MessageId"]
    (received,) = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
    envelope = json.loads(received["Body"])
    assert (envelope["Type"], envelope["MessageId"], envelope["Message"]) == ("Notification", message_id, "hello")
    assert envelope["Subject"] == "greeting" and envelope["TopicArn"] == topic
    assert envelope["MessageAttributes"] == {"n": {"Type": "Number", "Value": "7"}}
    (raw,) = sqs.receive_message(QueueUrl=raw_url, WaitTimeSeconds=5, MessageAttributeNames=["All"])["Messages"]
    assert raw["Body"] == "hello"
    assert raw["MessageAttributes"] == {"n": {"DataType": "Number", "StringValue": "7"}}


def test_publish_batch_and_fifo(sns: Any, sqs: Any) -> None:
    topic = sns.create_topic(Name="batch.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"})[
        "TopicArn"
    ]
    url = sqs.create_queue(QueueName="batch.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue, Attributes={"RawMessageDelivery": "true"})
    entries = [{"Id": str(i), "Message": f"m{i}", "MessageGroupId": "g"} for i in range(3)]
    answer = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
    assert [entry["Id"] for entry in answer["Successful"]] == ["0", "1", "2"] and answer["Failed"] == []
    numbers = [entry["SequenceNumber"] for entry in answer["Successful"]]
    assert numbers == sorted(numbers) and all(len(n) == 20 for n in numbers)
    again = sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
    assert again["Successful"] == answer["Successful"]
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]]
    assert bodies == ["m0", "m1", "m2"]


def test_http_subscription_waits_for_confirmation(sns: Any) -> None:
    topic = sns.create_topic(Name="hooks")["TopicArn"]
    # nothing listens on port 9: the confirmation request fails and is retried in the background
    pending = sns.subscribe(TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/hook")
    assert pending["SubscriptionArn"] == "pending confirmation"
    arn = sns.subscribe(
        TopicArn=topic, Protocol="http", Endpoint="http://127.0.0.1:9/hook", ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["PendingConfirmation"] == "true"
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [s["SubscriptionArn"] for s in listed] == ["PendingConfirmation"]
    assert any(s["TopicArn"] == topic for s in sns.list_subscriptions()["Subscriptions"])
    with pytest.raises(ClientError) as caught:
        sns.confirm_subscription(TopicArn=topic, Token="randomtoken")
    assert _error(caught) == ("InvalidParameter", "Invalid token", 400)
    with pytest.raises(ClientError) as caught:
        sns.confirm_subscription(TopicArn=topic, Token="abc123")
    assert _error(caught) == ("InvalidParameter", "Invalid parameter: Token", 400)
    sns.unsubscribe(SubscriptionArn=arn)
    sns.unsubscribe(SubscriptionArn=arn)
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []


RECORDED: list[tuple[str, dict[str, Any], str, str]] = [
    ("publish", {"TopicArn": "randomstring", "Message": "m"}, "InvalidParameter",
     "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1"),
    ("publish", {"TopicArn": "{topic}", "Message": ""}, "InvalidParameter", "Invalid parameter: Empty message"),
    ("publish", {"TopicArn": "{topic}", "Message": "m", "Subject": ""}, "InvalidParameter",
     "Invalid parameter: Subject"),
    ("publish", {"TopicArn": "{topic}", "Message": "x" * 262_145}, "InvalidParameter",
     "Invalid parameter: Message too long"),
    ("publish", {"TopicArn": "{topic}", "Message": '{"sqs": "x"}', "MessageStructure": "json"}, "InvalidParameter",
     "Invalid parameter: Message Structure - No default entry in JSON message body"),
    ("publish", {"TopicArn": "{topic}", "Message": "m", "MessageDeduplicationId": "d"}, "InvalidParameter",
     "Invalid parameter: MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that "
     "is not valid for this topic type"),
    ("publish", {"TopicArn": "{topic}", "Message": "m",
                 "MessageAttributes": {"attr1": {"DataType": "String", "BinaryValue": b"x"}}},
     "ParameterValueInvalid", "The message attribute 'attr1' with type 'String' must use field 'String'."),
    ("publish", {"TopicArn": "{topic}-fake", "Message": "m"}, "NotFound", "Topic does not exist"),
    ("publish_batch", {"TopicArn": "{topic}", "PublishBatchRequestEntries": [{"Id": "1", "Message": "m"}] * 2},
     "BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id."),
    ("publish_batch", {"TopicArn": "{topic}", "PublishBatchRequestEntries": [{"Id": "message.id", "Message": "m"}]},
     "InvalidBatchEntryId",
     "The Id of a batch entry in the batch request contains an impermissible character: message.id"),
    ("subscribe", {"TopicArn": "{topic}", "Protocol": "test-protocol", "Endpoint": "x"}, "InvalidParameter",
     "Invalid parameter: Amazon SNS does not support this protocol string: test-protocol"),
    ("subscribe", {"TopicArn": "{topic}", "Protocol": "sqs", "Endpoint": "http://localhost/q"}, "InvalidParameter",
     "Invalid parameter: SQS endpoint ARN"),
    ("subscribe", {"TopicArn": "{topic}", "Protocol": "sqs", "Endpoint": "arn:aws:sqs:us-east-1:000000000000:q",
                   "Attributes": {"RawMessageDelivery": "wrongvalue"}}, "InvalidParameter",
     "Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [wrongvalue]. Must be true or false."),
    ("unsubscribe", {"SubscriptionArn": "arn:aws:sns:us-east-1:000000000000"}, "InvalidParameter",
     "Invalid parameter: SubscriptionArn Reason: An ARN must have at least 6 elements, not 5"),
    ("get_subscription_attributes", {"SubscriptionArn": "{topic}:3f7d5c1e-0000-4000-8000-000000000000"},
     "NotFound", "Subscription does not exist"),
    ("create_topic", {"Name": "name.fifo"}, "InvalidParameter", "Invalid parameter: Topic Name"),
    ("set_topic_attributes", {"TopicArn": "{topic}", "AttributeName": "FifoTopic", "AttributeValue": "true"},
     "InvalidParameter", "Invalid parameter: AttributeName"),
    ("tag_resource", {"ResourceArn": "{topic}", "Tags": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]},
     "InvalidParameter", "Invalid parameter: Duplicated keys are not allowed."),
    ("list_subscriptions_by_topic", {"TopicArn": "{topic}-fake"}, "NotFound", "Topic does not exist"),
]  # fmt: skip


def _fill(value: Any, topic: str) -> Any:
    if isinstance(value, str):
        return value.replace("{topic}", topic)
    if isinstance(value, dict):
        return {key: _fill(item, topic) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, topic) for item in value]
    return value


@pytest.mark.parametrize(("operation", "params", "code", "message"), RECORDED)
def test_recorded_errors(sns: Any, operation: str, params: dict[str, Any], code: str, message: str) -> None:
    topic = sns.create_topic(Name="errors")["TopicArn"]
    with pytest.raises(ClientError) as caught:
        getattr(sns, operation)(**_fill(params, topic))
    assert _error(caught)[:2] == (code, message)


def test_fifo_topic_errors(sns: Any) -> None:
    topic = sns.create_topic(Name="errors.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    with pytest.raises(ClientError) as caught:
        sns.publish(TopicArn=topic, Message="m")
    assert _error(caught)[1] == "Invalid parameter: The MessageGroupId parameter is required for FIFO topics"
    with pytest.raises(ClientError) as caught:
        sns.publish(TopicArn=topic, Message="m", MessageGroupId="g")
    assert _error(caught)[1] == (
        "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId "
        "provided explicitly"
    )


def test_cross_region_access_is_refused(endpoint: EndpointThread, sns: Any) -> None:
    topic = sns.create_topic(Name="regional")["TopicArn"]
    client = boto3.client(
        "sns",
        endpoint_url=endpoint.url,
        region_name="eu-west-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )
    with pytest.raises(ClientError) as caught:
        client.publish(TopicArn=topic, Message="m")
    assert _error(caught) == ("InvalidParameter", "Invalid parameter: TopicArn", 400)
