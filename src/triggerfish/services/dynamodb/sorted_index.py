"""A sorted collection of index entries (tuples) with O(log n) inserts, removals and range starts.

Entries live in chunks of bounded length, each sorted, with the largest entry of every chunk kept
beside them: a lookup bisects the maxima, then one chunk. Inserting into a chunk moves at most a
couple of thousand references, so a table of millions of items inserts as fast as one of ten.

Iteration resumes by value, not by position: it reads a few entries at a time and looks the next
ones up after the last entry it handed out. A change to the collection between two reads (an item
written while a query result is being consumed) therefore never skips or repeats an entry that was
there throughout.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator
from typing import Any

Entry = tuple[Any, ...]

_LOAD = 1000
_BATCH = 64


class _Extreme:
    """A bound below (``low``) or above every value it is compared with, for open range ends."""

    __slots__ = ("_low",)

    def __init__(self, low: bool) -> None:
        self._low = low

    def __lt__(self, other: object) -> bool:
        return self._low and other is not self

    def __gt__(self, other: object) -> bool:
        return not self._low and other is not self

    def __le__(self, other: object) -> bool:
        return self._low or other is self

    def __ge__(self, other: object) -> bool:
        return not self._low or other is self

    def __repr__(self) -> str:
        return "BOTTOM" if self._low else "TOP"


#: sorts before / after every value; ``(a, TOP)`` bounds every entry that starts with ``a``
BOTTOM: Any = _Extreme(True)
TOP: Any = _Extreme(False)


class SortedEntries:
    def __init__(self) -> None:
        self._chunks: list[list[Entry]] = []
        self._maxes: list[Entry] = []
        self._len = 0

    def __len__(self) -> int:
        return self._len

    def __contains__(self, entry: Entry) -> bool:
        i = bisect_left(self._maxes, entry)
        if i == len(self._maxes):
            return False
        chunk = self._chunks[i]
        j = bisect_left(chunk, entry)
        return j < len(chunk) and chunk[j] == entry

    def add(self, entry: Entry) -> None:
        self._len += 1
        if not self._chunks:
            self._chunks.append([entry])
            self._maxes.append(entry)
            return
        i = bisect_left(self._maxes, entry)
        if i == len(self._maxes):
            i -= 1
            self._chunks[i].append(entry)
            self._maxes[i] = entry
        else:
            insort(self._chunks[i], entry)
        chunk = self._chunks[i]
        if len(chunk) > 2 * _LOAD:
            self._chunks[i : i + 1] = [chunk[:_LOAD], chunk[_LOAD:]]
            self._maxes[i : i + 1] = [chunk[_LOAD - 1], chunk[-1]]

    def discard(self, entry: Entry) -> bool:
        i = bisect_left(self._maxes, entry)
        if i == len(self._maxes):
            return False
        chunk = self._chunks[i]
        j = bisect_left(chunk, entry)
        if j == len(chunk) or chunk[j] != entry:
            return False
        del chunk[j]
        self._len -= 1
        if chunk:
            self._maxes[i] = chunk[-1]
        else:
            del self._chunks[i]
            del self._maxes[i]
        return True

    def clear(self) -> None:
        self._chunks.clear()
        self._maxes.clear()
        self._len = 0

    def ascending(self, start: Any = BOTTOM, *, inclusive: bool = True) -> Iterator[Entry]:
        """Entries from ``start`` (or after it) upwards."""
        cursor, strict = start, not inclusive
        while batch := self._after(cursor, strict):
            yield from batch
            cursor, strict = batch[-1], True

    def descending(self, start: Any = TOP, *, inclusive: bool = True) -> Iterator[Entry]:
        """Entries from ``start`` (or before it) downwards."""
        cursor, strict = start, not inclusive
        while batch := self._before(cursor, strict):
            yield from batch
            cursor, strict = batch[-1], True

    def _after(self, cursor: Any, strict: bool) -> list[Entry]:
        find = bisect_right if strict else bisect_left
        i = find(self._maxes, cursor)
        taken: list[Entry] = []
        if i == len(self._maxes):
            return taken
        chunk = self._chunks[i]
        j = find(chunk, cursor)
        while True:
            taken.extend(chunk[j : j + _BATCH - len(taken)])
            i += 1
            if len(taken) >= _BATCH or i == len(self._chunks):
                return taken
            chunk, j = self._chunks[i], 0

    def _before(self, cursor: Any, strict: bool) -> list[Entry]:
        if not self._chunks:
            return []
        i = min(bisect_left(self._maxes, cursor), len(self._maxes) - 1)
        chunk = self._chunks[i]
        j = (bisect_left if strict else bisect_right)(chunk, cursor)
        taken: list[Entry] = []
        while True:
            low = max(0, j - (_BATCH - len(taken)))
            taken.extend(reversed(chunk[low:j]))
            i -= 1
            if len(taken) >= _BATCH or i < 0:
                return taken
            chunk = self._chunks[i]
            j = len(chunk)
