"""The SES v1 provider (``ses``, query protocol): identities, sending, templates and quota, plus the
receipt rule operations when receiving is wired in. Configuration sets, custom verification emails,
identity policies and receipt filters are not offered (501)."""

from __future__ import annotations

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.ses.identities import IdentityOperations
from triggerfish.aws.providers.ses.quota import QuotaOperations
from triggerfish.aws.providers.ses.receipt_rules import table as receipt_rule_table
from triggerfish.aws.providers.ses.sending import SendingOperations
from triggerfish.aws.providers.ses.shapes import Operation
from triggerfish.aws.providers.ses.templates import TemplateOperations
from triggerfish.services.ses.receiving.rules import ReceiptRules
from triggerfish.services.ses.service import SesService

# A raw message carries up to 10 MB (SendRawEmail); base64 makes that 13.4 MB and form encoding can
# triple the "+", "/" and "=" characters, so allow a generous multiple.
REQUEST_LIMIT = BodyLimit(48 * 1_048_576, "SendRawEmail")


class SesProvider:
    def __init__(self, service: SesService, rules: ReceiptRules | None = None) -> None:
        self._table: dict[str, Operation] = {
            **IdentityOperations(service).table(),
            **SendingOperations(service).table(),
            **TemplateOperations(service).table(),
            **QuotaOperations(service).table(),
        }
        if rules is not None:
            self._table.update(receipt_rule_table(rules))

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return REQUEST_LIMIT

    async def call(self, call: Call) -> Reply:
        return await self._table[call.operation](call)


__all__ = ["SesProvider"]
