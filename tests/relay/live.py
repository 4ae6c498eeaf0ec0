"""A relay app served over loopback by uvicorn in a thread, for tests that talk HTTP to it."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tarry.web.server import free_port


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The app listening on a free port of 127.0.0.1; yields its URL, stops on exit."""
    import uvicorn

    port = free_port("127.0.0.1", 0)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the relay did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)
