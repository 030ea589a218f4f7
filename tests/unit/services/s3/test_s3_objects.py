"""Object operations on the virtual clock: checksums and digests, conditions and their precedence,
ranges, tags, copies, batch deletes, and the changes reported for each."""

from __future__ import annotations

import base64
import hashlib
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.scope import Location
from triggerfish.services.s3.blobs import BlobStore
from triggerfish.services.s3.conditions import Conditions, check_read, etag_matches
from triggerfish.services.s3.copying import CopyInput, CopySource, copy_object, parse_copy_source
from triggerfish.services.s3.deletes import Deleted, DeleteEntry, DeleteFailed, delete_objects
from triggerfish.services.s3.errors import (
    BadDigest,
    InvalidArgument,
    InvalidRange,
    InvalidRequest,
    InvalidTag,
    KeyTooLong,
    MalformedXML,
    NotModified,
    PreconditionFailed,
    XAmzContentSHA256Mismatch,
)
from triggerfish.services.s3.models import ObjectChange, RequestInfo, StoredObject, Versioning
from triggerfish.services.s3.object_tags import tags_from_header, tags_from_set
from triggerfish.services.s3.objects import PutInput, delete_tags, put_object, put_tags, read_object
from triggerfish.services.s3.ranges import InvalidPartNumber, parse_range, part_range
from triggerfish.services.s3.service import S3Service
from triggerfish.store.factory import open_store

BUCKET = "objs"
REQUEST = RequestInfo("req-1", "10.0.0.1")


class Recorder:
    def __init__(self) -> None:
        self.changes: list[ObjectChange] = []

    async def notify(self, change: ObjectChange) -> None:
        self.changes.append(change)


@dataclass
class World:
    service: S3Service
    clock: VirtualClock
    events: Recorder

    async def put(self, key: str, body: bytes | AsyncIterator[bytes], **kwargs: object) -> StoredObject:
        return await put_object(self.service, PutInput(BUCKET, key, body, **kwargs), REQUEST)  # type: ignore[arg-type]

    async def content(self, obj: StoredObject) -> bytes:
        assert obj.blob is not None
        return b"".join([c async for c in self.service.blobs.read(obj.blob)])


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    store = open_store(None)
    await store.open()
    clock = VirtualClock()
    events = Recorder()
    service = S3Service(store.documents, clock, BlobStore(tmp_path), events)
    await service.start()
    await service.buckets.create(BUCKET, scope=Location(), region="us-east-1")
    yield World(service, clock, events)
    await service.close()
    await store.close()


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


async def _stream(data: bytes) -> AsyncIterator[bytes]:
    yield data[:3]
    yield data[3:]


# --- writes ----------------------------------------------------------------------------------


async def test_put_stores_etag_checksum_and_reports(world: World) -> None:
    obj = await world.put("k", b"hello", checksum_algorithm="crc32c", metadata={"a": "b"})
    assert obj.etag == hashlib.md5(b"hello").hexdigest()
    assert set(obj.checksums) == {"CRC32C"} and obj.checksum_type == "FULL_OBJECT"
    assert obj.last_modified == world.clock.now()
    assert await world.content(obj) == b"hello"
    [change] = world.events.changes
    assert (change.event, change.obj.key, change.request.source_ip) == ("ObjectCreated:Put", "k", "10.0.0.1")


async def test_trailing_checksum_is_verified_after_the_body(world: World) -> None:
    good = _b64(zlib.crc32(b"streamed").to_bytes(4, "big"))
    trailers: dict[str, str] = {}

    async def body() -> AsyncIterator[bytes]:
        yield b"stream"
        yield b"ed"
        trailers["x-amz-checksum-crc32"] = good

    obj = await world.put("t", body(), trailer="x-amz-checksum-crc32", trailers=lambda: trailers)
    assert obj.checksums == {"CRC32": good}
    with pytest.raises(BadDigest, match=r"The CRC32 you specified did not match the calculated checksum\."):
        await world.put("t2", b"other", trailer="x-amz-checksum-crc32", trailers=lambda: {"x-amz-checksum-crc32": good})
    assert await world.service.index.current(BUCKET, "t2") is None


