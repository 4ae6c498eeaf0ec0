"""A real `tarry serve` process for the trust suite: started, its URL read, stopped."""

from __future__ import annotations

import contextlib
import re
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
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


def _wait_listening(server: Served, deadline: float) -> None:
    """The URL file is written just before the server starts listening."""
    parts = urlsplit(server.base)
    while True:
        try:
            socket.create_connection((parts.hostname, parts.port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


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
        found = Served(process, url_file.read_text().strip())
        _wait_listening(found, deadline)
        yield found
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def stream_post(
    served: Served, path: str, headers: dict[str, str], chunks: Iterator[bytes], limit: int
) -> tuple[int, int]:
    """POST a body sent chunk by chunk over a raw socket, until the server answers or `limit`
    bytes are sent: (the status it answered, bytes sent before it did). 0: no answer."""
    parts = urlsplit(served.base)
    sent = 0
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as conn:
        lines = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", *(f"{k}: {v}" for k, v in
                 headers.items()), "", ""]  # fmt: skip
        conn.sendall("\r\n".join(lines).encode())
        for chunk in chunks:
            if select.select([conn], [], [], 0)[0] or sent >= limit:
                break
            try:
                conn.sendall(chunk)
            except OSError:  # the server closed the connection: its answer may be waiting
                break
            sent += len(chunk)
        conn.settimeout(30)
        try:
            head = conn.recv(4096)
        except OSError:
            return 0, sent
    status = head.split(b" ", 2)[1] if head.startswith(b"HTTP/") else b"0"
    return int(status), sent


def peak_megabytes(pid: int) -> float:
    """The peak resident memory of a running process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
