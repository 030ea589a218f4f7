"""Named queries in .sql files, and the indexes the hot queries rely on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from triggerfish.store.sqlite.connection import connect
from triggerfish.store.sqlite.named_queries import QueryFileError, load_queries, parse_queries
from triggerfish.store.sqlite.schema import bundled_migrations, migrate


def test_queries_are_split_at_name_headers() -> None:
    text = """
-- Leading comments are allowed.

-- name: first
SELECT 1
FROM t;

--name:second
-- a comment that belongs to the query
SELECT 2
"""
    queries = parse_queries(text)
    assert dict(queries) == {
        "first": "SELECT 1\nFROM t;",
        "second": "-- a comment that belongs to the query\nSELECT 2",
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT 1\n-- name: q\nSELECT 2", "before the first"),
        ("-- name: q\nSELECT 1\n-- name: q\nSELECT 2", "defined twice"),
        ("-- name: Bad-Name\nSELECT 1", "bad query name"),
        ("-- name: q\n-- only a comment\n", "empty"),
    ],
)
def test_malformed_query_files_are_refused(text: str, message: str) -> None:
    with pytest.raises(QueryFileError, match=message):
        parse_queries(text)


@pytest.mark.parametrize(
    "filename", ["async_events.sql", "connection.sql", "documents.sql", "schema.sql", "transactions.sql"]
)
def test_shipped_query_files_load(filename: str) -> None:
    assert load_queries(filename)


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    conn = connect(None)
    migrate(conn, bundled_migrations())
    yield conn
    conn.close()


@pytest.mark.parametrize("query", ["select_due", "next_due"])
def test_due_queries_read_the_partial_index(conn: sqlite3.Connection, query: str) -> None:
    sql = load_queries("async_events.sql")[query]
    plan = " ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql, {"now": 1.0, "limit": 10}))
    assert "async_events_due" in plan
    assert "TEMP B-TREE" not in plan  # ordered by the index itself, no sort step
