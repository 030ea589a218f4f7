"""The EventBridge provider (``events``, json protocol): a table from operation name to a small method
of one of its parts."""

from __future__ import annotations

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.events.archives import ArchiveOperations
from triggerfish.aws.providers.events.buses import BusOperations, Operation
from triggerfish.aws.providers.events.connections import ConnectionOperations
from triggerfish.aws.providers.events.puts import PutOperations
from triggerfish.aws.providers.events.rules import RuleOperations
from triggerfish.services.events.service import EventsService

# PutEvents carries up to 256 KB of entries (spec §4.2); details travel as JSON strings inside
# JSON, so escaping can make the body several times larger than the entries.
REQUEST_LIMIT = BodyLimit(8 * 1_048_576, "PutEvents")


def core_operations(service: EventsService) -> dict[str, Operation]:
    """The operations on buses, permissions, tags, rules, targets and events."""
    return {
        **BusOperations(service).table(),
        **RuleOperations(service).table(),
        **PutOperations(service).table(),
    }


class EventsProvider:
    def __init__(self, service: EventsService) -> None:
        self._table: dict[str, Operation] = {
            **core_operations(service),
            **ConnectionOperations(service.api_destinations).table(),
            **ArchiveOperations(service.archives, service.replays).table(),
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return REQUEST_LIMIT

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


__all__ = ["EventsProvider", "core_operations"]
