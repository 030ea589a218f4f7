"""FIFO queues: message groups, deduplication and sequence numbers (spec §2.1)."""

from __future__ import annotations

import hashlib
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from triggerfish.services.sqs.message import Message, MessageState

#: A deduplication id is remembered for five minutes (SQS developer guide, "Exactly-once processing").
DEDUPLICATION_INTERVAL = 300.0
#: ReceiveRequestAttemptId is honoured for five minutes (SQS API reference, ReceiveMessage).
RECEIVE_ATTEMPT_INTERVAL = 300.0
# MessageGroupId and MessageDeduplicationId: 1-128 alphanumeric or punctuation characters
_TOKEN = re.compile(r"[!-~]{1,128}")


def valid_token(value: str) -> bool:
    return _TOKEN.fullmatch(value) is not None


def content_deduplication_id(body: str) -> str:
    # ContentBasedDeduplication: the SHA-256 of the body, not of the attributes (spec §2.1)
    return hashlib.sha256(body.encode()).hexdigest()


def sequence_after(previous: int, now: float) -> int:
    """The next sequence number: larger than any before it, 20 digits like AWS's, growing with time
    so that numbers keep increasing across a restart that lost the last one."""
    return max(previous + 1, int(now * 1_000_000) * 10_000)


class MessageGroups:
    """Every message of a FIFO queue by group, in sequence order, and which groups may be received.

    A group is ready when none of its messages is in flight and its first message is visible:
    a group's messages are received strictly in order and one batch at a time (spec §2.1)."""

    def __init__(self) -> None:
        self._groups: dict[str, deque[Message]] = {}
        self._in_flight: dict[str, int] = {}
        self._ready: dict[str, None] = {}

    def append(self, message: Message) -> None:
        assert message.group_id is not None
        self._groups.setdefault(message.group_id, deque()).append(message)
        self.refresh(message.group_id)

    def in_flight_changed(self, group: str, delta: int) -> None:
        count = self._in_flight.get(group, 0) + delta
        if count:
            self._in_flight[group] = count
        else:
            self._in_flight.pop(group, None)
        self.refresh(group)

    def refresh(self, group: str) -> bool:
        """Re-judge ``group`` after a change; returns whether it is ready now."""
        messages = self._groups.get(group)
        while messages and messages[0].state is MessageState.GONE:
            messages.popleft()
        if not messages:
            self._groups.pop(group, None)
            self._ready.pop(group, None)
            return False
        if group not in self._in_flight and messages[0].state is MessageState.VISIBLE:
            self._ready[group] = None
            return True
        self._ready.pop(group, None)
        return False

    def ready_groups(self) -> list[str]:
        return list(self._ready)

    def receivable(self, group: str) -> Iterator[Message]:
        """The group's messages from its head while they are visible (deleted ones skipped)."""
        for message in self._groups.get(group, ()):
            if message.state is MessageState.GONE:
                continue
            if message.state is not MessageState.VISIBLE:
                return
            yield message

    def clear(self) -> None:
        self._groups.clear()
        self._in_flight.clear()
        self._ready.clear()


@dataclass(frozen=True)
class Sent:
    """What a duplicate send answers with: the original message's id and sequence number."""

    message_id: str
    sequence_number: str
    expires_at: float


class DeduplicationCache:
    def __init__(self) -> None:
        self._entries: dict[str, Sent] = {}
        self._order: deque[tuple[float, str]] = deque()

    def key(self, deduplication_id: str, group_id: str, *, per_group: bool) -> str:
        # DeduplicationScope messageGroup: the same id in two groups is two messages
        return f"{group_id}\x00{deduplication_id}" if per_group else deduplication_id

    def lookup(self, key: str, now: float) -> Sent | None:
        self._expire(now)
        found = self._entries.get(key)
        return found if found is not None and found.expires_at > now else None

    def remember(self, key: str, sent: Sent) -> None:
        self._entries[key] = sent
        self._order.append((sent.expires_at, key))

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()
        self._order.clear()

    def _expire(self, now: float) -> None:
        while self._order and self._order[0][0] <= now:
            _, key = self._order.popleft()
            found = self._entries.get(key)
            if found is not None and found.expires_at <= now:
                del self._entries[key]
