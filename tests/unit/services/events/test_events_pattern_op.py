"""TestEventPattern: the pattern checked as a rule's is, the event checked for its envelope fields."""

from __future__ import annotations

import json

import pytest

from triggerfish.services.events.errors import InvalidEventPattern, ValidationException
from triggerfish.services.events.test_pattern import matches_sample

EVENT = {
    "id": "e1",
    "account": "123456789012",
    "source": "shop",
    "time": "2024-01-01T00:00:00Z",
    "region": "us-east-1",
    "detail-type": "order",
    "resources": [],
    "detail": {"total": 120, "state": {"status": "running"}},
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"source": ["shop"]}, True),
        ({"source": ["other"]}, False),
        ({"detail": {"total": [{"numeric": [">", 100]}]}}, True),
        ({"detail": {"state.status": ["running"]}}, True),
        ({"detail": {"missing": [{"exists": False}]}}, True),
    ],
)
def test_results(pattern: dict[str, object], expected: bool) -> None:
    assert matches_sample(json.dumps(pattern), json.dumps(EVENT)) is expected


def test_a_faulty_pattern_is_an_invalid_event_pattern() -> None:
    with pytest.raises(InvalidEventPattern) as raised:
        matches_sample('["not", "a", "dict"]', json.dumps(EVENT))
    assert raised.value.message == (
        "Event pattern is not valid. Reason: Filter is not an object\n"
        ' at [Source: (String)"["not", "a", "dict"]"; line: 1, column: 2]'
    )
    with pytest.raises(
        InvalidEventPattern, match=r"^Event pattern is not valid\. Reason: Empty arrays are not allowed"
    ):
        matches_sample('{"source": []}', json.dumps(EVENT))


@pytest.mark.parametrize(
    "event",
    ["plain string", "[1, 2]", json.dumps({k: v for k, v in EVENT.items() if k != "account"}), "{broken"],
)
def test_an_event_without_its_envelope_is_refused(event: str) -> None:
    with pytest.raises(ValidationException) as raised:
        matches_sample('{"source": ["shop"]}', event)
    assert raised.value.message == "Parameter Event is not valid."
    assert raised.value.code == "ValidationException"
