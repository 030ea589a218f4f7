"""The one thread that owns the SQLite connection, and its group commit.

Callers on an asyncio loop submit operations (plain functions of the connection) and await a
future. The thread takes every operation queued so far, runs them all in one transaction, commits
once, and only then resolves their futures, with one wake-up of each waiting loop per batch. One
commit acknowledges a whole batch, which is what makes thousands of durable writes per second
possible. An operation that fails is undone and fails alone while the rest of its batch commits:
each runs inside its own savepoint, except those that make at most one write, which SQLite's own
statement atomicity already undoes (that saves a third of the statements of a small write).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any, TypeVar, TypeVarTuple

from triggerfish.store.errors import StoreClosed, StoreError
from triggerfish.store.sqlite.named_queries import load_queries

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

_SQL = load_queries("transactions.sql")
_BEGIN, _COMMIT, _ROLLBACK = _SQL["begin"], _SQL["commit"], _SQL["rollback"]
_SAVEPOINT, _RELEASE, _ROLLBACK_TO = _SQL["savepoint"], _SQL["release"], _SQL["rollback_to"]

#: Bounds one transaction, so a flood of submissions still sees acknowledgements flow.
MAX_BATCH = 2048


class _State(enum.Enum):
    NEW = "new"
    STARTING = "starting"
    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"


class _Op:
    """One submitted operation; ``fn is None`` marks the request to stop."""

    __slots__ = ("args", "fn", "future", "isolate", "loop")

    def __init__(
        self,
        fn: Callable[..., Any] | None,
        args: tuple[Any, ...],
        future: asyncio.Future[Any],
        loop: asyncio.AbstractEventLoop,
        isolate: bool,
    ) -> None:
        self.fn = fn
        self.args = args
        self.future = future
        self.loop = loop
        self.isolate = isolate


# (future, error, value): error is None on success.
_Outcome = tuple[asyncio.Future[Any], BaseException | None, Any]


class Writer:
    """Owns one connection on one thread; see the module docstring."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], *, name: str = "triggerfish-sqlite") -> None:
        self._connect = connect
        self._name = name
        self._queue: queue.SimpleQueue[_Op] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._state = _State.NEW
        self._stopped: asyncio.Future[None] | None = None
        #: Batches committed and operations run, for benchmarks and tests of the batching.
        self.batches = 0
        self.operations = 0

    async def start(self, prepare: Callable[[sqlite3.Connection], T]) -> T:
        """Start the thread, connect, run ``prepare`` (the migrations) there, and return its result."""
        if self._state is not _State.NEW:
            raise StoreError("this store has already been opened; open a new one instead")
        self._state = _State.STARTING
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[T] = loop.create_future()
        self._thread = threading.Thread(target=self._run, args=(prepare, ready, loop), name=self._name, daemon=True)
        self._thread.start()
        try:
            result = await ready
        except BaseException:
            self._state = _State.CLOSED
            raise
        self._state = _State.OPEN
        return result

    def submit(self, fn: Callable[[sqlite3.Connection, *Ts], T], *args: *Ts) -> asyncio.Future[T]:
        """Queue ``fn(connection, *args)``; the future resolves once its batch has committed."""
        return self._submit(fn, args, isolate=True)

    def submit_single_write(self, fn: Callable[[sqlite3.Connection, *Ts], T], *args: *Ts) -> asyncio.Future[T]:
        """Like :meth:`submit`, for an ``fn`` that executes at most one writing statement, once,
        and cannot raise after it: when that statement fails SQLite has already undone it, so
        ``fn`` needs no savepoint of its own."""
        return self._submit(fn, args, isolate=False)

    def _submit(self, fn: Callable[..., T], args: tuple[Any, ...], *, isolate: bool) -> asyncio.Future[T]:
        if self._state is not _State.OPEN:
            raise StoreClosed(f"the store is {self._state.value}; open it before use")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._queue.put(_Op(fn, args, future, loop, isolate))
        return future

    async def stop(self) -> None:
        """Finish every operation queued so far, then close the connection and end the thread."""
        if self._state is _State.NEW:
            self._state = _State.CLOSED
            return
        if self._stopped is None:
            if self._state is not _State.OPEN:
                return
            self._state = _State.CLOSING
            loop = asyncio.get_running_loop()
            self._stopped = loop.create_future()
            self._queue.put(_Op(None, (), self._stopped, loop, False))
        try:
            await asyncio.shield(self._stopped)
        finally:
            if self._stopped.done():
                self._state = _State.CLOSED
                if self._thread is not None:
                    # The thread resolves the future as its last act; this join is immediate.
                    self._thread.join()

    # --- on the writer thread -----------------------------------------------------------------

    def _run(
        self,
        prepare: Callable[[sqlite3.Connection], T],
        ready: asyncio.Future[T],
        loop: asyncio.AbstractEventLoop,
    ) -> None:
        try:
            conn = self._connect()
        except BaseException as exc:
            _post(loop, [(ready, exc, None)])
            return
        try:
            value = prepare(conn)
        except BaseException as exc:
            conn.close()
            _post(loop, [(ready, exc, None)])
            return
        _post(loop, [(ready, None, value)])
        try:
            stop = self._serve(conn)
        finally:
            conn.close()
        _post(stop.loop, [(stop.future, None, None)])
        self._fail_stragglers()

    def _serve(self, conn: sqlite3.Connection) -> _Op:
        get, get_nowait = self._queue.get, self._queue.get_nowait
        while True:
            batch = [get()]
            try:
                while len(batch) < MAX_BATCH:
                    batch.append(get_nowait())
            except queue.Empty:
                pass
            stop = next((op for op in batch if op.fn is None), None)
            ops = batch if stop is None else [op for op in batch if op.fn is not None]
            if ops:
                outcomes = self._run_batch(conn, ops)
                self.batches += 1
                self.operations += len(ops)
                _deliver(outcomes)
            if stop is not None:
                return stop

    def _run_batch(self, conn: sqlite3.Connection, ops: list[_Op]) -> list[tuple[_Op, _Outcome]]:
        outcomes: list[tuple[_Op, _Outcome]] = []
        try:
            conn.execute(_BEGIN)
            for op in ops:
                if op.isolate:
                    conn.execute(_SAVEPOINT)
                try:
                    value = op.fn(conn, *op.args)  # type: ignore[misc]  # stop ops never get here
                except Exception as exc:
                    _undo_operation(conn, op.isolate)
                    outcomes.append((op, (op.future, _ours(exc), None)))
                else:
                    if op.isolate:
                        conn.execute(_RELEASE)
                    outcomes.append((op, (op.future, None, value)))
            conn.execute(_COMMIT)
        except Exception as exc:
            # The transaction itself failed (BEGIN, COMMIT, or a savepoint that could not be
            # undone): nothing in this batch was committed, so every operation in it fails.
            if conn.in_transaction:
                # Should even ROLLBACK fail, the next BEGIN reports the state of the connection.
                with contextlib.suppress(sqlite3.Error):
                    conn.execute(_ROLLBACK)
            error = _ours(exc)
            return [(op, (op.future, _batch_error(error), None)) for op in ops]
        return outcomes

    def _fail_stragglers(self) -> None:
        stragglers: list[tuple[_Op, _Outcome]] = []
        while True:
            try:
                op = self._queue.get_nowait()
            except queue.Empty:
                break
            stragglers.append((op, (op.future, StoreClosed("the store was closed"), None)))
        _deliver(stragglers)


