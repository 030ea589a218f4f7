"""A CloudWatch Logs endpoint for wire tests: the logs provider over a real LogsService on an
in-memory store, behind the AWS endpoint on 127.0.0.1 (see ``endpoint_thread``). ``recorder`` takes
the subscription filters' Lambda deliveries."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from endpoint_thread import EndpointThread, Stop
from invocation_harness import RecordingDeliverer

from triggerfish.aws.providers.base import Call, Provider, Reply
from triggerfish.aws.providers.logs import LogsProvider
from triggerfish.core.clock import SystemClock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.services.logs import LogsService
from triggerfish.store.factory import open_store


class LogsEndpoint(EndpointThread):
    def __init__(
        self, *, now: Callable[[], float] = time.monotonic, long_poll: float = 10.0, session_limit: float = 3 * 3600.0
    ) -> None:
        self.recorder = RecordingDeliverer()
        #: every FilterLogEvents call answered: its parameters, the messages and the nextToken it was answered with
        self.filter_calls: list[FilterCall] = []
        self._now = now
        self._long_poll = long_poll
        self._session_limit = session_limit
        super().__init__(self._build)

    async def _build(self) -> tuple[Mapping[str, Provider], Stop]:
        store = open_store(None)
        await store.open()
        deliveries = DeliveryRegistry()
        deliveries.register("lambda", self.recorder)
        self.service = LogsService(store, SystemClock(), deliveries, WorkTracker())
        await self.service.start()

        async def stop() -> None:
            await self.service.close()
            await store.close()

        provider = LogsProvider(
            self.service, now=self._now, long_poll=self._long_poll, session_limit=self._session_limit
        )
        return {"logs": _Recording(provider, self.filter_calls)}, stop

    def put(self, group: str, stream: str, *messages: str, timestamp: int | None = None) -> None:
        """Store events through the service (as the function-log sink would), from the test's thread."""
        stamp = timestamp if timestamp is not None else int(time.time() * 1000)
        self.run(self.service.put_log_events("us-east-1", group, stream, [(stamp, m) for m in messages]))

    def logs(self, **config: Any) -> Any:
        return self.client("logs", **config)


@dataclass(frozen=True)
class FilterCall:
    params: dict[str, Any]
    messages: list[str]
    next_token: str | None


class _Recording:
    """The provider, noting each FilterLogEvents call and the token it answered with."""

    def __init__(self, provider: LogsProvider, calls: list[FilterCall]) -> None:
        self._provider = provider
        self._calls = calls
        self.operations = provider.operations
        self.body_limit = provider.body_limit

    async def call(self, call: Call) -> Reply:
        reply = await self._provider.call(call)
        if call.operation == "FilterLogEvents":
            messages = [event["message"] for event in reply.result["events"]]
            self._calls.append(FilterCall(dict(call.params), messages, reply.result.get("nextToken")))
        return reply
