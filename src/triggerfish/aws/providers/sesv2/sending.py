"""SendEmail and SendBulkEmail (v2): the request's content becomes the shared service's outgoing message.

``Content`` holds exactly one of ``Simple`` (subject and text/html body, optional extra headers and
attachments), ``Raw`` (a whole MIME message) or ``Template`` (a stored template by name or ARN, or
inline content, with its data) (SES API v2 reference, EmailContent).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.sesv2.errors import BadRequest
from triggerfish.aws.providers.sesv2.mime import compose
from triggerfish.services.ses import errors as v1
from triggerfish.services.ses.models import OutgoingMessage, Template
from triggerfish.services.ses.service import SesService

Operation = Callable[[Call], Awaitable[Reply]]

#: SendBulkEmail takes up to 50 entries per call (SES API v2 reference, BulkEmailEntries)
MAX_BULK_ENTRIES = 50

# How a refused bulk entry reads (SES API v2 reference, BulkEmailEntryResult Status)
_BULK_STATUS = {
    v1.MessageRejected.code: "MESSAGE_REJECTED",
    v1.TemplateDoesNotExist.code: "TEMPLATE_NOT_FOUND",
    v1.LimitExceeded.code: "ACCOUNT_DAILY_QUOTA_EXCEEDED",
}


class SendingOperations:
    def __init__(self, service: SesService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {"SendEmail": self.send_email, "SendBulkEmail": self.send_bulk_email}

    async def send_email(self, call: Call) -> Reply:
        p = call.params
        content: Mapping[str, Any] = p["Content"]
        kinds = [kind for kind in ("Simple", "Raw", "Template") if content.get(kind) is not None]
        if len(kinds) != 1:
            raise BadRequest("Content must contain exactly one of Simple, Raw or Template.")
        envelope = _envelope(p, p.get("Destination") or {}, p.get("EmailTags"))
        if kinds == ["Raw"]:
            message = replace(envelope, raw=content["Raw"]["Data"])
        elif kinds == ["Simple"]:
            message = _simple(envelope, content["Simple"])
        else:
            message = self._templated(call.scope.region, envelope, content["Template"], None)
        _require_sender(message, raw=kinds == ["Raw"])
        message_id = await self._service.send(call.scope.region, message)
        return Reply({"MessageId": message_id})

    async def send_bulk_email(self, call: Call) -> Reply:
        p = call.params
        region = call.scope.region
        entries: Sequence[Mapping[str, Any]] = p["BulkEmailEntries"]
        if not entries or len(entries) > MAX_BULK_ENTRIES:
            raise BadRequest(f"BulkEmailEntries must hold between 1 and {MAX_BULK_ENTRIES} entries.")
        template: Mapping[str, Any] | None = p["DefaultContent"].get("Template")
        if template is None:
            raise BadRequest("DefaultContent must contain a Template.")
        default_tags = _tags(p.get("DefaultEmailTags"))
        sender = _envelope(p, {}, None)
        _require_sender(sender, raw=False)
        if not self._service.is_verified(region, sender.source or ""):
            # the sender and the template are checked once for the whole call; recipients entry by entry
            raise v1.not_verified(region, [sender.source or ""])
        self._templated(region, sender, template, "{}")
        results: list[dict[str, str]] = []
        for entry in entries:
            replacement = (entry.get("ReplacementEmailContent") or {}).get("ReplacementTemplate") or {}
            destination = _envelope(p, entry["Destination"], None)
            tags = {**default_tags, **_tags(entry.get("ReplacementTags"))}
            message = replace(destination, tags=tags)
            try:
                message = self._templated(region, message, template, replacement.get("ReplacementTemplateData"))
                message_id = await self._service.send(region, message)
            except v1.SesError as error:
                results.append({"Status": _BULK_STATUS.get(error.code, "INVALID_PARAMETER"), "Error": error.message})
            else:
                results.append({"Status": "SUCCESS", "MessageId": message_id})
        return Reply({"BulkEmailEntryResults": results})

    def _templated(
        self, region: str, message: OutgoingMessage, template: Mapping[str, Any], data: str | None
    ) -> OutgoingMessage:
        data = data if data is not None else template.get("TemplateData")
        if data is None:
            raise BadRequest("TemplateData is required when sending with a template.")
        inline = template.get("TemplateContent")
        if inline is not None:
            content = Template("", inline.get("Subject"), inline.get("Text"), inline.get("Html"), 0.0)
            return replace(message, inline_template=content, template_data=data)
        name = _template_name(template)
        self._service.get_template(region, name)  # TemplateDoesNotExist, which v2 reports as NotFoundException
        return replace(message, template=name, template_data=data)


def _envelope(p: Mapping[str, Any], destination: Mapping[str, Any], tags: Any) -> OutgoingMessage:
    return OutgoingMessage(
        source=p.get("FromEmailAddress"),
        to=tuple(destination.get("ToAddresses") or ()),
        cc=tuple(destination.get("CcAddresses") or ()),
        bcc=tuple(destination.get("BccAddresses") or ()),
        reply_to=tuple(p.get("ReplyToAddresses") or ()),
        tags=_tags(tags),
        configuration_set=p.get("ConfigurationSetName"),
        return_path=p.get("FeedbackForwardingEmailAddress"),
    )


def _simple(envelope: OutgoingMessage, simple: Mapping[str, Any]) -> OutgoingMessage:
    body: Mapping[str, Any] = simple["Body"]
    text = (body.get("Text") or {}).get("Data")
    html = (body.get("Html") or {}).get("Data")
    subject: Mapping[str, Any] = simple["Subject"]
    message = replace(envelope, subject=subject["Data"], text=text, html=html, charset=subject.get("Charset"))
    headers = [(h["Name"], h["Value"]) for h in simple.get("Headers") or ()]
    attachments = simple.get("Attachments") or ()
    if headers or attachments:
        # extra headers and attachments exist only in v2: the message is composed here and sent as raw
        return replace(message, raw=compose(message, headers, attachments))
    return message


def _require_sender(message: OutgoingMessage, *, raw: bool) -> None:
    # a raw message may name its sender in its From header instead (SES API v2 reference, FromEmailAddress)
    if not message.source and not raw:
        raise BadRequest("Missing required parameter: FromEmailAddress.")


def _template_name(template: Mapping[str, Any]) -> str:
    name: str | None = template.get("TemplateName")
    arn: str | None = template.get("TemplateArn")
    if name:
        return name
    if arn and ":template/" in arn:
        return arn.rsplit(":template/", 1)[1]
    raise BadRequest("Template must contain a TemplateName, a TemplateArn or TemplateContent.")


def _tags(tags: Any) -> dict[str, str]:
    return {tag["Name"]: tag["Value"] for tag in tags or ()}
