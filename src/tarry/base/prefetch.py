"""Read an iterator ahead in a thread, in batches, while the caller works on what it has.

For work that waits outside Python half the time (SQLite storing a batch releases the GIL), so
the next batch is read meanwhile. Bounded: at most `depth` batches wait. An exception in the
reader is raised in the caller; a caller that stops early stops the reader before returning.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterable
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


def ahead(items: Iterable[T], *, batch: int = 2000, depth: int = 4) -> Generator[T, None, None]:
    """`items`, read by another thread `batch` at a time, up to `depth` batches ahead."""
    waiting: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()
    source = iter(items)

    def read() -> None:
        chunk: list[T] = []
        try:
            for item in source:
                chunk.append(item)
                if len(chunk) >= batch:
                    _put(waiting, chunk, stop)
                    chunk = []
                    if stop.is_set():
                        return
            _put(waiting, chunk, stop)
            _put(waiting, _DONE, stop)
        except BaseException as exc:  # handed to the caller after what came before, raised there
            _put(waiting, chunk, stop)
            _put(waiting, exc, stop)

    reader = threading.Thread(target=read, name="prefetch", daemon=True)
    reader.start()
    try:
        while (got := waiting.get()) is not _DONE:
            if isinstance(got, BaseException):
                raise got
            yield from got  # type: ignore[misc]
    finally:
        stop.set()
        while reader.is_alive():  # let a reader blocked on a full queue see the stop
            try:
                waiting.get_nowait()
            except queue.Empty:
                reader.join(0.01)


def _put(waiting: queue.Queue[object], item: object, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            waiting.put(item, timeout=0.1)
            return
        except queue.Full:
            continue
