"""Backups (SQLite backup API, zip with manifest) and verified restores, plain and encrypted."""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from pathlib import Path

import pytest

from tarry.base.errors import Conflict, FormatError, LockedError, StoreError
from tarry.declare import people
from tarry.store import Store, backup, encryption, swap

PASS = "correct horse battery"


@pytest.fixture(autouse=True)
def _floor_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARRY_KDF", "minimum")


def _fill(store: Store) -> None:
    people.add(store, "Sam", note="likes rain")
    store.execute("INSERT INTO entries (at, body) VALUES ('2026-11-01T10:00:00Z', 'a quiet day')")


def _snapshot(home: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in home.iterdir() if p.is_file()}


def test_plain_backup_is_a_zip_with_a_verified_manifest(store: Store, tmp_path: Path) -> None:
    _fill(store)
    info = backup.backup(store, tmp_path / "b.tarry-backup")
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["b.tarry-backup"]
    assert stat.S_IMODE(info.path.stat().st_mode) == 0o600
    with zipfile.ZipFile(info.path) as archive:
        assert sorted(archive.namelist()) == ["manifest.json", "tarry.db"]
        manifest = json.loads(archive.read("manifest.json"))
        assert archive.read("tarry.db").startswith(b"SQLite format 3")
    assert manifest["digest"] == backup.canonical_digest(store.conn) == info.digest
    assert manifest["encrypted"] is False
    assert manifest["tables"]["people"] == 1 and manifest["tables"]["entries"] == 1


def test_the_digest_is_the_data_not_the_file(tmp_path: Path) -> None:
    """Equal rows give equal digests whatever the file; any changed, added or removed row
    changes it. (The other tests compare digests made by this one function, so this is what
    shows it is not a constant or blind to a table.)"""
    made = []
    for name in ("a", "b"):
        with Store.open(tmp_path / name) as store:
            _fill(store)
            store.execute("VACUUM")  # a different file layout, the same rows
            made.append(backup.canonical_digest(store.conn))
    assert made[0] == made[1] and len(made[0]) == 64
    with Store.open(tmp_path / "a") as store:
        seen = {made[0]}
        changes = [
            "UPDATE people SET note = 'likes snow'",
            "UPDATE entries SET body = 'a quiet day' || char(0)",
            "INSERT INTO entries (at, body) VALUES ('2026-11-02T10:00:00Z', '')",
            "DELETE FROM people",
            "UPDATE entries SET at = '2026-11-01T10:00:01Z' WHERE body = ''",
        ]
        for sql in changes:
            store.execute(sql)
            digest = backup.canonical_digest(store.conn)
            assert digest not in seen, sql
            seen.add(digest)


def _repacked(src: Path, dest: Path, db: bytes, manifest: dict[str, object]) -> Path:
    """`src` with its database replaced and the manifest's file checksum made to fit it."""
    files = {**manifest["files"], "tarry.db": hashlib.sha256(db).hexdigest()}  # type: ignore[dict-item]
    with zipfile.ZipFile(src) as archive, zipfile.ZipFile(dest, "w") as out:
        for name in archive.namelist():
            if name not in ("tarry.db", "manifest.json"):
                out.writestr(name, archive.read(name))
        out.writestr("tarry.db", db)
        out.writestr("manifest.json", json.dumps({**manifest, "files": files}))
    return dest


def test_a_backup_whose_rows_differ_from_its_manifest_is_refused(
    store: Store, home: Path, tmp_path: Path
) -> None:
    """A database that is intact (its file checksum fits) but holds other rows than the
    manifest's digest says: the restore checks the rows, refuses, and changes nothing."""
    _fill(store)
    sam = backup.backup(store, tmp_path / "sam.tarry-backup")
    store.execute("UPDATE people SET note = 'likes snow'")
    other = backup.backup(store, tmp_path / "other.tarry-backup")
    assert other.digest != sam.digest
    with zipfile.ZipFile(other.path) as archive:
        other_db = archive.read("tarry.db")
    forged = _repacked(sam.path, tmp_path / "forged.tarry-backup", other_db,
                       backup.read_manifest(sam.path))  # fmt: skip
    store.close()
    before = _snapshot(home)
    with pytest.raises(StoreError, match="did not verify"):
        backup.restore(forged, home, replace=True)
    assert _snapshot(home) == before
    assert not (home / swap.STAGING).exists() and not list(home.glob("backups/replaced-*"))
    honest = _repacked(other.path, tmp_path / "honest.tarry-backup", other_db,
                       backup.read_manifest(other.path))  # fmt: skip
    assert backup.restore(honest, home, replace=True).digest == other.digest
    with Store.open(home) as restored:
        assert people.get(restored, "Sam").note == "likes snow"


def test_default_backup_goes_to_the_backups_folder(store: Store, home: Path) -> None:
    info = backup.backup(store)
    assert info.path == home / "backups" / "tarry-20261119T120000.tarry-backup"


def test_encrypted_backup_stays_encrypted_and_includes_the_header(
    home: Path, tmp_path: Path
) -> None:
    encryption.create(home, PASS)
    with Store.open(home, passphrase=PASS) as store:
        _fill(store)
        info = backup.backup(store, tmp_path / "e.tarry-backup")
        expected = backup.canonical_digest(store.conn)
    raw = info.path.read_bytes()
    assert b"likes rain" not in raw and b"quiet day" not in raw
    with zipfile.ZipFile(info.path) as archive:
        names = ["contents.sealed", "manifest.json", "tarry.db", "tarry.key"]
        assert sorted(archive.namelist()) == names
        assert not archive.read("tarry.db").startswith(b"SQLite format 3")
        manifest = json.loads(archive.read("manifest.json"))
    # Before unlocking, the manifest says only what restore needs: no counts, no row digest.
    assert sorted(manifest) == ["encrypted", "files", "format", "schema_version", "version"]
    elsewhere = tmp_path / "other-home"
    restored = backup.restore(info.path, elsewhere, passphrase=PASS)
    assert restored.digest == expected and restored.encrypted
    with Store.open(elsewhere, passphrase=PASS) as copy:
        assert people.get(copy, "Sam").note == "likes rain"


