"""Giving up on a target: retry limits (attempts and event age), and what its dead-letter queue gets."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import orjson
import pytest
from events_delivery_fakes import (
    API_DESTINATION_ARN,
    DLQ_ARN,
    FUNCTION_ARN,
    QUEUE_ARN,
    Rig,
    attributes,
    make_event,
    make_rule,
    make_target,
)

from triggerfish.core.delivery import DeliveryFailed
from triggerfish.core.errors import TooManyRequests
from triggerfish.services.events.errors import TargetFailure
from triggerfish.services.events.models import RuleRef

DLQ = {"DeadLetterConfig": {"Arn": DLQ_ARN}}


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    opened = await Rig.open()
    yield opened
    await opened.close()


def throttled() -> DeliveryFailed:
    failed = DeliveryFailed("Rate Exceeded.")
    failed.__cause__ = TooManyRequests("Rate Exceeded.")
    return failed


def always_throttled(rig: Rig, arn: str = FUNCTION_ARN) -> None:
    rig.targets.always[arn] = throttled()


async def test_a_missing_target_sends_the_event_to_the_dlq_with_exact_attributes(rig: Rig) -> None:
    gone = "arn:aws:lambda:us-east-1:000000000000:function:deleted"
    rig.targets.fail(gone, DeliveryFailed(f"Function not found: {gone}"))
    rule = make_rule("orders")
    event = make_event()
    target = make_target(gone, Input='{"transformed": true}', **DLQ)
    await rig.dispatcher.send(RuleRef.of(rule), target, event, ingestion_time=rig.clock.now())

    (dead,) = rig.targets.to(DLQ_ARN)
    # the DLQ gets the original event, not the target's input
    assert orjson.loads(dead.delivery.body) == event
    assert attributes(dead.delivery) == {
        "RULE_ARN": ("String", "arn:aws:events:us-east-1:000000000000:rule/orders"),
        "TARGET_ARN": ("String", gone),
        "ERROR_CODE": ("String", "NO_RESOURCE"),
        "ERROR_MESSAGE": ("String", f"The target {gone} does not exist."),
        "RETRY_ATTEMPTS": ("String", "0"),
    }
    assert list(dead.delivery.attributes) == ["RULE_ARN", "TARGET_ARN", "ERROR_CODE", "ERROR_MESSAGE", "RETRY_ATTEMPTS"]


async def test_maximum_retry_attempts_bounds_the_retries(rig: Rig) -> None:
    always_throttled(rig)
    target = make_target(FUNCTION_ARN, RetryPolicy={"MaximumRetryAttempts": 2}, **DLQ)
    await rig.dispatcher.send(RuleRef.of(make_rule()), target, make_event(), ingestion_time=rig.clock.now())
    await rig.run()

    assert len(rig.targets.tries(FUNCTION_ARN)) == 3  # the first attempt and two retries
    (dead,) = rig.targets.to(DLQ_ARN)
    found = attributes(dead.delivery)
    assert found["ERROR_CODE"] == ("String", "THROTTLING")
    assert found["ERROR_MESSAGE"] == ("String", "Rate Exceeded.")
    assert found["EXHAUSTED_RETRY_CONDITION"] == ("String", "MaximumRetryAttempts")
    assert found["RETRY_ATTEMPTS"] == ("String", "2")
    assert await rig.queued() == 0


async def test_zero_retry_attempts_means_one_attempt(rig: Rig) -> None:
    always_throttled(rig)
    target = make_target(FUNCTION_ARN, RetryPolicy={"MaximumRetryAttempts": 0}, **DLQ)
    await rig.dispatcher.send(RuleRef.of(make_rule()), target, make_event(), ingestion_time=rig.clock.now())

    # given up inline: nothing was ever queued
    assert await rig.queued() == 0
    assert len(rig.targets.tries(FUNCTION_ARN)) == 1
    found = attributes(rig.targets.to(DLQ_ARN)[0].delivery)
    assert found["EXHAUSTED_RETRY_CONDITION"] == ("String", "MaximumRetryAttempts")
    assert found["RETRY_ATTEMPTS"] == ("String", "0")


async def test_maximum_event_age_bounds_the_retries(rig: Rig) -> None:
    always_throttled(rig)
    start = rig.clock.now()
    target = make_target(FUNCTION_ARN, RetryPolicy={"MaximumEventAgeInSeconds": 60}, **DLQ)
    await rig.dispatcher.send(RuleRef.of(make_rule()), target, make_event(), ingestion_time=start)
    await rig.run()

    tries = rig.targets.tries(FUNCTION_ARN)
    assert all(attempt.at - start <= 60 for attempt in tries)
    assert 4 <= len(tries) <= 8  # 1 + 2 + 4 + 8 + 16 (+ 32) seconds of backoff, with jitter
    (dead,) = rig.targets.to(DLQ_ARN)
    found = attributes(dead.delivery)
    assert found["EXHAUSTED_RETRY_CONDITION"] == ("String", "MaximumEventAgeInSeconds")
    assert found["RETRY_ATTEMPTS"] == ("String", str(len(tries) - 1))


async def test_the_default_policy_retries_185_times() -> None:
    # the lower end of the jitter keeps 185 retries inside the default 24 hours
    rig = await Rig.open(jitter=lambda: 0.0)
    try:
        always_throttled(rig)
        target = make_target(FUNCTION_ARN, **DLQ)
        await rig.dispatcher.send(RuleRef.of(make_rule()), target, make_event(), ingestion_time=rig.clock.now())
        await rig.run()

        assert len(rig.targets.tries(FUNCTION_ARN)) == 186
        found = attributes(rig.targets.to(DLQ_ARN)[0].delivery)
        assert found["EXHAUSTED_RETRY_CONDITION"] == ("String", "MaximumRetryAttempts")
        assert found["RETRY_ATTEMPTS"] == ("String", "185")
    finally:
        await rig.close()


async def test_the_default_event_age_is_a_day() -> None:
    # the upper end of the jitter spreads 185 retries over more than a day: the age runs out first
    rig = await Rig.open(jitter=lambda: 1.0)
    try:
        always_throttled(rig)
        start = rig.clock.now()
        await rig.dispatcher.send(
            RuleRef.of(make_rule()), make_target(FUNCTION_ARN, **DLQ), make_event(), ingestion_time=start
        )
        await rig.run()

        tries = rig.targets.tries(FUNCTION_ARN)
        assert len(tries) < 186
        assert 86_400 - 600 <= tries[-1].at - start <= 86_400
        found = attributes(rig.targets.to(DLQ_ARN)[0].delivery)
        assert found["EXHAUSTED_RETRY_CONDITION"] == ("String", "MaximumEventAgeInSeconds")
    finally:
        await rig.close()


async def test_without_a_dlq_the_event_is_dropped_with_one_log_line(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    always_throttled(rig, QUEUE_ARN)
    target = make_target(QUEUE_ARN, RetryPolicy={"MaximumRetryAttempts": 1})
    with caplog.at_level(logging.WARNING, logger="triggerfish.services.events"):
        await rig.dispatcher.send(RuleRef.of(make_rule()), target, make_event(), ingestion_time=rig.clock.now())
        await rig.run()

    assert rig.targets.to(DLQ_ARN) == []
    dropped = [record for record in caplog.records if "dropping event" in record.getMessage()]
    assert len(dropped) == 1
    assert "MaximumRetryAttempts exhausted" in dropped[0].getMessage()
    assert await rig.queued() == 0


async def test_a_dlq_that_refuses_the_event_loses_it(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    always_throttled(rig)
    rig.targets.always[DLQ_ARN] = DeliveryFailed("the dead-letter queue is gone")
    target = make_target(FUNCTION_ARN, RetryPolicy={"MaximumRetryAttempts": 1}, **DLQ)
    with caplog.at_level(logging.WARNING, logger="triggerfish.services.events"):
        await rig.dispatcher.send(RuleRef.of(make_rule()), target, make_event(), ingestion_time=rig.clock.now())
        await rig.run()

    assert len(rig.targets.tries(DLQ_ARN)) == 1
    assert any("could not send event" in record.getMessage() for record in caplog.records)
    assert await rig.queued() == 0


async def test_an_event_that_aged_out_while_the_server_was_down_goes_to_the_dlq() -> None:
    rig = await Rig.open()
    rig.targets.fail(FUNCTION_ARN, throttled())
    start = rig.clock.now()
    target = make_target(FUNCTION_ARN, RetryPolicy={"MaximumEventAgeInSeconds": 300}, **DLQ)
    await rig.dispatcher.send(RuleRef.of(make_rule()), target, make_event(), ingestion_time=start)
    await rig.dispatcher.close()  # the server stops with the retry queued...
    await rig.clock.advance(3600)  # ...and is back an hour later

    restarted = Rig(rig.store, clock=rig.clock)
    await restarted.dispatcher.start()
    try:
        await restarted.run()
        assert restarted.targets.tries(FUNCTION_ARN) == []  # no attempt after the age ran out
        found = attributes(restarted.targets.to(DLQ_ARN)[0].delivery)
        assert found["EXHAUSTED_RETRY_CONDITION"] == ("String", "MaximumEventAgeInSeconds")
        assert found["ERROR_CODE"] == ("String", "THROTTLING")
        assert found["RETRY_ATTEMPTS"] == ("String", "0")
        assert await restarted.queued() == 0
    finally:
        await restarted.close()


async def test_an_empty_error_message_is_replaced_by_the_code(rig: Rig) -> None:
    rig.api.failures.append(TargetFailure("TIMEOUT", "", retriable=False))
    target = make_target(API_DESTINATION_ARN, **DLQ)
    await rig.dispatcher.send(RuleRef.of(make_rule()), target, make_event(), ingestion_time=rig.clock.now())
    await rig.run()

    found = attributes(rig.targets.to(DLQ_ARN)[0].delivery)
    assert found["ERROR_CODE"] == ("String", "TIMEOUT")
    assert found["ERROR_MESSAGE"] == ("String", "TIMEOUT")
