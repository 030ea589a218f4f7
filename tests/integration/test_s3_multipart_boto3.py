"""Multipart uploads with boto3 over real HTTP: the transfer manager, the low-level calls, and errors.

Buckets and plain objects are made and read by a few test-local wire operations over the S3
service's own functions; what is under test is the multipart table as the S3 provider joins it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
from endpoint_thread import EndpointThread, Stop
from endpoint_thread import TableProvider as _Provider

from triggerfish.aws.providers.base import Call, Provider, Reply
from triggerfish.aws.providers.s3.multipart import MultipartOperations, Operation
from triggerfish.core.clock import SystemClock
from triggerfish.services.s3.blobs import BlobStore
from triggerfish.services.s3.models import RequestInfo
from triggerfish.services.s3.multipart import MultipartUploads
from triggerfish.services.s3.objects import PutInput, put_object, read_object
from triggerfish.services.s3.service import S3Service
from triggerfish.store.factory import open_store

BUCKET = "multipart-bucket"
MIB = 1024 * 1024


def _objects(service: S3Service) -> dict[str, Operation]:
    """Just enough of the object side to make buckets and sources, and to read results back."""

    async def create_bucket(call: Call) -> Reply:
        await service.buckets.create(call.params["Bucket"], scope=call.scope, region="us-east-1")
        return Reply({"Location": "/" + call.params["Bucket"]})

    async def put(call: Call) -> Reply:
        p = call.params
        put = PutInput(p["Bucket"], p["Key"], p.get("Body", b""), content_length=p.get("ContentLength"))
        stored = await put_object(service, put, RequestInfo(call.request_id))
        return Reply({"ETag": f'"{stored.etag}"'})

    async def get(call: Call) -> Reply:
        p = call.params
        found = await read_object(
            service, p["Bucket"], p["Key"], method=call.request.method, range_header=p.get("Range"),
            part_number=p.get("PartNumber"),
        )  # fmt: skip
        obj = found.obj
        assert obj.blob is not None
        start, end = (0, obj.size) if found.range is None else (found.range.start, found.range.end)
        result: dict[str, Any] = {
            "ContentLength": end - start,
            "ETag": f'"{obj.etag}"',
            "LastModified": obj.last_modified,
            "ContentType": obj.headers.content_type,
            "Metadata": dict(obj.metadata),
        }
        if obj.part_sizes and p.get("PartNumber") is not None:
            result["PartsCount"] = len(obj.part_sizes)
        if found.range is not None:
            result["ContentRange"] = found.range.content_range
        if call.operation == "GetObject":
            result["Body"] = service.blobs.read(obj.blob, start, end)
        return Reply(result, status=206 if found.range is not None else None)

    return {"CreateBucket": create_bucket, "PutObject": put, "GetObject": get, "HeadObject": get}


class S3Endpoint(EndpointThread):
    def __init__(self, root: Path) -> None:
        self.root = root
        super().__init__(self._build)

    async def _build(self) -> tuple[dict[str, Provider], Stop]:
        store = open_store(None)
        await store.open()
        self.service = S3Service(store.documents, SystemClock(), BlobStore(self.root))
        await self.service.start()
        table = {**_objects(self.service), **MultipartOperations(MultipartUploads(self.service)).table()}

        async def stop() -> None:
            await self.service.close()
            await store.close()

        return {"s3": _Provider(table)}, stop


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Endpoint]:
    thread = S3Endpoint(tmp_path_factory.mktemp("s3-multipart"))
    yield thread
    thread.close()


@pytest.fixture(scope="module")
def s3(endpoint: S3Endpoint) -> Any:
    client = endpoint.client("s3")
    client.create_bucket(Bucket=BUCKET)
    return client


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    error = caught.value.response["Error"]
    return error["Code"], error["Message"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _multipart_etag(*parts: bytes) -> str:
    joined = b"".join(hashlib.md5(p, usedforsecurity=False).digest() for p in parts)
    return f'"{hashlib.md5(joined, usedforsecurity=False).hexdigest()}-{len(parts)}"'


def _crc32(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def test_upload_file_and_download_file_of_50_mb(s3: Any, tmp_path: Path) -> None:
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(50 * MIB))
    config = TransferConfig(multipart_threshold=8 * MIB, multipart_chunksize=8 * MIB)
    s3.upload_file(str(source), BUCKET, "big.bin", Config=config, ExtraArgs={"Metadata": {"origin": "test"}})

    head = s3.head_object(Bucket=BUCKET, Key="big.bin")
    assert head["ContentLength"] == 50 * MIB
    assert head["ETag"].endswith('-7"')  # 6 parts of 8 MiB and one of 2 MiB
    assert head["Metadata"] == {"origin": "test"}
    target = tmp_path / "back.bin"
    s3.download_file(BUCKET, "big.bin", str(target), Config=config)
    assert hashlib.sha256(target.read_bytes()).digest() == hashlib.sha256(source.read_bytes()).digest()
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_low_level_calls_make_the_object(s3: Any) -> None:
    one, two = b"1" * (5 * MIB), b"two"
    created = s3.create_multipart_upload(Bucket=BUCKET, Key="low/level", ContentType="text/plain")
    uid = created["UploadId"]
    assert created["Key"] == "low/level" and len(uid) >= 64
    first = s3.upload_part(Bucket=BUCKET, Key="low/level", UploadId=uid, PartNumber=1, Body=one)
    second = s3.upload_part(Bucket=BUCKET, Key="low/level", UploadId=uid, PartNumber=2, Body=two)
    assert first["ETag"] == f'"{_md5(one)}"'
    parts = [{"PartNumber": 1, "ETag": first["ETag"]}, {"PartNumber": 2, "ETag": second["ETag"]}]
    done = s3.complete_multipart_upload(Bucket=BUCKET, Key="low/level", UploadId=uid, MultipartUpload={"Parts": parts})
    assert done["ETag"] == _multipart_etag(one, two)
    assert done["Key"] == "low/level" and done["Bucket"] == BUCKET and "VersionId" not in done
    got = s3.get_object(Bucket=BUCKET, Key="low/level")
    assert got["Body"].read() == one + two
    assert got["ContentType"] == "text/plain"
    part_two = s3.get_object(Bucket=BUCKET, Key="low/level", PartNumber=2)
    assert part_two["Body"].read() == two and part_two["PartsCount"] == 2
    # a retried completion answers the same result
    again = s3.complete_multipart_upload(Bucket=BUCKET, Key="low/level", UploadId=uid, MultipartUpload={"Parts": parts})
    assert again["ETag"] == done["ETag"]


def test_composite_crc32_checksum(s3: Any) -> None:
    one, two = b"a" * (5 * MIB), b"bc"
    uid = s3.create_multipart_upload(Bucket=BUCKET, Key="crc", ChecksumAlgorithm="CRC32")["UploadId"]
    p1 = s3.upload_part(Bucket=BUCKET, Key="crc", UploadId=uid, PartNumber=1, Body=one, ChecksumAlgorithm="CRC32")
    p2 = s3.upload_part(Bucket=BUCKET, Key="crc", UploadId=uid, PartNumber=2, Body=two, ChecksumAlgorithm="CRC32")
    assert p1["ChecksumCRC32"] == _crc32(one)
    parts = [
        {"PartNumber": 1, "ETag": p1["ETag"], "ChecksumCRC32": p1["ChecksumCRC32"]},
        {"PartNumber": 2, "ETag": p2["ETag"], "ChecksumCRC32": p2["ChecksumCRC32"]},
    ]
    done = s3.complete_multipart_upload(Bucket=BUCKET, Key="crc", UploadId=uid, MultipartUpload={"Parts": parts})
    inner = base64.b64decode(_crc32(one)) + base64.b64decode(_crc32(two))
    assert done["ChecksumCRC32"] == _crc32(inner) + "-2"
    assert done["ChecksumType"] == "COMPOSITE"


def test_upload_part_errors(s3: Any) -> None:
    uid = s3.create_multipart_upload(Bucket=BUCKET, Key="errors")["UploadId"]
    with pytest.raises(ClientError) as caught:
        s3.upload_part(Bucket=BUCKET, Key="errors", UploadId=uid, PartNumber=10001, Body=b"x")
    assert _error(caught) == ("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive", 400)
    assert caught.value.response["Error"]["ArgumentName"] == "partNumber"
    with pytest.raises(ClientError) as caught:
        s3.upload_part(Bucket=BUCKET, Key="errors", UploadId="not-an-upload", PartNumber=1, Body=b"x")
    code, message, status = _error(caught)
    assert (code, status) == ("NoSuchUpload", 404) and "may have been aborted or completed" in message
    assert caught.value.response["Error"]["UploadId"] == "not-an-upload"
    with pytest.raises(ClientError) as caught:
        s3.upload_part(Bucket=BUCKET, Key="errors", UploadId=uid, PartNumber=1, Body=b"x", ChecksumCRC32=_crc32(b"y"))
    assert _error(caught)[0] == "BadDigest"
    with pytest.raises(ClientError) as caught:
        s3.create_multipart_upload(Bucket="no-such-bucket-here", Key="k")
    assert _error(caught)[0] == "NoSuchBucket"


def test_complete_errors(s3: Any) -> None:
    key = "complete-errors"
    uid = s3.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    small = s3.upload_part(Bucket=BUCKET, Key=key, UploadId=uid, PartNumber=1, Body=b"small")["ETag"]
    last = s3.upload_part(Bucket=BUCKET, Key=key, UploadId=uid, PartNumber=2, Body=b"last")["ETag"]

    def complete(parts: list[dict[str, Any]], **extra: Any) -> tuple[str, str, int]:
        with pytest.raises(ClientError) as caught:
            s3.complete_multipart_upload(
                Bucket=BUCKET, Key=key, UploadId=uid, MultipartUpload={"Parts": parts}, **extra
            )
        return _error(caught)

    assert complete([])[0] == "MalformedXML"
    assert complete([{"PartNumber": 2, "ETag": last}, {"PartNumber": 1, "ETag": small}])[0] == "InvalidPartOrder"
    assert complete([{"PartNumber": 1, "ETag": last}])[0] == "InvalidPart"
    assert complete([{"PartNumber": 3, "ETag": last}])[0] == "InvalidPart"
    code, message, status = complete([{"PartNumber": 1, "ETag": small}, {"PartNumber": 2, "ETag": last}])
    assert (code, status) == ("EntityTooSmall", 400)
    assert message.startswith("Your proposed upload is smaller than the minimum allowed")
    s3.put_object(Bucket=BUCKET, Key=key, Body=b"already here")
    code, _, status = complete([{"PartNumber": 2, "ETag": last}], IfNoneMatch="*")
    assert (code, status) == ("PreconditionFailed", 412)
    with pytest.raises(ClientError) as caught:
        s3.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=uid)
    assert _error(caught)[0] == "MalformedXML"


def test_abort(s3: Any, endpoint: S3Endpoint) -> None:
    uid = s3.create_multipart_upload(Bucket=BUCKET, Key="aborted")["UploadId"]
    s3.upload_part(Bucket=BUCKET, Key="aborted", UploadId=uid, PartNumber=1, Body=b"gone")
    answer = s3.abort_multipart_upload(Bucket=BUCKET, Key="aborted", UploadId=uid)
    assert answer["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as caught:
        s3.abort_multipart_upload(Bucket=BUCKET, Key="aborted", UploadId=uid)
    assert _error(caught)[:1] == ("NoSuchUpload",) and _error(caught)[2] == 404
    with pytest.raises(ClientError) as caught:
        s3.list_parts(Bucket=BUCKET, Key="aborted", UploadId=uid)
    assert _error(caught)[0] == "NoSuchUpload"


def test_list_parts_with_pagination(s3: Any) -> None:
    uid = s3.create_multipart_upload(Bucket=BUCKET, Key="parts", ChecksumAlgorithm="SHA256")["UploadId"]
    for number in range(1, 6):
        s3.upload_part(
            Bucket=BUCKET, Key="parts", UploadId=uid, PartNumber=number, Body=bytes([number]) * number,
            ChecksumAlgorithm="SHA256",
        )  # fmt: skip
    page = s3.list_parts(Bucket=BUCKET, Key="parts", UploadId=uid, MaxParts=2)
    assert [p["PartNumber"] for p in page["Parts"]] == [1, 2]
    assert page["IsTruncated"] and page["NextPartNumberMarker"] == 2 and page["MaxParts"] == 2
    assert page["ChecksumAlgorithm"] == "SHA256" and page["StorageClass"] == "STANDARD"
    assert len(page["Owner"]["ID"]) == 64 and page["Initiator"]["ID"] == page["Owner"]["ID"]
    assert page["Parts"][1]["Size"] == 2 and page["Parts"][1]["ETag"] == f'"{_md5(bytes([2, 2]))}"'
    paginator = s3.get_paginator("list_parts")
    numbers = [
        part["PartNumber"]
        for page in paginator.paginate(Bucket=BUCKET, Key="parts", UploadId=uid, PaginationConfig={"PageSize": 2})
        for part in page.get("Parts", [])
    ]
    assert numbers == [1, 2, 3, 4, 5]
    s3.abort_multipart_upload(Bucket=BUCKET, Key="parts", UploadId=uid)


def test_list_uploads_with_prefix_delimiter_and_pagination(s3: Any) -> None:
    s3.create_bucket(Bucket="uploads-listing")
    started = [
        (key, s3.create_multipart_upload(Bucket="uploads-listing", Key=key)["UploadId"])
        for key in ("a/1", "a/2", "b", "c d", "c d")
    ]
    everything = s3.list_multipart_uploads(Bucket="uploads-listing")
    assert [(u["Key"], u["UploadId"]) for u in everything["Uploads"]] == started
    folders = s3.list_multipart_uploads(Bucket="uploads-listing", Delimiter="/")
    assert [p["Prefix"] for p in folders["CommonPrefixes"]] == ["a/"]
    assert [u["Key"] for u in folders["Uploads"]] == ["b", "c d", "c d"]
    paginator = s3.get_paginator("list_multipart_uploads")
    seen = [
        (u["Key"], u["UploadId"])
        for page in paginator.paginate(Bucket="uploads-listing", PaginationConfig={"PageSize": 2})
        for u in page.get("Uploads", [])
    ]
    assert seen == started
    prefixed = s3.list_multipart_uploads(Bucket="uploads-listing", Prefix="c")
    assert [u["Key"] for u in prefixed["Uploads"]] == ["c d", "c d"] and prefixed["Prefix"] == "c"
    encoded = s3.list_multipart_uploads(Bucket="uploads-listing", Prefix="c", EncodingType="url")
    assert [u["Key"] for u in encoded["Uploads"]] == ["c%20d", "c%20d"]  # asked for by the caller, left encoded


def test_upload_part_copy_from_an_existing_object(s3: Any) -> None:
    source = os.urandom(6 * MIB)
    s3.put_object(Bucket=BUCKET, Key="copy/source", Body=source)
    uid = s3.create_multipart_upload(Bucket=BUCKET, Key="copy/target")["UploadId"]
    first = s3.upload_part_copy(
        Bucket=BUCKET, Key="copy/target", UploadId=uid, PartNumber=1,
        CopySource={"Bucket": BUCKET, "Key": "copy/source"}, CopySourceRange=f"bytes=0-{5 * MIB - 1}",
    )  # fmt: skip
    second = s3.upload_part_copy(
        Bucket=BUCKET, Key="copy/target", UploadId=uid, PartNumber=2, CopySource=f"{BUCKET}/copy/source",
        CopySourceIfMatch=f'"{_md5(source)}"',
    )  # fmt: skip
    assert first["CopyPartResult"]["ETag"] == f'"{_md5(source[: 5 * MIB])}"'
    assert "LastModified" in first["CopyPartResult"]
    parts = [
        {"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]},
        {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]},
    ]
    s3.complete_multipart_upload(Bucket=BUCKET, Key="copy/target", UploadId=uid, MultipartUpload={"Parts": parts})
    assert s3.get_object(Bucket=BUCKET, Key="copy/target")["Body"].read() == source[: 5 * MIB] + source

    uid = s3.create_multipart_upload(Bucket=BUCKET, Key="copy/bad")["UploadId"]
    for bad, code in (
        ("0-10", "InvalidArgument"),
        ("bytes=0-", "InvalidArgument"),
        (f"bytes=0-{6 * MIB}", "InvalidRange"),
    ):
        with pytest.raises(ClientError) as caught:
            s3.upload_part_copy(
                Bucket=BUCKET, Key="copy/bad", UploadId=uid, PartNumber=1, CopySource=f"{BUCKET}/copy/source",
                CopySourceRange=bad,
            )  # fmt: skip
        assert _error(caught)[0] == code
    with pytest.raises(ClientError) as caught:
        s3.upload_part_copy(
            Bucket=BUCKET, Key="copy/bad", UploadId=uid, PartNumber=1, CopySource=f"{BUCKET}/copy/missing"
        )
    assert _error(caught)[0] == "NoSuchKey"
    with pytest.raises(ClientError) as caught:
        s3.upload_part_copy(
            Bucket=BUCKET, Key="copy/bad", UploadId=uid, PartNumber=1, CopySource=f"{BUCKET}/copy/source",
            CopySourceIfMatch='"0000"',
        )  # fmt: skip
    assert _error(caught)[:1] == ("PreconditionFailed",) and _error(caught)[2] == 412
