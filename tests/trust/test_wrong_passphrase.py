"""Scenario 1: a wrong passphrase is a clear error, exit 2, and leaves every byte as it was."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from pathlib import Path

import pytest

from tests.trust.conftest import NEW_PASS, PASS, Env, fingerprint

WRONG = "not the right passphrase"


def _assert_untouched(env: Env, before: dict[str, str]) -> None:
    assert fingerprint(env.home) == before
    assert sorted(p.name for p in env.home.iterdir()) == [
        "tarry.db",
        "tarry.db-verified",
        "tarry.key",
    ]


@pytest.mark.parametrize("command", [["people", "list"], ["backup"]])
def test_wrong_passphrase_from_the_environment(encrypted: Env, command: list[str]) -> None:
    before = fingerprint(encrypted.home)
    result = encrypted.run(*command, TARRY_PASSPHRASE=WRONG)
    assert result.returncode == 2
    assert "Wrong passphrase" in result.stderr and "TARRY_PASSPHRASE" in result.stderr
    assert "Traceback" not in result.stderr
    _assert_untouched(encrypted, before)


def test_wrong_passphrase_from_a_file(encrypted: Env, tmp_path: Path) -> None:
    file = tmp_path / "pass"
    file.write_text(WRONG + "\n")
    before = fingerprint(encrypted.home)
    result = encrypted.run("--passphrase-file", str(file), "people", "list")
    assert result.returncode == 2 and f"from the file {file}" in result.stderr
    _assert_untouched(encrypted, before)


def test_no_passphrase_without_a_terminal(encrypted: Env) -> None:
    before = fingerprint(encrypted.home)
    result = encrypted.run("people", "list")
    assert result.returncode == 2 and "needs its passphrase" in result.stderr
    _assert_untouched(encrypted, before)


def test_wrong_passphrase_change_changes_nothing(encrypted: Env) -> None:
    before = fingerprint(encrypted.home)
    result = encrypted.run(
        "passphrase", "change", TARRY_PASSPHRASE=WRONG, TARRY_NEW_PASSPHRASE=NEW_PASS
    )
    assert result.returncode == 2 and "Wrong passphrase" in result.stderr
    _assert_untouched(encrypted, before)
    assert encrypted.run("people", "list", TARRY_PASSPHRASE=PASS).returncode == 0


def test_wrong_recovery_key_changes_nothing(encrypted: Env) -> None:
    before = fingerprint(encrypted.home)
    result = encrypted.run(
        "passphrase",
        "change",
        "--recovery",
        TARRY_RECOVERY_KEY="AAAA-" * 12 + "AAAA",
        TARRY_NEW_PASSPHRASE=NEW_PASS,
    )
    assert result.returncode == 2 and "Wrong recovery key" in result.stderr
    _assert_untouched(encrypted, before)


def _terminal(env: Env, args: list[str], answers: list[str]) -> tuple[int, str]:
    """Run tarry on a real pseudo-terminal, typing `answers` at each passphrase prompt."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: become tarry
        os.execve(sys.executable, [sys.executable, "-m", "tarry", *args], env.vars)
    seen, deadline = b"", time.monotonic() + 30
    pending = list(answers)
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break  # the child closed the terminal
        if not chunk:
            break
        seen += chunk
        # click writes "...:" then getpass writes " " once echo is off (typing earlier is flushed)
        if pending and seen.endswith(b": "):
            os.write(fd, pending.pop(0).encode() + b"\n")
            seen += b"\n"
    if time.monotonic() >= deadline:
        os.kill(pid, signal.SIGKILL)  # stuck at a prompt: fail instead of hanging
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), seen.decode(errors="replace")


def test_interactive_prompt_gives_three_tries_then_exit_2(encrypted: Env) -> None:
    before = fingerprint(encrypted.home)
    code, screen = _terminal(encrypted, ["people", "list"], [WRONG, WRONG, WRONG])
    assert code == 2
    assert screen.count("Passphrase for") == 3 and "3 tries" in screen
    assert WRONG not in screen  # never echoed
    _assert_untouched(encrypted, before)


def test_interactive_prompt_opens_with_the_right_one(encrypted: Env) -> None:
    code, screen = _terminal(encrypted, ["people", "add", "Sam"], [WRONG, PASS])
    assert code == 0 and "Added Sam" in screen
    assert PASS not in screen
