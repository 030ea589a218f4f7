"""The storage contract: every backend, every method, every edge the interfaces promise."""

from __future__ import annotations

import asyncio
import math

import pytest

from triggerfish.store.errors import DuplicateEvent, StoreClosed
from triggerfish.store.interfaces import AsyncEvent, Document, RevisionMismatch, Store

from .backends import Backend

KIND = "lambda.function"
SCOPE = "000000000000/us-east-1"
EVERYTHING = math.inf  # a ``now`` by which every event is due


def event(
    event_id: str,
    *,
    due_at: float = 10.0,
    payload: bytes = b'{"n": 1}',
    attempts: int = 0,
    invoke_count: int = 0,
    last_result: str | None = None,
) -> AsyncEvent:
    function = "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST"
    return AsyncEvent(event_id, function, payload, 5.0, due_at, attempts, invoke_count, last_result)


async def ids_claimed(store: Store, now: float = EVERYTHING, limit: int = 10_000) -> list[str]:
    return [claimed.id for claimed in await store.async_events.claim_due(now, limit)]


# --- documents: put and get ----------------------------------------------------------------------


async def test_put_creates_at_revision_one(store: Store) -> None:
    doc = await store.documents.put(KIND, SCOPE, "f", '{"a": 1}', now=100.0)
    assert doc == Document(KIND, SCOPE, "f", '{"a": 1}', revision=1, created_at=100.0, updated_at=100.0)
    assert await store.documents.get(KIND, SCOPE, "f") == doc


async def test_unconditional_put_replaces_and_bumps_revision(store: Store) -> None:
    await store.documents.put(KIND, SCOPE, "f", "one", now=100.0)
    doc = await store.documents.put(KIND, SCOPE, "f", "two", now=200.0)
    assert doc == Document(KIND, SCOPE, "f", "two", revision=2, created_at=100.0, updated_at=200.0)
    assert await store.documents.get(KIND, SCOPE, "f") == doc


async def test_get_missing_is_none_and_keys_are_independent(store: Store) -> None:
    await store.documents.put(KIND, SCOPE, "f", "x", now=1.0)
    assert await store.documents.get(KIND, SCOPE, "g") is None
    assert await store.documents.get(KIND, "111111111111/us-east-1", "f") is None
    assert await store.documents.get("sqs.queue", SCOPE, "f") is None


async def test_body_round_trips_any_text(store: Store) -> None:
    body = '{"emoji": "🐟", "nul": "\\u0000", "quote": "\'", "long": "' + "x" * 100_000 + '"}'
    await store.documents.put(KIND, SCOPE, "f", body, now=1.0)
    got = await store.documents.get(KIND, SCOPE, "f")
    assert got is not None
    assert got.body == body


async def test_expected_revision_zero_creates_only_when_missing(store: Store) -> None:
    created = await store.documents.put(KIND, SCOPE, "f", "one", now=1.0, expected_revision=0)
    assert created.revision == 1
    with pytest.raises(RevisionMismatch):
        await store.documents.put(KIND, SCOPE, "f", "two", now=2.0, expected_revision=0)
    assert await store.documents.get(KIND, SCOPE, "f") == created


async def test_expected_revision_n_must_match_exactly(store: Store) -> None:
    await store.documents.put(KIND, SCOPE, "f", "one", now=1.0)
    second = await store.documents.put(KIND, SCOPE, "f", "two", now=2.0, expected_revision=1)
    assert (second.revision, second.body, second.created_at) == (2, "two", 1.0)
    for stale in (1, 3):
        with pytest.raises(RevisionMismatch):
            await store.documents.put(KIND, SCOPE, "f", "three", now=3.0, expected_revision=stale)
    assert await store.documents.get(KIND, SCOPE, "f") == second


async def test_expected_revision_n_on_missing_document_fails(store: Store) -> None:
    with pytest.raises(RevisionMismatch):
        await store.documents.put(KIND, SCOPE, "f", "one", now=1.0, expected_revision=1)
    assert await store.documents.get(KIND, SCOPE, "f") is None


