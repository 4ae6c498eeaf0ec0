"""A WhatsApp text export read for `mirror parse`: in one pass, or, when big, as two halves read
at once (on two cores).

The export is cut at a record near its middle. Both halves use what was decided from the whole
file before (its layout and date order, the names, the chat's own name), so together they give
exactly the messages one pass gives, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from tarry.mirror.formats.whatsapp import (
    ZIP_MAGIC,
    Chat,
    _cut,
    _decoded,
    _prepare,
    _records,
    _sample,
)
from tarry.mirror.formats.whatsapp_layout import start_regex

MIN_SIZE = 8 << 20  # smaller exports are read in one pass: a second process would not pay
LOOK = 1 << 20  # bytes searched after the middle for a record's start
Rows = Iterator[list[dict[str, Any]]]  # messages as the dicts `mirror parse` writes, in lists


@dataclass(frozen=True)
class Plan:
    path: Path
    name: str
    chat: Chat
    cut: int | None  # the byte where the second half's first record starts (None: one pass)


def plan(
    path: Path, *, name: str, day_first: bool | None = None, split: bool = True
) -> Plan | None:
    """How to read the plain-text export at `path` (None for a zip or an empty file)."""
    with path.open("rb") as fp:
        if fp.read(4) == ZIP_MAGIC:
            return None
        fp.seek(0)
        prepared = _prepare(fp, name, day_first)
    if prepared is None:
        return None
    size = path.stat().st_size
    cut = _middle(path, prepared[0], size) if split and size >= MIN_SIZE else None
    return Plan(path, name, prepared[0], cut)


def _middle(path: Path, chat: Chat, size: int) -> int | None:
    start = start_regex(chat.layout)
    with path.open("rb") as fp:
        fp.seek(size // 2)
        data = fp.read(LOOK)
    at = data.find(b"\n")
    while at >= 0:
        if start.match(data[at + 1 : at + 257].decode("utf-8", "ignore")):
            return size // 2 + at + 1
        at = data.find(b"\n", at + 1)
    return None


def first_half(part: Plan) -> Rows:
    """The messages before the cut (all of them when there is none)."""
    with part.path.open("rb") as fp:
        source: Any = fp if part.cut is None else Limited(fp, part.cut)
        chunks = _decoded(source, part.name)
        first = _sample(chunks)
        body = first.lstrip("\n")
        line = len(first) - len(body) + 1
        blocks = _cut(body, line, chunks, part.chat.layout, part.name)
        yield from _records(part.chat, blocks, part.name, first=True, as_dicts=True)


def second_half(part: Plan) -> Rows:
    """The messages from the cut on."""
    assert part.cut is not None
    line = _lines_before(part.path, part.cut) + 1
    with part.path.open("rb") as fp:
        fp.seek(part.cut)
        chunks = _decoded(fp, part.name, offset=part.cut)
        blocks = _cut(_sample(chunks), line, chunks, part.chat.layout, part.name)
        yield from _records(part.chat, blocks, part.name, first=False, as_dicts=True)


def _lines_before(path: Path, end: int) -> int:
    count = 0
    with path.open("rb") as fp:
        while end > 0 and (data := fp.read(min(1 << 20, end))):
            count += data.count(b"\n")
            end -= len(data)
    return count


class Limited:
    """The first `size` bytes of a file."""

    def __init__(self, fp: BinaryIO, size: int) -> None:
        self.fp, self.left = fp, size

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.fp.read(size)
        self.left -= len(data)
        return data
