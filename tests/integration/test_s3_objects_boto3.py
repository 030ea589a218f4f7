"""Buckets and objects with boto3 over real HTTP: CRUD and errors, metadata, ranges, conditional
requests, versioning, tagging, copies, batch deletes, a large streamed upload with its default
checksum, presigned URLs and keys that look like paths."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from endpoint_thread import EndpointThread, Stop

from triggerfish.aws.providers.base import Provider
from triggerfish.aws.providers.s3 import S3Provider
from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.services.s3.blobs import BlobStore
from triggerfish.services.s3.notifications import Notifier
from triggerfish.services.s3.service import S3Service
from triggerfish.store.factory import open_store


class S3Endpoint(EndpointThread):
    def __init__(self, root: Path) -> None:
        self.root = root
        self.clock = VirtualClock(time.time())
        super().__init__(self._build)

    async def _build(self) -> tuple[dict[str, Provider], Stop]:
        store = open_store(None)
        await store.open()
        self.service = S3Service(store.documents, self.clock, BlobStore(self.root))
        await self.service.start()

        async def stop() -> None:
            await self.service.close()
            await store.close()

        return {"s3": S3Provider(self.service, Notifier(DeliveryRegistry()))}, stop


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Endpoint]:
    thread = S3Endpoint(tmp_path_factory.mktemp("s3-objects"))
    yield thread
    thread.close()


@pytest.fixture(scope="module")
def s3(endpoint: S3Endpoint) -> Any:
    return endpoint.client("s3")


@pytest.fixture
def bucket(s3: Any, request: pytest.FixtureRequest) -> str:
    name: str = "t-" + str(request.node.name).replace("_", "-")[:50].strip("-").lower()
    s3.create_bucket(Bucket=name)
    return name


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, int]:
    response = caught.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


# --- buckets ---------------------------------------------------------------------------------


def test_bucket_lifecycle(s3: Any) -> None:
    s3.create_bucket(Bucket="life-cycle")
    s3.create_bucket(Bucket="life-cycle")  # re-creating your own us-east-1 bucket succeeds
    assert s3.head_bucket(Bucket="life-cycle")["BucketRegion"] == "us-east-1"
    listed = s3.list_buckets()
    mine = [b for b in listed["Buckets"] if b["Name"] == "life-cycle"]
    assert mine and mine[0]["BucketRegion"] == "us-east-1" and isinstance(mine[0]["CreationDate"], datetime)
    assert len(listed["Owner"]["ID"]) == 64
    assert s3.get_bucket_location(Bucket="life-cycle")["LocationConstraint"] is None
    s3.put_object(Bucket="life-cycle", Key="k", Body=b"x")
    with pytest.raises(ClientError) as caught:
        s3.delete_bucket(Bucket="life-cycle")
    assert _error(caught) == ("BucketNotEmpty", 409)
    s3.delete_object(Bucket="life-cycle", Key="k")
    assert s3.delete_bucket(Bucket="life-cycle")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as caught:
        s3.head_bucket(Bucket="life-cycle")
    assert _error(caught) == ("404", 404)
    with pytest.raises(ClientError) as caught:
        s3.delete_bucket(Bucket="life-cycle")
    assert _error(caught) == ("NoSuchBucket", 404)
    assert caught.value.response["Error"]["BucketName"] == "life-cycle"


@pytest.mark.parametrize("name", ["ab", "Upper", "a..b", "192.168.5.4", "-dash", "x" * 64, "xn--abc"])
def test_invalid_bucket_names(s3: Any, name: str) -> None:
    with pytest.raises(ClientError) as caught:
        s3.create_bucket(Bucket=name)
    assert _error(caught) == ("InvalidBucketName", 400)


def test_other_regions_need_their_location_constraint(endpoint: S3Endpoint) -> None:
    eu = boto3.client(
        "s3",
        endpoint_url=endpoint.url,
        region_name="eu-west-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    with pytest.raises(ClientError) as caught:
        eu.create_bucket(Bucket="eu-bucket-unspecified")
    assert _error(caught) == ("IllegalLocationConstraintException", 400)
    eu.create_bucket(Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert eu.get_bucket_location(Bucket="eu-bucket")["LocationConstraint"] == "eu-west-1"
    with pytest.raises(ClientError) as caught:
        eu.create_bucket(Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert _error(caught) == ("BucketAlreadyOwnedByYou", 409)
    regional = eu.list_buckets(BucketRegion="eu-west-1")["Buckets"]
    assert [b["Name"] for b in regional] == ["eu-bucket"]


# --- objects ---------------------------------------------------------------------------------


def test_put_get_head_with_metadata(s3: Any, bucket: str) -> None:
    put = s3.put_object(
        Bucket=bucket,
        Key="docs/note.txt",
        Body=b"hello world",
        ContentType="text/plain",
        CacheControl="max-age=60",
        Metadata={"colour": "blue"},
        Tagging="a=1&b=two",
        ChecksumAlgorithm="SHA256",
    )
    assert put["ETag"] == f'"{hashlib.md5(b"hello world").hexdigest()}"'
    assert put["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(b"hello world").digest()).decode()
    got = s3.get_object(Bucket=bucket, Key="docs/note.txt", ChecksumMode="ENABLED")
    assert got["Body"].read() == b"hello world"
    assert got["ContentType"] == "text/plain"
    assert got["CacheControl"] == "max-age=60"
    assert got["Metadata"] == {"colour": "blue"}
    assert got["TagCount"] == 2
    assert got["ContentLength"] == 11
    assert got["ChecksumSHA256"] == put["ChecksumSHA256"]
    assert "VersionId" not in got
    head = s3.head_object(Bucket=bucket, Key="docs/note.txt")
    assert head["ETag"] == put["ETag"] and head["ContentLength"] == 11 and "ChecksumSHA256" not in head
    overridden = s3.get_object(Bucket=bucket, Key="docs/note.txt", ResponseContentType="application/x-test")
    assert overridden["ContentType"] == "application/x-test"


def test_missing_objects(s3: Any, bucket: str) -> None:
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="nope")
    assert _error(caught) == ("NoSuchKey", 404)
    assert caught.value.response["Error"]["Message"] == "The specified key does not exist."
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket=bucket, Key="nope")
    assert _error(caught) == ("404", 404)
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket="no-such-bucket-here", Key="nope")
    assert _error(caught) == ("NoSuchBucket", 404)
    assert s3.delete_object(Bucket=bucket, Key="nope")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_content_md5_and_checksum_mismatches(s3: Any, bucket: str) -> None:
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data", ContentMD5=wrong)
    assert _error(caught) == ("BadDigest", 400)
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data", ContentMD5="not-md5")
    assert _error(caught) == ("InvalidDigest", 400)
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data", ChecksumCRC32="AAAAAA==")
    assert _error(caught) == ("BadDigest", 400)
    assert "CRC32" in caught.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket=bucket, Key="k")
    assert _error(caught) == ("404", 404)
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket=bucket, Key="k", Body=b"data", Metadata={"big": "x" * 2100})
    assert _error(caught) == ("MetadataTooLarge", 400)


def test_ranges(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="digits", Body=b"0123456789")
    part = s3.get_object(Bucket=bucket, Key="digits", Range="bytes=2-5")
    assert part["Body"].read() == b"2345"
    assert part["ContentRange"] == "bytes 2-5/10"
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert s3.get_object(Bucket=bucket, Key="digits", Range="bytes=-3")["Body"].read() == b"789"
    assert s3.get_object(Bucket=bucket, Key="digits", Range="bytes=7-")["Body"].read() == b"789"
    assert s3.get_object(Bucket=bucket, Key="digits", Range="bytes=8-100")["Body"].read() == b"89"
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="digits", Range="bytes=10-")
    assert _error(caught) == ("InvalidRange", 416)
    assert caught.value.response["Error"]["ActualObjectSize"] == "10"
    assert s3.get_object(Bucket=bucket, Key="digits", PartNumber=1)["ContentLength"] == 10


def test_conditional_reads_and_writes(s3: Any, bucket: str) -> None:
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"v1")["ETag"]
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag)["Body"].read() == b"v1"
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="c", IfMatch='"0000"')
    assert _error(caught) == ("PreconditionFailed", 412)
    assert caught.value.response["Error"]["Condition"] == "If-Match"
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="c", IfNoneMatch=etag)
    assert _error(caught)[1] == 304
    future = datetime.now(UTC) + timedelta(days=1)
    with pytest.raises(ClientError) as caught:
        s3.head_object(Bucket=bucket, Key="c", IfModifiedSince=future)
    assert _error(caught)[1] == 304
    past = datetime.now(UTC) - timedelta(days=1)
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="c", IfUnmodifiedSince=past)
    assert _error(caught) == ("PreconditionFailed", 412)
    # If-Match wins over a failing If-Unmodified-Since
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag, IfUnmodifiedSince=past)["ETag"] == etag
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket=bucket, Key="c", Body=b"v2", IfNoneMatch="*")
    assert _error(caught) == ("PreconditionFailed", 412)
    s3.put_object(Bucket=bucket, Key="fresh", Body=b"new", IfNoneMatch="*")
    with pytest.raises(ClientError) as caught:
        s3.put_object(Bucket=bucket, Key="c", Body=b"v2", IfMatch='"0000"')
    assert _error(caught) == ("PreconditionFailed", 412)
    s3.put_object(Bucket=bucket, Key="c", Body=b"v2", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="c")["Body"].read() == b"v2"


def test_versioning(s3: Any, bucket: str) -> None:
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="v", Body=b"before")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    first = s3.put_object(Bucket=bucket, Key="v", Body=b"one")["VersionId"]
    second = s3.put_object(Bucket=bucket, Key="v", Body=b"two")["VersionId"]
    assert first != second and "null" not in (first, second)
    assert s3.get_object(Bucket=bucket, Key="v", VersionId=first)["Body"].read() == b"one"
    assert s3.get_object(Bucket=bucket, Key="v", VersionId="null")["Body"].read() == b"before"
    deleted = s3.delete_object(Bucket=bucket, Key="v")
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="v")
    assert _error(caught) == ("NoSuchKey", 404)
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="v", VersionId=marker)
    assert _error(caught) == ("MethodNotAllowed", 405)
    with pytest.raises(ClientError) as caught:
        s3.get_object(Bucket=bucket, Key="v", VersionId="no-such-version")
    assert _error(caught) == ("NoSuchVersion", 404)
    removed = s3.delete_object(Bucket=bucket, Key="v", VersionId=marker)
    assert removed["DeleteMarker"] is True and removed["VersionId"] == marker
    assert s3.get_object(Bucket=bucket, Key="v")["Body"].read() == b"two"
    s3.delete_object(Bucket=bucket, Key="v", VersionId=second)
    assert s3.get_object(Bucket=bucket, Key="v")["VersionId"] == first
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.put_object(Bucket=bucket, Key="v", Body=b"null again")["VersionId"] == "null"
    suspended = s3.delete_object(Bucket=bucket, Key="v")
    assert suspended["DeleteMarker"] is True and suspended["VersionId"] == "null"
    assert s3.get_object(Bucket=bucket, Key="v", VersionId=first)["Body"].read() == b"one"
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Sometimes"})
    assert _error(caught) == ("MalformedXML", 400)


def test_tagging(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="k=v")
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [{"Key": "k", "Value": "v"}]
    s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [{"Key": "a", "Value": "b"}]
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
    with pytest.raises(ClientError) as caught:
        s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": too_many})
    assert _error(caught) == ("InvalidTag", 400)
    with pytest.raises(ClientError) as caught:
        s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "k" * 129, "Value": "v"}]})
    assert _error(caught) == ("InvalidTag", 400)
    assert s3.delete_object_tagging(Bucket=bucket, Key="t")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == []


def test_copy(s3: Any, bucket: str) -> None:
    s3.put_object(Bucket=bucket, Key="src", Body=b"payload", Metadata={"m": "1"}, ContentType="text/x-src")
    copied = s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert copied["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(b"payload").hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="dst")
    assert got["Body"].read() == b"payload" and got["Metadata"] == {"m": "1"} and got["ContentType"] == "text/x-src"
    s3.copy_object(
        Bucket=bucket,
        Key="dst",
        CopySource=f"{bucket}/src",
        MetadataDirective="REPLACE",
        Metadata={"m": "2"},
        ContentType="text/plain",
    )
    got = s3.head_object(Bucket=bucket, Key="dst")
    assert got["Metadata"] == {"m": "2"} and got["ContentType"] == "text/plain"
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key="src", CopySource={"Bucket": bucket, "Key": "src"})
    assert _error(caught) == ("InvalidRequest", 400)
    assert "copy an object to itself" in caught.value.response["Error"]["Message"]
    s3.copy_object(Bucket=bucket, Key="src", CopySource={"Bucket": bucket, "Key": "src"}, MetadataDirective="REPLACE")
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key="dst2", CopySource={"Bucket": bucket, "Key": "src"}, CopySourceIfMatch='"0"')
    assert _error(caught) == ("PreconditionFailed", 412)
    with pytest.raises(ClientError) as caught:
        s3.copy_object(Bucket=bucket, Key="dst2", CopySource={"Bucket": bucket, "Key": "missing"})
    assert _error(caught) == ("NoSuchKey", 404)


def test_delete_objects(s3: Any, bucket: str) -> None:
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    done = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "zz"}]})
    assert sorted(d["Key"] for d in done["Deleted"]) == ["a", "b", "zz"]
    assert "Errors" not in done
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "c"}], "Quiet": True})
    assert "Deleted" not in quiet
    failed = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "c", "VersionId": "bogus"}]})
    assert failed["Errors"][0]["Code"] == "InvalidArgument"
    with pytest.raises(ClientError) as caught:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": f"k{i}"} for i in range(1001)]})
    assert _error(caught) == ("MalformedXML", 400)


def test_large_upload_with_default_checksum(s3: Any, bucket: str) -> None:
    data = os.urandom(20 * 1_048_576)
    put = s3.put_object(Bucket=bucket, Key="large.bin", Body=io.BytesIO(data))
    assert put["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    expected_crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()
    got = s3.get_object(Bucket=bucket, Key="large.bin", ChecksumMode="ENABLED")
    assert put["ChecksumCRC32"] == expected_crc
    assert got["ChecksumCRC32"] == expected_crc
    received = hashlib.md5()
    size = 0
    for chunk in got["Body"].iter_chunks(1_048_576):
        received.update(chunk)
        size += len(chunk)
    assert size == len(data) and received.hexdigest() == hashlib.md5(data).hexdigest()


@pytest.mark.parametrize("signature", ["s3v4", "s3"])
def test_presigned_urls(tmp_path: Path, signature: str) -> None:
    endpoint = S3Endpoint(tmp_path)  # its own clock, moved past the expiry
    try:
        _presigned_round_trip(endpoint, signature)
    finally:
        endpoint.close()


def _presigned_round_trip(endpoint: S3Endpoint, signature: str) -> None:
    s3 = endpoint.client("s3", signature_version=signature)
    bucket = f"presigned-{signature}"
    s3.create_bucket(Bucket=bucket)
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "pre"}, ExpiresIn=60)
    assert ("X-Amz-Expires=60" in put_url) == (signature == "s3v4")
    upload = urllib.request.Request(put_url, data=b"presigned body", method="PUT")
    with urllib.request.urlopen(upload) as answer:
        assert answer.status == 200
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "pre"}, ExpiresIn=60)
    with urllib.request.urlopen(get_url) as answer:
        assert answer.read() == b"presigned body"
    endpoint.run(endpoint.clock.advance(61))
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(get_url)
    body = caught.value.read().decode()
    assert caught.value.code == 403
    assert "<Code>AccessDenied</Code>" in body and "<Message>Request has expired</Message>" in body
    assert "<ServerTime>" in body and "<Expires>" in body
    assert ("<X-Amz-Expires>60</X-Amz-Expires>" in body) == (signature == "s3v4")


@pytest.mark.parametrize("key", ["with space.txt", "ünïcødé/ключ.txt", "../../escape", "a+b&c=d?.txt", "/leading"])
def test_keys_that_look_like_paths(s3: Any, endpoint: S3Endpoint, key: str) -> None:
    name = "path-keys"
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key=key, Body=key.encode())
    assert s3.get_object(Bucket=name, Key=key)["Body"].read() == key.encode()
    copied = s3.copy_object(Bucket=name, Key=key + ".copy", CopySource={"Bucket": name, "Key": key})
    assert copied["CopyObjectResult"]["ETag"]
    assert s3.get_object(Bucket=name, Key=key + ".copy")["Body"].read() == key.encode()
    assert not (endpoint.root.parent / "escape").exists()
