"""Log group operations: create, delete, describe, retention and tags (both tagging APIs)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.logs.identifiers import group_name, resource_group
from triggerfish.aws.providers.logs.paging import page
from triggerfish.aws.providers.logs.shapes import group_shape
from triggerfish.services.logs import LogsService

Operation = Callable[[Call], Awaitable[Reply]]


class GroupOperations:
    def __init__(self, service: LogsService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateLogGroup": self.create,
            "DeleteLogGroup": self.delete,
            "DescribeLogGroups": self.describe,
            "PutRetentionPolicy": self.put_retention,
            "DeleteRetentionPolicy": self.delete_retention,
            "TagLogGroup": self.tag_group,
            "UntagLogGroup": self.untag_group,
            "ListTagsLogGroup": self.list_group_tags,
            "TagResource": self.tag_resource,
            "UntagResource": self.untag_resource,
            "ListTagsForResource": self.list_resource_tags,
        }

    async def create(self, call: Call) -> Reply:
        p = call.params
        await self._service.create_log_group(
            call.scope.region,
            p["logGroupName"],
            tags=p.get("tags"),
            kms_key_id=p.get("kmsKeyId"),
            log_group_class=p.get("logGroupClass"),
        )
        return Reply()

    async def delete(self, call: Call) -> Reply:
        await self._service.delete_log_group(call.scope.region, call.params["logGroupName"])
        return Reply()

    async def describe(self, call: Call) -> Reply:
        p = call.params
        groups = self._service.describe_log_groups(
            call.scope.region, prefix=p.get("logGroupNamePrefix"), pattern=p.get("logGroupNamePattern")
        )
        if identifiers := p.get("logGroupIdentifiers"):
            wanted = {group_name(identifier) for identifier in identifiers}
            groups = [group for group in groups if group.name in wanted]
        if log_class := p.get("logGroupClass"):
            groups = [group for group in groups if group.log_group_class == log_class]
        chunk, token = page(groups, p.get("limit"), p.get("nextToken"))
        result: dict[str, object] = {"logGroups": [group_shape(group) for group in chunk]}
        if token is not None:
            result["nextToken"] = token
        return Reply(result)

    async def put_retention(self, call: Call) -> Reply:
        p = call.params
        await self._service.put_retention_policy(call.scope.region, p["logGroupName"], p["retentionInDays"])
        return Reply()

    async def delete_retention(self, call: Call) -> Reply:
        await self._service.delete_retention_policy(call.scope.region, call.params["logGroupName"])
        return Reply()

    async def tag_group(self, call: Call) -> Reply:
        p = call.params
        await self._service.tag(call.scope.region, p["logGroupName"], p["tags"])
        return Reply()

    async def untag_group(self, call: Call) -> Reply:
        p = call.params
        await self._service.untag(call.scope.region, p["logGroupName"], p["tags"])
        return Reply()

    async def list_group_tags(self, call: Call) -> Reply:
        tags = self._service.tags_of(call.scope.region, call.params["logGroupName"])
        return Reply({"tags": dict(tags)})

    async def tag_resource(self, call: Call) -> Reply:
        p = call.params
        await self._service.tag(call.scope.region, resource_group(p["resourceArn"]), p["tags"])
        return Reply()

    async def untag_resource(self, call: Call) -> Reply:
        p = call.params
        await self._service.untag(call.scope.region, resource_group(p["resourceArn"]), p["tagKeys"])
        return Reply()

    async def list_resource_tags(self, call: Call) -> Reply:
        tags = self._service.tags_of(call.scope.region, resource_group(call.params["resourceArn"]))
        return Reply({"tags": dict(tags)})
