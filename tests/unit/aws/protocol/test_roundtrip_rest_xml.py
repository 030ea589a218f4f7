"""The ``rest-xml`` protocol (S3) against botocore's own serializer and parser."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.config import Config
from wire_harness import WireClient, assert_contains

from triggerfish.aws.protocol import Headers, HttpRequest, MalformedRequest, UnknownOperation, load_service
from triggerfish.aws.protocol import parse_request as parse

MODIFIED = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
MODIFIED_MS = datetime(2025, 3, 4, 5, 6, 7, 123000, tzinfo=UTC)
OWNER = {"DisplayName": "me", "ID": "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a"}

NOTIFICATION: dict[str, Any] = {
    "QueueConfigurations": [
        {
            "Id": "q",
            "QueueArn": "arn:aws:sqs:us-east-1:000000000000:uploads",
            "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"],
            "Filter": {
                "Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}, {"Name": "suffix", "Value": ".jpg"}]}
            },
        }
    ],
    "LambdaFunctionConfigurations": [
        {
            "LambdaFunctionArn": "arn:aws:lambda:us-east-1:000000000000:function:fn",
            "Events": ["s3:ObjectCreated:Put"],
        }
    ],
    "EventBridgeConfiguration": {},
}

CASES: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    (
        "PutObject",
        {
            "Bucket": "photos",
            "Key": "in/2025/a b+c&d=é.jpg",
            "Body": b"\xff\xd8\xff binary",
            "ContentType": "image/jpeg",
            "CacheControl": "max-age=60",
            "Metadata": {"camera": "x100", "empty": "", "with-dash": "ok"},
            "Expires": datetime(2031, 1, 1, 12, 0, tzinfo=UTC),
            # botocore drops the fraction of header timestamps before writing them
            "ObjectLockRetainUntilDate": MODIFIED,
            "Tagging": "a=1&b=2",
            "StorageClass": "STANDARD",
        },
        {"ETag": '"abc"', "VersionId": "v1", "BucketKeyEnabled": True, "Size": 10},
    ),
    (
        "GetObject",
        {
            "Bucket": "photos",
            "Key": "dir/",
            "Range": "bytes=0-9",
            "IfModifiedSince": MODIFIED,
            "VersionId": "v1",
            "ResponseContentType": "text/plain",
        },
        {
            "Body": b"0123456789",
            "ContentLength": 10,
            "ContentType": "text/plain",
            "ETag": '"e"',
            "LastModified": MODIFIED,
            "Metadata": {"camera": "x100"},
            "TagCount": 2,
            "DeleteMarker": False,
            "ContentRange": "bytes 0-9/100",
        },
    ),
    (
        "HeadObject",
        {"Bucket": "photos", "Key": "k", "PartNumber": 1},
        {
            "ContentLength": 5_000_000_000,
            "LastModified": MODIFIED,
            "Metadata": {},
            "BucketKeyEnabled": True,
            "PartsCount": 3,
            "ServerSideEncryption": "AES256",
        },
    ),
    (
        "ListObjectsV2",
        {
            "Bucket": "photos",
            "Prefix": "in/",
            "Delimiter": "/",
            "MaxKeys": 2,
            "ContinuationToken": "tok+/=",
            "StartAfter": "in/a",
            "FetchOwner": True,
        },
        {
            "IsTruncated": True,
            "Contents": [
                {
                    "Key": "in/b.jpg",
                    "LastModified": MODIFIED_MS,
                    "ETag": '"e1"',
                    "ChecksumAlgorithm": ["CRC32"],
                    "Size": 0,
                    "StorageClass": "STANDARD",
                    "Owner": OWNER,
                },
                {"Key": "in/c & <d>.jpg", "LastModified": MODIFIED, "Size": 7},
            ],
            "Name": "photos",
            "Prefix": "in/",
            "Delimiter": "/",
            "MaxKeys": 2,
            "CommonPrefixes": [{"Prefix": "in/sub/"}],
            "KeyCount": 3,
            "NextContinuationToken": "next",
        },
    ),
    ("ListObjectsV2", {"Bucket": "empty"}, {"IsTruncated": False, "KeyCount": 0, "Name": "empty"}),
    (
        "CreateMultipartUpload",
        {"Bucket": "b", "Key": "big", "ContentType": "application/zip", "Metadata": {"m": "1"}},
        {"Bucket": "b", "Key": "big", "UploadId": "u-1", "AbortDate": MODIFIED},
    ),
    (
        "UploadPart",
        {"Bucket": "b", "Key": "big", "PartNumber": 2, "UploadId": "u-1", "Body": b"part two"},
        {"ETag": '"p2"'},
    ),
    (
        "CompleteMultipartUpload",
        {
            "Bucket": "b",
            "Key": "big",
            "UploadId": "u-1",
            "MultipartUpload": {"Parts": [{"PartNumber": 1, "ETag": '"p1"'}, {"PartNumber": 2, "ETag": '"p2"'}]},
        },
        {"Location": "http://b.s3/big", "Bucket": "b", "Key": "big", "ETag": '"all-2"', "VersionId": "v"},
    ),
    (
        "PutBucketNotificationConfiguration",
        {"Bucket": "photos", "NotificationConfiguration": NOTIFICATION, "SkipDestinationValidation": True},
        {},
    ),
    (
        "GetBucketNotificationConfiguration",
        {"Bucket": "photos"},
        {**NOTIFICATION, "TopicConfigurations": [{"TopicArn": "arn:t", "Events": ["s3:ObjectTagging:*"]}]},
    ),
    (
        "DeleteObjects",
        {
            "Bucket": "photos",
            "Delete": {"Objects": [{"Key": "a"}, {"Key": "b", "VersionId": "v"}], "Quiet": False},
        },
        {
            "Deleted": [{"Key": "a"}, {"Key": "b", "VersionId": "v", "DeleteMarker": True}],
            "Errors": [{"Key": "c", "Code": "AccessDenied", "Message": "Access Denied"}],
        },
    ),
    (
        "CopyObject",
        {
            "Bucket": "dst",
            "Key": "copy",
            "CopySource": "src/orig-key",
            "CopySourceIfModifiedSince": MODIFIED,
            "MetadataDirective": "REPLACE",
            "Metadata": {"k": "v"},
        },
        {"CopyObjectResult": {"ETag": '"c"', "LastModified": MODIFIED_MS}, "VersionId": "v2"},
    ),
    (
        "GetObjectAttributes",
        {"Bucket": "b", "Key": "k", "ObjectAttributes": ["ETag", "ObjectParts", "ObjectSize"], "MaxParts": 5},
        {
            "ETag": "e",
            "ObjectSize": 12,
            "LastModified": MODIFIED,
            "ObjectParts": {
                "TotalPartsCount": 2,
                "IsTruncated": False,
                "Parts": [{"PartNumber": 1, "Size": 5}],
            },
        },
    ),
    (
        "ListBuckets",
        {"MaxBuckets": 10},
        {"Buckets": [{"Name": "a", "CreationDate": MODIFIED, "BucketRegion": "us-east-1"}], "Owner": OWNER},
    ),
    ("ListBuckets", {}, {"Buckets": []}),
    (
        "CreateBucket",
        {
            "Bucket": "eu-bucket",
            "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"},
            "ObjectLockEnabledForBucket": False,
        },
        {"Location": "/eu-bucket"},
    ),
    ("GetBucketLocation", {"Bucket": "eu-bucket"}, {"LocationConstraint": "eu-west-1"}),
    (
        "PutBucketTagging",
        {"Bucket": "b", "Tagging": {"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}]}},
        {},
    ),
    ("GetBucketTagging", {"Bucket": "b"}, {"TagSet": [{"Key": "a", "Value": "1"}]}),
    (
        "GetBucketAcl",
        {"Bucket": "b"},
        {
            "Owner": OWNER,
            "Grants": [
                {"Grantee": {"ID": OWNER["ID"], "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
                {
                    "Grantee": {"URI": "http://acs.amazonaws.com/groups/global/AllUsers", "Type": "Group"},
                    "Permission": "READ",
                },
            ],
        },
    ),
    (
        "PutBucketAcl",
        {
            "Bucket": "b",
            "AccessControlPolicy": {
                "Owner": OWNER,
                "Grants": [{"Grantee": {"ID": "abc", "Type": "CanonicalUser"}, "Permission": "READ"}],
            },
        },
        {},
    ),
    ("DeleteObject", {"Bucket": "b", "Key": "k"}, {"DeleteMarker": True, "VersionId": "v"}),
    ("AbortMultipartUpload", {"Bucket": "b", "Key": "k", "UploadId": "u"}, {}),
    (
        "ListParts",
        {"Bucket": "b", "Key": "k", "UploadId": "u", "MaxParts": 100},
        {
            "Bucket": "b",
            "Key": "k",
            "UploadId": "u",
            "Parts": [{"PartNumber": 1, "LastModified": MODIFIED, "ETag": '"1"', "Size": 5242880}],
        },
    ),
]

# members botocore adds on its own: flexible checksums, the body length, response checksum
# validation, and url-encoded listings (which it decodes again)
ADDED_BY_BOTOCORE = {
    "ChecksumAlgorithm",
    "ChecksumCRC32",
    "ContentMD5",
    "ContentLength",
    "ChecksumMode",
    "EncodingType",
}


@pytest.mark.parametrize(
    ("addressing", "endpoint"),
    [
        ("path", "http://localhost:4566"),
        ("virtual", "http://localhost:4566"),
        ("virtual", "https://s3.localhost.test"),
    ],
)
@pytest.mark.parametrize(("operation", "params", "result"), CASES, ids=[op for op, _, _ in CASES])
def test_round_trip(
    operation: str, params: dict[str, Any], result: dict[str, Any], addressing: str, endpoint: str
) -> None:
    client = WireClient("s3", endpoint=endpoint, config=Config(s3={"addressing_style": addressing}))
    parsed, response = client.call(operation, params, result)
    assert parsed.name == operation
    assert {k: v for k, v in parsed.params.items() if k not in ADDED_BY_BOTOCORE} == params
    assert_contains(result, response)


def test_virtual_hosted_request_has_the_bucket_in_the_host() -> None:
    client = WireClient("s3", config=Config(s3={"addressing_style": "virtual"}))
    parsed, _ = client.call("GetObject", {"Bucket": "my.bucket", "Key": "a/b"}, {"Body": b""})
    request = client.exchanges[-1].request
    assert request.headers["Host"] == "my.bucket.localhost:4566"
    assert request.path == "/a/b"
    assert parsed.params == {"Bucket": "my.bucket", "Key": "a/b", "ChecksumMode": "ENABLED"}


def test_copy_source_stays_url_encoded_as_sent() -> None:
    # x-amz-copy-source is URL-encoded on the wire; decoding it is the S3 service's business
    parsed, _ = WireClient("s3").call("CopyObject", {"Bucket": "d", "Key": "k", "CopySource": "src/a b"})
    assert parsed.params["CopySource"] == "src/a%20b"


def test_host_prefixed_operation_is_not_a_bucket() -> None:
    # botocore puts "{RequestRoute}." before the endpoint host for this operation
    client = WireClient("s3")
    params = {"RequestRoute": "route-1", "RequestToken": "t", "Body": b"transformed", "StatusCode": 200}
    parsed, _ = client.call("WriteGetObjectResponse", params)
    assert client.exchanges[-1].request.headers["Host"] == "route-1.localhost:4566"
    assert {k: v for k, v in parsed.params.items() if k not in ADDED_BY_BOTOCORE} == params


def test_upload_checksum_is_a_parameter() -> None:
    client = WireClient("s3")
    parsed, _ = client.call("PutObject", {"Bucket": "b", "Key": "k", "Body": b"hello"})
    assert parsed.params["ChecksumAlgorithm"] == "CRC32"
    assert parsed.params["ChecksumCRC32"] == "NhCmhg=="


def test_aws_chunked_upload_over_https() -> None:
    client = WireClient("s3", endpoint="https://localhost:4566")
    parsed, _ = client.call(
        "PutObject", {"Bucket": "b", "Key": "k", "Body": b"hello", "ContentEncoding": "gzip"}, {"ETag": '"x"'}
    )
    request = client.exchanges[-1].request
    assert request.headers["Content-Encoding"] == "gzip,aws-chunked"
    assert request.body == b"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"
    assert parsed.params["Body"] == b"hello"
    assert parsed.params["ChecksumCRC32"] == "NhCmhg=="
    assert parsed.params["ContentLength"] == 5
    assert parsed.params["ContentEncoding"] == "gzip"


def test_get_bucket_location_of_us_east_1_is_empty() -> None:
    client = WireClient("s3")
    _, response = client.call("GetBucketLocation", {"Bucket": "b"}, {"LocationConstraint": None})
    assert response.get("LocationConstraint") is None
    answer = client.exchanges[-1].response
    assert answer is not None and isinstance(answer.body, bytes)
    assert answer.body.endswith(b'<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/" />')


def test_documents_are_named_as_s3_names_them() -> None:
    client = WireClient("s3")
    client.call("ListObjectsV2", {"Bucket": "b"}, {"Name": "b", "KeyCount": 0})
    answer = client.exchanges[-1].response
    assert answer is not None and isinstance(answer.body, bytes)
    assert b'<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' in answer.body
    assert answer.headers["x-amz-request-id"] == "4d0c3f27-9b1e-4d6e-8a0e-2f7f3a1c5b6d"


@pytest.mark.parametrize(
    ("operation", "params", "code", "status", "fields"),
    [
        ("GetObject", {"Bucket": "b", "Key": "k"}, "NoSuchKey", 404, {"Key": "k"}),
        ("ListObjectsV2", {"Bucket": "b"}, "NoSuchBucket", 404, {"BucketName": "b"}),
        ("CreateBucket", {"Bucket": "b"}, "BucketAlreadyOwnedByYou", 409, {"BucketName": "b"}),
        (
            "CompleteMultipartUpload",
            {"Bucket": "b", "Key": "k", "UploadId": "u"},
            "InvalidPart",
            400,
            {"UploadId": "u", "PartNumber": "1"},
        ),
        ("PutObject", {"Bucket": "b", "Key": "k"}, "InternalError", 500, {}),
    ],
)
def test_errors(operation: str, params: dict[str, Any], code: str, status: int, fields: dict[str, Any]) -> None:
    client = WireClient("s3")
    error = client.call_error(operation, params, code, "It went wrong", status=status, fields=fields)
    assert error.response["Error"] == {"Code": code, "Message": "It went wrong", **fields}
    assert error.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert error.response["ResponseMetadata"]["RequestId"] == "4d0c3f27-9b1e-4d6e-8a0e-2f7f3a1c5b6d"


def test_head_errors_have_no_body() -> None:
    client = WireClient("s3")
    error = client.call_error("HeadObject", {"Bucket": "b", "Key": "k"}, "NoSuchKey", "gone", status=404)
    assert error.response["Error"] == {"Code": "404", "Message": "Not Found"}
    answer = client.exchanges[-1].response
    assert answer is not None and answer.body == b""


def _request(
    method: str, path: str, query: str = "", body: bytes = b"", headers: dict[str, str] | None = None
) -> HttpRequest:
    return HttpRequest(method, path, query, Headers({"Host": "localhost:4566", **(headers or {})}), body)


@pytest.mark.parametrize(
    ("method", "path", "query", "headers", "operation"),
    [
        ("PUT", "/b/k", "", {}, "PutObject"),
        ("PUT", "/b/k", "partNumber=1&uploadId=u", {}, "UploadPart"),
        ("PUT", "/b/k", "", {"x-amz-copy-source": "s/k"}, "CopyObject"),
        ("PUT", "/b/k", "partNumber=1&uploadId=u", {"x-amz-copy-source": "s/k"}, "UploadPartCopy"),
        ("GET", "/b", "", {}, "ListObjects"),
        ("GET", "/b/", "list-type=2", {}, "ListObjectsV2"),
        ("GET", "/b", "notification", {}, "GetBucketNotificationConfiguration"),
        ("PUT", "/b", "lifecycle", {}, "PutBucketLifecycleConfiguration"),
        ("GET", "/b", "analytics&id=x", {}, "GetBucketAnalyticsConfiguration"),
        ("GET", "/b", "analytics", {}, "ListBucketAnalyticsConfigurations"),
        ("GET", "/b/k", "uploadId=u", {}, "ListParts"),
        ("GET", "/", "", {}, "ListBuckets"),
        ("DELETE", "/b/k/", "", {}, "DeleteObject"),
        ("POST", "/b/k", "uploads", {}, "CreateMultipartUpload"),
        ("GET", "/", "location", {"Host": "b.s3.localhost.localstack.cloud:4566"}, "GetBucketLocation"),
    ],
)
def test_operation_selection(method: str, path: str, query: str, headers: dict[str, str], operation: str) -> None:
    parsed = parse(load_service("s3"), _request(method, path, query, headers=headers), validate=False)
    assert parsed.name == operation


def test_greedy_key_keeps_slashes_and_encoded_characters() -> None:
    parsed = parse(load_service("s3"), _request("GET", "/b/a/b%2Fc/%20d/"))
    assert parsed.params == {"Bucket": "b", "Key": "a/b/c/ d/"}


def test_no_operation_for_the_method() -> None:
    with pytest.raises(UnknownOperation) as caught:
        parse(load_service("s3"), _request("PATCH", "/b/k"))
    assert (caught.value.code, caught.value.status) == ("MethodNotAllowed", 405)


@pytest.mark.parametrize(
    "body",
    [
        b"<Delete><Object><Key>a</Key></Object>",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><Delete><Object><Key>&e;</Key></Object></Delete>',
        b"<Delete><Quiet>perhaps</Quiet></Delete>",
    ],
)
def test_malformed_xml(body: bytes) -> None:
    with pytest.raises(MalformedRequest) as caught:
        parse(load_service("s3"), _request("POST", "/b", "delete", body))
    assert caught.value.code == "MalformedXML"


def test_namespaces_in_request_documents_are_ignored() -> None:
    body = (
        b'<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a</Key></Object>'
        b"<Quiet>true</Quiet></Delete>"
    )
    parsed = parse(load_service("s3"), _request("POST", "/b", "delete", body))
    assert parsed.params["Delete"] == {"Objects": [{"Key": "a"}], "Quiet": True}
