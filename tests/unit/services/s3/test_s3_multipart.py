"""Multipart uploads on the virtual clock: parts, completion (ETag, checksums, sizes), abort and listing."""

from __future__ import annotations

import asyncio
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
from triggerfish.services.s3.checksums import new_hasher
from triggerfish.services.s3.composite import RequestedPart, checksum_mode
from triggerfish.services.s3.conditions import Conditions
from triggerfish.services.s3.copying import CopySource
from triggerfish.services.s3.errors import (
    BadDigest,
    EntityTooSmall,
    InvalidArgument,
    InvalidDigest,
    InvalidPart,
    InvalidPartOrder,
    InvalidRange,
    InvalidRequest,
    MalformedXML,
    NoSuchBucket,
    NoSuchKey,
    NoSuchUpload,
    PreconditionFailed,
)
from triggerfish.services.s3.models import ObjectChange, RequestInfo, StoredObject, Versioning
from triggerfish.services.s3.multipart import COMPLETION_KEPT, MultipartUploads
from triggerfish.services.s3.multipart_parts import PartChecks, Upload, decode_upload, encode_upload
from triggerfish.services.s3.service import S3Service
from triggerfish.store.factory import open_store

BUCKET = "bkt"
MIN = 1024  # a small minimum part size keeps most tests fast; one test uses S3's own
REQUEST = RequestInfo("req-1")


class Recorder:
    def __init__(self) -> None:
        self.changes: list[ObjectChange] = []

    async def notify(self, change: ObjectChange) -> None:
        self.changes.append(change)


@dataclass
class World:
    service: S3Service
    uploads: MultipartUploads
    clock: VirtualClock
    events: Recorder
    blob_dir: Path

    async def read(self, key: str, bucket: str = BUCKET) -> bytes:
        obj = await self.service.index.current(bucket, key)
        assert obj is not None and obj.blob is not None
        return b"".join([chunk async for chunk in self.service.blobs.read(obj.blob)])

    def blob_count(self) -> int:
        return len(list(self.blob_dir.iterdir()))


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    store = open_store(None)
    await store.open()
    clock = VirtualClock()
    events = Recorder()
    service = S3Service(store.documents, clock, BlobStore(tmp_path), events)
    await service.start()
    await service.buckets.create(BUCKET, scope=Location(), region="us-east-1")
    yield World(service, MultipartUploads(service, min_part_size=MIN), clock, events, tmp_path / "blobs")
    await service.close()
    await store.close()


def md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def crc32_b64(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def expected_etag(*parts: bytes) -> str:
    joined = b"".join(hashlib.md5(p, usedforsecurity=False).digest() for p in parts)
    return f"{hashlib.md5(joined, usedforsecurity=False).hexdigest()}-{len(parts)}"


async def put_object(world: World, key: str, data: bytes) -> StoredObject:
    blob = await world.service.blobs.write(data)
    bucket = world.service.buckets.get(BUCKET)
    obj = StoredObject(BUCKET, key, "", blob.id, blob.size, blob.md5, 0, 0)
    return await world.service.commit(bucket, obj, "ObjectCreated:Put", REQUEST)


async def test_parts_complete_into_one_object_with_the_multipart_etag(world: World) -> None:
    one, two, three = b"a" * MIN, b"b" * (MIN + 7), b"tail"
    upload = await world.uploads.create(BUCKET, "dir/big.bin", metadata={"k": "v"}, tags={"t": "1"})
    for number, data in ((1, one), (2, two), (3, three)):
        part = await world.uploads.upload_part(BUCKET, "dir/big.bin", upload.upload_id, number, data)
        assert part.md5 == md5(data)
    requested = [RequestedPart(n, f'"{md5(d)}"') for n, d in ((1, one), (2, two), (3, three))]
    done = await world.uploads.complete(BUCKET, "dir/big.bin", upload.upload_id, requested, REQUEST)

    assert done.etag == expected_etag(one, two, three)
    assert await world.read("dir/big.bin") == one + two + three
    stored = await world.service.index.current(BUCKET, "dir/big.bin")
    assert stored is not None
    assert stored.part_sizes == (len(one), len(two), len(three))
    assert stored.size == len(one + two + three)
    assert stored.metadata == {"k": "v"} and stored.tags == {"t": "1"}
    assert [c.event for c in world.events.changes] == ["ObjectCreated:CompleteMultipartUpload"]
    assert world.blob_count() == 1  # the part blobs are gone, the object's remains
    with pytest.raises(NoSuchUpload):
        await world.uploads.list_parts(BUCKET, "dir/big.bin", upload.upload_id)


async def test_parts_are_concatenated_by_number_not_upload_order(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k")
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 5, b"last")
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 2, b"x" * MIN)
    requested = [RequestedPart(2, md5(b"x" * MIN)), RequestedPart(5, md5(b"last"))]
    await world.uploads.complete(BUCKET, "k", upload.upload_id, requested, REQUEST)
    assert await world.read("k") == b"x" * MIN + b"last"


