"""Stream records and table items in SQLite: the :class:`~triggerfish.store.streams.StreamLogStore` and
:class:`~triggerfish.store.streams.TableItemStore` backends.

Each write is submitted to the writer thread when the method is called, so writes keep the order
of the calls, and each is one operation: a table write with its stream records is one savepoint,
committed with whatever else the writer groups with it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Mapping, Sequence

from triggerfish.store.sqlite.named_queries import load_queries
from triggerfish.store.sqlite.writer import Writer
from triggerfish.store.streams import ItemWrite, LogRecord

_SQL = load_queries("streams.sql")

_RecordRow = tuple[str, str, int, float, str, bytes]


class SQLiteStreamLogStore:
    def __init__(self, writer: Writer) -> None:
        self._writer = writer

    def append(self, records: Sequence[LogRecord]) -> asyncio.Future[None]:
        return self._writer.submit(_write, [], [], [_record_row(r) for r in records])

    async def read(self, stream: str, shard: str, *, after: int | None, limit: int) -> Sequence[LogRecord]:
        return await self._writer.submit_single_write(_read, stream, shard, after, limit)

    async def first_at(self, stream: str, shard: str, arrival: float) -> int | None:
        return await self._writer.submit_single_write(_first_at, stream, shard, arrival)

    async def last_positions(self, stream: str) -> Mapping[str, int]:
        return await self._writer.submit_single_write(_last_positions, stream)

    def trim(self, stream: str, *, before: float) -> asyncio.Future[int]:
        return self._writer.submit_single_write(_trim, stream, before)

    def drop(self, stream: str) -> asyncio.Future[None]:
        return self._writer.submit_single_write(_drop_stream, stream)


class SQLiteTableItemStore:
    def __init__(self, writer: Writer) -> None:
        self._writer = writer

    def write(self, items: Sequence[ItemWrite], records: Sequence[LogRecord] = ()) -> asyncio.Future[None]:
        puts = [(i.table, i.key, i.body) for i in items if i.body is not None]
        deletes = [(i.table, i.key) for i in items if i.body is None]
        rows = [_record_row(r) for r in records]
        if len(puts) + len(deletes) + len(rows) == 1:
            # one statement is atomic on its own: no savepoint needed
            return self._writer.submit_single_write(_write, puts, deletes, rows)
        return self._writer.submit(_write, puts, deletes, rows)

    async def load(self, table: str) -> Sequence[tuple[str, bytes]]:
        return await self._writer.submit_single_write(_load, table)

    def drop(self, table: str) -> asyncio.Future[None]:
        return self._writer.submit_single_write(_drop_table, table)


def _record_row(record: LogRecord) -> _RecordRow:
    return (record.stream, record.shard, record.position, record.arrival, record.partition_key, record.data)


# --- run on the writer thread ------------------------------------------------------------------


def _write(
    conn: sqlite3.Connection,
    puts: list[tuple[str, str, bytes]],
    deletes: list[tuple[str, str]],
    records: list[_RecordRow],
) -> None:
    # in call order within the savepoint: deletes of one key never follow its put in one write
    if deletes:
        conn.executemany(_SQL["delete_item"], deletes)
    if puts:
        conn.executemany(_SQL["put_item"], puts)
    if records:
        conn.executemany(_SQL["insert_record"], records)


def _read(conn: sqlite3.Connection, stream: str, shard: str, after: int | None, limit: int) -> list[LogRecord]:
    params = {"stream": stream, "shard": shard, "after": after, "limit": limit}
    query = _SQL["read_from_start"] if after is None else _SQL["read_after"]
    return [LogRecord(s, sh, p, a, k, bytes(d)) for s, sh, p, a, k, d in conn.execute(query, params)]


def _first_at(conn: sqlite3.Connection, stream: str, shard: str, arrival: float) -> int | None:
    row = conn.execute(_SQL["first_at"], {"stream": stream, "shard": shard, "arrival": arrival}).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def _last_positions(conn: sqlite3.Connection, stream: str) -> dict[str, int]:
    return {shard: int(position) for shard, position in conn.execute(_SQL["last_positions"], {"stream": stream})}


def _trim(conn: sqlite3.Connection, stream: str, before: float) -> int:
    return conn.execute(_SQL["trim"], {"stream": stream, "before": before}).rowcount


def _drop_stream(conn: sqlite3.Connection, stream: str) -> None:
    conn.execute(_SQL["drop_stream"], {"stream": stream})


def _load(conn: sqlite3.Connection, table: str) -> list[tuple[str, bytes]]:
    return [(key, bytes(body)) for key, body in conn.execute(_SQL["load_items"], {"table_id": table})]


def _drop_table(conn: sqlite3.Connection, table: str) -> None:
    conn.execute(_SQL["drop_table"], {"table_id": table})
