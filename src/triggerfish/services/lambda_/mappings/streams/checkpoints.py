"""Where a stream mapping has got to in each shard, kept durably so a restart resumes exactly (spec §7.1).

One document per shard: kind ``lambda.esm-checkpoint``, scope the mapping's uuid, name the shard id.
``position`` is the highest position below which every record is settled (``None``: before the
oldest record, TRIM_HORIZON); ``settled`` lists positions above it already settled by other parallel
lanes, so a restart neither repeats them nor skips what lies between; ``window`` is the open tumbling
window's state.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.store.interfaces import DocumentStore

KIND = "lambda.esm-checkpoint"


@dataclass(frozen=True)
class WindowState:
    """An open tumbling window: its start (epoch seconds) and the state the function last returned."""

    start: float
    state: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "state": self.state}

    @classmethod
    def from_json(cls, data: Any) -> WindowState | None:
        if not isinstance(data, dict) or not isinstance(data.get("start"), int | float):
            return None
        state = data.get("state")
        return cls(float(data["start"]), state if isinstance(state, dict) else {})


@dataclass(frozen=True)
class Checkpoint:
    position: int | None
    settled: tuple[int, ...] = ()
    window: WindowState | None = None

    def to_json(self) -> str:
        # the json module, not orjson: Kinesis positions are 56-digit integers, past 64 bits
        return json.dumps(
            {
                "position": self.position,
                "settled": list(self.settled),
                "window": None if self.window is None else self.window.to_json(),
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, body: str | bytes) -> Checkpoint:
        data = json.loads(body)
        position = data.get("position")
        settled = data.get("settled") or ()
        return cls(
            position if isinstance(position, int) else None,
            tuple(p for p in settled if isinstance(p, int)),
            WindowState.from_json(data.get("window")),
        )


class Checkpoints:
    """One mapping's checkpoints; writes of one shard are serialised and always store the newest state."""

    def __init__(self, documents: DocumentStore, mapping_uuid: str, clock: Clock) -> None:
        self._documents = documents
        self._scope = mapping_uuid
        self._clock = clock
        self._locks: dict[str, asyncio.Lock] = {}

    async def load(self, shard_id: str) -> Checkpoint | None:
        document = await self._documents.get(KIND, self._scope, shard_id)
        if document is None:
            return None
        try:
            return Checkpoint.from_json(document.body)
        except (ValueError, AttributeError):
            return None

    async def save(self, shard_id: str, progress: Progress) -> None:
        lock = self._locks.setdefault(shard_id, asyncio.Lock())
        async with lock:
            # the snapshot is taken inside the lock: a later writer never stores older progress
            checkpoint = progress.snapshot()
            if checkpoint == progress.stored:
                return
            body = checkpoint.to_json()
            await self._documents.put(KIND, self._scope, shard_id, body, now=self._clock.now())
            progress.stored = checkpoint


async def forget_checkpoints(documents: DocumentStore, mapping_uuid: str) -> None:
    """Drop every checkpoint of a deleted mapping."""
    for document in await documents.list(KIND, mapping_uuid):
        await documents.delete(KIND, mapping_uuid, document.name)


class Progress:
    """The in-memory side of one shard's checkpoint: records read, which of them are settled.

    Records are read in position order; the checkpoint moves to a position only once every record at
    or before it is settled (spec §7.1: parallel batches of one shard settle out of order).
    """

    def __init__(self, checkpoint: Checkpoint) -> None:
        self.position = checkpoint.position
        self.window = checkpoint.window
        self.stored: Checkpoint | None = checkpoint
        #: positions already settled before a restart: skipped when read again
        self.restored = set(checkpoint.settled)
        self._pending: deque[int] = deque()
        self._settled: set[int] = set()

    @property
    def unsettled(self) -> int:
        return len(self._pending) - len(self._settled)

    def was_settled(self, position: int) -> bool:
        return position in self.restored

    def read(self, position: int) -> None:
        self._pending.append(position)

    def settle(self, positions: Iterable[int]) -> None:
        self._settled.update(positions)
        pending, settled = self._pending, self._settled
        while pending and pending[0] in settled:
            settled.discard(pending[0])
            self.position = pending.popleft()
        if self.restored and self.position is not None:
            self.restored = {p for p in self.restored if p > self.position}

    def snapshot(self) -> Checkpoint:
        above = sorted(self._settled | self.restored)
        return Checkpoint(self.position, tuple(above), self.window)
