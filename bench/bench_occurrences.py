"""Commitments: generating occurrences on the 5-year store (500 commitments, 8k marks).

Compares `commitments.occurrences` with the plain walk it replaces (every commitment's rule
expanded from its first occurrence with dateutil's `between`), in the same invocation, so the
ratio holds on a busy machine. Uses the cached store of bench/make_store.py.

    .venv/bin/python bench/bench_occurrences.py [--runs 9] [--markdown]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_store  # noqa: E402

os.environ.setdefault("TARRY_NOW", "2026-11-19T12:00:00+00:00")

from tarry.commit import commitments, recurrence  # noqa: E402
from tarry.store import Store  # noqa: E402


def plain_walk(store: Store, start: datetime, end: datetime) -> int:
    """The baseline: expand every commitment's rule from its first occurrence."""
    found = 0
    for c in commitments.all_commitments(store, include_ended=True):
        stop = min(end, c.ended_at.replace(tzinfo=None)) if c.ended_at else end
        rule = recurrence.build_rule(c.rrule, c.starts_at)
        found += sum(1 for at in rule.between(start, stop, inc=True) if at < stop)
    return found


def median_ms(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    home = make_store.DEFAULT_HOME
    if not (home / "tarry.db").exists():
        make_store.build(home)
    week = (datetime(2026, 11, 16), datetime(2026, 11, 23))
    years = (datetime(2022, 1, 1), datetime(2026, 11, 23))
    rows = []
    with Store.open(home) as store:
        for label, (start, end) in (("one week", week), ("five years", years)):
            runs = args.runs if end - start < timedelta(days=30) else max(3, args.runs // 3)
            count = len(commitments.occurrences(store, start, end))
            fast = median_ms(lambda s=start, e=end: commitments.occurrences(store, s, e), runs)
            walk = median_ms(lambda s=start, e=end: plain_walk(store, s, e), runs)
            rows.append((label, count, fast, walk))
        upcoming = median_ms(lambda: commitments.upcoming(store, 7), args.runs)
        unmarked = median_ms(lambda: commitments.unmarked(store, 14), args.runs)
    report(rows, upcoming, unmarked, args.markdown)


def report(rows: list[tuple[str, int, float, float]], up: float, un: float, md: bool) -> None:
    if md:
        print("| window | occurrences | `occurrences()` ms | plain walk ms (counts only) | ratio |")
        print("|---|---:|---:|---:|---:|")
        for label, count, fast, walk in rows:
            print(f"| {label} | {count} | {fast:.1f} | {walk:.1f} | {walk / fast:.1f}x |")
        print(f"\n`upcoming(7)`: {up:.1f} ms; `unmarked(14)`: {un:.1f} ms (medians).")
        return
    for label, count, fast, walk in rows:
        print(f"{label}: {count} occurrences, {fast:.1f} ms (plain walk {walk:.1f} ms)")
    print(f"upcoming(7): {up:.1f} ms; unmarked(14): {un:.1f} ms")


if __name__ == "__main__":
    main()
