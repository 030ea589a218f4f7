"""The CloudWatch Logs provider (``logs``, json protocol): a table from operation name to a small method
of one of its parts. Metric filters (apart from TestMetricFilter), Logs Insights queries, export tasks,
destinations, deliveries, transformers and policies are not offered (501).

FilterLogEvents has a follow mode for ``aws logs tail --follow`` (see
:mod:`triggerfish.aws.providers.logs.follow`); StartLiveTail answers with an event stream (see
:mod:`triggerfish.aws.providers.logs.tail`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.logs.events import EventOperations
from triggerfish.aws.providers.logs.follow import LONG_POLL, FollowSessions, LivePoll
from triggerfish.aws.providers.logs.groups import GroupOperations, Operation
from triggerfish.aws.providers.logs.streams import StreamOperations
from triggerfish.aws.providers.logs.subscriptions import SubscriptionOperations
from triggerfish.aws.providers.logs.tail import SESSION_LIMIT, LiveTailOperations
from triggerfish.services.logs import LogsService

# A PutLogEvents batch holds up to 1,048,576 bytes of messages plus 26 bytes per event, and 10,000
# events (PutLogEvents, Logs API reference); JSON escaping and member names take the rest.
REQUEST_LIMIT = BodyLimit(4 * 1_048_576, "PutLogEvents")


class LogsProvider:
    def __init__(
        self,
        service: LogsService,
        *,
        now: Callable[[], float] = time.monotonic,
        long_poll: float = LONG_POLL,
        session_limit: float = SESSION_LIMIT,
    ) -> None:
        self._service = service
        sessions = FollowSessions(now)
        self._table: dict[str, Operation] = {
            **GroupOperations(service).table(),
            **StreamOperations(service).table(),
            **EventOperations(service, sessions, LivePoll(service, wait=long_poll)).table(),
            **SubscriptionOperations(service).table(),
            **LiveTailOperations(service, session_limit=session_limit).table(),
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return REQUEST_LIMIT

    async def call(self, call: Call) -> Reply:
        # stored events load in the background after a restart: every answer sees all of them
        await self._service.ready()
        return await self._table[call.operation](call)


__all__ = ["LogsProvider"]
