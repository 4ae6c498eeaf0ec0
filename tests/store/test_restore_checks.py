"""What restore checks, in this process (the trust suite checks the same through `tarry restore`
processes): the digest's definition, the backup file's members and sizes, the sealed contents,
and the schema. Each refusal says exactly what is wrong and leaves the store as it was."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from tests.disks import small_disk
from tests.trust.backups import forge, genuine, older_backup
from tests.trust.test_hostile_backups import _zip as hostile_zip

from tarry.base.errors import Conflict, FormatError, LockedError, Step, StoreError
from tarry.declare import people
from tarry.store import Store, backup, backup_file, encryption, migrations, schema, swap, unlock
from tarry.store.connection import FULL_HINT

PASS = "correct horse battery"


@pytest.fixture(autouse=True)
def _floor_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARRY_KDF", "minimum")


def _files(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in home.rglob("*") if p.is_file()}


@pytest.fixture
def kept(tmp_path: Path) -> Path:
    """A home holding a plain store that a refused restore must leave byte for byte."""
    home = tmp_path / "kept"
    with Store.open(home) as store:
        people.add(store, "Kept")
    return home


def _refused(src: Path, home: Path, error: type[Exception] = FormatError, **given: str) -> str:
    before = _files(home)
    with pytest.raises(error) as caught:
        backup.restore(src, home, replace=True, **given)  # type: ignore[arg-type]
    assert _files(home) == before and not (home / swap.STAGING).exists()
    return str(caught.value.message)  # type: ignore[attr-defined]


# --- the digest -----------------------------------------------------------------------


def test_the_digest_is_sha256_of_each_tables_rows_as_json_lines(tmp_path: Path) -> None:
    """Written out from its definition (backups made by older tarry versions carry it, so it
    must not drift): per table in name order, its name as a JSON line, then each row as a JSON
    line (non-ASCII kept, blobs as {"blob": hex}) ordered by every column; SQLite's own tables
    and a full-text index's shadow tables left out, the full-text table itself kept."""
    conn = sqlite3.connect(tmp_path / "any.db", isolation_level=None)
    conn.executescript(
        """
        CREATE TABLE b (x, y);
        INSERT INTO b VALUES (2.5, x'00ff'), (1, 'café'), (NULL, 'x'), (1, 'a');
        CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, z);
        INSERT INTO a (z) VALUES ('second'), ('first');
        CREATE VIRTUAL TABLE v USING fts5(t);
        INSERT INTO v VALUES ('hello');
        """
    )
    expected = hashlib.sha256()
    tables = {
        "a": [[1, "second"], [2, "first"]],
        "b": [[None, "x"], [1, "a"], [1, "café"], [2.5, {"blob": "00ff"}]],
        "v": [["hello"]],
    }
    for table, rows in tables.items():
        expected.update(f'"{table}"\n'.encode())
        for row in rows:
            expected.update(json.dumps(row, ensure_ascii=False).encode() + b"\n")
    assert backup.canonical_digest(conn) == expected.hexdigest()
    assert backup.table_counts(conn) == {"a": 2, "b": 4, "v": 1}
    conn.close()


# --- the backup file --------------------------------------------------------------------


def _zip(dest: Path, members: dict[str, bytes | str], compress: bool = False) -> Path:
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(dest, "w", method) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return dest


