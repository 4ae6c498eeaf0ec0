"""kill -9 at random points: during a chat import, a passphrase change, and a restore.

Used by the trust suite (50 kills) and bench/bench_trust.py (200 kills, larger imports). The work
runs in a forked child (tarry already imported, so the kill lands in the work, not in start-up)
that is killed with SIGKILL; the parent then checks the store the way a user's next command would.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tarry.base.errors import TarryError
from tarry.declare import people
from tarry.mirror.chats import import_chat
from tarry.store import Store, backup, crypto, encryption, unlock

CACHE_PAGES = 64


@dataclass
class Outcome:
    """What the kills left behind: states seen and how many kills hit a transaction."""

    states: Counter[str] = field(default_factory=Counter)
    mid_transaction: int = 0  # kills that left uncommitted pages in the WAL
    seconds: float = 0.0


WAIT_S = 120.0  # the most any one child process may take: a hang fails, it does not stall


def _fork(work: Callable[[], None]) -> int:
    pid = os.fork()
    if pid == 0:  # the child: do the work, never return into the test runner
        code = 0
        try:
            work()
        except BaseException:
            code = 1
        os._exit(code)
    return pid


def _kill_after(pid: int, delay: float) -> bool:
    """SIGKILL `pid` after `delay` seconds; True if it was still running then."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            return False
        time.sleep(min(0.005, max(0.0, deadline - time.monotonic())))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return True


def copy_store(src: Path, dst: Path) -> None:
    """Copy a closed store's files (never used on a live database)."""
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)


def message_count(home: Path, key: bytes | None) -> tuple[str, int]:
    """integrity_check and the number of messages, as the next command would see them."""
    with Store.open(home, key=key) as store:
        check = store.scalar("PRAGMA integrity_check")
        count = store.scalar("SELECT count(*) FROM messages")
        distinct = store.scalar("SELECT count(DISTINCT ts || author || text) FROM messages")
    assert count == distinct, "duplicate messages"
    return str(check), int(count)


def timed_import(home: Path, chat: Path, key: bytes | None) -> tuple[float, int]:
    """Seconds one complete import takes, and the most its WAL grew (in a scratch copy)."""
    scratch = home.with_name(home.name + "-timing")
    copy_store(home, scratch)
    wal, most = scratch / "tarry.db-wal", 0
    started = time.monotonic()
    pid = _fork(lambda: _import(scratch, chat, key))
    while not os.waitpid(pid, os.WNOHANG)[0]:
        most = max(most, _size(wal))
        if time.monotonic() - started > WAIT_S:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError(f"an import did not finish within {WAIT_S} s")
        time.sleep(0.001)
    elapsed = time.monotonic() - started
    shutil.rmtree(scratch)
    return elapsed, most


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _kill_when_grown(pid: int, wal: Path, size: int) -> bool:
    """SIGKILL `pid` once `wal` holds `size` bytes; True if it was still running then."""
    return _kill_when(pid, lambda: _size(wal) >= size, f"the log did not grow to {size} bytes")


