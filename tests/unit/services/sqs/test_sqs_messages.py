"""Messages on a standard queue: send, receive, delete, visibility, delays, retention, limits (spec §2.1)."""

from __future__ import annotations

import hashlib

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.core.delivery import MessageAttribute
from triggerfish.services.sqs import SqsService
from triggerfish.services.sqs.errors import (
    BatchEntryIdsNotDistinct,
    BatchRequestTooLong,
    EmptyBatchRequest,
    InvalidBatchEntryId,
    InvalidMessageContents,
    InvalidParameterValue,
    MissingParameter,
    ReceiptHandleIsInvalid,
    TooManyEntriesInBatchRequest,
)
from triggerfish.services.sqs.models import OutgoingMessage

MiB = 1_048_576


def counts(sqs: SqsService, url: str) -> tuple[int, int, int]:
    got = sqs.get_queue_attributes(url, ["All"])
    return (
        int(got["ApproximateNumberOfMessages"]),
        int(got["ApproximateNumberOfMessagesNotVisible"]),
        int(got["ApproximateNumberOfMessagesDelayed"]),
    )


async def test_send_receive_delete(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q")
    sent = await sqs.send_message(url, OutgoingMessage("hello"))
    assert sent.md5_of_body == hashlib.md5(b"hello").hexdigest()
    assert sent.sequence_number is None
    assert counts(sqs, url) == (1, 0, 0)
    (got,) = await sqs.receive_message(url)
    assert (got.message_id, got.body, got.md5_of_body) == (sent.message_id, "hello", sent.md5_of_body)
    assert got.attributes["ApproximateReceiveCount"] == "1"
    assert got.attributes["SentTimestamp"] == str(int(clock.now() * 1000))
    assert got.attributes["ApproximateFirstReceiveTimestamp"] == str(int(clock.now() * 1000))
    assert got.attributes["SenderId"] == "000000000000"
    assert counts(sqs, url) == (0, 1, 0)
    await sqs.delete_message(url, got.receipt_handle)
    assert counts(sqs, url) == (0, 0, 0)
    await sqs.delete_message(url, got.receipt_handle)  # deleting twice succeeds


async def test_visibility_timeout_returns_the_message(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q", {"VisibilityTimeout": "30"})
    await sqs.send_message(url, OutgoingMessage("m"))
    first = (await sqs.receive_message(url))[0]
    await clock.advance(29.9)
    assert await sqs.receive_message(url) == []
    await clock.advance(0.1)
    again = (await sqs.receive_message(url, visibility_timeout=5))[0]
    assert again.attributes["ApproximateReceiveCount"] == "2"
    assert again.attributes["ApproximateFirstReceiveTimestamp"] == first.attributes["ApproximateFirstReceiveTimestamp"]
    assert again.receipt_handle != first.receipt_handle
    await clock.advance(5)
    assert len(await sqs.receive_message(url)) == 1


async def test_an_older_receipt_handle_does_not_delete(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q", {"VisibilityTimeout": "1"})
    await sqs.send_message(url, OutgoingMessage("m"))
    old = (await sqs.receive_message(url))[0].receipt_handle
    await clock.advance(1)
    (current,) = await sqs.receive_message(url)
    await sqs.delete_message(url, old)
    assert counts(sqs, url) == (0, 1, 0)
    await sqs.delete_message(url, current.receipt_handle)
    assert counts(sqs, url) == (0, 0, 0)


async def test_the_latest_handle_deletes_after_its_visibility_ran_out(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q", {"VisibilityTimeout": "1"})
    await sqs.send_message(url, OutgoingMessage("m"))
    (got,) = await sqs.receive_message(url)
    await clock.advance(2)
    await sqs.delete_message(url, got.receipt_handle)
    assert counts(sqs, url) == (0, 0, 0)


async def test_malformed_receipt_handles(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    with pytest.raises(
        ReceiptHandleIsInvalid, match=r'^The input receipt handle "nope!" is not a valid receipt handle\.$'
    ):
        await sqs.delete_message(url, "nope!")
    with pytest.raises(ReceiptHandleIsInvalid):
        await sqs.change_message_visibility(url, "bm9wZQ==", 10)


async def test_change_message_visibility(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q")
    await sqs.send_message(url, OutgoingMessage("m"))
    (got,) = await sqs.receive_message(url)
    await sqs.change_message_visibility(url, got.receipt_handle, 100)
    await clock.advance(99)
    assert await sqs.receive_message(url) == []
    await clock.advance(1)
    (again,) = await sqs.receive_message(url)
    await sqs.change_message_visibility(url, again.receipt_handle, 0)
    assert counts(sqs, url) == (1, 0, 0)
    with pytest.raises(InvalidParameterValue, match=r"VisibilityTimeout must be an integer between 0 and 43200"):
        await sqs.change_message_visibility(url, again.receipt_handle, 43201)


async def test_visibility_changes_total_at_most_twelve_hours(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q")
    await sqs.send_message(url, OutgoingMessage("m"))
    (got,) = await sqs.receive_message(url)
    await clock.advance(20)
    with pytest.raises(
        InvalidParameterValue, match=r"Total VisibilityTimeout for the message is beyond the limit \[43200 seconds\]"
    ):
        await sqs.change_message_visibility(url, got.receipt_handle, 43_190)
    await sqs.change_message_visibility(url, got.receipt_handle, 43_180)


async def test_changing_visibility_of_a_visible_or_deleted_message(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q", {"VisibilityTimeout": "1"})
    await sqs.send_message(url, OutgoingMessage("m"))
    (got,) = await sqs.receive_message(url)
    await clock.advance(1)
    await sqs.change_message_visibility(url, got.receipt_handle, 100)  # expired handle: OK, no change
    assert counts(sqs, url) == (1, 0, 0)
    await sqs.delete_message(url, got.receipt_handle)
    with pytest.raises(InvalidParameterValue, match=r"Message does not exist or is not available"):
        await sqs.change_message_visibility(url, got.receipt_handle, 10)


async def test_queue_delay_and_message_delay(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q", {"DelaySeconds": "10"})
    await sqs.send_message(url, OutgoingMessage("queue delay"))
    await sqs.send_message(url, OutgoingMessage("own delay", delay_seconds=2))
    await sqs.send_message(url, OutgoingMessage("no delay", delay_seconds=0))
    assert counts(sqs, url) == (1, 0, 2)
    assert [m.body for m in await sqs.receive_message(url, max_messages=10)] == ["no delay"]
    await clock.advance(2)
    assert [m.body for m in await sqs.receive_message(url, max_messages=10)] == ["own delay"]
    await clock.advance(8)
    assert [m.body for m in await sqs.receive_message(url, max_messages=10)] == ["queue delay"]
    with pytest.raises(InvalidParameterValue, match=r"DelaySeconds must be >= 0 and <= 900"):
        await sqs.send_message(url, OutgoingMessage("x", delay_seconds=901))


async def test_retention_drops_old_messages(sqs: SqsService, clock: VirtualClock) -> None:
    url = await sqs.create_queue("q", {"MessageRetentionPeriod": "60"})
    await sqs.send_message(url, OutgoingMessage("old"))
    await clock.advance(30)
    await sqs.send_message(url, OutgoingMessage("new"))
    await clock.advance(30)
    assert counts(sqs, url) == (1, 0, 0)
    assert [m.body for m in await sqs.receive_message(url, max_messages=10)] == ["new"]
    await clock.advance(30)
    assert counts(sqs, url) == (0, 0, 0)


async def test_receive_parameters(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    with pytest.raises(
        InvalidParameterValue,
        match=r"^Value 11 for parameter MaxNumberOfMessages is invalid\. Reason: Must be between 1 and 10, if provided",
    ):
        await sqs.receive_message(url, max_messages=11)
    with pytest.raises(InvalidParameterValue, match=r"Value 21 for parameter WaitTimeSeconds is invalid"):
        await sqs.receive_message(url, wait_time=21)
    with pytest.raises(InvalidParameterValue, match=r"Value 43201 for parameter VisibilityTimeout"):
        await sqs.receive_message(url, visibility_timeout=43201)


async def test_receive_returns_up_to_ten_in_send_order(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    for n in range(12):
        await sqs.send_message(url, OutgoingMessage(str(n)))
    assert [m.body for m in await sqs.receive_message(url, max_messages=10)] == [str(n) for n in range(10)]
    assert [m.body for m in await sqs.receive_message(url, max_messages=10)] == ["10", "11"]


async def test_body_rules(sqs: SqsService) -> None:
    url = await sqs.create_queue("q", {"MaximumMessageSize": "1024"})
    with pytest.raises(MissingParameter, match=r"^The request must contain the parameter MessageBody.$"):
        await sqs.send_message(url, OutgoingMessage(""))
    with pytest.raises(InvalidMessageContents, match=r"Invalid binary character '#x0' was found in the message body"):
        await sqs.send_message(url, OutgoingMessage("a\x00b"))
    with pytest.raises(InvalidMessageContents, match=r"#xFFFE"):
        await sqs.send_message(url, OutgoingMessage("\ufffe"))
    await sqs.send_message(url, OutgoingMessage("\t\n\r ok 🐟 \ud7ff"))
    await sqs.send_message(url, OutgoingMessage("x" * 1024))
    with pytest.raises(
        InvalidParameterValue,
        match=r"^One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes.$",
    ):
        await sqs.send_message(url, OutgoingMessage("x" * 1025))


async def test_one_mebibyte_is_the_default_limit(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    await sqs.send_message(url, OutgoingMessage("x" * MiB))
    with pytest.raises(InvalidParameterValue, match=r"shorter than 1048576 bytes"):
        await sqs.send_message(
            url, OutgoingMessage("x" * (MiB - 3), attributes={"a": MessageAttribute("String", "bc")})
        )


async def test_message_attributes(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    attributes = {
        "s": MessageAttribute("String", "text"),
        "n": MessageAttribute("Number.int", "-1.5e3"),
        "b": MessageAttribute("Binary.gif", binary_value=b"\x00\xff"),
    }
    sent = await sqs.send_message(url, OutgoingMessage("m", attributes=attributes))
    (got,) = await sqs.receive_message(url)
    assert got.message_attributes == attributes
    assert got.md5_of_message_attributes == sent.md5_of_attributes is not None


@pytest.mark.parametrize(
    ("attributes", "message"),
    [
        (
            {f"a{n}": MessageAttribute("String", "v") for n in range(11)},
            r"Number of message attributes \[11\] exceeds the allowed maximum \[10\]",
        ),
        ({"AWS.x": MessageAttribute("String", "v")}, "reserved"),
        ({"a..b": MessageAttribute("String", "v")}, "is invalid"),
        ({".a": MessageAttribute("String", "v")}, "is invalid"),
        ({"a": MessageAttribute("Text", "v")}, "supported type prefixes: Binary, Number, String"),
        ({"a": MessageAttribute("", "v")}, "must contain non-empty message attribute type"),
        ({"a": MessageAttribute("String", "")}, "must contain non-empty message attribute value"),
        ({"a": MessageAttribute("Number", "ten")}, "Could not cast message attribute 'a' value to number"),
        ({"a": MessageAttribute("Binary", "text")}, "must use field 'Binary'"),
        ({"a": MessageAttribute("String", binary_value=b"x")}, "must use field 'String'"),
    ],
)
async def test_message_attribute_rules(sqs: SqsService, attributes: dict[str, MessageAttribute], message: str) -> None:
    url = await sqs.create_queue("q")
    with pytest.raises(InvalidParameterValue, match=message):
        await sqs.send_message(url, OutgoingMessage("m", attributes=attributes))


async def test_trace_header_system_attribute(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    trace = {"AWSTraceHeader": MessageAttribute("String", "Root=1-5759e988-bd862e3fe1be46a994272793")}
    sent = await sqs.send_message(url, OutgoingMessage("m", system_attributes=trace))
    assert sent.md5_of_system_attributes is not None
    (got,) = await sqs.receive_message(url)
    assert got.attributes["AWSTraceHeader"] == "Root=1-5759e988-bd862e3fe1be46a994272793"
    with pytest.raises(InvalidParameterValue, match=r"Message system attribute name 'Other' is invalid"):
        await sqs.send_message(url, OutgoingMessage("m", system_attributes={"Other": MessageAttribute("String", "x")}))


async def test_standard_queues_refuse_deduplication_ids(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    with pytest.raises(InvalidParameterValue, match=r"not valid for this queue type"):
        await sqs.send_message(url, OutgoingMessage("m", deduplication_id="d"))
    await sqs.send_message(url, OutgoingMessage("m", group_id="tenant-1"))  # fair queues take a group id


async def test_send_batch(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    outcome = await sqs.send_message_batch(
        url, [("a", OutgoingMessage("1")), ("b", OutgoingMessage("\x01")), ("c", OutgoingMessage("3"))]
    )
    assert [entry_id for entry_id, _ in outcome.successful] == ["a", "c"]
    (failure,) = outcome.failed
    assert (failure.id, failure.code, failure.sender_fault) == ("b", "InvalidMessageContents", True)
    assert counts(sqs, url) == (2, 0, 0)


async def test_batch_rules(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    with pytest.raises(
        EmptyBatchRequest, match=r"^There should be at least one SendMessageBatchRequestEntry in the request.$"
    ):
        await sqs.send_message_batch(url, [])
    with pytest.raises(
        TooManyEntriesInBatchRequest, match=r"^Maximum number of entries per request are 10. You have sent 11.$"
    ):
        await sqs.send_message_batch(url, [(str(n), OutgoingMessage("x")) for n in range(11)])
    with pytest.raises(InvalidBatchEntryId, match=r"can only contain alphanumeric characters, hyphens and underscores"):
        await sqs.send_message_batch(url, [("bad:id", OutgoingMessage("x"))])
    with pytest.raises(InvalidBatchEntryId):
        await sqs.send_message_batch(url, [("x" * 81, OutgoingMessage("x"))])
    with pytest.raises(BatchEntryIdsNotDistinct, match=r"^Id a repeated.$"):
        await sqs.send_message_batch(url, [("a", OutgoingMessage("x")), ("a", OutgoingMessage("y"))])
    big = [(str(n), OutgoingMessage("x" * (MiB // 2))) for n in range(2)] + [("z", OutgoingMessage("x"))]
    with pytest.raises(
        BatchRequestTooLong, match=rf"^Batch requests cannot be longer than {MiB} bytes\. You have sent {MiB + 1} bytes"
    ):
        await sqs.send_message_batch(url, big)
    with pytest.raises(EmptyBatchRequest, match=r"DeleteMessageBatchRequestEntry"):
        await sqs.delete_message_batch(url, [])


async def test_delete_and_visibility_batches(sqs: SqsService) -> None:
    url = await sqs.create_queue("q")
    await sqs.send_message_batch(url, [(str(n), OutgoingMessage(str(n))) for n in range(3)])
    got = await sqs.receive_message(url, max_messages=3)
    changed = await sqs.change_message_visibility_batch(
        url, [("a", got[0].receipt_handle, 0), ("b", "garbage!", 0), ("c", got[1].receipt_handle, 99_999)]
    )
    assert [entry_id for entry_id, _ in changed.successful] == ["a"]
    assert {(f.id, f.code) for f in changed.failed} == {("b", "ReceiptHandleIsInvalid"), ("c", "InvalidParameterValue")}
    deleted = await sqs.delete_message_batch(
        url, [("x", got[1].receipt_handle), ("y", got[2].receipt_handle), ("z", "bad!")]
    )
    assert [entry_id for entry_id, _ in deleted.successful] == ["x", "y"]
    assert [(f.id, f.code) for f in deleted.failed] == [("z", "ReceiptHandleIsInvalid")]
    assert counts(sqs, url) == (1, 0, 0)
