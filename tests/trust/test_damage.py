"""Scenario 3: a flipped byte or a truncated file gives a clear "damaged" error, never wrong data.

SQLCipher authenticates every page (HMAC-SHA512), so in an encrypted store any flipped byte is
caught when its page is read. A plain SQLite file has no checksums: there only structural damage
(truncation, a broken header) can be detected; docs/security.md says so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarry.declare import people
from tarry.store import Store
from tests.trust.conftest import PASS, Env, digest

PAGE = 4096
NAMES = [f"Person {i:03d}" for i in range(300)]  # enough rows to fill several pages


def _fill(home: Path, passphrase: str | None) -> int:
    with Store.open(home, passphrase=passphrase) as store:
        for name in NAMES:
            people.add(store, name, note="x" * 40)
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return (home / "tarry.db").stat().st_size // PAGE


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def _check(result: object, damaged_expected: bool) -> None:
    code, out, err = result.returncode, result.stdout, result.stderr  # type: ignore[attr-defined]
    if code == 0:
        assert not damaged_expected
        assert [p["name"] for p in json.loads(out)] == NAMES  # right data, or nothing
        return
    assert code == 2, err
    assert "damaged" in err and "tarry restore" in err and "Traceback" not in err
    assert out == ""  # nothing half-shown


@pytest.mark.parametrize("where", ["first page", "middle page", "last page"])
def test_flipped_byte_in_an_encrypted_store(encrypted: Env, where: str) -> None:
    pages = _fill(encrypted.home, PASS)
    db = encrypted.home / "tarry.db"
    page = {"first page": 0, "middle page": pages // 2, "last page": pages - 1}[where]
    _flip(db, page * PAGE + 100)
    damaged = db.read_bytes()
    listing = encrypted.run("people", "list", "--json", TARRY_PASSPHRASE=PASS)
    _check(listing, damaged_expected=True)  # every page is read when the file changed
    full = encrypted.run("backup", TARRY_PASSPHRASE=PASS)  # reads every page
    assert full.returncode == 2 and "damaged" in full.stderr, full.stderr
    assert db.read_bytes() == damaged
    assert not list((encrypted.home / "backups").glob("*.tarry-backup"))


@pytest.mark.parametrize("keep", [0.5, 0.9])
def test_truncated_encrypted_store(encrypted: Env, keep: float) -> None:
    _fill(encrypted.home, PASS)
    db = encrypted.home / "tarry.db"
    db.write_bytes(db.read_bytes()[: int(db.stat().st_size * keep) + 7])  # mid-page
    before = digest(db)
    _check(encrypted.run("people", "list", "--json", TARRY_PASSPHRASE=PASS), True)
    assert digest(db) == before


def test_truncated_plain_store(env: Env) -> None:
    _fill(env.home, None)
    db = env.home / "tarry.db"
    db.write_bytes(db.read_bytes()[: db.stat().st_size // 3])
    _check(env.run("people", "list", "--json"), True)


def test_damaged_key_header(encrypted: Env) -> None:
    header = encrypted.home / "tarry.key"
    header.write_bytes(header.read_bytes()[:-40])
    result = encrypted.run("people", "list", TARRY_PASSPHRASE=PASS)
    assert result.returncode == 2
    assert "key header is damaged" in result.stderr and "tarry restore" in result.stderr
