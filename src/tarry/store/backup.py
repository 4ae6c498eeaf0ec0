"""Backups through SQLite's backup API, and verified restores.

A backup file is a zip (stored, not compressed) holding `manifest.json`, `tarry.db` (a snapshot
taken with the backup API: an encrypted store's snapshot stays encrypted) and, for an encrypted
store, its key header `tarry.key` and sealed contents (backup_file.py reads and checks the file).
It is written to `FILE.partial` and renamed. Backup and restore are verified by comparing
canonical digests of every table's rows; a restored database must have exactly the schema tarry
writes (schema.py), and a plain one restored over an encrypted store is encrypted as it goes.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tarry.base import clock
from tarry.base import home as homes
from tarry.base.errors import Conflict, FormatError, Step, StoreError
from tarry.base.home import Home, Place
from tarry.store import crypto, schema, swap, unlock
from tarry.store.backup_file import (
    CHUNK,
    DB,
    FORMAT,
    HEADER,
    MANIFEST,
    NOT_A_BACKUP_HINT,
    SEALED,
    SUFFIX,
    VERSION,
    extract,
    read_manifest,
    refuse_newer,
    seal_contents,
)
from tarry.store.backup_file import contents as read_contents
from tarry.store.connection import (
    connect,
    connect_encrypted,
    export_encrypted,
    open_read_only,
    snapshot,
)

if TYPE_CHECKING:
    from tarry.store import Store


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    encrypted: bool
    digest: str
    tables: dict[str, int]
    created_at: str
    schema_version: int
    encrypted_on_restore: bool = False  # a plain backup restored over an encrypted store

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "path": str(self.path)}


# --- canonical digest: what "the same data" means ----------------------------------------


def canonical_digest(conn: sqlite3.Connection) -> str:
    """SHA-256 over every table's rows in a fixed order (FTS shadow tables excluded)."""
    digest = hashlib.sha256()
    for table, rows in _table_rows(conn):
        digest.update(json.dumps(table).encode() + b"\n")
        for row in rows:
            digest.update(json.dumps([_plain(v) for v in row], ensure_ascii=False).encode() + b"\n")
    return digest.hexdigest()


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {table: sum(1 for _ in rows) for table, rows in _table_rows(conn)}


def _tables(conn: sqlite3.Connection) -> list[str]:
    found = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        " ORDER BY name"
    ).fetchall()
    virtual = [name for name, sql in found if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return [n for n, _ in found if not any(n.startswith(v + "_") for v in virtual)]


def _table_rows(conn: sqlite3.Connection) -> Any:
    for table in _tables(conn):
        width = len(conn.execute(f'SELECT * FROM "{table}" LIMIT 0').description)
        order = ", ".join(str(i) for i in range(1, width + 1))
        yield table, conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}')


def _plain(value: Any) -> Any:
    return {"blob": bytes(value).hex()} if isinstance(value, bytes | memoryview) else value


# --- backup ------------------------------------------------------------------------------


@contextmanager
def _read_snapshot(store: Store) -> Iterator[None]:
    """A read transaction: writers go on, this connection sees one fixed state."""
    store.execute("BEGIN")
    try:
        store.execute("SELECT count(*) FROM sqlite_master").fetchone()
        yield
    finally:
        store.execute("COMMIT")


def default_path(store: Store) -> Path:
    stamp = clock.now().strftime("%Y%m%dT%H%M%S")
    return store.home / "backups" / f"tarry-{stamp}{SUFFIX}"


def backup(store: Store, dest: Path | None = None) -> BackupInfo:
    """Write a verified backup of `store` to `dest` (default: the store's backups folder)."""
    dest = dest or default_path(store)
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    work = dest.with_name(dest.name + ".db.partial")
    try:
        with _read_snapshot(store):  # the copy and the digest it is checked against agree
            expected = canonical_digest(store.conn)
            tables = table_counts(store.conn)
            snapshot(store.conn, store.key, work)
        info = BackupInfo(
            dest, store.encrypted, expected, tables, clock.to_text(clock.now()), store.version
        )
        _check_copy(work, store.key, expected)
        _write_archive(dest, work, info, store)
    finally:
        work.unlink(missing_ok=True)
    return info


def _check_copy(db: Path, key: bytes | None, expected: str) -> None:
    conn = _open_copy(db, key)
    try:
        ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        same = ok and canonical_digest(conn) == expected
    finally:
        conn.close()
    if not same:
        raise StoreError(
            f"The backup copy of the store did not verify; nothing was written to {db.parent}.",
            "Make the backup again; if it fails again, the store may be damaged.",
            step=Step.BACKUP,
        )


def _open_copy(db: Path, key: bytes | None) -> sqlite3.Connection:
    return connect(db) if key is None else connect_encrypted(db, key)


