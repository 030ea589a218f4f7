"""SES receipt rule operations with boto3 over real HTTP (query protocol): shapes, order and errors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

import pytest
from botocore.exceptions import ClientError
from endpoint_thread import EndpointThread, Stop, TableProvider

from triggerfish.aws.providers.base import Provider
from triggerfish.aws.providers.ses.receipt_rules import table
from triggerfish.core.clock import SystemClock
from triggerfish.services.ses.receiving.rules import ReceiptRules
from triggerfish.store.factory import open_store

FN = "arn:aws:lambda:us-east-1:000000000000:function:inbox"


async def _build() -> tuple[Mapping[str, Provider], Stop]:
    store = open_store(None)
    await store.open()
    rules = ReceiptRules(store, SystemClock())
    await rules.start()
    return {"ses": TableProvider(table(rules))}, store.close


@pytest.fixture
def ses() -> Iterator[Any]:
    endpoint = EndpointThread(_build)
    try:
        yield endpoint.client("ses")
    finally:
        endpoint.close()


def _error(call: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error: dict[str, Any] = caught.value.response["Error"]
    return error


def test_rule_set_lifecycle(ses: Any) -> None:
    assert ses.describe_active_receipt_rule_set().get("Metadata") is None
    ses.create_receipt_rule_set(RuleSetName="inbound")
    listed = ses.list_receipt_rule_sets()["RuleSets"]
    assert [item["Name"] for item in listed] == ["inbound"]
    assert isinstance(listed[0]["CreatedTimestamp"], datetime)
    ses.create_receipt_rule(RuleSetName="inbound", Rule={"Name": "first"})
    rule = {
        "Name": "to-lambda",
        "Enabled": True,
        "ScanEnabled": True,
        "TlsPolicy": "Optional",
        "Recipients": ["Orders@Example.com"],
        "Actions": [
            {"AddHeaderAction": {"HeaderName": "X-Test", "HeaderValue": "value<&"}},
            {"LambdaAction": {"FunctionArn": FN, "InvocationType": "Event"}},
            {"StopAction": {"Scope": "RuleSet"}},
        ],
    }
    ses.create_receipt_rule(RuleSetName="inbound", After="first", Rule=rule)
    described = ses.describe_receipt_rule(RuleSetName="inbound", RuleName="to-lambda")["Rule"]
    assert described == {**rule, "Recipients": ["orders@example.com"]}
    assert ses.describe_receipt_rule(RuleSetName="inbound", RuleName="first")["Rule"] == {
        "Name": "first",
        "Enabled": False,
        "ScanEnabled": False,
        "TlsPolicy": "Optional",
        "Actions": [],
    }
    ses.set_active_receipt_rule_set(RuleSetName="inbound")
    active = ses.describe_active_receipt_rule_set()
    assert active["Metadata"]["Name"] == "inbound"
    assert [r["Name"] for r in active["Rules"]] == ["first", "to-lambda"]
    ses.reorder_receipt_rule_set(RuleSetName="inbound", RuleNames=["to-lambda", "first"])
    ses.set_receipt_rule_position(RuleSetName="inbound", RuleName="to-lambda", After="first")
    assert [r["Name"] for r in ses.describe_receipt_rule_set(RuleSetName="inbound")["Rules"]] == ["first", "to-lambda"]
    ses.update_receipt_rule(RuleSetName="inbound", Rule={"Name": "first", "Enabled": True})
    assert ses.describe_receipt_rule(RuleSetName="inbound", RuleName="first")["Rule"]["Enabled"] is True
    ses.clone_receipt_rule_set(RuleSetName="copy", OriginalRuleSetName="inbound")
    assert len(ses.describe_receipt_rule_set(RuleSetName="copy")["Rules"]) == 2
    assert _error(ses.delete_receipt_rule_set, RuleSetName="inbound") == {
        "Type": "Sender",
        "Code": "CannotDelete",
        "Message": "Cannot delete active rule set: inbound",
    }
    ses.set_active_receipt_rule_set()
    ses.delete_receipt_rule(RuleSetName="inbound", RuleName="first")
    ses.delete_receipt_rule_set(RuleSetName="inbound")
    assert [item["Name"] for item in ses.list_receipt_rule_sets()["RuleSets"]] == ["copy"]


def test_errors(ses: Any) -> None:
    assert _error(ses.describe_receipt_rule_set, RuleSetName="missing") == {
        "Type": "Sender",
        "Code": "RuleSetDoesNotExist",
        "Message": "Rule set does not exist: missing",
    }
    ses.create_receipt_rule_set(RuleSetName="rules")
    assert _error(ses.create_receipt_rule_set, RuleSetName="rules")["Code"] == "AlreadyExists"
    assert _error(ses.describe_receipt_rule, RuleSetName="rules", RuleName="none")["Code"] == "RuleDoesNotExist"
    bad_lambda = {"Name": "r", "Actions": [{"LambdaAction": {"FunctionArn": "arn:aws:sns:us-east-1:0:topic"}}]}
    assert _error(ses.create_receipt_rule, RuleSetName="rules", Rule=bad_lambda)["Code"] == "InvalidLambdaFunction"
    bad_name = _error(ses.create_receipt_rule_set, RuleSetName="-bad")
    assert (bad_name["Code"], bad_name["Message"]) == ("InvalidParameterValue", "Not a valid ruleSetName: -bad")
    assert _error(ses.list_receipt_rule_sets, NextToken="invalid")["Message"] == "Invalid token: invalid"
