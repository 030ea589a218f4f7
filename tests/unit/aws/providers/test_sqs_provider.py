"""The SQS provider end to end through the AWS protocol layer: a real botocore client whose requests
our endpoint parses, the SQS service answers (virtual clock, in-memory store) and botocore parses back."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError
from wire_harness import WireClient

from triggerfish.aws.endpoint import AwsApp
from triggerfish.aws.protocol import HttpRequest, HttpResponse
from triggerfish.aws.providers.sqs import SqsProvider
from triggerfish.core.clock import VirtualClock
from triggerfish.services.sqs import SqsService
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

ARN = "arn:aws:sqs:us-east-1:000000000000:"


class Rig:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.clock = VirtualClock()
        self.store: Store = open_store(None)
        self.loop.run_until_complete(self.store.open())
        self.service = SqsService(self.store, self.clock)
        self.loop.run_until_complete(self.service.start())
        self.app = AwsApp({"sqs": SqsProvider(self.service)})
        self.wire = WireClient("sqs")
        self.wire.reply_with(self.reply)
        self.client: Any = self.wire.client

    def reply(self, request: HttpRequest) -> HttpResponse:
        return self.loop.run_until_complete(self.app.handle(request, "4d0c3f27-9b1e-4d6e-8a0e-2f7f3a1c5b6d"))

    def close(self) -> None:
        self.loop.run_until_complete(self.service.close())
        self.loop.run_until_complete(self.store.close())
        self.loop.close()


@pytest.fixture
def rig() -> Iterator[Rig]:
    made = Rig()
    yield made
    made.close()


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[int, str, str]:
    response: Any = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def test_errors_carry_the_legacy_code_and_their_status(rig: Rig) -> None:
    sqs = rig.client
    with pytest.raises(sqs.exceptions.QueueDoesNotExist) as missing:
        sqs.get_queue_url(QueueName="nope")
    assert _error(missing) == (400, "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid) as invalid:
        sqs.delete_message(QueueUrl=url, ReceiptHandle="x!")
    assert _error(invalid)[:2] == (404, "ReceiptHandleIsInvalid")
    with pytest.raises(ClientError) as missing_parameter:
        sqs.send_message(QueueUrl=url, MessageBody="")
    assert _error(missing_parameter)[1:] == ("MissingParameter", "The request must contain the parameter MessageBody.")
    with pytest.raises(sqs.exceptions.InvalidAttributeValue):
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "99999"})


def test_list_queues_pages_with_the_paginator(rig: Rig) -> None:
    sqs = rig.client
    for n in range(5):
        sqs.create_queue(QueueName=f"page-{n}")
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix="none")
    pages = sqs.get_paginator("list_queues").paginate(PaginationConfig={"PageSize": 2})
    urls = [url for page in pages for url in page["QueueUrls"]]
    assert urls == [f"http://localhost:4566/000000000000/page-{n}" for n in range(5)]


def test_receive_shapes_and_attribute_selection(rig: Rig) -> None:
    sqs = rig.client
    url = sqs.create_queue(QueueName="q.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"})[
        "QueueUrl"
    ]
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody="m",
        MessageGroupId="g",
        MessageAttributes={
            "a.b": {"DataType": "String", "StringValue": "1"},
            "c": {"DataType": "Binary", "BinaryValue": b"\x01"},
        },
        MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-abc"}},
    )
    assert {"MD5OfMessageSystemAttributes", "SequenceNumber", "MD5OfMessageAttributes"} <= set(sent)
    (message,) = sqs.receive_message(
        QueueUrl=url,
        AttributeNames=["SequenceNumber"],
        MessageSystemAttributeNames=["AWSTraceHeader"],
        MessageAttributeNames=["a.*"],
    )["Messages"]
    assert message["Attributes"] == {"SequenceNumber": sent["SequenceNumber"], "AWSTraceHeader": "Root=1-abc"}
    assert message["MessageAttributes"] == {"a.b": {"DataType": "String", "StringValue": "1"}}
    assert message["MD5OfMessageAttributes"] != sent["MD5OfMessageAttributes"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_batches_on_the_wire(rig: Rig) -> None:
    sqs = rig.client
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(n), "MessageBody": str(n)} for n in range(3)])
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=3)["Messages"]
    changed = sqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "ReceiptHandle": got[0]["ReceiptHandle"], "VisibilityTimeout": 0},
            {"Id": "b", "ReceiptHandle": "no!"},
        ],
    )
    assert changed["Successful"] == [{"Id": "a"}]
    assert changed["Failed"][0]["Id"] == "b" and changed["Failed"][0]["SenderFault"] is True
    with pytest.raises(sqs.exceptions.BatchRequestTooLong):
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(n), "MessageBody": "x" * 600_000} for n in range(2)])


def test_tags_attributes_and_dead_letter_sources(rig: Rig) -> None:
    sqs = rig.client
    dlq = sqs.create_queue(QueueName="dlq", tags={"team": "a"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=dlq)["Tags"] == {"team": "a"}
    sqs.tag_queue(QueueUrl=dlq, Tags={"env": "dev"})
    sqs.untag_queue(QueueUrl=dlq, TagKeys=["team"])
    assert sqs.list_queue_tags(QueueUrl=dlq)["Tags"] == {"env": "dev"}
    policy = json.dumps({"deadLetterTargetArn": f"{ARN}dlq", "maxReceiveCount": 1})
    url = sqs.create_queue(QueueName="src", Attributes={"RedrivePolicy": policy})["QueueUrl"]
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [url]
    assert sqs.get_queue_attributes(QueueUrl=url)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "Attributes" not in sqs.get_queue_attributes(QueueUrl=url)


def test_move_tasks_on_the_wire(rig: Rig) -> None:
    sqs = rig.client
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    policy = json.dumps({"deadLetterTargetArn": f"{ARN}dlq", "maxReceiveCount": 1})
    sqs.create_queue(QueueName="src", Attributes={"RedrivePolicy": policy})
    sqs.send_message(QueueUrl=dlq, MessageBody="m")
    handle = sqs.start_message_move_task(
        SourceArn=f"{ARN}dlq", DestinationArn=f"{ARN}src", MaxNumberOfMessagesPerSecond=1
    )["TaskHandle"]
    (task,) = sqs.list_message_move_tasks(SourceArn=f"{ARN}dlq")["Results"]
    assert task["TaskHandle"] == handle and task["Status"] == "RUNNING"
    assert task["ApproximateNumberOfMessagesToMove"] == 1 and task["MaxNumberOfMessagesPerSecond"] == 1
    with pytest.raises(ClientError) as invalid:
        sqs.cancel_message_move_task(TaskHandle="garbage")
    assert _error(invalid) == (400, "InvalidParameterValue", "Value for parameter TaskHandle is invalid.")
    with pytest.raises(sqs.exceptions.ResourceNotFoundException):
        sqs.list_message_move_tasks(SourceArn=f"{ARN}missing")
