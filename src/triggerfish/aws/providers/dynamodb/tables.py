"""DynamoDB's table operations (``dynamodb``, json protocol): the service takes the input members as
they are and answers the output members."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.dynamodb.service import DynamoDBService

Operation = Callable[[Call], Awaitable[Reply]]
_Method = Callable[[str, Mapping[str, Any]], Awaitable[dict[str, Any]]]


class TableProviderOperations:
    def __init__(self, service: DynamoDBService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        service = self._service
        methods: dict[str, _Method] = {
            "CreateTable": service.create_table,
            "DescribeTable": service.describe_table,
            "ListTables": service.list_tables,
            "UpdateTable": service.update_table,
            "DeleteTable": service.delete_table,
            "UpdateTimeToLive": service.update_time_to_live,
            "DescribeTimeToLive": service.describe_time_to_live,
            "TagResource": service.tag_resource,
            "UntagResource": service.untag_resource,
            "ListTagsOfResource": service.list_tags_of_resource,
            "DescribeContinuousBackups": service.describe_continuous_backups,
            "UpdateContinuousBackups": service.update_continuous_backups,
            "DescribeLimits": service.describe_limits,
            "DescribeEndpoints": service.describe_endpoints,
        }
        return {name: _operation(method) for name, method in methods.items()}


def _operation(method: _Method) -> Operation:
    async def operation(call: Call) -> Reply:
        scope = call.scope
        return Reply(await method(f"{scope.account}/{scope.region}", call.params))

    return operation
