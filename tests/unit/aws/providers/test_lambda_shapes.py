"""Lambda's output shapes and resource-policy statements."""

from __future__ import annotations

import pytest

from triggerfish.aws.providers.lambda_ import shapes
from triggerfish.services.lambda_.models import EventInvokeConfig, FunctionConfig, FunctionState
from triggerfish.services.lambda_.permissions import Grant, _principal, _statement


def function(**changes: object) -> FunctionConfig:
    base = FunctionConfig(
        name="f", account="000000000000", region="us-east-1", runtime="python3.12", handler="a.b", code_dir="/x"
    )
    return base.evolve(**changes)


def test_last_modified_has_milliseconds_and_offset() -> None:
    assert shapes.last_modified(1_704_067_200.5) == "2024-01-01T00:00:00.500+0000"


def test_a_pending_function_has_a_state_reason_and_no_update_status() -> None:
    shape = shapes.configuration(function(state=FunctionState.PENDING))
    assert (shape["State"], shape["StateReasonCode"]) == ("Pending", "Creating")
    assert "LastUpdateStatus" not in shape


def test_an_update_answer_is_in_progress() -> None:
    shape = shapes.configuration(function(), updating=True)
    assert shape["LastUpdateStatus"] == "InProgress" and shape["LastUpdateStatusReasonCode"] == "Creating"
    assert "StateReason" not in shape
    assert shapes.configuration(function())["LastUpdateStatus"] == "Successful"


def test_event_invoke_config_arn_is_qualified() -> None:
    shape = shapes.event_invoke_config(function(), EventInvokeConfig(on_failure="arn:x"), None)
    assert shape["FunctionArn"].endswith(":function:f:$LATEST")
    assert shape["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {"Destination": "arn:x"}}


@pytest.mark.parametrize(
    ("principal", "expected"),
    [
        ("*", "*"),
        ("123456789012", {"AWS": "arn:aws:iam::123456789012:root"}),
        ("arn:aws:iam::123456789012:role/r", {"AWS": "arn:aws:iam::123456789012:role/r"}),
        ("sns.amazonaws.com", {"Service": "sns.amazonaws.com"}),
    ],
)
def test_principals_as_aws_writes_them(principal: str, expected: object) -> None:
    assert _principal(principal) == expected


def test_statement_conditions() -> None:
    grant = Grant("s", "lambda:InvokeFunction", "s3.amazonaws.com", source_arn="arn:aws:s3:::b", source_account="1")
    statement = _statement(grant, "arn:f")
    assert statement["Condition"] == {
        "StringEquals": {"AWS:SourceAccount": "1"},
        "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::b"},
    }
