"""Delivery by ARN to a bucket: a PutObject of the body at the delivery's key, with the bucket's
notifications, and a failed delivery for a bucket that is not there (spec §7.1 OnFailure to S3)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry
from triggerfish.core.scope import Location
from triggerfish.services.s3.blobs import BlobStore
from triggerfish.services.s3.deliverer import S3Deliverer
from triggerfish.services.s3.models import ObjectChange, Versioning
from triggerfish.services.s3.service import S3Service
from triggerfish.store.factory import open_store

BUCKET = "failures"
ARN = f"arn:aws:s3:::{BUCKET}"
KEY = "aws/lambda/0b6e0c9a-0000-4000-8000-000000000001/shardId-000000000000/2023/11/14/2023-11-14T22.13.20-x"


class Recorder:
    def __init__(self) -> None:
        self.changes: list[ObjectChange] = []

    async def notify(self, change: ObjectChange) -> None:
        self.changes.append(change)


@dataclass
class World:
    service: S3Service
    events: Recorder
    deliveries: DeliveryRegistry

    async def content(self, key: str) -> bytes:
        obj = await self.service.index.current(BUCKET, key)
        assert obj is not None and obj.blob is not None
        return b"".join([chunk async for chunk in self.service.blobs.read(obj.blob)])


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    store = open_store(None)
    await store.open()
    events = Recorder()
    service = S3Service(store.documents, VirtualClock(), BlobStore(tmp_path), events)
    await service.start()
    await service.buckets.create(BUCKET, scope=Location(), region="us-east-1")
    deliveries = DeliveryRegistry()
    deliveries.register("s3", S3Deliverer(service))
    yield World(service, events, deliveries)
    await service.close()
    await store.close()


async def test_a_delivery_puts_the_body_at_the_key(world: World) -> None:
    await world.deliveries.deliver(ARN, Delivery(body='{"version": "1.0"}', object_key=KEY))
    assert await world.content(KEY) == b'{"version": "1.0"}'
    [change] = world.events.changes
    assert (change.event, change.obj.key, change.obj.size) == ("ObjectCreated:Put", KEY, 18)


async def test_a_versioned_bucket_keeps_every_delivery(world: World) -> None:
    await world.service.set_versioning(BUCKET, Versioning.ENABLED)
    for body in ("first", "second"):
        await world.deliveries.deliver(ARN, Delivery(body=body, object_key="k"))
    assert await world.content("k") == b"second"
    versions = [change.obj.version_id for change in world.events.changes]
    assert len(set(versions)) == 2 and "null" not in versions


async def test_a_missing_bucket_fails_the_delivery(world: World) -> None:
    gone = "arn:aws:s3:::gone"
    assert not world.deliveries.exists(gone)
    assert world.deliveries.exists(ARN)
    with pytest.raises(DeliveryFailed, match="does not exist"):
        await world.deliveries.deliver(gone, Delivery(body="x", object_key="k"))
    assert world.events.changes == []


async def test_an_object_arn_or_no_key_is_not_deliverable(world: World) -> None:
    deliverer = S3Deliverer(world.service)
    assert not deliverer.exists(f"{ARN}/prefix")
    assert not deliverer.exists("arn:aws:sqs:us-east-1:000000000000:q")
    with pytest.raises(DeliveryFailed, match="does not exist"):
        await deliverer.deliver(f"{ARN}/prefix", Delivery(body="x", object_key="k"))
    with pytest.raises(DeliveryFailed, match="needs an object key"):
        await deliverer.deliver(ARN, Delivery(body="x"))


async def test_a_key_the_bucket_refuses_fails_the_delivery(world: World) -> None:
    with pytest.raises(DeliveryFailed, match="refused the object"):
        await world.deliveries.deliver(ARN, Delivery(body="x", object_key="k" * 1025))
    assert world.events.changes == []
