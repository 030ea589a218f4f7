"""Queues: names, attributes with AWS's ranges, defaults and messages, listing, tags, purge, delete (spec §2.1)."""

from __future__ import annotations

import json

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.sqs import SqsService
from triggerfish.services.sqs.errors import (
    InvalidAttributeName,
    InvalidAttributeValue,
    InvalidParameterValue,
    PurgeQueueInProgress,
    QueueDoesNotExist,
    QueueNameExists,
)
from triggerfish.services.sqs.models import Location, OutgoingMessage

BASE = "http://localhost:4566/000000000000"


async def test_a_new_queue_has_aws_defaults(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("orders")
    assert url == f"{BASE}/orders"
    assert sqs.get_queue_attributes(url, ["All"]) == {
        "QueueArn": "arn:aws:sqs:us-east-1:000000000000:orders",
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
        "ApproximateNumberOfMessagesDelayed": "0",
        "CreatedTimestamp": str(int(clock.now())),
        "LastModifiedTimestamp": str(int(clock.now())),
        "VisibilityTimeout": "30",
        "DelaySeconds": "0",
        "MessageRetentionPeriod": "345600",
        "MaximumMessageSize": "1048576",
        "ReceiveMessageWaitTimeSeconds": "0",
        "SqsManagedSseEnabled": "true",
    }


async def test_a_fifo_queue_has_its_own_defaults(sqs: SqsService) -> None:
    url = await sqs.create_queue("jobs.fifo", {"FifoQueue": "true"})
    attributes = sqs.get_queue_attributes(url, ["All"])
    assert {name: attributes[name] for name in ("FifoQueue", "ContentBasedDeduplication")} == {
        "FifoQueue": "true",
        "ContentBasedDeduplication": "false",
    }
    assert attributes["DeduplicationScope"] == "queue"
    assert attributes["FifoThroughputLimit"] == "perQueue"


@pytest.mark.parametrize(
    ("name", "attributes", "message"),
    [
        ("bad name", {}, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"),
        ("x" * 81, {}, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"),
        ("q.fifo", {}, "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"),
        ("q", {"FifoQueue": "true"}, "The name of a FIFO queue can only include alphanumeric characters"),
    ],
)
async def test_queue_names(sqs: SqsService, name: str, attributes: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidParameterValue, match=message):
        await sqs.create_queue(name, attributes)


@pytest.mark.parametrize(
    ("attribute", "bad", "good"),
    [
        ("VisibilityTimeout", "43201", "43200"),
        ("VisibilityTimeout", "-1", "0"),
        ("DelaySeconds", "901", "900"),
        ("MessageRetentionPeriod", "59", "60"),
        ("MessageRetentionPeriod", "1209601", "1209600"),
        ("MaximumMessageSize", "1023", "1024"),
        ("MaximumMessageSize", "1048577", "1048576"),
        ("ReceiveMessageWaitTimeSeconds", "21", "20"),
        ("KmsDataKeyReusePeriodSeconds", "59", "86400"),
        ("VisibilityTimeout", "ten", "10"),
    ],
)
async def test_attribute_ranges(sqs: SqsService, attribute: str, bad: str, good: str) -> None:
    with pytest.raises(InvalidAttributeValue, match=rf"^Invalid value for the parameter {attribute}.$"):
        await sqs.create_queue("q", {attribute: bad})
    url = await sqs.create_queue("q", {attribute: good})
    with pytest.raises(InvalidAttributeValue):
        await sqs.set_queue_attributes(url, {attribute: bad})


async def test_unknown_and_fifo_only_attributes_are_refused_on_standard_queues(sqs: SqsService) -> None:
    with pytest.raises(InvalidAttributeName, match=r"^Unknown Attribute Colour.$"):
        await sqs.create_queue("q", {"Colour": "blue"})
    with pytest.raises(InvalidAttributeName, match=r"Unknown Attribute ContentBasedDeduplication"):
        await sqs.create_queue("q", {"ContentBasedDeduplication": "true"})
    url = await sqs.create_queue("q", {"FifoQueue": "false"})
    with pytest.raises(InvalidAttributeName):
        await sqs.set_queue_attributes(url, {"QueueArn": "x"})


async def test_kms_and_sqs_encryption_are_exclusive(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    with pytest.raises(InvalidAttributeName, match=r"one type of server-side encryption"):
        await sqs.set_queue_attributes(url, {"KmsMasterKeyId": "k", "SqsManagedSseEnabled": "true"})
    await sqs.set_queue_attributes(url, {"KmsMasterKeyId": "k"})
    got = sqs.get_queue_attributes(url, ["All"])
    assert (got["KmsMasterKeyId"], got["KmsDataKeyReusePeriodSeconds"], got["SqsManagedSseEnabled"]) == (
        "k",
        "300",
        "false",
    )


async def test_creating_an_existing_queue(sqs: SqsService) -> None:
    url = await sqs.create_queue("q", {"DelaySeconds": "5"})
    assert await sqs.create_queue("q", {"DelaySeconds": "5"}) == url
    assert await sqs.create_queue("q") == url  # attributes not given are not compared
    with pytest.raises(QueueNameExists, match=r"different value for attribute DelaySeconds$"):
        await sqs.create_queue("q", {"DelaySeconds": "6"})


async def test_get_queue_url_and_missing_queues(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    assert sqs.get_queue_url("q") == url
    assert sqs.get_queue_url("q", owner="000000000000") == url
    with pytest.raises(QueueDoesNotExist, match=r"^The specified queue does not exist.$"):
        sqs.get_queue_url("nope")
    with pytest.raises(QueueDoesNotExist):
        sqs.get_queue_url("q", scope=Location(region="eu-west-1"))
    with pytest.raises(QueueDoesNotExist):
        await sqs.send_message(f"{BASE}/nope", OutgoingMessage("x"))


async def test_any_host_form_of_a_queue_url_works(sqs: SqsService) -> None:
    await sqs.create_queue("q")
    for url in (
        "http://127.0.0.1:9999/000000000000/q",
        "https://sqs.us-east-1.amazonaws.com/000000000000/q",
        "http://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/q",
        "q",
    ):
        await sqs.send_message(url, OutgoingMessage("x"))
    assert sqs.get_queue_attributes("q", ["ApproximateNumberOfMessages"]) == {"ApproximateNumberOfMessages": "4"}
    with pytest.raises(QueueDoesNotExist):
        await sqs.send_message("https://sqs.eu-west-1.amazonaws.com/000000000000/q", OutgoingMessage("x"))


async def test_base_url_is_the_endpoint(sqs: SqsService) -> None:
    sqs.base_url = "http://127.0.0.1:4566"
    assert await sqs.create_queue("q") == "http://127.0.0.1:4566/000000000000/q"


async def test_list_queues_with_prefix_and_pages(sqs: SqsService) -> None:
    for name in ("b", "a", "ab", "c"):
        await sqs.create_queue(name)
    await sqs.create_queue("elsewhere", scope=Location(region="eu-west-1"))
    urls, token = sqs.list_queues()
    assert urls == [f"{BASE}/{name}" for name in ("a", "ab", "b", "c")] and token is None
    assert sqs.list_queues("a")[0] == [f"{BASE}/a", f"{BASE}/ab"]
    first, token = sqs.list_queues(max_results=3)
    assert len(first) == 3 and token is not None
    rest, end = sqs.list_queues(max_results=3, next_token=token)
    assert rest == [f"{BASE}/c"] and end is None
    with pytest.raises(InvalidParameterValue, match=r"MaxResults"):
        sqs.list_queues(max_results=1001)


async def test_get_queue_attributes_by_name(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    assert sqs.get_queue_attributes(url, []) == {}
    assert sqs.get_queue_attributes(url, ["VisibilityTimeout", "Policy"]) == {"VisibilityTimeout": "30"}
    with pytest.raises(InvalidAttributeName, match=r"Unknown Attribute Bogus."):
        sqs.get_queue_attributes(url, ["Bogus"])


async def test_set_queue_attributes_changes_last_modified(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q")
    await clock.advance(100)
    await sqs.set_queue_attributes(url, {"VisibilityTimeout": "60", "Policy": json.dumps({"Version": "2012-10-17"})})
    got = sqs.get_queue_attributes(url, ["All"])
    assert got["VisibilityTimeout"] == "60"
    assert int(got["LastModifiedTimestamp"]) == int(got["CreatedTimestamp"]) + 100
    assert json.loads(got["Policy"]) == {"Version": "2012-10-17"}
    with pytest.raises(InvalidAttributeValue, match=r"Policy"):
        await sqs.set_queue_attributes(url, {"Policy": "not json"})


async def test_delete_queue(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    await sqs.send_message(url, OutgoingMessage("x"))
    await sqs.delete_queue(url)
    with pytest.raises(QueueDoesNotExist):
        sqs.get_queue_url("q")
    url = await sqs.create_queue("q")
    assert sqs.get_queue_attributes(url, ["ApproximateNumberOfMessages"])["ApproximateNumberOfMessages"] == "0"


async def test_purge_once_a_minute(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q")
    await sqs.send_message(url, OutgoingMessage("x"))
    await sqs.purge_queue(url)
    assert sqs.get_queue_attributes(url, ["ApproximateNumberOfMessages"])["ApproximateNumberOfMessages"] == "0"
    await clock.advance(59)
    with pytest.raises(PurgeQueueInProgress, match=r"^Only one PurgeQueue operation on q is allowed every 60 seconds"):
        await sqs.purge_queue(url)
    await clock.advance(1)
    await sqs.purge_queue(url)


async def test_tags(sqs: SqsService) -> None:
    url = await sqs.create_queue("q", tags={"team": "a"})
    await sqs.tag_queue(url, {"env": "dev", "team": "b"})
    assert sqs.list_queue_tags(url) == {"team": "b", "env": "dev"}
    await sqs.untag_queue(url, ["team", "missing"])
    assert sqs.list_queue_tags(url) == {"env": "dev"}
    with pytest.raises(InvalidParameterValue):
        await sqs.tag_queue(url, {f"k{n}": "v" for n in range(51)})


async def test_redrive_policy_rules(sqs: SqsService) -> None:
    dlq = await sqs.create_queue("dlq")
    arn = "arn:aws:sqs:us-east-1:000000000000:dlq"

    def policy(target: str = arn, count: object = 3) -> dict[str, str]:
        return {"RedrivePolicy": json.dumps({"deadLetterTargetArn": target, "maxReceiveCount": count})}

    url = await sqs.create_queue("q", policy(count="3"))
    assert json.loads(sqs.get_queue_attributes(url, ["RedrivePolicy"])["RedrivePolicy"]) == {
        "deadLetterTargetArn": arn,
        "maxReceiveCount": 3,
    }
    with pytest.raises(InvalidParameterValue, match=r"Reason: Invalid value for deadLetterTargetArn."):
        await sqs.create_queue("r", policy(target="dummy"))
    with pytest.raises(InvalidParameterValue, match=r"Reason: Dead letter target does not exist."):
        await sqs.create_queue("r", policy(target=arn + "x"))
    with pytest.raises(InvalidParameterValue, match=r"valid values are from 1 to 1000 both inclusive"):
        await sqs.create_queue("r", policy(count=1001))
    with pytest.raises(InvalidParameterValue, match=r"mandatory attribute: maxReceiveCount"):
        await sqs.create_queue("r", {"RedrivePolicy": json.dumps({"deadLetterTargetArn": arn})})
    with pytest.raises(InvalidParameterValue, match=r"not a valid JSON map"):
        await sqs.create_queue("r", {"RedrivePolicy": "{"})
    with pytest.raises(InvalidParameterValue, match=r"same type of queue"):
        await sqs.create_queue("r.fifo", {"FifoQueue": "true", **policy()})
    await sqs.set_queue_attributes(url, {"RedrivePolicy": ""})
    assert sqs.get_queue_attributes(url, ["RedrivePolicy"]) == {}
    assert sqs.list_dead_letter_source_queues(dlq) == ([], None)


async def test_redrive_allow_policy(sqs: SqsService) -> None:
    deny = json.dumps({"redrivePermission": "denyAll"})
    dlq = await sqs.create_queue("dlq", {"RedriveAllowPolicy": deny})
    policy = {
        "RedrivePolicy": json.dumps(
            {"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:dlq", "maxReceiveCount": 1}
        )
    }
    with pytest.raises(InvalidParameterValue, match=r"is not allowed to use"):
        await sqs.create_queue("q", policy)
    by_queue = {"redrivePermission": "byQueue", "sourceQueueArns": ["arn:aws:sqs:us-east-1:000000000000:q"]}
    await sqs.set_queue_attributes(dlq, {"RedriveAllowPolicy": json.dumps(by_queue)})
    await sqs.create_queue("q", policy)
    with pytest.raises(InvalidParameterValue, match=r"is not allowed to use"):
        await sqs.create_queue("other", policy)
    with pytest.raises(InvalidParameterValue, match=r"source queue ARNs"):
        await sqs.set_queue_attributes(dlq, {"RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue"})})
    assert sqs.list_dead_letter_source_queues(dlq) == ([f"{BASE}/q"], None)
