"""EventBridge event-pattern vectors: matching, validation and the legacy-API difference.

Data: ``data/patterns/*.jsonl`` (provenance in ``data/SOURCES.md``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from triggerfish.core.patterns import (
    InvalidPattern,
    InvalidSampleEvent,
    compile_pattern,
    parse_sample_event,
)

DATA = Path(__file__).parent / "data" / "patterns"
PREFIX = "Event pattern is not valid. Reason: "


def _rows(name: str) -> list[dict[str, Any]]:
    with (DATA / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _row_id(number: int, row: dict[str, Any]) -> str:
    label = row.get("name") or row["source"].rsplit("/", 1)[-1]
    return f"{number:03d}-" + re.sub(r"[^A-Za-z0-9_.$-]+", "_", str(label))[:60]


def _params(name: str) -> list[Any]:
    return [pytest.param(row, id=_row_id(n, row)) for n, row in enumerate(_rows(name))]


def _pattern(row: dict[str, Any]) -> Any:
    return row["pattern_raw"] if "pattern_raw" in row else row["pattern"]


def _event(row: dict[str, Any]) -> Any:
    return json.loads(row["event_raw"]) if "event_raw" in row else row["event"]


@pytest.mark.parametrize("row", _params("cases.jsonl"))
def test_pattern_matches_event(row: dict[str, Any]) -> None:
    assert compile_pattern(_pattern(row)).matches(_event(row)) is row["match"]


@pytest.mark.parametrize("row", _params("eventruler_legacy_rulesForEvent_cases.jsonl"))
def test_matching_is_array_consistent(row: dict[str, Any]) -> None:
    # These rows record a non-array-consistent API; EventBridge gives the array-consistent answer.
    assert compile_pattern(_pattern(row)).matches(_event(row)) is row["match_array_consistent"]


@pytest.mark.parametrize("row", _params("validity.jsonl"))
def test_pattern_validity(row: dict[str, Any]) -> None:
    if row.get("invalid_part") == "event":
        compile_pattern(_pattern(row))
        with pytest.raises(InvalidSampleEvent) as rejected:
            parse_sample_event(row["event_raw"])
        assert rejected.value.message == row["error_message"]
        return
    if row["valid"]:
        compile_pattern(_pattern(row))
        return
    with pytest.raises(InvalidPattern) as raised:
        compile_pattern(_pattern(row))
    expected = row.get("error_message")
    if row.get("error_code") == "InvalidEventPatternException":
        assert raised.value.message == expected
    elif expected is not None:
        assert raised.value.message.startswith(PREFIX + expected)
    else:
        assert raised.value.message.startswith(PREFIX)
