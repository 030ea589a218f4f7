"""Schema migrations of the SQLite backend."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from triggerfish.store.errors import MigrationFailed, SchemaTooNew, StoreClosed
from triggerfish.store.sqlite import SQLiteStore
from triggerfish.store.sqlite.schema import Migration, bundled_migrations, statements


def _recorded(path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    conn.close()
    return [(int(version), str(name)) for version, name in rows]


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    conn.close()
    return {str(name) for (name,) in rows}


def test_bundled_migrations_are_numbered_from_one_without_gaps() -> None:
    versions = [migration.version for migration in bundled_migrations()]
    assert versions == list(range(1, len(versions) + 1))
    assert bundled_migrations()[0].label == "0001_initial"


async def test_fresh_open_applies_every_migration(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    store = SQLiteStore(path)
    await store.open()
    await store.close()
    assert store.applied_migrations == bundled_migrations()
    assert _recorded(path) == [(m.version, m.name) for m in bundled_migrations()]
    assert {"documents", "async_events", "schema_migrations"} <= _tables(path)


async def test_reopening_applies_nothing(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    for _ in range(2):
        store = SQLiteStore(path)
        await store.open()
        await store.close()
    assert store.applied_migrations == ()
    assert _recorded(path) == [(m.version, m.name) for m in bundled_migrations()]


async def test_in_memory_store_is_migrated_too() -> None:
    store = SQLiteStore(None)
    await store.open()
    await store.close()
    assert store.applied_migrations == bundled_migrations()


async def test_only_new_migrations_are_applied(tmp_path: Path) -> None:
    path = tmp_path / "grow.db"
    older = SQLiteStore(path)
    await older.open()
    await older.close()
    extra = Migration(len(bundled_migrations()) + 1, "add_notes", "CREATE TABLE notes (n TEXT);")
    newer = SQLiteStore(path, migrations=(*bundled_migrations(), extra))
    await newer.open()
    await newer.close()
    assert newer.applied_migrations == (extra,)
    assert "notes" in _tables(path)


async def test_a_database_from_a_newer_triggerfish_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    extra = Migration(9999, "from_the_future", "CREATE TABLE future (n TEXT);")
    newer = SQLiteStore(path, migrations=(*bundled_migrations(), extra))
    await newer.open()
    await newer.close()

    older = SQLiteStore(path)
    with pytest.raises(SchemaTooNew, match="9999_from_the_future") as raised:
        await older.open()
    assert "newer triggerfish" in str(raised.value)
    with pytest.raises(StoreClosed):
        await older.async_events.count()
    await older.close()


async def test_a_failing_migration_is_rolled_back_and_not_recorded(tmp_path: Path) -> None:
    path = tmp_path / "broken.db"
    good = Migration(1, "good", "CREATE TABLE good (n TEXT);")
    # The first statement would succeed on its own; the migration must vanish as a whole.
    bad = Migration(2, "bad", "CREATE TABLE half (n TEXT);\nCREATE TABLE good (n TEXT);\n")
    store = SQLiteStore(path, migrations=(good, bad))
    with pytest.raises(MigrationFailed, match="0002_bad"):
        await store.open()
    assert _recorded(path) == [(1, "good")]
    assert "good" in _tables(path)
    assert "half" not in _tables(path)


def test_statements_keep_trigger_bodies_whole() -> None:
    script = """
    -- a comment; with a semicolon
    CREATE TABLE t (n INTEGER);
    CREATE TRIGGER t_insert AFTER INSERT ON t BEGIN
        UPDATE t SET n = n + 1;
    END;
    -- trailing comment
    """
    found = list(statements(script))
    assert len(found) == 2
    assert found[1].endswith("END;")


def test_statements_refuse_an_unterminated_one() -> None:
    with pytest.raises(MigrationFailed, match="unterminated"):
        list(statements("CREATE TABLE t (n INTEGER);\nCREATE TABLE u (n INTEGER)\n"))
