"""Every recorded AWS output of ``test_events_inputs.snapshot.json`` reproduced by the input transformer.

The snapshot holds what real EventBridge delivered to an SQS target (or the error PutTargets gave);
``input_cases.json`` holds the request side of each recording (see ``events_recorded/SOURCES.md``).
Volatile values were replaced by tokens when recording: ``<uuid:N>`` is the event id, ``<region>``,
``<partition>``, ``<bus-name>``, ``<rule-name>`` and ``<ingestion-time>`` are put back here with the
values this test used, and ``date`` stands for any second-precision timestamp.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from triggerfish.core.payloads.eventbridge import eventbridge_event
from triggerfish.core.payloads.timestamps import iso_seconds
from triggerfish.services.events.errors import ValidationException
from triggerfish.services.events.input_transform import check_target_input, render_target_input

DATA = Path(__file__).parent / "data" / "events_recorded"
SNAPSHOT: dict[str, Any] = json.loads((DATA / "test_events_inputs.snapshot.json").read_text())
CASES: dict[str, Any] = json.loads((DATA / "input_cases.json").read_text())

EVENT_ID = "8f0e5e55-4f3c-4a6b-9d0e-3c0d9b1e2a77"
EVENT_TIME = 1_718_094_790.0
INGESTION_TIME = 1_718_094_791.25
RULE = CASES["rule"]
RULE_ARN = f"arn:aws:events:us-east-1:111111111111:rule/{RULE['bus']}/{RULE['name']}"
KNOWN = {
    "<region>": "us-east-1",
    "<partition>": "aws",
    "<bus-name>": RULE["bus"],
    "<rule-name>": RULE["name"],
    "<ingestion-time>": iso_seconds(INGESTION_TIME),
}
_TOKEN = re.compile(r"<uuid:\d+>|<[a-z\-]+>|\bdate\b")


def _expected_text(recorded: str) -> re.Pattern[str]:
    pieces: list[str] = []
    at = 0
    for token in _TOKEN.finditer(recorded):
        pieces.append(re.escape(recorded[at : token.start()]))
        word = token.group()
        if word == "date":
            pieces.append(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
        elif word.startswith("<uuid:"):
            pieces.append(re.escape(EVENT_ID))
        else:
            pieces.append(re.escape(KNOWN[word]))
        at = token.end()
    pieces.append(re.escape(recorded[at:]))
    return re.compile("".join(pieces), re.DOTALL)


def _same(recorded: Any, actual: Any) -> bool:
    if isinstance(recorded, dict):
        # key order is part of what AWS delivers
        return (
            isinstance(actual, dict)
            and list(recorded) == list(actual)
            and all(_same(recorded[k], actual[k]) for k in recorded)
        )
    if isinstance(recorded, list):
        return (
            isinstance(actual, list)
            and len(recorded) == len(actual)
            and all(_same(r, a) for r, a in zip(recorded, actual, strict=True))
        )
    if isinstance(recorded, str):
        return isinstance(actual, str) and _expected_text(recorded).fullmatch(actual) is not None
    return bool(recorded == actual) and type(recorded) is type(actual)


def _event(detail: str) -> dict[str, Any]:
    given = CASES["event"]
    return dict(
        eventbridge_event(
            event_id=EVENT_ID,
            source=given["source"],
            detail_type=given["detail-type"],
            detail=CASES["details"][detail],
            account=given["account"],
            region=given["region"],
            time=EVENT_TIME,
        )
    )


def _case_id(case: dict[str, Any]) -> str:
    return f"{case['test'].split('::', 1)[1]}::{case['match']}"


@pytest.mark.parametrize("case", CASES["cases"], ids=_case_id)
def test_recorded_output_is_reproduced(case: dict[str, Any]) -> None:
    recorded = SNAPSHOT[case["test"]]["recorded-content"][case["match"]]
    target = case["target"]
    if "Error" in recorded:
        with pytest.raises(ValidationException) as refused:
            check_target_input(target)
        assert refused.value.code == recorded["Error"]["Code"]
        assert refused.value.message == recorded["Error"]["Message"].replace("<target-id>", target["Id"])
        return
    check_target_input(target)
    body = render_target_input(
        target, _event(case["detail"]), rule_arn=RULE_ARN, rule_name=RULE["name"], ingestion_time=INGESTION_TIME
    )
    (message,) = recorded
    expected = message["Body"]
    # the recording parsed bodies that are JSON objects; anything else is the raw message text
    actual = body if isinstance(expected, str) else json.loads(body)
    assert _same(expected, actual), f"{body!r} does not match {expected!r}"


def test_every_recorded_output_has_a_case() -> None:
    covered = {(case["test"], case["match"]) for case in CASES["cases"]}
    recorded = {(test, match) for test, entry in SNAPSHOT.items() for match in entry["recorded-content"]}
    assert recorded == covered
    assert {test for test, entry in SNAPSHOT.items() if not entry["recorded-content"]} == set(
        CASES["without_recorded_content"]
    )


def test_the_recorded_values_stand_for_what_was_rendered() -> None:
    """The tokens are not wildcards: a wrong ingestion time or rule name does not pass."""
    assert _same("<ingestion-time>", iso_seconds(INGESTION_TIME))
    assert not _same("<ingestion-time>", iso_seconds(EVENT_TIME))
    assert not _same("<rule-name>", "other-rule")
    assert not _same({"a": 1}, {"a": 1.0})
