"""Scenario 11 (issue 17, 2): restoring a plain backup never removes a store's encryption.

A plain backup restored over an encrypted store is encrypted with that store's key as it is
restored (its passphrase is asked, as for any command); what is written afterwards is encrypted.
Without the passphrase, or with a wrong one, nothing changes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tarry.declare import people
from tarry.store import Store
from tests.trust import crash
from tests.trust.backups import genuine
from tests.trust.conftest import PASS, Env, canary, fingerprint, hits


def test_a_plain_backup_is_encrypted_as_it_is_restored(encrypted: Env, tmp_path: Path) -> None:
    plain = genuine(tmp_path)
    result = encrypted.run("restore", str(plain), "--replace", TARRY_PASSPHRASE=PASS)
    assert result.returncode == 0, result.stderr
    assert "restored store is encrypted with this store's passphrase" in result.stdout
    db = encrypted.home / "tarry.db"
    assert not db.read_bytes().startswith(b"SQLite format 3")
    assert (encrypted.home / "tarry.key").exists()
    listed = encrypted.run("people", "list", TARRY_PASSPHRASE=PASS)
    assert "Sam" in listed.stdout and "Alex" in listed.stdout
    token = canary()
    wrote = encrypted.run("write", input=f"{token}\n", TARRY_PASSPHRASE=PASS)
    assert wrote.returncode == 0, wrote.stderr
    assert hits(token, encrypted.home) == []  # written after the restore: encrypted too
    assert hits("likes rain", encrypted.home / "tarry.db") == []
    assert encrypted.run("people", "list").returncode == 2  # still locked without it


@pytest.mark.parametrize("passphrase", [None, "not the passphrase"])
def test_without_the_right_passphrase_nothing_changes(
    encrypted: Env, tmp_path: Path, passphrase: str | None
) -> None:
    plain = genuine(tmp_path)
    before = fingerprint(encrypted.home)
    extra = {"TARRY_PASSPHRASE": passphrase} if passphrase else {}
    result = encrypted.run("restore", str(plain), "--replace", **extra)
    assert result.returncode == 2 and "passphrase" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert fingerprint(encrypted.home) == before
    assert not (encrypted.home / ".swap").exists()


@pytest.mark.slow
def test_kill_9_during_an_encrypting_restore(encrypted: Env, tmp_path: Path) -> None:
    """12 kills at random points (200 in bench/bench_trust.py): the old store or the restored
    one, whole and encrypted."""
    with Store.open(encrypted.home, passphrase=PASS) as store:
        for i in range(200):
            people.add(store, f"Old {i:03d}")
    plain = genuine(tmp_path)
    outcome = crash.kill_restores(encrypted.home, plain, PASS, 12)
    assert sum(outcome.states.values()) == 12
    assert outcome.states["restored"] > 0, outcome.states
