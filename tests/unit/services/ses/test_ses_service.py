"""The SES service: identities, the sandbox rules, stored messages, templates, quota and the relay."""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from triggerfish.core.clock import VirtualClock
from triggerfish.services.ses.errors import (
    InvalidParameterValue,
    MessageNotFound,
    MessageRejected,
    TemplateDoesNotExist,
)
from triggerfish.services.ses.models import BulkEntry, Destination, OutgoingMessage, Template
from triggerfish.services.ses.relay import SmtpRelay
from triggerfish.services.ses.service import SesService
from triggerfish.store.factory import open_store

REGION = "us-east-1"


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def ses(clock: VirtualClock) -> AsyncIterator[SesService]:
    store = open_store(None)
    await store.open()
    service = SesService(store, clock)
    await service.start()
    yield service
    await service.close()
    await store.close()


def _message(source: str, *to: str, **changes: Any) -> OutgoingMessage:
    return OutgoingMessage(source=source, to=to, subject="s", text="t", **changes)


# --- identities -----------------------------------------------------------------------------------------------


async def test_an_address_is_verified_by_itself_its_domain_or_a_parent_domain(ses: SesService) -> None:
    await ses.verify_email(REGION, "Alice@Example.TEST")
    assert ses.is_verified(REGION, "Alice@example.test")
    assert ses.is_verified(REGION, "Alice <Alice@EXAMPLE.test>")
    assert not ses.is_verified(REGION, "bob@example.test")
    await ses.verify_domain(REGION, "corp.test")
    assert ses.is_verified(REGION, "anyone@corp.test")
    assert ses.is_verified(REGION, "anyone@mail.corp.test")
    assert ses.is_verified(REGION, "eu.corp.test")
    assert not ses.is_verified(REGION, "anyone@othercorp.test")
    assert not ses.is_verified("eu-west-1", "anyone@corp.test")  # identities are regional


async def test_receives_for_needs_a_verified_domain_or_address(ses: SesService) -> None:
    await ses.verify_domain(REGION, "inbound.test")
    assert ses.receives_for(REGION, "anything@inbound.test")
    assert not ses.receives_for(REGION, "anything@other.test")


async def test_identities_listing_by_kind(ses: SesService) -> None:
    await ses.verify_email(REGION, "a@x.test")
    token = await ses.verify_domain(REGION, "x.test")
    assert [i.name for i in ses.identities(REGION)] == ["a@x.test", "x.test"]
    assert [i.name for i in ses.identities(REGION, "Domain")] == ["x.test"]
    domain = ses.identity(REGION, "X.TEST")
    assert domain is not None and domain.token == token and domain.verified


async def test_invalid_identities_are_refused(ses: SesService) -> None:
    with pytest.raises(InvalidParameterValue):
        await ses.verify_email(REGION, "not-an-address")
    with pytest.raises(InvalidParameterValue):
        await ses.verify_domain(REGION, "bad domain")


async def test_dkim_tokens_are_kept(ses: SesService) -> None:
    tokens = await ses.verify_domain_dkim(REGION, "dkim.test")
    assert await ses.verify_domain_dkim(REGION, "dkim.test") == tokens
    assert ses.is_verified(REGION, "dkim.test")


# --- sending rules --------------------------------------------------------------------------------------------


async def test_send_stores_the_message_with_its_mime(ses: SesService, clock: VirtualClock) -> None:
    await ses.verify_domain(REGION, "a.test")
    message_id = await ses.send(REGION, _message("me@a.test", "you@a.test"))
    assert message_id.startswith(f"0100{int(clock.now() * 1000):012x}-") and message_id.endswith("-000000")
    (sent,) = ses.sent_messages()
    assert (sent.id, sent.region, sent.timestamp, sent.source) == (message_id, REGION, clock.now(), "me@a.test")
    assert sent.destination == Destination(("you@a.test",))
    assert b"Subject: s" in sent.raw
    assert ses.sent_message(message_id) == sent
    with pytest.raises(MessageNotFound):
        ses.sent_message("nope")