async def test_concurrent_conditional_creates_have_one_winner(store: Store) -> None:
    results = await asyncio.gather(
        *(store.documents.put(KIND, SCOPE, "f", f"writer {n}", now=1.0, expected_revision=0) for n in range(20)),
        return_exceptions=True,
    )
    winners = [result for result in results if isinstance(result, Document)]
    assert len(winners) == 1
    assert all(isinstance(result, RevisionMismatch) for result in results if result is not winners[0])
    assert await store.documents.get(KIND, SCOPE, "f") == winners[0]


async def test_concurrent_conditional_updates_have_one_winner(store: Store) -> None:
    await store.documents.put(KIND, SCOPE, "f", "base", now=1.0)
    results = await asyncio.gather(
        *(store.documents.put(KIND, SCOPE, "f", f"writer {n}", now=2.0, expected_revision=1) for n in range(20)),
        return_exceptions=True,
    )
    winners = [result for result in results if isinstance(result, Document)]
    assert [winner.revision for winner in winners] == [2]


# --- documents: delete -----------------------------------------------------------------------------


async def test_delete_reports_whether_it_existed(store: Store) -> None:
    await store.documents.put(KIND, SCOPE, "f", "x", now=1.0)
    assert await store.documents.delete(KIND, SCOPE, "f") is True
    assert await store.documents.get(KIND, SCOPE, "f") is None
    assert await store.documents.delete(KIND, SCOPE, "f") is False
    assert await store.documents.delete(KIND, SCOPE, "never") is False


async def test_delete_touches_only_its_key(store: Store) -> None:
    await store.documents.put(KIND, SCOPE, "f", "x", now=1.0)
    await store.documents.put(KIND, "111111111111/us-east-1", "f", "y", now=1.0)
    await store.documents.put("sqs.queue", SCOPE, "f", "z", now=1.0)
    assert await store.documents.delete(KIND, SCOPE, "f") is True
    assert await store.documents.get(KIND, "111111111111/us-east-1", "f") is not None
    assert await store.documents.get("sqs.queue", SCOPE, "f") is not None


async def test_recreating_after_delete_starts_again_at_revision_one(store: Store) -> None:
    await store.documents.put(KIND, SCOPE, "f", "x", now=1.0)
    await store.documents.put(KIND, SCOPE, "f", "y", now=2.0)
    await store.documents.delete(KIND, SCOPE, "f")
    again = await store.documents.put(KIND, SCOPE, "f", "z", now=3.0, expected_revision=0)
    assert (again.revision, again.created_at) == (1, 3.0)


# --- documents: list -------------------------------------------------------------------------------

SCOPE_A = "000000000000/eu-west-1"
SCOPE_B = "000000000000/us-east-1"


async def _fill_for_listing(store: Store) -> None:
    # Inserted out of order, with names whose code-point order differs from a case-folding one.
    for scope, name in [(SCOPE_B, "b"), (SCOPE_A, "c"), (SCOPE_B, "B"), (SCOPE_A, "a"), (SCOPE_B, "a")]:
        await store.documents.put(KIND, scope, name, f"{scope}:{name}", now=1.0)
    await store.documents.put("sqs.queue", SCOPE_A, "q", "other kind", now=1.0)


def _keys(docs: object) -> list[tuple[str, str]]:
    assert isinstance(docs, list | tuple)
    return [(doc.scope, doc.name) for doc in docs]


async def test_list_in_scope_is_ordered_by_name_code_points(store: Store) -> None:
    await _fill_for_listing(store)
    docs = await store.documents.list(KIND, SCOPE_B)
    assert _keys(docs) == [(SCOPE_B, "B"), (SCOPE_B, "a"), (SCOPE_B, "b")]
    assert all(doc.kind == KIND and doc.body == f"{doc.scope}:{doc.name}" for doc in docs)


