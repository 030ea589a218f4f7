"""The notifier over a real S3Service: which destinations hear of a change, the records and EventBridge details
they get (spec §3.3-3.4), and that one refusing destination never stops the others."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import orjson
import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry
from triggerfish.core.scope import Location
from triggerfish.services.s3.blobs import BlobStore
from triggerfish.services.s3.models import Bucket, RequestInfo, StoredObject, Versioning
from triggerfish.services.s3.notifications import Notifier, normalise
from triggerfish.services.s3.service import CREATED_COPY, CREATED_PUT, TAGGING_DELETE, TAGGING_PUT, S3Service
from triggerfish.store.factory import open_store

QUEUE = "arn:aws:sqs:us-east-1:000000000000:removals"
TOPIC = "arn:aws:sns:us-east-1:000000000000:tags"
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:thumbnail"
BUS = "arn:aws:events:us-east-1:000000000000:event-bus/default"
REQUEST = RequestInfo("REQ123", source_ip="10.1.2.3")


@dataclass
class Recorder:
    """Every deliverer at once: records what it is handed; refuses the ARNs in ``refuse``."""

    received: list[tuple[str, Delivery]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        if arn in self.refuse:
            raise DeliveryFailed(f"{arn} refused")
        self.received.append((arn, delivery))

    def exists(self, arn: str) -> bool:
        return arn not in self.refuse

    def to(self, arn: str) -> list[Delivery]:
        return [delivery for target, delivery in self.received if target == arn]

    def records(self, arn: str) -> list[dict[str, Any]]:
        found = []
        for delivery in self.to(arn):
            body = orjson.loads(delivery.body)
            assert len(body["Records"]) == 1
            found.append(body["Records"][0])
        return found


@dataclass
class World:
    service: S3Service
    recorder: Recorder
    clock: VirtualClock

    async def bucket(self, name: str, config: dict[str, Any], *, versioned: bool = False) -> Bucket:
        bucket = await self.service.buckets.create(name, scope=Location(), region="us-east-1")
        if versioned:
            bucket = await self.service.set_versioning(name, Versioning.ENABLED)
        stored = normalise(config, exists=self.recorder.exists, new_id=lambda: "generated")
        return await self.service.buckets.update(replace(bucket, notification=stored))

    async def put(self, bucket: Bucket, key: str, body: bytes = b"hello", event: str = CREATED_PUT) -> StoredObject:
        blob = await self.service.blobs.write(body)
        obj = StoredObject(
            bucket=bucket.name, key=key, version_id="", blob=blob.id, size=blob.size, etag=blob.md5,
            last_modified=0, sequence=0,
        )  # fmt: skip
        return await self.service.commit(bucket, obj, event, REQUEST)


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    store = open_store(None)
    await store.open()
    clock = VirtualClock()
    recorder = Recorder()
    registry = DeliveryRegistry()
    for service in ("sqs", "sns", "lambda", "events"):
        registry.register(service, recorder)
    s3 = S3Service(store.documents, clock, BlobStore(tmp_path), Notifier(registry))
    await s3.start()
    yield World(s3, recorder, clock)
    await s3.close()
    await store.close()


def rules(prefix: str = "", suffix: str = "") -> dict[str, Any]:
    found = [{"Name": name, "Value": value} for name, value in (("prefix", prefix), ("suffix", suffix)) if value]
    return {"Key": {"FilterRules": found}}


LOGOS = {
    "LambdaFunctionConfigurations": [
        {
            "Id": "logos",
            "LambdaFunctionArn": FUNCTION,
            "Events": ["s3:ObjectCreated:*"],
            "Filter": rules("logos/", ".png"),
        }
    ],
    "QueueConfigurations": [{"Id": "removals", "QueueArn": QUEUE, "Events": ["s3:ObjectRemoved:*"]}],
    "TopicConfigurations": [{"Id": "tags", "TopicArn": TOPIC, "Events": ["s3:ObjectTagging:*"]}],
}


async def test_a_put_matching_the_filter_reaches_the_function_with_one_record(world: World) -> None:
    bucket = await world.bucket("media", LOGOS)
    stored = await world.put(bucket, "logos/x.png", b"png!")
    (delivery,) = world.recorder.to(FUNCTION)
    assert delivery.subject is None
    (record,) = world.recorder.records(FUNCTION)
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["eventVersion"] == "2.1"
    assert record["awsRegion"] == "us-east-1"
    assert record["requestParameters"] == {"sourceIPAddress": "10.1.2.3"}
    assert record["responseElements"]["x-amz-request-id"] == "REQ123"
    assert record["s3"]["configurationId"] == "logos"
    assert record["s3"]["bucket"] == {
        "name": "media",
        "ownerIdentity": {"principalId": "000000000000"},
        "arn": "arn:aws:s3:::media",
    }
    assert record["s3"]["object"] == {
        "key": "logos/x.png",
        "size": 4,
        "eTag": stored.etag,
        "sequencer": f"{stored.sequence:018X}",
    }
    assert world.recorder.to(QUEUE) == []


@pytest.mark.parametrize("key", ["other/x.png", "logos/x.jpg", "logos/x.png.bak", "LOGOS/x.png"])
async def test_keys_outside_the_filter_notify_nobody(world: World, key: str) -> None:
    bucket = await world.bucket("media", LOGOS)
    await world.put(bucket, key)
    assert world.recorder.received == []


async def test_keys_in_records_are_form_urlencoded(world: World) -> None:
    bucket = await world.bucket("media", LOGOS)
    await world.put(bucket, "logos/my café@home.png")
    (record,) = world.recorder.records(FUNCTION)
    assert record["s3"]["object"]["key"] == "logos/my+caf%C3%A9%40home.png"


async def test_every_created_sub_type_is_covered_by_the_wildcard(world: World) -> None:
    bucket = await world.bucket("media", LOGOS)
    await world.put(bucket, "logos/a.png", event=CREATED_COPY)
    await world.put(bucket, "logos/b.png", event="ObjectCreated:CompleteMultipartUpload")
    names = [record["eventName"] for record in world.recorder.records(FUNCTION)]
    assert names == ["ObjectCreated:Copy", "ObjectCreated:CompleteMultipartUpload"]


async def test_an_exact_event_name_covers_only_itself(world: World) -> None:
    config = {"QueueConfigurations": [{"QueueArn": QUEUE, "Events": ["s3:ObjectCreated:Copy"]}]}
    bucket = await world.bucket("media", config)
    await world.put(bucket, "a")
    await world.put(bucket, "b", event=CREATED_COPY)
    assert [r["s3"]["object"]["key"] for r in world.recorder.records(QUEUE)] == ["b"]
    assert world.recorder.records(QUEUE)[0]["s3"]["configurationId"] == "generated"


async def test_an_unversioned_delete_has_no_size_etag_or_version(world: World) -> None:
    bucket = await world.bucket("media", LOGOS)
    stored = await world.put(bucket, "old.txt")
    await world.service.delete_object(bucket, "old.txt", None, REQUEST)
    (delivery,) = world.recorder.to(QUEUE)
    assert delivery.subject is None
    (record,) = world.recorder.records(QUEUE)
    assert record["eventName"] == "ObjectRemoved:Delete"
    assert record["s3"]["configurationId"] == "removals"
    assert record["s3"]["object"] == {"key": "old.txt", "sequencer": f"{stored.sequence:018X}"}


async def test_versioned_buckets_report_version_ids_and_delete_markers(world: World) -> None:
    bucket = await world.bucket("media", LOGOS, versioned=True)
    stored = await world.put(bucket, "logos/v.png")
    (created,) = world.recorder.records(FUNCTION)
    assert created["s3"]["object"]["versionId"] == stored.version_id
    assert list(created["s3"]["object"]) == ["key", "size", "eTag", "versionId", "sequencer"]
    deletion = await world.service.delete_object(bucket, "logos/v.png", None, REQUEST)
    (marker,) = world.recorder.records(QUEUE)
    assert marker["eventName"] == "ObjectRemoved:DeleteMarkerCreated"
    assert deletion.version_id is not None
    assert marker["s3"]["object"]["versionId"] == deletion.version_id
    assert set(marker["s3"]["object"]) == {"key", "versionId", "sequencer"}
    assert int(marker["s3"]["object"]["sequencer"], 16) > int(created["s3"]["object"]["sequencer"], 16)


async def test_tagging_records_go_to_topics_with_s3s_subject(world: World) -> None:
    bucket = await world.bucket("media", LOGOS)
    stored = await world.put(bucket, "doc.txt")
    await world.service.report(bucket, TAGGING_PUT, stored, REQUEST)
    await world.service.report(bucket, TAGGING_DELETE, stored, REQUEST)
    deliveries = world.recorder.to(TOPIC)
    assert [d.subject for d in deliveries] == ["Amazon S3 Notification"] * 2
    put, deleted = world.recorder.records(TOPIC)
    assert (put["eventName"], put["eventVersion"]) == ("ObjectTagging:Put", "2.3")
    assert deleted["eventName"] == "ObjectTagging:Delete"
    assert put["s3"]["object"] == {"key": "doc.txt", "eTag": stored.etag, "sequencer": f"{stored.sequence:018X}"}


async def test_a_refusing_destination_is_logged_and_the_others_still_hear(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    config = {**LOGOS, "EventBridgeConfiguration": {}}
    bucket = await world.bucket("media", config)
    world.recorder.refuse.add(FUNCTION)
    with caplog.at_level(logging.WARNING, logger="triggerfish.services.s3.notifications.notifier"):
        await world.put(bucket, "logos/x.png")
    assert world.recorder.to(FUNCTION) == []
    assert [arn for arn, _ in world.recorder.received] == [BUS]
    assert any(FUNCTION in message for message in caplog.messages)


async def test_a_destination_no_service_takes_is_dropped(world: World, caplog: pytest.LogCaptureFixture) -> None:
    registry = DeliveryRegistry()
    notifier = Notifier(registry)
    bucket = await world.bucket("media", LOGOS)
    world.service.events = notifier
    with caplog.at_level(logging.WARNING):
        await world.put(bucket, "logos/x.png")
    assert any("dropped" in message for message in caplog.messages)


async def test_eventbridge_gets_every_change_on_the_default_bus(world: World) -> None:
    bucket = await world.bucket("media", {"EventBridgeConfiguration": {}})
    stored = await world.put(bucket, "my photos/a b.jpg", b"12345")
    await world.service.delete_object(bucket, "my photos/a b.jpg", None, REQUEST)
    created, deleted = world.recorder.to(BUS)
    assert (created.detail_type, created.source, created.resources) == ("Object Created", "aws.s3", (bucket.arn,))
    assert list(orjson.loads(created.body).items()) == [
        ("version", "0"),
        ("bucket", {"name": "media"}),
        (
            "object",
            {"key": "my photos/a b.jpg", "size": 5, "etag": stored.etag, "sequencer": f"{stored.sequence:018X}"},
        ),
        ("request-id", "REQ123"),
        ("requester", "000000000000"),
        ("source-ip-address", "10.1.2.3"),
        ("reason", "PutObject"),
    ]
    assert deleted.detail_type == "Object Deleted"
    detail = orjson.loads(deleted.body)
    assert detail["object"] == {"key": "my photos/a b.jpg", "sequencer": f"{stored.sequence:018X}"}
    assert (detail["reason"], detail["deletion-type"]) == ("DeleteObject", "Permanently Deleted")


async def test_eventbridge_details_of_a_versioned_bucket(world: World) -> None:
    bucket = await world.bucket("media", {"EventBridgeConfiguration": {}}, versioned=True)
    stored = await world.put(bucket, "k", event=CREATED_COPY)
    deletion = await world.service.delete_object(bucket, "k", None, REQUEST)
    await world.service.report(bucket, TAGGING_PUT, stored, REQUEST)
    created, marker, tagged = world.recorder.to(BUS)
    created_detail = orjson.loads(created.body)
    assert created_detail["object"]["version-id"] == stored.version_id
    assert created_detail["reason"] == "CopyObject"
    marker_detail = orjson.loads(marker.body)
    assert marker_detail["object"]["version-id"] == deletion.version_id
    assert marker_detail["object"]["etag"] == "d41d8cd98f00b204e9800998ecf8427e"
    assert marker_detail["deletion-type"] == "Delete Marker Created"
    assert tagged.detail_type == "Object Tags Added"
    tagged_detail = orjson.loads(tagged.body)
    assert "reason" not in tagged_detail
    assert tagged_detail["object"] == {"key": "k", "etag": stored.etag, "version-id": stored.version_id}


async def test_without_the_switch_eventbridge_hears_nothing(world: World) -> None:
    bucket = await world.bucket("media", LOGOS)
    await world.put(bucket, "x")
    assert world.recorder.to(BUS) == []


async def test_test_events_go_to_queues_and_topics(world: World) -> None:
    bucket = await world.bucket("media", LOGOS)
    notifier = world.service.events
    assert isinstance(notifier, Notifier)
    await notifier.send_test_events(bucket, [QUEUE, TOPIC], request_id="RID", time=world.clock.now())
    to_queue, to_topic = world.recorder.received
    assert to_queue[1].subject is None
    assert to_topic[1].subject == "Amazon S3 Notification"
    assert list(orjson.loads(to_queue[1].body).items()) == [
        ("Service", "Amazon S3"),
        ("Event", "s3:TestEvent"),
        ("Time", "2023-11-14T22:13:20.000Z"),
        ("Bucket", "media"),
        ("RequestId", "RID"),
        ("HostId", "triggerfish"),
    ]
