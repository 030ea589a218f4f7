"""Opening the SQLite connection that the writer thread owns."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from triggerfish.store.errors import StoreError
from triggerfish.store.sqlite.named_queries import load_queries

_SETTINGS = load_queries("connection.sql")

#: How long a statement waits for another process's lock before failing with SQLITE_BUSY.
BUSY_TIMEOUT_SECONDS = 5.0


def connect(path: Path | None) -> sqlite3.Connection:
    """A connection to the database file ``path``, or to a new in-memory database when ``None``.

    The connection is in autocommit mode (``isolation_level=None``): the writer issues BEGIN and
    COMMIT itself, so the driver never opens or commits a transaction behind its back.
    """
    try:
        conn = sqlite3.connect(
            ":memory:" if path is None else path,
            timeout=BUSY_TIMEOUT_SECONDS,
            isolation_level=None,
            cached_statements=256,
        )
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the SQLite database {path}: {exc}") from exc
    try:
        (mode,) = conn.execute(_SETTINGS["journal_mode_wal"]).fetchone()
        if path is not None and mode != "wal":
            raise StoreError(f"SQLite refused WAL journal mode for {path} (it answered {mode!r})")
        conn.execute(_SETTINGS["synchronous_normal"])
        conn.execute(_SETTINGS["foreign_keys_on"])
    except BaseException as exc:
        conn.close()
        if isinstance(exc, sqlite3.Error):
            raise StoreError(f"cannot configure the SQLite database {path}: {exc}") from exc
        raise
    return conn
