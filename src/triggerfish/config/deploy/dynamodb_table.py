"""``AWS::DynamoDB::Table``: a table, its indexes, stream and TTL. ``Ref`` is the table name; ``GetAtt``
gives ``Arn`` and ``StreamArn``.

The properties are CreateTable's members with CloudFormation's differences: ``StreamSpecification`` holds only
``StreamViewType`` (a stream is on when it is given), TTL is ``TimeToLiveSpecification``, and
``BillingMode`` defaults to ``PROVISIONED``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, generated_name
from triggerfish.config.errors import TemplateError
from triggerfish.core.errors import TriggerfishError
from triggerfish.services.dynamodb.service import DynamoDBService

#: changing these needs a new table (CloudFormation: "Update requires: Replacement")
_REPLACEMENT = ("TableName", "KeySchema", "LocalSecondaryIndexes")
#: CreateTable members a template may give as they are
_PASSED = (
    "AttributeDefinitions",
    "KeySchema",
    "BillingMode",
    "ProvisionedThroughput",
    "GlobalSecondaryIndexes",
    "LocalSecondaryIndexes",
    "SSESpecification",
    "TableClass",
    "DeletionProtectionEnabled",
)


def dynamodb_service(context: DeployContext) -> DynamoDBService:
    if context.services.dynamodb is None:
        raise TemplateError("DynamoDB is not available in this cloud")
    return context.services.dynamodb


def _scope(context: DeployContext) -> str:
    return f"{context.scope.account}/{context.scope.region}"


def _numbers(value: Any) -> Any:
    """Template numbers and booleans may arrive as strings (parameters); the API takes typed values."""
    if isinstance(value, Mapping):
        return {key: _numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_numbers(item) for item in value]
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def _stream(properties: Mapping[str, Any]) -> dict[str, Any]:
    view = (properties.get("StreamSpecification") or {}).get("StreamViewType")
    return {"StreamEnabled": True, "StreamViewType": str(view)} if view else {"StreamEnabled": False}


def _tags(properties: Mapping[str, Any]) -> list[dict[str, str]]:
    return [{"Key": str(tag["Key"]), "Value": str(tag["Value"])} for tag in properties.get("Tags") or []]


def _ttl(properties: Mapping[str, Any]) -> tuple[str, bool] | None:
    spec = properties.get("TimeToLiveSpecification")
    if not spec:
        return None
    return str(spec.get("AttributeName", "")), spec.get("Enabled") in (True, "true", "True")


class TableHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        service = dynamodb_service(context)
        name = str(properties.get("TableName") or generated_name(context.stack_name, logical_id, limit=255))
        params: dict[str, Any] = {key: _numbers(properties[key]) for key in _PASSED if properties.get(key) is not None}
        params["TableName"] = name
        params.setdefault("BillingMode", "PROVISIONED")
        stream = _stream(properties)
        if stream["StreamEnabled"]:
            params["StreamSpecification"] = stream
        if tags := _tags(properties):
            params["Tags"] = tags
        result = await _calling(service.create_table(_scope(context), params))
        ttl = _ttl(properties)
        if ttl is not None and ttl[1]:
            await self._set_ttl(context, name, ttl)
        return self._resource(context, name, result.get("TableDescription", {}))

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
        service, name, scope = dynamodb_service(context), previous.physical_id, _scope(context)
        for change in _table_updates(previous_properties, properties):
            await _calling(service.update_table(scope, {"TableName": name, **change}))
        ttl, previous_ttl = _ttl(properties), _ttl(previous_properties)
        if ttl != previous_ttl:
            if previous_ttl is not None and previous_ttl[1]:
                await self._set_ttl(context, name, (previous_ttl[0], False))
            if ttl is not None and ttl[1]:
                await self._set_ttl(context, name, ttl)
        if _tags(properties) != _tags(previous_properties):
            arn = previous.attributes.get("Arn", "")
            old_keys = [tag["Key"] for tag in _tags(previous_properties)]
            if old_keys:
                await _calling(service.untag_resource(scope, {"ResourceArn": arn, "TagKeys": old_keys}))
            if tags := _tags(properties):
                await _calling(service.tag_resource(scope, {"ResourceArn": arn, "Tags": tags}))
        described = await _calling(service.describe_table(scope, {"TableName": name}))
        return self._resource(context, name, described.get("Table", {}))

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        with contextlib.suppress(TriggerfishError):  # already gone
            await dynamodb_service(context).delete_table(_scope(context), {"TableName": resource.physical_id})

    async def _set_ttl(self, context: DeployContext, name: str, ttl: tuple[str, bool]) -> None:
        spec = {"AttributeName": ttl[0], "Enabled": ttl[1]}
        await _calling(
            dynamodb_service(context).update_time_to_live(
                _scope(context), {"TableName": name, "TimeToLiveSpecification": spec}
            )
        )

    def _resource(self, context: DeployContext, name: str, description: Mapping[str, Any]) -> PhysicalResource:
        arn = (
            description.get("TableArn")
            or f"arn:aws:dynamodb:{context.scope.region}:{context.scope.account}:table/{name}"
        )
        attributes: dict[str, Any] = {"Arn": arn}
        if stream_arn := description.get("LatestStreamArn"):
            attributes["StreamArn"] = stream_arn
        return PhysicalResource(name, attributes)


def _table_updates(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The UpdateTable requests (without TableName) that turn the table ``before`` describes into the one
    ``after`` does. UpdateTable takes deletion protection, the table class, one index change and a stream
    change each on its own (DynamoDB API reference, UpdateTable)."""
    updates: list[dict[str, Any]] = []
    for key in ("DeletionProtectionEnabled", "TableClass"):
        if after.get(key) != before.get(key) and after.get(key) is not None:
            updates.append({key: _numbers(after[key])})
    capacity = {
        key: _numbers(after[key])
        for key in ("BillingMode", "ProvisionedThroughput")
        if after.get(key) != before.get(key) and after.get(key) is not None
    }
    if capacity:
        updates.append(capacity)
    for index_update in _index_updates(before, after):
        update: dict[str, Any] = {"GlobalSecondaryIndexUpdates": [index_update]}
        if "Create" in index_update:
            # a new index's key attributes are defined with it
            update["AttributeDefinitions"] = after.get("AttributeDefinitions") or []
        updates.append(update)
    old_stream, new_stream = _stream(before), _stream(after)
    if old_stream != new_stream:
        if old_stream["StreamEnabled"] and new_stream["StreamEnabled"]:
            # a new view type needs the old stream off first (UpdateTable refuses a change in place)
            updates.append({"StreamSpecification": {"StreamEnabled": False}})
        updates.append({"StreamSpecification": new_stream})
    return updates


