"""Prompts: whole-process `tarry prompt`, `ritual`, `stay`, `deck check`, and in-process choosing.

Uses the 5-year store of bench/make_store.py (cached under bench/out/), copied to a scratch home.
Whole-process times are interleaved with `python -c pass` and shown as a ratio to it; in-process
times (loading the content cold, `choose`, `inner.suggest`, the near-duplicate scan) are medians.

    .venv/bin/python bench/bench_prompts.py [--runs 15] [--markdown]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_cli  # noqa: E402  (the whole-process timer beside this script)
import make_store  # noqa: E402

NOW = "2026-11-19T12:00:00+00:00"


def commands(home: Path) -> dict[str, list[str]]:
    tarry = [str(bench_cli.BIN / "tarry"), "--home", str(home)]
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "tarry --help": [*tarry, "--help"],
        "tarry prompt --with P --json": [
            *tarry,
            "prompt",
            "--with",
            "Person 01",
            "--json",
            "--no-record",
        ],
        "tarry ritual checkin --json": [*tarry, "ritual", "checkin", "--json"],
        "tarry stay": [*tarry, "stay"],
        "tarry deck check": [*tarry, "deck", "check"],
    }


def median_ms(call: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def in_process(home: Path, runs: int) -> dict[str, float]:
    os.environ.update({"TARRY_NOW": NOW, "TZ": "UTC"})
    time.tzset()
    from tarry.declare import people
    from tarry.prompts import choose, deck, duplicates, inner, quality
    from tarry.store import Store

    started = time.perf_counter()
    quality.check()
    cold = (time.perf_counter() - started) * 1000
    texts = [(p.id, p.text) for p in deck.prompts()]
    with Store.open(home) as store:
        person = people.get(store, "Person 01")
        return {
            "load and validate all content (cold)": cold,
            "choose (5-year store)": median_ms(lambda: choose.choose(store, person=person), runs),
            "inner.suggest (5-year store)": median_ms(lambda: inner.suggest(store), runs),
            "near-duplicate scan (304 prompts)": median_ms(
                lambda: duplicates.near_duplicates(texts), 3
            ),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    cached = make_store.DEFAULT_HOME
    if not (cached / "tarry.db").exists():
        make_store.build(cached)
    with tempfile.TemporaryDirectory(prefix="tarry-bench-") as scratch:
        home = Path(scratch) / "home"
        shutil.copytree(cached, home)
        env = {**os.environ, "TARRY_NOW": NOW, "TZ": "UTC"}
        env.pop("TARRY_HOME", None)
        times = bench_cli.measure(commands(home), args.runs, env)
        inside = in_process(home, args.runs * 4)
    bench_cli.report(times, args.markdown)
    print()
    for name, value in inside.items():
        print(f"| {name} | {value:.1f} ms |" if args.markdown else f"{name:38} {value:8.1f} ms")


if __name__ == "__main__":
    main()
