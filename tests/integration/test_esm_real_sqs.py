"""Event source mappings over triggerfish's own SQS service, driven with boto3 through the AWS endpoint as
a user would: delivery, partial batch failure, redrive to the dead-letter queue, filters, FIFO order."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from invocation_harness import unique

import triggerfish
from triggerfish.cloud import Cloud

HANDLERS = """
import os


def _log(event):
    with open(os.environ["LOG"], "a") as log:
        for record in event["Records"]:
            log.write(record["body"] + "\\n")


def partial(event, context):
    _log(event)
    failed = [r["messageId"] for r in event["Records"] if "fail" in r["body"]]
    return {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}


def record(event, context):
    _log(event)


def fail(event, context):
    _log(event)
    raise RuntimeError("always")
"""


class Aws:
    def __init__(self, cloud: Cloud) -> None:
        options: dict[str, Any] = {
            "endpoint_url": cloud.endpoint_url,
            "region_name": "us-east-1",
            "aws_access_key_id": "test",
            "aws_secret_access_key": "test",
        }
        self.sqs = boto3.client("sqs", **options)
        self.lambda_ = boto3.client("lambda", **options)

    def queue(self, name: str, **attributes: str) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn

    def bodies_left(self, url: str) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
        )["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


@pytest.fixture(scope="module")
def cloud() -> Iterator[Cloud]:
    with triggerfish.local(virtual_clock=True) as local_cloud:
        sqs = getattr(local_cloud.app, "sqs", None)
        if sqs is None:
            pytest.skip("this build has no SQS service")
        # the composition root may not connect them yet; attaching twice is harmless
        local_cloud.app.lambda_.mappings.attach("sqs", sqs.source)
        yield local_cloud


@pytest.fixture(scope="module")
def aws(cloud: Cloud) -> Aws:
    return Aws(cloud)


@pytest.fixture(scope="module")
def code(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("esm_sqs_handlers")
    (directory / "handlers.py").write_text(textwrap.dedent(HANDLERS))
    return directory


def _function(cloud: Cloud, code: Path, tmp_path: Path, handler: str) -> tuple[str, Path]:
    name = unique("esmsqs")
    log = tmp_path / f"{name}.log"
    cloud.create_function(name, handler=f"handlers.{handler}", code_dir=code, environment={"LOG": str(log)})
    return name, log


def _lines(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def test_messages_sent_with_boto3_reach_the_function_and_are_deleted(
    cloud: Cloud, aws: Aws, code: Path, tmp_path: Path
) -> None:
    name, log = _function(cloud, code, tmp_path, "record")
    url, arn = aws.queue(unique("plain"))
    created = aws.lambda_.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, BatchSize=10)
    assert created["State"] == "Creating"
    aws.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(10)])
    cloud.settle()
    assert sorted(_lines(log)) == sorted(f"m{i}" for i in range(10))
    assert aws.bodies_left(url) == 0
    event: Any = cloud.invocations_of(name)[0].event_json()
    assert event["Records"][0]["eventSourceARN"] == arn
    assert aws.lambda_.get_event_source_mapping(UUID=created["UUID"])["State"] == "Enabled"


def test_partial_failure_redelivers_after_the_visibility_timeout(
    cloud: Cloud, aws: Aws, code: Path, tmp_path: Path
) -> None:
    name, log = _function(cloud, code, tmp_path, "partial")
    url, arn = aws.queue(unique("partial"), VisibilityTimeout="30")
    aws.lambda_.create_event_source_mapping(
        FunctionName=name, EventSourceArn=arn, FunctionResponseTypes=["ReportBatchItemFailures"]
    )
    aws.sqs.send_message_batch(
        QueueUrl=url, Entries=[{"Id": "1", "MessageBody": "ok"}, {"Id": "2", "MessageBody": "fail"}]
    )
    cloud.settle()
    assert aws.bodies_left(url) == 1
    cloud.advance(30)
    cloud.settle()
    assert _lines(log).count("fail") == 2 and _lines(log).count("ok") == 1


def test_a_failing_function_ends_in_the_dead_letter_queue(cloud: Cloud, aws: Aws, code: Path, tmp_path: Path) -> None:
    name, log = _function(cloud, code, tmp_path, "fail")
    dlq_url, dlq_arn = aws.queue(unique("dlq"))
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    url, arn = aws.queue(unique("source"), VisibilityTimeout="10", RedrivePolicy=policy)
    aws.lambda_.create_event_source_mapping(FunctionName=name, EventSourceArn=arn)
    aws.sqs.send_message(QueueUrl=url, MessageBody="poison")
    cloud.settle()
    for _ in range(3):
        cloud.advance(10)
        cloud.settle()
    assert _lines(log) == ["poison", "poison"]
    moved = aws.sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in moved] == ["poison"]


def test_filters_delete_what_they_do_not_match(cloud: Cloud, aws: Aws, code: Path, tmp_path: Path) -> None:
    name, log = _function(cloud, code, tmp_path, "record")
    url, arn = aws.queue(unique("filtered"))
    aws.lambda_.create_event_source_mapping(
        FunctionName=name, EventSourceArn=arn, FilterCriteria={"Filters": [{"Pattern": '{"body": {"k": ["y"]}}'}]}
    )
    aws.sqs.send_message(QueueUrl=url, MessageBody='{"k": "y"}')
    aws.sqs.send_message(QueueUrl=url, MessageBody='{"k": "n"}')
    cloud.settle()
    assert _lines(log) == ['{"k": "y"}']
    assert aws.bodies_left(url) == 0


def test_fifo_groups_keep_their_order(cloud: Cloud, aws: Aws, code: Path, tmp_path: Path) -> None:
    name, log = _function(cloud, code, tmp_path, "record")
    url, arn = aws.queue(unique("ordered") + ".fifo", FifoQueue="true", ContentBasedDeduplication="true")
    aws.lambda_.create_event_source_mapping(FunctionName=name, EventSourceArn=arn, BatchSize=2)
    for i in range(6):
        aws.sqs.send_message(QueueUrl=url, MessageBody=f"a{i}", MessageGroupId="a")
        aws.sqs.send_message(QueueUrl=url, MessageBody=f"b{i}", MessageGroupId="b")
    cloud.settle()
    lines = _lines(log)
    assert [x for x in lines if x[0] == "a"] == [f"a{i}" for i in range(6)]
    assert [x for x in lines if x[0] == "b"] == [f"b{i}" for i in range(6)]
    assert aws.bodies_left(url) == 0
