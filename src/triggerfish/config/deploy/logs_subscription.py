"""``AWS::Logs::SubscriptionFilter``: sends a log group's matching events to a destination (a function).

``Ref`` is the filter's name (``FilterName``, or one made up from the stack and logical id). A new log
group or filter name replaces the filter (CloudFormation: "Update requires: Replacement"); a new
pattern, destination, role or distribution is put over the same filter.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, generated_name, require
from triggerfish.config.errors import TemplateError
from triggerfish.services.logs import LogsService
from triggerfish.services.logs.errors import ResourceNotFound

_REPLACEMENT = ("LogGroupName", "FilterName")
#: CloudWatch Logs' limit on a subscription filter name's length
_NAME_LIMIT = 512


def logs_service(context: DeployContext) -> LogsService:
    if context.services.logs is None:
        raise TemplateError("CloudWatch Logs is not available in this cloud")
    return context.services.logs


class SubscriptionFilterHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        logs, region = logs_service(context), context.scope.region
        group = str(require(properties, "LogGroupName"))
        name = str(properties.get("FilterName") or generated_name(context.stack_name, logical_id, limit=_NAME_LIMIT))
        try:
            logs.log_group(region, group)
        except ResourceNotFound:
            # CloudFormation needs the group to exist, but Lambda makes /aws/lambda/<function> only on the
            # function's first run, which locally may not have happened yet: the group is made here instead
            await logs.create_log_group(region, group)
        await self._put(logs, region, group, name, properties)
        return PhysicalResource(name)

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        if any(properties.get(key) != previous_properties.get(key) for key in _REPLACEMENT):
            # the old filter goes first: a log group holds at most two
            await self.delete(context, previous, previous_properties)
            return await self.create(context, logical_id, properties)
        logs = logs_service(context)
        group = str(require(properties, "LogGroupName"))
        await self._put(logs, context.scope.region, group, previous.physical_id, properties)
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        group = str(properties.get("LogGroupName") or "")
        with contextlib.suppress(ResourceNotFound):  # already gone, or gone with its group
            await logs_service(context).delete_subscription_filter(context.scope.region, group, resource.physical_id)

    async def _put(self, logs: LogsService, region: str, group: str, name: str, properties: Mapping[str, Any]) -> None:
        role, distribution = properties.get("RoleArn"), properties.get("Distribution")
        await logs.put_subscription_filter(
            region,
            group,
            name,
            str(require(properties, "FilterPattern")),
            str(require(properties, "DestinationArn")),
            role_arn=None if role is None else str(role),
            distribution=None if distribution is None else str(distribution),
        )
