"""Scenario 5: the disk fills up during an import: rollback, a clear error, the data intact.

The store lives on a 3 MiB tmpfs mounted for the test (needs root, as in CI's container); the
test skips, saying why, where mounting is not permitted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tarry.declare import people
from tarry.store import Store, encryption
from tests.disks import small_disk as small_tmpfs
from tests.trust.conftest import PASS, Env, write_chat


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path, "3m") as mount:
        yield mount


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "plain"])
def test_disk_full_during_import_rolls_back(
    env: Env, small_disk: Path, tmp_path: Path, encrypted: bool
) -> None:
    home = small_disk / "home"
    extra = {"TARRY_HOME": str(home), "TARRY_PASSPHRASE": PASS}
    if encrypted:
        encryption.create(home, PASS)
    with Store.open(home, passphrase=PASS) as store:
        people.add(store, "Sam", note="kept")
    chat = write_chat(tmp_path / "big.csv", 40000)  # ~4 MB of rows: cannot fit in 3 MiB

    result = env.run("import", "chat", str(chat), "--format", "csv", "--me", "Robin", **extra)
    assert result.returncode == 2, result.stderr
    assert "full" in result.stderr and "Free some disk space" in result.stderr
    assert "Traceback" not in result.stderr

    with Store.open(home, passphrase=PASS) as store:
        assert store.scalar("PRAGMA integrity_check") == "ok"
        assert store.scalar("SELECT count(*) FROM messages") == 0
        assert [p.note for p in people.all_people(store)] == ["kept"]
    small = write_chat(tmp_path / "small.csv", 30)
    after = env.run("import", "chat", str(small), "--format", "csv", "--json", **extra)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)["new"] == 30  # the store still works once there is room


def test_an_error_after_sqlite_rolled_back_on_its_own_surfaces(tmp_path: Path) -> None:
    """On a full disk SQLite may end the transaction itself; the real error must still show."""
    with Store.open(tmp_path / "h") as store:
        with pytest.raises(RuntimeError, match="the disk is full"), store.tx():
            store.execute("INSERT INTO entries (at, body) VALUES ('t', 'x')")
            store.execute("ROLLBACK")  # what SQLite does by itself after some SQLITE_FULL errors
            raise RuntimeError("the disk is full")
        assert store.scalar("SELECT count(*) FROM entries") == 0
