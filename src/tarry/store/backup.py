"""Backups through SQLite's backup API, and verified restores.

A backup file is a zip (stored, not compressed) holding `manifest.json`, `tarry.db` (a snapshot
taken with the backup API: an encrypted store's snapshot stays encrypted) and, for an encrypted
store, its key header `tarry.key`. It is written to `FILE.partial` and renamed. Backup and restore
are verified by comparing canonical digests of every table's rows.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
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
from tarry.store import crypto, swap, unlock
from tarry.store.connection import FULL_HINT, connect, connect_encrypted, snapshot

if TYPE_CHECKING:
    from tarry.store import Store

FORMAT, VERSION = "tarry-backup", 1
MANIFEST, DB, HEADER = "manifest.json", swap.DB, crypto.HEADER_NAME
SUFFIX = ".tarry-backup"
CHUNK = 1 << 20
NOT_A_BACKUP_HINT = "Give a file written by tarry's backup."
# What the zipfile module raises for damaged or unsupported archives (and json for bad text).
ZIP_ERRORS = (
    OSError,
    zipfile.BadZipFile,
    KeyError,
    ValueError,
    NotImplementedError,
    EOFError,
    RuntimeError,
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    encrypted: bool
    digest: str
    tables: dict[str, int]
    created_at: str
    schema_version: int

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
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": info.created_at,
        "encrypted": info.encrypted,
        "schema_version": info.schema_version,
        "digest": info.digest,
        "tables": info.tables,
        "files": {DB: _sha256(db)},
    }
    partial = dest.with_name(dest.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_STORED) as archive:
        if info.encrypted:
            header = crypto.header_path(store.path).read_bytes()
            archive.writestr(HEADER, header)
            manifest["files"][HEADER] = hashlib.sha256(header).hexdigest()
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


def read_manifest(src: Path) -> dict[str, Any]:
    """The manifest of a backup file; FormatError if `src` is not one."""
    try:
        with zipfile.ZipFile(src) as archive, archive.open(MANIFEST) as member:
            manifest = json.loads(member.read(1 << 20))  # bounded: never inflate a bomb
    except ZIP_ERRORS as exc:
        raise FormatError(
            f"not a tarry backup ({exc})", path=str(src), hint=NOT_A_BACKUP_HINT
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise FormatError("not a tarry backup manifest", path=str(src), hint=NOT_A_BACKUP_HINT)
    if manifest.get("version") != VERSION:
        raise FormatError(
            f"backup format version {manifest.get('version')} is not supported",
            path=str(src),
            hint="Restore it with the tarry version that wrote it.",
        )
    return manifest


def _extract(src: Path, folder: Path, manifest: dict[str, Any]) -> None:
    """Copy the known members out (never a path taken from the archive), checking each hash."""
    files = manifest.get("files")
    if not isinstance(files, dict) or DB not in files:
        raise FormatError("the manifest lists no database", path=str(src), hint=NOT_A_BACKUP_HINT)
    try:
        _copy_members(src, folder, files)
    except ZIP_ERRORS as exc:
        raise FormatError(f"damaged backup ({exc})", path=str(src), hint=NOT_A_BACKUP_HINT) from exc


def _copy_members(src: Path, folder: Path, files: dict[str, Any]) -> None:
    with zipfile.ZipFile(src) as archive:
        for name in (DB, HEADER):
            if name not in files:
                continue
            if archive.getinfo(name).file_size > shutil.disk_usage(folder).free:
                raise StoreError(f"Not enough free disk space to restore {src}.", FULL_HINT)
            digest = hashlib.sha256()
            target = folder / name
            with archive.open(name) as member, target.open("wb") as out:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            target.chmod(0o600)
            if digest.hexdigest() != files[name]:
                raise FormatError(f"{name} does not match its checksum", path=str(src))


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
    Unlocking an encrypted backup takes the passphrase it had when the backup was made.
    """
    directory = homes.ensure(Home.of(home).path)
    swap.finish(directory)
    existing = (
        homes.db_path(directory).exists() or crypto.header_path(homes.db_path(directory)).exists()
    )
    if existing and not replace:
        raise Conflict(
            f"There is already a store in {directory}.",
            "Restore over it on purpose; the current store is kept in backups/.",
            field="replace",
        )
    manifest = read_manifest(src)
    folder = swap.staging(directory)
    try:
        _extract(src, folder, manifest)
        key = _staged_key(folder, passphrase, unlocker)
        _check_copy(folder / DB, key, manifest["digest"])
    except BaseException:
        swap.finish(directory)  # no READY marker: the staging is dropped, the store untouched
        raise
    stamp = clock.now().strftime("%Y%m%dT%H%M%S")
    swap.commit(directory, directory / "backups" / f"replaced-{stamp}" if existing else None)
    return _verified(src, directory, manifest, key)


def _staged_key(
    folder: Path, passphrase: str | None, unlocker: unlock.Unlocker | None
) -> bytes | None:
    header = folder / HEADER
    if not header.exists():
        return None
    return unlock.data_key(header, passphrase=passphrase, unlocker=unlocker)


def _verified(src: Path, home: Path, manifest: dict[str, Any], key: bytes | None) -> BackupInfo:
    """Open the restored store and compare its digest with the backup's."""
    from tarry.store import Store

    with Store.open(home, key=key) as store:
        digest = canonical_digest(store.conn)
        tables = table_counts(store.conn)
        version = store.version
    if digest != manifest["digest"] and version == manifest.get("schema_version"):
        raise StoreError(
            f"The restored store in {home} does not match {src}.",
            "The previous store is in backups/replaced-*; move it back and report this.",
        )
    return BackupInfo(src, key is not None, digest, tables, str(manifest["created_at"]), version)
