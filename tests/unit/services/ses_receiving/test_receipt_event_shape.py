"""The Lambda event and SNS notification for a received message, against SES's documented shape.

Expected keys are those of the SES developer guide's Lambda event example and notification example
(the same as the ``ses`` samples of the events corpus).
"""

from __future__ import annotations

import base64
import re

from triggerfish.services.ses.receiving import event
from triggerfish.services.ses.receiving.models import SnsEncoding

RAW = (
    b"Return-Path: <janedoe@example.com>\r\n"
    b"Received: from mailer.example.com by inbound-smtp.us-east-1.amazonaws.com\r\n"
    b"MIME-Version: 1.0\r\n"
    b"From: Jane Doe <janedoe@example.com>\r\n"
    b"Date: Wed, 7 Oct 2015 12:34:56 -0700\r\n"
    b"Message-ID: <0123456789example.com>\r\n"
    b"Subject: Test\r\n Subject folded\r\n"
    b'To: johndoe@example.com, "Doe, Jim" <jim@example.com>\r\n'
    b"Cc: cc@example.com\r\n"
    b"Content-Type: text/plain; charset=UTF-8\r\n"
    b"\r\n"
    b"Hello\r\n"
)
ACTION = {"type": "Lambda", "invocationType": "Event", "functionArn": "arn:aws:lambda:us-east-1:0:function:f"}


def _objects() -> tuple[event.Mail, event.Receipt]:
    mail = event.mail_object(
        RAW, mid="m1", source="janedoe@example.com", destination=["johndoe@example.com"], received=0.123
    )
    receipt = event.receipt_object(recipients=["johndoe@example.com"], received=0.123, now=0.697, action=ACTION)
    return mail, receipt


def test_lambda_event_has_the_documented_keys() -> None:
    mail, receipt = _objects()
    shape = event.lambda_event(mail, receipt)
    (record,) = shape["Records"]
    assert set(record) == {"eventSource", "eventVersion", "ses"}
    assert (record["eventSource"], record["eventVersion"]) == ("aws:ses", "1.0")
    assert set(record["ses"]) == {"mail", "receipt"}
    assert set(mail) == {
        "timestamp",
        "source",
        "messageId",
        "destination",
        "headersTruncated",
        "headers",
        "commonHeaders",
    }
    assert set(receipt) == {
        "timestamp",
        "processingTimeMillis",
        "recipients",
        "spamVerdict",
        "virusVerdict",
        "spfVerdict",
        "dkimVerdict",
        "dmarcVerdict",
        "action",
    }
    assert receipt["action"] == ACTION
    assert receipt["spamVerdict"] == {"status": "PASS"}
    assert receipt["processingTimeMillis"] == 574
    assert mail["timestamp"] == "1970-01-01T00:00:00.123Z"


def test_headers_in_order_unfolded_and_common_headers() -> None:
    mail, _ = _objects()
    assert [h["name"] for h in mail["headers"]][:4] == ["Return-Path", "Received", "MIME-Version", "From"]
    assert {"name": "Subject", "value": "Test Subject folded"} in mail["headers"]
    assert mail["commonHeaders"] == {
        "returnPath": "janedoe@example.com",
        "from": ["Jane Doe <janedoe@example.com>"],
        "date": "Wed, 7 Oct 2015 12:34:56 -0700",
        "to": ["johndoe@example.com", '"Doe, Jim" <jim@example.com>'],
        "cc": ["cc@example.com"],
        "messageId": "<0123456789example.com>",
        "subject": "Test Subject folded",
    }
    assert mail["headersTruncated"] is False


def test_oversized_headers_are_truncated() -> None:
    raw = b"".join(f"X-Pad-{i}: {'v' * 200}\r\n".encode() for i in range(100)) + b"\r\nbody"
    mail = event.mail_object(raw, mid="m", source="s@example.com", destination=["d@example.com"], received=0)
    assert mail["headersTruncated"] is True
    assert sum(len(h["name"]) + len(h["value"]) for h in mail["headers"]) <= event.HEADERS_LIMIT


def test_sns_notification_carries_content_in_the_chosen_encoding() -> None:
    mail, receipt = _objects()
    plain = event.notification(mail, receipt, content=RAW, encoding=SnsEncoding.UTF8)
    assert plain["notificationType"] == "Received"
    assert plain["content"] == RAW.decode()
    encoded = event.notification(mail, receipt, content=RAW, encoding=SnsEncoding.BASE64)
    assert base64.b64decode(encoded["content"]) == RAW
    assert "content" not in event.notification(mail, receipt)


def test_message_ids_look_like_ses_ones() -> None:
    ids = {event.message_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(re.fullmatch(r"[0-9a-v]{40}", mid) for mid in ids)
