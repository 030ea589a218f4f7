"""The SNS provider (``sns``, query protocol): a table from operation name to a small method of one
of its parts. Platform applications, SMS settings and data protection are not offered (501)."""

from __future__ import annotations

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.sns.publish import PublishOperations
from triggerfish.aws.providers.sns.subscriptions import SubscriptionOperations
from triggerfish.aws.providers.sns.topics import Operation, TopicOperations
from triggerfish.services.sns.service import SnsService

# A publish carries up to 256 KB (spec §5.1); form encoding can triple a byte (%XX), and batch
# entries repeat their member names, so the body may be several times that.
REQUEST_LIMIT = BodyLimit(2 * 1_048_576, "Publish")


class SnsProvider:
    def __init__(self, service: SnsService) -> None:
        self._table: dict[str, Operation] = {
            **TopicOperations(service).table(),
            **SubscriptionOperations(service).table(),
            **PublishOperations(service).table(),
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return REQUEST_LIMIT

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


__all__ = ["SnsProvider"]
