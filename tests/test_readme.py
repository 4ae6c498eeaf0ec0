"""The README's quick start and the demo's suggested commands, run as written.

`python3 dev.py run` is started as the README says (the browser it opens is `true`, through
$BROWSER), its one-time link is followed to the welcome page, and Ctrl+C stops it. `python3
dev.py test` is this very suite (CI runs it), so it is checked to be there, not run again. Then
the README's demo block and every command `tarry demo` suggests run in a fresh $HOME.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
from pathlib import Path

import httpx2 as httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent  # the venv's bin: `tarry` as the README runs it


def block_after(heading: str) -> list[str]:
    """The commands of the first ```sh block after `heading`, comments and blank lines left out."""
    rest = README.split(heading, 1)[1]
    body = rest.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line.split("  #", 1)[0].strip() for line in body.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TARRY_", "XDG_"))}
    env |= {"HOME": str(home), "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}", "TZ": "UTC"}
    return env | {"TARRY_NOW": "2026-11-19T12:00:00+00:00", "BROWSER": "true"}


@pytest.mark.slow
def test_the_quick_start_as_written(tmp_path: Path) -> None:
    assert block_after("## Quick start") == ["python3 dev.py run", "python3 dev.py test"]
    env = environment(tmp_path) | {"TARRY_HOME": str(tmp_path / "home")}
    started = subprocess.Popen(
        shlex.split("python3 dev.py run"), cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        assert started.stdout is not None
        line = started.stdout.readline()
        found = re.match(r"tarry is running at (http://127\.0\.0\.1:\d+/\?token=\S+)", line)
        assert found, line
        page = httpx.get(found[1], follow_redirects=True, timeout=30)
        assert page.status_code == 200 and "Welcome to tarry" in page.text
    finally:
        os.killpg(started.pid, signal.SIGINT)  # Ctrl+C, to dev.py and tarry alike
        assert started.wait(timeout=30) == 0
    assert not (tmp_path / "home" / "serve-url").exists()  # the link with its token is gone
    assert (ROOT / "dev.py").exists() and "def run_checks" in (ROOT / "dev.py").read_text()


@pytest.mark.slow
def test_the_demo_and_the_commands_it_suggests_as_written(tmp_path: Path) -> None:
    env = environment(tmp_path)
    commands = block_after("## The practice loop")
    assert commands[0] == "tarry demo"
    said = ""
    for command in commands:
        done = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True,
                              cwd=tmp_path, timeout=120)  # fmt: skip
        assert done.returncode == 0, (command, done.stderr)
        assert done.stdout.strip(), command
        said = said or done.stdout
    suggested = [line.strip() for line in said.split("Try it:", 1)[1].splitlines()]
    suggested = [line for line in suggested if line.startswith("tarry ")]
    assert len(suggested) >= 4 and all(str(tmp_path) in line for line in suggested)
    for command in suggested:
        done = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True,
                              cwd=tmp_path, timeout=120)  # fmt: skip
        assert done.returncode == 0, (command, done.stderr)
        assert done.stdout.strip() and "error" not in done.stderr.lower(), command
