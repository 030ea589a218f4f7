"""``AWS::Scheduler::Schedule`` and ``AWS::Scheduler::ScheduleGroup``.

A schedule's ``Ref`` is its name and ``GetAtt Arn`` its ARN; a schedule group's ``Ref`` is its name,
with ``Arn``, ``CreationDate``, ``LastModificationDate`` and ``State`` to ``GetAtt``. The schedule's
properties are CreateSchedule's members, so they are handed over as they are.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.events_bus import tags_of
from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, generated_name
from triggerfish.config.errors import TemplateError
from triggerfish.core.errors import ClientError
from triggerfish.services.scheduler import SchedulerService

_DEFAULT_GROUP = "default"
_FIELDS = (
    "Description",
    "EndDate",
    "FlexibleTimeWindow",
    "GroupName",
    "KmsKeyArn",
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "StartDate",
    "State",
    "Target",
)


def _scheduler(context: DeployContext) -> SchedulerService:
    if context.services.scheduler is None:
        raise TemplateError("EventBridge Scheduler is not available in this cloud")
    return context.services.scheduler


class ScheduleHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        fields = _fields(context, logical_id, properties)
        arn = await _scheduler(context).create_schedule(fields, scope=context.scope)
        return PhysicalResource(str(fields["Name"]), {"Arn": arn})

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        fields = _fields(context, logical_id, properties)
        if (fields["Name"], _group(properties)) != (previous.physical_id, _group(previous_properties)):
            await self.delete(context, previous, previous_properties)
            return await self.create(context, logical_id, properties)
        arn = await _scheduler(context).update_schedule(fields, scope=context.scope)
        return PhysicalResource(previous.physical_id, {"Arn": arn})

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with contextlib.suppress(ClientError):  # already gone, or its group is
            await _scheduler(context).delete_schedule(resource.physical_id, _group(properties), scope=context.scope)


class ScheduleGroupHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        name = str(properties.get("Name") or generated_name(context.stack_name, logical_id))
        scheduler = _scheduler(context)
        await scheduler.create_schedule_group(name, tags_of(properties), scope=context.scope)
        return _group_resource(scheduler, name, context)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        if properties.get("Name") != previous_properties.get("Name"):  # "Update requires: Replacement"
            return await self.create(context, logical_id, properties)
        scheduler = _scheduler(context)
        group = scheduler.get_schedule_group(previous.physical_id, scope=context.scope)
        tags = tags_of(properties)
        if gone := [key for key in group.tags if key not in tags]:
            await scheduler.untag_resource(group.arn, gone, scope=context.scope)
        if tags:
            await scheduler.tag_resource(group.arn, tags, scope=context.scope)
        return _group_resource(scheduler, previous.physical_id, context)

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with contextlib.suppress(ClientError):
            await _scheduler(context).delete_schedule_group(resource.physical_id, scope=context.scope)


def _group(properties: Mapping[str, Any]) -> str:
    return str(properties.get("GroupName") or _DEFAULT_GROUP)


def _fields(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> dict[str, Any]:
    fields = {key: properties[key] for key in _FIELDS if properties.get(key) is not None}
    fields["Name"] = str(properties.get("Name") or generated_name(context.stack_name, logical_id))
    return fields


def _group_resource(scheduler: SchedulerService, name: str, context: DeployContext) -> PhysicalResource:
    group = scheduler.get_schedule_group(name, scope=context.scope)
    attributes = {"Arn": group.arn, "State": "ACTIVE"}
    for key, when in (("CreationDate", group.created_at), ("LastModificationDate", group.updated_at)):
        if when is not None:
            attributes[key] = str(when)
    return PhysicalResource(name, attributes)
