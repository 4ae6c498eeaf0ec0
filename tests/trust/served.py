"""A real `tarry serve` process for the trust suite: started, its URL read, stopped."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from tests.trust.conftest import Env


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    url: str  # the launch link, with its one-time token

    @property
    def base(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def token(self) -> str:
        return urlsplit(self.url).query.removeprefix("token=")


@contextlib.contextmanager
def served(
    env: Env, *args: str, preexec: Callable[[], None] | None = None, **extra: str
) -> Iterator[Served]:
    url_file = env.home / "serve-url"
    process = subprocess.Popen(
        [sys.executable, "-m", "tarry", "serve", "--port", "0", "--no-browser", *args],
        env={**env.vars, **extra},
        cwd=env.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=preexec,
    )
    try:
        deadline = time.monotonic() + 30
        while not url_file.exists() or not url_file.read_text().strip():
            if process.poll() is not None or time.monotonic() > deadline:
                err = process.stderr.read().decode() if process.stderr else ""
                raise AssertionError(f"tarry serve did not start: {err}")
            time.sleep(0.05)
        yield Served(process, url_file.read_text().strip())
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
