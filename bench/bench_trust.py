"""Benchmark: the cost of trust. Argon2id tuning, unlocking, encryption overhead, backups,
kill -9 at many random points (a large import, passphrase changes, a restore that encrypts a plain
backup), and hostile files: time, peak memory and bytes written until each is refused.

    .venv/bin/python bench/bench_trust.py                                   # the figures, 100k
    .venv/bin/python bench/bench_trust.py --messages 1000000 --kills 200    # the issue's run
    .venv/bin/python bench/bench_trust.py --kills 0                         # figures only
    .venv/bin/python bench/bench_trust.py --only hostile                    # hostile files only
    .venv/bin/python bench/bench_trust.py --only kills --kills 200          # kill runs only

Every ratio compares two runs in the same invocation (plain store as the baseline). The kill
runs use the trust suite's harness (tests/trust/crash.py): the work runs in a forked child killed
with SIGKILL at a random point; after each kill the store must pass integrity_check, hold all or
none of the messages, open with exactly one passphrase, and (restore) be the old store or the
restored one, encrypted. Hostile files are the trust suite's (tests/trust/test_*.py builders),
each run through the real CLI entry point in a forked child in a sandbox (tests/trust/measure.py):
wall time, peak RSS, and bytes handed to write() (/proc/self/io wchar, stderr included).
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
from tests.trust.conftest import Env, write_chat
from tests.trust.measure import measured

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
    check_figures(plain)


def check_figures(home: Path) -> None:
    """What the read-only check costs every command (store/integrity.py), median of 200."""
    from tarry.store import integrity

    db = home / "tarry.db"
    whole = timed(lambda: Store.open(home).close(), 200)
    probe = timed(lambda: integrity.probe(db, None), 200)
    noted = timed(lambda: integrity.note(db), 200)
    db.with_name(db.name + integrity.NOTE_SUFFIX).unlink()
    started = time.perf_counter()
    integrity.probe(db, None)  # the file is not as noted: every page is read
    full = time.perf_counter() - started
    size = db.stat().st_size >> 20
    print(f"  open + close: {whole * 1000:.2f} ms, of which the read-only check"
          f" {probe * 1000:.2f} ms and the note {noted * 1000:.2f} ms;"
          f" a full check of the {size} MB file (after a change behind tarry's back)"
          f" {full * 1000:.0f} ms")  # fmt: skip


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


def restore_kill_figures(root: Path, kills: int) -> None:
    """kill -9 during restores of a plain backup over an encrypted store (encrypted as it goes)."""
    from tests.trust.backups import genuine

    from tarry.declare import people

    home = root / "restore-kills"
    encryption.create(home, PASS)
    with Store.open(home, passphrase=PASS) as store:
        for i in range(2000):
            people.add(store, f"Old {i:04d}")
    outcome = crash.kill_restores(home, genuine(root, "restore-plain"), PASS, kills)
    print(f"kill -9 during restores of a plain backup over an encrypted store, {kills} points:")
    print(
        f"  {dict(outcome.states)}; whole and encrypted after every kill ({outcome.seconds:.0f} s)"
    )


def sandbox(root: Path, name: str) -> Env:
    """A private home, $TMPDIR and $HOME, as the trust suite's `env` fixture makes them."""
    base = root / name
    home, tmpdir, user = base / "home", base / "tmp", base / "user"
    for folder in (tmpdir, user):
        folder.mkdir(parents=True)
    variables = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TARRY_HOME": str(home),
        "TARRY_KDF": "minimum", "TARRY_NOW": "2026-11-19T12:00:00+00:00", "TZ": "UTC",
        "TMPDIR": str(tmpdir), "HOME": str(user), "PYTHONDONTWRITEBYTECODE": "1",
    }  # fmt: skip
    return Env(base, home, tmpdir, user, variables)


