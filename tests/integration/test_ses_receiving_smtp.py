"""The SMTP listener with a real smtplib client on 127.0.0.1: recipients refused or accepted, and an
accepted message reaching a function through the active receipt rule set."""

from __future__ import annotations

import asyncio
import json
import smtplib
from collections.abc import AsyncIterator
from email.message import EmailMessage
from typing import Any

import pytest

from triggerfish.core.clock import SystemClock
from triggerfish.core.delivery import Delivery, DeliveryRegistry
from triggerfish.core.work import WorkTracker
from triggerfish.services.lambda_.records import InvokeResult
from triggerfish.services.ses.receiving.codec import rule_from_wire
from triggerfish.services.ses.receiving.receiver import INBOUND_KIND, MailReceiver
from triggerfish.services.ses.receiving.rules import ReceiptRules
from triggerfish.services.ses.receiving.smtp import SmtpListener
from triggerfish.store.factory import open_store
from triggerfish.store.interfaces import Store

REGION = "us-east-1"
FN = "arn:aws:lambda:us-east-1:000000000000:function:inbox"


class _Verified:
    def receives_for(self, region: str, recipient: str) -> bool:
        return recipient.lower().endswith("@example.com")


class _Functions:
    """Event invokes arrive as deliveries; each one is signalled to the test."""

    def __init__(self) -> None:
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def deliver(self, arn: str, delivery: Delivery) -> None:
        self.events.put_nowait({"arn": arn, "event": json.loads(delivery.body)})

    def exists(self, arn: str) -> bool:
        return True

    async def invoke(self, function_arn: str, payload: bytes, *, invocation_type: str) -> InvokeResult:
        return InvokeResult(200, "req", b"{}")


class _World:
    def __init__(self, store: Store, rules: ReceiptRules, listener: SmtpListener, functions: _Functions) -> None:
        self.store, self.rules, self.listener, self.functions = store, rules, listener, functions


@pytest.fixture
async def world() -> AsyncIterator[_World]:
    store = open_store(None)
    await store.open()
    clock = SystemClock()
    rules = ReceiptRules(store, clock)
    await rules.start()
    functions = _Functions()
    deliveries = DeliveryRegistry()
    deliveries.register("lambda", functions)
    receiver = MailReceiver(rules, _Verified(), deliveries, functions, clock, WorkTracker())
    await receiver.start()
    listener = SmtpListener(receiver, _Verified(), port=0, region=REGION)
    await listener.start()
    await rules.create_rule_set(REGION, "inbound")
    rule = {"Name": "orders", "Enabled": True, "Recipients": ["orders@example.com"]}
    await rules.create_rule(
        REGION, "inbound", rule_from_wire({**rule, "Actions": [{"LambdaAction": {"FunctionArn": FN}}]})
    )
    await rules.set_active(REGION, "inbound")
    yield _World(store, rules, listener, functions)
    await listener.stop()
    await receiver.close()
    await store.close()


def _message(to: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Jane <jane@sender.org>"
    message["To"] = to
    message["Subject"] = "Order 42"
    message.set_content("Please ship it.\n")
    return message


def _send(port: int, message: EmailMessage, recipients: list[str]) -> dict[str, tuple[int, bytes]]:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        return client.send_message(message, from_addr="jane@sender.org", to_addrs=recipients)


async def test_mail_to_a_ruled_recipient_reaches_the_function(world: _World) -> None:
    port = world.listener.port
    assert port != 0
    refused = await asyncio.to_thread(
        _send, port, _message("orders@example.com"), ["orders@example.com", "someone@example.com"]
    )
    assert refused == {"someone@example.com": (550, b"5.1.1 Requested action not taken: mailbox unavailable")}
    delivered = await asyncio.wait_for(world.functions.events.get(), 10)
    assert delivered["arn"] == FN
    ses = delivered["event"]["Records"][0]["ses"]
    assert ses["mail"]["source"] == "jane@sender.org"
    assert ses["mail"]["destination"] == ["orders@example.com"]
    assert ses["mail"]["commonHeaders"]["subject"] == "Order 42"
    assert ses["mail"]["commonHeaders"]["from"] == ["Jane <jane@sender.org>"]
    assert ses["receipt"]["recipients"] == ["orders@example.com"]
    assert ses["receipt"]["action"] == {"type": "Lambda", "functionArn": FN, "invocationType": "Event"}


async def test_unverified_or_unruled_recipients_are_refused(world: _World) -> None:
    port = world.listener.port
    for recipient in ("orders@unverified.org", "nobody@example.com"):
        with pytest.raises(smtplib.SMTPRecipientsRefused) as caught:
            await asyncio.to_thread(_send, port, _message(recipient), [recipient])
        ((code, _),) = caught.value.recipients.values()
        assert code == 550
    await world.rules.set_active(REGION, None)
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        await asyncio.to_thread(_send, port, _message("orders@example.com"), ["orders@example.com"])
    assert world.functions.events.empty()
    assert await world.store.documents.list(INBOUND_KIND) == []


async def test_stop_closes_open_connections(world: _World) -> None:
    def connect() -> smtplib.SMTP:
        client = smtplib.SMTP("127.0.0.1", world.listener.port, timeout=10)
        client.ehlo()
        return client

    client = await asyncio.to_thread(connect)
    try:
        await asyncio.wait_for(world.listener.stop(), 10)
        with pytest.raises(smtplib.SMTPServerDisconnected):
            await asyncio.to_thread(client.noop)
    finally:
        client.close()
