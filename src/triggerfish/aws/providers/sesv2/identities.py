"""Email identities (v2): create, get, list and delete addresses and domains.

They are the identities of the shared service, so one verified through v1 (VerifyEmailIdentity)
is listed here and the other way round. Locally verification succeeds at once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.sesv2.errors import BadRequest, identity_exists, identity_not_found
from triggerfish.aws.providers.sesv2.paging import page
from triggerfish.aws.providers.sesv2.shapes import dkim_attributes, identity_type
from triggerfish.services.ses.models import Identity
from triggerfish.services.ses.service import SesService

Operation = Callable[[Call], Awaitable[Reply]]

#: ListEmailIdentities' PageSize: 0 to 1000 (SES API v2 reference)
_MAX_PAGE = 1000
_DEFAULT_PAGE = 100


class IdentityOperations:
    def __init__(self, service: SesService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "CreateEmailIdentity": self.create_email_identity,
            "GetEmailIdentity": self.get_email_identity,
            "ListEmailIdentities": self.list_email_identities,
            "DeleteEmailIdentity": self.delete_email_identity,
        }

    async def create_email_identity(self, call: Call) -> Reply:
        region = call.scope.region
        name: str = call.params["EmailIdentity"]
        if self._find(region, name) is not None:
            raise identity_exists(name)
        if "@" in name:
            await self._service.verify_email(region, name)
        else:
            # a domain created through v2 signs with Easy DKIM from the start (SES v2 CreateEmailIdentity)
            await self._service.verify_domain_dkim(region, name)
        identity = self._get(region, name)
        return Reply(
            {
                "IdentityType": identity_type(identity),
                "VerifiedForSendingStatus": identity.verified,
                "DkimAttributes": dkim_attributes(identity),
            }
        )

    async def get_email_identity(self, call: Call) -> Reply:
        identity = self._get(call.scope.region, call.params["EmailIdentity"])
        mail_from: dict[str, object] = {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"}
        if identity.mail_from_domain:
            mail_from.update(MailFromDomain=identity.mail_from_domain, MailFromDomainStatus="SUCCESS")
        status = "SUCCESS" if identity.verified else "PENDING"
        verification: dict[str, object] = {"LastCheckedTimestamp": identity.created}
        if identity.verified:
            verification["LastSuccessTimestamp"] = identity.created
        return Reply(
            {
                "IdentityType": identity_type(identity),
                "FeedbackForwardingStatus": identity.forwarding_enabled,
                "VerifiedForSendingStatus": identity.verified,
                "DkimAttributes": dkim_attributes(identity),
                "MailFromAttributes": mail_from,
                "Policies": {},
                "Tags": [],
                "VerificationStatus": status,
                "VerificationInfo": verification,
            }
        )

    async def list_email_identities(self, call: Call) -> Reply:
        p = call.params
        size = p.get("PageSize")
        if size is not None and not 0 <= size <= _MAX_PAGE:
            raise BadRequest(f"PageSize must be between 0 and {_MAX_PAGE}.")
        identities = sorted(self._service.identities(call.scope.region), key=lambda identity: identity.name)
        shown, token = page(identities, lambda identity: identity.name, p.get("NextToken"), size or _DEFAULT_PAGE)
        shape: dict[str, object] = {
            "EmailIdentities": [
                {
                    "IdentityType": identity_type(identity),
                    "IdentityName": identity.name,
                    "SendingEnabled": identity.verified,
                    "VerificationStatus": "SUCCESS" if identity.verified else "PENDING",
                }
                for identity in shown
            ]
        }
        if token:
            shape["NextToken"] = token
        return Reply(shape)

    async def delete_email_identity(self, call: Call) -> Reply:
        region = call.scope.region
        name: str = call.params["EmailIdentity"]
        # unlike v1's DeleteIdentity, v2 refuses an identity it does not have (NotFoundException)
        identity = self._get(region, name)
        await self._service.delete_identity(region, identity.name)
        return Reply()

    def _find(self, region: str, name: str) -> Identity | None:
        return self._service.identity(region, name)

    def _get(self, region: str, name: str) -> Identity:
        identity = self._find(region, name)
        if identity is None:
            raise identity_not_found(name)
        return identity
