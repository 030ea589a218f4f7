"""Lambda event-source-mapping FilterCriteria vectors (SQS, Kinesis, DynamoDB Streams).

Data: ``data/patterns/lambda_esm_filter_*.jsonl`` (provenance in ``data/SOURCES.md``).
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import pytest

from triggerfish.core.patterns import EventSource, InvalidPattern, compile_filter_criteria

DATA = Path(__file__).parent / "data" / "patterns"
STREAM_ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/T/stream/2024-01-01T00:00:00.000"


def _rows(name: str, source: str | None = None) -> list[Any]:
    with (DATA / name).open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    params = []
    for number, row in enumerate(rows):
        if source is not None and row["event_source"] != source:
            continue
        if "expected_invocations" in row:
            outcome = f"{row['expected_invocations']}-invocations"
        elif "match" in row:
            outcome = "match" if row["match"] else "drop"
        else:
            outcome = "invalid"
        label = f"{row['event_source']}-{row.get('name', 'case')}-{outcome}"
        params.append(pytest.param(row, id=f"{number:02d}-" + re.sub(r"[^A-Za-z0-9_-]+", "_", label)))
    return params


def _sqs_record(body: str) -> dict[str, Any]:
    return {
        "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
        "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1545082649183",
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": "1545082649185",
        },
        "messageAttributes": {},
        "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:my-queue",
        "awsRegion": "us-east-1",
    }


def _kinesis_record(data: str) -> dict[str, Any]:
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": "1",
            "sequenceNumber": "49590338271490256608559692538361571095921575989136588898",
            "data": base64.b64encode(data.encode("utf-8")).decode("ascii"),
            "approximateArrivalTimestamp": 1545084650.987,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": "shardId-000000000006:49590338271490256608559692538361571095921575989136588898",
        "eventName": "aws:kinesis:record",
        "awsRegion": "us-east-1",
        "eventSourceARN": "arn:aws:kinesis:us-east-1:000000000000:stream/lambda-stream",
    }


def _stream_records(scenario: dict[str, Any]) -> list[dict[str, Any]]:
    """The stream records a sequence of PutItem calls produces (§7.3).

    A put whose key is already in the table replaces that item: MODIFY with both images.
    """
    key_name = scenario["table_partition_key"]
    table: dict[str, dict[str, Any]] = {}
    records = []
    for number, item in enumerate(scenario["put_item_sequence"], start=1):
        key = {key_name: item[key_name]}
        key_text = json.dumps(key, sort_keys=True)
        old = table.get(key_text)
        image: dict[str, Any] = {
            "ApproximateCreationDateTime": 1733418659 + number,
            "Keys": key,
            "NewImage": item,
            "SequenceNumber": f"{number}00000000000000000000{number}",
            "SizeBytes": len(json.dumps(item)),
            "StreamViewType": scenario["stream_view_type"],
        }
        if old is not None:
            image["OldImage"] = old
        table[key_text] = item
        records.append(
            {
                "eventID": f"event-{number}",
                "eventName": "INSERT" if old is None else "MODIFY",
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": "us-east-1",
                "dynamodb": image,
                "eventSourceARN": STREAM_ARN,
            }
        )
    return records


@pytest.mark.parametrize("row", _rows("lambda_esm_filter_cases.jsonl", "sqs"))
def test_sqs_filter(row: dict[str, Any]) -> None:
    criteria = compile_filter_criteria(EventSource.SQS, [json.dumps(row["filter_pattern"])])
    assert criteria.matches(_sqs_record(row["message_body"])) is row["match"]


@pytest.mark.parametrize("row", _rows("lambda_esm_filter_cases.jsonl", "kinesis"))
def test_kinesis_filter(row: dict[str, Any]) -> None:
    criteria = compile_filter_criteria(EventSource.KINESIS, [json.dumps(row["filter_pattern"])])
    assert criteria.matches(_kinesis_record(row["record_data"])) is row["match"]


@pytest.mark.parametrize("row", _rows("lambda_esm_filter_cases.jsonl", "dynamodb"))
def test_dynamodb_filter(row: dict[str, Any]) -> None:
    criteria = compile_filter_criteria(EventSource.DYNAMODB, [json.dumps(row["filter_pattern"])])
    records = _stream_records(row["scenario"])
    verdicts = [criteria.matches(record) for record in records]
    assert verdicts[0], "the first PutItem must be delivered"
    assert sum(verdicts) == row["expected_invocations"]


@pytest.mark.parametrize("row", _rows("lambda_esm_filter_validity.jsonl"))
def test_invalid_filter_pattern(row: dict[str, Any]) -> None:
    with pytest.raises(InvalidPattern) as raised:
        compile_filter_criteria(EventSource(row["event_source"]), [row["filter_pattern_raw"]])
    assert raised.value.message == row["error_message"]
