"""Reading what arrived in an SQS queue of the app under test, as a user would with boto3."""

from __future__ import annotations

import time
from typing import Any


def receive(sqs: Any, queue: str, count: int, *, timeout: float = 15.0) -> list[dict[str, Any]]:
    """Exactly ``count`` messages from ``queue`` (deleted once read), waiting up to ``timeout``."""
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    found: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout
    while len(found) < count:
        assert time.monotonic() < deadline, f"{len(found)} of {count} messages arrived in {queue}"
        answer = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        for message in answer.get("Messages", []):
            found.append(message)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert len(found) == count, found
    return found


def nothing_more(sqs: Any, queue: str) -> bool:
    """Whether ``queue`` stays empty for a second."""
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    return not sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1).get("Messages")