def hostile_cases(root: Path) -> list[tuple[str, str, list[str]]]:
    """(what, the issue's figure before, tarry arguments) for each hostile input, built here."""
    from tests.trust import test_calendar_bounds as bounds
    from tests.trust import test_calendar_streaming as streaming
    from tests.trust import test_hostile_backups as backups
    from tests.trust import test_import_bounds as imports
    from tests.trust.backups import forge, genuine

    root.mkdir(parents=True, exist_ok=True)
    tick = root / "tick.ics"
    tick.write_text(bounds.ZONE_EVERY_SECOND.format(freq="SECONDLY"), newline="")
    series = root / "series.ics"
    series.write_text(bounds.series(1000), newline="")
    big = root / "big.ics"
    streaming.big_calendar(big, 50_000_000)
    folded = root / "folded.ics"
    folds = (" " + "a" * 73 + "\r\n") * ((40 << 20) // 76)
    streaming.sparse(folded, (streaming.HEAD + "X-A:b\r\n" + folds).encode(), 2 << 30)
    read = root / "folded-200mb.ics"
    streaming.sparse(read, (streaming.HEAD + "X-A:b\r\n" + folds).encode(), 200 << 20)
    huge = streaming.sparse(root / "huge.ics", (streaming.HEAD + "X-A:").encode(), 1 << 30)
    trigger = forge(
        genuine(root, "t"),
        root / "trigger.tarry-backup",
        lambda c: c.execute(
            "CREATE TRIGGER t AFTER INSERT ON entries BEGIN DELETE FROM moments; END"
        ),
    )
    chat = imports.chat_zip(root / "chat.zip", 1_000_000)
    document = root / "export.json"
    with document.open("wb") as out:
        out.write(b'{"format": "tarry-export", "version": 1, "x": "')
        out.truncate(2 << 30)
    return [
        ("restore: a trigger in the backup", "accepted, fired on next write",
         ["restore", str(trigger), "--replace"]),
        ("restore: a 400 MB generated column", "32 s, 4.2 GB",
         ["restore", str(backups.generated_blob(root)), "--replace"]),
        ("restore: a 4,000 MiB zero-filled member", "10 GB written (10 GB member)",
         ["restore", str(backups.zero_filled(root)), "--replace"]),
        ("calendar: a VTIMEZONE every second from 1601", "over 300 s, 4 GB",
         ["import", "calendar", str(tick)]),
        ("calendar: 1,000 series every minute", "6.7 GB",
         ["import", "calendar", str(series)]),
        ("calendar: 50 MB .ics (imported)", "1.17 GB", ["import", "calendar", str(big)]),
        ("calendar: 1 GB .ics", "MemoryError traceback", ["import", "calendar", str(huge)]),
        ("calendar: 2 GB folded line", "27 s, 7.9 GB", ["import", "calendar", str(folded)]),
        ("calendar: 200 MB, one folded line (read until 16 MB)", "",
         ["import", "calendar", str(read)]),
        ("chat: zip of 1,000,000 lines, --max-messages 100000", "(no limit: disk filled)",
         ["import", "chat", str(chat), "--format", "whatsapp", "--me", "Robin",
          "--max-messages", "100000"]),
        ("import-backup: a 2 GB document", "traceback",
         ["import-backup", str(document)]),
    ]  # fmt: skip


def hostile_figures(root: Path) -> None:
    print("\nHostile files, each in a forked child (the CLI entry point), until refused or done:")
    print(f"  {'input':52s} {'exit':>4s} {'time':>7s} {'peak':>8s} {'written':>9s}  before")
    for number, (what, before, args) in enumerate(hostile_cases(root / "hostile")):
        env = sandbox(root, f"case-{number}")
        Store.open(env.home).close()
        done = measured(env, args, 600)
        written = f"{done.written / (1 << 20):.1f} MB" if done.written >= 0 else "?"
        print(f"  {what:52s} {done.code:4d} {done.seconds:6.2f}s {done.megabytes:6.0f}MB"
              f" {written:>9s}  {before}")  # fmt: skip
        if "Traceback" in done.stderr:
            print("    TRACEBACK:", done.stderr.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--kill-messages", type=int, default=None, help="default: --messages")
    parser.add_argument("--only", choices=["figures", "kills", "hostile"], default=None)
    args = parser.parse_args()
    os.environ["TARRY_KDF"] = "minimum"
    run = {args.only} if args.only else {"figures", "kills", "hostile"}
    if "figures" in run:
        argon2_figures()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if "figures" in run:
            store_figures(root, args.messages)
        if "kills" in run and args.kills:
            kill_figures(root, args.kill_messages or args.messages, args.kills)
            restore_kill_figures(root, args.kills)
        if "hostile" in run:
            hostile_figures(root)


if __name__ == "__main__":
    main()
