"""A live uvicorn server for the browser and concurrency tests, with no port race and no
unbounded wait: the socket is bound here and handed to uvicorn (no other process can take the
port between choosing and binding it), and starting and stopping each have a deadline."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

START_S, STOP_S = 20.0, 10.0


@contextmanager
def live_server(make_app: Callable[[int], Any]) -> Iterator[int]:
    """Serve `make_app(port)` on 127.0.0.1 in a thread; yields the port once it accepts."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(make_app(port), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_S
        while not server.started:
            assert thread.is_alive(), "the server stopped before it started (see the log above)"
            assert time.monotonic() < deadline, f"the server did not start within {START_S} s"
            time.sleep(0.02)
        yield port
    finally:
        server.should_exit = True
        thread.join(STOP_S)
        sock.close()
    assert not thread.is_alive(), f"the server did not stop within {STOP_S} s"
