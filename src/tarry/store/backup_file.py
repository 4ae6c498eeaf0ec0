"""The backup file itself: its manifest, its sealed contents and its members, each checked
before a byte of it is written anywhere.

A backup is a zip of stored (uncompressed) members: `manifest.json`, `tarry.db` and, for an
encrypted store, `tarry.key` and `contents.sealed` (the digest, counts and time, encrypted under a
key derived from the data key). A member is copied out only after its size is known to be the one
tarry would have written, so a forged size cannot make restore write gigabytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import zipfile
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from tarry.base.errors import FormatError, StoreError
from tarry.store import crypto, migrations, schema, swap
from tarry.store.connection import FULL_HINT

FORMAT, VERSION = "tarry-backup", 1
MANIFEST, DB, HEADER, SEALED = "manifest.json", swap.DB, crypto.HEADER_NAME, "contents.sealed"
SEALED_INFO = b"tarry-backup contents v1"
MAX_HEADER = 1 << 16  # a key header is under 2 KiB
SUFFIX = ".tarry-backup"
CHUNK = 1 << 20
PAGE = 4096  # SQLCipher's page size: an encrypted database is whole pages
SQLITE_MAGIC = b"SQLite format 3\x00"
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
    RecursionError,
)


def _contents_key(data_key: bytes) -> AESGCM:
    derived = HKDF(algorithm=SHA256(), length=32, salt=None, info=SEALED_INFO).derive(data_key)
    return AESGCM(derived)


def seal_contents(data_key: bytes, contents: dict[str, Any]) -> bytes:
    """The backup's digest, counts and time, encrypted under a key derived from the data key."""
    nonce = secrets.token_bytes(12)
    return nonce + _contents_key(data_key).encrypt(
        nonce, json.dumps(contents).encode(), SEALED_INFO
    )


def open_contents(data_key: bytes, sealed: bytes, src: Path) -> dict[str, Any]:
    try:
        plain = _contents_key(data_key).decrypt(sealed[:12], sealed[12:], SEALED_INFO)
        contents = json.loads(plain)
    except (InvalidTag, ValueError, RecursionError) as exc:
        raise FormatError(f"{SEALED} does not belong to this backup's key", path=str(src)) from exc
    if not isinstance(contents, dict):
        raise FormatError(f"{SEALED} is damaged", path=str(src), hint=NOT_A_BACKUP_HINT)
    return contents


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


def refuse_newer(manifest: dict[str, Any], src: Path) -> None:
    """A backup from a newer tarry is refused before anything is unpacked."""
    version, newest = manifest.get("schema_version"), migrations.available()[-1].number
    if isinstance(version, int) and version > newest:
        raise FormatError(
            f"the backup has schema version {version}, newer than this tarry knows ({newest})",
            path=str(src),
            hint=schema.NEWER_HINT,
        )


def extract(src: Path, folder: Path, manifest: dict[str, Any]) -> None:
    """Copy the known members out (never a path taken from the archive), checking each hash."""
    files = manifest.get("files")
    if not isinstance(files, dict) or DB not in files:
        raise FormatError("the manifest lists no database", path=str(src), hint=NOT_A_BACKUP_HINT)
    try:
        with zipfile.ZipFile(src) as archive:
            names = [name for name in (DB, HEADER) if name in files]
            for name in names:  # every size is checked before a byte is written
                _check_member(archive, name, src, bool(manifest.get("encrypted")))
            for name in names:
                _copy_member(archive, name, folder, files[name], src)
    except ZIP_ERRORS as exc:
        raise FormatError(f"damaged backup ({exc})", path=str(src), hint=NOT_A_BACKUP_HINT) from exc


def _check_member(archive: zipfile.ZipFile, name: str, src: Path, encrypted: bool) -> None:
    """tarry stores members uncompressed, so none can write more than the backup's own size."""
    info = archive.getinfo(name)
    stored = info.compress_type == zipfile.ZIP_STORED and info.file_size == info.compress_size
    if not stored or (name == HEADER and info.file_size > MAX_HEADER):
        raise FormatError(
            f"{name} is compressed or oversized ({info.file_size} bytes); tarry writes neither",
            path=str(src),
            hint=NOT_A_BACKUP_HINT,
        )
    if name == DB:
        with archive.open(name) as member:
            head = member.read(100)
        _check_database_size(head, info.file_size, src, encrypted)


def _check_database_size(head: bytes, size: int, src: Path, encrypted: bool) -> None:
    """The size the database says it has (plain) or whole pages (encrypted), before copying."""
    if encrypted:
        fits = size > 0 and size % PAGE == 0 and not head.startswith(SQLITE_MAGIC)
    else:
        page = int.from_bytes(head[16:18], "big") if len(head) == 100 else 0
        page = 65536 if page == 1 else page
        pages = int.from_bytes(head[28:32], "big") if len(head) == 100 else 0
        fits = head.startswith(SQLITE_MAGIC) and page >= 512 and size == page * pages
    if not fits:
        raise FormatError(
            f"the database in the backup is not a whole {'encrypted ' if encrypted else ''}"
            f"SQLite file of {size} bytes",
            path=str(src),
            hint=NOT_A_BACKUP_HINT,
        )


def _copy_member(
    archive: zipfile.ZipFile, name: str, folder: Path, expected: Any, src: Path
) -> None:
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
    if digest.hexdigest() != expected:
        raise FormatError(f"{name} does not match its checksum", path=str(src))


def contents(src: Path, manifest: dict[str, Any], key: bytes | None) -> dict[str, Any]:
    """The digest, counts and time: in the manifest of a plain backup, sealed in an encrypted one
    (older encrypted backups kept them in the manifest too)."""
    contents: Any = manifest
    if key is not None and "digest" not in manifest:
        try:
            with zipfile.ZipFile(src) as archive, archive.open(SEALED) as member:
                sealed = member.read(1 << 20)
        except ZIP_ERRORS as exc:
            raise FormatError(
                f"damaged backup ({exc})", path=str(src), hint=NOT_A_BACKUP_HINT
            ) from exc
        contents = open_contents(key, sealed, src)
    if not isinstance(contents.get("digest"), str):
        raise FormatError("the backup names no digest", path=str(src), hint=NOT_A_BACKUP_HINT)
    return {
        "digest": contents["digest"],
        "created_at": str(contents.get("created_at", "")),
    }
