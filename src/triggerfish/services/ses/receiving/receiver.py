"""Applying the active receipt rule set to received mail.

A message the SMTP listener accepts is stored (kind ``ses.inbound``) before the ``250`` reply; it is
processed from that record as tracked background work and the record is removed once every action
has run. Records left by a stop are processed again on start, so nothing acknowledged is lost (at
least once, like SES's own delivery to actions).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from triggerfish.core.clock import Clock
from triggerfish.core.delivery import DeliveryRegistry
from triggerfish.core.ids import DEFAULT_ACCOUNT
from triggerfish.core.work import WorkTracker
from triggerfish.services.ses.receiving import event
from triggerfish.services.ses.receiving.actions import ActionOutcome, ActionRunner, Disposition, Mailpiece
from triggerfish.services.ses.receiving.matching import matched_recipients
from triggerfish.services.ses.receiving.ports import RecipientPolicy, SyncInvoker
from triggerfish.services.ses.receiving.rules import ReceiptRules
from triggerfish.store.interfaces import DocumentStore

log = logging.getLogger(__name__)

INBOUND_KIND = "ses.inbound"
OUTCOMES_KEPT = 1000


@dataclass(frozen=True)
class ReceiptOutcome:
    """What the rule set did with one message: the rules that applied and each action's outcome."""

    message_id: str
    rule_set: str | None
    rules: tuple[str, ...] = ()
    actions: tuple[ActionOutcome, ...] = ()
    stopped: bool = False


class MailReceiver:
    def __init__(
        self,
        rules: ReceiptRules,
        ses: RecipientPolicy,
        deliveries: DeliveryRegistry,
        invoker: SyncInvoker,
        clock: Clock,
        tracker: WorkTracker,
        *,
        account: str = DEFAULT_ACCOUNT,
    ) -> None:
        self._rules = rules
        self._ses = ses
        self._clock = clock
        self._tracker = tracker
        self._account = account
        self._documents: DocumentStore = rules.documents
        self._runner = ActionRunner(deliveries, invoker, clock)
        self._tasks: set[asyncio.Task[ReceiptOutcome]] = set()
        #: the latest processed messages' outcomes, newest last (for tests and inspection)
        self.outcomes: deque[ReceiptOutcome] = deque(maxlen=OUTCOMES_KEPT)

    async def start(self) -> None:
        """Processes the messages a previous run accepted but did not finish."""
        for document in await self._documents.list(INBOUND_KIND):
            if document.scope.startswith(f"{self._account}/"):
                self._launch(_from_body(document.body))

    async def close(self) -> None:
        """Stops processing; unfinished messages stay stored and are processed on the next start."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def accepts(self, region: str, recipient: str) -> bool:
        """Whether SES takes mail for ``recipient``: a verified identity covers it and an enabled rule
        of the active rule set applies to it (other recipients are refused during the SMTP dialogue)."""
        if not self._ses.receives_for(region, recipient):
            return False
        active = self._rules.active(region)
        if active is None:
            return False
        return any(rule.enabled and matched_recipients(rule, [recipient]) for rule in active.rules)

    async def accept(
        self, region: str, mail_from: str, recipients: Sequence[str], raw: bytes, *, helo: str = ""
    ) -> str:
        """Stores the message durably and processes it in the background; returns SES's message id."""
        piece = await self._store(region, mail_from, recipients, raw, helo)
        self._launch(piece)
        return piece.id

    async def receive(
        self, region: str, mail_from: str, recipients: Sequence[str], raw: bytes, *, helo: str = ""
    ) -> ReceiptOutcome:
        """Stores the message and applies the active rule set to it now."""
        piece = await self._store(region, mail_from, recipients, raw, helo)
        with self._tracker.hold():
            return await self._process(piece)

    async def _store(self, region: str, mail_from: str, recipients: Sequence[str], raw: bytes, helo: str) -> Mailpiece:
        mid = event.message_id()
        now = self._clock.now()
        # SES puts Return-Path and Received on top of every message it receives.
        raw = event.trace_headers(mail_from, recipients, helo, region, mid, now) + raw
        piece = Mailpiece(mid, region, mail_from, tuple(recipients), now, raw)
        await self._documents.put(INBOUND_KIND, self._scope(region), mid, _to_body(piece), now=now)
        return piece

    def _launch(self, piece: Mailpiece) -> None:
        hold = self._tracker.hold()
        hold.__enter__()  # held from now, not from when the task first runs, so nothing settles early
        task = asyncio.get_running_loop().create_task(self._process(piece))
        self._tasks.add(task)

        def done(finished: asyncio.Task[ReceiptOutcome]) -> None:
            # a callback, not a ``finally``: a task cancelled before it first runs never enters its body
            self._tasks.discard(finished)
            hold.__exit__(None, None, None)
            if not finished.cancelled() and (error := finished.exception()) is not None:
                log.error("SES message %s: processing failed", piece.id, exc_info=error)

        task.add_done_callback(done)

    async def _process(self, piece: Mailpiece) -> ReceiptOutcome:
        outcome = await self._apply(piece)
        self.outcomes.append(outcome)
        await self._documents.delete(INBOUND_KIND, self._scope(piece.region), piece.id)
        return outcome

    async def _apply(self, piece: Mailpiece) -> ReceiptOutcome:
        """Rules in order; each enabled one that applies to a recipient runs its actions in order."""
        active = self._rules.active(piece.region)
        if active is None:
            log.info("SES message %s: no active receipt rule set in %s; dropped", piece.id, piece.region)
            return ReceiptOutcome(piece.id, None)
        applied: list[str] = []
        outcomes: list[ActionOutcome] = []
        for rule in active.rules:
            recipients = matched_recipients(rule, piece.destination)
            if not rule.enabled or not recipients:
                continue
            # TlsPolicy "Require" is honoured as met: the listener serves only the local machine.
            applied.append(rule.name)
            for action in rule.actions:
                outcome, piece = await self._runner.run(piece, rule.name, recipients, action)
                outcomes.append(outcome)
                if outcome.disposition is Disposition.STOP_RULE_SET:
                    return ReceiptOutcome(piece.id, active.name, tuple(applied), tuple(outcomes), stopped=True)
                if outcome.disposition is Disposition.STOP_RULE:
                    break
        return ReceiptOutcome(piece.id, active.name, tuple(applied), tuple(outcomes))

    def _scope(self, region: str) -> str:
        return f"{self._account}/{region}"


def _to_body(piece: Mailpiece) -> str:
    return json.dumps(
        {
            "Id": piece.id,
            "Region": piece.region,
            "Source": piece.source,
            "Destination": list(piece.destination),
            "Received": piece.received,
            "Raw": base64.b64encode(piece.raw).decode(),
        }
    )


def _from_body(body: str) -> Mailpiece:
    shape = json.loads(body)
    raw = base64.b64decode(shape["Raw"])
    return Mailpiece(shape["Id"], shape["Region"], shape["Source"], tuple(shape["Destination"]), shape["Received"], raw)