async def test_unlisted_parts_are_discarded_on_completion(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k")
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 1, b"keep")
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 2, b"drop")
    await world.uploads.complete(BUCKET, "k", upload.upload_id, [RequestedPart(1, md5(b"keep"))], REQUEST)
    assert await world.read("k") == b"keep"
    assert world.blob_count() == 1


async def test_a_reuploaded_part_replaces_the_old_one(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k")
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 1, b"first")
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 1, b"second")
    page = await world.uploads.list_parts(BUCKET, "k", upload.upload_id)
    assert [(p.number, p.md5, p.size) for p in page.parts] == [(1, md5(b"second"), 6)]
    assert world.blob_count() == 1
    with pytest.raises(InvalidPart):
        await world.uploads.complete(BUCKET, "k", upload.upload_id, [RequestedPart(1, md5(b"first"))], REQUEST)


async def test_parts_uploaded_concurrently_are_all_kept(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k")
    datas = {n: bytes([n]) * 100 for n in range(1, 21)}
    await asyncio.gather(*(world.uploads.upload_part(BUCKET, "k", upload.upload_id, n, d) for n, d in datas.items()))
    page = await world.uploads.list_parts(BUCKET, "k", upload.upload_id)
    assert [p.number for p in page.parts] == list(range(1, 21))


@pytest.mark.parametrize("number", [0, 10001, -1])
async def test_part_numbers_must_be_between_1_and_10000(world: World, number: int) -> None:
    upload = await world.uploads.create(BUCKET, "k")
    with pytest.raises(InvalidArgument) as raised:
        await world.uploads.upload_part(BUCKET, "k", upload.upload_id, number, b"x")
    assert raised.value.message == "Part number must be an integer between 1 and 10000, inclusive"
    assert raised.value.fields == {"ArgumentName": "partNumber", "ArgumentValue": str(number)}


async def test_unknown_uploads_buckets_and_keys(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k")
    with pytest.raises(NoSuchUpload) as raised:
        await world.uploads.upload_part(BUCKET, "k", "nope", 1, b"x")
    assert raised.value.fields == {"UploadId": "nope"}
    assert "may have been aborted or completed" in raised.value.message
    with pytest.raises(NoSuchUpload):
        await world.uploads.upload_part(BUCKET, "other-key", upload.upload_id, 1, b"x")
    with pytest.raises(NoSuchBucket):
        await world.uploads.create("missing", "k")
    assert world.blob_count() == 0


async def test_complete_checks_the_parts_list(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k")
    big, small = b"x" * MIN, b"y" * 10
    for n, data in ((1, big), (2, small), (3, big)):
        await world.uploads.upload_part(BUCKET, "k", upload.upload_id, n, data)
    uid = upload.upload_id

    with pytest.raises(MalformedXML):
        await world.uploads.complete(BUCKET, "k", uid, [], REQUEST)
    with pytest.raises(InvalidPartOrder):
        await world.uploads.complete(
            BUCKET, "k", uid, [RequestedPart(3, md5(big)), RequestedPart(1, md5(big))], REQUEST
        )
    with pytest.raises(InvalidPartOrder):
        await world.uploads.complete(
            BUCKET, "k", uid, [RequestedPart(1, md5(big)), RequestedPart(1, md5(big))], REQUEST
        )
    with pytest.raises(InvalidPart) as raised:
        await world.uploads.complete(BUCKET, "k", uid, [RequestedPart(1, md5(small))], REQUEST)
    assert raised.value.fields["PartNumber"] == 1
    with pytest.raises(InvalidPart):
        await world.uploads.complete(BUCKET, "k", uid, [RequestedPart(4, md5(big))], REQUEST)
    with pytest.raises(EntityTooSmall) as too_small:
        requested = [RequestedPart(1, md5(big)), RequestedPart(2, md5(small)), RequestedPart(3, md5(big))]
        await world.uploads.complete(BUCKET, "k", uid, requested, REQUEST)
    assert too_small.value.fields["ProposedSize"] == 10
    assert too_small.value.fields["MinSizeAllowed"] == MIN
    assert too_small.value.fields["PartNumber"] == 2
    # nothing was created, the upload is still there
    assert await world.service.index.current(BUCKET, "k") is None
    assert len((await world.uploads.list_parts(BUCKET, "k", uid)).parts) == 3


async def test_s3_minimum_part_size_is_5_mib(world: World) -> None:
    uploads = MultipartUploads(world.service)
    upload = await uploads.create(BUCKET, "k")
    just_under = b"u" * (5 * 1024 * 1024 - 1)
    exactly = b"e" * (5 * 1024 * 1024)
    await uploads.upload_part(BUCKET, "k", upload.upload_id, 1, just_under)
    await uploads.upload_part(BUCKET, "k", upload.upload_id, 2, exactly)
    await uploads.upload_part(BUCKET, "k", upload.upload_id, 3, b"end")
    with pytest.raises(EntityTooSmall):
        parts = [RequestedPart(1, md5(just_under)), RequestedPart(3, md5(b"end"))]
        await uploads.complete(BUCKET, "k", upload.upload_id, parts, REQUEST)
    parts = [RequestedPart(2, md5(exactly)), RequestedPart(3, md5(b"end"))]
    done = await uploads.complete(BUCKET, "k", upload.upload_id, parts, REQUEST)
    assert done.etag == expected_etag(exactly, b"end")


async def test_a_retried_completion_answers_the_first_result_for_a_while(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k")
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 1, b"only")
    parts = [RequestedPart(1, md5(b"only"))]
    first = await world.uploads.complete(BUCKET, "k", upload.upload_id, parts, REQUEST)
    again = await world.uploads.complete(BUCKET, "k", upload.upload_id, parts, REQUEST)
    assert again == first
    assert len(world.events.changes) == 1  # no second object
    with pytest.raises(NoSuchUpload):
        await world.uploads.complete(BUCKET, "k", upload.upload_id, [RequestedPart(1, md5(b"other"))], REQUEST)
    with pytest.raises(NoSuchUpload):
        await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 2, b"late")
    await world.clock.advance(COMPLETION_KEPT + 1)
    with pytest.raises(NoSuchUpload):
        await world.uploads.complete(BUCKET, "k", upload.upload_id, parts, REQUEST)


async def test_abort_removes_the_upload_and_its_parts(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k")
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 1, b"one")
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 2, b"two")
    await world.uploads.abort(BUCKET, "k", upload.upload_id)
    assert world.blob_count() == 0
    with pytest.raises(NoSuchUpload):
        await world.uploads.abort(BUCKET, "k", upload.upload_id)
    with pytest.raises(NoSuchUpload):
        await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 3, b"late")
    assert world.blob_count() == 0
    assert (await world.uploads.list_uploads(BUCKET)).uploads == []