def test_restore_refuses_to_overwrite_without_replace(store: Store, home: Path) -> None:
    _fill(store)
    info = backup.backup(store)
    with pytest.raises(Conflict, match="There is already a store") as caught:
        backup.restore(info.path, home)
    assert caught.value.field == "replace"


def test_restore_with_replace_keeps_the_old_store(store: Store, home: Path) -> None:
    _fill(store)
    info = backup.backup(store)
    people.add(store, "Alex")
    store.close()
    backup.restore(info.path, home, replace=True)
    with Store.open(home) as restored:
        assert [p.name for p in people.all_people(restored)] == ["Sam"]
    (kept,) = (home / "backups").glob("replaced-*")
    with Store.open(kept) as old:
        assert [p.name for p in people.all_people(old)] == ["Alex", "Sam"]


def test_restore_with_a_wrong_passphrase_changes_nothing(home: Path, tmp_path: Path) -> None:
    encryption.create(home, PASS)
    with Store.open(home, passphrase=PASS) as store:
        info = backup.backup(store, tmp_path / "e.tarry-backup")
    before = _snapshot(home)
    with pytest.raises(LockedError):
        backup.restore(info.path, home, replace=True, passphrase="not the passphrase")
    assert _snapshot(home) == before
    assert not (home / swap.STAGING).exists()


def test_a_tampered_backup_is_refused(store: Store, home: Path, tmp_path: Path) -> None:
    _fill(store)
    info = backup.backup(store, tmp_path / "b.tarry-backup")
    bad = tmp_path / "bad.tarry-backup"
    with zipfile.ZipFile(info.path) as src, zipfile.ZipFile(bad, "w") as out:
        db = bytearray(src.read("tarry.db"))
        db[-100] ^= 0xFF
        out.writestr("tarry.db", bytes(db))
        out.writestr("manifest.json", src.read("manifest.json"))
    store.close()
    before = _snapshot(home)
    with pytest.raises(FormatError, match=r"tarry\.db does not match its checksum"):
        backup.restore(bad, home, replace=True)
    assert _snapshot(home) == before


@pytest.mark.parametrize(
    "content",
    [b"not a zip at all", b"PK\x03\x04broken"],
)
def test_not_a_backup_names_the_file(tmp_path: Path, content: bytes) -> None:
    src = tmp_path / "x.tarry-backup"
    src.write_bytes(content)
    with pytest.raises(FormatError, match=r"x\.tarry-backup: not a tarry backup"):
        backup.restore(src, tmp_path / "home")


def test_archive_paths_are_never_used(store: Store, tmp_path: Path) -> None:
    info = backup.backup(store, tmp_path / "b.tarry-backup")
    sneaky = tmp_path / "sneaky.tarry-backup"
    with zipfile.ZipFile(info.path) as src, zipfile.ZipFile(sneaky, "w") as out:
        for name in src.namelist():
            out.writestr(name, src.read(name))
        out.writestr("../../escaped.txt", b"x")
    backup.restore(sneaky, tmp_path / "h2")
    assert not (tmp_path.parent / "escaped.txt").exists()
    assert sorted(p.name for p in (tmp_path / "h2").iterdir()) == ["tarry.db", "tarry.db-verified"]


def _stage(home: Path, db: bytes) -> Path:
    folder = swap.staging(home)
    (folder / swap.DB).write_bytes(db)
    return folder


def test_an_interrupted_swap_before_ready_is_dropped(store: Store, home: Path) -> None:
    store.close()
    before = _snapshot(home)
    _stage(home, b"half-written")
    Store.open(home).close()
    assert not (home / swap.STAGING).exists()
    assert _snapshot(home)["tarry.db"] == before["tarry.db"]


def test_an_interrupted_swap_after_ready_is_completed(
    store: Store, home: Path, tmp_path: Path
) -> None:
    _fill(store)
    info = backup.backup(store, tmp_path / "b.tarry-backup")
    people.add(store, "Alex")
    store.close()
    with zipfile.ZipFile(info.path) as archive:
        folder = _stage(home, archive.read("tarry.db"))
    (folder / "READY").write_text(json.dumps({"aside": "backups/replaced-x"}))
    with Store.open(home) as reopened:  # the crash happened here; opening finishes the swap
        assert [p.name for p in people.all_people(reopened)] == ["Sam"]
    assert (home / "backups" / "replaced-x" / "tarry.db").exists()


def test_backup_and_restore_commands(cli: object, home: Path, tmp_path: Path) -> None:
    assert cli("people", "add", "Sam").code == 0  # type: ignore[operator]
    made = cli("backup", str(tmp_path / "c.tarry-backup"), "--json")  # type: ignore[operator]
    assert made.code == 0 and json.loads(made.stdout)["tables"]["people"] == 1
    refused = cli("restore", str(tmp_path / "c.tarry-backup"))  # type: ignore[operator]
    assert refused.code == 2 and "--replace" in refused.stderr
    done = cli("restore", str(tmp_path / "c.tarry-backup"), "--replace")  # type: ignore[operator]
    assert done.code == 0 and "verified" in done.stdout