async def test_digest_checks(world: World) -> None:
    with pytest.raises(BadDigest):
        await world.put("k", b"abc", content_md5=_b64(hashlib.md5(b"xyz").digest()))
    await world.put("k", _stream(b"abcdef"), content_md5=_b64(hashlib.md5(b"abcdef").digest()))
    with pytest.raises(XAmzContentSHA256Mismatch):
        await world.put("k", b"abc", content_sha256=hashlib.sha256(b"xyz").hexdigest())
    await world.put("k", b"abc", content_sha256=hashlib.sha256(b"abc").hexdigest())
    with pytest.raises(InvalidRequest, match="Multiple checksum"):
        await world.put("k", b"abc", checksums={"CRC32": "AAAAAA==", "SHA1": _b64(hashlib.sha1(b"abc").digest())})
    with pytest.raises(InvalidRequest, match="invalid"):
        await world.put("k", b"abc", checksums={"CRC32": "AAAA"})
    with pytest.raises(KeyTooLong):
        await world.put("x" * 1025, b"abc")
    assert len(list(world.service.blobs.directory.iterdir())) == 1


# --- conditions and ranges -------------------------------------------------------------------


async def test_read_conditions_precedence(world: World) -> None:
    obj = await world.put("c", b"data")
    before, after = obj.last_modified - 10, obj.last_modified + 10
    check_read(obj, Conditions(if_match=f'"{obj.etag}"', if_unmodified_since=before))
    check_read(obj, Conditions(if_modified_since=before))
    with pytest.raises(PreconditionFailed) as failed:
        check_read(obj, Conditions(if_unmodified_since=before))
    assert failed.value.fields["Condition"] == "If-Unmodified-Since"
    with pytest.raises(NotModified):
        check_read(obj, Conditions(if_none_match=obj.etag, if_modified_since=before))
    with pytest.raises(NotModified):
        check_read(obj, Conditions(if_modified_since=after))
    check_read(obj, Conditions(if_none_match='"other"', if_modified_since=after))
    with pytest.raises(PreconditionFailed):
        check_read(obj, Conditions(if_match='"other"', if_none_match='"other"'))
    assert etag_matches('W/"a", "b"', "b") and etag_matches("*", "x") and not etag_matches('"a"', "b")


async def test_conditional_put(world: World) -> None:
    first = await world.put("k", b"1", if_none_match="*")
    with pytest.raises(PreconditionFailed):
        await world.put("k", b"2", if_none_match="*")
    with pytest.raises(PreconditionFailed):
        await world.put("k", b"2", if_match='"nope"')
    await world.put("k", b"2", if_match=f'"{first.etag}"')
    assert len(world.events.changes) == 2


def test_ranges() -> None:
    assert parse_range("bytes=0-0", 10) is not None
    full = parse_range("bytes=2-4", 10)
    assert full is not None and (full.start, full.end, full.content_range) == (2, 5, "bytes 2-4/10")
    suffix = parse_range("bytes=-20", 10)
    assert suffix is not None and (suffix.start, suffix.end) == (0, 10)
    assert parse_range("items=0-1", 10) is None
    assert parse_range("bytes=0-1,3-4", 10) is None
    assert parse_range("bytes=5-2", 10) is None
    with pytest.raises(InvalidRange) as caught:
        parse_range("bytes=10-", 10)
    assert caught.value.fields == {"RangeRequested": "bytes=10-", "ActualObjectSize": 10}
    with pytest.raises(InvalidRange):
        parse_range("bytes=-0", 10)


async def test_part_numbers(world: World) -> None:
    obj = await world.put("p", b"0123456789")
    multipart = StoredObject(**{**obj.__dict__, "part_sizes": (4, 4, 2)})
    third = part_range(multipart, 3)
    assert (third.start, third.end) == (8, 10)
    assert (part_range(obj, 1).start, part_range(obj, 1).end) == (0, 10)
    with pytest.raises(InvalidPartNumber):
        part_range(multipart, 4)
    read = await read_object(world.service, BUCKET, "p", range_header="bytes=1-2")
    assert read.range is not None and read.range.length == 2
    with pytest.raises(InvalidRequest):
        await read_object(world.service, BUCKET, "p", range_header="bytes=1-2", part_number=1)


# --- tags ------------------------------------------------------------------------------------


