"""Sending operations: formatted, raw, templated and bulk templated messages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.ses import shapes
from triggerfish.aws.providers.ses.shapes import Operation
from triggerfish.services.ses.models import BulkEntry, Destination, OutgoingMessage
from triggerfish.services.ses.service import SesService


class SendingOperations:
    def __init__(self, service: SesService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "SendEmail": self.send_email,
            "SendRawEmail": self.send_raw_email,
            "SendTemplatedEmail": self.send_templated_email,
            "SendBulkTemplatedEmail": self.send_bulk_templated_email,
        }

    async def send_email(self, call: Call) -> Reply:
        p = call.params
        content: Mapping[str, Any] = p.get("Message") or {}
        body: Mapping[str, Any] = content.get("Body") or {}
        subject: Mapping[str, Any] = content.get("Subject") or {}
        message = OutgoingMessage(
            **_addressing(p, shapes.destination(p.get("Destination"))),
            subject=subject.get("Data"),
            text=(body.get("Text") or {}).get("Data"),
            html=(body.get("Html") or {}).get("Data"),
        )
        return Reply({"MessageId": await self._service.send(call.scope.region, message)})

    async def send_raw_email(self, call: Call) -> Reply:
        p = call.params
        message = OutgoingMessage(
            source=p.get("Source"),
            to=tuple(p.get("Destinations") or ()),
            raw=shapes.raw_data((p.get("RawMessage") or {}).get("Data", b"")),
            tags=shapes.tags(p.get("Tags")),
            configuration_set=p.get("ConfigurationSetName"),
        )
        return Reply({"MessageId": await self._service.send(call.scope.region, message)})

    async def send_templated_email(self, call: Call) -> Reply:
        p = call.params
        message = OutgoingMessage(
            **_addressing(p, shapes.destination(p.get("Destination"))),
            template=p["Template"],
            template_data=p["TemplateData"],
        )
        return Reply({"MessageId": await self._service.send(call.scope.region, message)})

    async def send_bulk_templated_email(self, call: Call) -> Reply:
        p = call.params
        base = OutgoingMessage(
            **_addressing({**p, "Tags": p.get("DefaultTags")}, Destination()),
            template=p["Template"],
            template_data=p.get("DefaultTemplateData"),
        )
        entries = [
            BulkEntry(
                shapes.destination(entry.get("Destination")),
                entry.get("ReplacementTemplateData"),
                shapes.tags(entry.get("ReplacementTags")),
            )
            for entry in p.get("Destinations") or ()
        ]
        results = await self._service.send_bulk(call.scope.region, base, entries)
        status = []
        for result in results:
            shape = {"Status": result.status}
            if result.message_id is not None:
                shape["MessageId"] = result.message_id
            if result.error is not None:
                shape["Error"] = result.error
            status.append(shape)
        return Reply({"Status": status})


def _addressing(p: Mapping[str, Any], destination: Destination) -> dict[str, Any]:
    """The members every formatted send shares: sender, recipients, reply-to, tags, configuration set."""
    return {
        "source": p.get("Source"),
        "to": destination.to,
        "cc": destination.cc,
        "bcc": destination.bcc,
        "reply_to": tuple(p.get("ReplyToAddresses") or ()),
        "return_path": p.get("ReturnPath"),
        "tags": shapes.tags(p.get("Tags")),
        "configuration_set": p.get("ConfigurationSetName"),
    }
