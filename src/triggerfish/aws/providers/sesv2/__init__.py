"""The SES v2 provider (``sesv2``, rest-json under ``/v2/email/``): identities, sending, templates and the
account, over the same service as the v1 provider, so either API sees what the other made. Operations
not listed (configuration sets, contact lists, dedicated IPs...) answer 501."""

from __future__ import annotations

from triggerfish.aws.protocol import HttpRequest
from triggerfish.aws.providers.base import BodyLimit, Call, Reply
from triggerfish.aws.providers.sesv2.account import AccountOperations
from triggerfish.aws.providers.sesv2.errors import in_v2
from triggerfish.aws.providers.sesv2.identities import IdentityOperations, Operation
from triggerfish.aws.providers.sesv2.sending import SendingOperations
from triggerfish.aws.providers.sesv2.templates import TemplateOperations
from triggerfish.services.ses import errors as v1
from triggerfish.services.ses.service import SesService

# SES v2 takes messages of up to 40 MB including attachments (SES developer guide, "Service quotas");
# a raw message or an attachment travels base64-encoded in the JSON body, a third larger again.
REQUEST_LIMIT = BodyLimit(54 * 1_048_576, "SendEmail")


class SesV2Provider:
    def __init__(self, service: SesService) -> None:
        self._table: dict[str, Operation] = {
            **IdentityOperations(service).table(),
            **SendingOperations(service).table(),
            **TemplateOperations(service).table(),
            **AccountOperations(service).table(),
        }

    def operations(self) -> frozenset[str]:
        return frozenset(self._table)

    def body_limit(self, request: HttpRequest) -> BodyLimit:
        return REQUEST_LIMIT

    async def call(self, call: Call) -> Reply:
        try:
            return await self._table[call.operation](call)
        except v1.SesError as error:
            raise in_v2(error) from None


__all__ = ["SesV2Provider"]
