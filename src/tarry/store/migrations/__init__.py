"""Numbered migrations, recorded in the database and applied in a transaction.

Each module `mNNNN_name.py` in this package defines `SQL` (a script) and may define
`DATA = True` when it rewrites existing rows: a backup is taken before such a migration runs
on a store that already holds data. `REBUILDS = True` when it builds a table again (SQLite's
way to change its constraints): it runs with foreign keys off, so dropping the old table
deletes nothing that refers to it, and commits only when every foreign key still holds.
Numbers may have gaps; they are applied in order.
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from tarry.base import clock
from tarry.store.connection import snapshot

if TYPE_CHECKING:
    from tarry.store import Store

LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    number INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str
    rewrites_data: bool
    rebuilds: bool = False


def _load(module: ModuleType, name: str) -> Migration:
    number = int(name[1:5])
    return Migration(
        number,
        name[6:],
        module.SQL,
        getattr(module, "DATA", False),
        getattr(module, "REBUILDS", False),
    )


def available() -> list[Migration]:
    """Every migration shipped with this version of tarry, in order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("m") and info.name[1:5].isdigit():
            module = importlib.import_module(f"{__name__}.{info.name}")
            found.append(_load(module, info.name))
    return sorted(found, key=lambda m: m.number)


def applied(store: Store) -> set[int]:
    store.execute(LEDGER)
    return {row[0] for row in store.query("SELECT number FROM schema_migrations")}


def current_version(store: Store) -> int:
    done = applied(store)
    return max(done) if done else 0


def upgrade(store: Store, until: int | None = None) -> list[Migration]:
    """Apply every pending migration (up to `until`), each in its own transaction."""
    done = applied(store)
    pending = [m for m in available() if m.number not in done]
    if until is not None:
        pending = [m for m in pending if m.number <= until]
    held = bool(done)  # a new store has nothing to back up, whatever runs first
    for migration in pending:
        if migration.rewrites_data and held:
            backup_before(store, migration)
        apply(store.conn, migration)
    return pending


def apply(conn: sqlite3.Connection, migration: Migration) -> None:
    """Run one migration script and record it, all or nothing."""
    record = (
        "INSERT INTO schema_migrations (number, name, applied_at) VALUES "
        f"({migration.number}, '{migration.name}', '{clock.to_text(clock.now())}');"
    )
    with _foreign_keys_off(conn) if migration.rebuilds else nullcontext():
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{migration.sql}\n{record}")
            if migration.rebuilds and (
                broken := conn.execute("PRAGMA foreign_key_check").fetchone()
            ):
                raise sqlite3.IntegrityError(
                    f"migration {migration.number} would break a reference from {broken[0]}"
                )
            conn.execute("COMMIT")
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


@contextmanager
def _foreign_keys_off(conn: sqlite3.Connection) -> Iterator[None]:
    """Foreign keys off for a rebuild (set before its transaction: inside one it is a no-op),
    and as they were found afterwards."""
    enforced = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if enforced else 'OFF'}")


def backup_before(store: Store, migration: Migration) -> Path:
    """Copy the live database with SQLite's backup API before a data migration."""
    folder = store.home / "backups"
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = clock.now().strftime("%Y%m%dT%H%M%S")
    target = folder / f"before-m{migration.number:04d}-{stamp}.db"
    partial = target.with_suffix(".partial")
    snapshot(store.conn, store.key, partial)  # an encrypted store's copy stays encrypted
    partial.rename(target)
    return target