async def test_abort_if_initiated_at_another_time_fails(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k")
    with pytest.raises(PreconditionFailed):
        await world.uploads.abort(BUCKET, "k", upload.upload_id, if_initiated=upload.initiated - 10)
    await world.uploads.abort(BUCKET, "k", upload.upload_id, if_initiated=upload.initiated)


async def test_composite_crc32_checksum(world: World) -> None:
    one, two = b"1" * MIN, b"22"
    upload = await world.uploads.create(BUCKET, "k", checksum_algorithm="crc32")
    assert (upload.checksum_algorithm, upload.checksum_type) == ("CRC32", "COMPOSITE")
    p1 = await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 1, one, PartChecks(sdk_algorithm="CRC32"))
    p2 = await world.uploads.upload_part(
        BUCKET, "k", upload.upload_id, 2, two, PartChecks(checksums={"CRC32": crc32_b64(two)})
    )
    assert p1.checksums["CRC32"] == crc32_b64(one)
    requested = [
        RequestedPart(1, md5(one), {"CRC32": crc32_b64(one)}),
        RequestedPart(2, md5(two), {"CRC32": crc32_b64(two)}),
    ]
    done = await world.uploads.complete(BUCKET, "k", upload.upload_id, requested, REQUEST)
    joined = zlib.crc32(base64.b64decode(crc32_b64(one)) + base64.b64decode(p2.checksums["CRC32"]))
    assert done.checksums == {"CRC32": base64.b64encode(joined.to_bytes(4, "big")).decode() + "-2"}
    assert done.checksum_type == "COMPOSITE"
    stored = await world.service.index.current(BUCKET, "k")
    assert stored is not None and stored.checksums == done.checksums and stored.checksum_type == "COMPOSITE"


