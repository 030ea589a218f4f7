"""Bulk templated sending: one message per destination, each answered on its own.

Failures that concern the whole request (no such template, an unverified sender) refuse the
request; a destination's own refusal becomes its status (SendBulkTemplatedEmail's BulkEmailStatus).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from triggerfish.services.ses.errors import InvalidParameterValue, SesError
from triggerfish.services.ses.models import BulkEntry, BulkResult, OutgoingMessage
from triggerfish.services.ses.sending import template_data

#: "The maximum number of destinations you can include in a single call is 50" (SendBulkTemplatedEmail)
MAX_DESTINATIONS = 50
#: the BulkEmailStatus values our refusals map to; anything else reports "Failed"
_STATUSES = frozenset({"MessageRejected", "TemplateDoesNotExist", "InvalidParameterValue"})


def check_entries(entries: Sequence[BulkEntry]) -> None:
    if not entries:
        raise InvalidParameterValue("Destinations cannot be empty.")
    if len(entries) > MAX_DESTINATIONS:
        raise InvalidParameterValue(f"Destination count exceeds {MAX_DESTINATIONS}.")


def merged_data(default: str | None, replacement: str | None) -> str:
    # a destination's ReplacementTemplateData overrides the DefaultTemplateData key by key
    data = template_data(default)
    data.update(template_data(replacement) if replacement else {})
    return json.dumps(data)


async def send_each(
    base: OutgoingMessage, entries: Sequence[BulkEntry], send: Callable[[OutgoingMessage], Awaitable[str]]
) -> list[BulkResult]:
    results: list[BulkResult] = []
    for entry in entries:
        message = replace(
            base,
            to=entry.destination.to,
            cc=entry.destination.cc,
            bcc=entry.destination.bcc,
            template_data=merged_data(base.template_data, entry.template_data),
            tags={**base.tags, **entry.tags},
        )
        try:
            results.append(BulkResult("Success", message_id=await send(message)))
        except SesError as exc:
            status = exc.code if exc.code in _STATUSES else "Failed"
            results.append(BulkResult(status, error=exc.message))
    return results