async def test_list_every_scope_is_ordered_by_scope_then_name(store: Store) -> None:
    await _fill_for_listing(store)
    docs = await store.documents.list(KIND, None)
    assert _keys(docs) == [
        (SCOPE_A, "a"),
        (SCOPE_A, "c"),
        (SCOPE_B, "B"),
        (SCOPE_B, "a"),
        (SCOPE_B, "b"),
    ]
    assert _keys(await store.documents.list(KIND)) == _keys(docs)


async def test_list_after_is_strictly_after_the_name(store: Store) -> None:
    await _fill_for_listing(store)
    assert _keys(await store.documents.list(KIND, SCOPE_B, after="B")) == [(SCOPE_B, "a"), (SCOPE_B, "b")]
    assert _keys(await store.documents.list(KIND, SCOPE_B, after="a0")) == [(SCOPE_B, "b")]
    assert _keys(await store.documents.list(KIND, SCOPE_B, after="b")) == []
    # Across every scope, ``after`` filters by name alone, in each scope.
    assert _keys(await store.documents.list(KIND, None, after="a")) == [(SCOPE_A, "c"), (SCOPE_B, "b")]


async def test_list_limit(store: Store) -> None:
    await _fill_for_listing(store)
    assert _keys(await store.documents.list(KIND, SCOPE_B, limit=2)) == [(SCOPE_B, "B"), (SCOPE_B, "a")]
    assert _keys(await store.documents.list(KIND, None, limit=1)) == [(SCOPE_A, "a")]
    assert _keys(await store.documents.list(KIND, SCOPE_B, after="B", limit=1)) == [(SCOPE_B, "a")]
    assert await store.documents.list(KIND, SCOPE_B, limit=0) == []
    assert len(await store.documents.list(KIND, SCOPE_B, limit=100)) == 3
    with pytest.raises(ValueError):
        await store.documents.list(KIND, SCOPE_B, limit=-1)


async def test_list_pages_through_a_scope(store: Store) -> None:
    names = [f"fn-{n:03d}" for n in range(25)]
    for name in reversed(names):
        await store.documents.put(KIND, SCOPE, name, "{}", now=1.0)
    seen: list[str] = []
    after: str | None = None
    while page := await store.documents.list(KIND, SCOPE, after=after, limit=10):
        seen.extend(doc.name for doc in page)
        after = page[-1].name
    assert seen == names


async def test_list_of_unknown_kind_or_scope_is_empty(store: Store) -> None:
    await _fill_for_listing(store)
    assert await store.documents.list("nothing") == []
    assert await store.documents.list(KIND, "999999999999/us-east-1") == []
    assert _keys(await store.documents.list("sqs.queue")) == [(SCOPE_A, "q")]


# --- async events: enqueue and claim ---------------------------------------------------------------


async def test_enqueued_event_round_trips_every_field(store: Store) -> None:
    original = event(
        "e1",
        payload=b"\x00\xffbinary",
        attempts=2,
        invoke_count=3,
        last_result='{"errorType": "Boom"}',
    )
    await store.async_events.enqueue(original)
    assert await store.async_events.count() == 1
    assert list(await store.async_events.claim_due(EVERYTHING, 10)) == [original]


async def test_enqueue_of_an_existing_id_fails_and_keeps_the_original(store: Store) -> None:
    await store.async_events.enqueue(event("e1", payload=b"first"))
    with pytest.raises(DuplicateEvent):
        await store.async_events.enqueue(event("e1", payload=b"second"))
    claimed = await store.async_events.claim_due(EVERYTHING, 10)
    assert [(item.id, item.payload) for item in claimed] == [("e1", b"first")]


async def test_a_failing_enqueue_fails_alone_among_concurrent_ones(store: Store) -> None:
    await store.async_events.enqueue(event("dup"))
    results = await asyncio.gather(
        *(store.async_events.enqueue(event(f"e{n}")) for n in range(50)),
        store.async_events.enqueue(event("dup")),
        *(store.async_events.enqueue(event(f"f{n}")) for n in range(50)),
        return_exceptions=True,
    )
    assert [type(result) for result in results].count(DuplicateEvent) == 1
    assert isinstance(results[50], DuplicateEvent)
    assert await store.async_events.count() == 101


