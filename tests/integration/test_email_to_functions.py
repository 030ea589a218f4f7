"""Email received over SMTP reaches functions through the app's wiring (``triggerfish.local()``): a
RequestResponse Lambda action whose answer stops the rule set keeps the later rules from running, and an
Event action hands the function AWS's SES event."""

from __future__ import annotations

import json
import smtplib
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

import triggerfish

ACCOUNT, REGION = "000000000000", "us-east-1"

HANDLERS = """
import json

def gate(event, context):
    subject = event["Records"][0]["ses"]["mail"]["commonHeaders"]["subject"]
    print("gate saw", subject)
    # a RequestResponse action's answer decides what happens next (SES Developer Guide, Lambda action)
    return {"disposition": "STOP_RULE_SET" if "spam" in subject else "CONTINUE"}

def keep(event, context):
    record = event["Records"][0]
    print("keep", json.dumps({"source": record["eventSource"], "action": record["ses"]["receipt"]["action"]}))
"""


@pytest.fixture
def cloud(tmp_path: Path) -> Iterator[triggerfish.Cloud]:
    (tmp_path / "mail.py").write_text(textwrap.dedent(HANDLERS))
    with triggerfish.local() as cloud:
        cloud.create_function("gate", handler="mail.gate", code_dir=tmp_path)
        cloud.create_function("keep", handler="mail.keep", code_dir=tmp_path)
        yield cloud


def _ses(cloud: triggerfish.Cloud) -> Any:
    return boto3.client(
        "ses",
        endpoint_url=cloud.endpoint_url,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def _arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def _send(cloud: triggerfish.Cloud, subject: str) -> None:
    assert cloud.smtp_port is not None
    with smtplib.SMTP("127.0.0.1", cloud.smtp_port, timeout=30) as smtp:
        message = f"From: ann@example.net\r\nSubject: {subject}\r\n\r\nhi"
        smtp.sendmail("ann@example.net", ["desk@mail.example.com"], message)


def _logs_of(cloud: triggerfish.Cloud, name: str) -> str:
    return "".join(invocation.log for invocation in cloud.invocations_of(name))


def test_a_request_response_answer_can_stop_the_rule_set(cloud: triggerfish.Cloud) -> None:
    ses = _ses(cloud)
    ses.verify_domain_identity(Domain="mail.example.com")
    ses.create_receipt_rule_set(RuleSetName="inbound")
    gate = {"LambdaAction": {"FunctionArn": _arn("gate"), "InvocationType": "RequestResponse"}}
    keep = {"LambdaAction": {"FunctionArn": _arn("keep"), "InvocationType": "Event"}}
    ses.create_receipt_rule(RuleSetName="inbound", Rule={"Name": "gate", "Enabled": True, "Actions": [gate]})
    ses.create_receipt_rule(
        RuleSetName="inbound", After="gate", Rule={"Name": "keep", "Enabled": True, "Actions": [keep]}
    )
    ses.set_active_receipt_rule_set(RuleSetName="inbound")

    _send(cloud, "buy cheap spam")
    _send(cloud, "a real question")
    deadline = time.monotonic() + 30
    while len(cloud.invocations_of("keep")) < 1 or len(cloud.invocations_of("gate")) < 2:
        assert time.monotonic() < deadline, (_logs_of(cloud, "gate"), _logs_of(cloud, "keep"))
        time.sleep(0.05)
    cloud.settle()

    assert "gate saw buy cheap spam" in _logs_of(cloud, "gate")
    assert "gate saw a real question" in _logs_of(cloud, "gate")
    # only the question got past the gate to the second rule
    (kept,) = cloud.invocations_of("keep")
    event = json.loads(kept.event)
    assert event["Records"][0]["ses"]["mail"]["commonHeaders"]["subject"] == "a real question"
    assert event["Records"][0]["ses"]["receipt"]["action"] == {
        "type": "Lambda",
        "functionArn": _arn("keep"),
        "invocationType": "Event",
    }
