"""Sending a matched event to one rule target: a fast first attempt, durable retries, the DLQ.

spec §4.4: Lambda targets are invoked asynchronously (Lambda's own queue, retries and destinations
take over once it accepted the event), SQS and SNS targets get a message, a bus target gets the
event itself, an API destination an HTTP call. The first attempt at a local target is made inline,
because PutEvents' latency is the handler's start latency. A retriable failure stores the job in
the durable queue before ``send`` returns, so once ``send`` returned the event is delivered even
after a crash; the queue's handler retries with backoff until the target's ``RetryPolicy`` runs
out, then hands the event to the target's dead-letter queue.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Protocol

import orjson

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.ids import request_id
from triggerfish.services.due_queue import DueQueue
from triggerfish.services.events.api_destination_calls import ApiDestinationFailure
from triggerfish.services.events.dead_letters import dead_letter
from triggerfish.services.events.delivery_job import DeliveryJob, TargetKind, target_kind
from triggerfish.services.events.errors import RetryReason, TargetFailure
from triggerfish.services.events.input_transform import render_target_input
from triggerfish.services.events.models import RuleRef, Target, TargetSpec
from triggerfish.services.events.retry_policy import Jitter, RetryPolicy, retry_delay
from triggerfish.services.events.target_failures import ErrorCode, classify, missing_target, unsupported_target
from triggerfish.store.interfaces import AsyncEvent

log = logging.getLogger(__name__)


class ApiDestinationInvoker(Protocol):
    async def invoke(self, arn: str, body: str, http_parameters: Mapping[str, Any] | None) -> None:
        """Make the HTTP call; raises :class:`TargetFailure` saying whether to retry."""

    def exists(self, arn: str) -> bool: ...


class InputRenderer(Protocol):
    """What the target receives for ``event`` (``render_target_input`` of ``input_transform``)."""

    def __call__(
        self, target: TargetSpec, event: Mapping[str, Any], *, rule_arn: str, rule_name: str, ingestion_time: float
    ) -> str: ...


class TargetDispatcher:
    def __init__(
        self,
        deliveries: DeliveryRegistry,
        queue: DueQueue,
        clock: Clock,
        api_destinations: ApiDestinationInvoker,
        *,
        retry_base_delay: float = 1.0,
        render: InputRenderer | None = None,
        jitter: Jitter = random.random,
    ) -> None:
        self._deliveries = deliveries
        self._queue = queue
        self._clock = clock
        self._api_destinations = api_destinations
        self.retry_base_delay = retry_base_delay
        self._render: InputRenderer = render if render is not None else render_target_input
        self._jitter = jitter

    async def start(self) -> None:
        await self._queue.start(self._handle)

    async def close(self) -> None:
        await self._queue.close()

    async def send(self, rule: RuleRef, target: Target, event: Mapping[str, Any], *, ingestion_time: float) -> None:
        """Deliver ``event`` to ``target``, or make sure it will be: when this returns, the target
        took it, the retry queue holds it, or it went where undeliverable events go."""
        try:
            job = DeliveryJob(rule, target, event, self._body(rule, target, event, ingestion_time), ingestion_time)
        except Exception as exc:
            # the input cannot be built for this event: every retry would fail the same way
            log.warning("cannot render the input of target %s of %s: %s", target.id, rule.arn, exc)
            failed = DeliveryJob(rule, target, event, "", ingestion_time)
            failure = TargetFailure(ErrorCode.INVALID_JSON, str(exc), retriable=False)
            await dead_letter(self._deliveries, failed, failure, retry_attempts=0, exhausted=None)
            return
        if job.kind is TargetKind.API_DESTINATION:
            # HTTP calls never hold up PutEvents: they are made from the durable queue
            now = self._clock.now()
            await self._queue.submit(AsyncEvent(request_id(), target.arn, job.dumps(), now, now))
            return
        try:
            await self._attempt(job)
        except Exception as exc:
            await self._failed(job, self._failure(job, exc), attempts=1, entry=None)

    def _body(self, rule: RuleRef, target: Target, event: Mapping[str, Any], ingestion_time: float) -> str:
        if target_kind(target.arn) is TargetKind.EVENT_BUS:
            # a bus target receives the event itself: Input* do not apply to bus targets (botocore
            # PutTargets: "not available ... if the target is an event bus of a different account")
            return orjson.dumps(dict(event)).decode()
        return self._render(target.spec, event, rule_arn=rule.arn, rule_name=rule.name, ingestion_time=ingestion_time)

    async def _handle(self, entry: AsyncEvent) -> None:
        """A retry (or an API destination's first call) from the durable queue."""
        try:
            job = DeliveryJob.loads(entry.payload)
        except (ValueError, KeyError, TypeError) as exc:
            # an entry no version of this code could have written: retrying it would loop for ever
            log.error("dropping unreadable event delivery %s for %s: %s", entry.id, entry.function, exc)
            await self._queue.complete(entry)
            return
        if entry.attempts and RetryPolicy.of(job.target.spec).aged_out(job.ingestion_time, self._clock.now()):
            # the server was down past the event's maximum age: no more attempts
            await self._give_up(job, _last_failure(entry), entry.attempts, RetryReason.MAXIMUM_EVENT_AGE, entry)
            return
        try:
            await self._attempt(job)
        except Exception as exc:
            await self._failed(job, self._failure(job, exc), attempts=entry.attempts + 1, entry=entry)
            return
        await self._queue.complete(entry)

    async def _attempt(self, job: DeliveryJob) -> None:
        arn = job.target.arn
        if job.kind is TargetKind.API_DESTINATION:
            if not self._api_destinations.exists(arn):
                raise missing_target(arn)
            await self._api_destinations.invoke(arn, job.body, job.target.spec.get("HttpParameters"))
            return
        if not self._deliveries.supports(arn):
            raise unsupported_target(arn)
        await self._deliveries.deliver(arn, job.delivery())

    def _failure(self, job: DeliveryJob, exc: Exception) -> TargetFailure:
        if isinstance(exc, TargetFailure):
            return exc
        if not self._exists(job):
            return missing_target(job.target.arn)
        failure = classify(exc)
        if failure.code == ErrorCode.INTERNAL_ERROR:
            log.warning("delivery to %s failed unexpectedly", job.target.arn, exc_info=exc)
        return failure

    def _exists(self, job: DeliveryJob) -> bool:
        try:
            return self._deliveries.exists(job.target.arn)
        except Exception:
            return False

    async def _failed(
        self, job: DeliveryJob, failure: TargetFailure, *, attempts: int, entry: AsyncEvent | None
    ) -> None:
        """After ``attempts`` failed attempts: retry later, or give up."""
        if not failure.retriable:
            # missing targets and permissions go straight to the DLQ, without retries (§4.4)
            await self._give_up(job, failure, attempts, None, entry)
            return
        now = self._clock.now()
        delay = retry_delay(attempts, self.retry_base_delay, self._jitter)
        if isinstance(failure, ApiDestinationFailure) and failure.retry_after is not None:
            # API destinations: the more conservative of the endpoint's Retry-After and the backoff
            delay = max(delay, failure.retry_after)
        due = now + delay
        reason = RetryPolicy.of(job.target.spec).give_up(attempts, job.ingestion_time, due)
        if reason is not None:
            await self._give_up(job, failure, attempts, reason, entry)
            return
        last = _failure_json(failure)
        if entry is None:
            event = AsyncEvent(request_id(), job.target.arn, job.dumps(), now, due, attempts, attempts, last)
            await self._queue.submit(event)
        else:
            await self._queue.reschedule(
                replace(entry, attempts=attempts, invoke_count=attempts, last_result=last), due
            )

    async def _give_up(
        self, job: DeliveryJob, failure: TargetFailure, attempts: int, reason: str | None, entry: AsyncEvent | None
    ) -> None:
        await dead_letter(self._deliveries, job, failure, retry_attempts=max(attempts - 1, 0), exhausted=reason)
        if entry is not None:
            await self._queue.complete(entry)


def _failure_json(failure: TargetFailure) -> str:
    return orjson.dumps({"code": str(failure.code), "message": failure.message}).decode()


def _last_failure(entry: AsyncEvent) -> TargetFailure:
    data = orjson.loads(entry.last_result) if entry.last_result else {}
    return TargetFailure(data.get("code", ErrorCode.INTERNAL_ERROR), data.get("message", ""), retriable=True)
