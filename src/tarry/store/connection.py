"""Opening the SQLite file: the one place that knows about drivers and pragmas.

Plain stores use the standard library's sqlite3; encrypted stores use SQLCipher 4 (`sqlcipher3`),
keyed with the raw 256-bit data key. Errors from SQLCipher are re-raised as the standard library's
exception classes, so the rest of tarry catches one family of errors whichever store it works on.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as cipher

from tarry.base.errors import Step, StoreError, TarryError

DAMAGED_HINT = (
    "The database file looks damaged. Nothing was changed. Restore a backup, or move the file"
    " aside to start a new store."
)
FULL_HINT = "Nothing was changed. Free some disk space and try again."
BUSY_HINT = "Another tarry command (or the web app) is writing; wait for it and try again."

# SQLite primary result codes that mean the file, not the request, is the problem.
SQLITE_FULL, SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_BUSY = 13, 11, 26, 5


def snapshot(conn: Any, key: bytes | None, target: Path) -> None:
    """Copy a live database into `target` with the backup API (encrypted stays encrypted)."""
    if key is None:
        dest: Any = sqlite3.connect(target)
    else:
        dest = cipher.connect(str(target))
        apply_key(dest, key)
    try:
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
    finally:
        dest.close()
    target.chmod(0o600)


def connect(path: Path) -> sqlite3.Connection:
    """Open (or create) a plain database in autocommit mode; transactions are explicit."""
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        configure(conn)
    except sqlite3.DatabaseError as exc:
        raise damaged_store(f"Cannot open {path}: {exc}.") from exc
    return conn


def connect_encrypted(path: Path, key: bytes, *, verify: bool = True) -> sqlite3.Connection:
    """Open (or create) an SQLCipher database keyed with the raw 256-bit `key`.

    With `verify`, the key is first checked on a read-only connection, so a wrong key or a
    damaged first page is reported before anything (a -wal or -shm file included) is written.
    """
    if verify and path.exists():
        check_key(path, key)
    try:
        conn = cipher.connect(
            str(path), isolation_level=None, check_same_thread=False, factory=CipherConnection
        )
        conn.row_factory = cipher.Row
        apply_key(conn, key)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        configure(conn)
    except sqlite3.DatabaseError as exc:
        raise damaged(path, exc) from exc
    return conn


def check_key(path: Path, key: bytes) -> None:
    """Read the schema through a read-only connection; raise StoreError if that fails."""
    uri = f"{path.resolve().as_uri()}?mode=ro"  # as_uri escapes '?' and '#' in the path
    probe = cipher.connect(uri, uri=True, factory=CipherConnection)
    try:
        apply_key(probe, key)
        probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise damaged(path, exc) from exc
    finally:
        probe.close()


def open_read_only(path: Path, key: bytes | None) -> sqlite3.Connection:
    """A read-only connection that runs none of the file's own code in functions it calls.

    For files tarry did not make itself (a backup to restore): `trusted_schema` off keeps
    views and triggers from calling functions with side effects.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    conn: Any = (
        sqlite3.connect(uri, uri=True)
        if key is None
        else cipher.connect(uri, uri=True, factory=CipherConnection)
    )
    try:
        if key is not None:
            apply_key(conn, key)
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise damaged(path, exc) from exc
    return conn


def apply_key(conn: Any, key: bytes) -> None:
    """Key a fresh SQLCipher connection. The raw-key form skips SQLCipher's own slow KDF."""
    if len(key) != 32:
        raise ValueError("SQLCipher data keys are 32 bytes")
    conn.execute("PRAGMA cipher_log_level = NONE")  # no HMAC failure noise on stderr
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")


def configure(conn: sqlite3.Connection) -> None:
    """Durability first: WAL with synchronous=FULL, foreign keys on, wait for other writers."""
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA temp_store = MEMORY")


