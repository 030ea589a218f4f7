"""Log stream operations: create, delete and describe."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.logs.identifiers import group_of
from triggerfish.aws.providers.logs.paging import page
from triggerfish.aws.providers.logs.shapes import stream_shape
from triggerfish.services.logs import LogsService

Operation = Callable[[Call], Awaitable[Reply]]


class StreamOperations:
    def __init__(self, service: LogsService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateLogStream": self.create,
            "DeleteLogStream": self.delete,
            "DescribeLogStreams": self.describe,
        }

    async def create(self, call: Call) -> Reply:
        p = call.params
        await self._service.create_log_stream(call.scope.region, p["logGroupName"], p["logStreamName"])
        return Reply()

    async def delete(self, call: Call) -> Reply:
        p = call.params
        await self._service.delete_log_stream(call.scope.region, p["logGroupName"], p["logStreamName"])
        return Reply()

    async def describe(self, call: Call) -> Reply:
        p = call.params
        streams = self._service.describe_log_streams(
            call.scope.region,
            group_of(p),
            prefix=p.get("logStreamNamePrefix"),
            order_by=p.get("orderBy", "LogStreamName"),
            descending=bool(p.get("descending", False)),
        )
        chunk, token = page(streams, p.get("limit"), p.get("nextToken"))
        result: dict[str, object] = {"logStreams": [stream_shape(stream) for stream in chunk]}
        if token is not None:
            result["nextToken"] = token
        return Reply(result)