async def test_composite_sha256_checksum(world: World) -> None:
    datas = [b"s" * MIN, b"h" * MIN, b"a"]
    upload = await world.uploads.create(BUCKET, "k", checksum_algorithm="SHA256")
    requested = []
    for n, data in enumerate(datas, start=1):
        value = base64.b64encode(hashlib.sha256(data).digest()).decode()
        await world.uploads.upload_part(BUCKET, "k", upload.upload_id, n, data, PartChecks(checksums={"SHA256": value}))
        requested.append(RequestedPart(n, md5(data), {"SHA256": value}))
    done = await world.uploads.complete(BUCKET, "k", upload.upload_id, requested, REQUEST)
    outer = hashlib.sha256(b"".join(hashlib.sha256(d).digest() for d in datas)).digest()
    assert done.checksums == {"SHA256": base64.b64encode(outer).decode() + "-3"}


async def test_composite_needs_every_part_checksum_on_completion(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k", checksum_algorithm="CRC32")
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 1, b"x", PartChecks(sdk_algorithm="CRC32"))
    with pytest.raises(InvalidRequest) as raised:
        await world.uploads.complete(BUCKET, "k", upload.upload_id, [RequestedPart(1, md5(b"x"))], REQUEST)
    assert raised.value.message == (
        "The upload was created using a crc32 checksum. The complete request must include the checksum for "
        "each part. It was missing for part 1 in the request."
    )
    with pytest.raises(InvalidPart):
        wrong = RequestedPart(1, md5(b"x"), {"CRC32": crc32_b64(b"y")})
        await world.uploads.complete(BUCKET, "k", upload.upload_id, [wrong], REQUEST)


async def test_full_object_crc_is_the_crc_of_the_whole_content(world: World) -> None:
    one, two = b"f" * MIN, b"ull"
    upload = await world.uploads.create(BUCKET, "k", checksum_algorithm="CRC32", checksum_type="FULL_OBJECT")
    await world.uploads.upload_part(
        BUCKET, "k", upload.upload_id, 1, one
    )  # a full-object upload needs no part checksum
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 2, two, PartChecks(sdk_algorithm="CRC32"))
    requested = [RequestedPart(1, md5(one)), RequestedPart(2, md5(two))]
    done = await world.uploads.complete(
        BUCKET, "k", upload.upload_id, requested, REQUEST, checksums={"CRC32": crc32_b64(one + two)}
    )
    assert done.checksums == {"CRC32": crc32_b64(one + two)}
    assert done.checksum_type == "FULL_OBJECT"


async def test_full_object_checksum_given_on_completion_must_match(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k", checksum_algorithm="CRC64NVME")
    assert upload.checksum_type == "FULL_OBJECT"
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 1, b"123456789")
    with pytest.raises(BadDigest):
        await world.uploads.complete(
            BUCKET,
            "k",
            upload.upload_id,
            [RequestedPart(1, md5(b"123456789"))],
            REQUEST,
            checksums={"CRC64NVME": "AAAAAAAAAAA="},
        )
    done = await world.uploads.complete(BUCKET, "k", upload.upload_id, [RequestedPart(1, md5(b"123456789"))], REQUEST)
    hasher = new_hasher("CRC64NVME")
    hasher.update(b"123456789")
    assert done.checksums == {"CRC64NVME": hasher.b64()}
    assert base64.b64decode(done.checksums["CRC64NVME"]).hex() == "ae8b14860a799888"


