"""Matching one sub-rule against a flattened event, array-consistently.

AWS matches rules array-consistently: the values that satisfy different fields of one sub-rule
must not come from different elements of the same array. Fields are tried in their sorted order;
``{"exists": false}`` holds when no value of the field is consistent with the values chosen for
the fields before it.
"""

from __future__ import annotations

from dataclasses import dataclass

from triggerfish.core.patterns.flatten import FlatEvent, Membership
from triggerfish.core.patterns.model import SubRule
from triggerfish.core.patterns.predicates import Predicate, build_predicate

FieldCheck = tuple[str, Predicate | None, bool]
"""``(path, predicate or None when only absence is allowed, absent_ok)``."""


@dataclass(frozen=True)
class SubRuleMatcher:
    """A compiled sub-rule: ``check(flat)`` is true when the event satisfies every field."""

    fields: tuple[FieldCheck, ...]

    @classmethod
    def build(cls, sub_rule: SubRule) -> SubRuleMatcher:
        return cls(tuple((f.path, build_predicate(f.tests) if f.tests else None, f.absent_ok) for f in sub_rule.fields))

    def check(self, flat: FlatEvent) -> bool:
        values = flat.values
        if flat.members is None:
            for path, predicate, absent_ok in self.fields:
                found = values.get(path)
                if found is None:
                    if absent_ok:
                        continue
                    return False
                if predicate is None:
                    return False
                for value in found:
                    if predicate(value):
                        break
                else:
                    return False
            return True
        return _search(self.fields, 0, {}, values, flat.members)


def _merge(chosen: dict[int, int], membership: Membership) -> dict[int, int] | None:
    """``chosen`` extended by ``membership``, or ``None`` when they pick different elements."""
    merged = None
    for array_id, index in membership:
        picked = chosen.get(array_id)
        if picked is None:
            if merged is None:
                merged = dict(chosen)
            merged[array_id] = index
        elif picked != index:
            return None
    return chosen if merged is None else merged


def _search(
    fields: tuple[FieldCheck, ...],
    at: int,
    chosen: dict[int, int],
    values: dict[str, list[object]],
    members: dict[str, list[Membership]],
) -> bool:
    if at == len(fields):
        return True
    path, predicate, absent_ok = fields[at]
    found = values.get(path)
    if found is None:
        return absent_ok and _search(fields, at + 1, chosen, values, members)
    memberships = members[path]
    absent = absent_ok and all(_merge(chosen, m) is None for m in memberships)
    if absent and _search(fields, at + 1, chosen, values, members):
        return True
    if predicate is None:
        return False
    for value, membership in zip(found, memberships, strict=True):
        if predicate(value):
            merged = _merge(chosen, membership)
            if merged is not None and _search(fields, at + 1, merged, values, members):
                return True
    return False
