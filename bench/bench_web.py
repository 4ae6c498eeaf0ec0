"""Page times of the web app under load: p50/p95/p99 for Today, Review and a Person page.

A 5-year store (bench/make_store.py: 25k moments, 10k entries, 500 commitments) plus an imported
1M-message WhatsApp export (bench/chatgen.py) linked to one person; `tarry serve` runs as its own
process; wrk (Debian's `wrk`) drives each page with 20 connections for 30 s.

    .venv/bin/python bench/bench_web.py [--seconds 30] [--clients 20] [--messages 1000000]

The store is built once and cached under bench/out/ (gitignored). Prints one line per page and
writes bench/out/web.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
NOW = "2026-11-19T12:00:00+00:00"
PAGES = {"Today": "/today", "Review": "/review", "Person": "/people/1"}
ENV = {**os.environ, "TARRY_NOW": NOW}


def run(*command: str | Path) -> None:
    subprocess.run([str(c) for c in command], check=True, env=ENV)


def build(home: Path, messages: int) -> Path:
    """The 5-year store with `messages` imported WhatsApp messages linked to Person 01."""
    if (home / "tarry.db").exists():
        return home
    base = OUT / "store-5y-v1"
    if not (base / "tarry.db").exists():
        run(sys.executable, HERE / "make_store.py", base)
    home.mkdir(parents=True, mode=0o700)
    shutil.copy(base / "tarry.db", home / "tarry.db")
    chat = OUT / f"whatsapp-{messages}.txt"
    if not chat.exists():
        run(sys.executable, HERE / "chatgen.py", "--messages", str(messages), "--seed", "7", chat)
    tarry = Path(sys.executable).with_name("tarry")
    run(tarry, "--home", home, "import", "chat", chat, "--person", "Person 01", "--me", "Ada Byron")
    return home


def start_server(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    url_file = home / "serve-url"
    url_file.unlink(missing_ok=True)
    tarry = Path(sys.executable).with_name("tarry")
    server = subprocess.Popen(
        [tarry, "--home", home, "serve", "--no-browser", "--port", "0"],
        env=ENV, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(600):
        if url_file.exists() and url_file.read_text().strip():
            return server, url_file.read_text().strip()
        time.sleep(0.1)
    server.kill()
    raise SystemExit("tarry serve did not start")


def session_cookie(url: str) -> str:
    response = httpx.get(url, follow_redirects=False)
    return response.headers["set-cookie"].split(";")[0]


def load(base: str, path: str, cookie: str, seconds: int, clients: int) -> dict[str, float]:
    """One page under wrk; the first request (computed cold) is made and timed separately."""
    started = time.perf_counter()
    first = httpx.get(base + path, headers={"cookie": cookie}, timeout=600)
    cold = (time.perf_counter() - started) * 1000
    assert first.status_code == 200, (path, first.status_code)
    out = subprocess.run(
        ["wrk", f"-t{min(clients, 2)}", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s",
         "-s", str(HERE / "wrk_report.lua"), "-H", f"Cookie: {cookie}", base + path],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    found = re.search(r"RESULT (.*)", out)
    assert found, out
    figures = {k: float(v) for k, v in (pair.split("=") for pair in found.group(1).split())}
    return {"cold_ms": round(cold, 1), **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--messages", type=int, default=1_000_000)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("needs wrk: apt-get install wrk")
    home = build(OUT / f"web-store-{args.messages}", args.messages)
    server, url = start_server(home)
    try:
        base = url.split("/?")[0]
        cookie = session_cookie(url)
        results = {name: load(base, path, cookie, args.seconds, args.clients)
                   for name, path in PAGES.items()}  # fmt: skip
    finally:
        server.terminate()
        server.wait(10)
    for name, r in results.items():
        print(f"{name:7} p50 {r['p50']:7.1f} ms  p95 {r['p95']:7.1f} ms  p99 {r['p99']:7.1f} ms"
              f"  requests {int(r['requests']):6d}  errors {int(r['errors'])}"
              f"  first (cold) {r['cold_ms']:.0f} ms")  # fmt: skip
    (OUT / "web.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
