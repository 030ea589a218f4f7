"""Value tests compiled once into plain closures over one event value.

Event values reaching a predicate are JSON leaves: ``str``, ``int``/``float``, ``bool`` or
``None``. Strings never equal numbers, and booleans are never numbers, whatever Python thinks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from triggerfish.core.patterns.cidr import parse_address
from triggerfish.core.patterns.model import (
    AnythingButIgnoreCase,
    AnythingButNumbers,
    AnythingButPrefix,
    AnythingButStrings,
    AnythingButSuffix,
    AnythingButWildcard,
    EqualsIgnoreCase,
    ExactLiteral,
    ExactNumber,
    ExactString,
    Exists,
    IpMatch,
    NumericRange,
    Prefix,
    Suffix,
    ValueTest,
    Wildcard,
)
from triggerfish.core.patterns.numbers import event_number

Predicate = Callable[[object], bool]
StrTest = Callable[[str], bool]
NumTest = Callable[[float], bool]


def fold(text: str) -> str:
    """Case folding for the ``equals-ignore-case`` family."""
    return text.lower()


def _string_test(test: ValueTest) -> StrTest | None:
    if isinstance(test, Prefix):
        if test.ignore_case:
            low_prefix = fold(test.value)
            return lambda v: fold(v).startswith(low_prefix)
        prefix = test.value
        return lambda v: v.startswith(prefix)
    if isinstance(test, Suffix):
        if test.ignore_case:
            low_suffix = fold(test.value)
            return lambda v: fold(v).endswith(low_suffix)
        suffix = test.value
        return lambda v: v.endswith(suffix)
    if isinstance(test, EqualsIgnoreCase):
        low = fold(test.value)
        return lambda v: fold(v) == low
    if isinstance(test, Wildcard):
        return test.pattern.matches
    if isinstance(test, IpMatch):
        ip_range = test.ip_range

        def in_range(v: str) -> bool:
            address = parse_address(v)
            return address is not None and ip_range.contains(address)

        return in_range
    return None


def _range_test(test: NumericRange) -> NumTest:
    low, low_open, high, high_open = test.low, test.low_open, test.high, test.high_open

    def in_range(v: float) -> bool:
        if low is not None and (v <= low if low_open else v < low):
            return False
        return high is None or (v < high if high_open else v <= high)

    return in_range


def _any_test(test: ValueTest) -> Predicate | None:
    """Tests that see every kind of value; all anything-but forms match non-strings too (§4.3)."""
    if isinstance(test, Exists):
        return lambda v: True
    if isinstance(test, AnythingButStrings):
        excluded = test.values
        return lambda v: not (isinstance(v, str) and v in excluded)
    if isinstance(test, AnythingButNumbers):
        numbers = test.values

        def not_listed(v: object) -> bool:
            number = event_number(v)
            return number is None or number not in numbers

        return not_listed
    string_test = _excluding_string_test(test)
    if string_test is None:
        return None
    excluded_by = string_test
    return lambda v: not (isinstance(v, str) and excluded_by(v))


def _excluding_string_test(test: ValueTest) -> StrTest | None:
    if isinstance(test, AnythingButPrefix):
        prefixes = test.values
        return lambda v: v.startswith(prefixes)
    if isinstance(test, AnythingButSuffix):
        suffixes = test.values
        return lambda v: v.endswith(suffixes)
    if isinstance(test, AnythingButIgnoreCase):
        folded = frozenset(fold(t) for t in test.values)
        return lambda v: fold(v) in folded
    if isinstance(test, AnythingButWildcard):
        patterns = test.patterns
        return lambda v: any(p.matches(v) for p in patterns)
    return None


def build_predicate(tests: Iterable[ValueTest]) -> Predicate:
    """One closure that is true when any of ``tests`` accepts a value."""
    strings: set[str] = set()
    numbers: set[float] = set()
    literals: list[object] = []
    string_tests: list[StrTest] = []
    number_tests: list[NumTest] = []
    any_tests: list[Predicate] = []
    for test in tests:
        if isinstance(test, ExactString):
            strings.add(test.value)
        elif isinstance(test, ExactNumber):
            numbers.add(test.value)
        elif isinstance(test, ExactLiteral):
            literals.append(test.value)
        elif isinstance(test, NumericRange):
            number_tests.append(_range_test(test))
        else:
            string_test = _string_test(test)
            if string_test is not None:
                string_tests.append(string_test)
                continue
            any_test = _any_test(test)
            if any_test is None:
                raise TypeError(f"no predicate for {test!r}")
            any_tests.append(any_test)
    if not (numbers or literals or string_tests or number_tests or any_tests):
        exact = frozenset(strings)
        return lambda v: isinstance(v, str) and v in exact
    return _general(frozenset(strings), frozenset(numbers), literals, string_tests, number_tests, any_tests)


def _general(
    strings: frozenset[str],
    numbers: frozenset[float],
    literals: list[object],
    string_tests: list[StrTest],
    number_tests: list[NumTest],
    any_tests: list[Predicate],
) -> Predicate:
    accepts_true = True in literals
    accepts_false = False in literals
    accepts_null = None in literals

    def predicate(v: object) -> bool:
        if isinstance(v, str):
            if v in strings:
                return True
            for string_test in string_tests:
                if string_test(v):
                    return True
        elif v is None:
            if accepts_null:
                return True
        elif v is True or v is False:
            if accepts_true if v else accepts_false:
                return True
        else:
            number = event_number(v)
            if number is not None:
                if number in numbers:
                    return True
                for number_test in number_tests:
                    if number_test(number):
                        return True
        return any(t(v) for t in any_tests)

    return predicate
