"""S3 notification records and EventBridge details built by a real put and delete through S3Service and the
notifier, against AWS samples: the same keys in the same order at every level, values of the same JSON types,
and equal values wherever a value does not depend on ids, times or the particular request.

Data: ``data/events/`` (provenance in ``data/SOURCES.md``). SAM's samples carry eventVersion 2.0 where S3
writes 2.1 (spec §3.3); they are compared for shape and order only.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from shapes import assert_same_shape

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryRegistry
from triggerfish.core.scope import Location
from triggerfish.services.s3.blobs import BlobStore
from triggerfish.services.s3.models import RequestInfo, StoredObject, Versioning
from triggerfish.services.s3.notifications import Notifier, normalise
from triggerfish.services.s3.service import CREATED_PUT, S3Service
from triggerfish.store.factory import open_store

DATA = Path(__file__).parent / "data" / "events"
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:on-upload"
BUS = "arn:aws:events:us-east-1:000000000000:event-bus/default"
CREATED_SAMPLES = ["aws-sam-cli/rendered/s3/put.json", "powertools-lambda-python/s3Event.json"]
REMOVED_SAMPLES = ["aws-sam-cli/rendered/s3/delete.json", "powertools-lambda-python/s3EventDeleteObject.json"]


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@dataclass
class Recorder:
    received: list[tuple[str, Delivery]] = field(default_factory=list)

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        self.received.append((arn, delivery))

    def exists(self, arn: str) -> bool:
        return True

    def bodies(self, arn: str) -> list[Any]:
        return [json.loads(delivery.body) for target, delivery in self.received if target == arn]


@dataclass(frozen=True)
class Run:
    """A put then a delete of ``test/key`` in a bucket notifying a function and EventBridge."""

    put: StoredObject
    events: list[Any]
    details: list[Any]


async def run(tmp_path: Path, *, versioned: bool) -> Run:
    store = open_store(None)
    await store.open()
    recorder = Recorder()
    registry = DeliveryRegistry()
    registry.register("lambda", recorder)
    registry.register("events", recorder)
    service = S3Service(store.documents, VirtualClock(), BlobStore(tmp_path), Notifier(registry))
    await service.start()
    try:
        bucket = await service.buckets.create("example-bucket", scope=Location(), region="us-east-1")
        if versioned:
            bucket = await service.set_versioning(bucket.name, Versioning.ENABLED)
        config = {
            "LambdaFunctionConfigurations": [
                {
                    "Id": "testConfigRule",
                    "LambdaFunctionArn": FUNCTION,
                    "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                }
            ],
            "EventBridgeConfiguration": {},
        }
        bucket = await service.buckets.update(replace(bucket, notification=normalise(config, exists=None)))
        blob = await service.blobs.write(b"x" * 1024)
        obj = StoredObject(
            bucket=bucket.name, key="test/key", version_id="", blob=blob.id, size=blob.size, etag=blob.md5,
            last_modified=0, sequence=0,
        )  # fmt: skip
        request = RequestInfo("EXAMPLE123456789", source_ip="127.0.0.1")
        stored = await service.commit(bucket, obj, CREATED_PUT, request)
        await service.delete_object(bucket, "test/key", None, request)
    finally:
        await service.close()
        await store.close()
    return Run(stored, recorder.bodies(FUNCTION), recorder.bodies(BUS))


@pytest.fixture
async def unversioned(tmp_path: Path) -> AsyncIterator[Run]:
    yield await run(tmp_path, versioned=False)


@pytest.fixture
async def versioned(tmp_path: Path) -> AsyncIterator[Run]:
    yield await run(tmp_path, versioned=True)


def assert_same_order(built: Any, sample: Any, where: str = "$") -> None:
    """Keys in the sample's order at every level (JSON readers do not care; people comparing payloads do)."""
    if isinstance(sample, dict):
        assert list(built) == list(sample), f"{where}: built {list(built)}, sample {list(sample)}"
        for key, value in sample.items():
            assert_same_order(built[key], value, f"{where}.{key}")
    elif isinstance(sample, list):
        for index, (built_item, sample_item) in enumerate(zip(built, sample, strict=True)):
            assert_same_order(built_item, sample_item, f"{where}[{index}]")


