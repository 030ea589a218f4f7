"""Paging through events: GetLogEvents (forward and backward tokens over one stream) and
FilterLogEvents (several streams merged in time order, a filter pattern, a next token)."""

from __future__ import annotations

import base64
import binascii
import heapq
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from triggerfish.core.patterns.logs_filter import LogFilter
from triggerfish.services.logs.errors import bad_token
from triggerfish.services.logs.index import StreamEvents
from triggerfish.services.logs.models import EVENT_ID_DIGITS, OutputEvent

# GetLogEvents and FilterLogEvents return up to 10,000 events or 1 MB (Logs API reference)
MAX_EVENTS = 10_000
MAX_BYTES = 1_048_576
EVENT_OVERHEAD = 26


def _size(event: OutputEvent) -> int:
    return len(event.message.encode("utf-8")) + EVENT_OVERHEAD


def _token(direction: str, key: int) -> str:
    return f"{direction}/{str(key).zfill(EVENT_ID_DIGITS)}"


def _parse_token(token: str) -> tuple[str, int]:
    direction, _, digits = token.partition("/")
    if direction not in ("f", "b") or not digits.isdigit():
        raise bad_token()
    return direction, int(digits)


def get_page(
    events: StreamEvents,
    *,
    start: int | None,
    end: int | None,
    start_from_head: bool,
    limit: int | None,
    token: str | None,
) -> tuple[list[OutputEvent], str, str]:
    """A page of one stream's events, and the next forward and backward tokens.

    ``start`` is inclusive and ``end`` exclusive (GetLogEvents). Without a token the page is the first
    events (``start_from_head``) or the latest ones; a forward token continues after its key, a backward
    token before it; at either end the token passed in comes back (GetLogEvents "nextForwardToken")."""
    count = min(limit or MAX_EVENTS, MAX_EVENTS)
    lo, hi = events.bounds(start, end)
    forward = start_from_head
    if token is not None:
        direction, key = _parse_token(token)
        forward = direction == "f"
        if forward:
            lo = max(lo, events.after(key))
        else:
            hi = min(hi, events.before(key))
        hi = max(lo, hi)
    page = _take(events, lo, hi, count, forward)
    if page:
        return page, _token("f", page[-1].key), _token("b", page[0].key)
    if token is not None:
        if forward:
            return [], token, _token("b", key)
        return [], _token("f", max(key - 1, 0)), token
    boundary = events.keys[lo - 1] if lo > 0 else 0
    return [], _token("f", boundary), _token("b", boundary + 1)


def _take(events: StreamEvents, lo: int, hi: int, count: int, forward: bool) -> list[OutputEvent]:
    page: list[OutputEvent] = []
    size = 0
    indexes = range(lo, hi) if forward else range(hi - 1, lo - 1, -1)
    for index in indexes:
        event = events.events[index]
        size += _size(event)
        if len(page) >= count or (page and size > MAX_BYTES):
            break
        page.append(event)
    if not forward:
        page.reverse()
    return page


@dataclass(frozen=True)
class Source:
    """One stream searched by FilterLogEvents."""

    group: str
    stream: str
    events: StreamEvents


def filter_page(
    sources: Sequence[Source],
    *,
    start: int | None,
    end: int | None,
    log_filter: LogFilter,
    limit: int | None,
    token: str | None,
) -> tuple[list[OutputEvent], str | None]:
    """Matching events of every source in (timestamp, arrival) order, ``start`` and ``end`` inclusive
    (FilterLogEvents), and a token when more follow."""
    count = min(limit or MAX_EVENTS, MAX_EVENTS)
    resume = _parse_filter_token(token) if token is not None else None
    streams = [_matching(source, start, end, log_filter, resume) for source in sources]
    page: list[OutputEvent] = []
    size = 0
    for event in heapq.merge(*streams, key=lambda event: (event.key, event.group)):
        size += _size(event)
        if len(page) >= count or (page and size > MAX_BYTES):
            last = page[-1]
            return page, _filter_token(last.key, last.group)
        page.append(event)
    return page, None


def _matching(
    source: Source, start: int | None, end: int | None, log_filter: LogFilter, resume: tuple[int, str] | None
) -> Iterator[OutputEvent]:
    lo, hi = source.events.bounds(start, None if end is None else end + 1)
    if resume is not None:
        key = resume[0]
        lo = max(lo, source.events.before(key))
        hi = max(lo, hi)
    for event in source.events.slice(lo, hi):
        if resume is not None and (event.key, event.group) <= resume:
            continue
        if log_filter.matches(event.message):
            yield event


def _filter_token(key: int, group: str) -> str:
    raw = json.dumps([str(key), group], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _parse_filter_token(token: str) -> tuple[int, str]:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        key, group = json.loads(raw)
        return int(key), str(group)
    except (binascii.Error, ValueError, TypeError):
        raise bad_token() from None
