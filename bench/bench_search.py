"""`tarry search` on a big store: words (FTS5, ranked), emoji alone (a scan), and both.

    .venv/bin/python bench/bench_search.py --messages 1000000 --rounds 5

Imports a CSV chat of --messages messages, every one holding the word "weekend" and every tenth a
❤️, then times searches in process (the store opened once, as the web app keeps it), interleaved
round by round; prints the median and the slowest of each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.trust.conftest import write_chat

from tarry.mirror.chats import import_chat
from tarry.store import Store, search

QUERIES = {
    "a word in every message": "weekend",
    "a rare word (10 matches)": "lighthouse",
    "an emoji alone (in 1 of 10)": "❤️",
    "an emoji found nowhere": "😭",
    "a word and an emoji": "weekend ❤️",
}


def extra(count: int) -> Callable[[int], str]:
    """Every tenth message gets a ❤️, ten of them "the lighthouse"."""
    every = count // 10 or 1
    return lambda i: (" ❤️" if i % 10 == 0 else "") + (" the lighthouse" if i % every == 0 else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with Store.open(root / "home") as store:
            chat = write_chat(root / "chat.csv", args.messages, extra=extra(args.messages))
            import_chat(store, chat, fmt="csv", me="Robin")
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
