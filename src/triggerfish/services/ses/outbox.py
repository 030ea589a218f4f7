"""Messages SES accepted, in memory and stored as documents (kind ``ses.message``, scope
``<account>/<region>``, name the message id) with their full MIME text, before the send is answered."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from triggerfish.core.clock import Clock
from triggerfish.services.ses.errors import MessageNotFound
from triggerfish.services.ses.models import MESSAGE_KIND, Destination, SentMessage
from triggerfish.store.interfaces import Document, DocumentStore


def new_message_id(now: float) -> str:
    """A message id in SES's form: ``0100`` and the send time in epoch milliseconds (12 hex digits),
    a UUID, and ``-000000`` (as SendEmail answers, e.g. ``0100018c5b5e4f39-...-000000``)."""
    return f"0100{int(now * 1000):012x}-{uuid.uuid4()}-000000"


class Outbox:
    def __init__(self, documents: DocumentStore, clock: Clock, account: str) -> None:
        self._documents = documents
        self._clock = clock
        self._account = account
        self._messages: dict[str, SentMessage] = {}

    async def load(self) -> None:
        documents = await self._documents.list(MESSAGE_KIND)
        found = [_from_document(d) for d in documents if d.scope.startswith(f"{self._account}/")]
        self._messages = {message.id: message for message in sorted(found, key=lambda m: (m.timestamp, m.id))}

    async def add(self, message: SentMessage) -> None:
        body = {
            "id": message.id,
            "timestamp": message.timestamp,
            "source": message.source,
            "to": list(message.destination.to),
            "cc": list(message.destination.cc),
            "bcc": list(message.destination.bcc),
            "subject": message.subject,
            "text": message.text,
            "html": message.html,
            "raw": base64.b64encode(message.raw).decode(),
            "tags": dict(message.tags),
            "template": message.template,
            "configuration_set": message.configuration_set,
        }
        scope = f"{message.account}/{message.region}"
        await self._documents.put(MESSAGE_KIND, scope, message.id, json.dumps(body), now=self._clock.now())
        self._messages[message.id] = message

    def list(self, region: str | None = None) -> list[SentMessage]:
        """Sent messages, oldest first."""
        return [message for message in self._messages.values() if region in (None, message.region)]

    def get(self, message_id: str) -> SentMessage:
        found = self._messages.get(message_id)
        if found is None:
            raise MessageNotFound(f"No sent message has the id {message_id}.")
        return found

    async def clear(self, region: str | None = None) -> int:
        """Forget sent messages (of one region, or all); returns how many."""
        gone = self.list(region)
        for message in gone:
            await self._documents.delete(MESSAGE_KIND, f"{message.account}/{message.region}", message.id)
            del self._messages[message.id]
        return len(gone)


def _from_document(document: Document) -> SentMessage:
    body: dict[str, Any] = json.loads(document.body)
    account, region = document.scope.split("/", 1)
    return SentMessage(
        id=body["id"],
        region=region,
        timestamp=float(body["timestamp"]),
        source=body["source"],
        destination=Destination(tuple(body.get("to", ())), tuple(body.get("cc", ())), tuple(body.get("bcc", ()))),
        subject=body.get("subject"),
        text=body.get("text"),
        html=body.get("html"),
        raw=base64.b64decode(body.get("raw", "")),
        tags=dict(body.get("tags", {})),
        template=body.get("template"),
        configuration_set=body.get("configuration_set"),
        account=account,
    )
