"""iMessage import cost: chat.db read in memory (with its -wal replayed) or in place (no -wal to
apply) against the old way, a copy in $TMPDIR opened by SQLite. Same queries, each in its own
process.

    .venv/bin/python bench/bench_imessage.py --messages 500000 --wal-messages 20000 --rounds 3

Builds a synthetic Messages database (the schema of tests/data/imessage/chat.sql) in WAL mode
and copies it with its log while still open, so the newest messages are only in the -wal.
Reports messages read, wall seconds and peak RSS (each child's own rusage; medians of the rounds)
per way, and the ratio.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "tests" / "data" / "imessage" / "chat.sql"

IN_MEMORY = """
from pathlib import Path
from tarry.mirror.formats import imessage
db = Path(sys.argv[1])
with db.open("rb") as fp:
    found = imessage.conversations(fp, name=str(db), wal=db.with_name(db.name + "-wal"))
    count = sum(1 for c in found for _ in c.messages)
"""
IN_PLACE = """
from pathlib import Path
from tarry.mirror.formats import imessage
db = Path(sys.argv[1]).parent / "no-log" / "chat.db"
with db.open("rb") as fp:
    found = imessage.conversations(fp, name=str(db))
    count = sum(1 for c in found for _ in c.messages)
"""
COPY_IN_TMPDIR = """
import shutil, sqlite3, tempfile
from pathlib import Path
from tarry.mirror.formats import imessage
db = Path(sys.argv[1])
with tempfile.TemporaryDirectory() as folder:
    shutil.copyfile(db, Path(folder) / "chat.db")
    shutil.copyfile(db.with_name(db.name + "-wal"), Path(folder) / "chat.db-wal")
    conn = sqlite3.connect(f"{(Path(folder) / 'chat.db').as_uri()}?mode=ro", uri=True)
    chats = imessage._chats(conn, str(db), None, lambda *a: None)
    count = sum(1 for c in chats for _ in c.messages)
    conn.close()
"""
REPORT = "print(count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
WAYS = {
    "in memory (now, with -wal)": IN_MEMORY,
    "in place (now, no -wal)": IN_PLACE,
    "copy in $TMPDIR (before)": COPY_IN_TMPDIR,
}


def build(folder: Path, messages: int, in_wal: int) -> Path:
    """chat.db with `messages` messages in 50 chats, the last `in_wal` only in its -wal."""
    live = folder / "live" / "chat.db"
    live.parent.mkdir()
    conn = sqlite3.connect(live, isolation_level=None)
    schema = SCHEMA.read_text(encoding="utf-8").split("INSERT INTO handle")[0]
    conn.executescript(schema.replace("CREATE TRIGGER", "-- "))
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("INSERT INTO handle VALUES (1, '+10000000001', 'iMessage')")
    conn.executemany(
        "INSERT INTO chat VALUES (?, ?, ?, '')", ((c, f"g{c}", f"chat{c}") for c in range(1, 51))
    )
    _insert(conn, range(1, messages - in_wal + 1))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    _insert(conn, range(messages - in_wal + 1, messages + 1))
    copy = folder / "chat.db"
    for suffix in ("", "-wal"):
        shutil.copyfile(str(live) + suffix, str(copy) + suffix)
    conn.close()  # checkpoints: the file alone now holds every message
    (folder / "no-log").mkdir()
    shutil.copyfile(live, folder / "no-log" / "chat.db")
    return copy


def _insert(conn: sqlite3.Connection, ids: range) -> None:
    base = 707335200 * 10**9
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me) VALUES (?,?,?,?,?,?)",
        ((i, f"m{i}", f"message {i} about the weekend and how it went", 1, base + i * 60 * 10**9,
          i % 2) for i in ids),
    )  # fmt: skip
    conn.executemany("INSERT INTO chat_message_join VALUES (?, ?)", ((1 + i % 50, i) for i in ids))
    conn.execute("COMMIT")


def run(code: str, db: Path) -> tuple[int, float, float]:
    """Messages read, wall seconds and peak RSS (MiB) of one child process."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", f"import resource, sys\n{code}\n{REPORT}", str(db)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    wall = time.perf_counter() - started
    count, peak_kib = child.stdout.split()
    return int(count), wall, int(peak_kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=500_000)
    parser.add_argument("--wal-messages", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = build(Path(folder), args.messages, args.wal_messages)
        size, wal = db.stat().st_size, Path(str(db) + "-wal").stat().st_size
        print(f"chat.db {size / 2**20:.1f} MiB + chat.db-wal {wal / 2**20:.1f} MiB")
        results: dict[str, list[tuple[int, float, float]]] = {way: [] for way in WAYS}
        for _ in range(args.rounds):  # alternate the ways round by round
            for way, code in WAYS.items():
                results[way].append(run(code, db))
        _report(results, size + wal)


def _report(results: dict[str, list[tuple[int, float, float]]], size: int) -> None:
    medians = {}
    for way, runs in results.items():
        counts = {r[0] for r in runs}
        wall = statistics.median(r[1] for r in runs)
        peak = statistics.median(r[2] for r in runs)
        medians[way] = wall
        print(f"  {way:26s} {counts} messages  {wall:6.2f} s wall  peak RSS "
              f"{peak:7.1f} MiB  ({peak * 2**20 / size:.2f}x the files)")  # fmt: skip
    memory, place, before = medians.values()
    print(f"  wall: in memory / copy x{memory / before:.2f}, in place / copy x{place / before:.2f}")


if __name__ == "__main__":
    main()
