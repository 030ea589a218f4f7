"""Pending-delivery queues: each is a queue of its own with the contract of Lambda's async queue."""

from __future__ import annotations

import pytest

from triggerfish.store.interfaces import AsyncEvent, Store

EVERYTHING = 1e12


def event(event_id: str, *, due_at: float = 10.0) -> AsyncEvent:
    return AsyncEvent(event_id, "arn:aws:sqs:us-east-1:000000000000:q", b"{}", 1.0, due_at)


async def test_each_queue_claims_only_its_own_events(store: Store) -> None:
    await store.pending("events").enqueue(event("a"))
    await store.pending("scheduler").enqueue(event("b"))
    await store.async_events.enqueue(event("c"))
    assert [e.id for e in await store.pending("events").claim_due(EVERYTHING, 10)] == ["a"]
    assert [e.id for e in await store.pending("scheduler").claim_due(EVERYTHING, 10)] == ["b"]
    assert [e.id for e in await store.async_events.claim_due(EVERYTHING, 10)] == ["c"]


async def test_a_pending_queue_reschedules_releases_and_completes(store: Store) -> None:
    queue = store.pending("events")
    await queue.enqueue(event("a", due_at=5.0))
    (claimed,) = await queue.claim_due(6.0, 10)
    assert await queue.next_due() is None
    await queue.reschedule(claimed.id, due_at=20.0, attempts=1, invoke_count=1, last_result="x")
    assert await queue.next_due() == 20.0
    assert await queue.claim_due(19.0, 10) == []
    (again,) = await queue.claim_due(20.0, 10)
    assert again.attempts == 1 and again.last_result == "x"
    assert await queue.release_all_claims() == 1
    await queue.complete([again.id])
    assert await queue.count() == 0


def test_unknown_queue_names_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="no pending-delivery queue"):
        store.pending("pending_events; DROP TABLE documents")
