"""Benchmark: the cost of trust. Argon2id tuning, unlocking, encryption overhead, backups, and
kill -9 at many random points during a large import and during passphrase changes.

    .venv/bin/python bench/bench_trust.py                                   # the figures, 100k
    .venv/bin/python bench/bench_trust.py --messages 1000000 --kills 200    # the issue's run
    .venv/bin/python bench/bench_trust.py --kills 0                         # figures only

Every ratio compares two runs in the same invocation (plain store as the baseline). The kill
runs use the trust suite's harness (tests/trust/crash.py): the import or the passphrase change
runs in a forked child killed with SIGKILL at a random point; after each kill the store must pass
integrity_check, hold all or none of the messages, and open with exactly one passphrase.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("TARRY_NOW", "2026-11-19T12:00:00+00:00")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.trust import crash
from tests.trust.conftest import write_chat

from tarry.mirror.chats import import_chat
from tarry.store import Store, backup, crypto, encryption, unlock

PASS, NEW = "bench passphrase one", "bench passphrase two"


def timed(work: Callable[[], object], repeat: int = 3) -> float:
    """Median seconds of `repeat` runs."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def argon2_figures() -> None:
    print("Argon2id, 3 passes, 4 lanes (median of 3):")
    for mib in (64, 128, 256, 512):
        params = crypto.KdfParams(memory_kib=mib * 1024)
        seconds = timed(lambda p=params: crypto.derive(b"passphrase", b"s" * 16, p))
        print(f"  {mib:4d} MiB: {seconds:.3f} s")
    os.environ.pop("TARRY_KDF", None)
    started = time.perf_counter()
    chosen = crypto.tune()
    tuning = time.perf_counter() - started
    one = timed(lambda: crypto.derive(b"passphrase", b"s" * 16, chosen))
    print(f"  tune() picks {chosen.memory_kib // 1024} MiB x {chosen.iterations} passes:")
    print(f"    {one:.3f} s per unlock; tuning itself took {tuning:.2f} s")
    os.environ["TARRY_KDF"] = "minimum"


def store_figures(root: Path, messages: int) -> None:
    chat = write_chat(root / "chat.csv", messages)
    plain, locked = root / "plain", root / "locked"
    Store.open(plain).close()
    encryption.create(locked, PASS)
    key = unlock.data_key(crypto.header_path(locked / "tarry.db"), passphrase=PASS)
    rows = []
    for label, home, opener in (
        ("plain", plain, lambda h: Store.open(h)),
        ("encrypted", locked, lambda h: Store.open(h, key=key)),
    ):
        with opener(home) as store:
            started = time.perf_counter()
            import_chat(store, chat, fmt="csv", me="Robin")
            imported = time.perf_counter() - started
            started = time.perf_counter()
            backup.backup(store, root / f"{label}.tarry-backup")
            backed = time.perf_counter() - started
        opened = timed(lambda h=home, o=opener: o(h).close())
        rows.append((label, imported, backed, opened))
    print(f"\nImport of {messages} messages, verified backup, open (key given), 2 cores:")
    for label, imported, backed, opened in rows:
        print(f"  {label:9s} import {imported:6.2f} s ({messages / imported:8.0f} msg/s)", end="")
        print(f"  backup {backed:5.2f} s  open {opened * 1000:6.1f} ms")
    print(f"  encrypted/plain: import x{rows[1][1] / rows[0][1]:.2f}", end="")
    print(f", backup x{rows[1][2] / rows[0][2]:.2f}, open x{rows[1][3] / rows[0][3]:.2f}")
    unlocking = timed(lambda: Store.open(locked, passphrase=PASS).close())
    print(f"  unlock with the passphrase (floor cost) and open: {unlocking:.3f} s")


def kill_figures(root: Path, messages: int, kills: int) -> None:
    home = root / "kills"
    encryption.create(home, PASS)
    key = unlock.data_key(crypto.header_path(home / "tarry.db"), passphrase=PASS)
    chat = write_chat(root / "kills.csv", messages)
    outcome = crash.kill_imports(home, chat, messages, kills, key)
    print(f"\nkill -9 during a {messages}-message import, {kills} random points:")
    print(f"  {dict(outcome.states)}; {outcome.mid_transaction} left uncommitted pages in the WAL")
    print(f"  integrity_check ok and all-or-nothing after every kill ({outcome.seconds:.0f} s)")
    rerun(home, chat, messages, key)
    changed = crash.kill_passphrase_changes(home, PASS, NEW, kills)
    print(f"kill -9 during passphrase changes, {kills} random points:")
    print(f"  {dict(changed.states)}; exactly one passphrase opened the store after every kill")
    print(f"  ({changed.seconds:.0f} s)")


def rerun(home: Path, chat: Path, messages: int, key: bytes) -> None:
    """After the last kill: a re-run completes, and one more adds nothing (no duplicates)."""
    with Store.open(home, key=key) as store:
        first = import_chat(store, chat, fmt="csv", me="Robin")
        again = import_chat(store, chat, fmt="csv", me="Robin")
    check, count = crash.message_count(home, key)
    assert (check, count, again.new) == ("ok", messages, 0), (check, count, again.new)
    print(f"  re-run after the last kill: {first.new} new, then {again.new} new; {count} stored")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--kill-messages", type=int, default=None, help="default: --messages")
    args = parser.parse_args()
    os.environ["TARRY_KDF"] = "minimum"
    argon2_figures()
    with tempfile.TemporaryDirectory() as folder:
        store_figures(Path(folder), args.messages)
        if args.kills:
            kill_figures(Path(folder), args.kill_messages or args.messages, args.kills)


if __name__ == "__main__":
    main()
