"""Scenario 22 (issue 17, 13): damaged or hostile files give clear errors, never tracebacks, and
a damaged store is found out before any command answers from it.

Each is exit 2 with a message naming the file and what to do. A truncated or flipped store is
checked read-only (every page, when the file changed behind tarry's back), so `people list`,
`review` and `search` refuse it, and no `-wal` or `-shm` file appears while the message says
nothing was changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tarry.declare import people
from tarry.mirror.chats import import_chat
from tarry.store import Store
from tests.trust.conftest import PASS, Env, fingerprint, write_chat
from tests.trust.measure import measured

PAGE = 4096


def _clear(result: object, *expected: str) -> None:
    code, out, err = result.returncode, result.stdout, result.stderr  # type: ignore[attr-defined]
    assert code == 2, (code, err)
    assert "Traceback" not in err and out == "", err
    for text in expected:
        assert text in err, err


def _header(env: Env, change: object) -> None:
    path = env.home / "tarry.key"
    document = json.loads(path.read_text())
    path.write_text(change(document) if callable(change) else str(change))


@pytest.mark.parametrize(
    "name",
    ["nested 100,000 deep", "memory_kib Infinity", "memory_kib 1e300", "iterations true",
     "over 64 KiB"],
)  # fmt: skip
def test_a_hostile_key_header(encrypted: Env, name: str) -> None:
    def kdf(field: str, value: object) -> object:
        def change(document: dict) -> str:  # type: ignore[type-arg]
            document["wraps"]["passphrase"]["kdf"][field] = value
            return json.dumps(document)

        return change

    changes = {
        "nested 100,000 deep": "[" * 100_000 + "]" * 100_000,
        "memory_kib Infinity": kdf("memory_kib", float("inf")),
        "memory_kib 1e300": kdf("memory_kib", 1e300),
        "iterations true": kdf("iterations", True),
        "over 64 KiB": " " * (65 << 10) + "{}",
    }
    _header(encrypted, changes[name])
    before = fingerprint(encrypted.home)
    result = encrypted.run("people", "list", TARRY_PASSPHRASE=PASS)
    _clear(result, "key header", "tarry restore")
    assert fingerprint(encrypted.home) == before


def test_the_database_being_a_folder(env: Env) -> None:
    env.home.mkdir(parents=True)
    (env.home / "tarry.db").mkdir()
    _clear(env.run("people", "list"), "is not a file")


@pytest.mark.parametrize("name", ["nested 200,000 deep", "2 GB string"])
def test_a_hostile_export_document(env: Env, tmp_path: Path, name: str) -> None:
    document = tmp_path / "export.json"
    if name == "2 GB string":
        with document.open("wb") as out:  # sparse: the size is what matters
            out.write(b'{"format": "tarry-export", "version": 1, "x": "')
            out.truncate(2 << 30)
    else:
        document.write_bytes(b"[" * 200_000 + b"]" * 200_000)
    Store.open(env.home).close()
    before = fingerprint(env.home)
    done = measured(env, ["import-backup", str(document)], 15)
    assert done.code == 2 and "Traceback" not in done.stderr, done.stderr
    assert str(document) in done.stderr
    assert done.seconds < 10 and done.megabytes < 500, (done.seconds, done.megabytes)
    assert fingerprint(env.home) == before


@pytest.fixture(params=["plain", "encrypted"])
def filled(request: pytest.FixtureRequest, env: Env, tmp_path: Path) -> Env:
    passphrase = PASS if request.param == "encrypted" else None
    if passphrase:
        from tarry.store import encryption

        encryption.create(env.home, PASS)
    with Store.open(env.home, passphrase=passphrase) as store:
        for i in range(300):
            people.add(store, f"Person {i:03d}", note="x" * 40)
        import_chat(store, write_chat(tmp_path / "c.csv", 3000), fmt="csv", me="Robin")
        store.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return env


def _damage(db: Path, how: str) -> None:
    data = bytearray(db.read_bytes())
    pages = len(data) // PAGE
    if how == "truncated by one page":
        del data[(pages - 1) * PAGE :]
    elif how == "truncated mid-page":
        del data[(pages - 1) * PAGE + 100 :]
    else:  # a byte flipped in a page near the end, which `people list` never reads
        data[(pages - 2) * PAGE + 200] ^= 0x55
    db.write_bytes(bytes(data))


@pytest.mark.parametrize("how", ["truncated by one page", "truncated mid-page", "flipped byte"])
def test_a_damaged_store_is_refused_by_every_command(filled: Env, how: str) -> None:
    db = filled.home / "tarry.db"
    _damage(db, how)
    before = fingerprint(filled.home)
    for command in (["people", "list"], ["review"], ["search", "weekend"]):
        result = filled.run(*command, TARRY_PASSPHRASE=PASS)
        if how == "flipped byte" and not (filled.home / "tarry.key").exists():
            # A plain store has no checksums: a flipped byte inside a row is not damage
            # SQLite can see (docs/security.md says so); it must still never be a traceback.
            assert result.returncode in (0, 2) and "Traceback" not in result.stderr
            continue
        _clear(result, "damaged", "Nothing was changed", "tarry restore")
        assert fingerprint(filled.home) == before  # no -wal, no -shm, no byte changed
