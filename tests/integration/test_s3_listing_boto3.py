"""S3 listings and bucket settings with boto3 over real HTTP.

Buckets and objects are made by the S3 service's own operations, behind a few test-local wire
operations (CreateBucket, PutObject, DeleteObject, PutBucketVersioning); what is under test is the
listing and settings tables, as the S3 provider joins them.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from endpoint_thread import EndpointThread, Stop
from endpoint_thread import TableProvider as _Provider

from triggerfish.aws.providers.base import Call, Provider, Reply
from triggerfish.aws.providers.s3.bucket_settings import BucketSettingsOperations
from triggerfish.aws.providers.s3.listing import ListingOperations, Operation
from triggerfish.core.clock import SystemClock
from triggerfish.services.s3.blobs import BlobStore
from triggerfish.services.s3.models import ContentHeaders, RequestInfo, StoredObject, Versioning
from triggerfish.services.s3.objects import PutInput, put_object
from triggerfish.services.s3.service import S3Service
from triggerfish.store.factory import open_store

BUCKET = "listing-bucket"


def _seeding(service: S3Service) -> dict[str, Operation]:
    """Just enough of the object side to make what the listings list."""

    async def create_bucket(call: Call) -> Reply:
        await service.buckets.create(call.params["Bucket"], scope=call.scope, region="us-east-1")
        return Reply({"Location": "/" + call.params["Bucket"]})

    async def put(call: Call) -> Reply:
        p = call.params
        put = PutInput(p["Bucket"], p["Key"], p.get("Body", b""), content_length=p.get("ContentLength"))
        stored = await put_object(service, put, RequestInfo(call.request_id))
        return Reply({"ETag": f'"{stored.etag}"', "VersionId": stored.version_id})

    async def delete(call: Call) -> Reply:
        p = call.params
        bucket = service.buckets.get(p["Bucket"])
        done = await service.delete_object(bucket, p["Key"], p.get("VersionId"), RequestInfo(call.request_id))
        return Reply({"DeleteMarker": done.delete_marker, "VersionId": done.version_id})

    async def versioning(call: Call) -> Reply:
        status = Versioning(call.params["VersioningConfiguration"]["Status"])
        await service.set_versioning(call.params["Bucket"], status)
        return Reply()

    return {"CreateBucket": create_bucket, "PutObject": put, "DeleteObject": delete, "PutBucketVersioning": versioning}


class S3Endpoint(EndpointThread):
    def __init__(self, root: Path) -> None:
        self.root = root
        super().__init__(self._build)

    async def _build(self) -> tuple[dict[str, Provider], Stop]:
        store = open_store(None)
        await store.open()
        self.service = S3Service(store.documents, SystemClock(), BlobStore(self.root))
        await self.service.start()
        table = {
            **_seeding(self.service),
            **ListingOperations(self.service).table(),
            **BucketSettingsOperations(self.service).table(),
        }

        async def stop() -> None:
            await self.service.close()
            await store.close()

        return {"s3": _Provider(table)}, stop

    def seed(self, bucket: str, keys: list[str]) -> None:
        """Many objects at once, straight through the service (their content does not matter here)."""

        async def commit_all() -> None:
            target = self.service.buckets.get(bucket)
            for key in keys:
                obj = StoredObject(
                    bucket=bucket, key=key, version_id="", blob=None, size=0,
                    etag="d41d8cd98f00b204e9800998ecf8427e", last_modified=0, sequence=0,
                    headers=ContentHeaders(),
                )  # fmt: skip
                await self.service.commit(target, obj, "ObjectCreated:Put", RequestInfo("seed"))

        self.run(commit_all(), timeout=120)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Endpoint]:
    thread = S3Endpoint(tmp_path_factory.mktemp("s3-listing"))
    yield thread
    thread.close()


@pytest.fixture(scope="module")
def s3(endpoint: S3Endpoint) -> Any:
    client = endpoint.client("s3")
    client.create_bucket(Bucket=BUCKET)
    for key in ("photos/2006/jan.jpg", "photos/2006/feb.jpg", "photos/2007/mar.jpg", "photos/index.html",
                "readme.txt", "docs/a b+c.txt", "docs/ünïcødé.txt", "docs/deep/x.txt"):  # fmt: skip
        client.put_object(Bucket=BUCKET, Key=key, Body=key.encode())
    return client


def _error(caught: pytest.ExceptionInfo[ClientError]) -> tuple[str, str, int]:
    error = caught.value.response["Error"]
    return error["Code"], error["Message"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


# --- listing ---------------------------------------------------------------------------------


def test_v2_lists_everything_with_object_details(s3: Any) -> None:
    listed = s3.list_objects_v2(Bucket=BUCKET)
    keys = [item["Key"] for item in listed["Contents"]]
    assert keys == sorted(keys, key=lambda key: key.encode()) and len(keys) == 8
    assert listed["KeyCount"] == 8 and listed["IsTruncated"] is False and listed["MaxKeys"] == 1000
    readme = next(item for item in listed["Contents"] if item["Key"] == "readme.txt")
    assert readme["Size"] == len(b"readme.txt")
    assert readme["ETag"].startswith('"') and readme["ETag"].endswith('"')
    assert readme["StorageClass"] == "STANDARD" and "Owner" not in readme
    owned = s3.list_objects_v2(Bucket=BUCKET, FetchOwner=True, MaxKeys=1)["Contents"][0]
    assert len(owned["Owner"]["ID"]) == 64


def test_v2_prefix_and_delimiter_make_folders(s3: Any) -> None:
    top = s3.list_objects_v2(Bucket=BUCKET, Delimiter="/")
    assert [item["Prefix"] for item in top["CommonPrefixes"]] == ["docs/", "photos/"]
    assert [item["Key"] for item in top["Contents"]] == ["readme.txt"]
    assert top["KeyCount"] == 3 and top["Delimiter"] == "/"
    photos = s3.list_objects_v2(Bucket=BUCKET, Prefix="photos/", Delimiter="/")
    assert [item["Prefix"] for item in photos["CommonPrefixes"]] == ["photos/2006/", "photos/2007/"]
    assert [item["Key"] for item in photos["Contents"]] == ["photos/index.html"]
    year = s3.list_objects_v2(Bucket=BUCKET, Prefix="photos/2006/", Delimiter="/")
    assert [item["Key"] for item in year["Contents"]] == ["photos/2006/feb.jpg", "photos/2006/jan.jpg"]
    assert "CommonPrefixes" not in year


def test_url_encoding_of_keys_with_spaces_and_unicode(s3: Any, endpoint: S3Endpoint) -> None:
    # boto3 asks for url encoding itself and decodes the answer
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix="docs/", Delimiter="/")
    assert [item["Key"] for item in listed["Contents"]] == ["docs/a b+c.txt", "docs/ünïcødé.txt"]
    # the raw answer carries the encoded names
    url = f"{endpoint.url}/{BUCKET}?list-type=2&prefix=docs/&encoding-type=url"
    with urllib.request.urlopen(url) as response:
        body = response.read().decode()
    assert "<Key>docs/a%20b%2Bc.txt</Key>" in body
    assert "<Key>docs/%C3%BCn%C3%AFc%C3%B8d%C3%A9.txt</Key>" in body
    assert "<EncodingType>url</EncodingType>" in body
    assert body.count("<ListBucketResult") == 1


def test_v2_start_after_and_continuation(s3: Any) -> None:
    after = s3.list_objects_v2(Bucket=BUCKET, StartAfter="photos/2007/mar.jpg")
    assert [item["Key"] for item in after["Contents"]] == ["photos/index.html", "readme.txt"]
    assert after["StartAfter"] == "photos/2007/mar.jpg"
    first = s3.list_objects_v2(Bucket=BUCKET, Delimiter="/", MaxKeys=2)
    assert first["IsTruncated"] and first["KeyCount"] == 2
    rest = s3.list_objects_v2(Bucket=BUCKET, Delimiter="/", ContinuationToken=first["NextContinuationToken"])
    assert rest["ContinuationToken"] == first["NextContinuationToken"]
    assert [item["Key"] for item in rest.get("Contents", [])] == ["readme.txt"] and not rest["IsTruncated"]


def test_max_keys_zero_and_bad_arguments(s3: Any) -> None:
    empty = s3.list_objects_v2(Bucket=BUCKET, MaxKeys=0)
    assert empty["KeyCount"] == 0 and empty["IsTruncated"] is False
    with pytest.raises(ClientError) as caught:
        s3.list_objects_v2(Bucket=BUCKET, ContinuationToken="bm90LW91cnM=")
    assert _error(caught) == ("InvalidArgument", "The continuation token provided is incorrect", 400)
    with pytest.raises(ClientError) as caught:
        s3.list_objects_v2(Bucket="no-such-bucket-here")
    assert _error(caught) == ("NoSuchBucket", "The specified bucket does not exist", 404)
    assert caught.value.response["Error"]["BucketName"] == "no-such-bucket-here"


def test_v1_markers(s3: Any) -> None:
    first = s3.list_objects(Bucket=BUCKET, MaxKeys=3)
    assert first["IsTruncated"] and "NextMarker" not in first
    assert first["Contents"][0]["Owner"]["ID"]
    nxt = s3.list_objects(Bucket=BUCKET, Marker=first["Contents"][-1]["Key"])
    assert len(nxt["Contents"]) == 5 and nxt["Marker"] == first["Contents"][-1]["Key"]
    folders = s3.list_objects(Bucket=BUCKET, Delimiter="/", MaxKeys=1)
    assert folders["NextMarker"] == "docs/"
    after = s3.list_objects(Bucket=BUCKET, Delimiter="/", Marker=folders["NextMarker"])
    assert [item["Prefix"] for item in after["CommonPrefixes"]] == ["photos/"]


def test_paginating_2500_keys(endpoint: S3Endpoint, s3: Any) -> None:
    client = endpoint.client("s3")
    client.create_bucket(Bucket="many-keys")
    keys = [f"k/{n:05d}" for n in range(2500)]
    endpoint.seed("many-keys", keys)
    seen: list[str] = []
    pages = 0
    token: dict[str, str] = {}
    while True:
        page = client.list_objects_v2(Bucket="many-keys", MaxKeys=1000, **token)
        pages += 1
        seen.extend(item["Key"] for item in page["Contents"])
        if not page["IsTruncated"]:
            break
        token = {"ContinuationToken": page["NextContinuationToken"]}
    assert pages == 3 and seen == keys
    paginated = [
        item["Key"]
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket="many-keys", PaginationConfig={"PageSize": 700}
        )
        for item in page["Contents"]
    ]
    assert paginated == keys
    v1 = [
        item["Key"]
        for page in client.get_paginator("list_objects").paginate(Bucket="many-keys")
        for item in page["Contents"]
    ]
    assert v1 == keys
    folder = client.list_objects_v2(Bucket="many-keys", Delimiter="/")
    assert folder["CommonPrefixes"] == [{"Prefix": "k/"}] and folder["KeyCount"] == 1


def test_nested_folders_through_the_paginator(endpoint: S3Endpoint) -> None:
    client = endpoint.client("s3")
    client.create_bucket(Bucket="nested")
    keys = [f"{a}/{b}/{c}.txt" for a in "abc" for b in range(3) for c in range(2)] + ["a/top.txt", "z.txt"]
    endpoint.seed("nested", keys)
    prefixes: list[str] = []
    contents: list[str] = []
    for page in client.get_paginator("list_objects_v2").paginate(
        Bucket="nested", Delimiter="/", Prefix="a/", PaginationConfig={"PageSize": 1}
    ):
        prefixes.extend(item["Prefix"] for item in page.get("CommonPrefixes", []))
        contents.extend(item["Key"] for item in page.get("Contents", []))
    assert prefixes == ["a/0/", "a/1/", "a/2/"] and contents == ["a/top.txt"]


def test_versions_after_versioned_puts_and_deletes(endpoint: S3Endpoint) -> None:
    client = endpoint.client("s3")
    client.create_bucket(Bucket="versioned")
    client.put_object(Bucket="versioned", Key="before", Body=b"0")  # becomes the "null" version
    client.put_bucket_versioning(Bucket="versioned", VersioningConfiguration={"Status": "Enabled"})
    v1 = client.put_object(Bucket="versioned", Key="doc", Body=b"1")["VersionId"]
    v2 = client.put_object(Bucket="versioned", Key="doc", Body=b"22")["VersionId"]
    marker = client.delete_object(Bucket="versioned", Key="doc")
    assert marker["DeleteMarker"] is True
    listed = client.list_object_versions(Bucket="versioned")
    versions = [(v["Key"], v["VersionId"], v["IsLatest"], v["Size"]) for v in listed["Versions"]]
    assert versions == [("before", "null", True, 1), ("doc", v2, False, 2), ("doc", v1, False, 1)]
    markers = [(m["Key"], m["VersionId"], m["IsLatest"]) for m in listed["DeleteMarkers"]]
    assert markers == [("doc", marker["VersionId"], True)]
    assert listed["Versions"][1]["ETag"].startswith('"') and listed["DeleteMarkers"][0]["Owner"]["ID"]
    # the deleted key is gone from ordinary listings
    assert [item["Key"] for item in client.list_objects_v2(Bucket="versioned")["Contents"]] == ["before"]
    # one entry per page through the paginator
    paged = [
        (v["Key"], v["VersionId"])
        for page in client.get_paginator("list_object_versions").paginate(
            Bucket="versioned", PaginationConfig={"PageSize": 1}
        )
        for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
    ]
    assert paged == [("before", "null"), ("doc", marker["VersionId"]), ("doc", v2), ("doc", v1)]
    with pytest.raises(ClientError) as caught:
        client.list_object_versions(Bucket="versioned", VersionIdMarker=v1)
    assert _error(caught)[:2] == ("InvalidArgument", "A version-id marker cannot be specified without a key marker.")


def test_versions_of_a_never_versioned_bucket_are_null(s3: Any) -> None:
    listed = s3.list_object_versions(Bucket=BUCKET, Prefix="photos/", Delimiter="/")
    assert [(v["Key"], v["VersionId"], v["IsLatest"]) for v in listed["Versions"]] == [
        ("photos/index.html", "null", True)
    ]
    assert [item["Prefix"] for item in listed["CommonPrefixes"]] == ["photos/2006/", "photos/2007/"]


# --- settings --------------------------------------------------------------------------------


def test_tagging(s3: Any) -> None:
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_tagging(Bucket=BUCKET)
    assert _error(caught) == ("NoSuchTagSet", "The TagSet does not exist", 404)
    s3.put_bucket_tagging(
        Bucket=BUCKET, Tagging={"TagSet": [{"Key": "env", "Value": "dev"}, {"Key": "x", "Value": ""}]}
    )
    assert s3.get_bucket_tagging(Bucket=BUCKET)["TagSet"] == [{"Key": "env", "Value": "dev"}, {"Key": "x", "Value": ""}]
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_tagging(
            Bucket=BUCKET, Tagging={"TagSet": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]}
        )
    assert _error(caught) == ("InvalidTag", "Cannot provide multiple Tags with the same key", 400)
    assert s3.delete_bucket_tagging(Bucket=BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError):
        s3.get_bucket_tagging(Bucket=BUCKET)


def test_cors(s3: Any) -> None:
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_cors(Bucket=BUCKET)
    assert _error(caught) == ("NoSuchCORSConfiguration", "The CORS configuration does not exist", 404)
    rules = [
        {"AllowedMethods": ["GET", "HEAD"], "AllowedOrigins": ["https://example.com"], "MaxAgeSeconds": 600},
        {"ID": "uploads", "AllowedHeaders": ["*"], "AllowedMethods": ["PUT"], "AllowedOrigins": ["*"],
         "ExposeHeaders": ["ETag"]},
    ]  # fmt: skip
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": rules})
    assert s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"] == rules
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_cors(
            Bucket=BUCKET, CORSConfiguration={"CORSRules": [{"AllowedMethods": ["PATCH"], "AllowedOrigins": ["*"]}]}
        )
    assert _error(caught) == (
        "InvalidRequest",
        "Found unsupported HTTP method in CORS config. Unsupported method is PATCH",
        400,
    )
    s3.delete_bucket_cors(Bucket=BUCKET)
    with pytest.raises(ClientError):
        s3.get_bucket_cors(Bucket=BUCKET)


def test_policy(s3: Any) -> None:
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_policy(Bucket=BUCKET)
    assert _error(caught) == ("NoSuchBucketPolicy", "The bucket policy does not exist", 404)
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
            ],
        }
    )
    s3.put_bucket_policy(Bucket=BUCKET, Policy=policy)
    assert s3.get_bucket_policy(Bucket=BUCKET)["Policy"] == policy
    assert s3.get_bucket_policy_status(Bucket=BUCKET)["PolicyStatus"]["IsPublic"] is True
    with pytest.raises(ClientError) as caught:
        s3.put_bucket_policy(Bucket=BUCKET, Policy="not json")
    assert _error(caught) == ("MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'", 400)
    s3.delete_bucket_policy(Bucket=BUCKET)
    with pytest.raises(ClientError):
        s3.get_bucket_policy(Bucket=BUCKET)


def test_public_access_block(s3: Any) -> None:
    default = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert default == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    s3.put_public_access_block(
        Bucket=BUCKET, PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": False}
    )
    stored = s3.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"]
    assert stored["BlockPublicAcls"] is True and stored["BlockPublicPolicy"] is False
    s3.delete_public_access_block(Bucket=BUCKET)
    with pytest.raises(ClientError) as caught:
        s3.get_public_access_block(Bucket=BUCKET)
    assert _error(caught)[0] == "NoSuchPublicAccessBlockConfiguration"
    s3.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration=default)


def test_fixed_answers_of_an_unconfigured_bucket(s3: Any) -> None:
    acl = s3.get_bucket_acl(Bucket=BUCKET)
    assert acl["Grants"] == [
        {"Grantee": {"ID": acl["Owner"]["ID"], "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}
    ]
    rules = s3.get_bucket_encryption(Bucket=BUCKET)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    ownership = s3.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"]
    assert ownership == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    with pytest.raises(ClientError) as caught:
        s3.get_bucket_acl(Bucket="no-such-bucket-here")
    assert _error(caught)[0] == "NoSuchBucket"
