"""The passphrase is asked on the terminal itself, never on stdout: output to a file or a pipe
stays clean, and the prompt is seen even when stdout goes elsewhere."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import sys
import termios
import time

from tests.trust.conftest import PASS, Env


def _terminal_but_piped_stdout(env: Env, args: list[str], answer: str) -> tuple[int, bytes, bytes]:
    """Run tarry with a real terminal for stdin, stderr and /dev/tty, stdout into a pipe."""
    master, slave = pty.openpty()
    out_read, out_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a session whose controlling terminal is the pty
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        os.dup2(slave, 0)
        os.dup2(out_write, 1)
        os.dup2(slave, 2)
        os.execve(sys.executable, [sys.executable, "-m", "tarry", *args], env.vars)
    os.close(slave)
    os.close(out_write)
    screen, stdout, answered = b"", b"", False
    deadline = time.monotonic() + 30
    open_fds = {master, out_read}
    while open_fds and time.monotonic() < deadline:
        ready, _, _ = select.select(list(open_fds), [], [], 0.5)
        for fd in ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                open_fds.discard(fd)
            elif fd == master:
                screen += chunk
                if not answered and screen.rstrip().endswith(b":"):
                    os.write(master, answer.encode() + b"\n")
                    answered = True
            else:
                stdout += chunk
    if time.monotonic() >= deadline:
        os.kill(pid, signal.SIGKILL)  # stuck at an unseen prompt: fail instead of hanging
    _, status = os.waitpid(pid, 0)
    os.close(master)
    os.close(out_read)
    return os.waitstatus_to_exitcode(status), stdout, screen


def test_json_to_a_file_holds_only_json(encrypted: Env) -> None:
    assert encrypted.run("people", "add", "Sam", TARRY_PASSPHRASE=PASS).returncode == 0
    code, stdout, screen = _terminal_but_piped_stdout(encrypted, ["people", "list", "--json"], PASS)
    assert code == 0, screen
    assert b"Passphrase for" in screen  # asked where the person sees it
    assert [p["name"] for p in json.loads(stdout)] == ["Sam"]  # and nothing else on stdout
    assert PASS.encode() not in screen  # never echoed


def test_review_into_a_pipe_asks_on_the_terminal(encrypted: Env) -> None:
    code, stdout, screen = _terminal_but_piped_stdout(encrypted, ["review"], PASS)
    assert code == 0, screen
    assert b"Passphrase for" in screen and b"Passphrase" not in stdout
    assert stdout.startswith(b"Weekly review ")