def test_checksum_modes() -> None:
    assert checksum_mode(None, None) == (None, None)
    assert checksum_mode("sha1", None) == ("SHA1", "COMPOSITE")
    assert checksum_mode("CRC32C", "FULL_OBJECT") == ("CRC32C", "FULL_OBJECT")
    with pytest.raises(InvalidRequest, match="FULL_OBJECT checksum type cannot be used with the sha256"):
        checksum_mode("SHA256", "FULL_OBJECT")
    with pytest.raises(InvalidRequest, match="COMPOSITE checksum type cannot be used with the crc64nvme"):
        checksum_mode("CRC64NVME", "COMPOSITE")
    with pytest.raises(InvalidRequest):
        checksum_mode(None, "COMPOSITE")
    with pytest.raises(InvalidRequest):
        checksum_mode("MD4", None)


async def test_part_integrity_checks(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k")
    uid = upload.upload_id
    good_md5 = base64.b64encode(hashlib.md5(b"body", usedforsecurity=False).digest()).decode()
    await world.uploads.upload_part(BUCKET, "k", uid, 1, b"body", PartChecks(content_md5=good_md5))
    with pytest.raises(BadDigest) as raised:
        await world.uploads.upload_part(BUCKET, "k", uid, 2, b"other", PartChecks(content_md5=good_md5))
    assert raised.value.fields["ExpectedDigest"] == good_md5
    with pytest.raises(InvalidDigest):
        await world.uploads.upload_part(BUCKET, "k", uid, 2, b"other", PartChecks(content_md5="short"))
    with pytest.raises(BadDigest, match="The CRC32 you specified did not match"):
        await world.uploads.upload_part(BUCKET, "k", uid, 2, b"other", PartChecks(checksums={"CRC32": crc32_b64(b"x")}))
    with pytest.raises(InvalidRequest, match="x-amz-checksum-crc32 header is invalid"):
        await world.uploads.upload_part(BUCKET, "k", uid, 2, b"other", PartChecks(checksums={"CRC32": "!!"}))
    trailing = PartChecks(trailing=("CRC32",), trailers=lambda: {"x-amz-checksum-crc32": crc32_b64(b"nope")})
    with pytest.raises(BadDigest):
        await world.uploads.upload_part(BUCKET, "k", uid, 2, b"other", trailing)
    ok = PartChecks(trailing=("CRC32",), trailers=lambda: {"x-amz-checksum-crc32": crc32_b64(b"other")})
    part = await world.uploads.upload_part(BUCKET, "k", uid, 2, b"other", ok)
    assert part.checksums == {"CRC32": crc32_b64(b"other")}
    assert world.blob_count() == 2  # refused bodies leave nothing behind
    page = await world.uploads.list_parts(BUCKET, "k", uid)
    assert [p.number for p in page.parts] == [1, 2]


async def test_a_part_checksum_of_another_algorithm_is_refused(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k", checksum_algorithm="SHA256")
    with pytest.raises(InvalidRequest, match="expected checksum Type: sha256, actual checksum Type: crc32"):
        await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 1, b"x", PartChecks(sdk_algorithm="CRC32"))
    with pytest.raises(InvalidRequest, match="actual checksum Type: null"):
        await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 1, b"x")


async def test_list_parts_pages(world: World) -> None:
    upload = await world.uploads.create(BUCKET, "k", storage_class="STANDARD_IA")
    for n in (1, 2, 3, 5, 8):
        await world.uploads.upload_part(BUCKET, "k", upload.upload_id, n, bytes([n]))
    first = await world.uploads.list_parts(BUCKET, "k", upload.upload_id, max_parts=2)
    assert [p.number for p in first.parts] == [1, 2]
    assert first.truncated and first.next_marker == 2
    second = await world.uploads.list_parts(BUCKET, "k", upload.upload_id, marker=2, max_parts=2)
    assert [p.number for p in second.parts] == [3, 5] and second.truncated
    last = await world.uploads.list_parts(BUCKET, "k", upload.upload_id, marker=5, max_parts=2)
    assert [p.number for p in last.parts] == [8] and not last.truncated
    assert last.upload.storage_class == "STANDARD_IA"


