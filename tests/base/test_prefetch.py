"""Reading ahead in a thread: the same items in order, errors raised in the caller, and a caller
that stops early leaves no reader behind."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tarry.base.prefetch import ahead


def test_same_items_in_order() -> None:
    assert list(ahead(range(10_000), batch=7, depth=2)) == list(range(10_000))
    assert list(ahead([])) == []


def test_an_error_in_the_reader_is_raised_after_what_came_before() -> None:
    def items() -> Iterator[int]:
        yield from range(5)
        raise ValueError("broken at 5")

    got: list[int] = []
    with pytest.raises(ValueError, match="broken at 5"):
        for item in ahead(items(), batch=2):
            got.append(item)
    assert got == [0, 1, 2, 3, 4]


def test_stopping_early_stops_the_reader() -> None:
    read: list[int] = []

    def endless() -> Iterator[int]:
        n = 0
        while True:
            read.append(n)
            yield n
            n += 1

    found = ahead(endless(), batch=10, depth=2)
    assert next(found) == 0
    found.close()
    assert not [t for t in threading.enumerate() if t.name == "prefetch"]
    assert len(read) <= 10 * 4  # bounded: a few batches ahead, never the whole stream
