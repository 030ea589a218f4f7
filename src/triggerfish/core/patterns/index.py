"""Matching one event against many patterns without trying every pattern.

Each sub-rule is filed in one place:

* under its exact values, when it has exact-valued fields (fields that only exact strings,
  numbers, booleans or null can satisfy). The one or two such fields whose values the fewest
  other rules share are used together as the key, so an event only reaches sub-rules whose key
  values it carries. The choice rests on statistics of the rules filed so far, so every rule is
  filed again each time their number doubles;
* otherwise under a path it requires to be present, so events without that path skip it;
* a sub-rule made only of ``{"exists": false}`` fields is tried for every event.

The event is flattened once, for the union of every rule's paths.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from triggerfish.core.patterns.compiled import CompiledPattern
from triggerfish.core.patterns.flatten import FlatEvent, PathSet, flatten
from triggerfish.core.patterns.index_keys import exact_keys, test_key, value_key
from triggerfish.core.patterns.matcher import SubRuleMatcher
from triggerfish.core.patterns.model import FieldRule, SubRule

_KEY_FIELDS = 2
# Above this many value combinations a second key field costs more than it saves.
_MAX_COMBINED_KEYS = 64
_REFILE_AT_LEAST = 64

Bucket = dict[int, "_Entry"]


@dataclass(frozen=True, eq=False)
class _Entry:
    """A filed sub-rule; ``rest`` leaves out the key fields its bucket lookup already proved."""

    rule_id: Hashable
    matcher: SubRuleMatcher
    sub_rule: SubRule
    rest: SubRuleMatcher


@dataclass(frozen=True)
class _Filing:
    """Where one sub-rule was filed: by ``paths`` under ``keys``, by presence, or always."""

    entry: _Entry
    paths: tuple[str, ...]
    keys: tuple[tuple[object, ...], ...]


class PatternIndex:
    """Rules by id; ``match(event)`` returns the ids of every rule whose pattern matches."""

    def __init__(self) -> None:
        self._filings: dict[Hashable, list[_Filing]] = {}
        self._by_value: dict[tuple[str, ...], dict[tuple[object, ...], Bucket]] = {}
        self._by_presence: dict[str, Bucket] = {}
        self._always: Bucket = {}
        self._path_uses: Counter[str] = Counter()
        self._key_uses: Counter[tuple[str, object]] = Counter()
        self._paths: PathSet | None = None
        self._entry_count = 0
        self._entries_at_refile = 0

    def __len__(self) -> int:
        return len(self._filings)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._filings

    def add(self, rule_id: Hashable, pattern: CompiledPattern) -> None:
        """File ``pattern`` under ``rule_id``, replacing any pattern already filed there."""
        if rule_id in self._filings:
            self.remove(rule_id)
        entries = [
            _Entry(rule_id, matcher, sub_rule, matcher)
            for sub_rule, matcher in zip(pattern.ast.sub_rules, pattern.matchers, strict=True)
        ]
        for entry in entries:
            self._key_uses.update(exact_keys(entry.sub_rule))
            self._path_uses.update(f.path for f in entry.sub_rule.fields)
        self._filings[rule_id] = [self._file(entry) for entry in entries]
        self._entry_count += len(entries)
        self._paths = None
        if self._entry_count >= max(_REFILE_AT_LEAST, 2 * self._entries_at_refile):
            self._refile()

    def remove(self, rule_id: Hashable) -> None:
        """Take the rule out; an unknown id is ignored."""
        filings = self._filings.pop(rule_id, [])
        for filing in filings:
            self._unfile(filing)
            self._path_uses.subtract(f.path for f in filing.entry.sub_rule.fields)
            self._key_uses.subtract(exact_keys(filing.entry.sub_rule))
        self._path_uses += Counter()
        self._key_uses += Counter()
        self._entry_count -= len(filings)
        self._paths = None

    def match(self, event: Mapping[str, Any]) -> set[Hashable]:
        paths = self._paths
        if paths is None:
            paths = self._paths = PathSet.of(self._path_uses)
        flat = flatten(event, paths)
        values = flat.values
        matched: set[Hashable] = set()
        for key_paths, table in self._by_value.items():
            first = values.get(key_paths[0])
            if first is None:
                continue
            if len(key_paths) == 1:
                for value in first:
                    bucket = table.get((value if value.__class__ is str else value_key(value),))
                    if bucket:
                        _try(bucket, flat, matched)
                continue
            second = values.get(key_paths[1])
            if second is None:
                continue
            for value in first:
                key = value if value.__class__ is str else value_key(value)
                for other in second:
                    bucket = table.get((key, other if other.__class__ is str else value_key(other)))
                    if bucket:
                        _try(bucket, flat, matched)
        by_presence = self._by_presence
        for path in values:
            present = by_presence.get(path)
            if present is not None:
                _try(present, flat, matched)
        if self._always:
            _try(self._always, flat, matched)
        return matched

    def _refile(self) -> None:
        self._entries_at_refile = self._entry_count
        for rule_id, filings in self._filings.items():
            for filing in filings:
                self._unfile(filing)
            self._filings[rule_id] = [self._file(filing.entry) for filing in filings]

    def _file(self, entry: _Entry) -> _Filing:
        key_fields = self._key_fields(entry.sub_rule)
        if key_fields:
            paths = tuple(f.path for f in key_fields)
            rest = SubRuleMatcher(tuple(f for f in entry.matcher.fields if f[0] not in paths))
            entry = _Entry(entry.rule_id, entry.matcher, entry.sub_rule, rest)
            choices = [dict.fromkeys(test_key(t) for t in f.tests) for f in key_fields]
            keys = tuple(itertools.product(*choices))
            table = self._by_value.setdefault(paths, {})
            for key in keys:
                table.setdefault(key, {})[id(entry)] = entry
            return _Filing(entry, paths, keys)
        entry = _Entry(entry.rule_id, entry.matcher, entry.sub_rule, entry.matcher)
        required = [f.path for f in entry.sub_rule.fields if not f.absent_ok]
        if required:
            # The longest path is usually the most specific one.
            path = max(required, key=len)
            self._by_presence.setdefault(path, {})[id(entry)] = entry
            return _Filing(entry, (path,), ())
        self._always[id(entry)] = entry
        return _Filing(entry, (), ())

    def _key_fields(self, sub_rule: SubRule) -> tuple[FieldRule, ...]:
        uses = self._key_uses

        # The fields whose values the fewest rules share leave an event the fewest candidates.
        def crowding(field: FieldRule) -> tuple[int, str]:
            return sum(uses[field.path, test_key(t)] for t in field.tests), field.path

        chosen = sorted((f for f in sub_rule.fields if f.exact_only), key=crowding)[:_KEY_FIELDS]
        if len(chosen) > 1 and len(chosen[0].tests) * len(chosen[1].tests) > _MAX_COMBINED_KEYS:
            chosen = chosen[:1]
        return tuple(sorted(chosen, key=lambda f: f.path))

    def _unfile(self, filing: _Filing) -> None:
        entry_id = id(filing.entry)
        if filing.keys:
            table = self._by_value[filing.paths]
            for key in filing.keys:
                bucket = table[key]
                del bucket[entry_id]
                if not bucket:
                    del table[key]
            if not table:
                del self._by_value[filing.paths]
        elif filing.paths:
            bucket = self._by_presence[filing.paths[0]]
            del bucket[entry_id]
            if not bucket:
                del self._by_presence[filing.paths[0]]
        else:
            del self._always[entry_id]


def _try(bucket: Bucket, flat: FlatEvent, matched: set[Hashable]) -> None:
    # Outside arrays the key fields need no second look; inside them they take part in the
    # array-consistency search, so the whole sub-rule is checked.
    whole = flat.members is not None
    for entry in bucket.values():
        if entry.rule_id not in matched and (entry.matcher if whole else entry.rest).check(flat):
            matched.add(entry.rule_id)
