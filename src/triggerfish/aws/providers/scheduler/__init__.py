"""The EventBridge Scheduler provider (rest-json): a table from operation name to a small method."""

from __future__ import annotations

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.scheduler.groups import GroupOperations
from triggerfish.aws.providers.scheduler.schedules import Operation, ScheduleOperations
from triggerfish.services.scheduler import SchedulerService

# A schedule's Input may be 256 KB (scheduler model, Target.Input); the rest of a request is small
REQUEST_LIMIT = BodyLimit(1_048_576, "Scheduler")


class SchedulerProvider:
    def __init__(self, service: SchedulerService) -> None:
        self._table: dict[str, Operation] = {
            **ScheduleOperations(service).table(),
            **GroupOperations(service).table(),
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return REQUEST_LIMIT

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


__all__ = ["SchedulerProvider"]