def export_encrypted(plain: Path, target: Path, key: bytes) -> None:
    """Copy every table, index and trigger of a plain database into a new SQLCipher file."""
    conn = cipher.connect(str(plain), isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        raw_key = f"x'{key.hex()}'"  # SQLCipher's raw-key form: no second KDF
        conn.execute("ATTACH DATABASE ? AS encrypted KEY ?", (str(target), raw_key))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()
    target.chmod(0o600)


def is_encrypted_file(path: Path) -> bool:
    """True when `path` exists and does not start with the plain SQLite header.

    Never call this on a database this process may have open: closing any file descriptor of
    a file drops every POSIX lock the process holds on it, SQLite's included, and another
    process may then take itself for the last connection and remove the write-ahead log from
    under this one ("disk I/O error"). SQLite's own connections defer such closes.
    """
    with path.open("rb") as fp:
        head = fp.read(16)
    return len(head) > 0 and head != b"SQLite format 3\x00"


def damaged_store(message: str, hint: str = DAMAGED_HINT) -> StoreError:
    """A store that cannot be read: say so, and that a backup can be restored."""
    return StoreError(message, hint, step=Step.RESTORE)


def damaged(path: Path, exc: BaseException) -> StoreError:
    """The error for a database file that cannot be read (flipped bytes, truncation, junk)."""
    return damaged_store(f"The store {path} is damaged or unreadable ({exc}).")


def as_store_error(exc: sqlite3.Error, path: Path | str = "the store") -> StoreError | None:
    """The StoreError a user should see for a low-level error, or None for ordinary bugs.

    Used at the edges (CLI, web) so a damaged file or a full disk never shows as a traceback.
    """
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in str(exc):
        return damaged_store(f"The store {path} is damaged ({exc}).")
    if code == SQLITE_FULL:
        return StoreError(f"The disk holding {path} is full.", FULL_HINT)
    if code == SQLITE_BUSY:
        return StoreError(f"The store {path} is busy.", BUSY_HINT)
    return None


def explained(exc: BaseException, path: Path | str = "the store") -> TarryError | None:
    """The typed error a person should see for any exception, or None for a bug.

    The one translation both edges use (cli/main.py, web/errors.py): tarry's own errors as
    they are; a damaged, busy or full database; a full, read-only or forbidden disk.
    """
    if isinstance(exc, TarryError):
        return exc
    if isinstance(exc, sqlite3.Error):
        return as_store_error(exc, path)
    if isinstance(exc, OSError):
        return _disk_error(exc, path)
    return None


def _disk_error(exc: OSError, path: Path | str) -> StoreError | None:
    where = exc.filename or path
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreError(f"The disk holding {where} is full.", FULL_HINT)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return StoreError(
            f"tarry may not write {where} ({exc.strerror}).",
            "Nothing was changed. Check who owns the folder and its permissions.",
        )
    if exc.errno == errno.EROFS:
        return StoreError(
            f"{where} is on a read-only disk.", "Nothing was changed. Choose a writable home."
        )
    return None


def _translate(exc: Exception) -> Exception:
    """The standard library's exception of the same name, keeping the SQLite error code."""
    kind = getattr(sqlite3, type(exc).__name__, sqlite3.DatabaseError)
    twin = kind(*exc.args)
    for attr in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(exc, attr):
            setattr(twin, attr, getattr(exc, attr))
    return twin


class CipherCursor(cipher.Cursor):
    """An SQLCipher cursor that raises the standard library's exceptions."""

    def execute(self, sql: str, params: Any = ()) -> Any:
        try:
            return super().execute(sql, params)
        except cipher.Error as exc:
            raise _translate(exc) from exc

    def executemany(self, sql: str, seq: Iterable[Any]) -> Any:
        try:
            return super().executemany(sql, seq)
        except cipher.Error as exc:
            raise _translate(exc) from exc

    def __next__(self) -> Any:
        try:
            return super().__next__()
        except cipher.Error as exc:
            raise _translate(exc) from exc

    def fetchone(self) -> Any:
        try:
            return super().fetchone()
        except cipher.Error as exc:
            raise _translate(exc) from exc

    def fetchmany(self, size: int | None = None) -> list[Any]:
        try:
            return super().fetchmany(self.arraysize if size is None else size)
        except cipher.Error as exc:
            raise _translate(exc) from exc

    def fetchall(self) -> list[Any]:
        try:
            return super().fetchall()
        except cipher.Error as exc:
            raise _translate(exc) from exc


class CipherConnection(cipher.Connection):
    """An SQLCipher connection that raises the standard library's exceptions."""

    def cursor(self, factory: Any = None) -> Any:
        return super().cursor(factory or CipherCursor)

    def execute(self, sql: str, params: Any = ()) -> Any:
        try:
            return super().execute(sql, params)
        except cipher.Error as exc:
            raise _translate(exc) from exc

    def executemany(self, sql: str, seq: Iterable[Any]) -> Any:
        try:
            return super().executemany(sql, seq)
        except cipher.Error as exc:
            raise _translate(exc) from exc

    def executescript(self, script: str) -> Any:
        try:
            return super().executescript(script)
        except cipher.Error as exc:
            raise _translate(exc) from exc

    def commit(self) -> None:
        try:
            super().commit()
        except cipher.Error as exc:
            raise _translate(exc) from exc
