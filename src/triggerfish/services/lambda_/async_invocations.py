"""What happens to an asynchronous event: attempts, retries, destinations, dead-letter queue."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import orjson

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import Delivery, DeliveryFailed, DeliveryRegistry
from triggerfish.services.due_queue import DueQueue, throttle_backoff
from triggerfish.services.lambda_ import destinations
from triggerfish.services.lambda_.destinations import Condition
from triggerfish.services.lambda_.functions import FunctionRegistry
from triggerfish.services.lambda_.invoker import Invoker, Throttled
from triggerfish.services.lambda_.models import FunctionConfig
from triggerfish.store.interfaces import AsyncEvent

log = logging.getLogger(__name__)

# AWS waits about 1 minute before the second attempt and 2 before the third (spec §1.3).
AWS_RETRY_BASE_DELAY = 60.0
LOCAL_RETRY_BASE_DELAY = 1.0


@dataclass(frozen=True)
class LastResult:
    payload: bytes
    function_error: str | None
    status_code: int = 200

    def dumps(self) -> str:
        return orjson.dumps(
            {
                "payload": self.payload.decode("utf-8", "replace"),
                "functionError": self.function_error,
                "statusCode": self.status_code,
            }
        ).decode()

    @classmethod
    def loads(cls, text: str | None) -> LastResult | None:
        if not text:
            return None
        data = orjson.loads(text)
        return cls(data["payload"].encode(), data["functionError"], data.get("statusCode", 200))


class AsyncInvocations:
    def __init__(
        self,
        queue: DueQueue,
        functions: FunctionRegistry,
        invoker: Invoker,
        deliveries: DeliveryRegistry,
        clock: Clock,
        *,
        retry_base_delay: float = LOCAL_RETRY_BASE_DELAY,
    ) -> None:
        self._queue = queue
        self._functions = functions
        self._invoker = invoker
        self._deliveries = deliveries
        self._clock = clock
        self.retry_base_delay = retry_base_delay

    async def handle(self, event: AsyncEvent) -> None:
        scope, name = _scope_and_name(event.function)
        function = self._functions.find(scope, name)
        if function is None:
            log.warning("dropping asynchronous event %s: function %s no longer exists", event.id, event.function)
            await self._queue.complete(event)
            return
        config = function.async_config
        now = self._clock.now()
        if now - event.enqueued_at > config.maximum_event_age:
            await self._fail(function, event, Condition.EVENT_AGE_EXCEEDED, LastResult.loads(event.last_result))
            return
        if function.reserved_concurrency == 0:
            throttled = LastResult(
                orjson.dumps({"errorMessage": "Rate Exceeded.", "errorType": "TooManyRequestsException"}),
                None,
                429,
            )
            await self._fail(function, event, Condition.ZERO_RESERVED_CONCURRENCY, throttled)
            return
        try:
            record = await self._invoker.run(
                function, event.payload, event.id, "Event", invoked_arn=event.function, response_limit=None
            )
        except Throttled:
            # Throttles go back to the queue and do not count against MaximumRetryAttempts.
            await self._queue.reschedule(event, now + throttle_backoff(event, now))
            return
        result = LastResult(record.payload, record.function_error)
        event = replace(event, invoke_count=event.invoke_count + 1, last_result=result.dumps())
        if record.function_error is None:
            await self._succeed(function, event, result)
            return
        attempts = event.attempts + 1
        if attempts > config.maximum_retry_attempts:
            await self._fail(function, replace(event, attempts=attempts), Condition.RETRIES_EXHAUSTED, result)
            return
        delay = self.retry_base_delay * attempts
        await self._queue.reschedule(replace(event, attempts=attempts), self._clock.now() + delay)

    async def _succeed(self, function: FunctionConfig, event: AsyncEvent, result: LastResult) -> None:
        target = function.async_config.on_success
        if target:
            record = self._record(function, event, Condition.SUCCESS, result)
            await self._deliver(target, destinations.record_delivery(record, success=True), event)
        await self._queue.complete(event)

    async def _fail(
        self, function: FunctionConfig, event: AsyncEvent, condition: str, result: LastResult | None
    ) -> None:
        target = function.async_config.on_failure
        if target:
            record = self._record(function, event, condition, result)
            await self._deliver(target, destinations.record_delivery(record, success=False), event)
        if function.dead_letter_target:
            status = result.status_code if result else 200
            message = destinations.error_message_of(result.payload if result else None)
            delivery = destinations.dead_letter_delivery(event.payload, event.id, status, message)
            await self._deliver(function.dead_letter_target, delivery, event)
        await self._queue.complete(event)

    def _record(
        self, function: FunctionConfig, event: AsyncEvent, condition: str, result: LastResult | None
    ) -> dict[str, object]:
        return destinations.invocation_record(
            request_id=event.id,
            function_arn=function.qualified_arn(),
            condition=condition,
            invoke_count=event.invoke_count,
            event=event.payload,
            response=result.payload if result else None,
            function_error=result.function_error if result else None,
            status_code=result.status_code if result else 200,
            now=self._clock.now(),
        )

    async def _deliver(self, target: str, delivery: Delivery, event: AsyncEvent) -> None:
        try:
            await self._deliveries.deliver(target, delivery)
        except (DeliveryFailed, Exception) as exc:
            # AWS counts this as DestinationDeliveryFailures and drops the record.
            log.warning("could not deliver the result of %s to %s: %s", event.id, target, exc)


def _scope_and_name(qualified_arn: str) -> tuple[str, str]:
    parts = qualified_arn.split(":")
    return f"{parts[4]}/{parts[3]}", parts[6]