async def test_claim_takes_only_due_events_with_inclusive_boundary(store: Store) -> None:
    await store.async_events.enqueue(event("early", due_at=10.0))
    await store.async_events.enqueue(event("exact", due_at=20.0))
    await store.async_events.enqueue(event("late", due_at=20.5))
    assert await ids_claimed(store, now=5.0) == []
    assert await ids_claimed(store, now=20.0) == ["early", "exact"]
    assert await ids_claimed(store, now=20.0) == []
    assert await ids_claimed(store, now=21.0) == ["late"]


async def test_claim_orders_by_due_time_then_enqueue_order(store: Store) -> None:
    for event_id, due_at in [("c", 30.0), ("t1", 20.0), ("a", 10.0), ("t2", 20.0), ("t3", 20.0)]:
        await store.async_events.enqueue(event(event_id, due_at=due_at))
    assert await ids_claimed(store) == ["a", "t1", "t2", "t3", "c"]


async def test_claim_respects_limit_and_keeps_order_across_calls(store: Store) -> None:
    for n in range(7):
        await store.async_events.enqueue(event(f"e{n}", due_at=float(n)))
    assert await ids_claimed(store, limit=3) == ["e0", "e1", "e2"]
    assert await ids_claimed(store, limit=3) == ["e3", "e4", "e5"]
    assert await ids_claimed(store, limit=3) == ["e6"]
    assert await ids_claimed(store, limit=3) == []
    assert list(await store.async_events.claim_due(EVERYTHING, 0)) == []


async def test_claimed_events_are_still_counted(store: Store) -> None:
    for n in range(3):
        await store.async_events.enqueue(event(f"e{n}"))
    await ids_claimed(store, limit=2)
    assert await store.async_events.count() == 3


async def test_concurrent_claimers_never_share_an_event(store: Store) -> None:
    expected = {f"e{n}" for n in range(600)}
    await asyncio.gather(*(store.async_events.enqueue(event(event_id)) for event_id in expected))

    async def claimer() -> list[str]:
        mine: list[str] = []
        while batch := await ids_claimed(store, limit=7):
            mine.extend(batch)
            await asyncio.sleep(0)
        return mine

    per_claimer = await asyncio.gather(*(claimer() for _ in range(16)))
    everything = [event_id for batch in per_claimer for event_id in batch]
    assert len(everything) == len(expected)
    assert set(everything) == expected


# --- async events: reschedule, complete, release ---------------------------------------------------


async def test_reschedule_returns_an_event_with_new_counters(store: Store) -> None:
    await store.async_events.enqueue(event("e1", due_at=10.0))
    await ids_claimed(store)
    await store.async_events.reschedule("e1", due_at=70.0, attempts=1, invoke_count=1, last_result='{"error": "x"}')
    assert await ids_claimed(store, now=69.0) == []
    (again,) = await store.async_events.claim_due(70.0, 10)
    assert again == event("e1", due_at=70.0, attempts=1, invoke_count=1, last_result='{"error": "x"}')


async def test_reschedule_can_clear_last_result(store: Store) -> None:
    await store.async_events.enqueue(event("e1", last_result="old"))
    await ids_claimed(store)
    await store.async_events.reschedule("e1", due_at=1.0, attempts=0, invoke_count=1, last_result=None)
    (again,) = await store.async_events.claim_due(EVERYTHING, 10)
    assert again.last_result is None


async def test_rescheduled_event_keeps_its_enqueue_order_among_ties(store: Store) -> None:
    await store.async_events.enqueue(event("first", due_at=10.0))
    await store.async_events.enqueue(event("second", due_at=50.0))
    await ids_claimed(store, now=10.0)
    await store.async_events.reschedule("first", due_at=50.0, attempts=1, invoke_count=1, last_result=None)
    assert await ids_claimed(store) == ["first", "second"]


