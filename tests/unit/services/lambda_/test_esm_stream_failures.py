"""Stream mappings on function errors: retries, bisection, item failures, record age, OnFailure (§7.1)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from stream_fakes import BUCKET_ARN, QUEUE_ARN, FunctionFailed, Rig, failing_on, reporting

from triggerfish.core.stream_port import StreamKind


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    rig = Rig()
    yield rig
    await rig.stop()


def flat(rig: Rig) -> list[str]:
    return [d for call in rig.calls for d in call.data]


async def test_function_error_retries_the_whole_batch_until_it_succeeds(rig: Rig) -> None:
    failures = 2

    async def flaky(event: dict[str, Any]) -> None:
        nonlocal failures
        if failures:
            failures -= 1
            raise FunctionFailed("not yet")

    rig.handle(flaky)
    poller = await rig.start(batch_size=10)
    rig.stream.put_many(["1", "2"])
    await rig.settle()
    assert poller.last_processing_result == "PROBLEM: Function call failed"
    await rig.advance(1)
    await rig.advance(2)
    assert [call.data for call in rig.calls] == [["1", "2"]] * 3
    assert poller.last_processing_result == "OK"
    assert rig.deliverer.delivered == []


async def test_the_shard_is_blocked_while_a_batch_retries(rig: Rig) -> None:
    rig.handle(failing_on("bad"))
    await rig.start(batch_size=1, maximum_retry_attempts=2)
    rig.stream.put_many(["bad", "next"])
    await rig.settle()
    assert flat(rig) == ["bad"]
    await rig.run_until_quiet()
    assert flat(rig) == ["bad", "bad", "bad", "next"]


async def test_retries_back_off_exponentially(rig: Rig) -> None:
    rig.handle(failing_on("bad"))
    await rig.start(batch_size=1, maximum_retry_attempts=4, retry_base_delay=1.0)
    rig.stream.put("bad")
    await rig.run_until_quiet()
    starts = [call.at - rig.calls[0].at for call in rig.calls]
    assert starts == [0, 1, 3, 7, 15]


async def test_backoff_is_capped(rig: Rig) -> None:
    rig.handle(failing_on("bad"))
    await rig.start(batch_size=1, maximum_retry_attempts=9, retry_base_delay=1.0)
    rig.stream.put("bad")
    await rig.run_until_quiet()
    gaps = [b.at - a.at for a, b in zip(rig.calls, rig.calls[1:], strict=False)]
    assert max(gaps) == 60


async def test_retries_exhausted_sends_an_on_failure_record(rig: Rig) -> None:
    rig.handle(failing_on("bad"))
    await rig.start(batch_size=1, maximum_retry_attempts=1, on_failure_destination=QUEUE_ARN)
    record = rig.stream.put("bad", "custom")
    await rig.run_until_quiet()
    assert len(rig.calls) == 2
    [(arn, _)] = rig.deliverer.delivered
    assert arn == QUEUE_ARN
    body = rig.deliverer.bodies()[0]
    assert list(body) == ["requestContext", "responseContext", "version", "timestamp", "KinesisBatchInfo"]
    assert body["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert body["requestContext"]["approximateInvokeCount"] == 2
    assert body["requestContext"]["functionArn"] == rig.functions.function.arn
    assert body["requestContext"]["requestId"] == "r-2"
    assert body["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    assert body["version"] == "1.0"
    info = body["KinesisBatchInfo"]
    assert info["shardId"] == "shardId-000000000000"
    assert info["startSequenceNumber"] == info["endSequenceNumber"] == record.sequence_number
    assert info["batchSize"] == 1
    assert info["streamArn"] == rig.stream.arn
    assert info["approximateArrivalOfFirstRecord"] == "2023-11-14T22:13:20.000Z"
    assert body["timestamp"].endswith("Z") and "." in body["timestamp"]


async def test_zero_retries_discards_after_one_invoke(rig: Rig) -> None:
    rig.handle(failing_on("bad"))
    await rig.start(batch_size=10, maximum_retry_attempts=0, on_failure_destination=QUEUE_ARN)
    rig.stream.put_many(["bad", "also"])
    await rig.settle()
    assert len(rig.calls) == 1
    assert rig.deliverer.bodies()[0]["KinesisBatchInfo"]["batchSize"] == 2
    rig.handle(failing_on())
    rig.stream.put("later")
    await rig.settle()
    assert flat(rig)[-1:] == ["later"]


async def test_discarded_batch_without_destination_moves_on(rig: Rig) -> None:
    rig.handle(failing_on("bad"))
    await rig.start(batch_size=1, maximum_retry_attempts=0)
    records = rig.stream.put_many(["bad", "good"])
    await rig.settle()
    assert flat(rig) == ["bad", "good"]
    assert rig.checkpoint()["position"] == records[-1].position  # type: ignore[index]


async def test_dynamodb_on_failure_record() -> None:
    rig = Rig(kind=StreamKind.DYNAMODB)
    rig.handle(failing_on("bad"))
    await rig.start(batch_size=1, maximum_retry_attempts=1, on_failure_destination=QUEUE_ARN)
    rig.stream.put("bad")
    await rig.run_until_quiet()
    body = rig.deliverer.bodies()[0]
    info = body["DDBStreamBatchInfo"]
    assert "KinesisBatchInfo" not in body
    assert info["approximateArrivalOfFirstRecord"] == "2023-11-14T22:13:20Z"
    assert info["streamArn"] == rig.stream.arn
    await rig.stop()


async def test_s3_destination_gets_the_payload_and_a_dated_key(rig: Rig) -> None:
    rig.handle(failing_on("bad"))
    await rig.start(batch_size=1, maximum_retry_attempts=0, on_failure_destination=BUCKET_ARN)
    rig.stream.put("bad")
    await rig.settle()
    [(arn, delivery)] = rig.deliverer.delivered
    assert arn == BUCKET_ARN
    body = rig.deliverer.bodies()[0]
    assert body["payload"]["Records"][0]["kinesis"]["data"] == "YmFk"
    assert body["requestContext"]["condition"] == "RetryAttemptsExhausted"
    key = delivery.object_key
    assert key is not None
    prefix = f"aws/lambda/{rig.mapping.uuid}/shardId-000000000000/2023/11/14/2023-11-14T22.13.20-"
    assert key.startswith(prefix)
    assert len(key) == len(prefix) + 36


async def test_a_failing_delivery_does_not_block_the_shard(rig: Rig) -> None:
    rig.deliverer.failing = True
    rig.handle(failing_on("bad"))
    await rig.start(batch_size=1, maximum_retry_attempts=0, on_failure_destination=QUEUE_ARN)
    rig.stream.put_many(["bad", "good"])
    await rig.settle()
    assert flat(rig) == ["bad", "good"]


async def test_bisect_isolates_a_poison_record(rig: Rig) -> None:
    rig.handle(failing_on("p"))
    await rig.start(
        batch_size=4, bisect_batch_on_function_error=True, maximum_retry_attempts=0, on_failure_destination=QUEUE_ARN
    )
    records = rig.stream.put_many(["a", "b", "p", "d"])
    await rig.run_until_quiet()
    assert [call.data for call in rig.calls] == [["a", "b", "p", "d"], ["a", "b"], ["p", "d"], ["p"], ["d"]]
    [body] = rig.deliverer.bodies()
    info = body["KinesisBatchInfo"]
    assert info["startSequenceNumber"] == records[2].sequence_number
    assert info["batchSize"] == 1
    assert rig.checkpoint()["position"] == records[-1].position  # type: ignore[index]


async def test_bisect_splits_do_not_count_as_retries(rig: Rig) -> None:
    rig.handle(failing_on("p"))
    await rig.start(
        batch_size=2, bisect_batch_on_function_error=True, maximum_retry_attempts=1, on_failure_destination=QUEUE_ARN
    )
    rig.stream.put_many(["p", "ok"])
    await rig.run_until_quiet()
    # the split, then one invoke of the poison record plus its one retry
    assert [call.data for call in rig.calls] == [["p", "ok"], ["p"], ["p"], ["ok"]]
    assert rig.deliverer.bodies()[0]["requestContext"]["approximateInvokeCount"] == 3


async def test_bisect_keeps_order_for_the_rest(rig: Rig) -> None:
    rig.handle(failing_on("p"))
    await rig.start(batch_size=8, bisect_batch_on_function_error=True, maximum_retry_attempts=0)
    rig.stream.put_many([str(i) for i in range(7)] + ["p"])
    rig.stream.put_many(["x", "y"])
    await rig.run_until_quiet()
    succeeded = [d for call in rig.calls if "p" not in call.data for d in call.data]
    assert succeeded == [str(i) for i in range(7)] + ["x", "y"]


async def test_item_failures_checkpoint_before_the_lowest_and_retry_from_there(rig: Rig) -> None:
    attempts: dict[str, int] = {}

    async def handler(event: dict[str, Any]) -> dict[str, Any]:
        failures = []
        for record in event["Records"]:
            sequence = record["kinesis"]["sequenceNumber"]
            attempts[sequence] = attempts.get(sequence, 0) + 1
            if record["kinesis"]["data"] in ("Yw==", "ZQ==") and attempts[sequence] == 1:  # c, e
                failures.append({"itemIdentifier": sequence})
        return {"batchItemFailures": failures}

    rig.handle(handler)
    await rig.start(batch_size=5, function_response_types=("ReportBatchItemFailures",), maximum_retry_attempts=5)
    rig.stream.put_many(["a", "b", "c", "d", "e"])
    await rig.run_until_quiet()
    assert [call.data for call in rig.calls] == [["a", "b", "c", "d", "e"], ["c", "d", "e"]]


async def test_item_failures_count_as_attempts(rig: Rig) -> None:
    rig.handle(reporting("f"))
    await rig.start(
        batch_size=3,
        maximum_retry_attempts=3,
        function_response_types=("ReportBatchItemFailures",),
        on_failure_destination=QUEUE_ARN,
    )
    records = rig.stream.put_many(["a", "b", "c", "d", "e", "f"])
    await rig.run_until_quiet()
    body = rig.deliverer.bodies()[0]
    assert body["requestContext"]["approximateInvokeCount"] == 4
    assert body["responseContext"]["functionError"] is None
    info = body["KinesisBatchInfo"]
    assert info["startSequenceNumber"] == records[5].sequence_number
    assert info["batchSize"] == 1


@pytest.mark.parametrize("response", [None, "", [], {}, {"batchItemFailures": []}, {"batchItemFailures": None}])
async def test_item_failure_success_responses(rig: Rig, response: object) -> None:
    async def handler(event: dict[str, Any]) -> object:
        return response

    rig.handle(handler)
    await rig.start(function_response_types=("ReportBatchItemFailures",), maximum_retry_attempts=2)
    rig.stream.put("x")
    await rig.run_until_quiet()
    assert len(rig.calls) == 1


@pytest.mark.parametrize(
    "response",
    [
        {"batchItemFailures": [{"itemIdentifier": 123}]},
        {"batchItemFailures": [{"itemIdentifier": ""}]},
        {"batchItemFailures": [{"itemIdentifier": None}]},
        {"batchItemFailures": [{"foo": 123}]},
        {"batchItemFailures": [{"foo": None}]},
        {"batchItemFailures": [{"itemIdentifier": "49999"}]},
    ],
)
async def test_item_failure_whole_batch_responses(rig: Rig, response: object) -> None:
    async def handler(event: dict[str, Any]) -> object:
        return response

    rig.handle(handler)
    await rig.start(
        batch_size=1,
        function_response_types=("ReportBatchItemFailures",),
        maximum_retry_attempts=2,
        on_failure_destination=QUEUE_ARN,
    )
    rig.stream.put("x")
    await rig.run_until_quiet()
    assert len(rig.calls) == 3
    body = rig.deliverer.bodies()[0]
    assert body["requestContext"]["approximateInvokeCount"] == 3
    assert body["responseContext"]["functionError"] is None


async def test_item_failures_are_ignored_without_report_batch_item_failures(rig: Rig) -> None:
    rig.handle(reporting("a"))
    await rig.start(maximum_retry_attempts=2)
    rig.stream.put("a")
    await rig.run_until_quiet()
    assert len(rig.calls) == 1


async def test_item_failures_with_bisect_split_at_the_reported_record(rig: Rig) -> None:
    rig.handle(reporting("c"))
    await rig.start(
        batch_size=4,
        function_response_types=("ReportBatchItemFailures",),
        bisect_batch_on_function_error=True,
        maximum_retry_attempts=0,
        on_failure_destination=QUEUE_ARN,
    )
    rig.stream.put_many(["a", "b", "c", "d"])
    await rig.run_until_quiet()
    assert [call.data for call in rig.calls][:2] == [["a", "b", "c", "d"], ["c", "d"]]
    infos = [b["KinesisBatchInfo"] for b in rig.deliverer.bodies()]
    assert [i["batchSize"] for i in infos] == [1]


async def test_max_record_age_discards_while_retrying(rig: Rig) -> None:
    rig.handle(failing_on("bad"))
    await rig.start(batch_size=1, maximum_record_age=60, on_failure_destination=QUEUE_ARN, retry_base_delay=1.0)
    rig.stream.put("bad")
    await rig.advance(30)
    rig.stream.put("next")
    await rig.run_until_quiet()
    [body] = rig.deliverer.bodies()
    assert body["requestContext"]["condition"] == "RecordAgeExceeded"
    assert "responseContext" not in body
    assert list(body) == ["requestContext", "version", "timestamp", "KinesisBatchInfo"]
    assert flat(rig)[-1] == "next"
    assert all(call.at - rig.calls[0].at <= 60 for call in rig.calls if call.data == ["bad"])


async def test_records_too_old_before_ingestion_are_never_invoked(rig: Rig) -> None:
    rig.stream.put("stale")
    await rig.clock.advance(120)
    fresh = rig.stream.put_many(["f1", "f2"])
    await rig.start(batch_size=10, maximum_record_age=60, maximum_retry_attempts=0, on_failure_destination=QUEUE_ARN)
    assert flat(rig) == ["f1", "f2"]
    body = rig.deliverer.bodies()[0]
    assert body["requestContext"]["condition"] == "RecordAgeExceeded"
    assert body["requestContext"]["approximateInvokeCount"] == 1
    assert body["KinesisBatchInfo"]["batchSize"] == 1
    assert rig.checkpoint()["position"] == fresh[-1].position  # type: ignore[index]


async def test_infinite_retries_do_not_keep_settling_busy(rig: Rig) -> None:
    rig.handle(failing_on("bad"))
    await rig.start(batch_size=1)
    rig.stream.put("bad")
    await rig.settle()
    assert rig.tracker.next_due() is None
    await rig.advance(1)
    assert len(rig.calls) == 2


async def test_bounded_retries_report_their_due_time(rig: Rig) -> None:
    rig.handle(failing_on("bad"))
    await rig.start(batch_size=1, maximum_retry_attempts=3, retry_base_delay=2.0)
    rig.stream.put("bad")
    await rig.settle()
    assert rig.tracker.next_due() == rig.clock.now() + 2.0


async def test_stop_drops_a_waiting_retry_unsettled() -> None:
    rig = Rig()
    rig.handle(failing_on("bad"))
    poller = await rig.start(batch_size=1)
    rig.stream.put("bad")
    await rig.settle()
    await poller.stop()
    await poller.finish()
    assert poller.in_flight == 0
    assert rig.checkpoint()["position"] is None  # type: ignore[index]
