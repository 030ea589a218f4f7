"""Following a log group with FilterLogEvents, as ``aws logs tail --follow`` does, without its 5 s sleeps.

The aws CLI (v2) follows a group by repeating ``FilterLogEvents(logGroupName, interleaved=True,
startTime[, filterPattern, logStreamNames, logStreamNamePrefix])``: it follows ``nextToken`` at once
while answers carry one; otherwise it sets ``startTime`` to the newest timestamp it has seen (or
leaves it) and sleeps 5 s, dropping events whose ``eventId`` it already printed. To show a function's
output within about a second, the endpoint recognises that loop and turns it into a long poll:

- Every FilterLogEvents call with ``interleaved=True``, no ``endTime`` and no ``nextToken`` starts a
  *chain* (continued by the pages its own tokens lead to). When a chain's last page is answered, the
  follow table records, under the call's selection (group, pattern, stream names, prefix), the start
  time a follower would send next: the newest timestamp the chain returned, or the chain's own
  ``startTime`` when it returned nothing; and when it was answered.
- A chain whose first call arrives with that recorded start time within :data:`FOLLOW_WINDOW`
  seconds of that answer is a follower's re-query. It is answered as usual, and its last page also
  carries a *live* ``nextToken``: the group's arrival position when the chain began and the newest
  timestamp the follower has seen.
- A call with a live token long-polls: events that arrived after the token's position and match the
  selection (and are no older than the newest timestamp seen, which is where the CLI would restart)
  are returned at once; if there are none it waits, through ``LogsService.listen``, up to
  :data:`LONG_POLL` seconds for one. The answer always carries a fresh live token, so the follower
  never sleeps again.
- Everything else is plain FilterLogEvents: ``aws logs tail`` without ``--follow`` stops at the first
  answer without a token, and an SDK caller sees a live token only if it passes ``interleaved=True``
  and repeats the same call with the start time it was handed, within the window.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from triggerfish.core.patterns.logs_filter import compile_filter_pattern
from triggerfish.services.logs import LogsService
from triggerfish.services.logs.errors import bad_token
from triggerfish.services.logs.models import EventPage, OutputEvent

#: seconds after an answer during which the same selection asked again from the newest timestamp is a follower
FOLLOW_WINDOW = 15.0
#: seconds a live-token call waits for a matching event before answering with none
LONG_POLL = 10.0
#: at most this many chains and selections are remembered; the oldest are forgotten first
_MAX_ENTRIES = 1024
_LIVE = "live/"
K = TypeVar("K")
V = TypeVar("V")
# FilterLogEvents returns up to 10,000 events per call (``limit``, Logs API reference)
_MAX_EVENTS = 10_000


@dataclass(frozen=True)
class Selection:
    """What a FilterLogEvents call selects, apart from its time range."""

    region: str
    group: str
    pattern: str
    streams: tuple[str, ...] | None
    prefix: str | None

    def page(
        self,
        service: LogsService,
        *,
        start: int | None,
        end: int | None,
        limit: int | None = None,
        token: str | None = None,
    ) -> EventPage:
        """One FilterLogEvents page of what this selects between ``start`` and ``end``."""
        return service.filter_log_events(
            self.region,
            [self.group],
            streams=list(self.streams) if self.streams is not None else None,
            stream_prefix=self.prefix,
            start=start,
            end=end,
            pattern=self.pattern,
            limit=limit,
            token=token,
        )

    def selects(self, event: OutputEvent, start: int | None, end: int | None) -> bool:
        if self.streams is not None and event.stream not in self.streams:
            return False
        if self.prefix is not None and not event.stream.startswith(self.prefix):
            return False
        if start is not None and event.timestamp < start:
            return False
        # endTime is exclusive of later events: events "not later than" it (FilterLogEvents, Logs API reference)
        if end is not None and event.timestamp > end:
            return False
        return compile_filter_pattern(self.pattern).matches(event.message)


@dataclass(frozen=True)
class Chain:
    """One tokenless interleaved call and the pages that follow it."""

    selection: Selection
    start: int | None
    newest: int | None
    follower: bool
    position: int


@dataclass(frozen=True)
class LiveToken:
    position: int
    newest: int | None

    def encode(self) -> str:
        return f"{_LIVE}{self.position}/{'' if self.newest is None else self.newest}"


def is_live(token: str) -> bool:
    return token.startswith(_LIVE)


def decode_live(token: str) -> LiveToken:
    position, _, newest = token[len(_LIVE) :].partition("/")
    try:
        return LiveToken(int(position), int(newest) if newest else None)
    except ValueError:
        raise bad_token() from None


def _newest(current: int | None, events: Sequence[OutputEvent]) -> int | None:
    stamps = [event.timestamp for event in events]
    if current is not None:
        stamps.append(current)
    return max(stamps) if stamps else None


class FollowSessions:
    """The follow table: recent chains and the start times followers are expected to send."""

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._expected: dict[tuple[Selection, int | None], float] = {}
        self._chains: dict[str, tuple[Chain, float]] = {}

    def begin(self, selection: Selection, start: int | None, position: int) -> Chain:
        answered = self._expected.get((selection, start))
        follower = answered is not None and self._now() - answered <= FOLLOW_WINDOW
        return Chain(selection, start, start, follower, position)

    def resume(self, token: str, selection: Selection) -> Chain | None:
        """The chain a page token continues, if it was handed to a chain of this selection."""
        entry = self._chains.pop(token, None)
        if entry is None or entry[0].selection != selection:
            return None
        return entry[0]

    def answered(self, chain: Chain, events: Sequence[OutputEvent], next_token: str | None) -> str | None:
        """Record a page of ``chain``; the token to answer with (a live one ends a follower's chain)."""
        chain = replace(chain, newest=_newest(chain.newest, events))
        now = self._now()
        if next_token is not None:
            _remember(self._chains, next_token, (chain, now))
            return next_token
        if chain.follower:
            return LiveToken(chain.position, chain.newest).encode()
        _remember(self._expected, (chain.selection, chain.newest), now)
        return None


def _remember(table: dict[K, V], key: K, value: V) -> None:
    table.pop(key, None)
    table[key] = value
    while len(table) > _MAX_ENTRIES:
        del table[next(iter(table))]


class LivePoll:
    """Answers live-token calls: what arrived since the token, waiting for it when nothing has."""

    def __init__(self, service: LogsService, *, wait: float = LONG_POLL) -> None:
        self._service = service
        self._wait = wait

    async def poll(
        self, selection: Selection, token: LiveToken, start: int | None, end: int | None, limit: int | None
    ) -> tuple[list[OutputEvent], LiveToken]:
        # the CLI would restart from the newest timestamp it has seen, so nothing older is looked at
        floor = max((stamp for stamp in (start, token.newest) if stamp is not None), default=None)
        events, position = self._arrived(selection, token.position, floor, end, limit)
        if not events:
            await self._wait_for(selection, token.position, floor, end)
            events, position = self._arrived(selection, token.position, floor, end, limit)
        return events, LiveToken(position, _newest(token.newest, events))

    async def _wait_for(self, selection: Selection, after: int, start: int | None, end: int | None) -> None:
        arrived = asyncio.Event()

        def on_batch(batch: Sequence[OutputEvent]) -> None:
            if any(event.position > after and selection.selects(event, start, end) for event in batch):
                arrived.set()

        unsubscribe = self._service.listen(selection.region, [selection.group], on_batch)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(arrived.wait(), self._wait)
        finally:
            unsubscribe()

    def _arrived(
        self, selection: Selection, after: int, start: int | None, end: int | None, limit: int | None
    ) -> tuple[list[OutputEvent], int]:
        """Matching events stored after position ``after`` (oldest arrivals first, at most ``limit``),
        returned in time order, and the position the next poll starts after."""
        latest = self._service.latest_position(selection.region, selection.group)
        found: list[OutputEvent] = []
        token: str | None = None
        while True:
            page = selection.page(self._service, start=start, end=end, token=token)
            found.extend(event for event in page.events if event.position > after)
            token = page.next_token
            if token is None:
                break
        found.sort(key=lambda event: event.position)
        cap = min(limit or _MAX_EVENTS, _MAX_EVENTS)
        if len(found) > cap:
            found = found[:cap]
            latest = found[-1].position
        found.sort(key=lambda event: (event.timestamp, event.position))
        return found, latest
