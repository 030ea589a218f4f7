"""Receipt rules from and to botocore's ReceiptRule shape, with SES's validation."""

from __future__ import annotations

from typing import Any

import pytest

from triggerfish.services.ses.receiving.codec import rule_from_wire, rule_to_wire
from triggerfish.services.ses.receiving.errors import (
    InvalidLambdaFunction,
    InvalidParameterValue,
    InvalidS3Configuration,
    InvalidSnsTopic,
)
from triggerfish.services.ses.receiving.matching import covers, matched_recipients
from triggerfish.services.ses.receiving.models import ReceiptRule

TOPIC = "arn:aws:sns:us-east-1:000000000000:t"
FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:f"


def test_defaults_as_described() -> None:
    assert rule_to_wire(rule_from_wire({"Name": "first"})) == {
        "Name": "first",
        "Enabled": False,
        "ScanEnabled": False,
        "TlsPolicy": "Optional",
        "Actions": [],
    }


def test_recipients_are_lowercased_deduplicated_and_sorted() -> None:
    rule = rule_from_wire(
        {"Name": "r", "Recipients": ["z@EXAMPLE.COM", "A@Example.com", "a@example.com", ".EXAMPLE.COM"]}
    )
    assert rule.recipients == (".example.com", "a@example.com", "z@example.com")
    assert rule_to_wire(rule_from_wire({"Name": "r", "Recipients": []}))["Recipients"] == []


@pytest.mark.parametrize("recipient", ["", "not valid", "example..com", "example-.com", "@example.com", "a@b..c"])
def test_invalid_recipients(recipient: str) -> None:
    with pytest.raises(InvalidParameterValue, match=r"^Invalid recipient: "):
        rule_from_wire({"Name": "r", "Recipients": [recipient]})


@pytest.mark.parametrize(
    "action",
    [
        {"S3Action": {"BucketName": "bucket", "ObjectKeyPrefix": "in/", "TopicArn": TOPIC}},
        {"SNSAction": {"TopicArn": TOPIC, "Encoding": "Base64"}},
        {"LambdaAction": {"FunctionArn": FUNCTION, "InvocationType": "RequestResponse"}},
        {"BounceAction": {"SmtpReplyCode": "550", "StatusCode": "5.1.1", "Message": "no", "Sender": "a@example.com"}},
        {"WorkmailAction": {"OrganizationArn": "arn:aws:workmail:us-east-1:000000000000:organization/m-1"}},
        {
            "ConnectAction": {
                "InstanceARN": "arn:aws:connect:us-east-1:0:instance/i",
                "IAMRoleARN": "arn:aws:iam::0:role/r",
            }
        },
        {"AddHeaderAction": {"HeaderName": "X-Test", "HeaderValue": "value<&"}},
        {"StopAction": {"Scope": "RuleSet", "TopicArn": TOPIC}},
    ],
)
def test_every_action_round_trips(action: dict[str, Any]) -> None:
    assert rule_to_wire(rule_from_wire({"Name": "r", "Actions": [action]}))["Actions"] == [action]


@pytest.mark.parametrize(
    ("actions", "error", "message"),
    [
        (
            [{"StopAction": {"Scope": "RuleSet"}}, {"AddHeaderAction": {"HeaderName": "X", "HeaderValue": "v"}}],
            InvalidParameterValue,
            "Stop action, if any, must be placed at the end of the actions list",
        ),
        (
            [{"StopAction": {"Scope": "RuleSet"}, "AddHeaderAction": {"HeaderName": "X", "HeaderValue": "v"}}],
            InvalidParameterValue,
            "Exactly one action type must be specified for each ReceiptAction",
        ),
        ([{"AddHeaderAction": {"HeaderName": "X bad", "HeaderValue": "v"}}], InvalidParameterValue, "Invalid header"),
        ([{"AddHeaderAction": {"HeaderName": "X", "HeaderValue": "a\nb"}}], InvalidParameterValue, "Invalid header"),
        ([{"LambdaAction": {"FunctionArn": "not-an-arn"}}], InvalidLambdaFunction, "not-an-arn"),
        ([{"LambdaAction": {"FunctionArn": TOPIC}}], InvalidLambdaFunction, TOPIC),
        ([{"SNSAction": {"TopicArn": FUNCTION}}], InvalidSnsTopic, FUNCTION),
        ([{"S3Action": {"BucketName": "Bad_Bucket"}}], InvalidS3Configuration, "Bad_Bucket"),
    ],
)
def test_invalid_actions(actions: list[dict[str, Any]], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(")):
        rule_from_wire({"Name": "r", "Actions": actions})


def test_empty_actions_are_dropped() -> None:
    assert rule_from_wire({"Name": "r", "Actions": [{}, {"StopAction": {}}]}).actions == ()


@pytest.mark.parametrize(
    ("entry", "address", "matches"),
    [
        ("user@example.com", "USER@example.com", True),
        ("user@example.com", "other@example.com", False),
        ("example.com", "anyone@example.com", True),
        ("example.com", "anyone@sub.example.com", False),
        (".example.com", "anyone@sub.example.com", True),
        (".example.com", "anyone@deep.sub.example.com", True),
        (".example.com", "anyone@example.com", False),
        (".example.com", "anyone@badexample.com", False),
    ],
)
def test_recipient_conditions(entry: str, address: str, matches: bool) -> None:
    assert covers(entry, address) is matches


def test_rule_without_recipients_applies_to_all() -> None:
    assert matched_recipients(ReceiptRule("r"), ["a@x.com", "b@y.com"]) == ["a@x.com", "b@y.com"]
    assert matched_recipients(ReceiptRule("r", recipients=("y.com",)), ["a@x.com", "b@y.com"]) == ["b@y.com"]
