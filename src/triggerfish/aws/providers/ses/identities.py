"""Identity operations: verifying addresses and domains, listing them and their attributes."""

from __future__ import annotations

from triggerfish.aws.providers.base import Call, Reply
from triggerfish.aws.providers.ses import shapes
from triggerfish.aws.providers.ses.shapes import Operation
from triggerfish.services.ses.errors import InvalidParameterValue
from triggerfish.services.ses.models import Identity, IdentityKind
from triggerfish.services.ses.service import SesService

#: "MaxItems: the maximum number of identities per page. Possible values are 1-1000 inclusive." (ListIdentities)
MAX_IDENTITIES = 1000
#: the identity attribute getters take "a list of up to 100 identities" (GetIdentityVerificationAttributes)
MAX_QUERIED = 100


class IdentityOperations:
    def __init__(self, service: SesService) -> None:
        self._service = service

    def table(self) -> dict[str, Operation]:
        return {
            "VerifyEmailIdentity": self.verify_email,
            "VerifyEmailAddress": self.verify_email,
            "VerifyDomainIdentity": self.verify_domain,
            "VerifyDomainDkim": self.verify_domain_dkim,
            "DeleteIdentity": self.delete_identity,
            "DeleteVerifiedEmailAddress": self.delete_verified_email_address,
            "ListIdentities": self.list_identities,
            "ListVerifiedEmailAddresses": self.list_verified_email_addresses,
            "GetIdentityVerificationAttributes": self.get_verification_attributes,
            "GetIdentityDkimAttributes": self.get_dkim_attributes,
            "GetIdentityMailFromDomainAttributes": self.get_mail_from_attributes,
            "GetIdentityNotificationAttributes": self.get_notification_attributes,
            "SetIdentityNotificationTopic": self.set_notification_topic,
            "SetIdentityFeedbackForwardingEnabled": self.set_feedback_forwarding,
            "SetIdentityHeadersInNotificationsEnabled": self.set_headers_in_notifications,
            "SetIdentityDkimEnabled": self.set_dkim_enabled,
            "SetIdentityMailFromDomain": self.set_mail_from_domain,
        }

    async def verify_email(self, call: Call) -> Reply:
        await self._service.verify_email(call.scope.region, call.params["EmailAddress"])
        return Reply()

    async def verify_domain(self, call: Call) -> Reply:
        token = await self._service.verify_domain(call.scope.region, call.params["Domain"])
        return Reply({"VerificationToken": token})

    async def verify_domain_dkim(self, call: Call) -> Reply:
        tokens = await self._service.verify_domain_dkim(call.scope.region, call.params["Domain"])
        return Reply({"DkimTokens": list(tokens)})

    async def delete_identity(self, call: Call) -> Reply:
        await self._service.delete_identity(call.scope.region, call.params["Identity"])
        return Reply()

    async def delete_verified_email_address(self, call: Call) -> Reply:
        await self._service.delete_identity(call.scope.region, call.params["EmailAddress"])
        return Reply()

    async def list_identities(self, call: Call) -> Reply:
        p = call.params
        kind = p.get("IdentityType")
        if kind not in (None, "EmailAddress", "Domain"):
            raise InvalidParameterValue(f"Invalid IdentityType: {kind}")
        size = p.get("MaxItems") or MAX_IDENTITIES
        if not 1 <= size <= MAX_IDENTITIES:
            raise InvalidParameterValue(f"MaxItems must be between 1 and {MAX_IDENTITIES}.")
        names = [identity.name for identity in self._service.identities(call.scope.region, _kind(kind))]
        found, token = shapes.page(names, p.get("NextToken"), size)
        shape: dict[str, object] = {"Identities": found}
        if token:
            shape["NextToken"] = token
        return Reply(shape)

    async def list_verified_email_addresses(self, call: Call) -> Reply:
        found = self._service.identities(call.scope.region, "EmailAddress")
        return Reply({"VerifiedEmailAddresses": [identity.name for identity in found if identity.verified]})

    def _queried(self, call: Call) -> list[tuple[str, Identity]]:
        """The requested identities that exist, under the names the caller used (others are left out)."""
        names = call.params.get("Identities") or []
        if len(names) > MAX_QUERIED:
            raise InvalidParameterValue(f"Too many identities: at most {MAX_QUERIED} may be queried at once.")
        found = ((name, self._service.identity(call.scope.region, name)) for name in names)
        return [(name, identity) for name, identity in found if identity is not None]

    async def get_verification_attributes(self, call: Call) -> Reply:
        queried = self._queried(call)
        return Reply({"VerificationAttributes": {name: shapes.verification(found) for name, found in queried}})

    async def get_dkim_attributes(self, call: Call) -> Reply:
        return Reply({"DkimAttributes": {name: shapes.dkim(found) for name, found in self._queried(call)}})

    async def get_mail_from_attributes(self, call: Call) -> Reply:
        queried = [(name, found) for name, found in self._queried(call) if found.mail_from_domain]
        return Reply({"MailFromDomainAttributes": {name: shapes.mail_from(found) for name, found in queried}})

    async def get_notification_attributes(self, call: Call) -> Reply:
        queried = self._queried(call)
        return Reply({"NotificationAttributes": {name: shapes.notifications(found) for name, found in queried}})

    async def set_notification_topic(self, call: Call) -> Reply:
        p = call.params
        kind = _notification_type(p["NotificationType"])
        await self._service.set_notification_topic(call.scope.region, p["Identity"], kind, p.get("SnsTopic"))
        return Reply()

    async def set_feedback_forwarding(self, call: Call) -> Reply:
        p = call.params
        await self._service.set_feedback_forwarding(call.scope.region, p["Identity"], bool(p["ForwardingEnabled"]))
        return Reply()

    async def set_headers_in_notifications(self, call: Call) -> Reply:
        p = call.params
        kind = _notification_type(p["NotificationType"])
        await self._service.set_headers_in_notifications(call.scope.region, p["Identity"], kind, bool(p["Enabled"]))
        return Reply()

    async def set_dkim_enabled(self, call: Call) -> Reply:
        p = call.params
        await self._service.set_dkim_enabled(call.scope.region, p["Identity"], bool(p["DkimEnabled"]))
        return Reply()

    async def set_mail_from_domain(self, call: Call) -> Reply:
        p = call.params
        behavior = p.get("BehaviorOnMXFailure")
        if behavior not in (None, "UseDefaultValue", "RejectMessage"):
            raise InvalidParameterValue(f"Invalid BehaviorOnMXFailure: {behavior}")
        await self._service.set_mail_from_domain(call.scope.region, p["Identity"], p.get("MailFromDomain"), behavior)
        return Reply()


def _kind(value: str | None) -> IdentityKind | None:
    if value == "EmailAddress":
        return "EmailAddress"
    if value == "Domain":
        return "Domain"
    return None


def _notification_type(value: str) -> str:
    if value not in ("Bounce", "Complaint", "Delivery"):
        raise InvalidParameterValue(f"Invalid NotificationType: {value}")
    return value
