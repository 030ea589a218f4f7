"""``AWS::Logs::LogGroup``: ``Ref`` is the group's name, ``GetAtt Arn`` its ARN ending in ``:*``.

A new name or log group class replaces the group (CloudFormation: "Update requires: Replacement");
retention and tags change in place and the group keeps its events. Deleting the resource deletes the
group with its streams and events. Without a Logs service (a cloud that does not run one) the group is
only recorded, so that references to it still resolve.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, as_int, generated_name
from triggerfish.config.errors import TemplateError
from triggerfish.services.logs import LogsService
from triggerfish.services.logs.errors import ResourceNotFound

#: changing these needs a new group (CloudFormation: "Update requires: Replacement")
_REPLACEMENT = ("LogGroupName", "LogGroupClass")
#: CloudWatch Logs' limit on a log group name's length
_NAME_LIMIT = 512


def log_group_arn(context: DeployContext, name: str) -> str:
    """The ARN CloudFormation's ``GetAtt Arn`` gives a log group: it ends in ``:*`` (every stream)."""
    return f"arn:aws:logs:{context.scope.region}:{context.scope.account}:log-group:{name}:*"


def tags_of(properties: Mapping[str, Any]) -> dict[str, str]:
    listed = properties.get("Tags") or []
    if not isinstance(listed, list) or not all(isinstance(tag, Mapping) and "Key" in tag for tag in listed):
        raise TemplateError("Value of property Tags must be of type List of Tag ({Key, Value})")
    return {str(tag["Key"]): str(tag.get("Value", "")) for tag in listed}


def _retention(properties: Mapping[str, Any]) -> int | None:
    days = properties.get("RetentionInDays")
    return None if days is None else as_int(days, "RetentionInDays")


def _optional(properties: Mapping[str, Any], key: str) -> str | None:
    value = properties.get(key)
    return None if value is None else str(value)


class LogGroupHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        name = str(properties.get("LogGroupName") or generated_name(context.stack_name, logical_id, limit=_NAME_LIMIT))
        resource = PhysicalResource(name, {"Arn": log_group_arn(context, name)})
        logs = context.services.logs
        if logs is None:
            return resource
        region, tags, days = context.scope.region, tags_of(properties), _retention(properties)
        if _exists(logs, region, name):
            # Lambda makes /aws/lambda/<function> on a function's first run, so locally the group a template
            # declares may already be there from an earlier session: it is taken over rather than refused
            await _apply_tags(logs, region, name, {}, tags)
        else:
            await logs.create_log_group(
                region,
                name,
                tags=tags or None,
                kms_key_id=_optional(properties, "KmsKeyId"),
                log_group_class=_optional(properties, "LogGroupClass"),
            )
        if days is not None:
            await logs.put_retention_policy(region, name, days)
        return resource

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        if any(properties.get(key) != previous_properties.get(key) for key in _REPLACEMENT):
            return await self.create(context, logical_id, properties)
        logs, region, name = context.services.logs, context.scope.region, previous.physical_id
        if logs is None:
            return previous
        days = _retention(properties)
        if days != _retention(previous_properties):
            if days is None:
                # a retention no longer given goes back to "never expire", as a stack update does
                with contextlib.suppress(ResourceNotFound):
                    await logs.delete_retention_policy(region, name)
            else:
                await logs.put_retention_policy(region, name, days)
        await _apply_tags(logs, region, name, tags_of(previous_properties), tags_of(properties))
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        logs = context.services.logs
        if logs is None:
            return
        with contextlib.suppress(ResourceNotFound):  # already gone
            await logs.delete_log_group(context.scope.region, resource.physical_id)


def _exists(logs: LogsService, region: str, name: str) -> bool:
    try:
        logs.log_group(region, name)
    except ResourceNotFound:
        return False
    return True


async def _apply_tags(logs: LogsService, region: str, name: str, before: dict[str, str], after: dict[str, str]) -> None:
    if gone := [key for key in before if key not in after]:
        await logs.untag(region, name, gone)
    if after and after != before:
        await logs.tag(region, name, after)
