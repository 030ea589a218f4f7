"""Queues of work due at given times in SQLite: the :class:`AsyncEventStore`.

Lambda's asynchronous invocations live in ``async_events``; each pending-delivery queue
(:data:`PENDING_QUEUES`) has a table of the same shape, ``pending_<name>``. Table names come only
from that fixed list, never from input.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from triggerfish.store.errors import DuplicateEvent
from triggerfish.store.interfaces import AsyncEvent
from triggerfish.store.sqlite.named_queries import load_queries
from triggerfish.store.sqlite.writer import Writer

_SQL = load_queries("async_events.sql")
_TABLE = "async_events"

#: the pending-delivery queues a store keeps besides Lambda's: EventBridge and Scheduler target retries
PENDING_QUEUES = ("events", "scheduler", "sns")


def _queries(table: str) -> Mapping[str, str]:
    return {name: sql.replace(_TABLE, table) for name, sql in _SQL.items()}


class SQLiteAsyncEventStore:
    def __init__(self, writer: Writer, table: str = _TABLE) -> None:
        if table != _TABLE and table.removeprefix("pending_") not in PENDING_QUEUES:
            raise ValueError(f"no such queue table: {table}")
        self._writer = writer
        self._sql = _queries(table)

    async def enqueue(self, event: AsyncEvent) -> None:
        await self._writer.submit_single_write(_enqueue, self._sql, event)

    async def claim_due(self, now: float, limit: int) -> Sequence[AsyncEvent]:
        if limit <= 0:
            return []
        return await self._writer.submit(_claim_due, self._sql, now, limit)

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
        await self._writer.submit_single_write(_execute, self._sql["reschedule"], params)

    async def complete(self, event_ids: Sequence[str]) -> None:
        if event_ids:
            await self._writer.submit(_complete, self._sql, [{"id": event_id} for event_id in event_ids])

    async def release_all_claims(self) -> int:
        return await self._writer.submit_single_write(_release_all_claims, self._sql)

    async def next_due(self) -> float | None:
        return await self._writer.submit_single_write(_next_due, self._sql)

    async def count(self) -> int:
        return await self._writer.submit_single_write(_count, self._sql)


# --- run on the writer thread ------------------------------------------------------------------


def _enqueue(conn: sqlite3.Connection, sql: Mapping[str, str], event: AsyncEvent) -> None:
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
        conn.execute(sql["insert"], params)
    except sqlite3.IntegrityError as exc:
        if exc.sqlite_errorcode == sqlite3.SQLITE_CONSTRAINT_UNIQUE:
            raise DuplicateEvent(f"an event with id {event.id!r} is already stored") from exc
        raise


def _claim_due(conn: sqlite3.Connection, sql: Mapping[str, str], now: float, limit: int) -> list[AsyncEvent]:
    # Atomic because the writer thread runs one operation at a time inside one transaction: no
    # other claim can interleave between choosing these rows and marking them.
    rows = conn.execute(sql["select_due"], {"now": now, "limit": limit}).fetchall()
    conn.executemany(sql["mark_claimed"], [{"seq": row[0]} for row in rows])
    return [AsyncEvent(*row[1:]) for row in rows]


def _execute(conn: sqlite3.Connection, sql: str, params: dict[str, object]) -> None:
    conn.execute(sql, params)


def _complete(conn: sqlite3.Connection, sql: Mapping[str, str], params: list[dict[str, str]]) -> None:
    conn.executemany(sql["delete"], params)


def _release_all_claims(conn: sqlite3.Connection, sql: Mapping[str, str]) -> int:
    return conn.execute(sql["release_all_claims"]).rowcount


def _next_due(conn: sqlite3.Connection, sql: Mapping[str, str]) -> float | None:
    (due_at,) = conn.execute(sql["next_due"]).fetchone()
    return None if due_at is None else float(due_at)


def _count(conn: sqlite3.Connection, sql: Mapping[str, str]) -> int:
    (count,) = conn.execute(sql["count"]).fetchone()
    return int(count)