async def test_reschedule_of_unknown_event_does_nothing(store: Store) -> None:
    await store.async_events.reschedule("ghost", due_at=1.0, attempts=1, invoke_count=1, last_result=None)
    assert await store.async_events.count() == 0


async def test_complete_deletes_claimed_and_unclaimed_events(store: Store) -> None:
    for n in range(4):
        await store.async_events.enqueue(event(f"e{n}", due_at=float(n)))
    assert await ids_claimed(store, limit=2) == ["e0", "e1"]
    await store.async_events.complete(["e0", "e2", "unknown"])
    assert await store.async_events.count() == 2
    await store.async_events.complete([])
    assert await store.async_events.count() == 2
    assert await store.async_events.release_all_claims() == 1
    assert await ids_claimed(store) == ["e1", "e3"]


async def test_release_all_claims_returns_claimed_events_to_the_queue(store: Store) -> None:
    assert await store.async_events.release_all_claims() == 0
    for n in range(5):
        await store.async_events.enqueue(event(f"e{n}", due_at=float(n)))
    assert await ids_claimed(store, limit=3) == ["e0", "e1", "e2"]
    assert await store.async_events.release_all_claims() == 3
    assert await store.async_events.release_all_claims() == 0
    assert await ids_claimed(store) == ["e0", "e1", "e2", "e3", "e4"]


async def test_next_due_looks_only_at_unclaimed_events(store: Store) -> None:
    assert await store.async_events.next_due() is None
    await store.async_events.enqueue(event("later", due_at=50.0))
    await store.async_events.enqueue(event("sooner", due_at=20.0))
    assert await store.async_events.next_due() == 20.0
    assert await ids_claimed(store, now=20.0) == ["sooner"]
    assert await store.async_events.next_due() == 50.0
    assert await ids_claimed(store) == ["later"]
    assert await store.async_events.next_due() is None
    await store.async_events.release_all_claims()
    assert await store.async_events.next_due() == 20.0
    await store.async_events.complete(["sooner", "later"])
    assert await store.async_events.next_due() is None


# --- lifecycle -------------------------------------------------------------------------------------


async def test_reopening_keeps_documents_and_events(backend: Backend) -> None:
    if not backend.persistent:
        pytest.skip("an in-memory store does not outlive close()")
    first = backend.make()
    await first.open()
    doc = await first.documents.put(KIND, SCOPE, "f", "config", now=1.0)
    await first.async_events.enqueue(event("waiting", due_at=1.0))
    await first.async_events.enqueue(event("in-flight", due_at=2.0))
    await ids_claimed(first, now=1.5)
    await first.close()

    second = backend.make()
    await second.open()
    try:
        assert await second.documents.get(KIND, SCOPE, "f") == doc
        assert await second.async_events.count() == 2
        # A claim outlives a restart until the restarted server releases it.
        assert await second.async_events.next_due() == 2.0
        assert await second.async_events.release_all_claims() == 1
        assert await ids_claimed(second) == ["waiting", "in-flight"]
    finally:
        await second.close()


async def test_close_finishes_queued_work(backend: Backend) -> None:
    first = backend.make()
    await first.open()
    pending = [asyncio.ensure_future(first.async_events.enqueue(event(f"e{n}"))) for n in range(200)]
    await asyncio.sleep(0)  # let every enqueue reach the store before closing it
    await first.close()
    await asyncio.gather(*pending)
    if backend.persistent:
        second = backend.make()
        await second.open()
        assert await second.async_events.count() == 200
        await second.close()


async def test_calls_after_close_raise_store_closed(backend: Backend) -> None:
    store = backend.make()
    await store.open()
    await store.close()
    await store.close()  # closing twice is harmless
    with pytest.raises(StoreClosed):
        await store.documents.get(KIND, SCOPE, "f")
    with pytest.raises(StoreClosed):
        await store.async_events.enqueue(event("e1"))


async def test_calls_before_open_raise_store_closed(backend: Backend) -> None:
    store = backend.make()
    with pytest.raises(StoreClosed):
        await store.async_events.count()
    await store.close()