def _kill_when(pid: int, ready: Callable[[], bool], what: str = "it was not ready") -> bool:
    """SIGKILL `pid` as soon as `ready()`; True if it was still running then."""
    deadline = time.monotonic() + WAIT_S
    while not ready():
        if os.waitpid(pid, os.WNOHANG)[0]:
            return False
        if time.monotonic() > deadline:  # neither grew nor ended: kill it and say so
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            raise AssertionError(f"{what} within {WAIT_S} s")
        time.sleep(0.0005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return True


def _import(home: Path, chat: Path, key: bytes | None) -> None:
    with Store.open(home, key=key) as store:
        # A small page cache makes a small import spill uncommitted pages into the WAL, as a
        # 1M-message import does; the kill then also tests that they are ignored on reopen.
        store.execute(f"PRAGMA cache_size = {CACHE_PAGES}")
        import_chat(store, chat, fmt="csv", me="Robin")


def kill_imports(
    home: Path, chat: Path, total: int, kills: int, key: bytes | None, seed: int = 7
) -> Outcome:
    """Kill `kills` imports of `chat` at random points; after each: all or nothing, intact."""
    rng, outcome = random.Random(seed), Outcome()
    pristine = home.with_name(home.name + "-pristine")
    copy_store(home, pristine)
    duration, grown = timed_import(home, chat, key)
    wal = home / "tarry.db-wal"
    started = time.monotonic()
    for number in range(kills):
        copy_store(pristine, home)
        pid = _fork(lambda: _import(home, chat, key))
        if number % 2 or not grown:
            killed = _kill_after(pid, rng.uniform(0.0, duration))
        else:  # aim at the writing phase: uncommitted pages are in the WAL
            killed = _kill_when_grown(pid, wal, rng.randint(1, grown))
        in_tx = killed and _size(wal) > 0
        check, count = message_count(home, key)
        assert check == "ok", check
        assert count in (0, total), f"partial import: {count} of {total}"
        outcome.states["rolled back" if count == 0 else "committed"] += 1
        outcome.mid_transaction += int(in_tx and count == 0)
    outcome.seconds = time.monotonic() - started
    shutil.rmtree(pristine)
    return outcome


def kill_passphrase_changes(home: Path, old: str, new: str, kills: int, seed: int = 11) -> Outcome:
    """Kill passphrase changes at random points; after each exactly one passphrase opens."""
    rng, outcome = random.Random(seed), Outcome()
    header = crypto.header_path(home / "tarry.db")
    floor = crypto.KdfParams()
    started = time.monotonic()
    pid = _fork(lambda: encryption.change_passphrase(home, old, new, kdf=floor))
    os.waitpid(pid, 0)
    duration = time.monotonic() - started
    current, other = new, old
    checked = header.read_bytes()
    for number in range(kills):
        # Every other kill aims at the end, where the new header is written and renamed.
        delay = rng.uniform(0.0, duration) if number % 2 else rng.uniform(0.85, 1.1) * duration
        pid = _fork(lambda a=current, b=other: encryption.change_passphrase(home, a, b, kdf=floor))
        _kill_after(pid, delay)
        if header.read_bytes() == checked:  # byte-identical to a header already checked
            outcome.states["unchanged"] += 1
            continue
        opens = [p for p in (current, other) if _opens(header, p)]
        assert opens == [other], f"after a change, these open the store: {len(opens)}"
        current, other, checked = other, current, header.read_bytes()
        outcome.states["changed"] += 1
    outcome.seconds = time.monotonic() - started
    assert [p for p in (current, other) if _opens(header, p)] == [current]
    with Store.open(home, passphrase=current) as store:
        assert store.scalar("PRAGMA integrity_check") == "ok"
    return outcome


def _opens(header: Path, passphrase: str) -> bool:
    try:
        unlock.data_key(header, passphrase=passphrase)
    except TarryError:
        return False
    return True


def kill_restores(home: Path, plain: Path, passphrase: str, kills: int, seed: int = 13) -> Outcome:
    """Kill restores of the plain backup `plain` over the encrypted store in `home` (encrypted
    as it is restored) at random points; after each, the next open sees the old store or the
    restored one, whole and encrypted: never a plain database, never a mix."""
    rng, outcome = random.Random(seed), Outcome()
    pristine = home.with_name(home.name + "-pristine")
    copy_store(home, pristine)
    old = _names(home, passphrase)
    started = time.monotonic()
    pid = _fork(lambda: _restore(plain, home, passphrase))
    os.waitpid(pid, 0)
    duration = time.monotonic() - started
    new = _names(home, passphrase)
    assert new != old, "the backup must differ from the store it replaces"
    started = time.monotonic()
    swap = home / ".swap"
    for number in range(kills):
        copy_store(pristine, home)
        pid = _fork(lambda: _restore(plain, home, passphrase))
        if number % 2:
            _kill_after(pid, rng.uniform(0.0, duration))
        else:  # aim at the swap: the commit marker is written, the files are being moved
            _kill_when(pid, lambda: (swap / "READY").exists() or (swap / "SWAP").exists())
        names = _names(home, passphrase)  # opening finishes or drops an interrupted swap
        assert names in (old, new), f"after a kill: {names}"
        assert not (home / "tarry.db").read_bytes().startswith(b"SQLite format 3")
        outcome.states["old store" if names == old else "restored"] += 1
    outcome.seconds = time.monotonic() - started
    shutil.rmtree(pristine)
    return outcome


def _restore(plain: Path, home: Path, passphrase: str) -> None:
    backup.restore(plain, home, replace=True, passphrase=passphrase)


def _names(home: Path, passphrase: str) -> list[str]:
    with Store.open(home, passphrase=passphrase) as store:
        assert store.scalar("PRAGMA integrity_check") == "ok"
        assert store.encrypted
        return [p.name for p in people.all_people(store)]
