"""A 200k-message chat history imported and analysed end to end: import, label, report.

    .venv/bin/python bench/bench_mirror_e2e.py [--messages 200000] [--keep DIR]

Writes a synthetic WhatsApp export (Android layout, dd/mm/yyyy) whose messages are tarry's
labelled chat conversations (data/chats) replayed between "Ada" (the user) and "Sam", in
conversations separated by hours or days of silence, each sentence made unique by a number so no
cache helps; then, in a fresh store: `import_chat` (the real importer), labelling every
message (`ensure_labels`), `person_report` (all numbers, by month, with notable moments), and
the same report again with the labels cached. Baseline in the same run: reading the export and
splitting it into lines. Wall-clock seconds, and CPU seconds of this process and its labelling
workers (on a busy machine CPU seconds show what the work costs; the wall clock shows the wait).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench_label import tagged
from tarry.declare import people
from tarry.mirror.chats import import_chat
from tarry.mirror.labelcache import ensure_labels
from tarry.mirror.person_report import person_report
from tarry.store import Store

CHATS = Path(__file__).resolve().parents[1] / "data" / "chats"


def export_lines(size: int, seed: int = 7) -> Iterator[str]:
    """WhatsApp lines: tarry's labelled conversations, each a conversation of its own."""
    rng = random.Random(seed)
    turns = [
        [" ".join(m["text"].split()) for m in json.loads(line)["messages"]]
        for path in sorted(CHATS.glob("*.jsonl"))
        for line in path.read_text("utf-8").splitlines()
    ]
    at = datetime(2022, 1, 3, 8, 0)
    written = 0
    while written < size:
        first = rng.choice(("Ada", "Sam"))
        for i, text in enumerate(rng.choice(turns)):
            author = first if i % 2 == 0 else ("Sam" if first == "Ada" else "Ada")
            yield f"{at:%d/%m/%Y, %H:%M} - {author}: {tagged(text, f' {written}')}"
            at += timedelta(minutes=rng.randint(0, 12))
            written += 1
            if written == size:
                return
        at += timedelta(hours=rng.randint(7, 60))


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the labelling workers)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, work: Callable[[], Any]) -> Any:
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = work()
    print(f"  {label:36} {time.perf_counter() - wall:7.2f} s wall {cpu_seconds() - cpu:7.2f} s CPU")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--keep", type=Path, help="Keep the export and store in this folder.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="tarry-mirror-e2e-"))
    folder.mkdir(parents=True, exist_ok=True)
    export = folder / "WhatsApp Chat with Sam.txt"
    export.write_text("\n".join(export_lines(args.messages)) + "\n", encoding="utf-8")
    home = folder / "home"
    shutil.rmtree(home, ignore_errors=True)
    print(f"{args.messages} messages, {export.stat().st_size / 1e6:.1f} MB export")
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    timed("baseline: read and split the export", lambda: export.read_text("utf-8").splitlines())
    started = time.perf_counter()
    with Store.open(home) as store:
        people.add(store, "Sam")
        summary = timed(
            "import (tarry.mirror.chats)",
            lambda: import_chat(store, export, fmt="whatsapp", person="Sam", me="Ada"),
        )
        labelled = timed("label every message", lambda: ensure_labels(store))
        report = timed("report (labels just made)", lambda: person_report(store, "Sam"))
        total = time.perf_counter() - started
        timed("report again (labels cached)", lambda: person_report(store, "Sam"))
    print(f"  {'end to end (import + label + report)':36} {total:7.2f} s wall")
    print(
        f"imported {summary.conversations[0].new}, labelled {labelled}, "
        f"{report.total.conversations} conversations, "
        f"{report.total.their_feelings_met.total} confident feelings of theirs met"
    )
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
