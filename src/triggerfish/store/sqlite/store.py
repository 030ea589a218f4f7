"""The SQLite backend: one database file in the data directory, or an in-memory database."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from types import TracebackType

from triggerfish.store.sqlite.async_events import PENDING_QUEUES, SQLiteAsyncEventStore
from triggerfish.store.sqlite.connection import connect
from triggerfish.store.sqlite.documents import SQLiteDocumentStore
from triggerfish.store.sqlite.queues import SQLiteQueueMessageStore
from triggerfish.store.sqlite.schema import Migration, bundled_migrations, migrate
from triggerfish.store.sqlite.streams import SQLiteStreamLogStore, SQLiteTableItemStore
from triggerfish.store.sqlite.writer import Writer


class SQLiteStore:
    """The embedded default :class:`~triggerfish.store.interfaces.Store`.

    ``path`` is the database file (its directory must exist); ``None`` gives a private in-memory
    database that vanishes on :meth:`close`. Every call runs on one writer thread with group
    commit (see :mod:`triggerfish.store.sqlite.writer`), so a write that has returned is durable.
    """

    def __init__(self, path: Path | None, *, migrations: tuple[Migration, ...] | None = None) -> None:
        self.path = path
        self._migrations = bundled_migrations() if migrations is None else migrations
        self._writer = Writer(partial(connect, path))
        self._documents = SQLiteDocumentStore(self._writer)
        self._async_events = SQLiteAsyncEventStore(self._writer)
        self._queues = SQLiteQueueMessageStore(self._writer)
        self._streams = SQLiteStreamLogStore(self._writer)
        self._table_items = SQLiteTableItemStore(self._writer)
        self._pending = {name: SQLiteAsyncEventStore(self._writer, f"pending_{name}") for name in PENDING_QUEUES}
        #: The migrations the last :meth:`open` applied (empty when the schema was current).
        self.applied_migrations: tuple[Migration, ...] = ()

    @property
    def documents(self) -> SQLiteDocumentStore:
        return self._documents

    @property
    def async_events(self) -> SQLiteAsyncEventStore:
        return self._async_events

    @property
    def queues(self) -> SQLiteQueueMessageStore:
        return self._queues

    @property
    def streams(self) -> SQLiteStreamLogStore:
        return self._streams

    @property
    def table_items(self) -> SQLiteTableItemStore:
        return self._table_items

    def pending(self, name: str) -> SQLiteAsyncEventStore:
        try:
            return self._pending[name]
        except KeyError:
            raise ValueError(f"no pending-delivery queue named {name!r}") from None

    @property
    def writer(self) -> Writer:
        """The writer thread, whose counters tell how well commits are being grouped."""
        return self._writer

    async def open(self) -> None:
        applied = await self._writer.start(partial(migrate, migrations=self._migrations))
        self.applied_migrations = tuple(applied)

    async def close(self) -> None:
        await self._writer.stop()

    async def __aenter__(self) -> SQLiteStore:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()
