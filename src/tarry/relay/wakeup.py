"""Waking long-polls: in-process events, and across processes a LISTEN/NOTIFY hint.

A long-poll that is never woken still ends at its deadline and the client asks again, so a lost
hint costs latency, never a message. On PostgreSQL, NOTIFY takes a lock that serialises the
commits sending it; pair ids are therefore gathered for a few milliseconds and sent in one
NOTIFY from a connection of their own, outside every message's transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

CHANNEL = "tarry_relay"
BATCH_S = 0.005
MAX_PAYLOAD = 7000  # NOTIFY payloads stop at 8000 bytes


class Waiters:
    """Long-polls waiting on a pair, per event loop; woken from any thread."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.events: dict[bytes, set[asyncio.Event]] = defaultdict(set)

    async def wait(self, pair_ids: Iterable[bytes], timeout: float) -> None:
        """Until one of `pair_ids` is woken, or `timeout` seconds pass."""
        self.loop = asyncio.get_running_loop()
        event = asyncio.Event()
        keys = list(pair_ids)
        for key in keys:
            self.events[key].add(event)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout)
        finally:
            for key in keys:
                self.events[key].discard(event)
                if not self.events[key]:
                    del self.events[key]

    def wake(self, pair_ids: Iterable[bytes]) -> None:
        """Wake the long-polls on these pairs (safe from any thread)."""
        if self.loop is None:
            return
        keys = list(pair_ids)
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody is waiting
            self.loop.call_soon_threadsafe(self._wake, keys)

    def _wake(self, keys: list[bytes]) -> None:
        for key in keys:
            for event in list(self.events.get(key, ())):
                event.set()


class PgHint:
    """NOTIFY pair ids in batches; LISTEN and wake this process's waiters."""

    def __init__(self, dsn: str, waiters: Waiters) -> None:
        self.dsn = dsn
        self.waiters = waiters
        self.outgoing: queue.Queue[bytes | None] = queue.Queue()
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._send, daemon=True, name="relay-notify"),
            threading.Thread(target=self._listen, daemon=True, name="relay-listen"),
        ]
        for thread in self.threads:
            thread.start()

    def publish(self, pair_id: bytes) -> None:
        self.outgoing.put(pair_id)

    def stop(self) -> None:
        self.stopping.set()
        self.outgoing.put(None)

    def _send(self) -> None:
        import psycopg

        with contextlib.suppress(psycopg.Error), psycopg.connect(self.dsn, autocommit=True) as conn:
            while not self.stopping.is_set():
                batch = self._batch()
                if batch:
                    for payload in _payloads(batch):
                        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))

    def _batch(self) -> set[bytes]:
        first = self.outgoing.get()
        if first is None:
            return set()
        batch = {first}
        deadline = threading.Event()
        deadline.wait(BATCH_S)
        while True:
            try:
                item = self.outgoing.get_nowait()
            except queue.Empty:
                return batch
            if item is None:
                self.stopping.set()
                return batch
            batch.add(item)

    def _listen(self) -> None:
        import psycopg

        # The database going away ends the hint, never the relay: long-polls still time out.
        with contextlib.suppress(psycopg.Error), psycopg.connect(self.dsn, autocommit=True) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            while not self.stopping.is_set():
                for note in conn.notifies(timeout=1.0):
                    self.waiters.wake(_pair_ids(note.payload))


def _payloads(batch: set[bytes]) -> Iterable[str]:
    ids = [p.hex() for p in batch]
    per = MAX_PAYLOAD // 33
    for start in range(0, len(ids), per):
        yield ",".join(ids[start : start + per])


def _pair_ids(payload: Any) -> list[bytes]:
    found = []
    for part in str(payload).split(","):
        with contextlib.suppress(ValueError):
            found.append(bytes.fromhex(part))
    return found
