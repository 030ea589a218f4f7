"""Errors a storage backend raises, the same for every backend.

A driver's own exceptions never leave a backend: callers see these (or
:class:`~triggerfish.store.interfaces.RevisionMismatch`), whatever database sits underneath.
"""

from __future__ import annotations

from triggerfish.core.errors import TriggerfishError


class StoreError(TriggerfishError):
    """The store could not do what was asked; the message says why."""


class StoreClosed(StoreError):
    """The store is not open: it was never opened, or it has been closed."""


class SchemaTooNew(StoreError):
    """The database was migrated by a newer triggerfish than this one."""


class MigrationFailed(StoreError):
    """A schema migration failed; it was rolled back and is not recorded as applied."""


class DuplicateEvent(StoreError):
    """An event with this id is already stored."""
