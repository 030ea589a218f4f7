"""TargetDispatcher: what each kind of target receives, the inline first attempt, retries with backoff,
and durability of queued retries across a restart."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest
from events_delivery_fakes import (
    API_DESTINATION_ARN,
    DLQ_ARN,
    FUNCTION_ARN,
    OTHER_BUS_ARN,
    QUEUE_ARN,
    TOPIC_ARN,
    Rig,
    make_event,
    make_target,
    rule_ref,
)

from triggerfish.core.backoff import MAX_DELAY_FACTOR
from triggerfish.core.delivery import Delivery, DeliveryFailed
from triggerfish.core.errors import ServiceError, TooManyRequests
from triggerfish.services.events.api_destination_calls import ApiDestinationFailure
from triggerfish.services.events.errors import TargetFailure
from triggerfish.services.events.models import TargetSpec
from triggerfish.store.interfaces import AsyncEvent

DLQ = {"DeadLetterConfig": {"Arn": DLQ_ARN}}


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    opened = await Rig.open()
    yield opened
    await opened.close()


def throttled() -> DeliveryFailed:
    try:
        raise TooManyRequests("Rate Exceeded.")
    except TooManyRequests as exc:
        failed = DeliveryFailed(str(exc))
        failed.__cause__ = exc
        return failed


# -- what targets receive ---------------------------------------------------------------------------


async def test_a_lambda_target_is_invoked_inline_with_the_event_as_json(rig: Rig) -> None:
    event = make_event()
    await rig.dispatcher.send(rule_ref(), make_target(FUNCTION_ARN), event, ingestion_time=rig.clock.now())

    # delivered before send returned: no waiting, nothing queued
    (received,) = rig.targets.to(FUNCTION_ARN)
    assert orjson.loads(received.delivery.body) == event
    assert list(orjson.loads(received.delivery.body)) == list(event)  # AWS's key order kept
    assert await rig.queued() == 0


async def test_an_sqs_target_gets_the_message_group_of_its_sqs_parameters(rig: Rig) -> None:
    target = make_target(QUEUE_ARN, SqsParameters={"MessageGroupId": "orders"})
    await rig.dispatcher.send(rule_ref(), target, make_event(), ingestion_time=rig.clock.now())

    (received,) = rig.targets.to(QUEUE_ARN)
    assert received.delivery.message_group_id == "orders"
    # FIFO targets rely on content-based deduplication: EventBridge sends no deduplication id
    assert received.delivery.deduplication_id is None


async def test_an_sns_target_gets_the_body(rig: Rig) -> None:
    await rig.dispatcher.send(rule_ref(), make_target(TOPIC_ARN), make_event(), ingestion_time=rig.clock.now())

    (received,) = rig.targets.to(TOPIC_ARN)
    assert orjson.loads(received.delivery.body)["source"] == "shop"
    assert received.delivery.message_group_id is None


@pytest.mark.parametrize(
    ("spec", "body"),
    [
        ({"Input": '{"fixed": true}'}, '{"fixed": true}'),
        ({"InputPath": "$.detail"}, '{"order":42}'),
        (
            {"InputTransformer": {"InputPathsMap": {"o": "$.detail.order"}, "InputTemplate": '{"id": <o>}'}},
            '{"id": 42}',
        ),
    ],
)
async def test_the_target_input_is_rendered_for_the_target(rig: Rig, spec: dict[str, Any], body: str) -> None:
    target = make_target(FUNCTION_ARN, **spec)
    await rig.dispatcher.send(rule_ref(), target, make_event(), ingestion_time=rig.clock.now())

    (received,) = rig.targets.to(FUNCTION_ARN)
    assert orjson.loads(received.delivery.body) == orjson.loads(body)


async def test_the_renderer_is_given_the_rule_and_ingestion_time() -> None:
    seen: list[tuple[str, str, float]] = []

    def render(
        target: TargetSpec, event: Mapping[str, Any], *, rule_arn: str, rule_name: str, ingestion_time: float
    ) -> str:
        seen.append((rule_arn, rule_name, ingestion_time))
        return "rendered"

    rig = await Rig.open(render=render)
    try:
        ref = rule_ref()
        await rig.dispatcher.send(ref, make_target(FUNCTION_ARN), make_event(), ingestion_time=123.0)
        assert seen == [(ref.arn, ref.name, 123.0)]
        assert rig.targets.to(FUNCTION_ARN)[0].delivery.body == "rendered"
    finally:
        await rig.close()


async def test_an_event_bus_target_receives_the_event_itself_even_with_an_input() -> None:
    forwarded: list[Delivery] = []
    rig = await Rig.open()
    try:

        class Buses:
            async def deliver(self, arn: str, delivery: Delivery) -> None:
                forwarded.append(delivery)

            def exists(self, arn: str) -> bool:
                return True

        rig.deliveries.register("events", Buses())
        event = make_event()
        target = make_target(OTHER_BUS_ARN, Input='{"not": "this"}')
        await rig.dispatcher.send(rule_ref(), target, event, ingestion_time=rig.clock.now())

        (delivery,) = forwarded
        assert orjson.loads(delivery.body) == event
        assert delivery.detail_type is None
    finally:
        await rig.close()


async def test_an_api_destination_is_called_from_the_queue_not_inline(rig: Rig) -> None:
    params = {"HeaderParameters": {"X-Tenant": "a"}}
    target = make_target(API_DESTINATION_ARN, HttpParameters=params, InputPath="$.detail")
    await rig.dispatcher.send(rule_ref(), target, make_event(), ingestion_time=rig.clock.now())

    assert rig.api.calls == []
    assert await rig.queued() == 1
    await rig.settle()

    ((arn, body, http_parameters, _),) = rig.api.calls
    assert (arn, orjson.loads(body), http_parameters) == (API_DESTINATION_ARN, {"order": 42}, params)
    assert await rig.queued() == 0


async def test_a_retriable_api_destination_failure_is_retried(rig: Rig) -> None:
    rig.api.failures.append(TargetFailure("THROTTLING", "429 Too Many Requests", retriable=True))
    target = make_target(API_DESTINATION_ARN)
    await rig.dispatcher.send(rule_ref(), target, make_event(), ingestion_time=rig.clock.now())

    await rig.run()

    assert len(rig.api.calls) == 2
    assert await rig.queued() == 0


async def test_an_api_destination_retry_waits_at_least_its_retry_after(rig: Rig) -> None:
    rig.api.failures.append(ApiDestinationFailure("THROTTLING", "429 Too Many Requests", True, retry_after=120.0))
    await rig.dispatcher.send(
        rule_ref(), make_target(API_DESTINATION_ARN), make_event(), ingestion_time=rig.clock.now()
    )

    await rig.run()

    first, second = (call[3] for call in rig.api.calls)
    assert second - first >= 120.0


async def test_a_target_of_a_service_nobody_runs_is_not_retried(rig: Rig) -> None:
    kinesis = "arn:aws:kinesis:us-east-1:000000000000:stream/clicks"
    await rig.dispatcher.send(rule_ref(), make_target(kinesis, **DLQ), make_event(), ingestion_time=rig.clock.now())

    (dead,) = rig.targets.to(DLQ_ARN)
    assert dead.delivery.attributes["ERROR_CODE"].string_value == "NO_RESOURCE"
    assert await rig.queued() == 0


# -- retries ----------------------------------------------------------------------------------------


async def test_a_throttled_target_is_queued_and_retried_later(rig: Rig) -> None:
    rig.targets.fail(FUNCTION_ARN, throttled())
    start = rig.clock.now()
    await rig.dispatcher.send(rule_ref(), make_target(FUNCTION_ARN), make_event(), ingestion_time=start)

    # send returned with the event stored for a retry, not delivered yet
    assert rig.targets.to(FUNCTION_ARN) == []
    assert await rig.queued() == 1

    await rig.run()

    (received,) = rig.targets.to(FUNCTION_ARN)
    assert received.at > start
    assert await rig.queued() == 0


def server_fault() -> DeliveryFailed:
    failed = DeliveryFailed("the service failed")
    failed.__cause__ = ServiceError("internal")
    return failed


def unexpected() -> RuntimeError:
    return RuntimeError("surprise")


@pytest.mark.parametrize("error", [throttled, server_fault, unexpected])
async def test_retriable_failures_are_retried(rig: Rig, error: Callable[[], BaseException]) -> None:
    rig.targets.fail(FUNCTION_ARN, error())
    await rig.dispatcher.send(rule_ref(), make_target(FUNCTION_ARN), make_event(), ingestion_time=rig.clock.now())
    await rig.run()

    assert len(rig.targets.tries(FUNCTION_ARN)) == 2
    assert len(rig.targets.to(FUNCTION_ARN)) == 1


async def test_backoff_doubles_with_every_retry_up_to_its_ceiling() -> None:
    rig = await Rig.open(jitter=lambda: 1.0, base_delay=0.5)
    try:
        rig.targets.fail(FUNCTION_ARN, *(throttled() for _ in range(13)))
        await rig.dispatcher.send(rule_ref(), make_target(FUNCTION_ARN), make_event(), ingestion_time=rig.clock.now())
        await rig.run()

        times = [attempt.at for attempt in rig.targets.tries(FUNCTION_ARN)]
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        ceiling = 0.5 * MAX_DELAY_FACTOR
        assert gaps == [min(0.5 * 2**n, ceiling) for n in range(13)]
        assert len(rig.targets.to(FUNCTION_ARN)) == 1
    finally:
        await rig.close()


async def test_backoff_with_jitter_grows_and_stays_within_its_bounds(rig: Rig) -> None:
    rig.targets.fail(FUNCTION_ARN, *(throttled() for _ in range(8)))
    await rig.dispatcher.send(rule_ref(), make_target(FUNCTION_ARN), make_event(), ingestion_time=rig.clock.now())
    await rig.run()

    times = [attempt.at for attempt in rig.targets.tries(FUNCTION_ARN)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert len(gaps) == 8
    for n, gap in enumerate(gaps):
        assert 2**n / 2 <= gap <= 2**n
    assert gaps == sorted(gaps)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (DeliveryFailed("arn refused the message: Message must be shorter than 1048576 bytes."), "INVALID_PARAMETER"),
        (TargetFailure("NO_PERMISSIONS", "denied", retriable=False), "NO_PERMISSIONS"),
    ],
)
async def test_non_retriable_failures_are_never_retried(rig: Rig, error: BaseException, code: str) -> None:
    rig.targets.fail(QUEUE_ARN, error)
    await rig.dispatcher.send(rule_ref(), make_target(QUEUE_ARN, **DLQ), make_event(), ingestion_time=rig.clock.now())
    await rig.run()

    assert len(rig.targets.tries(QUEUE_ARN)) == 1
    (dead,) = rig.targets.to(DLQ_ARN)
    assert dead.delivery.attributes["ERROR_CODE"].string_value == code
    assert await rig.queued() == 0


async def test_a_target_that_is_gone_is_not_retried_whatever_the_error(rig: Rig) -> None:
    gone = "arn:aws:lambda:us-east-1:000000000000:function:deleted"
    rig.targets.fail(gone, throttled())
    await rig.dispatcher.send(rule_ref(), make_target(gone, **DLQ), make_event(), ingestion_time=rig.clock.now())
    await rig.run()

    assert len(rig.targets.tries(gone)) == 1
    (dead,) = rig.targets.to(DLQ_ARN)
    assert dead.delivery.attributes["ERROR_CODE"].string_value == "NO_RESOURCE"


async def test_a_missing_api_destination_goes_to_the_dlq(rig: Rig) -> None:
    missing = API_DESTINATION_ARN.replace("hook", "gone")
    await rig.dispatcher.send(rule_ref(), make_target(missing, **DLQ), make_event(), ingestion_time=rig.clock.now())
    await rig.run()

    assert rig.api.calls == []
    (dead,) = rig.targets.to(DLQ_ARN)
    assert dead.delivery.attributes["ERROR_CODE"].string_value == "NO_RESOURCE"


async def test_an_input_that_cannot_be_rendered_goes_to_the_dlq() -> None:
    def render(
        target: TargetSpec, event: Mapping[str, Any], *, rule_arn: str, rule_name: str, ingestion_time: float
    ) -> str:
        raise ValueError("template broke")

    rig = await Rig.open(render=render)
    try:
        event = make_event()
        await rig.dispatcher.send(rule_ref(), make_target(FUNCTION_ARN, **DLQ), event, ingestion_time=rig.clock.now())
        assert rig.targets.tries(FUNCTION_ARN) == []
        (dead,) = rig.targets.to(DLQ_ARN)
        assert dead.delivery.attributes["ERROR_CODE"].string_value == "INVALID_JSON"
        assert orjson.loads(dead.delivery.body) == event
    finally:
        await rig.close()


# -- durability -------------------------------------------------------------------------------------


async def test_a_queued_retry_survives_a_restart(tmp_path: Path) -> None:
    rig = await Rig.open(tmp_path)
    rig.targets.fail(FUNCTION_ARN, throttled())
    event = make_event()
    await rig.dispatcher.send(rule_ref(), make_target(FUNCTION_ARN), event, ingestion_time=rig.clock.now())
    assert await rig.queued() == 1
    await rig.close()

    reopened = await Rig.open(tmp_path, clock=rig.clock)
    try:
        await reopened.run()
        (received,) = reopened.targets.to(FUNCTION_ARN)
        assert orjson.loads(received.delivery.body) == event
        assert await reopened.queued() == 0
    finally:
        await reopened.close()


async def test_a_retry_claimed_when_the_server_stopped_is_made_after_the_restart(tmp_path: Path) -> None:
    rig = await Rig.open(tmp_path)
    rig.targets.fail(FUNCTION_ARN, throttled())
    await rig.dispatcher.send(rule_ref(), make_target(FUNCTION_ARN), make_event(), ingestion_time=rig.clock.now())
    in_flight = asyncio.Event()
    never = asyncio.Event()

    async def hang() -> None:
        in_flight.set()
        await never.wait()

    rig.targets.gates[FUNCTION_ARN] = hang
    await rig.settle()
    retry_at = rig.clock.next_wakeup()
    assert retry_at is not None
    await rig.clock.set(retry_at)
    await asyncio.wait_for(in_flight.wait(), 10)
    await rig.close()  # the retry was claimed and is cut off mid-attempt

    reopened = await Rig.open(tmp_path, clock=rig.clock)
    try:
        await reopened.run()
        assert len(reopened.targets.to(FUNCTION_ARN)) == 1
        assert await reopened.queued() == 0
    finally:
        await reopened.close()


async def test_an_unreadable_queue_entry_is_dropped_not_retried_for_ever(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    now = rig.clock.now()
    await rig.queue.submit(AsyncEvent("broken", FUNCTION_ARN, b'{"not": "a job"}', now, now))
    await rig.run()

    assert await rig.queued() == 0
    assert rig.targets.attempts == []
    assert any("unreadable" in record.getMessage() for record in caplog.records)
