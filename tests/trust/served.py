"""A real `tarry serve` process for the trust suite: started, its URL read, stopped."""

from __future__ import annotations

import contextlib
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx2

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

    def client(self, **kwargs: Any) -> httpx2.Client:
        """An HTTP client for this server that sends tarry's own Origin."""
        headers = {"origin": self.base, **kwargs.pop("headers", {})}
        return httpx2.Client(base_url=self.base, headers=headers, timeout=60, **kwargs)

    def signed_in(self) -> httpx2.Client:
        """A client that exchanged the launch link for a session."""
        client = self.client()
        response = client.get(self.url, follow_redirects=False)
        assert response.status_code == 303, response.text
        return client


def csrf(client: httpx2.Client, path: str = "/import") -> str:
    match = re.search(r'name="_csrf" value="([^"]+)"', client.get(path).text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


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
