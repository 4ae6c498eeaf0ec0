"""Scenario 14 (issue 17, 5): a store that is gone or emptied is damage, never a new empty store.

With the key header present, a deleted or 0-byte `tarry.db` is exit 2, names the file and points
to `tarry restore`; so is a plain 0-byte `tarry.db`. Nothing is created in its place. A new store
is made whole under another name and linked in, so an empty `tarry.db` never exists otherwise.
"""

from __future__ import annotations

import os

import pytest

from tarry.declare import people
from tarry.store import NEW_PREFIX, Store
from tests.trust.conftest import PASS, Env, fingerprint


def _refused(env: Env, what: str) -> None:
    before = fingerprint(env.home)
    for command in (["people", "list"], ["init"], ["log", "--with", "Sam"]):
        result = env.run(*command, TARRY_PASSPHRASE=PASS)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert what in result.stderr and "tarry restore" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout == ""
    assert fingerprint(env.home) == before


@pytest.mark.parametrize("damage", ["deleted", "emptied"])
def test_an_encrypted_store_without_its_database(encrypted: Env, damage: str) -> None:
    with Store.open(encrypted.home, passphrase=PASS) as store:
        people.add(store, "Sam")
    db = encrypted.home / "tarry.db"
    if damage == "deleted":
        db.unlink()
        _refused(encrypted, "is missing, but its key header tarry.key is there")
        assert not db.exists()
    else:
        db.write_bytes(b"")
        _refused(encrypted, "is empty (0 bytes)")


def test_an_emptied_plain_store(env: Env) -> None:
    with Store.open(env.home) as store:
        people.add(store, "Sam")
    (env.home / "tarry.db").write_bytes(b"")
    _refused(env, "is empty (0 bytes)")


def test_a_new_store_is_never_seen_half_made(env: Env) -> None:
    """Many processes creating the same new store at once: one store, whole, no leftovers."""
    running = [env.start("people", "add", f"P{i}") for i in range(6)]
    codes = [p.wait(timeout=60) for p in running]
    assert codes == [0] * 6, [p.stderr.read() for p in running if p.stderr]
    listed = env.run("people", "list", "--json")
    assert listed.returncode == 0 and listed.stdout.count('"name"') == 6
    assert not list(env.home.glob(NEW_PREFIX + "*"))


def test_a_creation_killed_half_way_leaves_no_store(env: Env) -> None:
    """What a killed creation leaves (a partial file under the new name) is swept, unseen."""
    env.home.mkdir(parents=True)
    dead = env.home / f"{NEW_PREFIX}{_dead_pid()}-0000"
    dead.write_bytes(b"SQLite format 3\x00 half")
    result = env.run("people", "add", "Sam")
    assert result.returncode == 0, result.stderr
    assert not dead.exists()


def _dead_pid() -> int:
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)
    return pid
