"""v2 wire shapes built from the shared service's values."""

from __future__ import annotations

from typing import TypedDict

from triggerfish.services.ses.models import Identity, Template


class DkimAttributesShape(TypedDict, total=False):
    SigningEnabled: bool
    Status: str
    Tokens: list[str]
    SigningAttributesOrigin: str
    NextSigningKeyLength: str
    CurrentSigningKeyLength: str
    LastKeyGenerationTimestamp: float


class TemplateContentShape(TypedDict, total=False):
    Subject: str
    Text: str
    Html: str


def identity_type(identity: Identity) -> str:
    return "DOMAIN" if identity.kind == "Domain" else "EMAIL_ADDRESS"


def dkim_attributes(identity: Identity) -> DkimAttributesShape:
    """A domain with Easy DKIM tokens signs (locally its CNAME records count as found at once); an address
    has no signing of its own (observed GetEmailIdentity of an address: NOT_STARTED, 1024-bit next key)."""
    if identity.kind == "Domain" and identity.dkim_tokens:
        return {
            "SigningEnabled": identity.dkim_enabled,
            "Status": "SUCCESS",
            "Tokens": list(identity.dkim_tokens),
            "SigningAttributesOrigin": "AWS_SES",
            "NextSigningKeyLength": "RSA_2048_BIT",
            "CurrentSigningKeyLength": "RSA_2048_BIT",
            "LastKeyGenerationTimestamp": identity.created,
        }
    return {
        "SigningEnabled": False,
        "Status": "NOT_STARTED",
        "SigningAttributesOrigin": "AWS_SES",
        "NextSigningKeyLength": "RSA_1024_BIT",
    }


def template_content(template: Template) -> TemplateContentShape:
    content: TemplateContentShape = {}
    if template.subject is not None:
        content["Subject"] = template.subject
    if template.text is not None:
        content["Text"] = template.text
    if template.html is not None:
        content["Html"] = template.html
    return content
