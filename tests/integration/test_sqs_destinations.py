"""Queues as Lambda's asynchronous destinations and dead-letter queues, through delivery by ARN."""

from __future__ import annotations

import json

from invocation_harness import BASICS, unique

from triggerfish.cloud import Cloud


def test_a_failed_event_lands_in_the_dead_letter_queue(cloud: Cloud) -> None:
    sqs = cloud.app.sqs
    name = unique("dlq")
    url = cloud.run(sqs.create_queue(f"{name}-dlq"))
    arn = sqs.get_queue_attributes(url, ["QueueArn"])["QueueArn"]
    cloud.create_function(name, handler="app.fail", code_dir=BASICS, dead_letter_target=arn)
    cloud.set_async_config(name, maximum_retry_attempts=0)
    result = cloud.invoke(name, {"order": 7}, invocation_type="Event")
    cloud.settle()
    (message,) = cloud.run(sqs.receive_message(url, max_messages=10))
    assert json.loads(message.body) == {"order": 7}
    assert message.message_attributes["RequestID"].string_value == result.request_id
    assert message.message_attributes["ErrorCode"].data_type == "Number"
    assert message.md5_of_message_attributes is not None


def test_a_success_record_lands_in_the_destination_queue(cloud: Cloud) -> None:
    sqs = cloud.app.sqs
    name = unique("ok")
    url = cloud.run(sqs.create_queue(f"{name}-ok"))
    arn = sqs.get_queue_attributes(url, ["QueueArn"])["QueueArn"]
    cloud.create_function(name, handler="app.echo", code_dir=BASICS)
    cloud.set_async_config(name, on_success=arn)
    cloud.invoke(name, {"n": 1}, invocation_type="Event")
    cloud.settle()
    (message,) = cloud.run(sqs.receive_message(url, max_messages=10))
    record = json.loads(message.body)
    assert record["requestContext"]["condition"] == "Success"
    assert record["responsePayload"] == {"n": 1}
