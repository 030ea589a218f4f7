"""The JSONPath subset of InputPath and InputPathsMap: what it accepts and what it selects."""

from __future__ import annotations

from typing import Any

import pytest

from triggerfish.services.events.input_paths import InvalidPath, Selection, is_valid_path, parse_path

EVENT: dict[str, Any] = {
    "version": "0",
    "detail-type": "Order Placed",
    "resources": ["arn:a", "arn:b"],
    "detail": {
        "order_id": "o-1",
        "a/b": "slashed",
        "items": [{"sku": "x", "qty": 1}, {"sku": "y", "qty": 2}],
        "nothing": None,
        "flag": False,
    },
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$", EVENT),
        ("$.detail-type", "Order Placed"),
        ("$.detail.order_id", "o-1"),
        ("$.detail.a/b", "slashed"),
        ("$.resources[1]", "arn:b"),
        ("$.detail.items[0].sku", "x"),
        ("$.detail.nothing", None),
        ("$.detail.flag", False),
    ],
)
def test_definite_paths_select_one_value(path: str, expected: Any) -> None:
    assert parse_path(path).select(EVENT) == Selection(True, expected)


@pytest.mark.parametrize(
    "path", ["$.detail.missing", "$.resources[2]", "$.detail.order_id.deeper", "$.detail[0]", "$.resources.x"]
)
def test_paths_that_lead_nowhere_find_nothing(path: str) -> None:
    assert parse_path(path).select(EVENT).found is False


def test_wildcards_select_every_value_they_reach() -> None:
    assert parse_path("$.detail.items[*].sku").select(EVENT) == Selection(True, ["x", "y"])
    assert parse_path("$.resources.*").select(EVENT) == Selection(True, ["arn:a", "arn:b"])
    assert parse_path("$.detail.items.*.qty").select(EVENT) == Selection(True, [1, 2])
    assert parse_path("$.detail.missing[*]").select(EVENT) == Selection(True, [])
    assert not parse_path("$.detail.items[*].sku").is_definite


@pytest.mark.parametrize(
    "path",
    [
        "",
        "detail",
        ".detail",
        "$detail",
        "$.",
        "$..detail",
        "$.detail.",
        "$.detail['x-y']",  # quoted bracket notation is refused by PutTargets (observed)
        '$["detail"]',
        "$.a[-1]",
        "$.a[1:2]",
        "$.a[",
        "$.a b",
    ],
)
def test_paths_outside_the_subset_are_invalid(path: str) -> None:
    assert not is_valid_path(path)
    with pytest.raises(InvalidPath):
        parse_path(path)


def test_indices_and_a_bare_root_are_valid() -> None:
    assert is_valid_path("$")
    assert is_valid_path("$.detail.a[0]")
    assert is_valid_path("$[0]")
