"""Failed invocations: retried with backoff while the retry policy allows, then the dead-letter queue
with the attributes Scheduler adds; failures that retrying cannot fix go there at once."""

from __future__ import annotations

import re
from typing import Any

from scheduler_rig import DLQ, FUNCTION, ROLE, START, Received, Rig

from triggerfish.core.errors import ServiceError, TooManyRequests
from triggerfish.services.scheduler.invocations import retry_delay

INPUT = '{"attempt": <aws.scheduler.attempt-number>, "id": "<aws.scheduler.execution-id>"}'
WHEN = "at(2024-03-01T00:10:00)"
TICK = START + 600
SCHEDULE = "arn:aws:scheduler:us-east-1:000000000000:schedule/default/job"


def target(
    arn: str = FUNCTION, *, retries: int | None = None, age: int | None = None, dlq: bool = True
) -> dict[str, Any]:
    spec: dict[str, Any] = {"Arn": arn, "RoleArn": ROLE, "Input": INPUT}
    policy = {"MaximumRetryAttempts": retries, "MaximumEventAgeInSeconds": age}
    spec["RetryPolicy"] = {k: v for k, v in policy.items() if v is not None}
    if dlq:
        spec["DeadLetterConfig"] = {"Arn": DLQ}
    return spec


async def run_for(rig: Rig, seconds: int) -> None:
    """Step the clock a second at a time, so each retry runs at the moment it is due."""
    for _ in range(seconds):
        await rig.advance(1)


def attributes(letter: Received) -> dict[str, str | None]:
    return {name: value.string_value for name, value in letter.delivery.attributes.items()}


async def test_a_throttled_invocation_is_retried_with_a_fresh_execution_id(rig: Rig) -> None:
    rig.recorder.failures[FUNCTION] = [TooManyRequests("Rate exceeded")]
    await rig.create("job", WHEN, Target=target())
    await rig.advance_to(TICK)
    assert rig.recorder.to(FUNCTION) == []
    await rig.advance(1)
    (delivered,) = rig.recorder.to(FUNCTION)
    (first, second) = rig.recorder.tried(FUNCTION)
    assert delivered == second
    assert (first.at, second.at) == (TICK, TICK + 1)  # retry_base_delay after the first attempt
    assert [r.body["attempt"] for r in (first, second)] == [1, 2]
    assert first.body["id"] != second.body["id"]
    assert rig.recorder.to(DLQ) == []


async def test_retries_run_out_into_the_dead_letter_queue_with_scheduler_attributes(rig: Rig) -> None:
    rig.recorder.failures[FUNCTION] = [ServiceError("the function's service failed")] * 3
    await rig.create("job", WHEN, Target=target(retries=2))
    await rig.advance_to(TICK)
    await run_for(rig, 4)
    tries = rig.recorder.tried(FUNCTION)
    # backoff doubles from retry_base_delay: 1 s, then 2 s
    assert [r.at - TICK for r in tries] == [0, 1, 3]
    (letter,) = rig.recorder.to(DLQ)
    assert letter.body == {"attempt": 3, "id": tries[-1].body["id"]}
    found = attributes(letter)
    assert re.fullmatch(r"[0-9a-f]{16}", found.pop("EXECUTION_ID") or "")
    assert found == {
        "ERROR_CODE": "ServiceException",
        "ERROR_MESSAGE": "the function's service failed",
        "EXHAUSTED_RETRY_CONDITION": "MaximumRetryAttempts",
        "IS_PAYLOAD_TRUNCATED": "false",
        "RETRY_ATTEMPTS": "2",
        "SCHEDULED_TIME": "2024-03-01T00:10:00Z",
        "SCHEDULE_ARN": SCHEDULE,
        "TARGET_ARN": FUNCTION,
    }
    assert all(a.data_type == "String" for a in letter.delivery.attributes.values())
    assert await rig.store.pending("scheduler").count() == 0


async def test_the_maximum_event_age_ends_retrying(rig: Rig) -> None:
    rig.recorder.failures[FUNCTION] = [ServiceError("down")] * 100
    await rig.create("job", WHEN, Target=target(age=60))
    await rig.advance_to(TICK)
    await run_for(rig, 64)
    assert [r.at - TICK for r in rig.recorder.tried(FUNCTION)] == [0, 1, 3, 7, 15, 31]
    (letter,) = rig.recorder.to(DLQ)
    assert (letter.attribute("EXHAUSTED_RETRY_CONDITION"), letter.attribute("RETRY_ATTEMPTS")) == (
        "MaximumEventAgeInSeconds",
        "5",
    )


async def test_a_missing_target_goes_to_the_dead_letter_queue_without_retries(rig: Rig) -> None:
    rig.recorder.missing.add(FUNCTION)
    await rig.create("job", WHEN, Target=target())
    await rig.advance_to(TICK)
    await run_for(rig, 5)
    assert rig.recorder.tried(FUNCTION) == []
    (letter,) = rig.recorder.to(DLQ)
    assert letter.attribute("EXHAUSTED_RETRY_CONDITION") is None
    assert (letter.attribute("ERROR_CODE"), letter.attribute("ERROR_MESSAGE"), letter.attribute("RETRY_ATTEMPTS")) == (
        "ResourceNotFoundException",
        f"Function not found: {FUNCTION}",
        "0",
    )
    assert letter.body == {"attempt": 1, "id": letter.attribute("EXECUTION_ID")}


async def test_a_universal_target_fails_into_the_dead_letter_queue(rig: Rig) -> None:
    universal = "arn:aws:scheduler:::aws-sdk:sqs:sendMessage"
    await rig.create("job", WHEN, Target=target(universal))
    await rig.advance_to(TICK)
    (letter,) = rig.recorder.to(DLQ)
    assert (letter.attribute("ERROR_CODE"), letter.attribute("ERROR_MESSAGE"), letter.attribute("TARGET_ARN")) == (
        "NotImplemented",
        f"triggerfish does not run universal targets locally, so it cannot call {universal}",
        universal,
    )


async def test_without_a_dead_letter_queue_a_failed_invocation_is_dropped(rig: Rig) -> None:
    rig.recorder.missing.add(FUNCTION)
    await rig.create("job", WHEN, Target=target(dlq=False))
    await rig.advance_to(TICK + 60)
    assert rig.recorder.received == []
    assert await rig.store.pending("scheduler").count() == 0


async def test_a_pending_retry_survives_a_restart(durable_rig: Rig) -> None:
    rig = durable_rig
    rig.recorder.failures[FUNCTION] = [ServiceError("down")]
    await rig.create("job", WHEN, Target=target())
    await rig.advance_to(TICK)
    assert await rig.store.pending("scheduler").count() == 1
    await rig.restart()
    await rig.advance(1)
    (delivered,) = rig.recorder.to(FUNCTION)
    assert delivered.body["attempt"] == 2
    assert len(rig.recorder.tried(FUNCTION)) == 2


def test_the_backoff_doubles_then_levels_off_at_ten_minutes_of_base() -> None:
    assert [retry_delay(n, 1.0) for n in (1, 2, 3, 10, 11, 185)] == [1, 2, 4, 512, 600, 600]
    assert retry_delay(3, 0.5) == 2.0
