"""Chat parsing speed: tarry's WhatsApp parser against its Python peers, on the same file.

    python bench/bench_parse.py --messages 1000000 --platform android --rounds 3

Generates an export with bench/chatgen.py (or takes --file with its manifest), then runs each
parser in its own process, alternating them round by round, and reports records found against
the manifest, CPU and wall seconds, messages/s and peak RSS (from the child's rusage). Peers
(whatstk, chat-miner, chatpack) run from a separate virtualenv, never tarry's own:

    python -m venv /tmp/peers-venv
    /tmp/peers-venv/bin/pip install whatstk==0.9.1 chat-miner==0.6.0 chatpack==0.1.0
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Each runner: imports, then an expression that parses argv[1] completely and counts records.
RUNNERS = {
    "tarry": (
        "from tarry.mirror.formats import whatsapp",
        "sum(1 for _ in whatsapp.parse(open(path, 'rb'), name=path))",
    ),
    "chatpack": ("import chatpack", "len(chatpack.parse_whatsapp(path))"),
    "whatstk": (
        "from whatstk import df_from_whatsapp",
        "len(df_from_whatsapp(path, max_size=None))",
    ),
    "chat-miner": (
        "import logging; logging.disable(logging.CRITICAL)\n"
        "from chatminer.chatparsers import WhatsAppParser",
        "len((p := WhatsAppParser(path), p.parse_file(), p.parsed_messages.get_df())[2])",
    ),
}
# The child measures itself: CPU and wall seconds of the parse alone (imports excluded) and the
# peak RSS of the whole process.
TEMPLATE = """
import json, resource, sys, time
{setup}
path = sys.argv[1]
cpu, wall = time.process_time(), time.perf_counter()
records = {expr}
cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"records": records, "cpu_s": cpu, "wall_s": wall, "rss_mb": rss}}))
"""


def run_one(python: str, tool: str, path: Path, timeout: float) -> dict[str, object]:
    """One parse in a child process; its figures, or the error it ended with."""
    setup, expr = RUNNERS[tool]
    code = TEMPLATE.format(setup=setup, expr=expr)
    env = dict(os.environ, TQDM_DISABLE="1")
    try:
        done = subprocess.run(
            [python, "-c", code, str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"tool": tool, "error": f"timeout after {timeout:.0f} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return {"tool": tool, "error": last[:120]}
    return {"tool": tool, **json.loads(done.stdout.strip().splitlines()[-1])}


def generate(args: argparse.Namespace, folder: Path) -> tuple[Path, dict[str, object]]:
    if args.file:
        return args.file, json.loads(Path(f"{args.file}.json").read_text())
    path = folder / f"{args.platform}-{args.locale}-{args.messages}.txt"
    command = [sys.executable, str(HERE / "chatgen.py"), str(path)]
    command += ["--messages", str(args.messages), "--platform", args.platform]
    command += ["--locale", args.locale] + (["--clean"] if args.clean else [])
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return path, json.loads(Path(f"{path}.json").read_text())


def summarise(results: list[dict[str, object]], expected: int, size_mb: float) -> list[str]:
    """Median per tool over rounds, as Markdown table rows."""
    rows = []
    base = None
    for tool in dict.fromkeys(str(r["tool"]) for r in results):
        runs = [r for r in results if r["tool"] == tool]
        good = [r for r in runs if "error" not in r]
        if not good:
            rows.append(f"| {tool} | failed: {runs[0]['error']} | | | | | |")
            continue
        cpu = statistics.median(float(r["cpu_s"]) for r in good)  # type: ignore[arg-type]
        wall = statistics.median(float(r["wall_s"]) for r in good)  # type: ignore[arg-type]
        rss = max(float(r["rss_mb"]) for r in good)  # type: ignore[arg-type]
        found = int(good[0]["records"])  # type: ignore[call-overload]
        rate = found / cpu
        base = base or rate
        rows.append(
            f"| {tool} | {found:,} ({found - expected:+,}) | {cpu:.2f} | {wall:.2f} "
            f"| {rate / 1000:,.0f}k | {base / rate:.1f}x | {rss:,.0f} MB ({rss / size_mb:.2f}x) |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--platform", choices=("android", "ios"), default="android")
    parser.add_argument("--locale", default="en_GB")
    parser.add_argument("--clean", action="store_true", help="no header-like trap lines")
    parser.add_argument("--file", type=Path, help="an existing export with its .json manifest")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tools", default="tarry,chatpack,whatstk,chat-miner")
    parser.add_argument("--peers-python", default="/tmp/peers-venv/bin/python")
    parser.add_argument("--timeout", type=float, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tarry-bench-parse-") as folder:
        path, manifest = generate(args, Path(folder))
        expected = int(manifest["messages"])  # type: ignore[call-overload]
        size_mb = path.stat().st_size / 2**20
        tools = args.tools.split(",")
        results = []
        for round_ in range(args.rounds):
            for tool in tools if round_ % 2 == 0 else reversed(tools):
                python = sys.executable if tool == "tarry" else args.peers_python
                result = run_one(python, tool, path, args.timeout)
                print(json.dumps(result), file=sys.stderr)
                results.append(result)
        print(f"\n{path.name}: {expected:,} records, {size_mb:.1f} MB, {args.rounds} rounds\n")
        print(
            "| parser | records (vs manifest) | CPU s | wall s | msg/s (CPU) "
            "| tarry is | peak RSS (x file) |"
        )
        print("|---|---|---|---|---|---|---|")
        print("\n".join(summarise(results, expected, size_mb)))


if __name__ == "__main__":
    main()
