"""Kinesis records (spec §7.2)."""

from __future__ import annotations

from typing import Any

from triggerfish.core.payloads.kinesis import kinesis_event, kinesis_record, stream_arn_for

_ARN = "arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream"
_SEQUENCE = "49590338271490256608559692538361571095921575989136588898"
_COMMON: dict[str, Any] = {
    "stream_arn": _ARN,
    "shard_id": "shardId-000000000006",
    "sequence_number": _SEQUENCE,
    "partition_key": "1",
    "data": b"Hello, this is a test.",
    "arrival_time": 1545084650.987,
    "invoke_identity_arn": "arn:aws:iam::123456789012:role/lambda-role",
}


def test_a_record_in_aws_shape() -> None:
    record = kinesis_record(**_COMMON)
    assert record == {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": "1",
            "sequenceNumber": _SEQUENCE,
            "data": "SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==",
            "approximateArrivalTimestamp": 1545084650.987,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-000000000006:{_SEQUENCE}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambda-role",
        "awsRegion": "us-east-2",
        "eventSourceARN": _ARN,
    }
    assert isinstance(record["kinesis"]["approximateArrivalTimestamp"], float)


def test_encrypted_records_say_so_and_binary_data_survives() -> None:
    record = kinesis_record(**{**_COMMON, "data": b"\x00\xff"}, encryption_type="KMS")
    assert record["kinesis"]["encryptionType"] == "KMS"
    assert record["kinesis"]["data"] == "AP8="


def test_stream_arn_and_envelope() -> None:
    assert stream_arn_for(region="us-east-2", account="123456789012", stream="lambda-stream") == _ARN
    record = kinesis_record(**_COMMON)
    assert kinesis_event([record]) == {"Records": [record]}
