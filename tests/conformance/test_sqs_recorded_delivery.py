"""The record a function receives from an SQS queue, end to end, against the one AWS recorded.

The recording (``data/events/localstack-recorded/esm-records.json``, provenance in ``data/SOURCES.md``)
is of a message sent with a body and three message attributes to a queue mapped to a function. The same
message goes through our SQS service and event source mapping here, with boto3 on the AWS endpoint, and the
record the handler is handed must equal the recorded one field for field, apart from ids, handles, times
and the account, region and queue name the recording hid.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from shapes import assert_same_shape

import triggerfish
from triggerfish.cloud import Cloud

RECORDED = Path(__file__).parent / "data" / "events" / "localstack-recorded" / "esm-records.json"
RECORDING_ACCOUNT = "111111111111"  # the recording replaced the real account id with this one

HANDLER = """
def record(event, context):
    return event
"""


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    with triggerfish.local(virtual_clock=True) as local_cloud:
        yield local_cloud


def _client(cloud: Cloud, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=cloud.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def test_a_record_delivered_with_message_attributes_is_the_one_aws_recorded(cloud: Cloud, tmp_path: Path) -> None:
    recorded: dict[str, Any] = json.loads(RECORDED.read_text(encoding="utf-8"))["sqs-message-with-attributes"]["record"]
    (tmp_path / "handlers.py").write_text(textwrap.dedent(HANDLER))
    cloud.create_function("recorded-sqs", handler="handlers.record", code_dir=tmp_path)
    sqs, lambda_ = _client(cloud, "sqs"), _client(cloud, "lambda")
    url = sqs.create_queue(QueueName="recorded-sqs-source")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    lambda_.create_event_source_mapping(FunctionName="recorded-sqs", EventSourceArn=arn, BatchSize=1)

    # the recorded body names the destination queue by its (hidden) URL; ours names our own queue
    body = recorded["body"].replace("<queue-url:1>", url)
    sqs.send_message(
        QueueUrl=url,
        MessageBody=body,
        MessageAttributes={
            name: {"DataType": value["dataType"], "StringValue": value["stringValue"]}
            for name, value in recorded["messageAttributes"].items()
        },
    )
    cloud.settle()

    event: Any = cloud.invocations_of("recorded-sqs")[0].event_json()
    delivered = event["Records"]
    assert len(delivered) == 1
    record = delivered[0]
    expected = {
        **recorded,
        "body": body,
        "eventSourceARN": recorded["eventSourceARN"].replace(RECORDING_ACCOUNT, arn.split(":")[4]),
    }
    assert_same_shape(record, expected, values=True)