def _index_updates(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """GlobalSecondaryIndexUpdates that turn the indexes ``before`` lists into those ``after`` lists."""
    old = {str(i.get("IndexName")): i for i in before.get("GlobalSecondaryIndexes") or []}
    new = {str(i.get("IndexName")): i for i in after.get("GlobalSecondaryIndexes") or []}
    updates: list[dict[str, Any]] = [{"Delete": {"IndexName": name}} for name in old if name not in new]
    for name, index in new.items():
        if name not in old:
            updates.append({"Create": _numbers(dict(index))})
        elif index != old[name]:
            if index.get("KeySchema") != old[name].get("KeySchema") or index.get("Projection") != old[name].get(
                "Projection"
            ):
                raise TemplateError(
                    f"Cannot update GSI's properties other than Provisioned Throughput and Contributor Insights "
                    f"Specification. You can create a new GSI with a different name: {name}"
                )
            if index.get("ProvisionedThroughput") is not None:
                updates.append(
                    {"Update": {"IndexName": name, "ProvisionedThroughput": _numbers(index["ProvisionedThroughput"])}}
                )
    return updates


async def _calling(call: Any) -> dict[str, Any]:
    """Run a service call; its refusal becomes a template error naming AWS's message."""
    try:
        result = await call
    except TriggerfishError as exc:
        raise TemplateError(f"{exc.code}: {exc.message}") from None
    return dict(result or {})
