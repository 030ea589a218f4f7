"""The SNS filter-policy grammar (§5.4): policy nodes to a :class:`PatternAst`, with SNS's own limits.

SNS reads policies with the same rule reader as EventBridge, so most wording is shared, but its
operator set is smaller (no ``wildcard``, ``anything-but`` takes only ``prefix``), exact strings
are never read as IP addresses, and its limits differ: at most 5 keys and 150 combinations.
Members are read in document order, and each fault is raised where the reader would meet it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from triggerfish.core.patterns.cidr import CidrError, parse_cidr
from triggerfish.core.patterns.errors import InvalidPattern
from triggerfish.core.patterns.jsontext import Members, NumberText
from triggerfish.core.patterns.model import (
    AnythingButNumbers,
    AnythingButPrefix,
    AnythingButStrings,
    EqualsIgnoreCase,
    ExactLiteral,
    ExactNumber,
    ExactString,
    Exists,
    FieldRule,
    IpMatch,
    NumericRange,
    PatternAst,
    Prefix,
    SubRule,
    Suffix,
    ValueTest,
)
from triggerfish.core.patterns.numbers import NumberError, comparable
from triggerfish.core.patterns.numeric import parse_numeric

OR_KEY = "$or"
# SNS filter policy constraints: at most 5 keys, at most 150 value combinations (§5.4).
MAX_KEYS = 5
MAX_COMBINATIONS = 150
TOO_MANY_KEYS = f"Filter policy can not have more than {MAX_KEYS} keys"
TOO_COMPLEX = "Filter policy is too complex"


class PolicyFault(ValueError):
    """A policy SNS rejects; ``reason`` is AWS's text after ``"FilterPolicy: "``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def fail(reason: str) -> NoReturn:
    raise PolicyFault(reason)


@dataclass(frozen=True)
class PolicyField:
    """One leaf key of a policy: its value array, and where the key sits.

    ``size`` is the length of the value array as written; ``depth`` is how many objects deep the key
    is (1 at the top); ``top_key`` is the top-level key it sits under (itself at the top).
    """

    tests: tuple[ValueTest, ...]
    absent_ok: bool
    size: int
    depth: int
    top_key: str


Branch = dict[str, PolicyField]
"""One ``$or``-free reading of a policy: each leaf path with its field."""


@dataclass(frozen=True)
class ParsedPolicy:
    ast: PatternAst
    nested: bool
    branches: tuple[Branch, ...]


def parse_policy(root: Members) -> ParsedPolicy:
    """Validate a policy object into its AST; raises :class:`PolicyFault` with AWS's reason."""
    reader = _Reader()
    branches = tuple(reader.object([{}], (), root))
    return ParsedPolicy(_ast(branches), reader.nested, branches)


def check_limits(policy: ParsedPolicy) -> None:
    """SNS's key and complexity limits (§5.4 "Filter policy constraints")."""
    for branch in policy.branches:
        # Only top-level keys count toward the five-key limit; keys nested under them do not.
        if len({f.top_key for f in branch.values()}) > MAX_KEYS:
            fail(TOO_MANY_KEYS)
    total = 0
    for branch in policy.branches:
        combinations = 1
        for f in branch.values():
            # A nested key's values count once per level it sits at ("3 x 4 x 2 x 3 x 1 x 3" in AWS's guide).
            combinations *= f.size * f.depth
        total += combinations
    if total > MAX_COMBINATIONS:
        fail(TOO_COMPLEX)


class _Reader:
    def __init__(self) -> None:
        self.nested = False

    def object(self, drafts: list[Branch], prefix: tuple[str, ...], node: Members) -> list[Branch]:
        for key, value in node:
            if key == OR_KEY and isinstance(value, list):
                drafts = self.either(drafts, prefix, value)
            elif isinstance(value, Members):
                self.nested = True
                drafts = self.object(drafts, (*prefix, key), value)
            elif isinstance(value, list):
                tests, absent_ok = _values(value)
                entry = PolicyField(tests, absent_ok, len(value), len(prefix) + 1, prefix[0] if prefix else key)
                path = ".".join((*prefix, key))
                for draft in drafts:
                    draft[path] = entry
            else:
                fail(f'"{key}" must be an object or an array')
        return drafts

    def either(self, drafts: list[Branch], prefix: tuple[str, ...], branches: list[Any]) -> list[Branch]:
        result: list[Branch] = []
        for branch in branches:
            if not isinstance(branch, Members):
                fail(f"Only JSON object is allowed in array of {OR_KEY} relationship.")
            result.extend(self.object([dict(d) for d in drafts], prefix, branch))
        if len(branches) < 2:
            fail(f"There must have at least 2 Objects in {OR_KEY} relationship.")
        return result


