"""Routing an event that reached a bus: archive it, match it against the bus's rules, send it on.

PutEvents, bus-to-bus forwarding and replays all end here. ``route`` returns once every target
has been sent to (and each send is durable), so the caller may acknowledge the event then.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping, Sequence
from typing import Any, Protocol

from triggerfish.services.events.dispatch import TargetDispatcher
from triggerfish.services.events.models import Rule, RuleRef


class RuleMatcher(Protocol):
    def match(self, bus_arn: str, event: Mapping[str, Any]) -> Sequence[Rule]:
        """The enabled rules of the bus whose event pattern matches ``event``."""


class ArchiveSink(Protocol):
    async def record(self, bus_arn: str, event: Mapping[str, Any]) -> None:
        """Keep ``event`` in every archive of the bus whose pattern it matches."""


class EventRouter:
    def __init__(self, rules: RuleMatcher, dispatcher: TargetDispatcher, archives: ArchiveSink | None) -> None:
        self._rules = rules
        self._dispatcher = dispatcher
        self._archives = archives

    async def route(
        self,
        bus_arn: str,
        event: dict[str, Any],
        *,
        ingestion_time: float,
        replay_name: str | None = None,
        only_rules: frozenset[str] | None = None,
    ) -> None:
        """Archive ``event`` and send it to every target of every matching rule, all at once.

        A replayed event (``replay_name``; the event already carries ``replay-name``) is matched
        again, against ``only_rules`` alone when given (StartReplay's ``FilterArns``, §4.5).
        """
        work: list[Awaitable[None]] = []
        # replays are not archived again: an archive's rule matches only events without
        # "replay-name" (its managed pattern holds "replay-name": [{"exists": false}])
        if self._archives is not None and replay_name is None and "replay-name" not in event:
            work.append(self._archives.record(bus_arn, event))
        for rule in self._rules.match(bus_arn, event):
            if only_rules is not None and rule.arn not in only_rules:
                continue
            ref = RuleRef.of(rule)
            work.extend(
                self._dispatcher.send(ref, target, event, ingestion_time=ingestion_time) for target in rule.targets
            )
        await _all(work)


async def _all(work: list[Awaitable[None]]) -> None:
    """Run ``work`` concurrently and wait for every piece, even when one fails (a send that failed
    to store must fail the caller, but must not abandon the others half done)."""
    if len(work) == 1:
        await work[0]
        return
    if not work:
        return
    outcomes = await asyncio.gather(*work, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
