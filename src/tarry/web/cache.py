"""Pages computed once per change of data: a small LRU keyed by page, query and data version.

The data version is the database file's and its write-ahead log's modification time and size:
every commit, from any process (the CLI, an import in the background, this app), changes it. Pages
that depend on "now" are also keyed by the day (or, for Today, the minute). So a page is never
stale, and under load each page is computed once, by one thread, while the others wait for it.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from tarry.base import clock
from tarry.store import Store

Key = tuple[Any, ...]
FRESHNESS = {"minute": "%Y-%m-%dT%H:%M", "day": "%Y-%m-%d"}


def version(store: Store, fresh: str = "day") -> Key:
    found: list[Any] = []
    for path in (store.path, store.path.with_name(store.path.name + "-wal")):
        try:
            info = os.stat(path)
            found += [info.st_mtime_ns, info.st_size]
        except FileNotFoundError:
            found += [0, 0]
    return (*found, clock.now().strftime(FRESHNESS[fresh]))


class PageCache:
    def __init__(self, size: int = 128) -> None:
        self.size = size
        self.entries: OrderedDict[Key, dict[str, Any]] = OrderedDict()
        self.lock = threading.Lock()
        self.computing: dict[Key, threading.Lock] = {}

    def get(
        self, key: Key, store: Store, compute: Callable[[], dict[str, Any]], fresh: str = "day"
    ) -> dict[str, Any]:
        full = (*key, *version(store, fresh))
        with self.lock:
            if full in self.entries:
                self.entries.move_to_end(full)
                return self.entries[full]
            single = self.computing.setdefault(full, threading.Lock())
        with single:  # one thread computes a page; the others wait, then read it
            with self.lock:
                if full in self.entries:
                    return self.entries[full]
            value = compute()
            with self.lock:
                self.entries[full] = value
                self.computing.pop(full, None)
                while len(self.entries) > self.size:
                    self.entries.popitem(last=False)
        return value
