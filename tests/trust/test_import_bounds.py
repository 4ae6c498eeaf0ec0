"""Scenario 15 (issue 17, 6): one import cannot fill the disk.

A zip that expands to far more valid chat lines than any chat holds is stopped at the import's
limits (messages and bytes, each raised with a flag) with nothing imported; free space is
checked before the import starts and while it runs, so a small disk is never filled. Each runs in
a forked child: under 60 s and 500 MB, little written, exit 2, the store byte-identical.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tarry.declare import people
from tarry.store import Store
from tests.disks import small_disk as small_tmpfs
from tests.trust.conftest import Env, fingerprint
from tests.trust.measure import Measured, measured


def chat_zip(path: Path, messages: int) -> Path:
    """A WhatsApp export zip of `messages` valid lines (it deflates about 30 to 1)."""
    lines = io.StringIO()
    for i in range(messages):
        day, minute = 1 + i // 1440 % 28, i % 1440
        who = "Alex" if i % 2 else "Robin"
        lines.write(f"1/{day}/23, {minute // 60}:{minute % 60:02d} - {who}: message number {i}\n")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("WhatsApp Chat with Alex.txt", lines.getvalue())
    return path


@pytest.fixture
def kept(env: Env) -> Env:
    with Store.open(env.home) as store:
        people.add(store, "Kept")
    return env


def _import(env: Env, chat: Path, *flags: str) -> Measured:
    args = ["import", "chat", str(chat), "--format", "whatsapp", "--me", "Robin", *flags]
    return measured(env, args, 60)


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (("--max-messages", "50000"), "more than 50,000 messages"),
        (("--max-bytes", "2M"), "more than 2 MiB of messages"),
    ],
)
def test_an_import_stops_at_its_limits(
    kept: Env, tmp_path: Path, flags: tuple[str, ...], expected: str
) -> None:
    chat = chat_zip(tmp_path / "chat.zip", 200_000)
    before = fingerprint(kept.home)
    done = _import(kept, chat, *flags)
    assert done.code == 2 and expected in done.stderr, done.stderr
    assert flags[0] in done.stderr  # says how to raise it
    assert "Traceback" not in done.stderr
    assert done.megabytes < 500
    assert fingerprint(kept.home) == before


def test_raising_the_limit_lets_it_through(kept: Env, tmp_path: Path) -> None:
    chat = chat_zip(tmp_path / "chat.zip", 20_000)
    refused = _import(kept, chat, "--max-messages", "19999")
    assert refused.code == 2
    done = _import(kept, chat, "--max-messages", "20000")
    assert done.code == 0, done.stderr
    with Store.open(kept.home) as store:
        assert store.scalar("SELECT count(*) FROM messages") == 20_000


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path, "8m") as mount:
        yield mount


def test_free_space_is_checked_first(env: Env, small_disk: Path, tmp_path: Path) -> None:
    """A plain export larger than the disk could take is refused before anything is written."""
    home = small_disk / "home"
    env.vars["TARRY_HOME"] = str(home)
    Store.open(home).close()
    chat = tmp_path / "big.txt"
    with zipfile.ZipFile(chat_zip(tmp_path / "c.zip", 60_000)) as archive:
        chat.write_bytes(archive.read("WhatsApp Chat with Alex.txt"))  # ~3.6 MB of text
    before = fingerprint(home)
    done = _import(env, chat)
    assert done.code == 2 and "too full for this import" in done.stderr, done.stderr
    assert done.written < 1 << 20
    assert fingerprint(home) == before


def test_an_expanding_zip_stops_before_the_disk_is_full(
    env: Env, small_disk: Path, tmp_path: Path
) -> None:
    """The zip is small, so it passes the first check; the import stops as free space runs out."""
    home = small_disk / "home"
    env.vars["TARRY_HOME"] = str(home)
    with Store.open(home) as store:
        people.add(store, "Kept")
    chat = chat_zip(tmp_path / "chat.zip", 400_000)
    before = fingerprint(home)
    done = _import(env, chat)
    assert done.code == 2, done.stderr
    assert "full" in done.stderr and "Free some disk space" in done.stderr
    assert fingerprint(home) == before
    with Store.open(home) as store:
        assert store.scalar("PRAGMA integrity_check") == "ok"
        assert store.scalar("SELECT count(*) FROM messages") == 0
