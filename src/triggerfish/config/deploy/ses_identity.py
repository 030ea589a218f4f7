"""``AWS::SES::EmailIdentity``: a verified email address or domain (verification succeeds at once locally).

``Ref`` is the identity as given; a domain's ``GetAtt DkimDNSTokenName1..3`` / ``DkimDNSTokenValue1..3``
are its Easy DKIM CNAME records (``<token>._domainkey.<domain>`` -> ``<token>.dkim.amazonses.com``). A new
``EmailIdentity`` replaces the identity (CloudFormation: "Update requires: Replacement"); DKIM signing,
feedback forwarding and the MAIL FROM domain change in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triggerfish.config.deploy.resources import DeployContext, PhysicalResource, require
from triggerfish.config.errors import TemplateError
from triggerfish.services.ses import SesService

#: BehaviorOnMxFailure when not given (SES API reference)
_DEFAULT_MX = "UseDefaultValue"


def ses_service(context: DeployContext) -> SesService:
    if context.services.ses is None:
        raise TemplateError("SES is not available in this cloud")
    return context.services.ses


def enabled(value: Any, key: str, *, default: bool) -> bool:
    """A boolean property; CloudFormation parameters give booleans as text."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise TemplateError(f"Value of property {key} must be of type Boolean")


class EmailIdentityHandler:
    async def create(self, context: DeployContext, logical_id: str, properties: Mapping[str, Any]) -> PhysicalResource:
        ses, region = ses_service(context), context.scope.region
        name = str(require(properties, "EmailIdentity"))
        if "@" in name:
            await ses.verify_email(region, name)
            await self._configure(ses, region, name, properties)
            return PhysicalResource(name)
        # CreateEmailIdentity sets up Easy DKIM for a domain unless given its own key (SES API v2 reference)
        tokens = await ses.verify_domain_dkim(region, name)
        await self._configure(ses, region, name, properties)
        return PhysicalResource(name, _dkim_attributes(name, tokens))

    async def update(
        self,
        context: DeployContext,
        logical_id: str,
        properties: Mapping[str, Any],
        previous: PhysicalResource,
        previous_properties: Mapping[str, Any],
    ) -> PhysicalResource:
        if str(require(properties, "EmailIdentity")) != previous.physical_id:
            return await self.create(context, logical_id, properties)
        await self._configure(ses_service(context), context.scope.region, previous.physical_id, properties)
        return previous

    async def delete(self, context: DeployContext, resource: PhysicalResource, properties: Mapping[str, Any]) -> None:
        # deleting an identity that is not there succeeds (SES API reference, DeleteIdentity)
        await ses_service(context).delete_identity(context.scope.region, resource.physical_id)

    async def _configure(self, ses: SesService, region: str, name: str, properties: Mapping[str, Any]) -> None:
        """Apply DKIM signing, feedback forwarding and the MAIL FROM domain where they differ from what is set."""
        identity = ses.identity(region, name)
        if identity is None:
            return
        dkim, feedback = _object(properties, "DkimAttributes"), _object(properties, "FeedbackAttributes")
        mail_from = _object(properties, "MailFromAttributes")
        signing = enabled(dkim.get("SigningEnabled"), "DkimAttributes.SigningEnabled", default=True)
        if identity.kind == "Domain" and signing != identity.dkim_enabled:
            await ses.set_dkim_enabled(region, name, signing)
        forwarding = enabled(
            feedback.get("EmailForwardingEnabled"), "FeedbackAttributes.EmailForwardingEnabled", default=True
        )
        if forwarding != identity.forwarding_enabled:
            await ses.set_feedback_forwarding(region, name, forwarding)
        # a MAIL FROM setting no longer given goes back to none, as a stack update does
        wanted = (_text(mail_from.get("MailFromDomain")), _text(mail_from.get("BehaviorOnMxFailure")) or _DEFAULT_MX)
        if wanted != (identity.mail_from_domain, identity.mail_from_behavior):
            await ses.set_mail_from_domain(region, name, *wanted)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _object(properties: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = properties.get(key) or {}
    if not isinstance(value, Mapping):
        raise TemplateError(f"Value of property {key} must be of type Object")
    return value


def _dkim_attributes(domain: str, tokens: tuple[str, ...]) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for index, token in enumerate(tokens[:3], start=1):
        attributes[f"DkimDNSTokenName{index}"] = f"{token}._domainkey.{domain}"
        attributes[f"DkimDNSTokenValue{index}"] = f"{token}.dkim.amazonses.com"
    return attributes
