"""Hashable keys for exact values, shared by the pattern side and the event side of the index.

Strings key as themselves; numbers, ``true``, ``false`` and ``null`` key as tagged tuples so that
``1``, ``1.0`` and ``"1"`` stay apart where JSON keeps them apart (Python has ``True == 1``).
"""

from __future__ import annotations

from triggerfish.core.patterns.model import ExactLiteral, ExactNumber, ExactString, SubRule, ValueTest
from triggerfish.core.patterns.numbers import event_number

_TRUE = ("literal", True)
_FALSE = ("literal", False)
_NULL = ("literal", None)


def value_key(value: object) -> object:
    """The key of an event leaf value."""
    if isinstance(value, str):
        return value
    if value is None:
        return _NULL
    if value is True:
        return _TRUE
    if value is False:
        return _FALSE
    number = event_number(value)
    return None if number is None else ("number", number)


def test_key(test: ValueTest) -> object:
    """The key of an exact test: equal to ``value_key`` of exactly the values it accepts."""
    if isinstance(test, ExactString):
        return test.value
    if isinstance(test, ExactNumber):
        return ("number", test.value)
    if isinstance(test, ExactLiteral):
        return value_key(test.value)
    raise TypeError(f"not an exact test: {test!r}")


def exact_keys(sub_rule: SubRule) -> set[tuple[str, object]]:
    """``(path, key)`` for every exact value of every exact-valued field of ``sub_rule``."""
    return {(f.path, test_key(t)) for f in sub_rule.fields if f.exact_only for t in f.tests}
