"""Scenario 13 (issue 17, 4): a crash of tarry writes no core file (it would hold the data key).

`tarry serve` is started with core dumps allowed (RLIMIT_CORE unlimited, as `ulimit -c
unlimited` gives), unlocked, then crashed with SIGSEGV: no core file appears, where a plain
Python process crashed the same way leaves one. Every tarry process runs with RLIMIT_CORE 0 and,
on Linux, PR_SET_DUMPABLE 0.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tarry.base import process
from tarry.cli.main import main
from tests.trust.conftest import PASS, Env
from tests.trust.served import served

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux: /proc, prctl")


def _allow_cores() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def _cores(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name == "core" or p.name.startswith("core.")]


def _kernel_writes_cores_here(folder: Path) -> bool:
    """The baseline: does a plain Python process crashed here leave a core file?"""
    pattern = Path("/proc/sys/kernel/core_pattern").read_text().strip()
    if pattern.startswith("|") or "/" in pattern:
        return False  # piped to a helper or written elsewhere: not observable from here
    crashed = subprocess.run(
        [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"],
        cwd=folder,
        preexec_fn=_allow_cores,
        check=False,
    )
    found = _cores(folder)
    for core in found:
        core.unlink()
    return crashed.returncode == -signal.SIGSEGV and bool(found)


@linux
def test_a_crashed_server_leaves_no_core(encrypted: Env) -> None:
    with served(encrypted, preexec=_allow_cores, TARRY_PASSPHRASE=PASS) as server:
        limits = Path(f"/proc/{server.process.pid}/limits").read_text()
        core_line = next(line for line in limits.splitlines() if "core file" in line)
        assert core_line.split()[4:6] == ["0", "0"], core_line
        os.kill(server.process.pid, signal.SIGSEGV)
        assert server.process.wait(10) == -signal.SIGSEGV
    assert _cores(encrypted.root) == []
    if not _kernel_writes_cores_here(encrypted.root):
        pytest.skip("this kernel writes no core file here even for a plain process")


@linux
def test_every_cli_process_turns_core_dumps_off(tmp_path: Path) -> None:
    """In a forked child (the program's entry point), then asked as the process would be.
    (In-process tests call `run`, which leaves the test runner's own limits alone.)"""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            sys.argv = ["tarry", "--version"]
            main()
        except SystemExit:
            pass
        finally:
            limit = resource.getrlimit(resource.RLIMIT_CORE)
            os.write(write, f"{process.dumpable()} {limit}".encode())
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    assert os.read(read, 100).decode() == "False (0, 0)"
