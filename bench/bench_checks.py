"""What a CHECK costs a row written: `x IN ('a', 'b', 'c')` against the same check as comparisons.

    .venv/bin/python bench/bench_checks.py [--rows 50000] [--upgrade 200000]

SQLite checks an `IN` list of three or more values through a small table it builds again for
every row an INSERT writes; `x = 'a' OR x = 'b' OR ...` is plain comparisons. Three tables of
the shape of `message_labels` (no check, `IN` checks, comparisons), and the store's own
`message_labels` and `messages` as migrated: CPU microseconds a row, `executemany` in one
transaction, best of three, in one in-memory database. `--upgrade N`: the time migration 31
takes on a store file holding N messages and their labels (the backup it makes first included).
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from tarry.store import Store, migrations
from tarry.store.connection import connect

COLUMNS = (
    "message_id INTEGER PRIMARY KEY, version INTEGER NOT NULL, disclosure TEXT NOT NULL {d},"
    " moves TEXT NOT NULL DEFAULT '', question TEXT {q}, evidence TEXT NOT NULL DEFAULT '{{}}',"
    " scores TEXT NOT NULL DEFAULT '{{}}', sure TEXT NOT NULL DEFAULT ''"
)
LEVELS = ("none", "fact", "thought", "feeling")
QUESTIONS = ("follow_up", "switch", "mirror", "intro", "other")
VARIANTS = {
    "no checks": ("", ""),
    "IN lists": (
        f"CHECK (disclosure IN ({', '.join(repr(v) for v in LEVELS)}))",
        f"CHECK (question IN ({', '.join(repr(v) for v in QUESTIONS)}))",
    ),
    "comparisons": (
        "CHECK (" + " OR ".join(f"disclosure = '{v}'" for v in LEVELS) + ")",
        "CHECK (" + " OR ".join(f"question = '{v}'" for v in QUESTIONS) + ")",
    ),
}
SCORES = '{"at_least_fact":0.781,"feeling":0.0253,"explore":0.0089,"validate":0.7849}'


def per_row(
    conn: sqlite3.Connection, sql: str, rows: Sequence[tuple[object, ...]], table: str
) -> float:
    best = float("inf")
    for _ in range(3):
        conn.execute(f"DELETE FROM {table}")
        conn.execute("BEGIN")
        started = time.process_time()
        conn.executemany(sql, rows)
        best = min(best, time.process_time() - started)
        conn.execute("COMMIT")
    return best / len(rows) * 1e6


def upgrade(n: int) -> None:
    """Migration 31 on a store file at migration 30 with `n` messages and their labels."""
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder) / "home"
        home.mkdir(mode=0o700)
        store = Store(connect(home / "tarry.db"), home / "tarry.db")
        migrations.upgrade(store, until=30)
        store.execute(
            "INSERT INTO conversations (id, source, title, me, imported_at)"
            " VALUES (1, 'csv', 'Sam', 'Me', '2026-01-01T00:00:00Z')"
        )
        with store.tx():
            store.conn.executemany(
                "INSERT INTO messages (id, conversation_id, key, ts, author, text, kind)"
                " VALUES (?, 1, ?, ?, 'Sam', ?, 'message')",
                [(i, f"k{i:07d}", f"2026-01-01T00:00:00.{i:06d}Z",
                  f"message {i}, a chat line of about this length") for i in range(n)],
            )  # fmt: skip
            store.execute("INSERT INTO messages_fts (rowid, text) SELECT id, text FROM messages")
            store.conn.executemany(
                "INSERT INTO message_labels (message_id, version, disclosure, moves, scores)"
                " VALUES (?, 1, 'fact', '', ?)",
                [(i, SCORES) for i in range(n)],
            )
        size = (home / "tarry.db").stat().st_size / 1e6
        started = time.perf_counter()
        migrations.upgrade(store)
        took = time.perf_counter() - started
        store.conn.close()
    print(f"{n:,} messages and labels ({size:.0f} MB): migration 31, backup included, {took:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--upgrade", type=int, metavar="N", help="time migration 31 instead")
    args = parser.parse_args()
    if args.upgrade:
        upgrade(args.upgrade)
        return
    n = args.rows
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.execute(migrations.LEDGER)
    for migration in migrations.available():
        migrations.apply(conn, migration)
    conn.execute("PRAGMA foreign_keys = OFF")  # the rows below refer to no message
    conn.execute("DROP TRIGGER messages_ad")  # deleting between rounds: no search index here
    labels = [
        (i, 1, LEVELS[i % 4], "validate", QUESTIONS[i % 5], "{}", SCORES, "") for i in range(n)
    ]
    messages = [
        (i, 1, f"k{i}", "2026-01-01T00:00:00Z", "Sam", 0, None, "a message", "message")
        for i in range(n)
    ]
    tables: list[tuple[str, str, Sequence[tuple[object, ...]]]] = []
    for name, (d, q) in VARIANTS.items():
        table = "t_" + name.replace(" ", "_")
        conn.execute(f"CREATE TABLE {table} ({COLUMNS.format(d=d, q=q)})")
        tables.append((f"message_labels' shape, {name}", table, labels))
    tables += [("message_labels (migrated)", "message_labels", labels)]
    tables += [("messages (migrated)", "messages", messages)]
    print(f"{n:,} rows, CPU microseconds a row (best of 3):")
    for what, table, rows in tables:
        sql = f"INSERT INTO {table} VALUES ({', '.join('?' * len(rows[0]))})"
        print(f"  {what:36} {per_row(conn, sql, rows, table):6.2f}")


if __name__ == "__main__":
    main()
