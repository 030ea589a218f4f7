"""A copy of every sent message handed to a real SMTP server (a local mail catcher, say).

The copy goes out with :mod:`smtplib` in a worker thread, so the event loop never waits on the
network; a failure is logged and never fails the send that produced it.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass

from triggerfish.services.ses.addresses import bare
from triggerfish.services.ses.models import SentMessage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpRelay:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0

    async def relay(self, message: SentMessage) -> bool:
        """Send a copy of ``message``; returns whether the server took it."""
        recipients = [bare(r) for r in message.destination.all()]
        try:
            await asyncio.to_thread(self._send, bare(message.source), recipients, message.raw)
        except (OSError, smtplib.SMTPException) as exc:
            log.warning("could not relay message %s to %s:%s: %s", message.id, self.host, self.port, exc)
            return False
        return True

    def _send(self, sender: str, recipients: Sequence[str], raw: bytes) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as client:
            if self.starttls:
                client.starttls()
            if self.username is not None:
                client.login(self.username, self.password or "")
            client.sendmail(sender, list(recipients), raw)
