"""Opening the SQLite file: the one place that knows about drivers and pragmas."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tarry.errors import StoreError

DAMAGED_HINT = (
    "The database file looks damaged. Nothing was changed. Restore a backup "
    "(`tarry import-backup FILE`), or move the file aside and run `tarry init`."
)


def connect(path: Path) -> sqlite3.Connection:
    """Open (or create) the database in autocommit mode; transactions are explicit."""
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        configure(conn)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"Cannot open {path}: {exc}.", DAMAGED_HINT) from exc
    return conn


def configure(conn: sqlite3.Connection) -> None:
    """Durability first: WAL with synchronous=FULL, foreign keys on, wait for other writers."""
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA temp_store = MEMORY")
