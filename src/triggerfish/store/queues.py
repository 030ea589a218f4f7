"""The durable log of SQS messages.

The SQS service keeps each queue's live state (what is visible, in flight, delayed) in memory and
uses this store as its log: a message is appended before SendMessage is acknowledged, removed when
it is deleted, and its receive count and visibility are recorded so a restart resumes where it left
off. Queue configurations are documents (kind ``sqs.queue``), not part of this interface.

Every write method queues its write when it is *called* and returns an awaitable that resolves once
the write is durable. Writes are applied in the order the methods were called, so a caller may
start a write without waiting for it (a receive count) and still be sure that a later write (the
message's deletion) lands after it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class StoredMessage:
    """One message of one queue. ``queue`` is the queue's ARN; ``attributes`` is the service's own
    encoding of the message and system attributes, opaque to the store."""

    queue: str
    id: str
    body: str
    attributes: str
    sent_at: float
    visible_at: float
    receive_count: int = 0
    first_received_at: float | None = None
    group_id: str | None = None
    deduplication_id: str | None = None
    sequence_number: str | None = None


@dataclass(frozen=True)
class ReceiptState:
    """What a receive or a visibility change alters on a stored message."""

    queue: str
    id: str
    visible_at: float
    receive_count: int
    first_received_at: float | None


@dataclass(frozen=True)
class DeduplicationEntry:
    """A FIFO deduplication id seen by a queue, remembered until ``expires_at``."""

    queue: str
    key: str
    message_id: str
    sequence_number: str
    expires_at: float


class QueueMessageStore(Protocol):
    def append(
        self, messages: Sequence[StoredMessage], deduplication: Sequence[DeduplicationEntry] = ()
    ) -> Awaitable[None]:
        """Store new messages (and their deduplication entries) in one commit. A message id that a
        queue already holds is replaced."""

    def remove(self, queue: str, message_ids: Sequence[str]) -> Awaitable[None]:
        """Delete messages of ``queue``; ids it does not hold are ignored."""

    def record_receipts(self, states: Sequence[ReceiptState]) -> Awaitable[None]:
        """Record receive counts and visibility; messages no longer stored are ignored."""

    def transfer(self, source: str, message_ids: Sequence[str], messages: Sequence[StoredMessage]) -> Awaitable[None]:
        """Atomically remove ``message_ids`` from ``source`` and append ``messages`` (to any queue):
        a move to a dead-letter queue or back, never lost or doubled by a crash."""

    def purge(self, queue: str) -> Awaitable[int]:
        """Delete every message of ``queue``; returns how many there were."""

    def drop(self, queue: str) -> Awaitable[None]:
        """Forget ``queue`` entirely: its messages and its deduplication entries."""

    async def load(self, queue: str) -> Sequence[StoredMessage]:
        """Every message of ``queue`` in the order they were appended."""

    async def load_deduplication(self, queue: str, now: float) -> Sequence[DeduplicationEntry]:
        """The deduplication entries of ``queue`` that have not expired by ``now``."""

    def prune_deduplication(self, now: float) -> Awaitable[int]:
        """Delete every deduplication entry expired by ``now``; returns how many."""

    async def queues(self) -> Sequence[str]:
        """The queues that hold messages or deduplication entries, sorted."""
