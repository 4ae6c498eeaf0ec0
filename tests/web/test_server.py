"""Launching and stopping the web app as a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path


def test_sigterm_removes_the_url_file_with_its_token(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "TARRY_HOME": str(home)}
    server = subprocess.Popen(
        [sys.executable, "-m", "tarry", "serve", "--no-browser", "--port", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url_file = home / "serve-url"
    deadline = time.monotonic() + 30
    while not url_file.exists() and time.monotonic() < deadline and server.poll() is None:
        time.sleep(0.1)
    assert url_file.exists(), server.stderr.read() if server.stderr else ""
    assert "token=" in url_file.read_text()
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 128 + signal.SIGTERM
    assert not url_file.exists()  # the token does not outlive the server
