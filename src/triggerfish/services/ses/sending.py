"""Turning a request to send into the message SES would send: content resolved (template rendered,
raw message read), recipients counted and checked, identities checked against the sandbox rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from triggerfish.services.ses import mime, templates
from triggerfish.services.ses.addresses import check_address, is_simulator
from triggerfish.services.ses.errors import InvalidParameterValue, InvalidRenderingParameter, not_verified
from triggerfish.services.ses.models import Destination, OutgoingMessage, Template

#: "The message may not include more than 50 recipients, across the To:, CC: and BCC: fields" (SendEmail)
MAX_RECIPIENTS = 50
#: "The maximum message size, including attachments, is 10 MB" (SendRawEmail)
MAX_RAW_SIZE = 10 * 1024 * 1024


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    text: str | None
    html: str | None


@dataclass(frozen=True)
class Prepared:
    """A message ready to be stored: who sends it, to whom, and its parts (``raw`` is the input raw
    message, or ``None`` when the MIME text is still to be built)."""

    source: str
    header_from: str | None
    destination: Destination
    reply_to: tuple[str, ...]
    subject: str | None
    text: str | None
    html: str | None
    raw: bytes | None
    return_path: str | None = None


def template_data(data_json: str | None) -> dict[str, Any]:
    try:
        data = json.loads(data_json or "{}")
    except ValueError:
        raise InvalidRenderingParameter("Template data must be a valid JSON object.") from None
    if not isinstance(data, dict):
        raise InvalidRenderingParameter("Template data must be a valid JSON object.")
    return data


def render(template: Template, data_json: str | None) -> Rendered:
    data = template_data(data_json)
    return Rendered(
        subject=templates.render(template.subject, data) if template.subject is not None else None,
        text=templates.render(template.text, data) if template.text is not None else None,
        html=templates.render(template.html, data) if template.html is not None else None,
    )


def prepare(message: OutgoingMessage, find_template: Callable[[str], Template]) -> Prepared:
    if message.raw is not None:
        return _prepare_raw(message)
    subject, text, html = message.subject, message.text, message.html
    template = message.inline_template or (find_template(message.template) if message.template else None)
    if template is not None:
        rendered = render(template, message.template_data)
        subject, text, html = rendered.subject, rendered.text, rendered.html
    if not message.source:
        raise InvalidParameterValue("Missing required header 'From'.")
    destination = Destination(message.to, message.cc, message.bcc)
    _check_recipients(destination)
    check_address(message.source)
    if message.return_path:
        check_address(message.return_path)
    return Prepared(message.source, None, destination, message.reply_to, subject, text, html, None, message.return_path)


def _prepare_raw(message: OutgoingMessage) -> Prepared:
    raw = message.raw or b""
    if len(raw) > MAX_RAW_SIZE:
        raise InvalidParameterValue(f"Message length is more than {MAX_RAW_SIZE} bytes long: '{len(raw)}'.")
    parts = mime.parse(raw)
    source = message.source or parts.sender
    if not source:
        raise InvalidParameterValue("Missing required header 'From'.")
    # SendRawEmail: Destinations, when given, replace the recipients in the To, Cc and Bcc headers
    given = Destination(message.to, message.cc, message.bcc)
    destination = given if given.all() else Destination(parts.to, parts.cc, parts.bcc)
    _check_recipients(destination)
    check_address(source)
    return Prepared(source, parts.sender, destination, (), parts.subject, parts.text, parts.html, raw)


def _check_recipients(destination: Destination) -> None:
    recipients = destination.all()
    if not recipients:
        raise InvalidParameterValue("Missing required header 'To'.")
    if len(recipients) > MAX_RECIPIENTS:
        raise InvalidParameterValue(f"Recipient count exceeds {MAX_RECIPIENTS}.")
    for recipient in recipients:
        check_address(recipient)


def check_identities(prepared: Prepared, region: str, is_verified: Callable[[str], bool], *, sandbox: bool) -> None:
    """Raise ``MessageRejected`` unless the sender (From, Source and Return-Path) is verified and, in the sandbox,
    every recipient is verified or a mailbox simulator address (SES developer guide, "Request
    production access": in the sandbox "you can only send mail to verified email addresses and domains,
    or to the Amazon SES mailbox simulator")."""
    senders = [prepared.source]
    if prepared.header_from is not None:
        senders.insert(0, prepared.header_from)
    if prepared.return_path is not None:
        senders.append(prepared.return_path)
    failed = [sender for sender in senders if not is_verified(sender)]
    if sandbox:
        failed += [r for r in prepared.destination.all() if not is_simulator(r) and not is_verified(r)]
    if failed:
        raise not_verified(region, failed)
