"""Time `tarry import chat` (parse + store + search index) and its re-import, with peak memory.

    python bench/bench_import.py --messages 1000000            # WhatsApp, via bench/chatgen.py
    python bench/bench_import.py --messages 1000000 --format csv

Each step runs in a fresh process so its peak RSS is its own. The parse-only run of the same file
is the baseline in the same invocation: the import's cost is also shown as a ratio to it.
Targets (issue 3): import <= 15 s, peak RSS <= 300 MB; re-import <= 15 s and adds 0 rows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHILD = """
import json, resource, sys, time
from pathlib import Path
step, path, fmt, home = sys.argv[1:5]
started = time.perf_counter()
if step == "parse":
    from tarry.mirror.formats import registry
    with registry.opened(Path(path), fmt) as export:
        count = sum(1 for c in export.conversations for _ in c.messages)
    new = None
else:
    from tarry.mirror.chats import import_chat
    from tarry.store import Store
    with Store.open(home) as store:
        summary = import_chat(store, path, fmt=fmt, me="Ada Byron", progress=lambda d, t: None)
    count, new = summary.messages, summary.new
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"step": step, "seconds": seconds, "cpu": cpu, "rss_mb": usage.ru_maxrss / 1024,
                  "messages": count, "new": new}))
"""
AUTHORS = ("Ada Byron", "Bo", "Chidi", "Dana-Marie", "Émile")
WORDS = [
    "so",
    "honestly",
    "thursday",
    "dinner",
    "could",
    "thing",
    "sounds",
    "work",
    "about",
    "yesterday",
    "time",
    "go",
    "me",
]


def generate(fmt: str, messages: int, folder: Path) -> Path:
    """A synthetic export of `messages` messages in the chosen format."""
    if fmt == "whatsapp":
        out = folder / "WhatsApp Chat with Bench.txt"
        subprocess.run(
            [sys.executable, str(HERE / "chatgen.py"), "--messages", str(messages), str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return out
    out = folder / "bench.csv"
    rng = random.Random(1)
    with out.open("w", encoding="utf-8") as fp:
        fp.write("timestamp,author,text\n")
        for i in range(messages):
            words = " ".join(rng.choices(WORDS, k=rng.randint(3, 12)))
            fp.write(f"{1546300800 + i * 37},{rng.choice(AUTHORS)},{words}\n")
    return out


def run(step: str, path: Path, fmt: str, home: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, step, str(path), fmt, str(home)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def reference_cpu() -> float:
    """CPU seconds of a fixed pure-Python loop: how fast this machine is right now."""
    started = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--format", default="whatsapp", choices=("whatsapp", "csv"))
    parser.add_argument("--file", type=Path, help="Use this export instead of generating one.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tarry-bench-") as tmp:
        folder = Path(tmp)
        path = args.file or generate(args.format, args.messages, folder)
        size = path.stat().st_size / 1e6
        load = os.getloadavg()[0]
        print(f"{args.format}: {args.messages} messages, {size:.1f} MB; load average {load:.1f}")
        print(f"reference: 10M-step Python loop in {reference_cpu():.2f} s CPU")
        parse = run("parse", path, args.format, folder / "home")
        results = [parse] + [
            run(step, path, args.format, folder / "home") for step in ("import", "reimport")
        ]
        for r in results:
            ratio = r["seconds"] / parse["seconds"]
            print(
                f"{r['step']:>9}: {r['seconds']:6.2f} s wall, {r['cpu']:6.2f} s CPU "
                f"({ratio:4.2f}x parse), "
                f"{r['messages'] / r['seconds'] / 1000:6.0f} k msg/s, "
                f"peak RSS {r['rss_mb']:5.0f} MB, new rows: {r['new']}"
            )


if __name__ == "__main__":
    main()
