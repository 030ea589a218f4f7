"""The DynamoDB Streams provider (``dynamodbstreams``, json protocol): four operations over the
service's :class:`~triggerfish.services.dynamodb.streams_api.StreamsApi`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.services.dynamodb.streams_api import StreamsApi

# requests are a few small members (an ARN, a shard iterator)
REQUEST_LIMIT = BodyLimit(64 * 1024, "GetRecords")

_Method = Callable[[str, Mapping[str, Any]], Awaitable[dict[str, Any]]]


class DynamoDBStreamsProvider:
    def __init__(self, api: StreamsApi) -> None:
        self._table: dict[str, _Method] = {
            "ListStreams": api.list_streams,
            "DescribeStream": api.describe_stream,
            "GetShardIterator": api.get_shard_iterator,
            "GetRecords": api.get_records,
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return REQUEST_LIMIT

    async def call(self, call: Call) -> Reply:
        return Reply(await self._table[call.operation](str(call.scope), call.params))


__all__ = ["DynamoDBStreamsProvider"]
