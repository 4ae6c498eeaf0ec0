"""Forged backups: a real `tarry backup` whose database is changed, with a manifest to match.

The manifest's checksums are recomputed, so only the checks that look at the database itself (its
schema, its size, its version) stand between a forged file and the store.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tarry.declare import people
from tarry.reflect import moments
from tarry.store import Store, backup, migrations

Change = Callable[[sqlite3.Connection], None]


def genuine(root: Path, name: str = "genuine") -> Path:
    """A plain backup of a small store (two people, one moment)."""
    home = root / f"{name}-home"
    with Store.open(home) as store:
        people.add(store, "Sam", note="likes rain")
        people.add(store, "Alex")
        moments.log(store, ["Sam"], note="a long walk")
        return backup.backup(store, root / f"{name}.tarry-backup").path


def older_backup(root: Path) -> tuple[Path, str]:
    """A backup made at the first migrations (as an older tarry wrote it), upgraded on restore;
    and the digest of its rows (one person, Sam)."""
    home = root / "old-home"
    home.mkdir()
    conn = sqlite3.connect(home / "tarry.db", isolation_level=None)
    conn.execute(migrations.LEDGER)
    first = migrations.available()[0]
    migrations.apply(conn, first)
    conn.execute("INSERT INTO people (name, created_at) VALUES ('Sam', '2026-01-01T00:00:00Z')")
    digest = backup.canonical_digest(conn)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    made = root / "older.tarry-backup"
    raw = (home / "tarry.db").read_bytes()
    manifest = {"format": "tarry-backup", "version": 1, "encrypted": False,
                "schema_version": first.number, "digest": digest, "created_at": "x",
                "files": {"tarry.db": hashlib.sha256(raw).hexdigest()}}  # fmt: skip
    with zipfile.ZipFile(made, "w") as out:
        out.writestr("tarry.db", raw)
        out.writestr("manifest.json", json.dumps(manifest))
    return made, digest


def forge(
    src: Path,
    dest: Path,
    change: Change | None = None,
    *,
    manifest: dict[str, Any] | None = None,
    db: bytes | None = None,
    compress: bool = False,
) -> Path:
    """Copy the plain backup `src` to `dest`, its database changed by `change` (or replaced by
    `db`), with a manifest whose checksum matches the changed database."""
    work = dest.with_name(dest.name + ".db")
    with zipfile.ZipFile(src) as archive:
        work.write_bytes(archive.read(backup.DB) if db is None else db)
        original = json.loads(archive.read(backup.MANIFEST))
    digest = ""
    if db is None:  # the digest of the rows before the change: a forger can match either
        conn = sqlite3.connect(work, isolation_level=None)
        digest = backup.canonical_digest(conn)
        if change is not None:
            change(conn)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
    raw = work.read_bytes()
    work.unlink()
    fields = {**original, "digest": digest, "files": {backup.DB: hashlib.sha256(raw).hexdigest()}}
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(dest, "w", method) as out:
        out.writestr(backup.DB, raw)
        out.writestr(backup.MANIFEST, json.dumps({**fields, **(manifest or {})}))
    return dest
