"""S3 notification records (spec §3.3)."""

from __future__ import annotations

from typing import Any

import pytest

from triggerfish.core.payloads.s3 import encode_key, event_version, s3_event, s3_record, sequencer_from

_COMMON: dict[str, Any] = {
    "bucket": "photos",
    "key": "cats/tabby.jpg",
    "region": "eu-west-1",
    "time": 1567539447.192,
    "sequencer": "0055AED6DCD90281E5",
    "requester": "AWS:AIDAINPONIXQXHT3IKHL2",
    "source_ip": "205.255.255.255",
    "request_id": "D82B88E5F771F645",
    "host_id": "vlR7PnpV2Ce81l0PRw6jlUpck7Jo5ZsQjryTjKlc5aLWGVHPZLj5NeC6qMa0emYBDXOo6QBU0Wo=",
    "bucket_owner": "A3I5XTEXAMAI3E",
    "configuration_id": "on-upload",
}


def test_a_put_record_in_aws_shape_and_order() -> None:
    record = s3_record(
        event_name="s3:ObjectCreated:Put", size=1305107, etag="b21b84d653bb07b05b1e6b33684dc11b", **_COMMON
    )
    assert record == {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": "eu-west-1",
        "eventTime": "2019-09-03T19:37:27.192Z",
        "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": "AWS:AIDAINPONIXQXHT3IKHL2"},
        "requestParameters": {"sourceIPAddress": "205.255.255.255"},
        "responseElements": {"x-amz-request-id": "D82B88E5F771F645", "x-amz-id-2": _COMMON["host_id"]},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "on-upload",
            "bucket": {
                "name": "photos",
                "ownerIdentity": {"principalId": "A3I5XTEXAMAI3E"},
                "arn": "arn:aws:s3:::photos",
            },
            "object": {
                "key": "cats/tabby.jpg",
                "size": 1305107,
                "eTag": "b21b84d653bb07b05b1e6b33684dc11b",
                "sequencer": "0055AED6DCD90281E5",
            },
        },
    }
    assert list(record) == [
        "eventVersion",
        "eventSource",
        "awsRegion",
        "eventTime",
        "eventName",
        "userIdentity",
        "requestParameters",
        "responseElements",
        "s3",
    ]


def test_removed_records_have_no_size_or_etag_even_when_given() -> None:
    record = s3_record(event_name="ObjectRemoved:Delete", size=10, etag="abc", **_COMMON)
    assert record["s3"]["object"] == {"key": "cats/tabby.jpg", "sequencer": "0055AED6DCD90281E5"}
    assert record["eventName"] == "ObjectRemoved:Delete"


def test_version_id_only_for_versioned_buckets_and_in_place() -> None:
    versioned = s3_record(
        event_name="ObjectCreated:Put", size=1, etag="e", version_id="096fKKXTRTtl3on89fVO", **_COMMON
    )
    assert list(versioned["s3"]["object"]) == ["key", "size", "eTag", "versionId", "sequencer"]
    assert versioned["s3"]["object"]["versionId"] == "096fKKXTRTtl3on89fVO"
    plain = s3_record(event_name="ObjectCreated:Put", size=1, etag="e", **_COMMON)
    assert "versionId" not in plain["s3"]["object"]


@pytest.mark.parametrize(
    ("key", "encoded"),
    [
        ("HappyFace.jpg", "HappyFace.jpg"),
        ("red flower.jpg", "red+flower.jpg"),
        ("a@b", "a%40b"),
        ("dt=2020-01-01/part 1.parquet", "dt%3D2020-01-01/part+1.parquet"),
        ("plus+sign", "plus%2Bsign"),
        ("caf\u00e9.txt", "caf%C3%A9.txt"),
    ],
)
def test_keys_are_form_urlencoded_but_keep_slashes(key: str, encoded: str) -> None:
    assert encode_key(key) == encoded
    assert (
        s3_record(event_name="ObjectCreated:Put", size=1, etag="e", **{**_COMMON, "key": key})["s3"]["object"]["key"]
        == encoded
    )


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("ObjectCreated:Put", "2.1"),
        ("s3:ObjectRemoved:DeleteMarkerCreated", "2.1"),
        ("ObjectRestore:Completed", "2.1"),
        ("Replication:OperationFailedReplication", "2.2"),
        ("LifecycleExpiration:Delete", "2.3"),
        ("LifecycleTransition", "2.3"),
        ("IntelligentTiering", "2.3"),
        ("ObjectAcl:Put", "2.3"),
        ("ObjectTagging:Put", "2.3"),
        ("ObjectRestore:Delete", "2.3"),
    ],
)
def test_event_version_follows_the_event_type(name: str, version: str) -> None:
    assert event_version(name) == version


def test_a_completed_restore_says_until_when() -> None:
    record = s3_record(
        event_name="ObjectRestore:Completed",
        size=1024,
        etag="e",
        restore_expiry_time=1684335600.456,
        restore_storage_class="STANDARD",
        **_COMMON,
    )
    assert record["glacierEventData"] == {
        "restoreEventData": {
            "lifecycleRestorationExpiryTime": "2023-05-17T15:00:00.456Z",
            "lifecycleRestoreStorageClass": "STANDARD",
        }
    }


def test_sequencers_are_upper_case_hex_that_sort_with_time() -> None:
    earlier, later = sequencer_from(1_700_000_000_000_000_000), sequencer_from(1_700_000_000_000_000_001)
    assert len(earlier) == 18
    assert earlier == earlier.upper()
    assert earlier < later


def test_the_envelope_lists_its_records() -> None:
    record = s3_record(event_name="ObjectRemoved:Delete", **_COMMON)
    assert s3_event([record, record]) == {"Records": [record, record]}
