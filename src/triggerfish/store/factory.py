"""Choosing and building the store for a data directory."""

from __future__ import annotations

from pathlib import Path

from triggerfish.store.interfaces import Store
from triggerfish.store.sqlite import SQLiteStore

#: The database file inside a data directory.
SQLITE_FILENAME = "triggerfish.db"


def open_store(data_dir: Path | None) -> Store:
    """The store for ``data_dir`` (created if missing), or an ephemeral one when ``None``.

    The store is not open yet: callers ``await store.open()`` (and ``await store.close()``).
    """
    if data_dir is None:
        return SQLiteStore(None)
    data_dir.mkdir(parents=True, exist_ok=True)
    return SQLiteStore(data_dir / SQLITE_FILENAME)
