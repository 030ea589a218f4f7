"""A MIME message for a v2 Simple message with extra headers or attachments (features v1 lacks).

The parts follow SES's layout: the text and HTML bodies as ``multipart/alternative``, wrapped in
``multipart/mixed`` when there are attachments (SES API v2 reference, Message and Attachment). The
service adds ``Date`` and ``Message-ID`` as it does to any raw message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.policy import SMTP
from typing import Any

from triggerfish.services.ses.mime import one_line, set_body
from triggerfish.services.ses.models import OutgoingMessage


def compose(
    message: OutgoingMessage, headers: Sequence[tuple[str, str]], attachments: Sequence[Mapping[str, Any]]
) -> bytes:
    mime = EmailMessage(policy=SMTP)
    mime["From"] = message.source or ""
    if message.to:
        mime["To"] = ", ".join(message.to)
    if message.cc:
        mime["Cc"] = ", ".join(message.cc)
    if message.reply_to:
        mime["Reply-To"] = ", ".join(message.reply_to)
    mime["Subject"] = one_line(message.subject or "")
    mime["MIME-Version"] = "1.0"
    for name, value in headers:
        mime[name] = value  # one line: the model allows only [ -~]* in a header value
    if message.text is not None or message.html is not None:
        set_body(mime, message.text, message.html, message.charset or "utf-8")
    for attachment in attachments:
        _attach(mime, attachment)
    return mime.as_bytes()


def _attach(mime: EmailMessage, attachment: Mapping[str, Any]) -> None:
    maintype, _, subtype = (attachment.get("ContentType") or "application/octet-stream").partition("/")
    disposition = "inline" if attachment.get("ContentDisposition") == "INLINE" else "attachment"
    content: bytes = attachment["RawContent"]
    description = attachment.get("ContentDescription")
    mime.add_attachment(
        content,
        maintype=maintype,
        subtype=subtype or "octet-stream",
        filename=attachment["FileName"],
        disposition=disposition,
        cid=_angle(attachment.get("ContentId")),
        headers=[f"Content-Description: {description}"] if description else None,
    )


def _angle(content_id: str | None) -> str | None:
    if not content_id:
        return None
    return content_id if content_id.startswith("<") else f"<{content_id}>"
