"""Lambda's internal queue of asynchronous invocations in SQLite: the :class:`AsyncEventStore`."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from triggerfish.store.errors import DuplicateEvent
from triggerfish.store.interfaces import AsyncEvent
from triggerfish.store.sqlite.named_queries import load_queries
from triggerfish.store.sqlite.writer import Writer

_SQL = load_queries("async_events.sql")


class SQLiteAsyncEventStore:
    def __init__(self, writer: Writer) -> None:
        self._writer = writer

    async def enqueue(self, event: AsyncEvent) -> None:
        await self._writer.submit_single_write(_enqueue, event)

    async def claim_due(self, now: float, limit: int) -> Sequence[AsyncEvent]:
        if limit <= 0:
            return []
        return await self._writer.submit(_claim_due, now, limit)

    async def reschedule(
        self, event_id: str, *, due_at: float, attempts: int, invoke_count: int, last_result: str | None
    ) -> None:
        params = {
            "id": event_id,
            "due_at": due_at,
            "attempts": attempts,
            "invoke_count": invoke_count,
            "last_result": last_result,
        }
        await self._writer.submit_single_write(_execute, _SQL["reschedule"], params)

    async def complete(self, event_ids: Sequence[str]) -> None:
        if event_ids:
            await self._writer.submit(_complete, [{"id": event_id} for event_id in event_ids])

    async def release_all_claims(self) -> int:
        return await self._writer.submit_single_write(_release_all_claims)

    async def next_due(self) -> float | None:
        return await self._writer.submit_single_write(_next_due)

    async def count(self) -> int:
        return await self._writer.submit_single_write(_count)


# --- run on the writer thread ------------------------------------------------------------------


def _enqueue(conn: sqlite3.Connection, event: AsyncEvent) -> None:
    params = {
        "id": event.id,
        "function": event.function,
        "payload": event.payload,
        "enqueued_at": event.enqueued_at,
        "due_at": event.due_at,
        "attempts": event.attempts,
        "invoke_count": event.invoke_count,
        "last_result": event.last_result,
    }
    try:
        conn.execute(_SQL["insert"], params)
    except sqlite3.IntegrityError as exc:
        if exc.sqlite_errorcode == sqlite3.SQLITE_CONSTRAINT_UNIQUE:
            raise DuplicateEvent(f"an event with id {event.id!r} is already stored") from exc
        raise


def _claim_due(conn: sqlite3.Connection, now: float, limit: int) -> list[AsyncEvent]:
    # Atomic because the writer thread runs one operation at a time inside one transaction: no
    # other claim can interleave between choosing these rows and marking them.
    rows = conn.execute(_SQL["select_due"], {"now": now, "limit": limit}).fetchall()
    conn.executemany(_SQL["mark_claimed"], [{"seq": row[0]} for row in rows])
    return [AsyncEvent(*row[1:]) for row in rows]


def _execute(conn: sqlite3.Connection, sql: str, params: dict[str, object]) -> None:
    conn.execute(sql, params)


def _complete(conn: sqlite3.Connection, params: list[dict[str, str]]) -> None:
    conn.executemany(_SQL["delete"], params)


def _release_all_claims(conn: sqlite3.Connection) -> int:
    return conn.execute(_SQL["release_all_claims"]).rowcount


def _next_due(conn: sqlite3.Connection) -> float | None:
    (due_at,) = conn.execute(_SQL["next_due"]).fetchone()
    return None if due_at is None else float(due_at)


def _count(conn: sqlite3.Connection) -> int:
    (count,) = conn.execute(_SQL["count"]).fetchone()
    return int(count)
