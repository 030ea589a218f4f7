"""Resource configurations in SQLite: the :class:`DocumentStore` backend."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from triggerfish.store.interfaces import Document, RevisionMismatch
from triggerfish.store.sqlite.named_queries import load_queries
from triggerfish.store.sqlite.writer import Writer

_SQL = load_queries("documents.sql")


class SQLiteDocumentStore:
    def __init__(self, writer: Writer) -> None:
        self._writer = writer

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
        return await self._writer.submit_single_write(_put, kind, scope, name, body, now, expected_revision)

    async def get(self, kind: str, scope: str, name: str) -> Document | None:
        return await self._writer.submit_single_write(_get, kind, scope, name)

    async def delete(self, kind: str, scope: str, name: str) -> bool:
        return await self._writer.submit_single_write(_delete, kind, scope, name)

    async def list(
        self, kind: str, scope: str | None = None, *, after: str | None = None, limit: int | None = None
    ) -> Sequence[Document]:
        if limit is not None and limit < 0:
            raise ValueError(f"limit must not be negative, got {limit}")
        return await self._writer.submit_single_write(_list, kind, scope, after, limit)


# --- run on the writer thread ------------------------------------------------------------------


def _put(
    conn: sqlite3.Connection,
    kind: str,
    scope: str,
    name: str,
    body: str,
    now: float,
    expected_revision: int | None,
) -> Document:
    key = {"kind": kind, "scope": scope, "name": name}
    row = conn.execute(_SQL["current_revision"], key).fetchone()
    current = 0 if row is None else int(row[0])
    if expected_revision is not None and expected_revision != current:
        found = "it does not exist" if row is None else f"found revision {current}"
        raise RevisionMismatch(f"{kind} {scope}/{name}: expected revision {expected_revision}, but {found}")
    if row is None:
        conn.execute(_SQL["insert"], {**key, "body": body, "now": now})
        return Document(kind, scope, name, body, 1, now, now)
    conn.execute(_SQL["update"], {**key, "body": body, "revision": current + 1, "now": now})
    return Document(kind, scope, name, body, current + 1, float(row[1]), now)


def _get(conn: sqlite3.Connection, kind: str, scope: str, name: str) -> Document | None:
    row = conn.execute(_SQL["get"], {"kind": kind, "scope": scope, "name": name}).fetchone()
    return None if row is None else Document(*row)


def _delete(conn: sqlite3.Connection, kind: str, scope: str, name: str) -> bool:
    cursor = conn.execute(_SQL["delete"], {"kind": kind, "scope": scope, "name": name})
    return cursor.rowcount > 0


def _list(
    conn: sqlite3.Connection, kind: str, scope: str | None, after: str | None, limit: int | None
) -> list[Document]:
    query = _SQL["list_all_scopes"] if scope is None else _SQL["list_in_scope"]
    params = {"kind": kind, "scope": scope, "after": after, "limit": -1 if limit is None else limit}
    return [Document(*row) for row in conn.execute(query, params)]
