"""What a model file costs the labeller: `label_many` per CPU second, shipped model against another.

    .venv/bin/python bench/bench_label_model.py OTHER.model [--messages 20000]

Same process, same code, the two models taking turns (three rounds, best of each), every cache
emptied before each run, on the unique stream of bench_label.py (the held-out chats with up to
six earlier messages each, a number appended to every text so no cache helps). Prints messages
per CPU second for each and the ratio shipped / other: e.g. the model before the dense block
(`git show HEAD~N:src/tarry/mirror/model/mirror.model > /tmp/before.model`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tarry.mirror.model import features, labeller

sys.path.insert(0, str(Path(__file__).parent))
from bench_label import stream


def run(data: bytes, items: list[tuple[str, list[tuple[str, str]]]]) -> float:
    labeller.model.cache_clear()
    labeller.version.cache_clear()
    labeller._shipped = lambda: data
    for cached in (labeller._known, labeller._word_pieces, features.read):
        cached.cache_clear()
    labeller.model()
    used = time.process_time()
    with labeller.no_gc():
        for start in range(0, len(items), 2048):
            labeller.label_many(items[start : start + 2048])
    return len(items) / (time.process_time() - used)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path)
    parser.add_argument("--messages", type=int, default=20_000)
    args = parser.parse_args()
    requests = stream(args.messages, unique=True)
    items = [(r["text"], [(c["author"], c["text"]) for c in r["context"]]) for r in requests]
    models = {"shipped": labeller._shipped(), str(args.other): args.other.read_bytes()}
    rates: dict[str, list[float]] = {name: [] for name in models}
    for _ in range(3):
        for name, data in models.items():
            rates[name].append(run(data, items))
    for name, got in rates.items():
        print(f"{name:30} label_many {max(got):>8,.0f} msg per CPU second (best of 3)")
    shipped, other = (max(got) for got in rates.values())
    print(f"shipped / other: {shipped / other:.2f} x")


if __name__ == "__main__":
    main()
