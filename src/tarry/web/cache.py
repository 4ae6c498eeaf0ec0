"""Pages computed once per change of data: a small LRU keyed by page, query and data version.

The key's version is SQLite's `PRAGMA data_version` (moves when another connection commits: the
CLI, an import running in the background) plus this connection's own `total_changes`, plus the
current minute (pages that depend on "now": what is due today, the prompt of the day). So a page
is never stale: any write, from anywhere, or a new minute, computes it afresh.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from tarry import clock
from tarry.store import Store

Key = tuple[Any, ...]


def version(store: Store) -> Key:
    data_version = store.scalar("PRAGMA data_version")
    return (data_version, store.conn.total_changes, clock.now().strftime("%Y-%m-%dT%H:%M"))


class PageCache:
    def __init__(self, size: int = 128) -> None:
        self.size = size
        self.entries: OrderedDict[Key, dict[str, Any]] = OrderedDict()

    def get(self, key: Key, store: Store, compute: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        full = (*key, *version(store))
        if full in self.entries:
            self.entries.move_to_end(full)
            return self.entries[full]
        value = compute()
        self.entries[full] = value
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return value
