"""SNS subscription filter policy vectors (§5.4): matching and validation.

Data: ``data/patterns/sns_filter_policy_*.jsonl`` (provenance in ``data/SOURCES.md``).

Four matching rows come from LocalStack's own unit tests and use a bare (non-array) policy value,
which LocalStack accepts but real SNS rejects (``"filter" must be an object or an array``). Those rows
carry a ``note``; for them we assert what real SNS does: the policy is rejected.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from triggerfish.core.delivery import MessageAttribute
from triggerfish.core.patterns import InvalidFilterPolicy, compile_filter_policy

DATA = Path(__file__).parent / "data" / "patterns"
AWS_PREFIX = "Invalid parameter: Attributes Reason: FilterPolicy: "


def _rows(name: str) -> list[Any]:
    with (DATA / name).open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    params = []
    for number, row in enumerate(rows):
        outcome = ("match" if row["match"] else "drop") if "match" in row else ("valid" if row["valid"] else "invalid")
        label = f"{row['scope']}-{row.get('name', 'case')}-{outcome}"
        params.append(pytest.param(row, id=f"{number:03d}-" + re.sub(r"[^A-Za-z0-9_-]+", "_", label)))
    return params


def _attributes(raw: dict[str, Any]) -> dict[str, MessageAttribute]:
    # Some LocalStack rows give Number values as JSON numbers; the Publish API carries them as text.
    return {name: MessageAttribute(a["DataType"], str(a["StringValue"])) for name, a in raw.items()}


def _rejected_by_real_sns(row: dict[str, Any]) -> bool:
    return "real SNS rejects" in row.get("note", "")


@pytest.mark.parametrize("row", _rows("sns_filter_policy_cases.jsonl"))
def test_policy_matching(row: dict[str, Any]) -> None:
    if _rejected_by_real_sns(row):
        # LocalStack-lenient row: real SNS refuses the bare value at Subscribe time.
        with pytest.raises(InvalidFilterPolicy) as caught:
            compile_filter_policy(json.dumps(row["filter_policy"]), row["scope"])
        assert caught.value.reason.endswith("must be an object or an array")
        return
    policy = compile_filter_policy(json.dumps(row["filter_policy"]), row["scope"])
    message = row.get("message", "")
    attributes = _attributes(row.get("message_attributes", {}))
    assert policy.matches(message, attributes) is row["match"]
    if row["scope"] == "MessageBody":
        assert policy.matches_body(message) is row["match"]
    else:
        assert policy.matches_attributes(attributes) is row["match"]


@pytest.mark.parametrize("row", _rows("sns_filter_policy_cases.jsonl"))
def test_policy_matching_from_parsed_json(row: dict[str, Any]) -> None:
    """A policy handed over already parsed compiles to the same behaviour as its text."""
    if _rejected_by_real_sns(row):
        with pytest.raises(InvalidFilterPolicy):
            compile_filter_policy(row["filter_policy"], row["scope"])
        return
    policy = compile_filter_policy(row["filter_policy"], row["scope"])
    attributes = _attributes(row.get("message_attributes", {}))
    assert policy.matches(row.get("message", ""), attributes) is row["match"]


@pytest.mark.parametrize("row", _rows("sns_filter_policy_validity.jsonl"))
def test_policy_validity(row: dict[str, Any]) -> None:
    text = json.dumps(row["filter_policy"])
    if row["valid"]:
        compile_filter_policy(text, row["scope"])
        return
    with pytest.raises(InvalidFilterPolicy) as caught:
        compile_filter_policy(text, row["scope"])
    assert row["error_code"] == "InvalidParameter"
    assert AWS_PREFIX + caught.value.reason == row["error_message"]
    assert caught.value.message == "FilterPolicy: " + caught.value.reason