async def test_list_uploads_orders_by_key_then_start_and_pages(world: World) -> None:
    started: list[Upload] = []
    for key in ("b/2", "a", "b/1", "a", "c"):
        started.append(await world.uploads.create(BUCKET, key))
        await world.clock.advance(1)
    page = await world.uploads.list_uploads(BUCKET)
    assert [(u.key, u.upload_id) for u in page.uploads] == [
        ("a", started[1].upload_id),
        ("a", started[3].upload_id),
        ("b/1", started[2].upload_id),
        ("b/2", started[0].upload_id),
        ("c", started[4].upload_id),
    ]
    first = await world.uploads.list_uploads(BUCKET, max_uploads=1)
    assert first.truncated and first.next_key_marker == "a" and first.next_upload_id_marker == started[1].upload_id
    second = await world.uploads.list_uploads(
        BUCKET, key_marker="a", upload_id_marker=started[1].upload_id, max_uploads=2
    )
    assert [u.upload_id for u in second.uploads] == [started[3].upload_id, started[2].upload_id]
    after_key = await world.uploads.list_uploads(BUCKET, key_marker="a")
    assert [u.key for u in after_key.uploads] == ["b/1", "b/2", "c"]


async def test_list_uploads_prefix_and_delimiter(world: World) -> None:
    for key in ("photos/2024/a", "photos/2024/b", "photos/2025/c", "photos/top", "video/x"):
        await world.uploads.create(BUCKET, key)
    page = await world.uploads.list_uploads(BUCKET, prefix="photos/", delimiter="/")
    assert [u.key for u in page.uploads] == ["photos/top"]
    assert page.common_prefixes == ["photos/2024/", "photos/2025/"]
    first = await world.uploads.list_uploads(BUCKET, prefix="photos/", delimiter="/", max_uploads=1)
    assert first.common_prefixes == ["photos/2024/"] and first.truncated
    assert first.next_key_marker == "photos/2024/"
    rest = await world.uploads.list_uploads(BUCKET, prefix="photos/", delimiter="/", key_marker="photos/2024/")
    assert rest.common_prefixes == ["photos/2025/"] and [u.key for u in rest.uploads] == ["photos/top"]


async def test_conditional_completion(world: World) -> None:
    await put_object(world, "k", b"existing")
    upload = await world.uploads.create(BUCKET, "k")
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 1, b"new")
    parts = [RequestedPart(1, md5(b"new"))]
    with pytest.raises(PreconditionFailed) as raised:
        await world.uploads.complete(BUCKET, "k", upload.upload_id, parts, REQUEST, if_none_match="*")
    assert raised.value.fields == {"Condition": "If-None-Match"}
    with pytest.raises(PreconditionFailed):
        await world.uploads.complete(BUCKET, "k", upload.upload_id, parts, REQUEST, if_match='"0000"')
    await world.uploads.complete(BUCKET, "k", upload.upload_id, parts, REQUEST, if_match=f'"{md5(b"existing")}"')
    assert await world.read("k") == b"new"
    other = await world.uploads.create(BUCKET, "fresh")
    await world.uploads.upload_part(BUCKET, "fresh", other.upload_id, 1, b"new")
    with pytest.raises(NoSuchKey):
        await world.uploads.complete(BUCKET, "fresh", other.upload_id, parts, REQUEST, if_match='"abc"')
    await world.uploads.complete(BUCKET, "fresh", other.upload_id, parts, REQUEST, if_none_match="*")