def stable(record: dict[str, Any]) -> dict[str, Any]:
    """The values that hold for every S3 record of this bucket and request, whatever the sample's ids."""
    entity = record["s3"]
    return {
        "eventSource": record["eventSource"],
        "s3SchemaVersion": entity["s3SchemaVersion"],
        "arn names the bucket": entity["bucket"]["arn"] == f"arn:aws:s3:::{entity['bucket']['name']}",
    }


@pytest.mark.parametrize("sample_name", CREATED_SAMPLES)
async def test_a_put_record_matches_the_samples(unversioned: Run, sample_name: str) -> None:
    sample = load(sample_name)
    put_event = unversioned.events[0]
    assert_same_shape(put_event, sample)
    assert_same_order(put_event, sample)
    record = put_event["Records"][0]
    assert stable(record) == stable(sample["Records"][0])
    assert record["eventName"] == sample["Records"][0]["eventName"] == "ObjectCreated:Put"
    assert record["eventVersion"] == "2.1"
    assert record["s3"]["object"]["size"] == 1024
    assert record["s3"]["object"]["eTag"] == unversioned.put.etag
    assert record["s3"]["configurationId"] == "testConfigRule"


@pytest.mark.parametrize("sample_name", REMOVED_SAMPLES)
async def test_a_delete_record_matches_the_samples(unversioned: Run, sample_name: str) -> None:
    sample = load(sample_name)
    delete_event = unversioned.events[1]
    assert_same_shape(delete_event, sample)
    assert_same_order(delete_event, sample)
    record = delete_event["Records"][0]
    assert record["eventName"] == sample["Records"][0]["eventName"] == "ObjectRemoved:Delete"
    assert stable(record) == stable(sample["Records"][0])


async def test_versioned_records_add_only_the_version_id(versioned: Run) -> None:
    put_event, marker_event = versioned.events
    sample_put = load("powertools-lambda-python/s3Event.json")["Records"][0]
    sample_delete = load("powertools-lambda-python/s3EventDeleteObject.json")["Records"][0]
    built_put, built_marker = put_event["Records"][0], marker_event["Records"][0]
    # versionId sits between eTag and sequencer (S3 User Guide, "Event message structure")
    assert list(built_put["s3"]["object"]) == ["key", "size", "eTag", "versionId", "sequencer"]
    assert list(built_marker["s3"]["object"]) == ["key", "versionId", "sequencer"]
    assert built_put["s3"]["object"]["versionId"] == versioned.put.version_id
    assert built_marker["eventName"] == "ObjectRemoved:DeleteMarkerCreated"
    for built, sample in ((built_put, sample_put), (built_marker, sample_delete)):
        without_version = {**built, "s3": {**built["s3"], "object": dict(built["s3"]["object"])}}
        del without_version["s3"]["object"]["versionId"]
        assert_same_shape(without_version, sample)
        assert_same_order(without_version, sample)


def test_sequencers_are_hex_of_the_samples_length(unversioned: Run) -> None:
    for sample_name in CREATED_SAMPLES + REMOVED_SAMPLES:
        sequencer = load(sample_name)["Records"][0]["s3"]["object"]["sequencer"]
        built = unversioned.events[0]["Records"][0]["s3"]["object"]["sequencer"]
        assert len(built) == len(sequencer) == 18
        int(built, 16)


async def test_eventbridge_details_match_the_samples(unversioned: Run) -> None:
    created_sample = load("powertools-lambda-python/s3EventBridgeNotificationObjectCreatedEvent.json")["detail"]
    deleted_sample = load("powertools-lambda-python/s3EventBridgeNotificationObjectDeletedEvent.json")["detail"]
    created, deleted = unversioned.details
    assert_same_shape(created, created_sample)
    assert_same_order(created, created_sample)
    assert (created["version"], created["reason"]) == (created_sample["version"], created_sample["reason"])
    assert created["object"]["key"] == "test/key"
    assert_same_shape(deleted, deleted_sample)
    assert_same_order(deleted, deleted_sample)
    assert deleted["reason"] == deleted_sample["reason"] == "DeleteObject"
    assert deleted["deletion-type"] == "Permanently Deleted"
