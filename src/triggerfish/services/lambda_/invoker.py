"""Running a function once: concurrency, the execution environment, the invocation record."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

import orjson

from triggerfish.core.errors import TooManyRequests
from triggerfish.core.work import WorkTracker
from triggerfish.runtime.pool import EnvironmentPool
from triggerfish.runtime.spec import EnvironmentResult, EnvironmentSpec, InvokeRequest
from triggerfish.services.lambda_.concurrency import ConcurrencyGovernor
from triggerfish.services.lambda_.environment import function_environment
from triggerfish.services.lambda_.models import LATEST, FunctionConfig
from triggerfish.services.lambda_.records import Invocation

MAX_SYNC_RESPONSE = 6_291_456
# The limit AWS states in this error is 6291556, not 6291456 (observed, spec §1.2).
RESPONSE_TOO_LARGE = orjson.dumps(
    {
        "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }
)

InvocationListener = Callable[[Invocation], None]


class Throttled(TooManyRequests):
    def __init__(self, reason: str) -> None:
        # Lambda's throttling error: "Rate Exceeded." with Type and Reason (spec §1.1, §8).
        super().__init__("Rate Exceeded.", fields={"Type": "User", "Reason": reason})
        self.reason = reason


class Invoker:
    def __init__(
        self,
        pool: EnvironmentPool,
        governor: ConcurrencyGovernor,
        tracker: WorkTracker,
        *,
        endpoint_url: str | None = None,
        history: int = 100_000,
    ) -> None:
        self._pool = pool
        self._governor = governor
        self._tracker = tracker
        self.endpoint_url = endpoint_url
        self.invocations: deque[Invocation] = deque(maxlen=history)
        self._listeners: list[InvocationListener] = []
        self._specs: dict[tuple[str, str], EnvironmentSpec] = {}

    def add_listener(self, listener: InvocationListener) -> None:
        self._listeners.append(listener)

    async def run(
        self,
        function: FunctionConfig,
        payload: bytes,
        request_id: str,
        invocation_type: str,
        *,
        invoked_arn: str | None = None,
        client_context: dict[str, Any] | None = None,
        response_limit: int | None = MAX_SYNC_RESPONSE,
    ) -> Invocation:
        """Run ``function`` once, or raise :class:`Throttled` when no concurrency is left."""
        slot = self._governor.try_acquire(function.arn)
        if isinstance(slot, str):
            raise Throttled(slot)
        try:
            with self._tracker.hold():
                started = time.time()
                request = InvokeRequest(request_id, payload, invoked_arn or function.arn, client_context=client_context)
                result = await self._pool.invoke(self._spec_for(function), request)
        finally:
            self._governor.release(slot)
        record = self._record(function, payload, request_id, invocation_type, started, result, response_limit)
        self.invocations.append(record)
        for listener in self._listeners:
            listener(record)
        return record

    def _record(
        self,
        function: FunctionConfig,
        event: bytes,
        request_id: str,
        invocation_type: str,
        started: float,
        result: EnvironmentResult,
        response_limit: int | None,
    ) -> Invocation:
        payload = result.payload
        error_type = result.error_type
        function_error = "Unhandled" if result.function_error else None
        if response_limit is not None and len(payload) > response_limit:
            payload, function_error, error_type = (
                RESPONSE_TOO_LARGE,
                "Unhandled",
                "Function.ResponseSizeTooLarge",
            )
        return Invocation(
            request_id=request_id,
            function_name=function.name,
            function_arn=function.qualified_arn(),
            invocation_type=invocation_type,
            event=event,
            payload=payload,
            function_error=function_error,
            error_type=error_type,
            duration_ms=result.duration_ms,
            cold=result.cold,
            init_ms=result.init_ms,
            log=result.log,
            started_at=started,
            log_stream=result.log_stream,
        )

    def _spec_for(self, function: FunctionConfig) -> EnvironmentSpec:
        key = (function.arn, function.revision_id)
        spec = self._specs.get(key)
        if spec is None:
            spec = EnvironmentSpec(
                function_name=function.name,
                version=LATEST,
                handler=function.handler,
                code_dir=function.code_dir,
                runtime=function.runtime,
                timeout=float(function.timeout),
                memory_mb=function.memory_size,
                env=function_environment(function, self.endpoint_url),
                revision=function.revision_id,
                log_group=function.log_group,
            )
            self._drop_specs(function.arn)
            self._specs[key] = spec
        return spec

    def forget(self, function: FunctionConfig) -> None:
        """Retire the function's environments: its code or configuration changed."""
        self._drop_specs(function.arn)
        self._pool.retire(function.name)

    def _drop_specs(self, function_arn: str) -> None:
        self._specs = {k: v for k, v in self._specs.items() if k[0] != function_arn}
