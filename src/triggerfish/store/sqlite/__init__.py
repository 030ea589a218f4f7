"""The embedded SQLite backend, the default store."""

from triggerfish.store.sqlite.store import SQLiteStore

__all__ = ["SQLiteStore"]
