"""Verified identities (email addresses and domains), held in memory and stored as documents
(kind ``ses.identity``, scope ``<account>/<region>``, name the identity); loaded at start, written
before a change is acknowledged. Locally verification succeeds at once: no mail or DNS is involved."""

from __future__ import annotations

import base64
import json
import os
import string
from dataclasses import replace
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.services.ses.addresses import bare, domain_of, normalized
from triggerfish.services.ses.errors import InvalidParameterValue
from triggerfish.services.ses.models import IDENTITY_KIND, Identity, IdentityKind
from triggerfish.store.interfaces import Document, DocumentStore

_DKIM_ALPHABET = string.ascii_lowercase + string.digits


def identity_key(name: str) -> str:
    """How an identity is filed: domains in lower case, addresses with their domain lower-cased."""
    return normalized(name) if "@" in name else name.strip().lower()


def verification_token() -> str:
    # a domain's TXT record value: 32 random bytes, base64 (44 characters, as SES hands out)
    return base64.b64encode(os.urandom(32)).decode()


def dkim_tokens() -> tuple[str, ...]:
    # Easy DKIM: three CNAME tokens of 32 lower-case letters and digits (VerifyDomainDkim)
    return tuple("".join(_DKIM_ALPHABET[b % len(_DKIM_ALPHABET)] for b in os.urandom(32)) for _ in range(3))


class IdentityRegistry:
    def __init__(self, documents: DocumentStore, clock: Clock, account: str) -> None:
        self._documents = documents
        self._clock = clock
        self._account = account
        #: region -> key -> identity, in creation order
        self._identities: dict[str, dict[str, Identity]] = {}

    async def load(self) -> None:
        self._identities = {}
        documents = await self._documents.list(IDENTITY_KIND)
        mine = [document for document in documents if document.scope.startswith(f"{self._account}/")]
        found = [_from_document(document) for document in mine]
        for region, identity in sorted(found, key=lambda pair: pair[1].created):
            self._identities.setdefault(region, {})[identity_key(identity.name)] = identity

    def get(self, region: str, name: str) -> Identity | None:
        return self._identities.get(region, {}).get(identity_key(name))

    def require(self, region: str, name: str) -> Identity:
        found = self.get(region, name)
        if found is None:
            raise InvalidParameterValue(f"Identity {name} is not verified in this region.")
        return found

    def list(self, region: str, kind: IdentityKind | None = None) -> list[Identity]:
        return [identity for identity in self._identities.get(region, {}).values() if kind in (None, identity.kind)]

    async def verify_email(self, region: str, address: str) -> Identity:
        found = bare(address)
        if "@" not in found or found.startswith("@") or found.endswith("@"):
            raise InvalidParameterValue(f"Invalid email address <{address}>.")
        existing = self.get(region, found)
        if existing is not None:
            return existing
        identity = Identity(normalized(found), "EmailAddress", True, None, self._clock.now())
        return await self.save(region, identity)

    async def verify_domain(self, region: str, domain: str) -> Identity:
        name = domain.strip().lower()
        if not name or "@" in name or " " in name or name.startswith(".") or ".." in name:
            raise InvalidParameterValue(f"Invalid domain name {domain}.")
        existing = self.get(region, name)
        if existing is not None:
            return existing
        identity = Identity(name, "Domain", True, verification_token(), self._clock.now())
        return await self.save(region, identity)

    async def verify_dkim(self, region: str, domain: str) -> Identity:
        identity = self.get(region, domain) or await self.verify_domain(region, domain)
        if not identity.dkim_tokens:
            identity = await self.save(region, replace(identity, dkim_tokens=dkim_tokens(), dkim_enabled=True))
        return identity

    async def delete(self, region: str, name: str) -> None:
        key = identity_key(name)
        # DeleteIdentity succeeds for an identity that does not exist (SES API reference)
        if self._identities.get(region, {}).pop(key, None) is not None:
            await self._documents.delete(IDENTITY_KIND, self._scope(region), key)

    def is_verified(self, region: str, address_or_domain: str) -> bool:
        """An address is verified if it is, or its domain or a parent domain is (SES developer guide,
        "Verified identities": a verified domain covers its addresses and subdomains)."""
        found = bare(address_or_domain)
        identities = self._identities.get(region, {})
        if "@" in found:
            address = identities.get(identity_key(found))
            if address is not None and address.verified:
                return True
        domain = domain_of(found) if "@" in found else found.lower()
        labels = domain.split(".")
        for start in range(len(labels) - 1):
            candidate = identities.get(".".join(labels[start:]))
            if candidate is not None and candidate.verified:
                return True
        return False

    async def save(self, region: str, identity: Identity) -> Identity:
        key = identity_key(identity.name)
        body = {
            "region": region,
            "name": identity.name,
            "kind": identity.kind,
            "verified": identity.verified,
            "token": identity.token,
            "created": identity.created,
            "dkim_tokens": list(identity.dkim_tokens),
            "dkim_enabled": identity.dkim_enabled,
            "mail_from_domain": identity.mail_from_domain,
            "mail_from_behavior": identity.mail_from_behavior,
            "headers_in_notifications": sorted(identity.headers_in_notifications),
            "notification_topics": dict(identity.notification_topics),
            "forwarding_enabled": identity.forwarding_enabled,
        }
        await self._documents.put(IDENTITY_KIND, self._scope(region), key, json.dumps(body), now=self._clock.now())
        self._identities.setdefault(region, {})[key] = identity
        return identity

    def _scope(self, region: str) -> str:
        return f"{self._account}/{region}"


def _from_document(document: Document) -> tuple[str, Identity]:
    body: dict[str, Any] = json.loads(document.body)
    kind: IdentityKind = "Domain" if body.get("kind") == "Domain" else "EmailAddress"
    identity = Identity(
        name=body["name"],
        kind=kind,
        verified=bool(body.get("verified", True)),
        token=body.get("token"),
        created=float(body.get("created", document.created_at)),
        dkim_tokens=tuple(body.get("dkim_tokens", ())),
        dkim_enabled=bool(body.get("dkim_enabled", False)),
        mail_from_domain=body.get("mail_from_domain"),
        mail_from_behavior=body.get("mail_from_behavior", "UseDefaultValue"),
        headers_in_notifications=frozenset(body.get("headers_in_notifications", ())),
        notification_topics=dict(body.get("notification_topics", {})),
        forwarding_enabled=bool(body.get("forwarding_enabled", True)),
    )
    return document.scope.split("/", 1)[1], identity
