"""The MIME message SES builds for formatted messages, and reading raw messages."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

import pytest

from triggerfish.services.ses import mime
from triggerfish.services.ses.errors import InvalidParameterValue


def _parsed(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _build(text: str | None, html: str | None, region: str = "us-east-1") -> EmailMessage:
    raw = mime.build(
        source="Me <me@a.test>",
        to=["to@b.test"],
        cc=[],
        reply_to=["r@a.test"],
        subject="Grüße",
        text=text,
        html=html,
        message_id="0100abc-000000",
        region=region,
        timestamp=1_700_000_000.0,
    )
    return _parsed(raw)


def test_text_and_html_make_multipart_alternative() -> None:
    message = _build("plain", "<p>html</p>")
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == "Grüße"
    assert message["MIME-Version"] == "1.0"
    assert message["Date"] == "Tue, 14 Nov 2023 22:13:20 +0000"
    assert message["Cc"] is None


def test_single_parts() -> None:
    assert _build("plain", None).get_content_type() == "text/plain"
    assert _build(None, "<p>h</p>").get_content_type() == "text/html"


def test_message_id_host_depends_on_region() -> None:
    assert _build("x", None)["Message-ID"] == "<0100abc-000000@email.amazonses.com>"
    assert _build("x", None, "eu-west-1")["Message-ID"] == "<0100abc-000000@eu-west-1.amazonses.com>"


def test_parse_reads_addresses_subject_and_bodies() -> None:
    raw = (
        b'From: "A, B" <ab@a.test>\r\nTo: x@b.test, Y <y@b.test>\r\nCc: c@b.test\r\nBcc: h@b.test\r\n'
        b"Subject: hi\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n"
        b"--XX\r\nContent-Type: multipart/alternative; boundary=YY\r\n\r\n"
        b"--YY\r\nContent-Type: text/plain\r\n\r\nplain\r\n"
        b"--YY\r\nContent-Type: text/html\r\n\r\n<i>h</i>\r\n--YY--\r\n"
        b"--XX\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\n"
        b"attached\r\n--XX--\r\n"
    )
    parts = mime.parse(raw)
    assert parts.sender == "A, B <ab@a.test>"
    assert parts.to == ("x@b.test", "Y <y@b.test>")
    assert (parts.cc, parts.bcc, parts.subject) == (("c@b.test",), ("h@b.test",), "hi")
    assert parts.text is not None and parts.text.strip() == "plain"
    assert parts.html is not None and parts.html.strip() == "<i>h</i>"


def test_finish_raw_drops_bcc_and_adds_missing_headers() -> None:
    raw = b"From: a@a.test\r\nTo: b@b.test\r\nBcc: h@b.test\r\nSubject: s\r\n\r\nbody\r\n"
    finished = _parsed(mime.finish_raw(raw, message_id="m-1", region="us-east-1", timestamp=1_700_000_000.0))
    assert finished["Bcc"] is None
    assert finished["Message-ID"] == "<m-1@email.amazonses.com>"
    assert finished["Date"] is not None and finished["MIME-Version"] == "1.0"
    kept = b"From: a@a.test\r\nMessage-ID: <mine@a.test>\r\nDate: Mon, 1 Jan 2024 00:00:00 +0000\r\n\r\nbody\r\n"
    assert _parsed(mime.finish_raw(kept, message_id="m-2", region="us-east-1", timestamp=0))["Message-ID"] == (
        "<mine@a.test>"
    )


def test_preview_is_the_rendered_mime_text() -> None:
    text = mime.preview(subject="S", text="t", html=None, timestamp=1_700_000_000.0)
    parsed = email.message_from_string(text, policy=policy.default)
    assert parsed["Subject"] == "S" and parsed["From"] is None


def test_a_raw_message_without_from_has_no_sender() -> None:
    assert mime.parse(b"To: b@b.test\r\n\r\nbody").sender is None


def test_check_address_messages() -> None:
    from triggerfish.services.ses.addresses import check_address

    check_address("Name <ok@a.test>")
    for address, message in [
        ("nodomain", "Missing final '@domain'"),
        ("@a.test", "Missing local name"),
        ("a b@a.test", "Local address contains control or whitespace"),
        ("a@b_c.test", "Domain contains illegal character"),
    ]:
        with pytest.raises(InvalidParameterValue) as excinfo:
            check_address(address)
        assert excinfo.value.message == message