def _write_archive(dest: Path, db: Path, info: BackupInfo, store: Store) -> None:
    contents = {
        "created_at": info.created_at,
        "digest": info.digest,
        "tables": info.tables,
    }
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "encrypted": info.encrypted,
        "schema_version": info.schema_version,
        "files": {DB: _sha256(db)},
    }
    if not info.encrypted:
        manifest |= contents
    partial = dest.with_name(dest.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
        if info.encrypted:
            assert store.key is not None
            header = crypto.header_path(store.path).read_bytes()
            archive.writestr(HEADER, header)
            manifest["files"][HEADER] = hashlib.sha256(header).hexdigest()
            # What restore needs only once unlocked stays sealed: row counts and a digest of
            # every row would tell a reader of the file how much it holds and confirm guesses.
            archive.writestr(SEALED, seal_contents(store.key, contents))
        archive.write(db, DB)
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
    with partial.open("rb+") as fp:
        os.fsync(fp.fileno())
    partial.chmod(0o600)
    os.replace(partial, dest)
    crypto.sync_directory(dest.parent)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fp:
        while chunk := fp.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- restore -----------------------------------------------------------------------------


def restore(
    src: Path,
    home: Place,
    *,
    replace: bool = False,
    passphrase: str | None = None,
    unlocker: unlock.Unlocker | None = None,
) -> BackupInfo:
    """Replace the store in `home` with the backup `src`, verified against its manifest.

    An existing store is kept in `home/backups/replaced-STAMP/` (only with `replace`).
    Unlocking an encrypted backup takes the passphrase it had when the backup was made. A plain
    backup restored over an encrypted store is encrypted with that store's key (its passphrase
    is asked): a restore never removes encryption.
    """
    directory = homes.ensure(Home.of(home).path)
    swap.finish(directory)
    current_header = crypto.header_path(homes.db_path(directory))
    existing = homes.db_path(directory).exists() or current_header.exists()
    if existing and not replace:
        raise Conflict(
            f"There is already a store in {directory}.",
            "Restore over it on purpose; the current store is kept in backups/.",
            field="replace",
        )
    manifest = read_manifest(src)
    refuse_newer(manifest, src)
    folder = swap.staging(directory)
    try:
        extract(src, folder, manifest)
        key = _staged_key(folder, passphrase, unlocker)
        contents = read_contents(src, manifest, key)
        contents["schema_version"] = _check_schema(folder / DB, key, src)
        _check_copy(folder / DB, key, contents["digest"])
        encrypted_now = key is None and current_header.exists()
        if encrypted_now:
            key = _encrypt_staged(folder, current_header, contents["digest"], passphrase, unlocker)
    except BaseException:
        swap.finish(directory)  # no READY marker: the staging is dropped, the store untouched
        raise
    stamp = clock.now().strftime("%Y%m%dT%H%M%S")
    swap.commit(directory, directory / "backups" / f"replaced-{stamp}" if existing else None)
    info = _verified(src, directory, contents, key)
    return replace_info(info, encrypted_on_restore=encrypted_now)


def replace_info(info: BackupInfo, **changes: Any) -> BackupInfo:
    return BackupInfo(**{**info.__dict__, **changes})


def _staged_key(
    folder: Path, passphrase: str | None, unlocker: unlock.Unlocker | None
) -> bytes | None:
    header = folder / HEADER
    if not header.exists():
        return None
    return unlock.data_key(header, passphrase=passphrase, unlocker=unlocker)


def _check_schema(db: Path, key: bytes | None, src: Path) -> int:
    """Before any row is read: the schema must be exactly one tarry writes (no code inside)."""
    conn = open_read_only(db, key)
    try:
        return schema.check(conn, str(src))
    except sqlite3.DatabaseError as exc:
        raise FormatError(
            f"the database in the backup cannot be read ({exc})",
            path=str(src),
            hint=NOT_A_BACKUP_HINT,
        ) from exc
    finally:
        conn.close()


def _encrypt_staged(
    folder: Path,
    header: Path,
    digest: str,
    passphrase: str | None,
    unlocker: unlock.Unlocker | None,
) -> bytes:
    """Encrypt the staged plain database with the current store's key; stage its header too."""
    key = unlock.data_key(header, passphrase=passphrase, unlocker=unlocker)
    encrypted = folder / (DB + ".encrypted")
    export_encrypted(folder / DB, encrypted, key)
    _check_copy(encrypted, key, digest)
    os.replace(encrypted, folder / DB)
    crypto.write_atomically(folder / HEADER, header.read_bytes())
    return key


def _verified(src: Path, home: Path, contents: dict[str, Any], key: bytes | None) -> BackupInfo:
    """Open the restored store and compare its digest with the backup's."""
    from tarry.store import Store

    with Store.open(home, key=key) as store:
        digest = canonical_digest(store.conn)
        tables = table_counts(store.conn)
        version = store.version
    # A backup from an older tarry was migrated on opening: its rows may differ by design.
    if digest != contents["digest"] and version == contents["schema_version"]:
        raise StoreError(
            f"The restored store in {home} does not match {src}.",
            "The previous store is in backups/replaced-*; move it back and report this.",
        )
    return BackupInfo(src, key is not None, digest, tables, contents["created_at"], version)
