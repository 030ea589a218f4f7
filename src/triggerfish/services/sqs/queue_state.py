"""One queue's live state: which messages are visible, in flight or delayed, and when that changes.

Everything here is synchronous and takes ``now`` as a parameter: the service decides when to call
it and what to store. Indexes are lazy: an entry queued for a message's earlier state (a timer, a
place in the visible line) is skipped when its token no longer matches, and the indexes are rebuilt
when such leftovers outnumber the live entries.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from triggerfish.services.sqs.fifo import DeduplicationCache, MessageGroups
from triggerfish.services.sqs.message import Message, MessageState
from triggerfish.services.sqs.models import QueueConfig

log = logging.getLogger(__name__)

_COMPACT_SLACK = 1024
_WAITING = (MessageState.DELAYED, MessageState.IN_FLIGHT)


@dataclass
class Taken:
    """The outcome of one receive: messages now in flight, and messages past ``maxReceiveCount``
    (already removed here) that belong in the dead-letter queue, and messages found expired."""

    received: list[Message] = field(default_factory=list)
    dead: list[Message] = field(default_factory=list)
    expired: list[Message] = field(default_factory=list)


class LiveQueue:
    def __init__(self, config: QueueConfig, listeners: list[Callable[[], None]]) -> None:
        self.config = config
        self.messages: dict[str, Message] = {}
        #: the latest receipt handle of each message that has one, for deletes without decoding
        self.receipts: dict[str, Message] = {}
        self.visible_count = 0
        self.in_flight_count = 0
        self.delayed_count = 0
        #: callbacks of the port's ``on_available``, shared with the service (they outlive a queue)
        self.listeners = listeners
        #: long polls waiting for a message
        self.waiters: set[asyncio.Future[None]] = set()
        self.deduplication = DeduplicationCache()
        self.attempts: dict[str, tuple[float, list[tuple[Message, int, str]]]] = {}
        self.last_sequence = 0
        self.last_purge: float | None = None
        self.deleted = False
        self._line: deque[tuple[Message, int]] = deque()  # standard queues: visible, in arrival order
        self._groups = MessageGroups() if config.fifo else None
        self._timers: list[tuple[float, int, Message, int]] = []
        self._arrivals: deque[Message] = deque()  # for retention, oldest first
        self._tie = itertools.count()

    @property
    def arn(self) -> str:
        return self.config.arn

    # --- adding and removing ------------------------------------------------------------------

    def add(self, message: Message, now: float) -> bool:
        """Hold ``message``; returns whether it can be received at once."""
        self.messages[message.id] = message
        self._arrivals.append(message)
        if message.visible_at > now:
            state = MessageState.IN_FLIGHT if message.receive_count else MessageState.DELAYED
            self._set_state(message, state)
            self._push_timer(message, message.visible_at)
        else:
            self._set_state(message, MessageState.VISIBLE)
        if self._groups is not None:
            self._groups.append(message)
        return message.state is MessageState.VISIBLE

    def remove(self, message: Message) -> bool:
        """Forget ``message``; returns whether that may have made others receivable (a FIFO group
        that was waiting for it)."""
        if message.state is MessageState.GONE:
            return False
        del self.messages[message.id]
        if message.receipt is not None:
            self.receipts.pop(message.receipt, None)
        self._set_state(message, MessageState.GONE)
        return self._groups is not None and self._groups.refresh(message.group_id or "")

    def clear(self) -> list[Message]:
        """Remove every message (PurgeQueue)."""
        removed = list(self.messages.values())
        for message in removed:
            message.state = MessageState.GONE
            message.token += 1
        self.messages.clear()
        self.receipts.clear()
        self._line.clear()
        self._timers.clear()
        self._arrivals.clear()
        if self._groups is not None:
            self._groups.clear()
        self.visible_count = self.in_flight_count = self.delayed_count = 0
        return removed

    # --- time -------------------------------------------------------------------------------------

    def tick(self, now: float) -> tuple[bool, list[Message]]:
        """Make due messages visible and drop expired ones; returns (any became visible, expired)."""
        woke = False
        timers = self._timers
        while timers and timers[0][0] <= now:
            _, _, message, token = heapq.heappop(timers)
            if message.token == token and message.state in _WAITING:
                self._set_state(message, MessageState.VISIBLE)
                woke = True
        return woke, self._expire(now)

    def next_due(self) -> float | None:
        """When :meth:`tick` next has something to do (a timer, or the oldest message's expiry)."""
        due = self._timers[0][0] if self._timers else None
        if self._arrivals:
            expiry = self._arrivals[0].sent_at + self.config.settings.retention_period
            due = expiry if due is None else min(due, expiry)
        return due

    def next_visible_at(self) -> float | None:
        timers = self._timers
        while timers and (timers[0][3] != timers[0][2].token or timers[0][2].state not in _WAITING):
            heapq.heappop(timers)
        return timers[0][0] if timers else None

    def _expire(self, now: float) -> list[Message]:
        retention = self.config.settings.retention_period
        arrivals = self._arrivals
        expired: list[Message] = []
        while arrivals and (arrivals[0].state is MessageState.GONE or arrivals[0].sent_at + retention <= now):
            message = arrivals.popleft()
            if message.state is not MessageState.GONE:
                self.remove(message)
                expired.append(message)
        return expired

    # --- receiving --------------------------------------------------------------------------------

    def take(self, limit: int, now: float, visibility: int, max_receives: int | None) -> Taken:
        """Receive up to ``limit`` messages: each becomes in flight for ``visibility`` seconds with its
        receive count raised, except one already received ``max_receives`` times, which is removed
        and reported as dead instead (spec §2.1, redrive)."""
        taken = Taken()
        if self._groups is None:
            self._take_standard(taken, limit, now, visibility, max_receives)
        else:
            self._take_fifo(taken, limit, now, visibility, max_receives)
        self._compact()
        return taken

    def _take_standard(self, taken: Taken, limit: int, now: float, visibility: int, max_receives: int | None) -> None:
        line = self._line
        received = taken.received
        expiry = now - self.config.settings.retention_period
        while len(received) < limit and line:
            message, token = line.popleft()
            if message.token != token or message.state is not MessageState.VISIBLE:
                continue
            self._take_one(taken, message, now, visibility, max_receives, expiry)

    def _take_fifo(self, taken: Taken, limit: int, now: float, visibility: int, max_receives: int | None) -> None:
        assert self._groups is not None
        expiry = now - self.config.settings.retention_period
        for group in self._groups.ready_groups():
            if len(taken.received) >= limit:
                break
            for message in list(self._groups.receivable(group)):
                if len(taken.received) >= limit:
                    break
                self._take_one(taken, message, now, visibility, max_receives, expiry)
            self._groups.refresh(group)

    def _take_one(
        self, taken: Taken, message: Message, now: float, visibility: int, max_receives: int | None, expiry: float
    ) -> None:
        if message.sent_at <= expiry:
            self.remove(message)
            taken.expired.append(message)
        elif max_receives is not None and message.receive_count >= max_receives:
            self.remove(message)
            taken.dead.append(message)
        else:
            message.receive_count += 1
            if message.first_received_at is None:
                message.first_received_at = now
            message.received_at = now
            message.visible_at = now + visibility
            self._set_state(message, MessageState.IN_FLIGHT)
            self._push_timer(message, message.visible_at)
            taken.received.append(message)

    def pull(self, limit: int, accept: Callable[[Message], bool]) -> tuple[list[Message], bool]:
        """Remove up to ``limit`` visible messages, in the order receives would see them, without
        receiving them (a move task); stops early at a message ``accept`` refuses. Returns the
        messages and whether one was refused."""
        pulled: list[Message] = []
        for message in self._receivable():
            if len(pulled) >= limit:
                break
            if not accept(message):
                return pulled, True
            self.remove(message)
            pulled.append(message)
        return pulled, False

    def _receivable(self) -> Iterator[Message]:
        if self._groups is None:
            line = self._line
            while line:
                message, token = line[0]
                if message.token == token and message.state is MessageState.VISIBLE:
                    yield message
                if line and line[0][0] is message:
                    line.popleft()
            return
        for group in self._groups.ready_groups():
            yield from list(self._groups.receivable(group))

    def issue_receipt(self, message: Message, handle: str) -> str:
        if message.receipt is not None:
            self.receipts.pop(message.receipt, None)
        message.receipt = handle
        self.receipts[handle] = message
        return handle

    def change_visibility(self, message: Message, now: float, timeout: int) -> bool:
        """Make an in-flight message visible ``timeout`` seconds from now; returns whether it is
        visible at once."""
        message.visible_at = now + timeout
        if timeout <= 0:
            self._set_state(message, MessageState.VISIBLE)
            return True
        self._set_state(message, MessageState.IN_FLIGHT)
        self._push_timer(message, message.visible_at)
        return False

    # --- state bookkeeping ----------------------------------------------------------------------

    def _set_state(self, message: Message, state: MessageState) -> None:
        old = message.state
        message.token += 1
        message.state = state
        self._count(old, -1)
        self._count(state, 1)
        groups = self._groups
        if groups is not None:
            group = message.group_id or ""
            if old is MessageState.IN_FLIGHT and state is not MessageState.IN_FLIGHT:
                groups.in_flight_changed(group, -1)
            elif state is MessageState.IN_FLIGHT and old is not MessageState.IN_FLIGHT:
                groups.in_flight_changed(group, 1)
            else:
                groups.refresh(group)
        elif state is MessageState.VISIBLE:
            self._line.append((message, message.token))

    def _count(self, state: MessageState, delta: int) -> None:
        if state is MessageState.VISIBLE:
            self.visible_count += delta
        elif state is MessageState.IN_FLIGHT:
            self.in_flight_count += delta
        elif state is MessageState.DELAYED:
            self.delayed_count += delta

    def _push_timer(self, message: Message, due: float) -> None:
        heapq.heappush(self._timers, (due, next(self._tie), message, message.token))

    def _compact(self) -> None:
        if len(self._timers) > 2 * (self.in_flight_count + self.delayed_count) + _COMPACT_SLACK:
            self._timers = [t for t in self._timers if t[2].token == t[3] and t[2].state in _WAITING]
            heapq.heapify(self._timers)
        if len(self._line) > 2 * self.visible_count + _COMPACT_SLACK:
            self._line = deque(e for e in self._line if e[0].token == e[1] and e[0].state is MessageState.VISIBLE)
        if len(self._arrivals) > 2 * len(self.messages) + _COMPACT_SLACK:
            self._arrivals = deque(m for m in self._arrivals if m.state is not MessageState.GONE)

    # --- signalling ---------------------------------------------------------------------------------

    def signal(self) -> None:
        """Messages may have become receivable: wake long polls and the port's consumers."""
        for waiter in self.waiters:
            if not waiter.done():
                waiter.set_result(None)
        self.waiters.clear()
        for listener in tuple(self.listeners):
            try:
                listener()
            except Exception:
                log.exception("an on_available callback of %s failed", self.arn)
