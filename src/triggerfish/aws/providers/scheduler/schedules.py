"""CreateSchedule, GetSchedule, UpdateSchedule, DeleteSchedule and ListSchedules."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.scheduler import shapes
from triggerfish.aws.providers.scheduler.paging import page
from triggerfish.services.scheduler import SchedulerService

Operation = Callable[[Call], Awaitable[Reply]]


class ScheduleOperations:
    def __init__(self, service: SchedulerService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateSchedule": self.create,
            "GetSchedule": self.get,
            "UpdateSchedule": self.update,
            "DeleteSchedule": self.delete,
            "ListSchedules": self.list,
        }

    async def create(self, call: Call) -> Reply:
        return Reply({"ScheduleArn": await self._service.create_schedule(call.params, scope=call.scope)})

    async def update(self, call: Call) -> Reply:
        return Reply({"ScheduleArn": await self._service.update_schedule(call.params, scope=call.scope)})

    async def get(self, call: Call) -> Reply:
        p = call.params
        return Reply(shapes.schedule(self._service.get_schedule(p["Name"], p.get("GroupName"), scope=call.scope)))

    async def delete(self, call: Call) -> Reply:
        p = call.params
        await self._service.delete_schedule(
            p["Name"], p.get("GroupName"), scope=call.scope, client_token=p.get("ClientToken")
        )
        return Reply()

    async def list(self, call: Call) -> Reply:
        p = call.params
        found = self._service.list_schedules(
            scope=call.scope, group=p.get("GroupName"), name_prefix=p.get("NamePrefix"), state=p.get("State")
        )
        result = page(found, p, lambda s: f"{s.group}/{s.name}", shapes.schedule_summary, "Schedules")
        return Reply(result)
