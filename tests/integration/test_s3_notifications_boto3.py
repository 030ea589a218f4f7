"""S3 event notifications over the wire with boto3: Put/GetBucketNotificationConfiguration round trips, the
test event, which uploads and deletes notify whom, and every validation error's code, message and members.

Buckets and objects are made by small stand-in operations over S3Service (CreateBucket, PutObject,
DeleteObject), so this test exercises the notification side whatever the object provider does.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from endpoint_thread import EndpointThread

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Provider, Reply
from triggerfish.aws.providers.s3.notifications import NotificationOperations
from triggerfish.core.clock import SystemClock
from triggerfish.core.delivery import Delivery, DeliveryRegistry
from triggerfish.services.s3.blobs import BlobStore
from triggerfish.services.s3.models import RequestInfo, StoredObject
from triggerfish.services.s3.notifications import Notifier
from triggerfish.services.s3.service import CREATED_PUT, S3Service
from triggerfish.store.factory import open_store

FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:thumbnail"
QUEUE = "arn:aws:sqs:us-east-1:000000000000:removals"
TOPIC = "arn:aws:sns:us-east-1:000000000000:alerts"
FIFO_QUEUE = "arn:aws:sqs:us-east-1:000000000000:jobs.fifo"
MISSING_QUEUE = "arn:aws:sqs:us-east-1:000000000000:nowhere"
EXISTING = {FUNCTION, QUEUE, TOPIC, FIFO_QUEUE}

Operation = Callable[[Call], Awaitable[Reply]]


@dataclass
class Recorder:
    """Stands in for Lambda, SQS and SNS: keeps every delivery; knows only the ARNs in ``EXISTING``."""

    received: list[tuple[str, Delivery]] = field(default_factory=list)

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        self.received.append((arn, delivery))

    def exists(self, arn: str) -> bool:
        return arn in EXISTING

    def bodies(self, arn: str) -> list[Any]:
        return [json.loads(delivery.body) for target, delivery in self.received if target == arn]


class StandInObjects:
    """Just enough of buckets and objects to make changes to notify about."""

    def __init__(self, service: S3Service) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {"CreateBucket": self.create_bucket, "PutObject": self.put_object, "DeleteObject": self.delete_object}

    async def create_bucket(self, call: Call) -> Reply:
        await self._service.buckets.create(call.params["Bucket"], scope=call.scope, region=call.scope.region)
        return Reply()

    async def put_object(self, call: Call) -> Reply:
        bucket = self._service.buckets.get(call.params["Bucket"])
        blob = await self._service.blobs.write(call.params.get("Body", b""))
        obj = StoredObject(
            bucket=bucket.name, key=call.params["Key"], version_id="", blob=blob.id, size=blob.size, etag=blob.md5,
            last_modified=0, sequence=0,
        )  # fmt: skip
        stored = await self._service.commit(bucket, obj, CREATED_PUT, RequestInfo(call.request_id))
        return Reply({"ETag": f'"{stored.etag}"'})

    async def delete_object(self, call: Call) -> Reply:
        bucket = self._service.buckets.get(call.params["Bucket"])
        await self._service.delete_object(bucket, call.params["Key"], None, RequestInfo(call.request_id))
        return Reply(status=204)


class SmallS3Provider:
    def __init__(self, table: Mapping[str, Operation]) -> None:
        self._table = dict(table)

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return BodyLimit(16 * 1_048_576, "PutObject")

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


@dataclass
class Cloud:
    endpoint: EndpointThread
    recorder: Recorder
    s3: Any


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[Cloud]:
    recorder = Recorder()

    async def build() -> tuple[Mapping[str, Provider], Callable[[], Awaitable[None]]]:
        store = open_store(None)
        await store.open()
        registry = DeliveryRegistry()
        for name in ("lambda", "sqs", "sns"):
            registry.register(name, recorder)
        notifier = Notifier(registry)
        service = S3Service(store.documents, SystemClock(), BlobStore(tmp_path), notifier)
        await service.start()
        table = {**StandInObjects(service).table(), **NotificationOperations(service, notifier).table()}

        async def stop() -> None:
            await service.close()
            await store.close()

        return {"s3": SmallS3Provider(table)}, stop

    endpoint = EndpointThread(build)
    try:
        yield Cloud(endpoint, recorder, endpoint.client("s3"))
    finally:
        endpoint.close()


def rules(prefix: str = "", suffix: str = "", *, names: tuple[str, str] = ("prefix", "suffix")) -> dict[str, Any]:
    found = [{"Name": name, "Value": value} for name, value in zip(names, (prefix, suffix), strict=True) if value]
    return {"Key": {"FilterRules": found}}


CONFIG = {
    "LambdaFunctionConfigurations": [
        {
            "Id": "logos",
            "LambdaFunctionArn": FUNCTION,
            "Events": ["s3:ObjectCreated:*"],
            "Filter": rules("logos/", ".png", names=("PREFIX", "Suffix")),
        }
    ],
    "QueueConfigurations": [{"Id": "removals", "QueueArn": QUEUE, "Events": ["s3:ObjectRemoved:*"]}],
}


def put_config(cloud: Cloud, config: Mapping[str, Any], bucket: str = "media", **extra: Any) -> None:
    cloud.s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=config, **extra)


def error_of(cloud: Cloud, config: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        put_config(cloud, config, **extra)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    error: dict[str, Any] = caught.value.response["Error"]
    assert error["Code"] == "InvalidArgument"
    return error


def test_a_bucket_without_configuration_answers_an_empty_one(cloud: Cloud) -> None:
    cloud.s3.create_bucket(Bucket="media")
    answer = cloud.s3.get_bucket_notification_configuration(Bucket="media")
    assert {key for key in answer if key != "ResponseMetadata"} == set()


def test_a_configuration_round_trips_with_filter_names_normalised(cloud: Cloud) -> None:
    cloud.s3.create_bucket(Bucket="media")
    config = {
        **CONFIG,
        "TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:ObjectTagging:*"], "Filter": rules(suffix=".txt")}],
        "EventBridgeConfiguration": {},
    }
    put_config(cloud, config)
    answer = cloud.s3.get_bucket_notification_configuration(Bucket="media")
    assert answer["LambdaFunctionConfigurations"] == [
        {
            "Id": "logos",
            "LambdaFunctionArn": FUNCTION,
            "Events": ["s3:ObjectCreated:*"],
            "Filter": {
                "Key": {"FilterRules": [{"Name": "Prefix", "Value": "logos/"}, {"Name": "Suffix", "Value": ".png"}]}
            },
        }
    ]
    assert answer["QueueConfigurations"] == CONFIG["QueueConfigurations"]
    (topic,) = answer["TopicConfigurations"]
    assert topic["Id"]  # generated
    assert topic["Filter"] == {"Key": {"FilterRules": [{"Name": "Suffix", "Value": ".txt"}]}}
    assert answer["EventBridgeConfiguration"] == {}
    # putting an empty configuration turns notifications off
    put_config(cloud, {})
    answer = cloud.s3.get_bucket_notification_configuration(Bucket="media")
    assert {key for key in answer if key != "ResponseMetadata"} == set()


def test_the_test_event_reaches_queues_and_topics_but_not_functions(cloud: Cloud) -> None:
    cloud.s3.create_bucket(Bucket="media")
    put_config(cloud, {**CONFIG, "TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:ObjectTagging:*"]}]})
    (to_queue,) = cloud.recorder.bodies(QUEUE)
    assert to_queue["Service"] == "Amazon S3"
    assert to_queue["Event"] == "s3:TestEvent"
    assert to_queue["Bucket"] == "media"
    assert to_queue["RequestId"]
    assert [b["Event"] for b in cloud.recorder.bodies(TOPIC)] == ["s3:TestEvent"]
    assert cloud.recorder.bodies(FUNCTION) == []
    # every PUT naming a queue tests it again; skipping validation sends nothing
    put_config(cloud, CONFIG)
    assert len(cloud.recorder.bodies(QUEUE)) == 2
    put_config(cloud, CONFIG, SkipDestinationValidation=True)
    assert len(cloud.recorder.bodies(QUEUE)) == 2


def test_uploads_and_deletes_notify_the_matching_configuration(cloud: Cloud) -> None:
    cloud.s3.create_bucket(Bucket="media")
    put_config(cloud, CONFIG)
    cloud.s3.put_object(Bucket="media", Key="logos/x.png", Body=b"png")
    cloud.s3.put_object(Bucket="media", Key="other/x.png", Body=b"png")
    cloud.s3.put_object(Bucket="media", Key="logos/x.jpg", Body=b"jpg")
    cloud.s3.put_object(Bucket="media", Key="logos/my logo ü.png", Body=b"png")
    records = [body["Records"] for body in cloud.recorder.bodies(FUNCTION)]
    assert [len(found) for found in records] == [1, 1]
    first, second = records[0][0], records[1][0]
    assert first["eventName"] == "ObjectCreated:Put"
    assert first["s3"]["configurationId"] == "logos"
    assert first["s3"]["object"]["key"] == "logos/x.png"
    assert first["s3"]["object"]["size"] == 3
    assert second["s3"]["object"]["key"] == "logos/my+logo+%C3%BC.png"
    assert second["responseElements"]["x-amz-request-id"] != first["responseElements"]["x-amz-request-id"]
    cloud.s3.delete_object(Bucket="media", Key="logos/x.jpg")
    removals = [body for body in cloud.recorder.bodies(QUEUE) if "Records" in body]
    (removal,) = removals
    assert removal["Records"][0]["eventName"] == "ObjectRemoved:Delete"
    assert removal["Records"][0]["s3"]["object"]["key"] == "logos/x.jpg"
    assert "size" not in removal["Records"][0]["s3"]["object"]


def test_a_missing_bucket_is_no_such_bucket(cloud: Cloud) -> None:
    for call in (
        lambda: cloud.s3.get_bucket_notification_configuration(Bucket="absent"),
        lambda: put_config(cloud, CONFIG, bucket="absent"),
    ):
        with pytest.raises(ClientError) as caught:
            call()
        assert caught.value.response["Error"]["Code"] == "NoSuchBucket"
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


@pytest.mark.parametrize(
    ("config", "message", "name", "value"),
    [
        (
            {"QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:Bogus"]}]},
            "The event is not supported for notifications",
            "Event",
            "s3:ObjectCreated:Bogus",
        ),
        (
            {
                "QueueConfigurations": [
                    {
                        "QueueArn": QUEUE,
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": rules("a", names=("middle", "suffix")),
                    }
                ]
            },
            "filter rule name must be either prefix or suffix",
            "FilterRule",
            "middle",
        ),
        (
            {
                "QueueConfigurations": [
                    {
                        "QueueArn": QUEUE,
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": rules("a", "b", names=("prefix", "Prefix")),
                    }
                ]
            },
            "Cannot specify more than one prefix rule in a filter.",
            "FilterRule",
            "Prefix",
        ),
        (
            {
                "QueueConfigurations": [
                    {"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:*"], "Filter": rules("x" * 1025)}
                ]
            },
            "Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation",
            "FilterRule",
            "x" * 1025,
        ),
        (
            {"QueueConfigurations": [{"QueueArn": "arn:aws:sqs:nope", "Events": ["s3:ObjectCreated:*"]}]},
            "The ARN could not be parsed",
            "Queue",
            "arn:aws:sqs:nope",
        ),
        (
            {"TopicConfigurations": [{"TopicArn": QUEUE, "Events": ["s3:ObjectCreated:*"]}]},
            "The ARN could not be parsed",
            "Topic",
            QUEUE,
        ),
        (
            {"LambdaFunctionConfigurations": [{"LambdaFunctionArn": "thumbnail", "Events": ["s3:ObjectCreated:*"]}]},
            "The ARN could not be parsed",
            "CloudFunction",
            "thumbnail",
        ),
        (
            {
                "QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectRemoved:*"]}],
                "TopicConfigurations": [{"TopicArn": TOPIC, "Events": ["s3:ObjectRemoved:*"]}],
            },
            "Configurations overlap. Configurations on the same bucket cannot share a common event type.",
            "Event",
            "s3:ObjectRemoved:*, s3:ObjectRemoved:*",
        ),
        (
            {
                "QueueConfigurations": [
                    {"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:Put"], "Filter": rules("images/")}
                ],
                "LambdaFunctionConfigurations": [{"LambdaFunctionArn": FUNCTION, "Events": ["s3:ObjectCreated:*"]}],
            },
            "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes "
            "are overlapping for the same event type.",
            "Event",
            "s3:ObjectCreated:Put, s3:ObjectCreated:*",
        ),
    ],
)
def test_validation_errors(cloud: Cloud, config: dict[str, Any], message: str, name: str, value: str) -> None:
    cloud.s3.create_bucket(Bucket="media")
    error = error_of(cloud, config)
    assert error["Message"] == message
    assert (error["ArgumentName"], error["ArgumentValue"]) == (name, value)
    # nothing was stored and nobody was sent a test event
    answer = cloud.s3.get_bucket_notification_configuration(Bucket="media")
    assert {key for key in answer if key != "ResponseMetadata"} == set()
    assert cloud.recorder.received == []


@pytest.mark.parametrize("arn", [MISSING_QUEUE, FIFO_QUEUE])
def test_destinations_that_cannot_be_validated(cloud: Cloud, arn: str) -> None:
    cloud.s3.create_bucket(Bucket="media")
    config = {"QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]}
    error = error_of(cloud, config)
    assert error["Message"] == "Unable to validate the following destination configurations"
    assert error["ArgumentName1"] == arn
    assert error["ArgumentValue1"] == (
        "Permissions on the destination queue do not allow S3 to publish notifications from this bucket"
    )
    assert cloud.recorder.received == []
    # the header x-amz-skip-destination-validation lets it through
    put_config(cloud, config, SkipDestinationValidation=True)
    answer = cloud.s3.get_bucket_notification_configuration(Bucket="media")
    assert answer["QueueConfigurations"][0]["QueueArn"] == arn


def test_a_function_that_cannot_be_invoked(cloud: Cloud) -> None:
    cloud.s3.create_bucket(Bucket="media")
    missing = "arn:aws:lambda:us-east-1:000000000000:function:gone"
    error = error_of(
        cloud, {"LambdaFunctionConfigurations": [{"LambdaFunctionArn": missing, "Events": ["s3:ObjectCreated:*"]}]}
    )
    assert error["ArgumentName1"] == missing
    assert error["ArgumentValue1"] == f"Not authorized to invoke function [{missing}]"
