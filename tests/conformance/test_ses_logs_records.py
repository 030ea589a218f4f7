"""The events SES receipt rules and CloudWatch Logs subscription filters hand a function, made end to end
(mail over SMTP through a rule; log events through a filter; the async invocation) and compared with the
corpus samples: the same keys and JSON types everywhere, the same values apart from ids, times and the
account's own names."""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
import smtplib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from shapes import assert_same_shape

from triggerfish.app import App, Settings
from triggerfish.services.lambda_.records import Invocation
from triggerfish.services.ses.receiving.codec import rule_from_wire

DATA = Path(__file__).parent / "data" / "events"
REGION = "us-east-1"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:000000000000:function:echo"


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def assert_like(built: Any, sample: Any, own: set[str]) -> None:
    """The same shape, and equal values except under the keys in ``own``."""
    assert_same_shape(built, sample)
    if isinstance(sample, dict):
        for key, value in sample.items():
            if key not in own:
                assert_like(built[key], value, own)
    elif isinstance(sample, list):
        for built_item, sample_item in zip(built, sample, strict=True):
            assert_like(built_item, sample_item, own)
    else:
        assert built == sample, f"built {built!r}, sample {sample!r}"


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    app = App(Settings(data_dir=None, port=None, smtp_port=0))
    await app.start()
    code = tmp_path / "code"
    code.mkdir()
    (code / "echo.py").write_text("def handler(event, context):\n    return None\n")
    await app.lambda_.create_function("echo", handler="echo.handler", code_dir=code, timeout=30)
    try:
        yield app
    finally:
        await app.stop()


async def first_event(app: App, marker: bytes) -> dict[str, Any]:
    """The event of the first invocation of ``echo`` whose event holds ``marker``."""
    seen: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()

    def listen(invocation: Invocation) -> None:
        if invocation.function_name == "echo" and marker in invocation.event and not seen.done():
            seen.set_result(json.loads(invocation.event))

    app.lambda_.invoker.add_listener(listen)
    return await asyncio.wait_for(seen, 30)


async def test_the_ses_lambda_event_matches_the_sample(app: App) -> None:
    sample = load("aws-lambda-go/ses-lambda-event.json")
    mail = sample["Records"][0]["ses"]["mail"]
    await app.ses.verify_domain(REGION, "amazon.com")
    await app.receipt_rules.create_rule_set(REGION, "inbound")
    action = {"LambdaAction": {"FunctionArn": FUNCTION_ARN, "InvocationType": "Event"}}
    rule = {"Name": "all", "Enabled": True, "ScanEnabled": True, "Actions": [action]}
    await app.receipt_rules.create_rule(REGION, "inbound", rule_from_wire(rule))
    await app.receipt_rules.set_active(REGION, "inbound")
    # the sample's message: its headers after the two SES puts on top (Return-Path, Received)
    headers = "".join(f"{header['name']}: {header['value']}\r\n" for header in mail["headers"][2:])
    raw = f"{headers}\r\n--94eb2c0742269658b10542f452a9--\r\n"
    assert app.smtp is not None
    port = app.smtp.port

    def send() -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.sendmail(mail["source"], mail["destination"], raw)

    event, _ = await asyncio.gather(first_event(app, b"Test Subject"), asyncio.to_thread(send))
    (record,) = event["Records"]
    expected = json.loads(json.dumps(sample["Records"][0]))
    # dmarcPolicy appears only when a message fails DMARC (SES Developer Guide, "Receipt object"); the
    # sample shows it beside a PASS verdict, and every verdict is PASS locally
    del expected["ses"]["receipt"]["dmarcPolicy"]
    # the Received header's value names SES's host and the message id: the run's own, like the ids and times
    own = {"timestamp", "messageId", "processingTimeMillis", "functionArn", "value"}
    assert_like(record, expected, own)
    assert record["ses"]["receipt"]["action"]["functionArn"] == FUNCTION_ARN
    assert [h["value"] for h in record["ses"]["mail"]["headers"][2:]] == [h["value"] for h in mail["headers"][2:]]
    assert record["ses"]["mail"]["commonHeaders"]["messageId"] == mail["commonHeaders"]["messageId"]


async def test_the_awslogs_payload_matches_the_sample(app: App) -> None:
    sample = load("powertools-lambda-python/cloudWatchLogEvent.json")
    data = json.loads(gzip.decompress(base64.b64decode(sample["awslogs"]["data"])))
    await app.logs.create_log_group(REGION, data["logGroup"])
    await app.logs.create_log_stream(REGION, data["logGroup"], data["logStream"])
    await app.logs.put_subscription_filter(
        REGION, data["logGroup"], data["subscriptionFilters"][0], "ERROR", FUNCTION_ARN
    )
    now = round(app.clock.now() * 1000)
    events = [(now, "INFO not for the filter")] + [(now + n, e["message"]) for n, e in enumerate(data["logEvents"])]
    arrived = asyncio.ensure_future(first_event(app, b"awslogs"))
    await asyncio.sleep(0)  # listening before the events are written
    await app.logs.put_log_events(REGION, data["logGroup"], data["logStream"], events)
    event = await arrived
    assert_same_shape(event, sample)
    built = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    # the owner is the account the group is in; ids and times are the run's own
    assert_like(built, data, {"owner", "id", "timestamp"})
    assert built["owner"] == "000000000000"