def _undo_operation(conn: sqlite3.Connection, isolated: bool) -> None:
    """Undo a failed operation's writes; raises when the whole transaction is gone."""
    if not conn.in_transaction:
        # SQLite rolls back the whole transaction on some errors (SQLITE_FULL, SQLITE_IOERR).
        raise StoreError("the transaction was rolled back by SQLite after an error")
    if isolated:
        conn.execute(_ROLLBACK_TO)
        conn.execute(_RELEASE)


def _ours(exc: Exception) -> Exception:
    """Driver errors become :class:`StoreError`; our own errors pass through unchanged."""
    if isinstance(exc, sqlite3.Error):
        error = StoreError(f"SQLite: {exc}")
        error.__cause__ = exc
        return error
    return exc


def _batch_error(cause: Exception) -> Exception:
    # A fresh exception per future: one instance raised in many tasks would collect all their
    # tracebacks.
    error = StoreError(f"the batch this operation was part of failed to commit: {cause}")
    error.__cause__ = cause
    return error


def _deliver(outcomes: list[tuple[_Op, _Outcome]]) -> None:
    by_loop: dict[asyncio.AbstractEventLoop, list[_Outcome]] = {}
    for op, outcome in outcomes:
        by_loop.setdefault(op.loop, []).append(outcome)
    for loop, items in by_loop.items():
        _post(loop, items)


def _post(loop: asyncio.AbstractEventLoop, items: list[_Outcome]) -> None:
    # A closed loop has nobody left waiting for these.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(_settle, items)


def _settle(items: list[_Outcome]) -> None:
    for future, error, value in items:
        if future.cancelled():
            continue
        if error is None:
            future.set_result(value)
        else:
            future.set_exception(error)
