"""End to end: two tarry homes paired through a real relay process on loopback, by the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tarry.web.server import free_port

pytestmark = pytest.mark.slow


def tarry(home: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TARRY_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "tarry", *args], capture_output=True, text=True, env=env, timeout=60
    )
    if check and done.returncode:
        raise AssertionError(f"tarry {' '.join(args)}: {done.returncode}\n{done.stderr}")
    return done


def start_relay(db: str, port: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tarry", "relay", "serve", "--db", db, "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60  # a busy machine starts Python slowly; bounded all the same
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=2)
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError(f"the relay did not start (exit code {process.poll()})")


@pytest.fixture(params=["sqlite", "postgresql"])
def relay_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'relay.db'}"
    return str(request.getfixturevalue("postgres").new_database())


class RelayProcess:
    """`tarry relay serve` in its own process; stop and start it again on the same port."""

    def __init__(self, db: str) -> None:
        self.db, self.port = db, free_port("127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[str] | None = start_relay(db, self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)
            self.process = None

    def start(self) -> None:
        self.process = start_relay(self.db, self.port)


@pytest.fixture
def relay_process(relay_db: str) -> Iterator[RelayProcess]:
    running = RelayProcess(relay_db)
    yield running
    running.stop()


def pair(a: Path, b: Path, url: str) -> None:
    for home in (a, b):
        tarry(home, "together", "relay", url)
    inviter = subprocess.Popen(
        [sys.executable, "-m", "tarry", "together", "pair", "--with", "Sam"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TARRY_HOME": str(a)},
    )
    assert inviter.stdout is not None
    first = inviter.stdout.readline()
    assert first.startswith("Pairing code: "), first + inviter.stderr.read()  # type: ignore[union-attr]
    code = first.split(": ", 1)[1].strip()
    joined = tarry(b, "together", "join", code, "--with", "Alex")
    out, err = inviter.communicate(timeout=60)
    assert inviter.returncode == 0, err
    safety = [line for line in out.splitlines() if line.startswith("Safety number")]
    assert safety and safety[0] in joined.stdout


def test_answer_then_reveal_through_the_cli(tmp_path: Path, relay_process: RelayProcess) -> None:
    a, b = tmp_path / "alex", tmp_path / "sam"
    pair(a, b, relay_process.url)
    asked = json.loads(tarry(a, "together", "ask", "Sam", "--json").stdout)
    tarry(b, "together", "sync")
    assert f"Alex asked: {asked['prompt']}" in tarry(b, "today").stdout
    tarry(b, "together", "answer", "Alex", "--text", "The sea, at dawn.")
    tarry(a, "together", "sync")
    assert "Sam answered; your turn." in tarry(a, "together", "status").stdout
    sealed = json.loads(tarry(a, "together", "show", "Sam", "--json").stdout)
    assert (sealed["state"], sealed["their_answer"]) == ("your turn", None)
    tarry(a, "together", "answer", "Sam", "--text", "Mountains, always.")
    tarry(b, "together", "sync")
    tarry(a, "together", "sync")
    for home, theirs in ((a, "The sea, at dawn."), (b, "Mountains, always.")):
        shown = json.loads(
            tarry(home, "together", "show", "Sam" if home == a else "Alex", "--json").stdout
        )
        assert (shown["state"], shown["their_answer"]) == ("revealed", theirs)
    tarry(b, "together", "reply", "Alex", "Why always?")
    tarry(a, "together", "sync")
    assert "Sam: Why always?" in tarry(a, "together", "show", "Sam").stdout


def test_offline_for_days_then_delivered(tmp_path: Path, relay_process: RelayProcess) -> None:
    a, b = tmp_path / "alex", tmp_path / "sam"
    pair(a, b, relay_process.url)
    relay_process.stop()  # the relay is gone; Alex keeps writing
    queued = tarry(a, "together", "ask", "Sam")
    assert "Queued" in queued.stderr and "Cannot reach the relay" in queued.stderr
    assert json.loads(tarry(a, "together", "list", "--json").stdout)[0]["queued"] == 1
    relay_process.start()
    assert "Sent 1," in tarry(a, "together", "sync").stdout
    tarry(b, "together", "sync")
    assert "Alex asked:" in tarry(b, "together", "status").stdout
