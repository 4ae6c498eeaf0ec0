"""Scenario 10 (issue 17, 1): a backup cannot carry code, a foreign schema or a future version.

A backup is a whole SQLite file. `tarry restore` accepts it only when its schema (tables, columns,
indexes, triggers, views) is exactly the one tarry writes for the version it records, and refuses
a version newer than the running tarry; each refusal is exit 2 and leaves the store as it was.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tarry.declare import people
from tarry.store import Store, backup, encryption
from tests.trust.backups import Change, forge, genuine, older_backup
from tests.trust.conftest import PASS, Env, fingerprint

CHANGES: dict[str, Change] = {
    "trigger renaming people on write": lambda c: c.execute(
        "CREATE TRIGGER rename AFTER INSERT ON entries BEGIN UPDATE people SET name = 'x'"
        " || id; END"
    ),
    "trigger deleting moments": lambda c: c.execute(
        "CREATE TRIGGER wipe AFTER UPDATE ON people BEGIN DELETE FROM moments; END"
    ),
    "view": lambda c: c.execute("CREATE VIEW spy AS SELECT name, note FROM people"),
    "index": lambda c: c.execute("CREATE INDEX extra ON people (note)"),
    "extra table": lambda c: c.execute("CREATE TABLE payload (x)"),
    "extra column": lambda c: c.execute("ALTER TABLE people ADD COLUMN extra TEXT"),
    "dropped index": lambda c: c.execute(
        "DROP INDEX "
        + c.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchone()[0]
    ),
    "changed CHECK": lambda c: c.executescript(
        "PRAGMA writable_schema = ON; UPDATE sqlite_master SET sql = replace(sql, 'NOT NULL',"
        " '') WHERE name = 'people'; PRAGMA writable_schema = OFF;"
    ),
    "future migration": lambda c: c.execute(
        "INSERT INTO schema_migrations VALUES (9999, 'future', '2030-01-01T00:00:00Z')"
    ),
    "renamed migration": lambda c: c.execute(
        "UPDATE schema_migrations SET name = 'other' WHERE number = 1"
    ),
}


@pytest.fixture
def target(env: Env) -> Env:
    with Store.open(env.home) as store:
        people.add(store, "Kept", note="the current store")
    return env


def _refused(env: Env, forged: Path, expected: str) -> None:
    before = fingerprint(env.home)
    result = env.run("restore", str(forged), "--replace")
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert str(forged) in result.stderr
    assert fingerprint(env.home) == before
    assert not (env.home / ".swap").exists()


@pytest.mark.parametrize("name", list(CHANGES))
def test_a_changed_schema_is_refused(target: Env, tmp_path: Path, name: str) -> None:
    forged = forge(genuine(tmp_path), tmp_path / "forged.tarry-backup", CHANGES[name])
    expected = "newer than this tarry" if name == "future migration" else "tarry"
    _refused(target, forged, expected)


def test_the_refusal_names_what_differs(target: Env, tmp_path: Path) -> None:
    forged = forge(genuine(tmp_path), tmp_path / "forged.tarry-backup", CHANGES["view"])
    result = target.run("restore", str(forged), "--replace")
    assert "not the one tarry writes: it has an unexpected view 'spy'" in result.stderr


def test_an_arbitrary_sqlite_file_is_refused(target: Env, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.executescript("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hello');")
    conn.close()
    forged = forge(genuine(tmp_path), tmp_path / "forged.tarry-backup", db=other.read_bytes())
    _refused(target, forged, "not a tarry store")


def test_a_future_version_is_refused_before_unpacking(target: Env, tmp_path: Path) -> None:
    forged = forge(
        genuine(tmp_path), tmp_path / "f.tarry-backup", manifest={"schema_version": 9999}
    )
    _refused(target, forged, "schema version 9999, newer than this tarry knows")


def test_a_genuine_backup_of_every_kind_still_restores(env: Env, tmp_path: Path) -> None:
    """The check refuses nothing tarry wrote: plain, encrypted at init, encrypted later, older."""
    plain = genuine(tmp_path, "plain")
    encryption.create(tmp_path / "enc-home", PASS)
    with Store.open(tmp_path / "enc-home", passphrase=PASS) as store:
        people.add(store, "Sam")
        encrypted = backup.backup(store, tmp_path / "enc.tarry-backup").path
    later = tmp_path / "later-home"
    with Store.open(later) as store:
        people.add(store, "Sam")
    encryption.encrypt(later, PASS)
    with Store.open(later, passphrase=PASS) as store:
        converted = backup.backup(store, tmp_path / "converted.tarry-backup").path
    older, _ = older_backup(tmp_path)
    for number, made in enumerate((plain, encrypted, converted, older)):
        home = tmp_path / f"restored-{number}"
        result = env.run("--home", str(home), "restore", str(made), TARRY_PASSPHRASE=PASS)
        assert result.returncode == 0, (made, result.stderr)
        listed = env.run("--home", str(home), "people", "list", TARRY_PASSPHRASE=PASS)
        assert "Sam" in listed.stdout
