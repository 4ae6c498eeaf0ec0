"""Deleting a person with a long chat history, and undoing it: time, and the undo log's size.

A person's deletion keeps how to put back every row it takes (their days of chat, links) and
the ids of the messages it unlinks; this measures that on N messages.

    .venv/bin/python bench/bench_undo.py [--messages 200000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TARRY_NOW", "2026-11-19T12:00:00+00:00")

from tarry.declare import contacts, people
from tarry.reflect import moments
from tarry.store import Store, undo


def build(home: Path, count: int) -> None:
    with Store.open(home) as store, store.tx():
        person = people.add(store, "Sam")
        for day in range(200):
            moments.log(
                store,
                ["Sam"],
                at=moments.clock.from_text(f"2026-0{1 + day % 9}-1{day % 9}T10:00:00Z"),
            )
        store.execute("INSERT INTO conversations (source, title, person_id, me, imported_at)"
                      " VALUES ('whatsapp', 'Sam', ?, 'Me', 'x')", (person.id,))  # fmt: skip
        store.conn.executemany(
            "INSERT INTO messages (conversation_id, key, ts, author, is_me, person_id, text, kind)"
            " VALUES (1, ?, ?, ?, ?, ?, 'a message of some words', 'message')",
            ((f"k{i}", f"20{20 + i % 6}-0{1 + i % 9}-1{i % 9}T10:{i % 60:02d}:00Z",
              "Me" if i % 2 else "Sam", i % 2, None if i % 2 else person.id) for i in range(count)),
        )  # fmt: skip
    with Store.open(home) as store:
        contacts.rebuild(store)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="tarry-bench-undo-"))
    build(home, args.messages)
    deleting, undoing, sizes = [], [], []
    with Store.open(home) as store:
        for _ in range(args.rounds):
            started = time.perf_counter()
            change = people.remove(store, "Sam")
            deleting.append(time.perf_counter() - started)
            sizes.append(len(store.scalar("SELECT plan FROM undo_log WHERE id = ?", (change.id,))))
            started = time.perf_counter()
            undo.undo(store, change.id)
            undoing.append(time.perf_counter() - started)
    print(f"# {args.messages} messages (half theirs), 200 moments; {args.rounds} rounds; "
          f"CPython {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"delete person  median {statistics.median(deleting) * 1000:7.0f} ms")
    print(f"undo           median {statistics.median(undoing) * 1000:7.0f} ms")
    print(f"undo log entry {statistics.median(sizes) / 1024:7.0f} KiB")


if __name__ == "__main__":
    main()
