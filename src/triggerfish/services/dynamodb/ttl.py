"""Time to Live: which items have expired, and the heap that finds them without scanning a table.

Every live table with TTL enabled keeps a heap of (expiry, item key) pushed on each write of an item
whose TTL attribute holds a number. Entries go stale when an item is rewritten or deleted; the sweep
checks each due entry against the item as it is now, so a stale entry costs one dict lookup.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping

from triggerfish.services.dynamodb.models import AttributeValue

# the TTL process ignores values more than five years in the past (developer guide, "Using DynamoDB Time to Live")
MAX_PAST_SECONDS = 5 * 365 * 24 * 3600


def expiry_of(item: Mapping[str, AttributeValue], attribute: str) -> float | None:
    """The epoch seconds an item expires at, or ``None`` when its TTL attribute is missing or not a
    top-level Number (such items never expire: developer guide, "Formatting an item's TTL attribute")."""
    value = item.get(attribute)
    if value is None or "N" not in value:
        return None
    try:
        when = float(value["N"])
    except (TypeError, ValueError):
        return None
    return when if math.isfinite(when) else None


def has_expired(when: float, now: float) -> bool:
    """TTL deletes an item once its timestamp is less than the current time, unless the timestamp is
    more than five years old (UpdateTimeToLive API reference; developer guide, TTL)."""
    return now - MAX_PAST_SECONDS <= when < now


class ExpiryHeap:
    """(expiry, item key) pairs, earliest first; may hold stale pairs, which the reader skips."""

    __slots__ = ("_heap",)

    def __init__(self) -> None:
        self._heap: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, when: float, key: str) -> None:
        heapq.heappush(self._heap, (when, key))

    def earliest(self) -> float | None:
        return self._heap[0][0] if self._heap else None

    def pop_before(self, now: float, limit: int) -> list[tuple[float, str]]:
        """Remove and return up to ``limit`` pairs whose expiry is before ``now``."""
        taken: list[tuple[float, str]] = []
        heap = self._heap
        while heap and heap[0][0] < now and len(taken) < limit:
            taken.append(heapq.heappop(heap))
        return taken

    def rebuild(self, pairs: Iterable[tuple[float, str]]) -> None:
        self._heap = list(pairs)
        heapq.heapify(self._heap)

    def clear(self) -> None:
        self._heap.clear()
