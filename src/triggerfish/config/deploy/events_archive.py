"""``AWS::Events::Archive``: ``Ref`` is the archive's name, ``GetAtt Arn`` its ARN. A new name or
source bus replaces the archive; the pattern, retention and description update in place."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.events_bus import events_service, json_text
from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, as_int, generated_name
from triggerfish.services.events.errors import ResourceNotFound

# archive names are at most 48 characters (CreateArchive)
_NAME_LIMIT = 48


class EventArchiveHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        name = _name(context, logical_id, properties)
        fields = {"ArchiveName": name, "EventSourceArn": properties.get("SourceArn"), **_settings(properties)}
        change = await events_service(context).archives.create(fields, scope=context.scope)
        return PhysicalResource(name, {"Arn": change["ArchiveArn"]})

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        replaced = _name(context, logical_id, properties) != previous.physical_id
        if replaced or properties.get("SourceArn") != previous_properties.get("SourceArn"):
            await self.delete(context, previous, previous_properties)
            return await self.create(context, logical_id, properties)
        fields = {"ArchiveName": previous.physical_id, **_settings(properties)}
        change = await events_service(context).archives.update(fields, scope=context.scope)
        return PhysicalResource(previous.physical_id, {"Arn": change["ArchiveArn"]})

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with contextlib.suppress(ResourceNotFound):
            await events_service(context).archives.delete(resource.physical_id, scope=context.scope)


def _name(context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> str:
    given = properties.get("ArchiveName")
    return str(given) if given else generated_name(context.stack_name, logical_id, limit=_NAME_LIMIT)


def _settings(properties: Mapping[str, Any]) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "EventPattern": json_text(properties.get("EventPattern")),
        "Description": properties.get("Description"),
    }
    if (days := properties.get("RetentionDays")) is not None:
        settings["RetentionDays"] = as_int(days, "RetentionDays")
    return {key: value for key, value in settings.items() if value is not None}
