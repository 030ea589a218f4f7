"""CreateScheduleGroup, GetScheduleGroup, DeleteScheduleGroup, ListScheduleGroups, and the tags of
schedule groups: TagResource, UntagResource, ListTagsForResource."""

from __future__ import annotations

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.scheduler import shapes
from triggerfish.aws.providers.scheduler.paging import page
from triggerfish.aws.providers.scheduler.schedules import Operation
from triggerfish.services.scheduler import SchedulerService


class GroupOperations:
    def __init__(self, service: SchedulerService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateScheduleGroup": self.create,
            "GetScheduleGroup": self.get,
            "DeleteScheduleGroup": self.delete,
            "ListScheduleGroups": self.list,
            "TagResource": self.tag,
            "UntagResource": self.untag,
            "ListTagsForResource": self.tags,
        }

    async def create(self, call: Call) -> Reply:
        p = call.params
        arn = await self._service.create_schedule_group(
            p["Name"], shapes.tag_map(p.get("Tags")), scope=call.scope, client_token=p.get("ClientToken")
        )
        return Reply({"ScheduleGroupArn": arn})

    async def get(self, call: Call) -> Reply:
        return Reply(shapes.group(self._service.get_schedule_group(call.params["Name"], scope=call.scope)))

    async def delete(self, call: Call) -> Reply:
        await self._service.delete_schedule_group(call.params["Name"], scope=call.scope)
        return Reply()

    async def list(self, call: Call) -> Reply:
        found = self._service.list_schedule_groups(scope=call.scope, name_prefix=call.params.get("NamePrefix"))
        return Reply(page(found, call.params, lambda g: g.name, shapes.group, "ScheduleGroups"))

    async def tag(self, call: Call) -> Reply:
        p = call.params
        await self._service.tag_resource(p["ResourceArn"], shapes.tag_map(p.get("Tags")), scope=call.scope)
        return Reply()

    async def untag(self, call: Call) -> Reply:
        p = call.params
        await self._service.untag_resource(p["ResourceArn"], p.get("TagKeys") or [], scope=call.scope)
        return Reply()

    async def tags(self, call: Call) -> Reply:
        return Reply({"Tags": shapes.tag_list(self._service.list_tags(call.params["ResourceArn"], scope=call.scope))})
