"""The shapes SES hands on for a received message: the ``mail`` and ``receipt`` objects, the Lambda
event (``Records[].ses``) and the SNS notification (``notificationType: Received``).

Follows the SES developer guide, "Contents of notifications for Amazon SES email receiving" and
"Invoking Lambda functions" (event example); the samples in ``tests/conformance`` are the ground truth.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any, NotRequired, TypedDict

from triggerfish.services.ses.receiving.models import SnsEncoding

# Notification contents, mail object: headers are truncated when they exceed 10 KB.
HEADERS_LIMIT = 10 * 1024
# Nothing is scanned or authenticated locally: every verdict is PASS (see module README in __init__).
VERDICT = "PASS"


class Header(TypedDict):
    name: str
    value: str


class Mail(TypedDict):
    timestamp: str
    source: str
    messageId: str
    destination: list[str]
    headersTruncated: bool
    headers: list[Header]
    commonHeaders: dict[str, Any]


class Verdict(TypedDict):
    status: str


class Receipt(TypedDict):
    timestamp: str
    processingTimeMillis: int
    recipients: list[str]
    spamVerdict: Verdict
    virusVerdict: Verdict
    spfVerdict: Verdict
    dkimVerdict: Verdict
    dmarcVerdict: Verdict
    action: dict[str, str]


class Notification(TypedDict):
    notificationType: str
    receipt: Receipt
    mail: Mail
    content: NotRequired[str]


def message_id() -> str:
    """An id as SES gives received mail: 40 characters of lower-case base32hex (0-9, a-v)."""
    return base64.b32hexencode(os.urandom(25)).decode().lower()


def iso_timestamp(epoch: float) -> str:
    """``2015-09-11T20:32:33.936Z``: ISO 8601 with milliseconds, UTC."""
    moment = datetime.fromtimestamp(epoch, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def trace_headers(mail_from: str, recipients: Sequence[str], helo: str, region: str, mid: str, now: float) -> bytes:
    """The Return-Path and Received headers SES puts on top of every message it receives."""
    when = datetime.fromtimestamp(now, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000 (UTC)")
    host = helo or "localhost"
    for_ = f" for {recipients[0]}" if len(recipients) == 1 else ""
    received = (
        f"from {host} ({host} [127.0.0.1]) by inbound-smtp.{region}.amazonaws.com with SMTP id {mid}{for_}; {when}"
    )
    return f"Return-Path: <{mail_from}>\r\nReceived: {received}\r\n".encode()


def mail_object(raw: bytes, *, mid: str, source: str, destination: Sequence[str], received: float) -> Mail:
    headers = _headers(raw)
    truncated = False
    size = 0
    kept: list[Header] = []
    for header in headers:
        size += len(header["name"]) + len(header["value"]) + 4
        if size > HEADERS_LIMIT:
            truncated = True
            break
        kept.append(header)
    return {
        "timestamp": iso_timestamp(received),
        "source": source,
        "messageId": mid,
        "destination": list(destination),
        "headersTruncated": truncated,
        "headers": kept,
        "commonHeaders": common_headers(headers),
    }


def common_headers(headers: Sequence[Header]) -> dict[str, Any]:
    """The headers every email has, as SES lists them; address headers become lists."""
    first: dict[str, str] = {}
    for header in headers:
        first.setdefault(header["name"].lower(), header["value"])
    common: dict[str, Any] = {}
    if "return-path" in first:
        common["returnPath"] = first["return-path"].strip().strip("<>")
    for name, key in (("sender", "sender"), ("from", "from"), ("reply-to", "replyTo")):
        if name in first:
            common[key] = first[name] if key == "sender" else split_addresses(first[name])
    if "date" in first:
        common["date"] = first["date"]
    for name in ("to", "cc", "bcc"):
        if name in first:
            common[name] = split_addresses(first[name])
    if "message-id" in first:
        common["messageId"] = first["message-id"]
    if "subject" in first:
        common["subject"] = first["subject"]
    return common


def split_addresses(value: str) -> list[str]:
    """Splits an address list on commas outside quotes, comments and angle brackets, keeping each as written."""
    parts: list[str] = []
    current: list[str] = []
    quoted = False
    depth = 0
    escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char in "<(":
            depth += 1
        elif not quoted and char in ">)":
            depth = max(0, depth - 1)
        elif char == "," and not quoted and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def receipt_object(*, recipients: Sequence[str], received: float, now: float, action: dict[str, str]) -> Receipt:
    return {
        "timestamp": iso_timestamp(received),
        "processingTimeMillis": max(0, round((now - received) * 1000)),
        "recipients": list(recipients),
        "spamVerdict": {"status": VERDICT},
        "virusVerdict": {"status": VERDICT},
        "spfVerdict": {"status": VERDICT},
        "dkimVerdict": {"status": VERDICT},
        "dmarcVerdict": {"status": VERDICT},
        "action": action,
    }


def lambda_event(mail: Mail, receipt: Receipt) -> dict[str, Any]:
    """The event a Lambda action invokes its function with (one record per message)."""
    return {"Records": [{"eventSource": "aws:ses", "eventVersion": "1.0", "ses": {"mail": mail, "receipt": receipt}}]}


def notification(
    mail: Mail, receipt: Receipt, *, content: bytes | None = None, encoding: SnsEncoding | None = None
) -> Notification:
    """What is published to a topic; only the SNS action's notification carries ``content``."""
    shape: Notification = {"notificationType": "Received", "receipt": receipt, "mail": mail}
    if content is not None:
        if encoding is SnsEncoding.BASE64:
            shape["content"] = base64.b64encode(content).decode()
        else:
            shape["content"] = content.decode("utf-8", errors="replace")
    return shape


def _headers(raw: bytes) -> list[Header]:
    parsed = BytesHeaderParser(policy=compat32).parsebytes(raw)
    return [{"name": name, "value": _unfold(str(value))} for name, value in parsed.raw_items()]


def _unfold(value: str) -> str:
    """RFC 5322 unfolding: a line break followed by white space is not part of the value."""
    return value.replace("\r\n", "").replace("\n", "").strip()
