"""The trust suite's tools: real `tarry` processes with a private environment, stores, scans."""

from __future__ import annotations

import csv
import hashlib
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tarry.store import encryption

PASS = "trust suite passphrase"
SCENARIO = re.compile(r"Scenario (\d+)")
_scenarios: dict[str, str] = {}  # test id -> its scenario (from the module's docstring)
_results: dict[str, dict[str, int]] = {}  # scenario -> {"tried": n, "passed": n}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        found = SCENARIO.match((getattr(module, "__doc__", None) or "").strip())
        if found and "tests/trust/" in item.nodeid:
            _scenarios[item.nodeid] = found.group(1)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count each test once: its call, or its setup when that failed or skipped it."""
    scenario = _scenarios.get(report.nodeid)
    setup_passed = report.when == "setup" and report.passed
    if scenario is None or report.when == "teardown" or setup_passed:
        return
    counts = _results.setdefault(scenario, {"tried": 0, "passed": 0, "skipped": 0})
    if report.skipped:
        counts["skipped"] += 1
    else:
        counts["tried"] += 1
        counts["passed"] += int(report.passed)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The trust suite's count: scenarios tried and passed (docs/security.md keeps the table)."""
    if not _results:
        return
    whole = [s for s, c in _results.items() if c["tried"] and c["passed"] == c["tried"]]
    tried = sum(c["tried"] for c in _results.values())
    passed = sum(c["passed"] for c in _results.values())
    terminalreporter.write_sep("-", "trust suite")
    terminalreporter.write_line(
        f"{len(_results)} scenarios tried, {len(whole)} passed in full;"
        f" {passed} of {tried} checks passed"
    )
    for scenario in sorted(_results, key=int):
        counts = _results[scenario]
        skipped = f", {counts['skipped']} skipped" if counts["skipped"] else ""
        terminalreporter.write_line(
            f"  scenario {scenario}: {counts['passed']}/{counts['tried']}{skipped}"
        )


NEW_PASS = "the changed passphrase"


@dataclass
class Env:
    """Where one test's processes live: a home, a private $TMPDIR and $HOME, their environment."""

    root: Path
    home: Path
    tmpdir: Path
    user: Path
    vars: dict[str, str]

    def run(
        self, *args: str, input: str | None = None, timeout: float = 60, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        """Run `tarry ARGS` in a fresh process; never raises on a non-zero exit."""
        return subprocess.run(
            [sys.executable, "-m", "tarry", *args],
            env={**self.vars, **extra},
            cwd=self.root,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self, *args: str, **extra: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "tarry", *args],
            env={**self.vars, **extra},
            cwd=self.root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )


@pytest.fixture(autouse=True)
def _floor_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """Key derivation at the floor cost (64 MiB, 3 passes), not tuned to half a second."""
    monkeypatch.setenv("TARRY_KDF", "minimum")


@pytest.fixture
def env(tmp_path: Path) -> Env:
    root = tmp_path / "run"
    home, tmpdir, user = root / "home", root / "tmp", root / "user"
    for folder in (tmpdir, user):
        folder.mkdir(parents=True)
    variables = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TARRY_HOME": str(home),
        "TARRY_KDF": "minimum",
        "TARRY_NOW": "2026-11-19T12:00:00+00:00",
        "TZ": "UTC",
        "TMPDIR": str(tmpdir),
        "HOME": str(user),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    return Env(root, home, tmpdir, user, variables)


@pytest.fixture
def encrypted(env: Env) -> Env:
    """An encrypted store in env.home; TARRY_PASSPHRASE is NOT set for its processes."""
    encryption.create(env.home, PASS)
    return env


def canary() -> str:
    """A token that appears nowhere unless tarry wrote it in plaintext."""
    return f"CANARY{uuid.uuid4().hex.upper()}"


def write_chat(
    path: Path, count: int, token: str = "", extra: Callable[[int], str] | None = None
) -> Path:
    """A CSV chat export of `count` messages between Robin and Alex (`extra(i)` ends message i)."""
    with path.open("w", newline="", encoding="utf-8") as fp:
        out = csv.writer(fp)
        out.writerow(["timestamp", "author", "text"])
        for i in range(count):
            stamp = f"2024-{1 + i // 40000 % 12:02d}-{1 + i // 1440 % 28:02d}T"
            stamp += f"{i // 60 % 24:02d}:{i % 60:02d}:00"
            author = "Robin" if i % 2 else "Alex"
            text = f"message {i} about the weekend {token}" + (extra(i) if extra else "")
            out.writerow([stamp, author, text])
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file under `folder` and its hash: 'byte-identical' means equal fingerprints."""
    return {str(p.relative_to(folder)): digest(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def hits(token: str, *folders: Path) -> list[str]:
    """Files under `folders` that contain `token` in UTF-8 or UTF-16."""
    needles = [token.encode(), token.encode("utf-16-le"), token.encode("utf-16-be")]
    found = []
    for folder in folders:
        for path in folder.rglob("*") if folder.exists() else ():
            try:
                data = path.read_bytes() if path.is_file() else b""
            except OSError:
                continue  # removed while we looked (a -wal at checkpoint)
            if any(n in data for n in needles):
                found.append(str(path))
    return found


@pytest.fixture
def chat_file(tmp_path: Path) -> Iterator[Path]:
    yield write_chat(tmp_path / "chat.csv", 50)