async def test_sandbox_names_every_unverified_identity(ses: SesService) -> None:
    await ses.verify_domain(REGION, "a.test")
    with pytest.raises(MessageRejected) as excinfo:
        await ses.send(REGION, _message("me@b.test", "x@c.test", "ok@a.test", "success@simulator.amazonses.com"))
    assert excinfo.value.message == (
        "Email address is not verified. The following identities failed the check in region US-EAST-1: "
        "me@b.test, x@c.test"
    )
    with pytest.raises(MessageRejected) as excinfo:
        await ses.send("eu-west-1", _message("me@a.test", "ok@a.test"))
    assert "in region EU-WEST-1: me@a.test, ok@a.test" in excinfo.value.message
    with pytest.raises(MessageRejected) as excinfo:
        await ses.send(REGION, _message("me@a.test", "ok@a.test", return_path="bounces@b.test"))
    assert excinfo.value.message.endswith(": bounces@b.test")
    assert ses.sent_messages() == []


async def test_outside_the_sandbox_only_the_sender_must_be_verified(clock: VirtualClock) -> None:
    store = open_store(None)
    await store.open()
    ses = SesService(store, clock, sandbox=False)
    await ses.start()
    await ses.verify_email(REGION, "me@a.test")
    await ses.send(REGION, _message("me@a.test", "anyone@anywhere.test"))
    with pytest.raises(MessageRejected):
        await ses.send(REGION, _message("other@a.test", "anyone@anywhere.test"))
    assert ses.quota(REGION).max_24_hour_send == 50_000.0
    await ses.close()
    await store.close()


async def test_recipient_rules(ses: SesService) -> None:
    await ses.verify_domain(REGION, "a.test")
    with pytest.raises(InvalidParameterValue, match=re.escape("Missing required header 'To'.")):
        await ses.send(REGION, _message("me@a.test"))
    with pytest.raises(InvalidParameterValue, match=re.escape("Recipient count exceeds 50.")):
        await ses.send(REGION, OutgoingMessage(source="me@a.test", to=("a@a.test",) * 20, cc=("b@a.test",) * 31))
    await ses.send(REGION, OutgoingMessage(source="me@a.test", to=("a@a.test",) * 20, bcc=("b@a.test",) * 30))


async def test_templated_send_renders_the_stored_template(ses: SesService) -> None:
    await ses.verify_domain(REGION, "a.test")
    await ses.create_template(REGION, Template("T", "Hi {{name}}", "Text {{name}}", None, 0.0))
    message_id = await ses.send(
        REGION, OutgoingMessage(source="me@a.test", to=("x@a.test",), template="T", template_data='{"name": "Z"}')
    )
    sent = ses.sent_message(message_id)
    assert (sent.subject, sent.text, sent.html, sent.template) == ("Hi Z", "Text Z", None, "T")
    inline = Template("inline", "In {{v}}", None, "<b>{{v}}</b>", 0.0)
    message_id = await ses.send(
        REGION, OutgoingMessage(source="me@a.test", to=("x@a.test",), inline_template=inline, template_data='{"v": 1}')
    )
    assert ses.sent_message(message_id).html == "<b>1</b>"


async def test_bulk_send_answers_each_destination(ses: SesService) -> None:
    await ses.verify_domain(REGION, "a.test")
    await ses.create_template(REGION, Template("B", "{{g}} {{n}}", "x", None, 0.0))
    base = OutgoingMessage(source="me@a.test", template="B", template_data='{"g": "Hi", "n": "all"}', tags={"k": "v"})
    results = await ses.send_bulk(
        REGION,
        base,
        [
            BulkEntry(Destination(("one@a.test",)), '{"n": "one"}', {"e": "1"}),
            BulkEntry(Destination(("out@b.test",))),
            BulkEntry(Destination(("bad",))),
        ],
    )
    assert [r.status for r in results] == ["Success", "MessageRejected", "InvalidParameterValue"]
    first = ses.sent_message(results[0].message_id or "")
    assert first.subject == "Hi one" and first.tags == {"k": "v", "e": "1"}
    with pytest.raises(TemplateDoesNotExist):
        await ses.send_bulk(REGION, OutgoingMessage(source="me@a.test", template="none"), [BulkEntry(Destination())])
    with pytest.raises(MessageRejected):
        await ses.send_bulk(REGION, OutgoingMessage(source="me@z.test", template="B"), [BulkEntry(Destination())])


# --- templates ------------------------------------------------------------------------------------------------


async def test_template_store_rules(ses: SesService) -> None:
    with pytest.raises(InvalidParameterValue):
        await ses.create_template(REGION, Template("bad name", "s", None, None, 0.0))
    await ses.create_template(REGION, Template("Good", "s", None, None, 0.0))
    with pytest.raises(TemplateDoesNotExist):
        await ses.delete_template(REGION, "Missing", missing_ok=False)
    await ses.delete_template(REGION, "Missing")
    assert ses.render("Good", "{}") == ("s", None, None)
    with pytest.raises(TemplateDoesNotExist):
        ses.render("Good", "{}", region="eu-west-1")


