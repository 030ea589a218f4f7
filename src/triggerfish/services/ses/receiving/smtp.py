"""The SMTP listener: SES's inbound endpoint on the local machine, on the app's own event loop.

aiosmtpd's ``SMTP`` protocol is served with ``loop.create_server`` (no thread of its own). RCPT TO
is refused for recipients SES would not receive for; a message is acknowledged with ``250`` only
after it is stored, and its actions run afterwards (SES acknowledges, then acts asynchronously).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from triggerfish.services.ses.receiving.ports import RecipientPolicy
from triggerfish.services.ses.receiving.receiver import MailReceiver

log = logging.getLogger(__name__)

# SES developer guide, "Service quotas": received messages of up to 40 MB, headers included.
MAX_MESSAGE_SIZE = 40 * 1024 * 1024
REJECT_RECIPIENT = "550 5.1.1 Requested action not taken: mailbox unavailable"
STORE_FAILED = "451 4.3.0 Requested action aborted: local error in processing"


class SmtpListener:
    def __init__(
        self,
        receiver: MailReceiver,
        ses: RecipientPolicy,
        *,
        host: str = "127.0.0.1",
        port: int,
        region: str = "us-east-1",
    ) -> None:
        self._handler = _Handler(receiver, ses, region)
        self._host = host
        self.port = port
        self._server: asyncio.Server | None = None
        self._sessions: set[SMTP] = set()

    @property
    def host(self) -> str:
        return self._host

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._session, self._host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("SES receiving: SMTP on %s:%d", self._host, self.port)

    async def stop(self) -> None:
        if self._server is None:
            return
        self._server.close()
        for session in list(self._sessions):
            if session.transport is not None:
                session.transport.close()
        await self._server.wait_closed()
        self._server = None

    def _session(self) -> SMTP:
        session = _Session(self._handler, self._sessions)
        self._sessions.add(session)
        return session


class _Session(SMTP):
    """One SMTP connection; forgets itself when the connection ends."""

    def __init__(self, handler: _Handler, sessions: set[SMTP]) -> None:
        super().__init__(
            handler,
            data_size_limit=MAX_MESSAGE_SIZE,
            hostname="localhost",
            loop=asyncio.get_running_loop(),
        )
        self._registry = sessions

    def connection_lost(self, error: Exception | None) -> None:
        self._registry.discard(self)
        super().connection_lost(error)


class _Handler:
    """aiosmtpd's handler hooks (``handle_RCPT``, ``handle_DATA``)."""

    def __init__(self, receiver: MailReceiver, ses: RecipientPolicy, region: str) -> None:
        self._receiver = receiver
        self._ses = ses
        self._region = region

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options: list[str]
    ) -> str:
        # Email receiving concepts: SES refuses, during the SMTP dialogue, recipients that no verified
        # identity and no enabled rule of the active rule set covers.
        if not self._ses.receives_for(self._region, address) or not self._receiver.accepts(self._region, address):
            return REJECT_RECIPIENT
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw: Any = envelope.original_content or envelope.content or b""
        data = raw if isinstance(raw, bytes) else str(raw).encode()
        try:
            mid = await self._receiver.accept(
                self._region, envelope.mail_from or "", envelope.rcpt_tos, data, helo=session.host_name or ""
            )
        except Exception:
            log.exception("SES receiving: could not store a message from %s", envelope.mail_from)
            return STORE_FAILED
        return f"250 OK {mid}"
