"""Keeping in touch while the web app runs: a thread that long-polls the relay and applies."""

from __future__ import annotations

import threading
from collections.abc import Callable

from tarry.base.errors import TarryError
from tarry.store import Store
from tarry.together import pairs, sync

LONG_POLL_S = 20.0
RETRY_S = 5.0


class Syncer:
    """Exchange with the relay in a loop; out of reach, try again every RETRY_S seconds."""

    def __init__(self, open_store: Callable[[], Store], wait: float = LONG_POLL_S) -> None:
        self.open_store = open_store
        self.wait = wait
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True, name="together-sync")

    def start(self) -> Syncer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()

    def _run(self) -> None:
        with self.open_store() as store:
            while not self.stopping.is_set():
                if not pairs.active(store):
                    self.stopping.wait(RETRY_S)
                    continue
                try:
                    report = sync.sync(store, wait=self.wait)
                except TarryError:
                    report = None
                if report is None or report.unreachable:
                    self.stopping.wait(RETRY_S)
