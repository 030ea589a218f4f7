"""ReportBatchItemFailures: which messages are deleted and which return, for every edge case (spec §2.2)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from esm_fakes import FunctionFailed, Harness

from triggerfish.core.queue_port import ReceivedMessage
from triggerfish.services.lambda_.mappings.results import judge

REPORT = ["ReportBatchItemFailures"]


@pytest.fixture
async def esm() -> AsyncIterator[Harness]:
    harness = await Harness().start()
    yield harness
    await harness.close()


def _messages(*ids: str) -> list[ReceivedMessage]:
    return [ReceivedMessage(i, f"h-{i}", i, "", {}) for i in ids]


def _ids(messages: tuple[ReceivedMessage, ...]) -> list[str]:
    return [m.message_id for m in messages]


@pytest.mark.parametrize(
    "payload",
    [b"null", b"{}", b'{"batchItemFailures": []}', b'{"batchItemFailures": null}', b"", b'{"other": 1}'],
)
def test_complete_success_responses_delete_everything(payload: bytes) -> None:
    verdict = judge(_messages("a", "b"), payload, None, report_item_failures=True, fifo=False)
    assert (_ids(verdict.done), _ids(verdict.failed)) == (["a", "b"], [])


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        b'{"batchItemFailures": [{"itemIdentifier": ""}]}',
        b'{"batchItemFailures": [{"itemIdentifier": null}]}',
        b'{"batchItemFailures": [{"foo": "a"}]}',
        b'{"batchItemFailures": [{"itemIdentifier": "not-in-batch"}]}',
        b'{"batchItemFailures": [{"itemIdentifier": "a"}, {"itemIdentifier": "zzz"}]}',
        b'{"batchItemFailures": "a"}',
        b'{"batchItemFailures": ["a"]}',
        b'"a string"',
        b"[]",
    ],
)
def test_malformed_responses_fail_the_whole_batch(payload: bytes) -> None:
    verdict = judge(_messages("a", "b"), payload, None, report_item_failures=True, fifo=False)
    assert (_ids(verdict.done), _ids(verdict.failed)) == ([], ["a", "b"])


def test_listed_ids_return_and_the_rest_are_deleted() -> None:
    payload = b'{"batchItemFailures": [{"itemIdentifier": "b"}, {"itemIdentifier": "d"}]}'
    verdict = judge(_messages("a", "b", "c", "d"), payload, None, report_item_failures=True, fifo=False)
    assert (_ids(verdict.done), _ids(verdict.failed)) == (["a", "c"], ["b", "d"])


def test_fifo_returns_the_first_failure_and_everything_after_it() -> None:
    payload = b'{"batchItemFailures": [{"itemIdentifier": "c"}]}'
    verdict = judge(_messages("a", "b", "c", "d"), payload, None, report_item_failures=True, fifo=True)
    assert (_ids(verdict.done), _ids(verdict.failed)) == (["a", "b"], ["c", "d"])


def test_a_function_error_fails_the_batch_even_with_item_failures() -> None:
    payload = b'{"batchItemFailures": []}'
    verdict = judge(_messages("a"), payload, "Unhandled", report_item_failures=True, fifo=False)
    assert _ids(verdict.failed) == ["a"]


def test_without_the_response_type_the_response_is_ignored() -> None:
    payload = b'{"batchItemFailures": [{"itemIdentifier": "a"}]}'
    verdict = judge(_messages("a"), payload, None, report_item_failures=False, fifo=False)
    assert _ids(verdict.done) == ["a"]


async def test_partial_failure_redelivers_only_the_listed_messages(esm: Harness) -> None:
    async def half(event: dict[str, Any]) -> object:
        failed = [r["messageId"] for r in event["Records"] if r["body"].startswith("bad")]
        return {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}

    esm.functions.add("f", half)
    queue = esm.queue.create("q", visibility_timeout=30)
    await esm.map("f", queue, function_response_types=REPORT, enabled=False)
    esm.queue.send_many(queue, ["good1", "bad1", "good2"])
    await esm.mappings.update(esm.mappings.list()[0].uuid, enabled=True)
    await esm.settle()
    assert esm.queue.bodies(queue) == ["bad1"]
    assert esm.queue.in_flight(queue) == ["bad1"]
    await esm.advance(30)
    assert [call.bodies for call in esm.functions.calls] == [["good1", "bad1", "good2"], ["bad1"]]


async def test_a_malformed_response_redelivers_the_whole_batch(esm: Harness) -> None:
    async def wrong_key(event: dict[str, Any]) -> object:
        return {"batchItemFailures": [{"foo": "notvalid"}]}

    esm.functions.add("f", wrong_key)
    queue = esm.queue.create("q", visibility_timeout=30)
    await esm.map("f", queue, function_response_types=REPORT)
    esm.queue.send(queue, "m")
    await esm.settle()
    assert esm.queue.in_flight(queue) == ["m"]


async def test_fifo_partial_failure_keeps_group_order(esm: Harness) -> None:
    seen: list[list[str]] = []

    async def stop_at_b(event: dict[str, Any]) -> object:
        bodies = [r["body"] for r in event["Records"]]
        seen.append(bodies)
        if len(seen) == 1:
            # fails "b"; "c" ran fine but must come back too, after "b"
            return {"batchItemFailures": [{"itemIdentifier": event["Records"][1]["messageId"]}]}
        return None

    esm.functions.add("f", stop_at_b)
    queue = esm.queue.create("q.fifo", visibility_timeout=30)
    await esm.map("f", queue, function_response_types=REPORT, enabled=False)
    esm.queue.send_many(queue, ["a", "b", "c"], group="g")
    await esm.mappings.update(esm.mappings.list()[0].uuid, enabled=True)
    await esm.settle()
    assert esm.queue.bodies(queue) == ["b", "c"]
    await esm.advance(30)
    assert seen == [["a", "b", "c"], ["b", "c"]]
    assert esm.queue.bodies(queue) == []


async def test_a_thrown_error_with_item_failures_enabled_fails_everything(esm: Harness) -> None:
    async def throws(event: dict[str, Any]) -> object:
        raise FunctionFailed("no")

    esm.functions.add("f", throws)
    queue = esm.queue.create("q")
    await esm.map("f", queue, function_response_types=REPORT)
    esm.queue.send_many(queue, ["a"])
    await esm.settle()
    assert esm.queue.in_flight(queue) == ["a"]
