"""`tarry search` on a big store: words (FTS5, ranked), emoji alone (a scan), and both.

    .venv/bin/python bench/bench_search.py --messages 1000000 --rounds 5

Imports a CSV chat of --messages messages, every one holding the word "weekend" and every tenth a
❤️, then times searches in process (the store opened once, as the web app keeps it), interleaved
round by round; prints the median and the slowest of each.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tarry import search
from tarry.mirror.chats import import_chat
from tarry.store import Store

QUERIES = {
    "a word in every message": "weekend",
    "a rare word (10 matches)": "lighthouse",
    "an emoji alone (in 1 of 10)": "❤️",
    "an emoji found nowhere": "😭",
    "a word and an emoji": "weekend ❤️",
}


def write_chat(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fp:
        out = csv.writer(fp)
        out.writerow(["timestamp", "author", "text"])
        for i in range(count):
            stamp = f"2024-{1 + i // 40000 % 12:02d}-{1 + i // 1440 % 28:02d}T"
            stamp += f"{i // 60 % 24:02d}:{i % 60:02d}:00"
            extra = " ❤️" if i % 10 == 0 else ""
            extra += " the lighthouse" if i % (count // 10 or 1) == 0 else ""
            out.writerow([stamp, "Robin" if i % 2 else "Alex", f"message {i} weekend{extra}"])
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with Store.open(root / "home") as store:
            import_chat(store, write_chat(root / "chat.csv", args.messages), fmt="csv", me="Robin")
            runs: dict[str, list[float]] = {label: [] for label in QUERIES}
            for _ in range(args.rounds):
                for label, words in QUERIES.items():
                    started = time.perf_counter()
                    hits = search.search(store, words)
                    runs[label].append(time.perf_counter() - started)
                    assert hits or words == "😭", words
    print(f"search over {args.messages} messages, {args.rounds} rounds (ms):")
    for label, times in runs.items():
        median, worst = statistics.median(times) * 1000, max(times) * 1000
        print(f"  {label:30s} {QUERIES[label]!r:14s} median {median:6.0f}  slowest {worst:6.0f}")


if __name__ == "__main__":
    main()
