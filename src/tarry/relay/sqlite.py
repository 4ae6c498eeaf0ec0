"""The embedded relay database: one SQLite file, for a relay on one small machine.

One connection behind a lock (SQLite takes one writer at a time anyway), WAL with synchronous=FULL
so a message the relay confirmed survives a crash.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tarry.relay import migrations
from tarry.relay.sql import SqlStorage


class _SqliteTx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params).fetchall()

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> int:
        return self.conn.execute(sql, params).rowcount


class SqliteStorage(SqlStorage):
    engine = "sqlite"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        for pragma in ("busy_timeout = 10000", "journal_mode = WAL", "synchronous = FULL"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.lock = threading.Lock()
        self.path.chmod(0o600)

    @contextmanager
    def _transaction(self) -> Iterator[_SqliteTx]:
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteTx(self.conn)
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @contextmanager
    def _reading(self) -> Iterator[_SqliteTx]:
        with self.lock:
            yield _SqliteTx(self.conn)

    def _apply(self, migration: migrations.Migration) -> bool:
        with self.lock:
            self.conn.execute(migrations.LEDGER)
            if self.conn.execute(
                "SELECT 1 FROM relay_migrations WHERE number = ?", (migration.number,)
            ).fetchone():
                return False
            record = (
                "INSERT INTO relay_migrations (number, name, applied_at) VALUES "
                f"({migration.number}, '{migration.name}', {time.time()});"
            )
            try:
                self.conn.executescript(f"BEGIN IMMEDIATE;\n{migration.sqlite}\n{record}\nCOMMIT;")
            except sqlite3.Error:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
        return True

    def close(self) -> None:
        self.conn.close()

    def size_bytes(self) -> int:
        return sum(
            p.stat().st_size
            for p in (self.path, self.path.with_name(self.path.name + "-wal"))
            if p.exists()
        )
