"""Storage interfaces.

Each interface is narrow, async, and returns our own frozen dataclasses, never driver rows. Every
backend passes the same contract tests (``tests/integration/store``). A write that has returned is
durable: it survives ``kill -9`` of the server process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from triggerfish.store.queues import QueueMessageStore
from triggerfish.store.streams import StreamLogStore, TableItemStore


@dataclass(frozen=True)
class Document:
    """A resource's configuration, stored as JSON text.

    ``kind`` names the resource type (``lambda.function``), ``scope`` its account and region
    (``000000000000/us-east-1``), ``name`` its name within the scope. ``revision`` starts at 1 and
    grows by one on every write; it backs optimistic concurrency (``expected_revision``).
    """

    kind: str
    scope: str
    name: str
    body: str
    revision: int
    created_at: float
    updated_at: float


class RevisionMismatch(Exception):
    """A conditional write found a different revision than expected."""


class DocumentStore(Protocol):
    async def put(
        self,
        kind: str,
        scope: str,
        name: str,
        body: str,
        *,
        now: float,
        expected_revision: int | None = None,
    ) -> Document:
        """Create or replace. ``expected_revision=0`` means "must not exist yet"; another number
        means "must exist at exactly that revision"; ``None`` writes unconditionally. Raises
        :class:`RevisionMismatch` when the condition fails."""

    async def get(self, kind: str, scope: str, name: str) -> Document | None: ...

    async def delete(self, kind: str, scope: str, name: str) -> bool:
        """Remove; returns whether it existed."""

    async def list(
        self, kind: str, scope: str | None = None, *, after: str | None = None, limit: int | None = None
    ) -> Sequence[Document]:
        """Documents of ``kind`` (in ``scope``, or every scope when ``None``) ordered by
        (scope, name), starting strictly after name ``after``, at most ``limit`` of them."""


@dataclass(frozen=True)
class AsyncEvent:
    """An event accepted by an asynchronous invoke, waiting in Lambda's internal queue.

    ``function`` is the qualified function ARN the event was sent to. ``attempts`` counts attempts
    that ended in a function error (they use up ``MaximumRetryAttempts``); ``invoke_count`` counts
    every attempt actually made (``approximateInvokeCount``). ``last_result`` is the JSON of the
    last attempt's outcome, kept for the failure record.
    """

    id: str
    function: str
    payload: bytes
    enqueued_at: float
    due_at: float
    attempts: int = 0
    invoke_count: int = 0
    last_result: str | None = None


class AsyncEventStore(Protocol):
    async def enqueue(self, event: AsyncEvent) -> None:
        """Store a new event; durable when this returns."""

    async def claim_due(self, now: float, limit: int) -> Sequence[AsyncEvent]:
        """Atomically take up to ``limit`` unclaimed events with ``due_at <= now``, earliest due
        first (ties in enqueue order). A claimed event is not returned again until released."""

    async def reschedule(
        self, event_id: str, *, due_at: float, attempts: int, invoke_count: int, last_result: str | None
    ) -> None:
        """Release a claimed event back to the queue with new counters and due time."""

    async def complete(self, event_ids: Sequence[str]) -> None:
        """Delete finished events (delivered, or handed to a destination)."""

    async def release_all_claims(self) -> int:
        """After a restart: return every claimed event to the queue. Returns how many."""

    async def next_due(self) -> float | None:
        """The earliest ``due_at`` among unclaimed events, or ``None`` when there are none."""

    async def count(self) -> int:
        """Events stored, claimed or not."""


class Store(Protocol):
    """One backend, opened on a data directory (or in memory)."""

    @property
    def documents(self) -> DocumentStore: ...

    @property
    def async_events(self) -> AsyncEventStore: ...

    @property
    def queues(self) -> QueueMessageStore: ...

    @property
    def streams(self) -> StreamLogStore: ...

    @property
    def table_items(self) -> TableItemStore: ...

    def pending(self, name: str) -> AsyncEventStore:
        """A pending-delivery queue (``events``, ``scheduler``): target deliveries waiting for a retry."""

    async def open(self) -> None:
        """Create or migrate the schema and get ready to serve."""

    async def close(self) -> None: ...
