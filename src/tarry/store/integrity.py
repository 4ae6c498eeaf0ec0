"""Is the database file whole? Checked read-only before tarry opens it for writing.

Every open reads the schema through a read-only connection first, so damage is reported before
anything (a `-wal` or `-shm` file included) is written. When the file is not as tarry last left it
(its size, modification time or inode differ from what tarry noted after its own last use), every
page is read too (`quick_check`; in an encrypted store that also checks each page's HMAC), if the
file is small enough for that to be quick. A truncated file, a flipped page or a missing or
emptied database is then damage, named, before any command answers from it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Any

import sqlcipher3.dbapi2 as cipher

from tarry.base.errors import Step, StoreError
from tarry.store.connection import CipherConnection, apply_key, damaged_store

NOTE_SUFFIX = "-verified"  # beside tarry.db: the file's state when tarry last used it
NOTE_WIDTH = 64  # the note is padded to a fixed width, so it is rewritten in place
FULL_CHECK_LIMIT = 256 << 20  # reading every page costs about 10 ms per MB
GONE_HINT = (
    "Nothing was changed. Restore a backup over it; backups are in the backups/ folder"
    " beside it unless you keep them elsewhere."
)


def refuse_missing(path: Path, header: Path) -> None:
    """A store that existed (its key header is here) but whose database is gone or empty is
    damage; so is an empty database, or anything other than a file, in its place."""
    if path.is_dir() or (path.exists() and not path.is_file()):
        raise damaged_store(f"The store {path} is not a file.")
    if header.exists() and not path.exists():
        raise StoreError(
            f"The store's database {path} is missing, but its key header {header.name} is there.",
            GONE_HINT,
            step=Step.RESTORE,
        )
    if path.exists() and path.stat().st_size == 0:
        raise StoreError(
            f"The store's database {path} is empty (0 bytes).", GONE_HINT, step=Step.RESTORE
        )


def probe(path: Path, key: bytes | None) -> None:
    """Read the schema (and, when the file changed behind tarry's back, every page) without
    writing anything; StoreError if that fails."""
    full = changed(path) and path.stat().st_size <= FULL_CHECK_LIMIT
    immutable = not _log_to_replay(path)
    try:
        _read(path, key, full, immutable)
    except (sqlite3.DatabaseError, cipher.DatabaseError) as exc:
        # Read as immutable, the file may have been caught mid-checkpoint by another process
        # that started writing since: then read it again the ordinary way, as that one sees it.
        if not (immutable and _log_to_replay(path)):
            raise damaged_store(f"The store {path} is damaged or unreadable ({exc}).") from exc
        try:
            _read(path, key, full, immutable=False)
        except (sqlite3.DatabaseError, cipher.DatabaseError) as again:
            raise damaged_store(f"The store {path} is damaged or unreadable ({again}).") from again
    if full:
        note(path)


def _read(path: Path, key: bytes | None, full: bool, immutable: bool) -> None:
    conn = _read_only(path, key, immutable)
    try:
        if key is not None:
            apply_key(conn, key)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        if full:
            result = conn.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {result}")
    finally:
        conn.close()


def _log_to_replay(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def _read_only(path: Path, key: bytes | None, immutable: bool) -> Any:
    """With no log to replay, the file is read as it is (immutable: no -wal or -shm made)."""
    uri = f"{path.resolve().as_uri()}?{'immutable=1' if immutable else 'mode=ro'}"
    if key is None:
        return sqlite3.connect(uri, uri=True)
    return cipher.connect(uri, uri=True, factory=CipherConnection)


def _state(path: Path) -> str:
    info = path.stat()
    return f"{info.st_size} {info.st_mtime_ns} {info.st_ino}".ljust(NOTE_WIDTH)


def _noted(path: Path) -> str:
    try:
        return path.with_name(path.name + NOTE_SUFFIX).read_text()
    except OSError:
        return ""


def changed(path: Path) -> bool:
    """True unless the file is as tarry noted it after its own last use."""
    try:
        return _noted(path) != _state(path)
    except OSError:
        return True


def note(path: Path) -> None:
    """Note the file's state after tarry used it: a hint only (a torn or lost note just means
    one more full check), so it is written in place, unsynced, and only when it changed
    (replacing a file by rename makes some file systems flush it: milliseconds per command)."""
    with contextlib.suppress(OSError):
        state = _state(path)
        if _noted(path) == state:
            return
        target = path.with_name(path.name + NOTE_SUFFIX)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            os.pwrite(fd, state.encode(), 0)
        finally:
            os.close(fd)