def test_tag_limits() -> None:
    assert tags_from_header("a=1&b=&c%20d=e%26f") == {"a": "1", "b": "", "c d": "e&f"}
    with pytest.raises(InvalidTag, match="greater than 10"):
        tags_from_set([{"Key": f"k{i}", "Value": ""} for i in range(11)])
    with pytest.raises(InvalidTag, match="max 128"):
        tags_from_set([{"Key": "k" * 129, "Value": ""}])
    with pytest.raises(InvalidTag, match="max 256"):
        tags_from_set([{"Key": "k", "Value": "v" * 257}])
    with pytest.raises(InvalidTag, match="same key"):
        tags_from_header("a=1&a=2")


async def test_tagging_keeps_the_version_and_reports(world: World) -> None:
    await world.service.set_versioning(BUCKET, Versioning.ENABLED)
    old = await world.put("k", b"1")
    new = await world.put("k", b"2")
    tagged = await put_tags(world.service, BUCKET, "k", old.version_id, {"x": "y"}, REQUEST)
    assert tagged.version_id == old.version_id
    found = await world.service.index.version(BUCKET, "k", old.version_id)
    assert found is not None and found.tags == {"x": "y"}
    current = await world.service.index.current(BUCKET, "k")
    assert current is not None and current.version_id == new.version_id and current.tags == {}
    await delete_tags(world.service, BUCKET, "k", old.version_id, REQUEST)
    assert [c.event for c in world.events.changes][-2:] == ["ObjectTagging:Put", "ObjectTagging:Delete"]


# --- copies and batch deletes ----------------------------------------------------------------


def test_copy_source_parsing() -> None:
    assert parse_copy_source("/b/dir/a%20b.txt?versionId=v%2B1") == CopySource("b", "dir/a b.txt", "v+1")
    assert parse_copy_source("b/k") == CopySource("b", "k")
    with pytest.raises(InvalidArgument):
        parse_copy_source("just-a-bucket")


async def test_copy_keeps_or_replaces_metadata(world: World) -> None:
    source = await world.put("src", b"content", metadata={"m": "1"}, tags={"t": "1"}, checksum_algorithm="SHA1")
    copied = await copy_object(world.service, CopyInput(BUCKET, "dst", CopySource(BUCKET, "src")), REQUEST)
    assert copied.obj.etag == source.etag and copied.obj.metadata == {"m": "1"} and copied.obj.tags == {"t": "1"}
    assert copied.obj.checksums == source.checksums and copied.obj.blob != source.blob
    assert await world.content(copied.obj) == b"content"
    replaced = await copy_object(
        world.service,
        CopyInput(BUCKET, "dst", CopySource(BUCKET, "src"), metadata_directive="REPLACE", metadata={"m": "2"},
                  tagging_directive="REPLACE"),
        REQUEST,
    )  # fmt: skip
    assert replaced.obj.metadata == {"m": "2"} and replaced.obj.tags == {}
    with pytest.raises(InvalidRequest, match="copy an object to itself"):
        await copy_object(world.service, CopyInput(BUCKET, "src", CopySource(BUCKET, "src")), REQUEST)
    with pytest.raises(PreconditionFailed) as failed:
        await copy_object(
            world.service,
            CopyInput(BUCKET, "x", CopySource(BUCKET, "src"), conditions=Conditions(if_none_match=source.etag)),
            REQUEST,
        )
    assert failed.value.fields["Condition"] == "x-amz-copy-source-If-None-Match"
    assert [c.event for c in world.events.changes].count("ObjectCreated:Copy") == 2


async def test_delete_objects_reports_each_key(world: World) -> None:
    await world.put("a", b"1")
    results = await delete_objects(
        world.service, BUCKET, [DeleteEntry("a"), DeleteEntry("missing"), DeleteEntry("a", "bad")], REQUEST
    )
    assert [type(r) for r in results] == [Deleted, Deleted, DeleteFailed]
    failed = results[2]
    assert isinstance(failed, DeleteFailed) and failed.code == "InvalidArgument"
    assert [c.event for c in world.events.changes] == ["ObjectCreated:Put", "ObjectRemoved:Delete"]
    with pytest.raises(MalformedXML):
        await delete_objects(world.service, BUCKET, [DeleteEntry(str(i)) for i in range(1001)], REQUEST)
