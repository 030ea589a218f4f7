"""The MIME message SES sends for a formatted message, and the parts of a raw one.

A formatted message (SendEmail, SendTemplatedEmail) becomes ``text/plain``, ``text/html`` or, with
both, ``multipart/alternative``; SES adds ``Date``, ``Message-ID`` (``<id>@email.amazonses.com``)
and ``MIME-Version``, and never writes ``Bcc`` into the headers (SES developer guide, "Email format").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import format_datetime

from triggerfish.services.ses.addresses import split_header
from triggerfish.services.ses.errors import InvalidParameterValue

_POLICY = policy.SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class RawParts:
    """What a raw message's headers and body say."""

    sender: str | None
    to: tuple[str, ...]
    cc: tuple[str, ...]
    bcc: tuple[str, ...]
    subject: str | None
    text: str | None
    html: str | None


def message_id_header(message_id: str, region: str) -> str:
    # SES's Message-ID: the message id at email.amazonses.com (us-east-1) or <region>.amazonses.com
    host = "email.amazonses.com" if region == "us-east-1" else f"{region}.amazonses.com"
    return f"<{message_id}@{host}>"


def build(
    *,
    source: str,
    to: Sequence[str],
    cc: Sequence[str],
    reply_to: Sequence[str],
    subject: str | None,
    text: str | None,
    html: str | None,
    message_id: str,
    region: str,
    timestamp: float,
    return_path: str | None = None,
) -> bytes:
    message = EmailMessage(policy=_POLICY)
    message["Date"] = format_datetime(datetime.fromtimestamp(timestamp, UTC))
    message["From"] = source
    if reply_to:
        message["Reply-To"] = ", ".join(reply_to)
    if to:
        message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Message-ID"] = message_id_header(message_id, region)
    message["Subject"] = one_line(subject or "")
    if return_path:
        message["Return-Path"] = return_path
    message["MIME-Version"] = "1.0"
    set_body(message, text, html)
    return message.as_bytes()


def preview(*, subject: str | None, text: str | None, html: str | None, timestamp: float) -> str:
    """A rendered template as TestRenderTemplate shows it: the MIME text, without sender or recipients."""
    message = EmailMessage(policy=_POLICY)
    message["Date"] = format_datetime(datetime.fromtimestamp(timestamp, UTC))
    message["Subject"] = one_line(subject or "")
    message["MIME-Version"] = "1.0"
    set_body(message, text, html)
    return message.as_string()


def one_line(subject: str) -> str:
    """A subject is one header line: a line break in it is refused rather than let a caller add headers."""
    if "\r" in subject or "\n" in subject:
        raise InvalidParameterValue("The subject may not contain line breaks.")
    return subject


def set_body(message: EmailMessage, text: str | None, html: str | None, charset: str = "utf-8") -> None:
    """The text and HTML bodies, as ``multipart/alternative`` when there are both."""
    if text is not None and html is not None:
        message.set_content(text, charset=charset)
        message.add_alternative(html, subtype="html", charset=charset)
    elif html is not None:
        message.set_content(html, subtype="html", charset=charset)
    else:
        message.set_content(text or "", charset=charset)


def parse(raw: bytes) -> RawParts:
    """The addresses, subject and bodies of a raw message (SendRawEmail takes recipients from its
    headers when no Destinations are given)."""
    message = _parse(raw)
    text = html = None
    for part in message.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and text is None:
            text = _body(part)
        elif kind == "text/html" and html is None:
            html = _body(part)
    senders = split_header(message.get_all("From", []))
    subject = message.get("Subject")
    return RawParts(
        sender=senders[0] if senders else None,
        to=split_header(message.get_all("To", [])),
        cc=split_header(message.get_all("Cc", [])),
        bcc=split_header(message.get_all("Bcc", [])),
        subject=str(subject) if subject is not None else None,
        text=text,
        html=html,
    )


def finish_raw(raw: bytes, *, message_id: str, region: str, timestamp: float) -> bytes:
    """A raw message as SES sends it: ``Bcc`` removed, ``Message-ID`` and ``Date`` added when absent."""
    message = _parse(raw)
    del message["Bcc"]
    if message.get("Message-ID") is None:
        message["Message-ID"] = message_id_header(message_id, region)
    if message.get("Date") is None:
        message["Date"] = format_datetime(datetime.fromtimestamp(timestamp, UTC))
    if message.get("MIME-Version") is None:
        message["MIME-Version"] = "1.0"
    return message.as_bytes(policy=_POLICY)


def _parse(raw: bytes) -> Message:
    try:
        return BytesParser(policy=policy.default).parsebytes(raw)
    except (ValueError, TypeError, IndexError) as exc:
        raise InvalidParameterValue(f"Could not parse the raw message: {exc}") from None


def _body(part: Message) -> str | None:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return None
    return payload.decode(part.get_content_charset() or "utf-8", errors="replace")


__all__ = ["RawParts", "build", "finish_raw", "message_id_header", "parse", "preview"]
