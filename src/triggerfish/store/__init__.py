"""Durable state: narrow async interfaces and their backends (SQLite is the embedded default)."""

from triggerfish.store.interfaces import AsyncEvent, AsyncEventStore, Document, DocumentStore, Store

__all__ = ["AsyncEvent", "AsyncEventStore", "Document", "DocumentStore", "Store"]
