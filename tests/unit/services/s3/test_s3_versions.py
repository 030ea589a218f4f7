"""Versioning through the service: commit, delete markers, permanent deletes, suspended buckets,
the version listing order, notifications, and what survives a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.scope import Location
from triggerfish.services.s3.blobs import BlobStore
from triggerfish.services.s3.errors import InvalidArgument
from triggerfish.services.s3.models import NULL_VERSION, ObjectChange, RequestInfo, StoredObject, Versioning
from triggerfish.services.s3.objects import PutInput, put_object
from triggerfish.services.s3.service import S3Service
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

BUCKET = "vers"
REQUEST = RequestInfo("req-1")


class Recorder:
    def __init__(self) -> None:
        self.changes: list[ObjectChange] = []

    async def notify(self, change: ObjectChange) -> None:
        self.changes.append(change)

    @property
    def events(self) -> list[tuple[str, str]]:
        return [(c.event, c.obj.key) for c in self.changes]


@dataclass
class World:
    store: Store
    service: S3Service
    clock: VirtualClock
    events: Recorder
    root: Path

    async def put(self, key: str, body: bytes, bucket: str = BUCKET) -> StoredObject:
        return await put_object(self.service, PutInput(bucket, key, body), REQUEST)

    async def versions(self, **kwargs: str) -> list[tuple[str, str, bool]]:
        return [
            (o.key, o.version_id, o.delete_marker) async for o in self.service.index.iter_versions(BUCKET, **kwargs)
        ]

    def blob_count(self) -> int:
        return len(list((self.root / "blobs").iterdir()))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    store = open_store(tmp_path / "db")
    await store.open()
    clock = VirtualClock()
    events = Recorder()
    service = S3Service(store.documents, clock, BlobStore(tmp_path / "s3"), events)
    await service.start()
    await service.buckets.create(BUCKET, scope=Location(), region="us-east-1")
    yield World(store, service, clock, events, tmp_path / "s3")
    await service.close()
    await store.close()


async def test_unversioned_overwrite_replaces_the_null_version(world: World) -> None:
    first = await world.put("k", b"one")
    await world.clock.advance(1)
    second = await world.put("k", b"two")
    assert first.version_id == second.version_id == NULL_VERSION
    assert second.sequence > first.sequence
    assert second.last_modified == first.last_modified + 1
    assert world.blob_count() == 1
    assert await world.versions() == [("k", NULL_VERSION, False)]
    assert world.events.events == [("ObjectCreated:Put", "k"), ("ObjectCreated:Put", "k")]


async def test_enabling_keeps_existing_objects_as_null_versions(world: World) -> None:
    await world.put("k", b"old")
    await world.service.set_versioning(BUCKET, Versioning.ENABLED)
    new = await world.put("k", b"new")
    assert new.version_id != NULL_VERSION and len(new.version_id) == 32
    assert await world.versions() == [("k", new.version_id, False), ("k", NULL_VERSION, False)]
    assert world.blob_count() == 2
    old = await world.service.index.version(BUCKET, "k", NULL_VERSION)
    assert old is not None and old.size == 3


async def test_delete_marker_then_permanent_deletes(world: World) -> None:
    await world.service.set_versioning(BUCKET, Versioning.ENABLED)
    v1 = await world.put("k", b"1")
    bucket = world.service.buckets.get(BUCKET)
    marker = await world.service.delete_object(bucket, "k", None, REQUEST)
    assert marker.delete_marker and marker.version_id not in (None, v1.version_id)
    current = await world.service.index.current(BUCKET, "k")
    assert current is not None and current.delete_marker
    assert [o async for o in world.service.index.iter_current(BUCKET)] == []
    assert await world.service.index.any_in(BUCKET)
    # removing the marker by id brings the previous version back
    removed = await world.service.delete_object(bucket, "k", marker.version_id, REQUEST)
    assert removed.delete_marker
    current = await world.service.index.current(BUCKET, "k")
    assert current is not None and current.version_id == v1.version_id
    await world.service.delete_object(bucket, "k", v1.version_id, REQUEST)
    assert await world.service.index.current(BUCKET, "k") is None
    assert not await world.service.index.any_in(BUCKET)
    assert world.blob_count() == 0
    assert [e for e, _ in world.events.events] == [
        "ObjectCreated:Put",
        "ObjectRemoved:DeleteMarkerCreated",
        "ObjectRemoved:Delete",
        "ObjectRemoved:Delete",
    ]


async def test_deleting_a_missing_version_is_no_error(world: World) -> None:
    await world.service.set_versioning(BUCKET, Versioning.ENABLED)
    bucket = world.service.buckets.get(BUCKET)
    result = await world.service.delete_object(bucket, "nothing", "abc", REQUEST)
    assert result.obj is None
    assert world.events.changes == []


async def test_unversioned_bucket_refuses_other_version_ids(world: World) -> None:
    bucket = world.service.buckets.get(BUCKET)
    with pytest.raises(InvalidArgument):
        await world.service.delete_object(bucket, "k", "someversion", REQUEST)
    await world.put("k", b"x")
    result = await world.service.delete_object(bucket, "k", NULL_VERSION, REQUEST)
    assert result.obj is not None and await world.service.index.current(BUCKET, "k") is None


async def test_suspended_bucket_replaces_the_null_version_only(world: World) -> None:
    await world.service.set_versioning(BUCKET, Versioning.ENABLED)
    kept = await world.put("k", b"kept")
    await world.service.set_versioning(BUCKET, Versioning.SUSPENDED)
    await world.put("k", b"null one")
    await world.put("k", b"null two")
    assert await world.versions() == [("k", NULL_VERSION, False), ("k", kept.version_id, False)]
    assert world.blob_count() == 2
    bucket = world.service.buckets.get(BUCKET)
    marker = await world.service.delete_object(bucket, "k", None, REQUEST)
    assert marker.version_id == NULL_VERSION and marker.delete_marker
    assert await world.versions() == [("k", NULL_VERSION, True), ("k", kept.version_id, False)]
    assert world.blob_count() == 1


async def test_listing_order_prefix_and_resume(world: World) -> None:
    await world.service.set_versioning(BUCKET, Versioning.ENABLED)
    a1 = await world.put("a", b"1")
    a2 = await world.put("a", b"2")
    b1 = await world.put("b/x", b"3")
    c1 = await world.put("c", b"4")
    assert await world.versions() == [
        ("a", a2.version_id, False),
        ("a", a1.version_id, False),
        ("b/x", b1.version_id, False),
        ("c", c1.version_id, False),
    ]
    assert await world.versions(prefix="b/") == [("b/x", b1.version_id, False)]
    assert await world.versions(after_key="a", after_version=a2.version_id) == [
        ("a", a1.version_id, False),
        ("b/x", b1.version_id, False),
        ("c", c1.version_id, False),
    ]
    assert await world.versions(after_key="a") == [("b/x", b1.version_id, False), ("c", c1.version_id, False)]
    keys = [o.key async for o in world.service.index.iter_current(BUCKET, after="a")]
    assert keys == ["b/x", "c"]
    keys = [o.key async for o in world.service.index.iter_current(BUCKET, prefix="a")]
    assert keys == ["a"]


async def test_keys_list_in_utf8_byte_order(world: World) -> None:
    for key in ["z", "é", "a", "\U0001f600", "ﬀ", "A"]:
        await world.put(key, b"x")
    keys = [o.key async for o in world.service.index.iter_current(BUCKET)]
    assert keys == sorted(keys, key=lambda k: k.encode("utf-8"))


async def test_unversioned_listing_of_versions(world: World) -> None:
    await world.put("x", b"1")
    await world.put("y", b"2")
    assert await world.versions() == [("x", NULL_VERSION, False), ("y", NULL_VERSION, False)]


async def test_restart_keeps_state_and_sweeps_leftovers(world: World, tmp_path: Path) -> None:
    await world.service.set_versioning(BUCKET, Versioning.ENABLED)
    first = await world.put("k", b"1")
    orphan = await world.service.blobs.write(b"crashed before its document")
    restarted = S3Service(world.store.documents, world.clock, BlobStore(world.root))
    await restarted.start()
    assert restarted.buckets.get(BUCKET).versioning is Versioning.ENABLED
    assert orphan.id not in {p.name for p in (world.root / "blobs").iterdir()}
    assert world.blob_count() == 1
    second = await put_object(restarted, PutInput(BUCKET, "k", b"2"), REQUEST)
    assert second.sequence > first.sequence
    listed = [o.version_id async for o in restarted.index.iter_versions(BUCKET)]
    assert listed == [second.version_id, first.version_id]
