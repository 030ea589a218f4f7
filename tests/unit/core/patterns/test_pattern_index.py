"""PatternIndex: add/remove/replace, and agreement with matching every pattern one by one."""

from __future__ import annotations

import random
from typing import Any

from triggerfish.core.patterns import PatternIndex, compile_pattern


def _index(**patterns: dict[str, Any]) -> PatternIndex:
    index = PatternIndex()
    for rule_id, pattern in patterns.items():
        index.add(rule_id, compile_pattern(pattern))
    return index


def test_match_returns_every_matching_rule_id() -> None:
    index = _index(
        ec2={"source": ["aws.ec2"]},
        running={"source": ["aws.ec2"], "detail": {"state": ["running"]}},
        s3={"source": ["aws.s3"]},
        anything={"detail": {"state": [{"exists": True}]}},
    )
    event = {"source": "aws.ec2", "detail": {"state": "running"}}
    assert index.match(event) == {"ec2", "running", "anything"}
    assert index.match({"source": "aws.s3"}) == {"s3"}
    assert index.match({"source": "other"}) == set()


def test_remove_and_replace() -> None:
    index = _index(a={"source": ["x"]}, b={"source": ["x"], "detail-type": ["t"]})
    event = {"source": "x", "detail-type": "t"}
    assert index.match(event) == {"a", "b"}
    index.remove("a")
    assert index.match(event) == {"b"}
    assert "a" not in index and len(index) == 1
    index.add("b", compile_pattern({"source": ["y"]}))
    assert index.match(event) == set()
    assert index.match({"source": "y"}) == {"b"}
    index.remove("b")
    index.remove("never-added")
    assert len(index) == 0
    assert index.match(event) == set()


def test_rules_without_exact_values_are_still_found() -> None:
    index = _index(
        prefix={"detail": {"name": [{"prefix": "ab"}]}},
        absent={"detail": {"name": [{"exists": False}]}},
        either={"$or": [{"a": ["1"]}, {"b": [{"numeric": [">", 3]}]}]},
    )
    assert index.match({"detail": {"name": "abc"}}) == {"prefix"}
    assert index.match({"detail": {}}) == {"absent"}
    assert index.match({"b": 4}) == {"absent", "either"}
    assert index.match({"a": "1", "detail": {"name": "zz"}}) == {"either"}


def test_literals_numbers_and_strings_do_not_collide() -> None:
    index = _index(true={"v": [True]}, one={"v": [1]}, text={"v": ["1"]}, null={"v": [None]})
    assert index.match({"v": True}) == {"true"}
    assert index.match({"v": 1.0}) == {"one"}
    assert index.match({"v": "1"}) == {"text"}
    assert index.match({"v": None}) == {"null"}
    assert index.match({"v": [True, "1"]}) == {"true", "text"}


def test_array_consistency_holds_through_the_index() -> None:
    index = _index(rule={"source": ["s"], "items": {"sku": ["A"], "qty": [2]}})
    consistent = {"source": "s", "items": [{"sku": "A", "qty": 2}, {"sku": "B", "qty": 1}]}
    crossed = {"source": "s", "items": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]}
    assert index.match(consistent) == {"rule"}
    assert index.match(crossed) == set()


_FIELDS = ("source", "detail-type", "detail.state", "detail.size", "detail.tags")
_VALUES: dict[str, list[Any]] = {
    "source": ["a", "b", "c"],
    "detail-type": ["T1", "T2"],
    "detail.state": ["on", "off", None],
    "detail.size": [1, 2.5, 10],
    "detail.tags": ["x", "y"],
}


def _random_value_test(rng: random.Random, field: str) -> Any:
    value = rng.choice(_VALUES[field])
    roll = rng.random()
    if roll < 0.5:
        return value
    if roll < 0.6:
        return {"exists": rng.random() < 0.5}
    if roll < 0.75 and isinstance(value, str):
        return {"prefix": value[:1]}
    if roll < 0.85 and isinstance(value, int | float):
        return {"numeric": [">=", value]}
    return {"anything-but": value} if isinstance(value, str | int | float) else value


def _random_pattern(rng: random.Random) -> dict[str, Any]:
    pattern: dict[str, Any] = {}
    for field in rng.sample(_FIELDS, rng.randint(1, 3)):
        tests = [_random_value_test(rng, field) for _ in range(rng.randint(1, 2))]
        node = pattern
        *parents, leaf = field.split(".")
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = tests
    if rng.random() < 0.15:
        pattern["$or"] = [{"region": ["r1"]}, {"account": ["1", "2"]}]
    return pattern


def _random_event(rng: random.Random) -> dict[str, Any]:
    event: dict[str, Any] = {"region": rng.choice(["r1", "r2"]), "account": rng.choice(["1", "3"])}
    detail: dict[str, Any] = {}
    for field in _FIELDS:
        if rng.random() < 0.2:
            continue
        value = rng.choice(_VALUES[field])
        if field == "detail.tags" and rng.random() < 0.5:
            value = rng.sample(_VALUES[field], 2)
        if field.startswith("detail."):
            detail[field.split(".", 1)[1]] = value
        else:
            event[field] = value
    event["detail"] = detail
    return event


def test_many_rules_agree_with_matching_each_pattern() -> None:
    rng = random.Random(1234)
    compiled = {n: compile_pattern(_random_pattern(rng)) for n in range(600)}
    index = PatternIndex()
    for rule_id, pattern in compiled.items():
        index.add(rule_id, pattern)
    for _ in range(300):
        event = _random_event(rng)
        expected = {rule_id for rule_id, pattern in compiled.items() if pattern.matches(event)}
        assert index.match(event) == expected
    for rule_id in range(0, 600, 3):
        index.remove(rule_id)
        del compiled[rule_id]
    for _ in range(100):
        event = _random_event(rng)
        expected = {rule_id for rule_id, pattern in compiled.items() if pattern.matches(event)}
        assert index.match(event) == expected
