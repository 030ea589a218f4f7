"""The queue message store contract: every backend, every method, the ordering the interface promises."""

from __future__ import annotations

import asyncio

from triggerfish.store.interfaces import Store
from triggerfish.store.queues import DeduplicationEntry, ReceiptState, StoredMessage

from .backends import Backend

Q = "arn:aws:sqs:us-east-1:000000000000:q"
DLQ = "arn:aws:sqs:us-east-1:000000000000:dlq"


def message(message_id: str, queue: str = Q, **fields: object) -> StoredMessage:
    values: dict[str, object] = {"body": f"body of {message_id}", "attributes": "{}", "sent_at": 1.0, "visible_at": 1.0}
    values.update(fields)
    return StoredMessage(queue, message_id, **values)  # type: ignore[arg-type]


async def ids(store: Store, queue: str = Q) -> list[str]:
    return [stored.id for stored in await store.queues.load(queue)]


async def test_append_then_load_in_append_order(store: Store) -> None:
    await store.queues.append([message("b"), message("a")])
    await store.queues.append([message("c")])
    assert await ids(store) == ["b", "a", "c"]


async def test_every_field_round_trips(store: Store) -> None:
    full = message(
        "m",
        body="🐟 " + "x" * 300_000,
        attributes='{"a": {"k": ["String", "s", "v"]}}',
        sent_at=1.5,
        visible_at=2.25,
        receive_count=3,
        first_received_at=1.75,
        group_id="g",
        deduplication_id="d",
        sequence_number="18000000000000000001",
    )
    await store.queues.append([full])
    assert await store.queues.load(Q) == [full]


async def test_queues_are_independent(store: Store) -> None:
    await store.queues.append([message("a"), message("b", queue=DLQ)])
    assert await ids(store) == ["a"]
    assert await ids(store, DLQ) == ["b"]
    assert await store.queues.queues() == sorted([Q, DLQ])


async def test_remove_ignores_unknown_ids(store: Store) -> None:
    await store.queues.append([message("a"), message("b"), message("c")])
    await store.queues.remove(Q, ["a", "c", "nope"])
    await store.queues.remove(DLQ, ["b"])
    assert await ids(store) == ["b"]


async def test_record_receipts_updates_counts_and_visibility(store: Store) -> None:
    await store.queues.append([message("a"), message("b")])
    await store.queues.record_receipts([ReceiptState(Q, "a", 40.0, 2, 10.0), ReceiptState(Q, "gone", 1.0, 1, 1.0)])
    loaded = {stored.id: stored for stored in await store.queues.load(Q)}
    assert (loaded["a"].visible_at, loaded["a"].receive_count, loaded["a"].first_received_at) == (40.0, 2, 10.0)
    assert loaded["b"].receive_count == 0


async def test_writes_apply_in_call_order_without_waiting(store: Store) -> None:
    # the service starts a receive-count write and later deletes the message: the delete must win
    appended = store.queues.append([message("a"), message("b")])
    counted = store.queues.record_receipts([ReceiptState(Q, "a", 9.0, 1, 5.0)])
    removed = store.queues.remove(Q, ["a"])
    await asyncio.gather(removed, counted, appended)
    assert await ids(store) == ["b"]


async def test_transfer_moves_atomically(store: Store) -> None:
    await store.queues.append([message("a"), message("b")])
    moved = message("a", queue=DLQ, receive_count=4)
    await store.queues.transfer(Q, ["a"], [moved])
    assert await ids(store) == ["b"]
    assert await store.queues.load(DLQ) == [moved]


async def test_append_replaces_a_message_id_the_queue_holds(store: Store) -> None:
    await store.queues.append([message("a", body="one")])
    await store.queues.append([message("a", body="two")])
    assert [stored.body for stored in await store.queues.load(Q)] == ["two"]


async def test_purge_counts_and_keeps_deduplication(store: Store) -> None:
    entry = DeduplicationEntry(Q, "k", "a", "18000000000000000001", 100.0)
    await store.queues.append([message("a"), message("b")], [entry])
    assert await store.queues.purge(Q) == 2
    assert await ids(store) == []
    assert await store.queues.load_deduplication(Q, 50.0) == [entry]


async def test_drop_forgets_messages_and_deduplication(store: Store) -> None:
    await store.queues.append([message("a")], [DeduplicationEntry(Q, "k", "a", "1", 100.0)])
    await store.queues.append([message("z", queue=DLQ)])
    await store.queues.drop(Q)
    assert await ids(store) == []
    assert await store.queues.load_deduplication(Q, 0.0) == []
    assert await store.queues.queues() == [DLQ]


async def test_deduplication_expires(store: Store) -> None:
    early = DeduplicationEntry(Q, "early", "a", "1", 10.0)
    late = DeduplicationEntry(Q, "late", "b", "2", 20.0)
    await store.queues.append([], [late, early])
    assert await store.queues.load_deduplication(Q, 5.0) == [early, late]
    assert await store.queues.load_deduplication(Q, 10.0) == [late]
    assert await store.queues.prune_deduplication(10.0) == 1
    assert await store.queues.load_deduplication(Q, 0.0) == [late]


async def test_batch_is_one_write(store: Store, backend: Backend) -> None:
    writer = getattr(store, "writer", None)
    before = None if writer is None else writer.operations
    await store.queues.append([message(f"m{n}") for n in range(100)])
    if writer is not None and before is not None:
        assert writer.operations == before + 1
    assert len(await ids(store)) == 100


async def test_messages_survive_reopening(backend: Backend) -> None:
    first = backend.make()
    await first.open()
    await first.queues.append([message("a"), message("b")])
    await first.queues.remove(Q, ["a"])
    await first.close()
    second = backend.make()
    await second.open()
    try:
        expected = ["b"] if backend.persistent else []
        assert await ids(second) == expected
    finally:
        await second.close()
