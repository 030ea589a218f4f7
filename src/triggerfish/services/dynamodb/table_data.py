"""One live table: its items in memory, with a sorted index for the table and for each secondary index.

Items are keyed by the canonical text of their primary key (``values.key_text``). Each index holds
one entry per item as a tuple that sorts the way the index reads::

    table:     (spread, partition, sort, key text)
    secondary: (spread, index partition, index sort, table partition, table sort, key text)

``spread`` is a 32-bit hash of the partition value. It puts each partition's entries next to each
other (a Query is one range: O(log n + k)), gives Scan a stable order like DynamoDB's (by a hash of
the partition key), and makes a parallel Scan segment one contiguous hash range. A missing sort key
is ``()``. Key values are assumed canonical (numbers as ``values.check_item`` leaves them).

Items handed out are the stored dicts: callers must not change them (writes build new items).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol

from triggerfish.services.dynamodb.errors import ValidationError
from triggerfish.services.dynamodb.models import (
    AttributeValue,
    Item,
    ProjectionType,
    SecondaryIndex,
    TableConfig,
)
from triggerfish.services.dynamodb.sorted_index import TOP, Entry, SortedEntries
from triggerfish.services.dynamodb.ttl import ExpiryHeap, expiry_of
from triggerfish.services.dynamodb.values import item_size, key_text, sort_key

_HASH_SPACE = 1 << 32
_NO_SORT: tuple[Any, ...] = ()


class KeyRange(Protocol):
    """What a Query's key condition says (``expressions.evaluate.KeyCondition`` has this shape)."""

    @property
    def partition_value(self) -> AttributeValue: ...
    @property
    def sort_op(self) -> str | None: ...
    @property
    def sort_values(self) -> tuple[AttributeValue, ...]: ...
    def sort_matches(self, value: AttributeValue | None) -> bool: ...


class _Index:
    """The sorted entries of the table (``spec is None``) or of one secondary index, and what it projects."""

    __slots__ = ("entries", "keeps", "partition", "size", "sizes", "sort", "spec", "types")

    def __init__(self, config: TableConfig, spec: SecondaryIndex | None) -> None:
        self.spec = spec
        key = config.key if spec is None else spec.key
        self.partition = key.partition
        self.sort = key.sort
        self.types = {name: config.attribute_type(name) for name in (*config.key.names, *key.names)}
        self.keeps = _projected_names(config, spec)
        self.entries = SortedEntries()
        #: each entry's item size as this index holds it (by key text), counted once, when it is written
        self.sizes: dict[str, int] = {}
        self.size = 0

    def entry(self, item: Mapping[str, AttributeValue], text: str, table: _Index | None) -> Entry | None:
        """The item's entry, or ``None`` when it lacks a key attribute of this index (or has one of the
        wrong type): such items are not in a secondary index (developer guide, "sparse indexes")."""
        partition = item.get(self.partition)
        if partition is None or not self._typed(self.partition, partition):
            return None
        if self.sort is None:
            sort = _NO_SORT
        else:
            value = item.get(self.sort)
            if value is None or not self._typed(self.sort, value):
                return None
            sort = sort_key(value)
        head = (spread(partition), sort_key(partition), sort)
        if table is None:
            return (*head, text)
        table_sort = _NO_SORT if table.sort is None else sort_key(item[table.sort])
        return (*head, sort_key(item[table.partition]), table_sort, text)

    def _typed(self, name: str, value: AttributeValue) -> bool:
        kind = self.types.get(name)
        return kind is None or kind.value in value

    def project(self, item: Item) -> Item:
        keeps = self.keeps
        return item if keeps is None else {name: value for name, value in item.items() if name in keeps}

    def same_shape(self, config: TableConfig, spec: SecondaryIndex) -> bool:
        return self.spec == spec and self.keeps == _projected_names(config, spec)


