"""EventBridge archive and replay operations: each unpacks its request and calls the service."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.services.events.archives import Archives
from triggerfish.services.events.replays import Replays

Operation = Callable[[Call], Awaitable[Reply]]


class ArchiveOperations:
    def __init__(self, archives: Archives, replays: Replays) -> None:
        self._archives = archives
        self._replays = replays

    def table(self) -> dict[str, Operation]:
        return {
            "CreateArchive": self.create_archive,
            "DescribeArchive": self.describe_archive,
            "ListArchives": self.list_archives,
            "UpdateArchive": self.update_archive,
            "DeleteArchive": self.delete_archive,
            "StartReplay": self.start_replay,
            "DescribeReplay": self.describe_replay,
            "ListReplays": self.list_replays,
            "CancelReplay": self.cancel_replay,
        }

    async def create_archive(self, call: Call) -> Reply:
        return Reply(await self._archives.create(call.params, scope=call.scope))

    async def describe_archive(self, call: Call) -> Reply:
        return Reply(await self._archives.describe(call.params["ArchiveName"], scope=call.scope))

    async def list_archives(self, call: Call) -> Reply:
        return Reply(await self._archives.list(call.params, scope=call.scope))

    async def update_archive(self, call: Call) -> Reply:
        return Reply(await self._archives.update(call.params, scope=call.scope))

    async def delete_archive(self, call: Call) -> Reply:
        await self._archives.delete(call.params["ArchiveName"], scope=call.scope)
        return Reply()

    async def start_replay(self, call: Call) -> Reply:
        return Reply(await self._replays.start(call.params, scope=call.scope))

    async def describe_replay(self, call: Call) -> Reply:
        return Reply(await self._replays.describe(call.params["ReplayName"], scope=call.scope))

    async def list_replays(self, call: Call) -> Reply:
        return Reply(await self._replays.list(call.params, scope=call.scope))

    async def cancel_replay(self, call: Call) -> Reply:
        return Reply(await self._replays.cancel(call.params["ReplayName"], scope=call.scope))
