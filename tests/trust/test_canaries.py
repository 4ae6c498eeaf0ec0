"""Scenario 2: canaries written everywhere are found nowhere on disk, during and after use.

Canaries go into a person's name, a journal entry, a moment's note (so also the search index),
imported messages, and an entry while it is open in $EDITOR. The data directory, the backups,
$TMPDIR and $HOME of every process are scanned while an import is running (its uncommitted pages
are in the WAL), while the editor is open, and afterwards.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tarry.base import scratch
from tarry.declare import people
from tarry.mirror.chats import import_chat
from tarry.store import Store
from tests.base.test_scratch import fs_type
from tests.trust.conftest import PASS, Env, canary, hits, write_chat


def _plant(env: Env, token: str, chat: Path) -> None:
    with Store.open(env.home, passphrase=PASS) as store:
        people.add(store, f"Robin {token}", aliases=["Robin"], note=f"note {token}")
        store.execute(
            "INSERT INTO entries (at, prompt, body) VALUES (?, '', ?)",
            ("2026-11-18T20:00:00Z", f"I felt {token} today"),
        )
        store.execute(
            "INSERT INTO moments (at, duration_min, intimacy, i_disclosed, they_disclosed,"
            " pleasantness, satisfaction, note) VALUES (?, 60, 5, 5, 5, 5, 5, ?)",
            ("2026-11-18T19:00:00Z", f"walked and talked {token}"),
        )
        import_chat(store, chat, fmt="csv", me="Robin")


def test_no_plaintext_anywhere_during_and_after_use(encrypted: Env, tmp_path: Path) -> None:
    token = canary()
    small = write_chat(tmp_path / "small.csv", 20, token)
    big = write_chat(tmp_path / "big.csv", 20000, token)
    _plant(encrypted, token, small)
    watched = (encrypted.home, encrypted.tmpdir, encrypted.user)

    running = encrypted.start(
        "import", "chat", str(big), "--format", "csv", "--me", "Robin", TARRY_PASSPHRASE=PASS
    )
    scans = 0
    while running.poll() is None:
        assert hits(token, *watched) == []
        scans += 1
        time.sleep(0.05)
    assert running.returncode == 0, running.stderr.read() if running.stderr else ""
    assert scans >= 3  # the import was really watched while it ran

    backup = encrypted.run("backup", TARRY_PASSPHRASE=PASS)
    search = encrypted.run("search", token, "--json", TARRY_PASSPHRASE=PASS)
    assert backup.returncode == 0 and search.returncode == 0
    assert token in search.stdout  # the data is there, and searchable once unlocked
    assert list((encrypted.home / "backups").glob("*.tarry-backup"))
    assert hits(token, *watched) == []
    assert not (encrypted.home / "tarry.db").read_bytes().startswith(b"SQLite format 3")


def test_a_plain_store_is_what_the_scan_would_catch(env: Env, tmp_path: Path) -> None:
    """The scan itself works: the same canaries in a plain store are found."""
    token = canary()
    with Store.open(env.home) as store:
        people.add(store, f"Robin {token}")
    assert hits(token, env.home) == [str(env.home / "tarry.db")]


def test_an_entry_being_written_is_only_in_memory(encrypted: Env, tmp_path: Path) -> None:
    """While $EDITOR has the entry open, its text is in a tmpfs folder, and nowhere on disk."""
    if scratch.memory_folder() is None:
        pytest.skip("no memory folder on this machine")
    token, edited, go = canary(), tmp_path / "edited", tmp_path / "go"
    editor = tmp_path / "editor.sh"
    editor.write_text(
        f'#!/bin/sh\nprintf \'I felt {token}\' >> "$1"\necho "$1" > {edited}\n'
        f"while [ ! -e {go} ]; do sleep 0.02; done\n"
    )
    editor.chmod(0o755)
    writing = encrypted.start("write", "--edit", TARRY_PASSPHRASE=PASS, EDITOR=str(editor))
    deadline = time.monotonic() + 60
    while not edited.exists() or not edited.read_text().strip():
        assert writing.poll() is None, writing.stderr.read() if writing.stderr else ""
        assert time.monotonic() < deadline, "the editor was not started within 60 s"
        time.sleep(0.02)
    draft = Path(edited.read_text().strip())
    assert token in draft.read_text()
    assert fs_type(draft.parent) == "tmpfs"
    assert hits(token, encrypted.home, encrypted.tmpdir, encrypted.user) == []
    go.touch()
    assert writing.wait(30) == 0, writing.stderr.read() if writing.stderr else ""
    assert not draft.exists()
    assert token in encrypted.run("search", token, TARRY_PASSPHRASE=PASS).stdout
    assert hits(token, encrypted.home, encrypted.tmpdir, encrypted.user) == []
