"""The store: migrations are recorded, applied in order, and upgrade an old database."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from tarry.base.errors import StoreError
from tarry.store import Store, migrations
from tarry.store.connection import connect


def test_fresh_store_has_every_migration(store: Store) -> None:
    numbers = [m.number for m in migrations.available()]
    assert numbers == sorted(numbers) and numbers[:3] == [1, 2, 3]
    assert migrations.applied(store) == set(numbers)
    assert store.version == numbers[-1]
    # each recorded under its module's name, as a restored backup's ledger is compared
    modules = sorted(p.stem for p in Path(migrations.__file__).parent.glob("m[0-9]*.py"))
    recorded = store.query("SELECT number, name FROM schema_migrations ORDER BY number")
    assert [f"m{n:04d}_{name}" for n, name in recorded] == modules


def test_database_created_by_migration_1_upgrades(home: Path) -> None:
    home.mkdir(mode=0o700)
    conn = connect(home / "tarry.db")
    old = Store(conn, home / "tarry.db")
    migrations.upgrade(old, until=1)
    old.execute(
        "INSERT INTO entries (at, prompt, body) VALUES ('2026-01-01T00:00:00Z', '', 'kept words')"
    )
    conn.close()

    with Store.open(home) as store:
        assert store.version == max(m.number for m in migrations.available())
        hits = store.query("SELECT ref FROM search_index WHERE search_index MATCH 'kept'")
        assert [h[0] for h in hits] == [1]


def test_failed_migration_leaves_nothing(home: Path) -> None:
    home.mkdir(mode=0o700)
    conn = connect(home / "tarry.db")
    bad = migrations.Migration(
        99, "broken", "CREATE TABLE half (x);\nSELECT * FROM nowhere;", False
    )
    with pytest.raises(sqlite3.OperationalError):
        migrations.apply(conn, bad)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "half" not in tables
    conn.close()


def test_data_migration_takes_a_backup_first(store: Store) -> None:
    store.execute("INSERT INTO entries (at, body) VALUES ('2026-01-01T00:00:00Z', 'x')")
    backup = migrations.backup_before(store, migrations.Migration(50, "x", "", True))
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT body FROM entries").fetchall() == [("x",)]
    copy.close()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_files_are_private(store: Store, home: Path) -> None:
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600


def test_corrupt_file_gives_a_clear_error_and_is_untouched(home: Path) -> None:
    home.mkdir(mode=0o700)
    db = home / "tarry.db"
    garbage = b"this is not a database" * 100
    db.write_bytes(garbage)
    with pytest.raises(StoreError, match="damaged"):
        Store.open(home)
    assert db.read_bytes() == garbage


def test_nested_transactions_roll_back_inner_only(store: Store) -> None:
    with store.tx():
        store.execute("INSERT INTO entries (at, body) VALUES ('t', 'outer')")
        with pytest.raises(RuntimeError), store.tx():
            store.execute("INSERT INTO entries (at, body) VALUES ('t', 'inner')")
            raise RuntimeError
    assert [r[0] for r in store.query("SELECT body FROM entries")] == ["outer"]
