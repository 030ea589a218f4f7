"""Putting events on buses and testing patterns: PutEvents and TestEventPattern."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.events.service import EventsService

Operation = Callable[[Call], Awaitable[Reply]]


class PutOperations:
    def __init__(self, service: EventsService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {"PutEvents": self.put_events, "TestEventPattern": self.test_event_pattern}

    async def put_events(self, call: Call) -> Reply:
        result = await self._service.put_events(call.params["Entries"], scope=call.scope)
        return Reply({"FailedEntryCount": result.failed_count, "Entries": result.entries})

    async def test_event_pattern(self, call: Call) -> Reply:
        p = call.params
        return Reply({"Result": self._service.test_event_pattern(p["EventPattern"], p["Event"])})
