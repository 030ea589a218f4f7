"""Invoking targets: each fired tick is tried at once; a tick whose first attempt fails becomes a
durable pending invocation, tried again until it is delivered, its retry policy runs out (then the
dead-letter queue), or it fails for good. The first attempt is made inline because a schedule's
lateness is the time to its target: every store round trip before it counts.

Retry policy (spec §4.7): up to ``MaximumRetryAttempts`` retries (0–185, default 185) within
``MaximumEventAgeInSeconds`` of the invocation (60–86,400, default 24 h), with the exponential backoff
of ``core.backoff`` from ``retry_base_delay`` (the first retry's wait), as EventBridge targets here.
No jitter: one schedule's retries never compete locally. Each attempt gets a fresh execution id and the next attempt
number.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from triggerfish.core.backoff import backoff_ceiling
from triggerfish.core.clock import Clock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.ids import hex_id
from triggerfish.services.due_queue import DueQueue
from triggerfish.services.scheduler import dead_letter
from triggerfish.services.scheduler.context import EMPTY_DETAIL, Attempt, default_notification, render_input
from triggerfish.services.scheduler.dead_letter import DeadLetter, RetryReason
from triggerfish.services.scheduler.models import RetryPolicy, Schedule, TargetSpec
from triggerfish.services.scheduler.targets import TargetFailure, TargetKind, invoke, kind_of
from triggerfish.store.interfaces import AsyncEvent

log = logging.getLogger(__name__)

LOCAL_RETRY_BASE_DELAY = 1.0


def retry_delay(attempt_number: int, base: float) -> float:
    """The wait after failed attempt ``attempt_number`` (1-based) before the next one: no jitter,
    as one schedule's retries never compete locally."""
    return backoff_ceiling(attempt_number, base)


@dataclass(frozen=True)
class PendingInvocation:
    """What an invocation needs, kept whole so retries outlive an update or deletion of the schedule."""

    schedule_arn: str
    target: TargetSpec
    scheduled_time: float

    def encode(self) -> bytes:
        data = {"schedule": self.schedule_arn, "target": self.target, "scheduled": self.scheduled_time}
        return json.dumps(data, separators=(",", ":"), default=str).encode()

    @classmethod
    def decode(cls, payload: bytes) -> PendingInvocation:
        data: Mapping[str, Any] = json.loads(payload)
        return cls(str(data["schedule"]), data["target"], float(data["scheduled"]))

    @property
    def target_arn(self) -> str:
        return str(self.target["Arn"])


class Invocations:
    def __init__(
        self,
        queue: DueQueue,
        deliveries: DeliveryRegistry,
        clock: Clock,
        *,
        retry_base_delay: float = LOCAL_RETRY_BASE_DELAY,
    ) -> None:
        self._queue = queue
        self._deliveries = deliveries
        self._clock = clock
        self.retry_base_delay = retry_base_delay

    async def submit(self, schedule: Schedule, tick: float) -> None:
        """Invoke the target for ``tick`` now; when that fails, the retry is durably queued (or the
        invocation given up) before this returns."""
        pending = PendingInvocation(schedule.arn, schedule.target, tick)
        attempt = Attempt.new(pending.schedule_arn, pending.scheduled_time, 1)
        body = _body(pending.target, attempt)
        try:
            await invoke(self._deliveries, pending.target, body)
        except TargetFailure as failure:
            now = self._clock.now()
            event = AsyncEvent(hex_id(32), pending.target_arn, pending.encode(), now, now)
            await self._failed(event, pending, attempt, body, failure, queued=False)

    async def handle(self, event: AsyncEvent) -> None:
        pending = PendingInvocation.decode(event.payload)
        attempt = Attempt.new(pending.schedule_arn, pending.scheduled_time, event.attempts + 1)
        body = _body(pending.target, attempt)
        try:
            await invoke(self._deliveries, pending.target, body)
        except TargetFailure as failure:
            await self._failed(event, pending, attempt, body, failure, queued=True)
            return
        await self._queue.complete(event)

    async def _failed(
        self,
        event: AsyncEvent,
        pending: PendingInvocation,
        attempt: Attempt,
        body: str,
        failure: TargetFailure,
        *,
        queued: bool,
    ) -> None:
        exhausted = self._exhausted(event, pending, attempt) if failure.retriable else None
        if failure.retriable and exhausted is None:
            due = self._clock.now() + retry_delay(attempt.number, self.retry_base_delay)
            retried = replace(event, attempts=attempt.number, invoke_count=attempt.number)
            if queued:
                await self._queue.reschedule(retried, due)
            else:
                await self._queue.submit(replace(retried, due_at=due))
            return
        log.info("schedule %s could not invoke %s: %s", pending.schedule_arn, pending.target_arn, failure)
        queue_arn = _dead_letter_arn(pending.target)
        if queue_arn is not None:
            letter = DeadLetter(queue_arn, pending.target_arn, body, attempt, failure, exhausted)
            await dead_letter.send(self._deliveries, letter)
        if queued:
            await self._queue.complete(event)

    def _exhausted(self, event: AsyncEvent, pending: PendingInvocation, attempt: Attempt) -> str | None:
        policy = RetryPolicy.of(pending.target)
        if attempt.number > policy.maximum_retry_attempts:
            return RetryReason.MAXIMUM_RETRY_ATTEMPTS
        next_try = self._clock.now() + retry_delay(attempt.number, self.retry_base_delay)
        if next_try - event.enqueued_at > policy.maximum_event_age:
            return RetryReason.MAXIMUM_EVENT_AGE
        return None


def _body(target: TargetSpec, attempt: Attempt) -> str:
    text = target.get("Input")
    if text is not None:
        return render_input(str(text), attempt)
    if kind_of(str(target["Arn"])) is TargetKind.EVENTS:
        return EMPTY_DETAIL  # the body is the event's detail, which must be a JSON object
    return default_notification(attempt)


def _dead_letter_arn(target: TargetSpec) -> str | None:
    config: Mapping[str, Any] = target.get("DeadLetterConfig") or {}
    arn = config.get("Arn")
    return str(arn) if arn else None
