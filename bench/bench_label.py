"""How fast the mirror labels messages (the shipped model, with context).

    .venv/bin/python bench/bench_label.py [--messages 50000]

Builds a stream in the label contract's shape from tarry's held-out labelled chats: each request
carries the earlier messages of its conversation (up to six) as context. Two streams: the set
repeated as is (texts recur, as "ok" and "haha" do in real chats), and the same with every text
made unique (a number after each sentence: a long message is also read sentence by sentence),
which no cache can help. For each it times, in this process: a JSON
round trip of every line (the baseline: the least any JSON Lines tool must do), `label()` alone,
the whole contract (`label_lines`: parse, check, label, write), and the contract with two
worker processes (wall clock only: the work happens in the workers). It then runs the real
`tarry mirror label` on the unique stream, start-up included, and the store's own labelling of
the same texts, taking turns (`--rounds` of each, CLI first): the medians, and the store's time
against the CLI's round by round, which a machine whose speed drifts cannot skew. Figures:
messages per second and the ratio to the baseline measured in the same run, so a busy machine
shows as itself.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tarry.mirror import evaluation
from tarry.mirror.contract import label_lines
from tarry.mirror.model.labeller import label_many

CONTEXT = 6  # earlier messages per request, as the store's labelling gives
SENTENCE_END = re.compile(r"(?<=[.!?])(?=\s)|(?=\n)")


def tagged(text: str, tag: str) -> str:
    """`text` with `tag` after each of its sentences: no sentence of it was seen before (the
    labeller reads a long message's sentences too, and would find the others cached)."""
    return SENTENCE_END.sub(tag, text) + tag


def stream(size: int, unique: bool) -> list[dict[str, Any]]:
    """`size` requests cycling through the held-out chats, each with its conversation so far."""
    examples = evaluation.shipped("chats-test")
    out = []
    for n in range(size):
        example = examples[n % len(examples)]
        tag = f" {n // len(examples)}" if unique else ""
        context = [{"author": a, "text": tagged(t, tag)} for a, t in example.context[-CONTEXT:]]
        out.append({"id": n, "text": tagged(example.text, tag), "context": context})
    return out


def rate(work: Callable[[], Any], count: int) -> tuple[float, float]:
    """Messages per second of `work`, by the wall clock and by this process's CPU time.

    Best of two runs: the machine is shared, and CPU time shows what an idle core would do.
    """
    wall = cpu = float("inf")
    for _ in range(2):
        started, used = time.perf_counter(), time.process_time()
        work()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - used)
    return count / wall, count / cpu


def consume(lines: Iterable[bytes], jobs: int = 1) -> int:
    return label_lines(lines, lambda _: None, jobs=jobs)


def measure(requests: list[dict[str, Any]]) -> dict[str, tuple[float, float]]:
    lines = [json.dumps(r).encode() for r in requests]
    pairs = [(r["text"], [(c["author"], c["text"]) for c in r["context"]]) for r in requests]
    return {
        "json round trip (baseline)": rate(
            lambda: [json.dumps(json.loads(x)) for x in lines], len(lines)
        ),
        "label_many()": rate(lambda: label_many(pairs), len(pairs)),
        "label_lines (contract)": rate(lambda: consume(lines), len(lines)),
        "label_lines, 2 workers": rate(lambda: consume(lines, jobs=2), len(lines)),
    }


def store_rate(requests: list[dict[str, Any]]) -> float:
    """Messages per second of the store's own labelling (`ensure_labels`, worker processes),
    over the same texts stored as conversations (each request's context before it)."""
    from tarry.declare import people
    from tarry.mirror.labelcache import ensure_labels
    from tarry.store import Store

    with tempfile.TemporaryDirectory() as home, Store.open(Path(home)) as store:
        sam = people.add(store, "Sam")
        cur = store.execute(
            "INSERT INTO conversations (source, title, person_id, me, imported_at)"
            " VALUES ('csv', 'bench', ?, 'Me', '2026-01-01T00:00:00Z')",
            (sam.id,),
        )
        conversation = cur.lastrowid
        rows = [
            (conversation, f"k{n}", f"2026-01-01T00:00:{n % 60:02d}.{n:06d}Z",
             "Me" if n % 2 else "Sam", n % 2, None if n % 2 else sam.id, r["text"])
            for n, r in enumerate(requests)
        ]  # fmt: skip
        with store.tx():
            store.conn.executemany(
                "INSERT INTO messages (conversation_id, key, ts, author, is_me, person_id, text,"
                " kind) VALUES (?, ?, ?, ?, ?, ?, ?, 'message')",
                rows,
            )
        cold()  # as a fresh process would: no text of this stream read yet
        started = time.perf_counter()
        done = ensure_labels(store)
        return done / (time.perf_counter() - started)


def cold() -> None:
    """Forget every text this process has read (the labeller's caches), so what was labelled
    before does not help the next measurement (the store's workers inherit these caches)."""
    from tarry.mirror.model import features, labeller

    for cached in (labeller._known, labeller._word_pieces, features.read, features._phrases):
        cached.cache_clear()


def cli_rate(requests: list[dict[str, Any]]) -> float:
    """Messages per second of `tarry mirror label`, process start-up included."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fp:
        fp.writelines(json.dumps(r) + "\n" for r in requests)
    tarry = Path(sys.executable).with_name("tarry")
    with open(fp.name, "rb") as source:
        started = time.perf_counter()
        subprocess.run(
            [tarry, "mirror", "label"], stdin=source, stdout=subprocess.DEVNULL, check=True
        )
        elapsed = time.perf_counter() - started
    Path(fp.name).unlink()
    return len(requests) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3, help="CLI and store runs, in turn")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for unique in (False, True):
        requests = stream(args.messages, unique)
        figures = measure(requests)
        wall_base, cpu_base = figures["json round trip (baseline)"]
        name = "unique texts" if unique else "held-out chats repeated"
        print(f"{name}, {len(requests)} messages (msg/s wall | msg/s per CPU second):")
        for what, (wall, cpu) in figures.items():
            per_cpu = "" if "workers" in what else f"{cpu:>10,.0f}   {cpu / cpu_base:5.2f} x"
            print(f"  {what:28} {wall:>10,.0f}   {wall / wall_base:5.2f} x   | {per_cpu}")
        if unique:
            rounds = [(cli_rate(requests), store_rate(requests)) for _ in range(args.rounds)]
            cli = statistics.median(c for c, _ in rounds)
            own = statistics.median(o for _, o in rounds)
            print(
                f"  {'tarry mirror label (CLI)':28} {cli:>10,.0f}   {cli / wall_base:5.2f} x   wall"
                f" (median of {args.rounds})"
            )
            print(
                f"  {'store labelling':28} {own:>10,.0f}   {own / wall_base:5.2f} x   wall"
                f" (median of {args.rounds})"
            )
            ratios = sorted(o / c for c, o in rounds)
            print(
                f"  store / CLI, round by round: median {statistics.median(ratios):.2f}"
                f" (from {ratios[0]:.2f} to {ratios[-1]:.2f})"
            )


if __name__ == "__main__":
    main()
