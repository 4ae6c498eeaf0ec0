"""The one database: opening it, transactions, and small query helpers."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tarry import home as homes
from tarry.errors import StoreError
from tarry.store import migrations
from tarry.store.connection import DAMAGED_HINT, connect

Params = Sequence[Any] | dict[str, Any]


class Store:
    """A person's tarry database. Use `Store.open(home)`; close it or use it as a context."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.home = path.parent
        self._depth = 0

    @classmethod
    def open(cls, home: str | Path | None = None, *, create: bool = True) -> Store:
        """Open the store in `home` (see tarry.home), creating and upgrading it as needed."""
        directory = homes.resolve(home)
        path = homes.db_path(directory)
        if not path.exists() and not create:
            raise StoreError(f"No tarry store in {directory}.", "Run `tarry init` first.")
        homes.ensure(directory)
        conn = connect(path)
        store = cls(conn, path)
        try:
            migrations.upgrade(store)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"Cannot read {path}: {exc}.", DAMAGED_HINT) from exc
        for suffix in ("", "-wal", "-shm"):
            homes.private_file(path.with_name(path.name + suffix))
        return store

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def tx(self) -> Iterator[Store]:
        """One atomic unit of work; nested calls become savepoints."""
        self._depth += 1
        name = f"sp{self._depth}"
        self.conn.execute("BEGIN IMMEDIATE" if self._depth == 1 else f"SAVEPOINT {name}")
        try:
            yield self
        except BaseException:
            if self._depth == 1:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
            raise
        else:
            self.conn.execute("COMMIT" if self._depth == 1 else f"RELEASE {name}")
        finally:
            self._depth -= 1

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    @property
    def version(self) -> int:
        return migrations.current_version(self)