class TableData:
    """One live table (one incarnation: ``config.table_id``)."""

    def __init__(self, config: TableConfig) -> None:
        self.config = config
        self.dropped = False
        self._items: dict[str, Item] = {}
        self._table = _Index(config, None)
        self._indexes: dict[str, _Index] = {}
        self.expiries = ExpiryHeap()
        self._ttl: str | None = None
        self.reconfigure(config)

    # --- reads ------------------------------------------------------------------------------------

    @property
    def item_count(self) -> int:
        return len(self._items)

    @property
    def size_bytes(self) -> int:
        return self._table.size

    def index_item_count(self, name: str) -> int:
        return len(self._indexes[name].entries)

    def index_size_bytes(self, name: str) -> int:
        """The bytes of the index's projected items (DescribeTable ``IndexSizeBytes``)."""
        return self._indexes[name].size

    def get(self, key: Mapping[str, AttributeValue]) -> Item | None:
        """The item with this primary key (``key`` holds exactly the key attributes)."""
        return self._items.get(key_text(key))

    def get_by_text(self, text: str) -> Item | None:
        return self._items.get(text)

    def key_of(self, item: Mapping[str, AttributeValue]) -> Item:
        return {name: item[name] for name in self.config.key.names}

    def items(self) -> Iterator[tuple[str, Item]]:
        """Every (key text, item), in no particular order."""
        return iter(list(self._items.items()))

    def query(
        self,
        kc: KeyRange,
        *,
        index: str | None = None,
        forward: bool = True,
        start_key: Mapping[str, AttributeValue] | None = None,
    ) -> Iterator[Item]:
        """The items of one partition whose sort key matches, in index order (``forward``) or reversed,
        strictly after ``start_key`` (an ExclusiveStartKey: table key, plus the index key for an index),
        as the index projects them."""
        return (item for item, _ in self.sized_query(kc, index=index, forward=forward, start_key=start_key))

    def sized_query(
        self,
        kc: KeyRange,
        *,
        index: str | None = None,
        forward: bool = True,
        start_key: Mapping[str, AttributeValue] | None = None,
    ) -> Iterator[tuple[Item, int]]:
        """:meth:`query`'s items, each with its size as the index holds it (for the 1 MB page)."""
        view = self._view(index)
        partition = kc.partition_value
        prefix = (spread(partition), sort_key(partition))
        low, high = _bounds(prefix, kc)
        start = None if start_key is None else self._start_entry(view, start_key)
        if kc.sort_op == "begins_with":
            return self._prefixed(view, kc, low, high, forward, start)
        if forward:
            return self._emit(view, _upto(_ascending(view.entries, low, start), high))
        return self._emit(view, _downto(_descending(view.entries, high, start), low))

    def scan(
        self,
        *,
        index: str | None = None,
        start_key: Mapping[str, AttributeValue] | None = None,
        segment: int = 0,
        total_segments: int = 1,
    ) -> Iterator[Item]:
        """Every item of the table or index in a stable order, or of one segment of a parallel Scan
        (segments split the partition keys' hash range evenly), strictly after ``start_key``."""
        sized = self.sized_scan(index=index, start_key=start_key, segment=segment, total_segments=total_segments)
        return (item for item, _ in sized)

    def sized_scan(
        self,
        *,
        index: str | None = None,
        start_key: Mapping[str, AttributeValue] | None = None,
        segment: int = 0,
        total_segments: int = 1,
    ) -> Iterator[tuple[Item, int]]:
        """:meth:`scan`'s items, each with its size as the index holds it (for the 1 MB page)."""
        view = self._view(index)
        low = (segment * _HASH_SPACE // total_segments,)
        high = ((segment + 1) * _HASH_SPACE // total_segments,)
        start = None if start_key is None else self._start_entry(view, start_key)
        return self._emit(view, _upto(_ascending(view.entries, low, start), high))

    def segment_of(self, key: Mapping[str, AttributeValue], total_segments: int) -> int:
        """The parallel Scan segment an item key belongs to (for checking an ExclusiveStartKey)."""
        return spread(key[self.config.key.partition]) * total_segments // _HASH_SPACE

    # --- changes (the engine's) -------------------------------------------------------------------

    def apply(self, text: str, new: Item | None) -> Item | None:
        """Put (``new``) or delete (``None``) the item with key text ``text`` in memory and in every
        index; returns the item it replaced."""
        old = self._items.get(text)
        if new is None:
            if old is not None:
                del self._items[text]
        else:
            self._items[text] = new
        self._reindex(self._table, text, old, new)
        for view in self._indexes.values():
            self._reindex(view, text, old, new)
        if new is not None and self._ttl is not None:
            self._track_expiry(text, new)
        return old

    def load(self, rows: Iterable[tuple[str, Item]]) -> None:
        for text, item in rows:
            self.apply(text, item)

    def reconfigure(self, config: TableConfig) -> None:
        """Take a new configuration: build new secondary indexes from the items at once, drop removed
        ones, and track expiries when TTL is on."""
        self.config = config
        wanted = {spec.name: spec for spec in (*config.global_indexes, *config.local_indexes)}
        for name in [name for name in self._indexes if name not in wanted]:
            del self._indexes[name]
        for name, spec in wanted.items():
            current = self._indexes.get(name)
            if current is not None and current.same_shape(config, spec):
                continue
            view = _Index(config, spec)
            for text, item in self._items.items():
                self._reindex(view, text, None, item)
            self._indexes[name] = view
        ttl = config.ttl_attribute if config.ttl_enabled else None
        if ttl != self._ttl:
            self._ttl = ttl
            self._rebuild_expiries()

    def clear(self) -> None:
        self._items.clear()
        for view in (self._table, *self._indexes.values()):
            view.entries.clear()
            view.sizes.clear()
            view.size = 0
        self.expiries.clear()

    # --- internals --------------------------------------------------------------------------------

    def _view(self, index: str | None) -> _Index:
        if index is None:
            return self._table
        view = self._indexes.get(index)
        if view is None:
            # Query/Scan on an unknown IndexName (DynamoDB API reference, Query)
            raise ValidationError(f"The table does not have the specified index: {index}")
        return view

    def _reindex(self, view: _Index, text: str, old: Item | None, new: Item | None) -> None:
        table = None if view is self._table else self._table
        before = None if old is None else view.entry(old, text, table)
        after = None if new is None else view.entry(new, text, table)
        if before != after:
            if before is not None:
                view.entries.discard(before)
            if after is not None:
                view.entries.add(after)
        if before is not None:
            view.size -= view.sizes.pop(text)
        if after is not None:
            assert new is not None
            if table is None:
                size = item_size(new)
            elif view.keeps is None:
                size = table.sizes[text]  # an index that projects everything holds the table's item
            else:
                size = item_size(view.project(new))
            view.sizes[text] = size
            view.size += size

    def _start_entry(self, view: _Index, start_key: Mapping[str, AttributeValue]) -> Entry:
        table = None if view is self._table else self._table
        names = (*self.config.key.names, view.partition, *(() if view.sort is None else (view.sort,)))
        if any(name not in start_key for name in names):
            raise ValidationError("The provided starting key is invalid")
        entry = view.entry(start_key, key_text(self.key_of(start_key)), table)
        if entry is None:
            raise ValidationError("The provided starting key is invalid")
        return entry

    def _emit(self, view: _Index, entries: Iterator[Entry]) -> Iterator[tuple[Item, int]]:
        items, sizes = self._items, view.sizes
        for entry in entries:
            text = entry[-1]
            item = items.get(text)
            if item is not None:
                yield view.project(item), sizes[text]

    def _prefixed(
        self, view: _Index, kc: KeyRange, low: Entry, high: Entry, forward: bool, start: Entry | None
    ) -> Iterator[tuple[Item, int]]:
        # begins_with: the matching sort keys are one run starting at the prefix itself
        matching: list[Entry] = []
        for entry in _ascending(view.entries, low, start) if forward else view.entries.ascending(low):
            if entry > high or not self._sort_matches(view, kc, entry):
                break
            if forward:
                yield view.project(self._items[entry[-1]]), view.sizes[entry[-1]]
            elif start is None or entry < start:
                matching.append(entry)
        yield from self._emit(view, reversed(matching))

    def _sort_matches(self, view: _Index, kc: KeyRange, entry: Entry) -> bool:
        item = self._items.get(entry[-1])
        return item is not None and view.sort is not None and kc.sort_matches(item.get(view.sort))

    def _track_expiry(self, text: str, item: Item) -> None:
        assert self._ttl is not None
        when = expiry_of(item, self._ttl)
        if when is not None:
            self.expiries.push(when, text)
            if len(self.expiries) > 2 * len(self._items) + 64:
                self._rebuild_expiries()

    def _rebuild_expiries(self) -> None:
        ttl = self._ttl
        if ttl is None:
            self.expiries.clear()
            return
        pairs = ((expiry_of(item, ttl), text) for text, item in self._items.items())
        self.expiries.rebuild((when, text) for when, text in pairs if when is not None)


def spread(value: AttributeValue) -> int:
    """A stable 32-bit hash of a partition key value (the same across restarts and processes)."""
    kind, content = next(iter(value.items()))
    raw = bytes(content) if kind == "B" else str(content).encode("utf-8")
    return zlib.crc32(raw)


def _projected_names(config: TableConfig, spec: SecondaryIndex | None) -> frozenset[str] | None:
    # KEYS_ONLY: table and index keys; INCLUDE: those plus NonKeyAttributes; ALL: everything
    if spec is None or spec.projection.type is ProjectionType.ALL:
        return None
    names = {*config.key.names, *spec.key.names}
    if spec.projection.type is ProjectionType.INCLUDE:
        names.update(spec.projection.non_key_attributes)
    return frozenset(names)


def _bounds(prefix: tuple[Any, ...], kc: KeyRange) -> tuple[Entry, Entry]:
    """(low, high) around the entries a key condition selects. No entry equals a bound: a bound is a
    prefix of entries (below all of them) or ends in ``TOP`` (above all of them)."""
    op = kc.sort_op
    whole = (*prefix, TOP)
    if op is None:
        return prefix, whole
    first = sort_key(kc.sort_values[0])
    at, past = (*prefix, first), (*prefix, first, TOP)
    if op == "=":
        return at, past
    if op == "<":
        return prefix, at
    if op == "<=":
        return prefix, past
    if op == ">":
        return past, whole
    if op in (">=", "begins_with"):
        return at, whole
    if op == "BETWEEN":
        return at, (*prefix, sort_key(kc.sort_values[1]), TOP)
    raise ValidationError(f"Unsupported operator on KeyConditionExpression: {op}")


def _ascending(entries: SortedEntries, low: Entry, start: Entry | None) -> Iterator[Entry]:
    if start is not None and start > low:
        return entries.ascending(start, inclusive=False)
    return entries.ascending(low)


def _descending(entries: SortedEntries, high: Entry, start: Entry | None) -> Iterator[Entry]:
    if start is not None and start < high:
        return entries.descending(start, inclusive=False)
    return entries.descending(high)


def _upto(entries: Iterator[Entry], high: Entry) -> Iterator[Entry]:
    for entry in entries:
        if entry > high:
            return
        yield entry


def _downto(entries: Iterator[Entry], low: Entry) -> Iterator[Entry]:
    for entry in entries:
        if entry < low:
            return
        yield entry
