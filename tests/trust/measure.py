"""Running one `tarry` command in a forked child and measuring it: exit code, wall time, the
memory it added and the bytes it wrote (what write() was given, from /proc/self/io).

A forked child's resident set starts as its parent's (pytest, grown by every test before it),
so the memory figure is what the command added: the peak after the child's high-water mark is
reset at its start (Linux's clear_refs), less the resident set it started with.

The child is this (already warm) process, so the time is the command's, not Python's start-up;
it runs the real CLI entry point in a sandbox (the Env's variables, its own working folder) and
is killed if it overruns.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from tarry.cli.main import run
from tests.trust.conftest import Env


@dataclass(frozen=True)
class Measured:
    code: int
    seconds: float
    megabytes: float  # peak RSS added by the command (over the forked process's own)
    written: int  # bytes handed to write(), stderr included
    stderr: str


def measured(env: Env, args: list[str], limit: float, stdin: str | None = None) -> Measured:
    work = env.root / "work"
    work.mkdir(exist_ok=True)
    err_path, io_path = env.root / "stderr.txt", env.root / "io.txt"
    start_path = env.root / "start-rss.txt"
    start_path.unlink(missing_ok=True)
    in_path = None
    if stdin is not None:
        in_path = env.root / "stdin.txt"
        in_path.write_text(stdin)
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        _start_afresh(start_path)
        _child(env, args, err_path, io_path, in_path)
    status, usage = _wait(pid, started + limit)
    elapsed = time.monotonic() - started
    written = int(io_path.read_text()) if io_path.exists() else -1
    io_path.unlink(missing_ok=True)
    return Measured(
        os.waitstatus_to_exitcode(status),
        elapsed,
        (usage.ru_maxrss - _started_kib(start_path)) / 1024,
        written,
        err_path.read_text(errors="replace"),
    )


def _child(env: Env, args: list[str], err_path: Path, io_path: Path, in_path: Path | None) -> None:
    code = 1
    try:
        os.chdir(env.root / "work")
        os.environ.clear()
        os.environ.update(env.vars)
        time.tzset()
        tempfile.tempdir = None  # pick up the sandbox's $TMPDIR
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(os.open(in_path, os.O_RDONLY) if in_path else null, 0)
        os.dup2(null, 1)
        os.dup2(os.open(err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 2)
        sys.stdin = open(0)  # noqa: SIM115 (replaces pytest's capture)
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        run(args)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stderr.flush()
        _record_writes(io_path)
        os._exit(code)


def _start_afresh(start_path: Path) -> None:
    """Reset this (child) process's peak RSS to its current RSS, and note that RSS in KiB."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        status = Path("/proc/self/status").read_text()
    except OSError:
        return  # not Linux: the peak is the whole process's
    rss = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
    start_path.write_text(rss)


def _started_kib(start_path: Path) -> int:
    try:
        return int(start_path.read_text())
    except (OSError, ValueError):
        return 0


def _record_writes(io_path: Path) -> None:
    try:
        fields = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
        io_path.write_text(fields["wchar"].strip())
    except OSError:
        pass  # no /proc (not Linux): the figure is left out


def _wait(pid: int, deadline: float) -> tuple[int, resource.struct_rusage]:
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            _, status, usage = os.wait4(pid, 0)
            return status, usage
        time.sleep(0.01)
