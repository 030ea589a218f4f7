"""The SES service: identities, templates and sending, per region, as the v1 and v2 APIs use them.

Everything accepted is stored (documents) before it is answered. The account is in the sandbox
unless told otherwise, as a new AWS account is: recipients must then be verified too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace

from triggerfish.core.clock import Clock
from triggerfish.core.ids import DEFAULT_ACCOUNT, DEFAULT_REGION
from triggerfish.services.ses import bulk, mime, quota
from triggerfish.services.ses.errors import not_verified
from triggerfish.services.ses.identities import IdentityRegistry
from triggerfish.services.ses.models import (
    BulkEntry,
    BulkResult,
    DataPoint,
    Identity,
    IdentityKind,
    OutgoingMessage,
    Quota,
    SentMessage,
    Template,
)
from triggerfish.services.ses.outbox import Outbox, new_message_id
from triggerfish.services.ses.relay import SmtpRelay
from triggerfish.services.ses.sending import Prepared, check_identities, prepare, render
from triggerfish.services.ses.template_registry import TemplateRegistry
from triggerfish.store.interfaces import Store

log = logging.getLogger(__name__)


class SesService:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        account: str = DEFAULT_ACCOUNT,
        relay: SmtpRelay | None = None,
        sandbox: bool = True,
    ) -> None:
        self.account = account
        self.sandbox = sandbox
        self.relay = relay
        self._clock = clock
        self._identities = IdentityRegistry(store.documents, clock, account)
        self._templates = TemplateRegistry(store.documents, clock, account)
        self._outbox = Outbox(store.documents, clock, account)
        self._relaying: set[asyncio.Task[bool]] = set()

    async def start(self) -> None:
        await self._identities.load()
        await self._templates.load()
        await self._outbox.load()

    async def close(self) -> None:
        if self._relaying:
            await asyncio.gather(*self._relaying, return_exceptions=True)

    # --- identities -------------------------------------------------------------------------------

    async def verify_email(self, region: str, address: str) -> None:
        await self._identities.verify_email(region, address)

    async def verify_domain(self, region: str, domain: str) -> str:
        """Verify ``domain``; returns its verification token (the TXT record SES asks for)."""
        identity = await self._identities.verify_domain(region, domain)
        return identity.token or ""

    async def verify_domain_dkim(self, region: str, domain: str) -> tuple[str, ...]:
        """Easy DKIM for ``domain`` (verifying it too); returns its three CNAME tokens."""
        return (await self._identities.verify_dkim(region, domain)).dkim_tokens

    async def delete_identity(self, region: str, identity: str) -> None:
        await self._identities.delete(region, identity)

    def identities(self, region: str, kind: IdentityKind | None = None) -> list[Identity]:
        return self._identities.list(region, kind)

    def identity(self, region: str, name: str) -> Identity | None:
        return self._identities.get(region, name)

    def require_identity(self, region: str, name: str) -> Identity:
        return self._identities.require(region, name)

    async def set_notification_topic(self, region: str, name: str, kind: str, topic_arn: str | None) -> None:
        """Bounce, Complaint or Delivery notifications of ``name`` go to ``topic_arn`` (none: stop)."""
        identity = self._identities.require(region, name)
        topics = {key: value for key, value in identity.notification_topics.items() if key != kind}
        if topic_arn:
            topics[kind] = topic_arn
        await self._identities.save(region, replace(identity, notification_topics=topics))

    async def set_feedback_forwarding(self, region: str, name: str, enabled: bool) -> None:
        identity = self._identities.require(region, name)
        await self._identities.save(region, replace(identity, forwarding_enabled=enabled))

    async def set_headers_in_notifications(self, region: str, name: str, kind: str, enabled: bool) -> None:
        identity = self._identities.require(region, name)
        kinds = identity.headers_in_notifications - {kind} | ({kind} if enabled else set())
        await self._identities.save(region, replace(identity, headers_in_notifications=frozenset(kinds)))

    async def set_dkim_enabled(self, region: str, name: str, enabled: bool) -> None:
        identity = self._identities.require(region, name)
        await self._identities.save(region, replace(identity, dkim_enabled=enabled))

    async def set_mail_from_domain(self, region: str, name: str, domain: str | None, behavior: str | None) -> None:
        identity = self._identities.require(region, name)
        changed = replace(identity, mail_from_domain=domain or None, mail_from_behavior=behavior or "UseDefaultValue")
        await self._identities.save(region, changed)

    def is_verified(self, region: str, address_or_domain: str) -> bool:
        return self._identities.is_verified(region, address_or_domain)

    def receives_for(self, region: str, recipient: str) -> bool:
        # SES receives mail only for verified domains or addresses (developer guide, "Email receiving
        # concepts": "you must verify the domain or email address")
        return self._identities.is_verified(region, recipient)

    # --- templates --------------------------------------------------------------------------------

    async def create_template(self, region: str, template: Template) -> Template:
        return await self._templates.create(region, template)

    def get_template(self, region: str, name: str) -> Template:
        return self._templates.get(region, name)

    async def update_template(self, region: str, template: Template) -> Template:
        return await self._templates.update(region, template)

    async def delete_template(self, region: str, name: str, *, missing_ok: bool = True) -> None:
        await self._templates.delete(region, name, missing_ok=missing_ok)

    def list_templates(self, region: str) -> list[Template]:
        return self._templates.list(region)

    def render(
        self, template_name: str, data_json: str, *, region: str = DEFAULT_REGION
    ) -> tuple[str | None, str | None, str | None]:
        """``(subject, text, html)`` of a stored template rendered with ``data_json`` (TestRenderTemplate)."""
        rendered = render(self._templates.get(region, template_name), data_json)
        return rendered.subject, rendered.text, rendered.html

    def preview(self, template_name: str, data_json: str, *, region: str = DEFAULT_REGION) -> str:
        """The MIME text of a stored template rendered with ``data_json``: TestRenderTemplate's answer."""
        subject, text, html = self.render(template_name, data_json, region=region)
        return mime.preview(subject=subject, text=text, html=html, timestamp=self._clock.now())

    def render_template(self, template: Template, data_json: str) -> tuple[str | None, str | None, str | None]:
        """The same for a template given inline (v2 SendEmail's TemplateContent)."""
        rendered = render(template, data_json)
        return rendered.subject, rendered.text, rendered.html

    # --- sending ----------------------------------------------------------------------------------

    async def send(self, region: str, message: OutgoingMessage) -> str:
        """Check, build and store ``message``; returns its message id."""
        prepared = prepare(message, lambda name: self._templates.get(region, name))
        check_identities(prepared, region, lambda who: self.is_verified(region, who), sandbox=self.sandbox)
        now = self._clock.now()
        message_id = new_message_id(now)
        sent = SentMessage(
            id=message_id,
            region=region,
            timestamp=now,
            source=prepared.source,
            destination=prepared.destination,
            subject=prepared.subject,
            text=prepared.text,
            html=prepared.html,
            raw=_mime(prepared, message, message_id, region, now),
            tags=dict(message.tags),
            template=message.template,
            configuration_set=message.configuration_set,
            account=self.account,
        )
        await self._outbox.add(sent)
        if self.relay is not None:
            task = asyncio.get_running_loop().create_task(self.relay.relay(sent))
            self._relaying.add(task)
            task.add_done_callback(self._relaying.discard)
        return message_id

    async def send_bulk(self, region: str, base: OutgoingMessage, entries: Sequence[BulkEntry]) -> list[BulkResult]:
        """Send ``base`` (a templated message) to each entry's destination, with its data merged over
        ``base.template_data``; a refusal of one destination is its result, not an error."""
        bulk.check_entries(entries)
        if base.inline_template is None and base.template:
            self._templates.get(region, base.template)
        bulk.merged_data(base.template_data, None)
        if base.source and not self.is_verified(region, base.source):
            raise not_verified(region, [base.source])
        return await bulk.send_each(base, entries, lambda message: self.send(region, message))

    def sent_messages(self, *, region: str | None = None) -> list[SentMessage]:
        """Every message sent (in ``region``, when given), oldest first."""
        return self._outbox.list(region)

    def sent_message(self, message_id: str) -> SentMessage:
        return self._outbox.get(message_id)

    async def clear_sent_messages(self, *, region: str | None = None) -> int:
        return await self._outbox.clear(region)

    # --- quota ------------------------------------------------------------------------------------

    def quota(self, region: str) -> Quota:
        return quota.quota(self._outbox.list(region), self._clock.now(), sandbox=self.sandbox)

    def statistics(self, region: str) -> list[DataPoint]:
        return quota.statistics(self._outbox.list(region), self._clock.now())


def _mime(prepared: Prepared, message: OutgoingMessage, message_id: str, region: str, now: float) -> bytes:
    if prepared.raw is not None:
        return mime.finish_raw(prepared.raw, message_id=message_id, region=region, timestamp=now)
    return mime.build(
        source=prepared.source,
        to=prepared.destination.to,
        cc=prepared.destination.cc,
        reply_to=prepared.reply_to,
        subject=prepared.subject,
        text=prepared.text,
        html=prepared.html,
        message_id=message_id,
        region=region,
        timestamp=now,
        return_path=message.return_path,
    )


__all__ = ["SesService"]
