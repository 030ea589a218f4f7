"""The EventBridge pattern grammar (§4.3): pattern nodes to a :class:`PatternAst`.

Members are read in document order and every check fires where AWS's reader would fire it, so the
first fault reported is the one AWS reports. Field paths join nested keys with ``.``; ``$or``
multiplies the sub-rules built so far by its branches.
"""

from __future__ import annotations

from typing import Any

from triggerfish.core.patterns.cidr import address_range
from triggerfish.core.patterns.errors import eventbridge_error
from triggerfish.core.patterns.jsontext import Members, NumberText
from triggerfish.core.patterns.matchexpr import parse_match_expression
from triggerfish.core.patterns.model import (
    ExactLiteral,
    ExactNumber,
    ExactString,
    FieldRule,
    IpMatch,
    PatternAst,
    SubRule,
    ValueTest,
    Wildcard,
)
from triggerfish.core.patterns.wildcard import wildcard_complexity

OR_KEY = "$or"
# Names that stand for operators, so a field inside ``$or`` may not use them.
_RESERVED_IN_OR = frozenset(
    {
        "exactly", "equals-ignore-case", "prefix", "suffix", "anything-but", "exists", "wildcard",
        "numeric", "cidr", "=", "<", "<=", ">", ">=", "regex", "not-wildcard", "not-equals-ignore-case",
        "date-after", "date-on-or-after", "date-before", "date-on-or-before", "in-date-range",
        "ip-address-in-range", "ip-address-not-in-range",
    }
)  # fmt: skip
# AWS caps the sub-rules that ``$or`` may multiply out to (§4.3 ``$or``).
MAX_COMBINATIONS = 1000
# Wildcard complexity budget per field (§4.3 "Rule is too complex"), set where AWS's accepted and
# rejected examples fall on our measure of it.
MAX_WILDCARD_COMPLEXITY = 10
TOO_COMPLEX = (
    "Rule is too complex - try using fewer wildcard characters or fewer repeating character "
    "sequences after a wildcard character"
)

_Draft = dict[str, tuple[tuple[ValueTest, ...], bool]]


def compile_eventbridge(root: Any) -> PatternAst:
    """Compile a pattern's root node (already checked to be an object)."""
    drafts: list[_Draft] = []
    _object(drafts, (), root, inside_or=False)
    if len(drafts) > MAX_COMBINATIONS:
        raise eventbridge_error(f"The total number of $or combinations exceeds {MAX_COMBINATIONS}")
    return PatternAst(tuple(_sub_rules(drafts)))


def _object(drafts: list[_Draft], prefix: tuple[str, ...], node: Members, *, inside_or: bool) -> None:
    if not node:
        raise eventbridge_error("Empty objects are not allowed")
    for key, value in node:
        if key == OR_KEY:
            _or(drafts, prefix, value)
            continue
        if inside_or and key in _RESERVED_IN_OR:
            reason = f"{key} is Ruler reserved fieldName which cannot be used inside {OR_KEY}."
            raise eventbridge_error(reason)
        if isinstance(value, Members):
            _object(drafts, (*prefix, key), value, inside_or=inside_or)
        elif isinstance(value, list):
            _field(drafts, ".".join((*prefix, key)), value)
        else:
            raise eventbridge_error(f'"{key}" must be an object or an array')


def _or(drafts: list[_Draft], prefix: tuple[str, ...], node: Any) -> None:
    before = [dict(d) for d in drafts]
    drafts.clear()
    if not isinstance(node, list):
        raise eventbridge_error(f"It must be an Array followed with {OR_KEY}.")
    for branch in node:
        if not isinstance(branch, Members):
            raise eventbridge_error(f"Only JSON object is allowed in array of {OR_KEY} relationship.")
        forked = [dict(d) for d in before] or [{}]
        _object(forked, prefix, branch, inside_or=True)
        drafts.extend(forked)
    if len(node) < 2:
        raise eventbridge_error(f"There must have at least 2 Objects in {OR_KEY} relationship.")


def _field(drafts: list[_Draft], path: str, values: list[Any]) -> None:
    tests: list[ValueTest] = []
    absent_ok = False
    for value in values:
        if isinstance(value, Members):
            test = parse_match_expression(value)
            if test is None:
                absent_ok = True
            else:
                tests.append(test)
        elif isinstance(value, str):
            ip_range = address_range(value)
            tests.append(ExactString(value) if ip_range is None else IpMatch(ip_range))
        elif isinstance(value, NumberText):
            tests.append(ExactNumber(value.value))
        elif value is None or isinstance(value, bool):
            tests.append(ExactLiteral(value))
        else:
            raise eventbridge_error("Match value must be String, number, true, false, or null")
    if not values:
        raise eventbridge_error("Empty arrays are not allowed")
    if not drafts:
        drafts.append({})
    entry = (tuple(dict.fromkeys(tests)), absent_ok)
    for draft in drafts:
        draft[path] = entry


def _sort_key(path: str) -> bytes:
    # Fields are visited in UTF-16 code-unit order of their paths, which decides array consistency.
    return path.encode("utf-16-be", "surrogatepass")


def _sub_rules(drafts: list[_Draft]) -> list[SubRule]:
    seen: dict[SubRule, None] = {}
    for draft in drafts:
        fields = []
        for path in sorted(draft, key=_sort_key):
            tests, absent_ok = draft[path]
            wildcards = tuple(t.pattern for t in tests if isinstance(t, Wildcard))
            if wildcards and wildcard_complexity(wildcards) > MAX_WILDCARD_COMPLEXITY:
                raise eventbridge_error(TOO_COMPLEX)
            fields.append(FieldRule(path, tests, absent_ok))
        seen.setdefault(SubRule(tuple(fields)), None)
    return list(seen)
