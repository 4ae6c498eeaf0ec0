"""The web app and the CLI write to the same store at once: nothing lost, nothing corrupted."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx
import pytest

from tarry.declare import people
from tarry.reflect import moments
from tarry.store import Store
from tarry.web.app import Config, create_app
from tarry.web.security import Guard
from tests.web.live import live_server

WRITES = 15


@pytest.fixture
def live(home: Path) -> Iterator[tuple[str, Guard]]:
    with Store.open(home) as store:
        people.add(store, "Sam")
    guards: list[Guard] = []

    def make_app(port: int) -> object:
        guards.append(Guard.for_port("127.0.0.1", port))
        return create_app(Config(home=home, guard=guards[0]))

    with live_server(make_app) as port:
        yield f"http://127.0.0.1:{port}", guards[0]


def web_writes(base: str, guard: Guard) -> int:
    with httpx.Client(base_url=base) as client:
        client.get(f"/today?token={guard.token}", follow_redirects=True)
        csrf = re.search(r'name="_csrf" value="([^"]+)"', client.get("/today").text)
        assert csrf
        done = 0
        for i in range(WRITES):
            form = {"_csrf": csrf.group(1), "with": "Sam", "note": f"web {i}"}
            response = client.post("/moments", data=form, headers={"origin": base})
            done += response.status_code == 303
        return done


def cli_writes(home: Path) -> int:
    done = 0
    for i in range(WRITES):
        command = [sys.executable, "-m", "tarry", "--home", str(home), "log", "--with", "Sam",
                   "--note", f"cli {i}"]  # fmt: skip
        done += subprocess.run(command, capture_output=True, timeout=60).returncode == 0
    return done


def test_web_and_cli_write_at_once(live: tuple[str, Guard], home: Path) -> None:
    base, guard = live
    with ThreadPoolExecutor(2) as pool:
        from_web = pool.submit(web_writes, base, guard)
        from_cli = pool.submit(cli_writes, home)
        assert (from_web.result(timeout=120), from_cli.result(timeout=120)) == (WRITES, WRITES)
    with Store.open(home) as store:
        notes = sorted(m.note for m in moments.all_moments(store))
        assert store.scalar("PRAGMA integrity_check") == "ok"
    expected = sorted([f"web {i}" for i in range(WRITES)] + [f"cli {i}" for i in range(WRITES)])
    assert notes == expected
