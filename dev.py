#!/usr/bin/env python3
"""Set everything up, then run tarry or its checks. Needs only Python 3.11+.

python3 dev.py run [TARRY ARGS]   install into .venv, then run the app (default: `tarry serve`)
python3 dev.py test [PYTEST ARGS] install into .venv, then ruff, mypy and the whole test suite
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
EXTRAS = "dev,fuzz,mutation"
DEFAULT_APP_ARGS = ["serve"]
LINTED = ["src", "tests", "bench", "fuzz", "dev.py"]


def sh(*args: str | Path) -> int:
    process = subprocess.Popen([str(a) for a in args], cwd=ROOT)
    while True:
        try:
            return process.wait()
        except KeyboardInterrupt:  # Ctrl+C reaches the child too: let it stop cleanly, no kill
            continue


def install() -> None:
    """Create .venv and install tarry with pinned dependencies; skipped when nothing changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may be run by an older python3)
        sys.exit(f"tarry needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    stamp = VENV / ".tarry-installed"
    inputs = b"".join((ROOT / f).read_bytes() for f in ("pyproject.toml", "constraints.txt"))
    digest = hashlib.sha256(inputs + EXTRAS.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [BIN / "python", "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    code = sh(*pip, "-c", "constraints.txt", "-e", f".[{EXTRAS}]")
    if code:
        sys.exit(f"Installing dependencies failed (exit {code}); see the messages above.")
    stamp.write_text(digest)


def run_app(args: list[str]) -> int:
    return sh(BIN / "tarry", *(args or DEFAULT_APP_ARGS))


def run_checks(pytest_args: list[str]) -> int:
    for name, cmd in (
        ("ruff", [BIN / "ruff", "check", *LINTED]),
        ("ruff format", [BIN / "ruff", "format", "--check", *LINTED]),
        ("mypy", [BIN / "mypy"]),
    ):
        print(f"== {name}", flush=True)
        if sh(*cmd):
            print(f"{name} failed.", file=sys.stderr)
            return 1
    print("== pytest", flush=True)
    return sh(BIN / "python", "-m", "pytest", *pytest_args)


def main() -> int:
    command, *rest = sys.argv[1:] or ["help"]
    if command not in ("run", "test"):
        print(__doc__)
        return 0 if command == "help" else 2
    install()
    return run_app(rest) if command == "run" else run_checks(rest)


if __name__ == "__main__":
    sys.exit(main())
