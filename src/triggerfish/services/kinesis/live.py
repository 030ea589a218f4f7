"""One stream as the service holds it in memory: its configuration, the router from hash keys to
open shards, and each shard's position counter."""

from __future__ import annotations

from collections.abc import Mapping

from triggerfish.services.kinesis.models import Shard, StreamConfig
from triggerfish.services.kinesis.shards import Router, time_position


class LiveStream:
    __slots__ = ("_last", "config", "router")

    def __init__(self, config: StreamConfig, last: Mapping[str, int] | None = None) -> None:
        self.config = config
        self.router = Router(config.shards)
        #: the last position given out per shard (``starting_position - 1`` while it holds none)
        self._last: dict[str, int] = {}
        self._track(config, last or {})

    @property
    def arn(self) -> str:
        return self.config.arn

    def reconfigure(self, config: StreamConfig) -> None:
        self.config = config
        self.router = Router(config.shards)
        self._track(config, {})

    def _track(self, config: StreamConfig, last: Mapping[str, int]) -> None:
        for shard in config.shards:
            floor = shard.starting_position - 1
            self._last[shard.shard_id] = max(last.get(shard.shard_id, floor), self._last.get(shard.shard_id, floor))

    def next_position(self, shard: Shard, now: float) -> int:
        position = max(self._last[shard.shard_id] + 1, time_position(now))
        self._last[shard.shard_id] = position
        return position

    def counter(self, shard: Shard) -> int:
        """The last position given out in the shard, or the one just before its first."""
        return self._last[shard.shard_id]

    def latest(self, shard: Shard) -> int | None:
        """The position of the newest record of the shard, ``None`` while it never held one."""
        last = self._last[shard.shard_id]
        return last if last >= shard.starting_position else None
