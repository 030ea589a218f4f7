"""SQS messages in SQLite: the :class:`~triggerfish.store.queues.QueueMessageStore` backend.

Each write is submitted to the writer thread when the method is called, so writes keep the order
of the calls (the writer runs its queue in order), and each is one operation: a batch of a hundred
messages is one ``executemany`` inside one savepoint, committed with whatever else the writer
groups with it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence

from triggerfish.store.queues import DeduplicationEntry, ReceiptState, StoredMessage
from triggerfish.store.sqlite.named_queries import load_queries
from triggerfish.store.sqlite.writer import Writer

_SQL = load_queries("queues.sql")

_MessageRow = tuple[str, str, str, str, float, float, int, float | None, str | None, str | None, str | None]


class SQLiteQueueMessageStore:
    def __init__(self, writer: Writer) -> None:
        self._writer = writer

    def append(
        self, messages: Sequence[StoredMessage], deduplication: Sequence[DeduplicationEntry] = ()
    ) -> asyncio.Future[None]:
        rows = [_message_row(message) for message in messages]
        entries = [_deduplication_row(entry) for entry in deduplication]
        return self._writer.submit(_append, rows, entries)

    def remove(self, queue: str, message_ids: Sequence[str]) -> asyncio.Future[None]:
        return self._writer.submit(_remove, [(queue, message_id) for message_id in message_ids])

    def record_receipts(self, states: Sequence[ReceiptState]) -> asyncio.Future[None]:
        rows = [(s.visible_at, s.receive_count, s.first_received_at, s.queue, s.id) for s in states]
        return self._writer.submit(_record_receipts, rows)

    def transfer(
        self, source: str, message_ids: Sequence[str], messages: Sequence[StoredMessage]
    ) -> asyncio.Future[None]:
        removed = [(source, message_id) for message_id in message_ids]
        return self._writer.submit(_transfer, removed, [_message_row(message) for message in messages])

    def purge(self, queue: str) -> asyncio.Future[int]:
        return self._writer.submit_single_write(_purge, queue)

    def drop(self, queue: str) -> asyncio.Future[None]:
        return self._writer.submit(_drop, queue)

    async def load(self, queue: str) -> Sequence[StoredMessage]:
        return await self._writer.submit_single_write(_load, queue)

    async def load_deduplication(self, queue: str, now: float) -> Sequence[DeduplicationEntry]:
        return await self._writer.submit_single_write(_load_deduplication, queue, now)

    def prune_deduplication(self, now: float) -> asyncio.Future[int]:
        return self._writer.submit_single_write(_prune_deduplication, now)

    async def queues(self) -> Sequence[str]:
        return await self._writer.submit_single_write(_queues)


def _message_row(message: StoredMessage) -> _MessageRow:
    return (
        message.queue,
        message.id,
        message.body,
        message.attributes,
        message.sent_at,
        message.visible_at,
        message.receive_count,
        message.first_received_at,
        message.group_id,
        message.deduplication_id,
        message.sequence_number,
    )


def _deduplication_row(entry: DeduplicationEntry) -> tuple[str, str, str, str, float]:
    return (entry.queue, entry.key, entry.message_id, entry.sequence_number, entry.expires_at)


# --- run on the writer thread ------------------------------------------------------------------


def _append(conn: sqlite3.Connection, rows: list[_MessageRow], entries: list[tuple[str, str, str, str, float]]) -> None:
    if rows:
        conn.executemany(_SQL["insert_message"], rows)
    if entries:
        conn.executemany(_SQL["insert_deduplication"], entries)


def _remove(conn: sqlite3.Connection, keys: list[tuple[str, str]]) -> None:
    if keys:
        conn.executemany(_SQL["delete_message"], keys)


def _record_receipts(conn: sqlite3.Connection, rows: list[tuple[float, int, float | None, str, str]]) -> None:
    if rows:
        conn.executemany(_SQL["update_receipt"], rows)


def _transfer(conn: sqlite3.Connection, removed: list[tuple[str, str]], rows: list[_MessageRow]) -> None:
    if removed:
        conn.executemany(_SQL["delete_message"], removed)
    if rows:
        conn.executemany(_SQL["insert_message"], rows)


def _purge(conn: sqlite3.Connection, queue: str) -> int:
    return conn.execute(_SQL["delete_queue_messages"], {"queue": queue}).rowcount


def _drop(conn: sqlite3.Connection, queue: str) -> None:
    conn.execute(_SQL["delete_queue_messages"], {"queue": queue})
    conn.execute(_SQL["delete_queue_deduplication"], {"queue": queue})


def _load(conn: sqlite3.Connection, queue: str) -> list[StoredMessage]:
    return [StoredMessage(*row) for row in conn.execute(_SQL["select_messages"], {"queue": queue})]


def _load_deduplication(conn: sqlite3.Connection, queue: str, now: float) -> list[DeduplicationEntry]:
    rows = conn.execute(_SQL["select_deduplication"], {"queue": queue, "now": now})
    return [DeduplicationEntry(*row) for row in rows]


def _prune_deduplication(conn: sqlite3.Connection, now: float) -> int:
    return conn.execute(_SQL["prune_deduplication"], {"now": now}).rowcount


def _queues(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute(_SQL["select_queues"])]
