"""Reading the values of an event at the field paths that rules ask about.

Events are flattened the way AWS flattens them: nested keys join with ``.`` (so ``{"a.b": 1}`` and
``{"a": {"b": 1}}`` both give ``a.b``), arrays contribute each element at the array's own path, and
only leaves (strings, numbers, booleans, null) are values. Each value remembers which element of
which array it came from, for array-consistent matching. Only paths some rule needs are read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

_SCALARS = frozenset({str, int, float, bool, type(None)})

Membership = tuple[tuple[int, int], ...]
"""``(array id, element index)`` for every array enclosing a value, outermost first."""


@dataclass(frozen=True)
class PathSet:
    """The field paths to read, and every dotted prefix that leads to one."""

    leaves: frozenset[str]
    prefixes: frozenset[str]

    @classmethod
    def of(cls, paths: Iterable[str]) -> PathSet:
        leaves = frozenset(paths)
        prefixes = {path[:at] for path in leaves for at, char in enumerate(path) if char == "."}
        return cls(leaves, frozenset(prefixes))


class FlatEvent:
    """Leaf values by path; ``members`` runs parallel to ``values`` once any array was entered."""

    __slots__ = ("members", "values")

    def __init__(self) -> None:
        self.values: dict[str, list[object]] = {}
        self.members: dict[str, list[Membership]] | None = None


def flatten(event: Mapping[str, object], paths: PathSet) -> FlatEvent:
    flat = FlatEvent()
    _walk(event, None, (), paths.leaves, paths.prefixes, flat)
    return flat


def _walk(
    node: Mapping[str, object],
    prefix: str | None,
    membership: Membership,
    leaves: frozenset[str],
    prefixes: frozenset[str],
    flat: FlatEvent,
) -> None:
    for key, value in node.items():
        path = key if prefix is None else f"{prefix}.{key}"
        kind = value.__class__
        if path in leaves:
            if kind in _SCALARS and flat.members is None and not membership:
                # The common case, kept inline: a plain value outside any array.
                found = flat.values.get(path)
                if found is None:
                    flat.values[path] = [value]
                else:
                    found.append(value)
            else:
                _record(path, value, membership, flat)
        if path in prefixes:
            if kind is dict or (kind is not list and isinstance(value, Mapping)):
                _walk(value, path, membership, leaves, prefixes, flat)  # type: ignore[arg-type]
            elif kind is list:
                _descend_array(value, path, membership, leaves, prefixes, flat)  # type: ignore[arg-type]


def _descend_array(
    items: list[object],
    path: str,
    membership: Membership,
    leaves: frozenset[str],
    prefixes: frozenset[str],
    flat: FlatEvent,
) -> None:
    array_id = id(items)
    for index, item in enumerate(items):
        if isinstance(item, Mapping):
            _walk(item, path, (*membership, (array_id, index)), leaves, prefixes, flat)
        elif isinstance(item, list):
            _descend_array(item, path, (*membership, (array_id, index)), leaves, prefixes, flat)


def _record(path: str, value: object, membership: Membership, flat: FlatEvent) -> None:
    if value.__class__ is dict or isinstance(value, Mapping):
        return
    if isinstance(value, list):
        # A leaf inside an array takes no index of its own: only objects and arrays nested in an
        # array are told apart by their element index.
        array_id = id(value)
        for index, item in enumerate(value):
            if isinstance(item, list):
                _record(path, item, (*membership, (array_id, index)), flat)
            else:
                _record(path, item, membership, flat)
        return
    values = flat.values.get(path)
    if values is None:
        values = flat.values[path] = []
    values.append(value)
    members = flat.members
    if membership and members is None:
        # First value inside an array: backfill empty memberships for values read so far.
        members = flat.members = {p: [()] * len(v) for p, v in flat.values.items()}
        members[path].pop()
    if members is not None:
        members.setdefault(path, []).append(membership)