# --- quota and statistics -------------------------------------------------------------------------------------


async def test_quota_counts_recipients_of_the_last_day(ses: SesService, clock: VirtualClock) -> None:
    await ses.verify_domain(REGION, "a.test")
    await ses.send(REGION, _message("me@a.test", "a@a.test", "b@a.test"))
    await clock.advance(3600)
    await ses.send(REGION, _message("me@a.test", "c@a.test", "bounce@simulator.amazonses.com"))
    quota = ses.quota(REGION)
    assert (quota.max_24_hour_send, quota.max_send_rate, quota.sent_last_24_hours) == (200.0, 1.0, 4.0)
    points = ses.statistics(REGION)
    assert [(p.delivery_attempts, p.bounces) for p in points] == [(2, 0), (2, 1)]
    assert all(p.timestamp % 900 == 0 for p in points)
    await clock.advance(86_400 - 1800)
    assert ses.quota(REGION).sent_last_24_hours == 2.0
    assert ses.quota("eu-west-1").sent_last_24_hours == 0.0


# --- persistence ----------------------------------------------------------------------------------------------


async def test_everything_survives_a_restart(tmp_path: Path, clock: VirtualClock) -> None:
    store = open_store(tmp_path)
    await store.open()
    ses = SesService(store, clock)
    await ses.start()
    await ses.verify_domain(REGION, "a.test")
    await ses.set_notification_topic(REGION, "a.test", "Bounce", "arn:aws:sns:us-east-1:000000000000:t")
    await ses.create_template(REGION, Template("T", "s", "t", None, 0.0))
    first = await ses.send(REGION, _message("me@a.test", "x@a.test"))
    await clock.advance(1)
    second = await ses.send(REGION, _message("me@a.test", "y@a.test"))
    await ses.close()
    await store.close()

    store = open_store(tmp_path)
    await store.open()
    again = SesService(store, clock)
    await again.start()
    assert again.is_verified(REGION, "z@a.test")
    identity = again.identity(REGION, "a.test")
    assert identity is not None and identity.notification_topics == {"Bounce": "arn:aws:sns:us-east-1:000000000000:t"}
    assert again.get_template(REGION, "T").text == "t"
    assert [m.id for m in again.sent_messages()] == [first, second]
    assert again.sent_message(first).raw == ses.sent_message(first).raw
    assert await again.clear_sent_messages() == 2
    assert again.sent_messages() == []
    await again.close()
    await store.close()


# --- relay ----------------------------------------------------------------------------------------------------


class FakeSmtp:
    sent: ClassVar[list[tuple[str, list[str], bytes]]] = []
    fail: ClassVar[bool] = False

    def __init__(self, host: str, port: int, timeout: float) -> None:
        if FakeSmtp.fail:
            raise ConnectionRefusedError("refused")
        self.address = (host, port)

    def __enter__(self) -> FakeSmtp:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def starttls(self) -> None:
        return None

    def login(self, user: str, password: str) -> None:
        return None

    def sendmail(self, sender: str, recipients: list[str], raw: bytes) -> None:
        FakeSmtp.sent.append((sender, recipients, raw))


async def test_relay_gets_a_copy_and_its_failure_never_fails_a_send(
    monkeypatch: pytest.MonkeyPatch, clock: VirtualClock, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(smtplib, "SMTP", FakeSmtp)
    FakeSmtp.sent, FakeSmtp.fail = [], False
    store = open_store(None)
    await store.open()
    ses = SesService(store, clock, relay=SmtpRelay("127.0.0.1", 2525, username="u", password="p", starttls=True))
    await ses.start()
    await ses.verify_domain(REGION, "a.test")
    message_id = await ses.send(REGION, _message("Me <me@a.test>", "x@a.test", bcc=("hidden@a.test",)))
    await ses.close()  # waits for relaying in flight
    assert FakeSmtp.sent == [("me@a.test", ["x@a.test", "hidden@a.test"], ses.sent_message(message_id).raw)]

    FakeSmtp.fail = True
    with caplog.at_level(logging.WARNING, logger="triggerfish.services.ses.relay"):
        await ses.send(REGION, _message("me@a.test", "x@a.test"))
        await ses.close()
    assert "could not relay message" in caplog.text
    assert len(ses.sent_messages()) == 2
    await store.close()
