"""Whole-process wall time of `tarry log` (all flags) and `tarry review` on a 5-year store.

Builds the store once (bench/make_store.py, cached under bench/out/), copies it to a scratch
home, then runs each command N times in turn (interleaved, so load on a shared machine hits all
alike) and prints the median and p90 with the ratio to `python -c pass` measured alongside.

    .venv/bin/python bench/bench_cli.py [--runs 15] [--markdown] [--vs DIR]

`--vs DIR` compares with another version of tarry, a source tree (DIR/src/tarry, e.g. a
`git worktree` or `git archive` of an earlier commit): `tarry log` and `tarry review` of both run
in turn, each as `python -m tarry` with its own src on PYTHONPATH, and the table gains the ratio
this tree / DIR per command.

Targets (issue 2): log median <= 200 ms, review median <= 500 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import make_store  # noqa: E402  (the generator beside this script)

BIN = Path(sys.executable).parent
NOW = "2026-11-19T12:00:00+00:00"
TARGETS_MS = {"tarry log (all flags)": 200.0, "tarry review": 500.0}


def commands(home: Path) -> dict[str, list[str]]:
    tarry = [str(BIN / "tarry"), "--home", str(home)]
    log = ["log", "--with", "Person 01", "--with", "Person 02", "--at", "2026-11-19T10:00",
           "--for", "45m", "--medium", "call", "--initiator", "me", "--intimacy", "6",
           "--i-disclosed", "5", "--they-disclosed", "6", "--pleasant", "6", "--satisfied", "6",
           "--responsive", "6", "--discomfort", "3", "--disclosure", "feeling",
           "--practice", "depth+stay", "--note", "we talked about the move"]  # fmt: skip
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "tarry --help": [*tarry, "--help"],
        "tarry log (all flags)": [*tarry, *log],
        "tarry review": [*tarry, "review"],
        "tarry review --json": [*tarry, "review", "--json"],
    }


def versus(home: Path, here: Path, other: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    """`tarry log` and `tarry review` of this tree and of `other`, each with its own src."""
    log, review = commands(home)["tarry log (all flags)"][1:], commands(home)["tarry review"][1:]
    found = {}
    for tree, tag in ((here, "this tree"), (other, "vs")):
        env = {"PYTHONPATH": str(tree / "src")}
        for name, argv in (("tarry log (all flags)", log), ("tarry review", review)):
            found[f"{name} [{tag}]"] = ([sys.executable, "-m", "tarry", *argv], env)
    return found


def cpu_seconds() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU milliseconds of one run (CPU time shows the cost on a busy machine)."""
    started, cpu = time.perf_counter(), cpu_seconds()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed * 1000, (cpu_seconds() - cpu) * 1000


Times = dict[str, list[tuple[float, float]]]


def measure(
    cmds: dict[str, list[str]],
    runs: int,
    env: dict[str, str],
    extra: dict[str, tuple[list[str], dict[str, str]]] | None = None,
) -> Times:
    """Every command `runs` times, in turn; `extra` commands carry their own environment."""
    every = {name: (argv, env) for name, argv in cmds.items()}
    every |= {name: (argv, {**env, **more}) for name, (argv, more) in (extra or {}).items()}
    times: Times = {name: [] for name in every}
    for argv, environ in every.values():  # warm the file cache and .pyc files once
        run_once(argv, environ)
    for _ in range(runs):
        for name, (argv, environ) in every.items():
            times[name].append(run_once(argv, environ))
    return times


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def report(times: Times, markdown: bool) -> None:
    base = statistics.median(wall for wall, _ in times["python -c pass"])
    rows = []
    for name, runs in times.items():
        walls = [wall for wall, _ in runs]
        median = statistics.median(walls)
        cpu = statistics.median(c for _, c in runs)
        target = TARGETS_MS.get(name)
        verdict = "" if target is None else ("ok" if median <= target else "over")
        rows.append((name, median, p90(walls), cpu, median / base, target, verdict))
    if markdown:
        print("| command | median ms | p90 ms | CPU ms | x `python -c pass` | target ms | |")
        print("|---|---:|---:|---:|---:|---:|---|")
        for name, med, high, cpu, ratio, target, verdict in rows:
            goal = f"{target:.0f}" if target else ""
            print(
                f"| `{name}` | {med:.0f} | {high:.0f} | {cpu:.0f} | {ratio:.1f} | {goal}"
                f" | {verdict} |"
            )
        return
    for name, med, high, cpu, ratio, target, verdict in rows:
        goal = f"(target {target:.0f})" if target else ""
        print(f"{name:24} median {med:6.0f} ms  p90 {high:6.0f} ms  CPU {cpu:5.0f} ms"
              f"  x{ratio:5.1f} {goal} {verdict}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--vs", type=Path, metavar="DIR", help="another tarry source tree")
    args = parser.parse_args()
    cached = make_store.DEFAULT_HOME
    if not (cached / "tarry.db").exists():
        make_store.build(cached)
    with tempfile.TemporaryDirectory(prefix="tarry-bench-") as scratch:
        home = Path(scratch) / "home"
        shutil.copytree(cached, home)
        env = {**os.environ, "TARRY_NOW": NOW, "TZ": "UTC"}
        env.pop("TARRY_HOME", None)
        extra = versus(home, HERE.parent, args.vs) if args.vs else None
        times = measure(commands(home), args.runs, env, extra)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"# {platform.python_implementation()} {platform.python_version()},"
          f" {os.cpu_count()} cores, load average {load}, {args.runs} runs each",
          file=sys.stderr)  # fmt: skip
    report(times, args.markdown)
    if args.vs:
        compare(times, args.markdown)


def compare(times: Times, markdown: bool) -> None:
    """This tree against the other, per command: medians and their ratio."""
    for name in ("tarry log (all flags)", "tarry review"):
        mine = statistics.median(w for w, _ in times[f"{name} [this tree]"])
        theirs = statistics.median(w for w, _ in times[f"{name} [vs]"])
        line = f"{name}: this tree {mine:.0f} ms, vs {theirs:.0f} ms, ratio {mine / theirs:.2f}"
        print(f"- {line}" if markdown else line)


if __name__ == "__main__":
    main()
