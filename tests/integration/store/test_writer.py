"""The SQLite writer thread: group commit, and failures that stay inside their own operation."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from triggerfish.store.errors import StoreClosed, StoreError
from triggerfish.store.sqlite.connection import connect
from triggerfish.store.sqlite.writer import Writer


def _create_table(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")


def _insert(conn: sqlite3.Connection, key: str) -> str:
    conn.execute("INSERT INTO t (k) VALUES (?)", (key,))
    return key


def _insert_then_fail(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("INSERT INTO t (k) VALUES (?)", (key,))
    raise RuntimeError("failed after writing")


def _roll_back_everything(conn: sqlite3.Connection) -> None:
    # What SQLite itself does to the whole transaction on SQLITE_FULL or SQLITE_IOERR.
    conn.execute("ROLLBACK")
    raise RuntimeError("disk full")


def _keys(conn: sqlite3.Connection) -> list[str]:
    return [key for (key,) in conn.execute("SELECT k FROM t ORDER BY k")]


def _hold(conn: sqlite3.Connection, running: threading.Event, gate: threading.Event) -> None:
    running.set()
    gate.wait(timeout=10)


@pytest.fixture
async def writer(tmp_path: Path) -> AsyncIterator[Writer]:
    writer = Writer(lambda: connect(tmp_path / "writer.db"))
    await writer.start(_create_table)
    yield writer
    await writer.stop()


@contextmanager
def held(writer: Writer) -> Iterator[None]:
    """Keep the writer busy so everything submitted meanwhile lands in one batch."""
    running, gate = threading.Event(), threading.Event()
    blocker = writer.submit(_hold, running, gate)
    # Blocking the loop here is fine: the writer thread needs only a moment to take the op.
    assert running.wait(timeout=10)
    try:
        yield
    finally:
        gate.set()
        del blocker


async def test_operations_queued_together_commit_as_one_batch(writer: Writer) -> None:
    before = writer.batches
    with held(writer):
        futures = [writer.submit(_insert, f"k{n:03d}") for n in range(300)]
    assert await asyncio.gather(*futures) == [f"k{n:03d}" for n in range(300)]
    # One batch for the operation that held the writer, one for all 300.
    assert writer.batches - before == 2
    assert len(await writer.submit(_keys)) == 300


async def test_failed_operation_is_undone_and_its_neighbours_commit(writer: Writer) -> None:
    with held(writer):
        before = writer.submit(_insert, "a")
        failing = writer.submit(_insert_then_fail, "b")
        after = writer.submit(_insert, "c")
    assert await before == "a"
    with pytest.raises(RuntimeError, match="failed after writing"):
        await failing
    assert await after == "c"
    assert await writer.submit(_keys) == ["a", "c"]


async def test_failed_single_write_fails_alone(writer: Writer) -> None:
    await writer.submit(_insert, "dup")
    with held(writer):
        first = writer.submit_single_write(_insert, "a")
        duplicate = writer.submit_single_write(_insert, "dup")
        last = writer.submit_single_write(_insert, "z")
    assert await first == "a"
    with pytest.raises(StoreError, match="UNIQUE") as raised:
        await duplicate
    assert isinstance(raised.value.__cause__, sqlite3.IntegrityError)
    assert await last == "z"
    assert await writer.submit(_keys) == ["a", "dup", "z"]


async def test_a_lost_transaction_fails_the_whole_batch(writer: Writer) -> None:
    with held(writer):
        before = writer.submit(_insert, "a")
        breaking = writer.submit(_roll_back_everything)
        after = writer.submit(_insert, "b")
    for future in (before, breaking, after):
        with pytest.raises(StoreError):
            await future
    assert await writer.submit(_keys) == []
    assert await writer.submit(_insert, "next") == "next"


async def test_a_cancelled_caller_does_not_disturb_the_batch(writer: Writer) -> None:
    with held(writer):
        cancelled = writer.submit(_insert, "a")
        kept = writer.submit(_insert, "b")
        cancelled.cancel()
    assert await kept == "b"
    # The write itself was already queued: cancelling only stops waiting for it.
    assert await writer.submit(_keys) == ["a", "b"]


async def test_stop_finishes_queued_operations_then_refuses_more(writer: Writer) -> None:
    with held(writer):
        futures = [writer.submit(_insert, f"k{n}") for n in range(50)]
        stopping = asyncio.ensure_future(writer.stop())
        await asyncio.sleep(0)
        with pytest.raises(StoreClosed):
            writer.submit(_keys)
    await stopping
    assert len(await asyncio.gather(*futures)) == 50
    with pytest.raises(StoreClosed):
        writer.submit(_keys)


async def test_a_failing_prepare_fails_start_and_closes(tmp_path: Path) -> None:
    def broken(conn: sqlite3.Connection) -> None:
        raise RuntimeError("cannot prepare")

    writer = Writer(lambda: connect(tmp_path / "writer.db"))
    with pytest.raises(RuntimeError, match="cannot prepare"):
        await writer.start(broken)
    with pytest.raises(StoreClosed):
        writer.submit(_keys)
    await writer.stop()


async def test_a_writer_starts_only_once(writer: Writer) -> None:
    with pytest.raises(StoreError, match="already"):
        await writer.start(_create_table)


async def test_connecting_to_an_impossible_path_fails_clearly(tmp_path: Path) -> None:
    writer = Writer(lambda: connect(tmp_path / "missing-directory" / "writer.db"))
    with pytest.raises(StoreError, match="cannot open"):
        await writer.start(_create_table)
