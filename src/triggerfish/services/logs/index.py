"""The in-memory index of one log stream's events, kept in (timestamp, position) order."""

from __future__ import annotations

import bisect
from collections.abc import Iterator

from triggerfish.services.logs.models import OutputEvent, event_key


class StreamEvents:
    def __init__(self) -> None:
        self.events: list[OutputEvent] = []
        self.keys: list[int] = []
        self.stored_bytes = 0
        self.last_ingestion: int | None = None

    def __len__(self) -> int:
        return len(self.events)

    def add(self, event: OutputEvent) -> None:
        key = event.key
        if not self.keys or key > self.keys[-1]:
            self.events.append(event)
            self.keys.append(key)
        else:
            # an event older than the stream's latest (allowed across batches) goes in timestamp order
            index = bisect.bisect_right(self.keys, key)
            self.events.insert(index, event)
            self.keys.insert(index, key)
        self.stored_bytes += len(event.message.encode("utf-8"))
        if self.last_ingestion is None or event.ingestion > self.last_ingestion:
            self.last_ingestion = event.ingestion

    def expire(self, cutoff_ms: int) -> int:
        """Remove the events with a timestamp at or before ``cutoff_ms``; returns how many."""
        index = bisect.bisect_left(self.keys, event_key(cutoff_ms + 1, 0))
        if index:
            self.stored_bytes -= sum(len(event.message.encode("utf-8")) for event in self.events[:index])
            del self.events[:index]
            del self.keys[:index]
        return index

    @property
    def first_timestamp(self) -> int | None:
        return self.events[0].timestamp if self.events else None

    @property
    def last_timestamp(self) -> int | None:
        return self.events[-1].timestamp if self.events else None

    def bounds(self, start: int | None, end: int | None) -> tuple[int, int]:
        """The index range of events with ``start <= timestamp < end`` (``None``: unbounded)."""
        lo = 0 if start is None else bisect.bisect_left(self.keys, event_key(max(start, 0), 0))
        hi = len(self.keys) if end is None else bisect.bisect_left(self.keys, event_key(max(end, 0), 0))
        return lo, max(lo, hi)

    def after(self, key: int) -> int:
        return bisect.bisect_right(self.keys, key)

    def before(self, key: int) -> int:
        return bisect.bisect_left(self.keys, key)

    def slice(self, lo: int, hi: int) -> Iterator[OutputEvent]:
        for index in range(lo, hi):
            yield self.events[index]
