"""Schema migrations: ``migrations/NNNN_name.sql`` files, applied in order when a store opens.

Each migration runs in its own transaction together with the row that records it in
``schema_migrations``, so a migration is either applied and recorded or neither. A database that
records a migration this code does not ship was written by a newer triggerfish; we refuse it
rather than guess what its schema means.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources

from triggerfish.store.errors import MigrationFailed, SchemaTooNew
from triggerfish.store.sqlite.named_queries import load_queries

_SQL = load_queries("schema.sql")
_TX = load_queries("transactions.sql")
_FILENAME = re.compile(r"(?P<version>\d{4})_(?P<name>[a-z0-9_]+)\.sql")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str = field(repr=False)

    @property
    def label(self) -> str:
        return f"{self.version:04d}_{self.name}"


def bundled_migrations() -> tuple[Migration, ...]:
    """The migrations shipped with this package, in version order."""
    folder = resources.files(__name__.rpartition(".")[0]).joinpath("migrations")
    found: list[Migration] = []
    for entry in folder.iterdir():
        match = _FILENAME.fullmatch(entry.name)
        if match is not None:
            sql = entry.read_text(encoding="utf-8")
            found.append(Migration(int(match["version"]), match["name"], sql))
    found.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in found]
    if len(set(versions)) != len(versions):
        raise MigrationFailed(f"two bundled migrations share a version: {versions}")
    return tuple(found)


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration]) -> list[Migration]:
    """Apply the ``migrations`` not yet recorded in the database; returns those applied."""
    conn.execute(_SQL["create_schema_migrations"])
    recorded = dict(conn.execute(_SQL["applied_versions"]).fetchall())
    known = {migration.version for migration in migrations}
    unknown = sorted(set(recorded) - known)
    if unknown:
        names = ", ".join(f"{version:04d}_{recorded[version]}" for version in unknown)
        raise SchemaTooNew(
            f"the database was migrated by a newer triggerfish (it records migration {names}, "
            f"which this version does not know); upgrade triggerfish or use another data directory"
        )
    applied: list[Migration] = []
    for migration in migrations:
        if migration.version not in recorded and _apply(conn, migration):
            applied.append(migration)
    return applied


def _apply(conn: sqlite3.Connection, migration: Migration) -> bool:
    """Apply one migration in its own transaction; ``False`` when another process beat us to it."""
    conn.execute(_TX["begin"])
    try:
        if conn.execute(_SQL["is_applied"], {"version": migration.version}).fetchone() is not None:
            conn.execute(_TX["rollback"])
            return False
        for statement in statements(migration.sql):
            conn.execute(statement)
        conn.execute(
            _SQL["record_applied"],
            {"version": migration.version, "name": migration.name, "applied_at": time.time()},
        )
        conn.execute(_TX["commit"])
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute(_TX["rollback"])
        if isinstance(exc, sqlite3.Error):
            raise MigrationFailed(f"migration {migration.label} failed: {exc}") from exc
        raise
    return True


def statements(script: str) -> Iterator[str]:
    """Split a migration script into single statements.

    ``executescript`` would be simpler but commits any open transaction first, which would take
    each migration out of the transaction that records it.
    """
    pending: list[str] = []
    for line in script.splitlines(keepends=True):
        pending.append(line)
        text = "".join(pending)
        if sqlite3.complete_statement(text):
            yield text.strip()
            pending.clear()
    rest = "".join(pending)
    if any(line.strip() and not line.lstrip().startswith("--") for line in rest.splitlines()):
        raise MigrationFailed(f"a migration ends with an unterminated statement: {rest.strip()!r}")