def _values(values: list[Any]) -> tuple[tuple[ValueTest, ...], bool]:
    if not values:
        fail("Empty arrays are not allowed")
    tests: list[ValueTest] = []
    absent_ok = False
    for value in values:
        if isinstance(value, Members):
            test = _match_expression(value)
            if test is None:
                absent_ok = True
            else:
                tests.append(test)
        elif isinstance(value, str):
            tests.append(ExactString(value))
        elif isinstance(value, NumberText):
            tests.append(ExactNumber(_number(value)))
        elif value is None or isinstance(value, bool):
            tests.append(ExactLiteral(value))
        else:
            fail("Match value must be String, number, true, false, or null")
    return tuple(dict.fromkeys(tests)), absent_ok


def _number(node: NumberText) -> float:
    try:
        return comparable(node)
    except NumberError as error:
        fail(str(error))


def _match_expression(node: Members) -> ValueTest | None:
    """One ``{"operator": value}``; ``None`` stands for ``{"exists": false}``."""
    if not node:
        fail("Empty objects are not allowed")
    (name, value), rest = node[0], node[1:]
    parser = _PARSERS.get(name)
    if parser is None:
        fail(f"Unrecognized match type {name}")
    test = parser(value)
    if rest:
        fail("Only one key allowed in match expression")
    return test


def _string(kind: str, value: Any) -> str:
    if not isinstance(value, str):
        fail(f"{kind} match pattern must be a string")
    return value


def _prefix(value: Any) -> ValueTest:
    return Prefix(_string("prefix", value))


def _suffix(value: Any) -> ValueTest:
    return Suffix(_string("suffix", value))


def _equals_ignore_case(value: Any) -> ValueTest:
    return EqualsIgnoreCase(_string("equals-ignore-case", value))


def _exists(value: Any) -> ValueTest | None:
    if not isinstance(value, bool):
        fail("exists match pattern must be either true or false.")
    return Exists() if value else None


def _cidr(value: Any) -> ValueTest:
    # SNS words a non-string CIDR as it words a non-string prefix (observed on AWS).
    try:
        return IpMatch(parse_cidr(_string("prefix", value)))
    except CidrError as error:
        fail(str(error))


def _numeric(value: Any) -> ExactNumber | NumericRange:
    if not isinstance(value, list):
        fail("Value of numeric must be an array.")
    try:
        return parse_numeric(value)
    except InvalidPattern as error:
        fail(error.reason)


def _anything_but(value: Any) -> ValueTest:
    if isinstance(value, Members):
        if not value:
            fail("Anything-But expression name not found")
        (kind, inner), rest = value[0], value[1:]
        # SNS accepts only the prefix form of a nested anything-but (observed on AWS).
        if kind != "prefix":
            fail(f"Unsupported anything-but pattern: {kind}")
        prefix = _string("prefix", inner)
        if rest:
            fail("Only one key allowed in match expression")
        return AnythingButPrefix((prefix,))
    if isinstance(value, str):
        return AnythingButStrings(frozenset((value,)))
    if isinstance(value, NumberText):
        return AnythingButNumbers(frozenset((_number(value),)))
    if not isinstance(value, list):
        fail("Value of anything-but must be an array or single string/number value.")
    if not value:
        fail("Empty arrays are not allowed")
    strings: set[str] = set()
    numbers: set[float] = set()
    for item in value:
        if isinstance(item, str):
            strings.add(item)
        elif isinstance(item, NumberText):
            numbers.add(_number(item))
        else:
            fail("Inside anything but list, start|null|boolean is not supported.")
    if strings and numbers:
        fail("Inside anything but list, either all values are number or string, mixed type is not supported")
    return AnythingButStrings(frozenset(strings)) if strings else AnythingButNumbers(frozenset(numbers))


_PARSERS: dict[str, Callable[[Any], ValueTest | None]] = {
    "prefix": _prefix,
    "suffix": _suffix,
    "equals-ignore-case": _equals_ignore_case,
    "anything-but": _anything_but,
    "numeric": _numeric,
    "exists": _exists,
    "cidr": _cidr,
}


def _ast(branches: tuple[Branch, ...]) -> PatternAst:
    seen: dict[SubRule, None] = {}
    for branch in branches:
        fields = tuple(FieldRule(path, f.tests, f.absent_ok) for path, f in sorted(branch.items()))
        seen.setdefault(SubRule(fields), None)
    return PatternAst(tuple(seen))