def _members(src: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(src) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_a_plain_backup_records_what_it_holds(tmp_path: Path) -> None:
    src = genuine(tmp_path)
    manifest = backup.read_manifest(src)
    db = _members(src)["tarry.db"]
    assert manifest == {
        "format": "tarry-backup",
        "version": 1,
        "encrypted": False,
        "schema_version": migrations.available()[-1].number,
        "files": {"tarry.db": hashlib.sha256(db).hexdigest()},
        "created_at": "2026-11-19T12:00:00Z",
        "digest": manifest["digest"],
        "tables": manifest["tables"],
    }
    assert manifest["tables"]["people"] == 2 and manifest["tables"]["moments"] == 1
    text = _members(src)["manifest.json"].decode()
    assert text == json.dumps(json.loads(text), indent=2)  # readable in any text viewer
    restored = backup.restore(src, tmp_path / "restored")
    assert restored.to_dict() == {
        "path": str(src),
        "encrypted": False,
        "digest": manifest["digest"],
        "tables": manifest["tables"],
        "created_at": "2026-11-19T12:00:00Z",
        "schema_version": manifest["schema_version"],
        "encrypted_on_restore": False,
    }


def test_a_file_that_is_not_a_backup_is_named(tmp_path: Path, kept: Path) -> None:
    hint = "Give a file written by tarry's backup."
    cases: dict[str, dict[str, bytes | str]] = {
        "not a tarry backup manifest": {"manifest.json": "[1, 2]"},
        "not a tarry backup manifest ": {"manifest.json": json.dumps({"format": "other"})},
    }
    for expected, members in cases.items():
        src = _zip(tmp_path / "x.tarry-backup", members)
        with pytest.raises(FormatError) as caught:
            backup.restore(src, kept, replace=True)
        assert caught.value.message == f"{src}: {expected.strip()}"
        assert caught.value.hint == hint
    huge = _zip(tmp_path / "huge.tarry-backup", {"manifest.json": " " * (1 << 20) + "{}"})
    with pytest.raises(FormatError) as caught:
        backup.restore(huge, kept, replace=True)
    assert caught.value.message.startswith(f"{huge}: not a tarry backup (Expecting value")
    assert caught.value.hint == hint
    future = _zip(
        tmp_path / "v2.tarry-backup",
        {"manifest.json": json.dumps({"format": "tarry-backup", "version": 2})},
    )
    with pytest.raises(FormatError) as caught:
        backup.restore(future, kept, replace=True)
    assert caught.value.message == f"{future}: backup format version 2 is not supported"
    assert caught.value.hint == "Restore it with the tarry version that wrote it."


def test_a_manifest_without_a_database_is_refused(tmp_path: Path, kept: Path) -> None:
    src = genuine(tmp_path)
    manifest = backup.read_manifest(src)
    for files in ({}, [], {"tarry.key": "0" * 64}):
        forged = forge(src, tmp_path / "f.tarry-backup", manifest={**manifest, "files": files})
        with pytest.raises(FormatError) as caught:
            backup.restore(forged, kept, replace=True)
        assert caught.value.message == f"{forged}: the manifest lists no database"
        assert caught.value.hint == "Give a file written by tarry's backup."
    listed = _zip(tmp_path / "listed.tarry-backup", {"manifest.json": json.dumps(manifest)})
    with pytest.raises(FormatError) as caught:
        backup.restore(listed, kept, replace=True)
    assert caught.value.message == (
        f"{listed}: damaged backup (\"There is no item named 'tarry.db' in the archive\")"
    )
    assert caught.value.hint == "Give a file written by tarry's backup."


def test_schema_versions_up_to_this_tarrys_are_unpacked(tmp_path: Path, kept: Path) -> None:
    newest = migrations.available()[-1].number
    src = genuine(tmp_path)
    forged = forge(src, tmp_path / "f.tarry-backup", manifest={"schema_version": newest + 1})
    with pytest.raises(FormatError) as caught:
        backup.restore(forged, kept, replace=True)
    assert caught.value.message == (
        f"{forged}: the backup has schema version {newest + 1}, newer than this tarry knows"
        f" ({newest})"
    )
    assert caught.value.hint == schema.NEWER_HINT
    for claimed in (newest, "99999"):  # what the file says is checked again on its schema
        forged = forge(src, tmp_path / "g.tarry-backup", manifest={"schema_version": claimed})
        backup.restore(forged, tmp_path / f"home-{claimed}")


def test_members_must_be_stored_and_the_database_whole(tmp_path: Path, kept: Path) -> None:
    src = genuine(tmp_path)
    members = _members(src)
    db, manifest = members["tarry.db"], json.loads(members["manifest.json"])
    squeezed = forge(src, tmp_path / "c.tarry-backup", compress=True)
    with pytest.raises(FormatError) as caught:
        backup.restore(squeezed, kept, replace=True)
    assert caught.value.message == (
        f"{squeezed}: tarry.db is compressed or oversized ({len(db)} bytes); tarry writes neither"
    )
    assert caught.value.hint == "Give a file written by tarry's backup."
    # Stored, but its directory entry claims twice the bytes the member holds.
    raw_manifest = members["manifest.json"]
    claims = hostile_zip(
        [
            ("tarry.db", db, zlib.crc32(db), 2 * len(db), 0),
            ("manifest.json", raw_manifest, zlib.crc32(raw_manifest), len(raw_manifest), 0),
        ]
    )
    (tmp_path / "claims.tarry-backup").write_bytes(claims)
    claimed = tmp_path / "claims.tarry-backup"
    assert _refused(claimed, kept) == (
        f"{claimed}: tarry.db is compressed or oversized ({2 * len(db)} bytes);"
        " tarry writes neither"
    )
    claims_more = db[:28] + b"\x01" + db[29:]  # a page count 2**24 higher than the file
    for wrong in (db + bytes(4096), db[:-4096], b"x" * len(db), claims_more):
        files = {"tarry.db": hashlib.sha256(wrong).hexdigest()}
        forged = _zip(
            tmp_path / "s.tarry-backup",
            {"tarry.db": wrong, "manifest.json": json.dumps({**manifest, "files": files})},
        )
        with pytest.raises(FormatError) as caught:
            backup.restore(forged, kept, replace=True)
        assert caught.value.message == (
            f"{forged}: the database in the backup is not a whole SQLite file of {len(wrong)} bytes"
        )
        assert caught.value.hint == "Give a file written by tarry's backup."


@pytest.mark.parametrize("size", [512, 65536])
def test_databases_of_the_smallest_and_largest_pages_are_whole(tmp_path: Path, size: int) -> None:
    """SQLite's page sizes run from 512 to 65,536 bytes (written as 1 in the header)."""
    src = genuine(tmp_path)

    def repaged(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA journal_mode = DELETE")  # a WAL database keeps its page size
        conn.execute(f"PRAGMA page_size = {size}")
        conn.execute("VACUUM")

    forged = forge(src, tmp_path / "p.tarry-backup", repaged)
    assert _members(forged)["tarry.db"][16:18] == (size % 65536 or 1).to_bytes(2, "big")
    backup.restore(forged, tmp_path / "restored")
    with Store.open(tmp_path / "restored") as store:
        assert len(people.all_people(store)) == 2


def _encrypted_backup(tmp_path: Path) -> Path:
    home = tmp_path / "enc-home"
    encryption.create(home, PASS)
    with Store.open(home, passphrase=PASS) as store:
        people.add(store, "Sam", note="likes rain")
        return backup.backup(store, tmp_path / "enc.tarry-backup").path


def test_an_encrypted_backup_is_checked_before_unlocking(tmp_path: Path, kept: Path) -> None:
    src = _encrypted_backup(tmp_path)
    members = _members(src)
    manifest = json.loads(members["manifest.json"])
    assert manifest["files"]["tarry.key"] == hashlib.sha256(members["tarry.key"]).hexdigest()

    def variant(name: str, **changed: bytes) -> Path:
        new = {**members, **changed}
        files = {n: hashlib.sha256(new[n]).hexdigest() for n in ("tarry.db", "tarry.key")}
        new["manifest.json"] = json.dumps({**manifest, "files": files}).encode()
        return _zip(tmp_path / name, new)  # type: ignore[arg-type]

    db = members["tarry.db"]
    for wrong in (db[:-1], b"SQLite format 3\x00" + db[16:], b""):
        forged = variant("a.tarry-backup", **{"tarry.db": wrong})
        assert _refused(forged, kept) == (
            f"{forged}: the database in the backup is not a whole encrypted SQLite file of"
            f" {len(wrong)} bytes"
        )
    plain_db = _members(genuine(tmp_path))["tarry.db"]
    forged = variant("b.tarry-backup", **{"tarry.db": plain_db})
    assert "not a whole encrypted SQLite file" in _refused(forged, kept)
    header = members["tarry.key"]
    padded = header.rstrip() + b" " * (backup_file.MAX_HEADER - len(header.rstrip()) + 1)
    forged = variant("c.tarry-backup", **{"tarry.key": padded})
    assert _refused(forged, kept) == (
        f"{forged}: tarry.key is compressed or oversized ({len(padded)} bytes);"
        " tarry writes neither"
    )
    largest = header.rstrip() + b" " * (backup_file.MAX_HEADER - len(header.rstrip()))
    backup.restore(variant("d.tarry-backup", **{"tarry.key": largest}), tmp_path / "h",
                   passphrase=PASS)  # fmt: skip


def test_sealed_contents_are_aes_gcm_under_a_key_derived_for_them(tmp_path: Path) -> None:
    """Written out from the format: a 12-byte nonce, then AES-256-GCM of the contents' JSON
    under HKDF-SHA256(data key, no salt, info "tarry-backup contents v1"), with the same info
    as associated data. The data key itself never seals them."""
    src = _encrypted_backup(tmp_path)
    key = unlock.data_key(tmp_path / "enc-home" / "tarry.key", passphrase=PASS)
    sealed = _members(src)["contents.sealed"]
    info = b"tarry-backup contents v1"
    derived = HKDF(algorithm=SHA256(), length=32, salt=None, info=info).derive(key)
    contents = json.loads(AESGCM(derived).decrypt(sealed[:12], sealed[12:], info))
    assert sorted(contents) == ["created_at", "digest", "tables"]
    assert contents["tables"]["people"] == 1 and contents["created_at"] == "2026-11-19T12:00:00Z"
    with pytest.raises(InvalidTag):
        AESGCM(key).decrypt(sealed[:12], sealed[12:], info)
    again = backup_file.seal_contents(key, contents)
    assert again[:12] != sealed[:12] and backup_file.open_contents(key, again, src) == contents


def test_sealed_contents_must_belong_to_the_backup(tmp_path: Path, kept: Path) -> None:
    src = _encrypted_backup(tmp_path)
    members = _members(src)
    other = _members(_encrypted_backup(tmp_path / "other"))

    def variant(name: str, sealed: bytes | None, **manifest: object) -> Path:
        new = {n: d for n, d in members.items() if n != "contents.sealed"}
        if sealed is not None:
            new["contents.sealed"] = sealed
        new["manifest.json"] = json.dumps({**json.loads(members["manifest.json"]), **manifest})
        return _zip(tmp_path / name, new)  # type: ignore[arg-type]

    wrong_key = variant("a.tarry-backup", other["contents.sealed"])
    assert _refused(wrong_key, kept, passphrase=PASS) == (
        f"{wrong_key}: contents.sealed does not belong to this backup's key"
    )
    missing = variant("b.tarry-backup", None)
    with pytest.raises(FormatError) as damaged:
        backup.restore(missing, kept, replace=True, passphrase=PASS)
    assert damaged.value.message.startswith(f"{missing}: damaged backup (")
    assert damaged.value.hint == "Give a file written by tarry's backup."
    key = encryption.unlock.data_key(tmp_path / "enc-home" / "tarry.key", passphrase=PASS)
    listed = variant("c.tarry-backup", backup_file.seal_contents(key, ["not", "a", "dict"]))  # type: ignore[arg-type]
    with pytest.raises(FormatError) as caught:
        backup.restore(listed, kept, replace=True, passphrase=PASS)
    assert caught.value.message == f"{listed}: contents.sealed is damaged"
    assert caught.value.hint == "Give a file written by tarry's backup."
    no_digest = variant("d.tarry-backup", backup_file.seal_contents(key, {"digest": 1}))
    with pytest.raises(FormatError) as caught:
        backup.restore(no_digest, kept, replace=True, passphrase=PASS)
    assert caught.value.message == f"{no_digest}: the backup names no digest"
    assert caught.value.hint == "Give a file written by tarry's backup."
    # Encrypted backups of an older tarry kept the digest in the manifest: still restored.
    with zipfile.ZipFile(src) as archive:
        sealed = archive.read("contents.sealed")
    contents = backup_file.open_contents(key, sealed, src)
    older = variant("e.tarry-backup", None, **contents)
    restored = backup.restore(older, tmp_path / "older", passphrase=PASS)
    assert restored.digest == contents["digest"] and restored.encrypted
    assert restored.created_at == "2026-11-19T12:00:00Z"


def test_a_plain_backup_over_an_encrypted_store_is_encrypted(tmp_path: Path) -> None:
    home = tmp_path / "enc-home"
    encryption.create(home, PASS)
    header = (home / "tarry.key").read_bytes()
    plain = genuine(tmp_path)
    info = backup.restore(plain, home, replace=True, passphrase=PASS)
    assert info.encrypted and info.encrypted_on_restore
    assert info.digest == backup.read_manifest(plain)["digest"]
    assert (home / "tarry.key").read_bytes() == header
    assert not (home / "tarry.db").read_bytes().startswith(b"SQLite format 3")
    with Store.open(home, passphrase=PASS) as store:
        assert store.encrypted and len(people.all_people(store)) == 2
    again = backup.restore(plain, tmp_path / "plain-home")
    assert not again.encrypted and not again.encrypted_on_restore


def test_the_store_being_replaced_is_unlocked_the_usual_way(tmp_path: Path) -> None:
    """Restoring a plain backup over an encrypted store asks for its passphrase as any command
    does (here by a prompt); a wrong one changes nothing."""
    home = tmp_path / "enc-home"
    encryption.create(home, PASS)
    plain = genuine(tmp_path)
    wrong = unlock.Unlocker(prompt=lambda _: "not the passphrase", attempts=1)
    before = _files(home)
    with pytest.raises(LockedError, match="Wrong passphrase"):
        backup.restore(plain, home, replace=True, unlocker=wrong)
    assert _files(home) == before and not (home / swap.STAGING).exists()
    asked: list[str] = []
    prompt = unlock.Unlocker(prompt=lambda text: asked.append(text) or PASS)
    assert backup.restore(plain, home, replace=True, unlocker=prompt).encrypted_on_restore
    assert asked == [f"Passphrase for {home}"]
    encrypted = _encrypted_backup(tmp_path / "other")
    asked.clear()
    assert backup.restore(encrypted, home, replace=True, unlocker=prompt).encrypted
    assert asked == [f"Passphrase for {home / swap.STAGING}"]


def test_restore_refuses_a_home_with_either_file(tmp_path: Path) -> None:
    src = genuine(tmp_path)
    for name in ("tarry.db", "tarry.key"):
        home = tmp_path / f"home-{name}"
        home.mkdir()
        (home / name).write_bytes(b"kept")
        with pytest.raises(Conflict) as caught:
            backup.restore(src, home)
        assert caught.value.message == f"There is already a store in {home}."
        assert caught.value.hint == (
            "Restore over it on purpose; the current store is kept in backups/."
        )
        assert caught.value.field == "replace"
        assert _files(home) == {name: b"kept"}


# --- the schema -------------------------------------------------------------------------

Change = Callable[[sqlite3.Connection], None]
REFUSED: dict[str, tuple[Change, str]] = {
    "extra view": (
        lambda c: c.execute("CREATE VIEW spy AS SELECT name FROM people"),
        "the database's schema is not the one tarry writes: it has an unexpected view 'spy'",
    ),
    "extra index": (
        lambda c: c.execute("CREATE INDEX extra ON people (note)"),
        "the database's schema is not the one tarry writes: it has an unexpected index 'extra'",
    ),
    "extra column": (
        lambda c: c.execute("ALTER TABLE people ADD COLUMN extra TEXT"),
        "the database's schema is not the one tarry writes: it has a table 'people' unlike the"
        " one tarry writes",
    ),
    "dropped index": (
        lambda c: c.execute("DROP INDEX moments_at"),
        "the database's schema is not the one tarry writes: it has no index 'moments_at'",
    ),
    "renamed migration": (
        lambda c: c.execute("UPDATE schema_migrations SET name = 'other' WHERE number = 2"),
        "the database records migration 2 under another name",
    ),
    "no migrations": (
        lambda c: c.execute("DELETE FROM schema_migrations"),
        "the database records no tarry schema",
    ),
    "text migration number": (
        lambda c: c.executescript(
            "DROP TABLE schema_migrations; CREATE TABLE schema_migrations (number, name);"
            " INSERT INTO schema_migrations VALUES ('1', 'core');"
        ),
        "the database records no tarry schema",
    ),
    "no ledger": (
        lambda c: c.execute("DROP TABLE schema_migrations"),
        "the database is not a tarry store (no such table: schema_migrations)",
    ),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_changed_schema_is_named(tmp_path: Path, kept: Path, name: str) -> None:
    change, expected = REFUSED[name]
    forged = forge(genuine(tmp_path), tmp_path / "forged.tarry-backup", change)
    with pytest.raises(FormatError) as caught:
        backup.restore(forged, kept, replace=True)
    assert caught.value.message == f"{forged}: {expected}"
    assert caught.value.hint == schema.FOREIGN_HINT


def test_a_newer_migration_in_the_file_is_refused(tmp_path: Path, kept: Path) -> None:
    newest = migrations.available()[-1].number
    forged = forge(
        genuine(tmp_path),
        tmp_path / "forged.tarry-backup",
        lambda c: c.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 't')"),
    )
    with pytest.raises(FormatError) as caught:
        backup.restore(forged, kept, replace=True)
    assert caught.value.message == (
        f"{forged}: the database has schema version 9999, newer than this tarry knows ({newest}):"
        " it was written by a newer tarry"
    )
    assert caught.value.hint == schema.NEWER_HINT


def test_the_schema_compared_is_the_one_for_the_recorded_migrations() -> None:
    numbers = [m.number for m in migrations.available()]
    first = schema.expected(numbers[:1])
    assert ("table", "people", "people") in {e[:3] for e in first}
    assert not any(e[1] == "search_index" for e in first)
    assert any(e[1] == "search_index" for e in schema.expected(numbers))
    conn = sqlite3.connect(":memory:")
    conn.execute(migrations.LEDGER)
    with pytest.raises(FormatError):
        schema.check(conn, "somewhere")


def test_a_backup_copy_that_does_not_verify_writes_nothing(tmp_path: Path) -> None:
    with Store.open(tmp_path / "home") as store:
        people.add(store, "Sam")
        copy = tmp_path / "copy.db"
        from tarry.store.connection import snapshot

        snapshot(store.conn, None, copy)
        backup._check_copy(copy, None, backup.canonical_digest(store.conn))
    with pytest.raises(StoreError) as caught:
        backup._check_copy(copy, None, "0" * 64)
    assert caught.value.message == (
        f"The backup copy of the store did not verify; nothing was written to {tmp_path}."
    )
    assert caught.value.hint == (
        "Make the backup again; if it fails again, the store may be damaged."
    )
    assert caught.value.step is Step.BACKUP


def test_a_restored_store_that_differs_from_its_backup_is_reported(tmp_path: Path) -> None:
    """The last check, on the store as opened after the swap (the staged copy was checked
    already, so this guards what opening does): other rows at the same schema version are an
    error naming both; at another version (migrated on opening) they are expected."""
    src = genuine(tmp_path)
    home = tmp_path / "home"
    info = backup.restore(src, home)
    contents = {"digest": "0" * 64, "schema_version": info.schema_version, "created_at": "t"}
    with pytest.raises(StoreError) as caught:
        backup._verified(src, home, contents, None)
    assert caught.value.message == f"The restored store in {home} does not match {src}."
    assert caught.value.hint == (
        "The previous store is in backups/replaced-*; move it back and report this."
    )
    older = {**contents, "schema_version": info.schema_version - 1}
    again = backup._verified(src, home, older, None)
    assert again.digest == info.digest and again.created_at == "t" and not again.encrypted


def _peak_bytes(call: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        with pytest.raises(FormatError):
            call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_huge_manifest_or_sealed_member_is_read_only_to_its_bound(tmp_path: Path) -> None:
    """The manifest and the sealed contents are read up to 1 MiB, whatever their size (here
    8 MiB): Python's allocations peak at 2 to 3 times the 1 MiB read (the reader's buffer, the
    copy, the text or the nonce-less slice), half what a 2 MiB bound gives."""
    src = _encrypted_backup(tmp_path)
    members = _members(src)
    manifest = json.loads(members["manifest.json"])
    key = unlock.data_key(tmp_path / "enc-home" / "tarry.key", passphrase=PASS)
    big = _zip(tmp_path / "big.tarry-backup", {**members, "contents.sealed": bytes(8 << 20)})
    peak = _peak_bytes(lambda: backup_file.contents(big, manifest, key))
    assert peak < 9 << 19, peak  # 3.0 MiB; 6.0 with a 2 MiB bound
    huge = _zip(tmp_path / "huge.tarry-backup", {"manifest.json": b" " * (8 << 20)})
    peak = _peak_bytes(lambda: backup_file.read_manifest(huge))
    assert peak < 3 << 20, peak  # 2.0 MiB; 4.0 with a 2 MiB bound


def test_a_backup_without_a_time_restores_with_none(tmp_path: Path) -> None:
    src = genuine(tmp_path)
    members = _members(src)
    manifest = json.loads(members["manifest.json"])
    del manifest["created_at"]
    forged = _zip(tmp_path / "f.tarry-backup", {**members, "manifest.json": json.dumps(manifest)})
    assert backup.restore(forged, tmp_path / "home").created_at == ""


def test_a_damaged_member_is_named_and_copied_a_chunk_at_a_time(tmp_path: Path) -> None:
    """Members are copied in 1 MiB pieces whatever their size (here an 8 MiB database): the
    copy's allocations peak near 2 MiB; then a checksum that does not fit names the member."""
    home = tmp_path / "big-home"
    with Store.open(home) as store:
        for i in range(8):
            store.execute(
                "INSERT INTO entries (at, body) VALUES (?, ?)", (f"t{i}", "x" * (1 << 20))
            )
        src = backup.backup(store, tmp_path / "big.tarry-backup").path
    manifest = backup.read_manifest(src)
    assert len(_members(src)["tarry.db"]) > 8 << 20
    folder = tmp_path / "staging"
    folder.mkdir()
    tracemalloc.start()
    try:
        backup_file.extract(src, folder, manifest)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 << 20, peak
    tracemalloc.start()
    try:
        assert backup._sha256(folder / "tarry.db") == manifest["files"]["tarry.db"]
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 << 20, peak  # the checksum of a backup being written: in pieces too
    wrong = {**manifest, "files": {"tarry.db": "0" * 64}}
    with pytest.raises(FormatError) as caught:
        backup_file.extract(src, folder, wrong)
    assert caught.value.message == f"{src}: tarry.db does not match its checksum"


def test_a_restore_too_big_for_the_disk_is_refused_before_copying(tmp_path: Path) -> None:
    src = genuine(tmp_path)
    with small_disk(tmp_path, "256k") as disk:
        home = disk / "home"
        with pytest.raises(StoreError) as caught:
            backup.restore(src, home)
        assert caught.value.message == f"Not enough free disk space to restore {src}."
        assert caught.value.hint == FULL_HINT
        assert sorted(p.name for p in home.iterdir()) == []


def test_a_backup_from_an_older_tarry_is_upgraded_on_restore(tmp_path: Path) -> None:
    """A backup at the first migration: its rows are checked against its own digest, then the
    store is migrated on opening, so its rows may differ from the backup's by design."""
    src, digest = older_backup(tmp_path)
    first = migrations.available()[0]
    info = backup.restore(src, tmp_path / "home")
    assert info.schema_version == migrations.available()[-1].number != first.number
    assert info.digest != digest
    with Store.open(tmp_path / "home") as store:
        assert [p.name for p in people.all_people(store)] == ["Sam"]


def test_the_replaced_store_is_kept_under_the_time_of_the_restore(
    tmp_path: Path, kept: Path
) -> None:
    backup.restore(genuine(tmp_path), kept, replace=True)
    aside = kept / "backups" / "replaced-20261119T120000"  # TARRY_NOW, the tests' frozen clock
    assert sorted(p.name for p in (kept / "backups").iterdir()) == [aside.name]
    with Store.open(aside) as old:
        assert [p.name for p in people.all_people(old)] == ["Kept"]


def test_a_backup_goes_into_new_private_folders(tmp_path: Path) -> None:
    """Private whatever the umask (the CLI sets 077 for itself; a library caller may not)."""
    previous = os.umask(0o022)
    try:
        with Store.open(tmp_path / "home") as store:
            info = backup.backup(store, tmp_path / "a" / "b" / "x.tarry-backup")
    finally:
        os.umask(previous)
    assert info.path.exists() and sorted(p.name for p in info.path.parent.iterdir()) == [
        "x.tarry-backup"
    ]
    assert stat.S_IMODE((tmp_path / "a" / "b").stat().st_mode) == 0o700


def test_a_backup_that_fails_before_copying_says_why(tmp_path: Path) -> None:
    """Here the store is mid-transaction, so the backup's read transaction cannot start: that
    error is the one raised (not a complaint about the copy it never made), and nothing is
    left behind."""
    with Store.open(tmp_path / "home") as store:
        store.execute("BEGIN")
        with pytest.raises(sqlite3.OperationalError, match="within a transaction"):
            backup.backup(store, tmp_path / "out" / "x.tarry-backup")
        store.execute("ROLLBACK")
    assert list((tmp_path / "out").iterdir()) == []
