"""Scenario 24 (issue 17, 15): an encrypted backup tells nothing before it is unlocked, and every
file written in plain text from an encrypted store says so.

The manifest of an encrypted backup keeps only what restore needs before unlocking (format,
version, that it is encrypted, the schema version, the members' checksums); row counts, the
digest of every row and the time are sealed under the data key. `export`, `export-csv`,
`review --markdown` and `calendar export` warn that what they wrote is not encrypted.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tarry.declare import people
from tarry.store import Store, backup
from tests.trust.conftest import PASS, Env, fingerprint

NOTICE = "plain text, not encrypted"


def _backup(env: Env) -> Path:
    with Store.open(env.home, passphrase=PASS) as store:
        people.add(store, "Sam", note="likes rain")
        return backup.backup(store, env.root / "e.tarry-backup").path


def test_the_manifest_says_only_what_restore_needs(encrypted: Env) -> None:
    made = _backup(encrypted)
    with zipfile.ZipFile(made) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        sealed = archive.read("contents.sealed")
    assert sorted(manifest) == ["encrypted", "files", "format", "schema_version", "version"]
    assert sorted(manifest["files"]) == ["tarry.db", "tarry.key"]
    assert b"people" not in sealed and b"digest" not in sealed
    done = encrypted.run("--home", str(encrypted.root / "copy"), "restore", str(made),
                         TARRY_PASSPHRASE=PASS)  # fmt: skip
    assert done.returncode == 0 and "verified" in done.stdout, done.stderr


def _rewritten(src: Path, dest: Path, change: dict[str, bytes | None]) -> Path:
    with zipfile.ZipFile(src) as archive, zipfile.ZipFile(dest, "w") as out:
        for name in archive.namelist():
            data = change.get(name, archive.read(name))
            if data is not None:
                out.writestr(name, data)
    return dest


def test_sealed_contents_that_were_tampered_with_are_refused(encrypted: Env) -> None:
    made = _backup(encrypted)
    with zipfile.ZipFile(made) as archive:
        sealed = bytearray(archive.read("contents.sealed"))
    sealed[20] ^= 1
    bad = _rewritten(made, encrypted.root / "bad.tarry-backup", {"contents.sealed": bytes(sealed)})
    home = encrypted.root / "copy"
    done = encrypted.run("--home", str(home), "restore", str(bad), TARRY_PASSPHRASE=PASS)
    assert done.returncode == 2 and "contents.sealed" in done.stderr, done.stderr
    assert not (home / "tarry.db").exists()


def test_an_older_encrypted_backup_still_restores(encrypted: Env) -> None:
    """Backups written before this change kept the digest in the manifest: still accepted."""
    made = _backup(encrypted)
    with Store.open(encrypted.home, passphrase=PASS) as store:
        digest = backup.canonical_digest(store.conn)
    with zipfile.ZipFile(made) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    manifest |= {"digest": digest, "tables": {"people": 1}, "created_at": "2026-11-19T12:00:00Z"}
    older = _rewritten(
        made,
        encrypted.root / "older.tarry-backup",
        {"manifest.json": json.dumps(manifest).encode(), "contents.sealed": None},
    )
    home = encrypted.root / "copy"
    done = encrypted.run("--home", str(home), "restore", str(older), TARRY_PASSPHRASE=PASS)
    assert done.returncode == 0, done.stderr


COMMANDS = {
    "export": ["export", "-o", "{out}"],
    "export-csv": ["export-csv", "people", "-o", "{out}"],
    "review --markdown": ["review", "--markdown", "{out}"],
    "calendar export": ["calendar", "export", "-o", "{out}"],
}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_plain_files_from_an_encrypted_store_carry_a_warning(encrypted: Env, name: str) -> None:
    out = encrypted.root / "out.file"
    args = [a.format(out=out) for a in COMMANDS[name]]
    done = encrypted.run(*args, TARRY_PASSPHRASE=PASS)
    assert done.returncode == 0 and out.exists(), done.stderr
    assert NOTICE in done.stderr


@pytest.mark.parametrize("name", list(COMMANDS))
def test_a_plain_store_needs_no_warning(env: Env, name: str) -> None:
    out = env.root / "out.file"
    Store.open(env.home).close()
    before = fingerprint(env.home)
    done = env.run(*[a.format(out=out) for a in COMMANDS[name]])
    assert done.returncode == 0 and NOTICE not in done.stderr, done.stderr
    assert fingerprint(env.home) == before