async def test_copy_part_takes_a_range_of_an_object(world: World) -> None:
    await put_object(world, "src", b"0123456789")
    upload = await world.uploads.create(BUCKET, "dst", checksum_algorithm="CRC32")
    source = CopySource(BUCKET, "src")
    part, found = await world.uploads.copy_part(BUCKET, "dst", upload.upload_id, 1, source, range_header="bytes=2-5")
    assert found.key == "src"
    assert (part.size, part.md5, part.checksums) == (4, md5(b"2345"), {"CRC32": crc32_b64(b"2345")})
    whole, _ = await world.uploads.copy_part(BUCKET, "dst", upload.upload_id, 2, source)
    assert whole.size == 10
    requested = [
        RequestedPart(1, part.md5, {"CRC32": crc32_b64(b"2345")}),
        RequestedPart(2, whole.md5, {"CRC32": crc32_b64(b"0123456789")}),
    ]
    uploads = MultipartUploads(world.service, min_part_size=4)
    await uploads.complete(BUCKET, "dst", upload.upload_id, requested, REQUEST)
    assert await world.read("dst") == b"23450123456789"
    assert await world.read("src") == b"0123456789"


@pytest.mark.parametrize("header", ["0-4", "bytes=0-", "bytes=-3", "bytes=0-1,3-4", "bytes=a-b", ""])
async def test_copy_ranges_must_be_one_closed_range(world: World, header: str) -> None:
    await put_object(world, "src", b"0123456789")
    upload = await world.uploads.create(BUCKET, "dst")
    with pytest.raises(InvalidArgument) as raised:
        await world.uploads.copy_part(
            BUCKET, "dst", upload.upload_id, 1, CopySource(BUCKET, "src"), range_header=header
        )
    assert raised.value.fields == {"ArgumentName": "x-amz-copy-source-range", "ArgumentValue": header}


@pytest.mark.parametrize("header", ["bytes=5-10", "bytes=6-2"])
async def test_copy_ranges_must_lie_within_the_source(world: World, header: str) -> None:
    await put_object(world, "src", b"0123456789")
    upload = await world.uploads.create(BUCKET, "dst")
    with pytest.raises(InvalidRange) as raised:
        await world.uploads.copy_part(
            BUCKET, "dst", upload.upload_id, 1, CopySource(BUCKET, "src"), range_header=header
        )
    assert raised.value.fields == {"RangeRequested": header, "ActualObjectSize": 10}


async def test_copy_source_must_exist_and_meet_its_conditions(world: World) -> None:
    await put_object(world, "src", b"data")
    upload = await world.uploads.create(BUCKET, "dst")
    with pytest.raises(NoSuchKey):
        await world.uploads.copy_part(BUCKET, "dst", upload.upload_id, 1, CopySource(BUCKET, "missing"))
    with pytest.raises(NoSuchBucket):
        await world.uploads.copy_part(BUCKET, "dst", upload.upload_id, 1, CopySource("nobucket", "src"))
    with pytest.raises(PreconditionFailed) as raised:
        await world.uploads.copy_part(
            BUCKET, "dst", upload.upload_id, 1, CopySource(BUCKET, "src"), conditions=Conditions(if_match='"nope"')
        )
    assert raised.value.fields == {"Condition": "x-amz-copy-source-If-Match"}
    assert world.blob_count() == 1


async def test_versioned_bucket_gives_the_object_a_version(world: World) -> None:
    await world.service.set_versioning(BUCKET, Versioning.ENABLED)
    upload = await world.uploads.create(BUCKET, "k")
    await world.uploads.upload_part(BUCKET, "k", upload.upload_id, 1, b"v")
    done = await world.uploads.complete(BUCKET, "k", upload.upload_id, [RequestedPart(1, md5(b"v"))], REQUEST)
    assert done.version_id != "null"
    stored = await world.service.index.current(BUCKET, "k")
    assert stored is not None and stored.version_id == done.version_id


async def test_an_upload_survives_as_a_document(world: World) -> None:
    upload = await world.uploads.create(
        BUCKET, "odd/../key\u00e9", metadata={"m": "1"}, checksum_algorithm="CRC32C", checksum_type="FULL_OBJECT"
    )
    part = await world.uploads.upload_part(BUCKET, "odd/../key\u00e9", upload.upload_id, 3, b"p", PartChecks())
    again = MultipartUploads(world.service)
    found = await again.get(BUCKET, "odd/../key\u00e9", upload.upload_id)
    assert found.parts == {3: part}
    assert decode_upload(encode_upload(found)) == found
    assert len(upload.upload_id) >= 64
