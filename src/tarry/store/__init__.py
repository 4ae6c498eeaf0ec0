"""The one database: opening it, transactions, and small query helpers."""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tarry.base import home as homes
from tarry.base import scratch
from tarry.base.errors import Step, StoreError
from tarry.base.home import Home, Place
from tarry.store import crypto, integrity, migrations, swap, unlock
from tarry.store.connection import (
    DAMAGED_HINT,
    connect,
    connect_encrypted,
    damaged_store,
    is_encrypted_file,
)

Params = Sequence[Any] | dict[str, Any]
NEW_PREFIX = "tarry.db.new-"  # then the creating process's pid


class Store:
    """A person's tarry database. Use `Store.open(home)`; close it or use it as a context."""

    def __init__(self, conn: sqlite3.Connection, path: Path, key: bytes | None = None) -> None:
        self.conn = conn
        self.path = path
        self.home = path.parent
        self.key = key  # the SQLCipher data key of an encrypted store, else None
        self._depth = 0

    @property
    def encrypted(self) -> bool:
        return self.key is not None

    @classmethod
    def open(
        cls,
        home: Place,
        *,
        create: bool = True,
        passphrase: str | None = None,
        unlocker: unlock.Unlocker | None = None,
        key: bytes | None = None,
    ) -> Store:
        """Open the store in `home` (a resolved `Home`, or a folder as it is), creating and
        upgrading it as needed.

        An encrypted store is unlocked with `passphrase`, else through `unlocker` (file,
        TARRY_PASSPHRASE, keyring, prompt: see tarry.store.unlock), or directly with the data
        `key` that `unlock.data_key` returned (the web app unlocks once, then opens per request).
        """
        directory = Home.of(home).path
        path = homes.db_path(directory)
        header = crypto.header_path(path)
        if directory.is_dir():
            swap.finish(directory)
        if not path.exists() and not header.exists():
            if not create:
                raise StoreError(f"No tarry store in {directory}.", step=Step.INIT)
            create_plain(homes.ensure(directory))
        homes.ensure(directory)
        integrity.refuse_missing(path, header)
        if header.exists():
            key = key or unlock.data_key(header, passphrase=passphrase, unlocker=unlocker)
            integrity.probe(path, key)
            conn = connect_encrypted(path, key, verify=False)
        else:
            try:
                integrity.probe(path, None)
            except StoreError:
                _refuse_headerless(path)  # a clearer word, for a file that cannot be read
                raise
            key, conn = None, connect(path)
        return cls._upgraded(conn, path, key)

    @classmethod
    def _upgraded(cls, conn: sqlite3.Connection, path: Path, key: bytes | None) -> Store:
        store = cls(conn, path, key)
        try:
            migrations.upgrade(store)
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise damaged_store(f"Cannot read {path}: {exc}.") from exc
        for name in (path.name, path.name + "-wal", path.name + "-shm", crypto.HEADER_NAME):
            homes.private_file(path.with_name(name))
        return store

    def close(self) -> None:
        self.conn.close()
        if self.path.name == homes.DB_NAME:
            integrity.note(self.path)  # as tarry leaves it: no full check next time

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
            # SQLite may already have rolled back on its own (a full disk, say): then the
            # original error must surface, not "cannot rollback - no transaction is active".
            if not self.conn.in_transaction:
                raise
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


def create_plain(directory: Path) -> None:
    """A new plain store, made whole under another name and linked in: a tarry.db that exists
    is never half-made (an empty one is damage), and two processes creating it at once agree."""
    path = homes.db_path(directory)
    scratch.sweep(directory, NEW_PREFIX)  # left by a process killed while creating
    partial = directory / f"{NEW_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        build(partial, None)
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def build(path: Path, key: bytes | None) -> None:
    """Create the database at `path` with every migration applied, leaving no -wal beside it."""
    conn = connect(path) if key is None else connect_encrypted(path, key, verify=False)
    try:
        migrations.upgrade(Store(conn, path, key))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    homes.private_file(path)
    path.with_name(path.name + "-wal").unlink(missing_ok=True)


def _refuse_headerless(path: Path) -> None:
    """A database that is not plain SQLite and has no key header cannot be opened."""
    if path.exists() and path.stat().st_size and is_encrypted_file(path):
        raise damaged_store(
            f"The store {path} is damaged, or encrypted without its key header "
            f"({crypto.HEADER_NAME}) beside it.",
            DAMAGED_HINT + f" If it was encrypted, put its {crypto.HEADER_NAME} back beside it.",
        )
