"""Shared by the format tests: fixtures, the other projects' corpora, the property check."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tarry.base.errors import FormatError
from tarry.mirror.formats import KINDS, Message, registry
from tarry.mirror.formats.contract import Options, Reading
from tarry.mirror.formats.conversation import SkipFn, ignore_skip

DATA = Path(__file__).parents[2] / "data"
# ../shared beside the repository; TARRY_SHARED names it for a checkout that lives elsewhere.
CORPORA = Path(os.environ.get("TARRY_SHARED") or Path(__file__).parents[4] / "shared") / "corpora"


def fixture(*parts: str) -> Path:
    return DATA.joinpath(*parts)


def parse_file(
    module: ModuleType,
    path: Path,
    *,
    chat: str | None = None,
    on_skip: SkipFn = ignore_skip,
    **options: Any,
) -> list[Message]:
    """Every message of the file, read by the module's format (the last it declares)."""
    with path.open("rb") as fp:
        return parse_bytes(module, fp.read(), path.name, chat=chat, on_skip=on_skip, **options)


def parse_bytes(
    module: ModuleType,
    data: bytes,
    name: str = "input",
    *,
    chat: str | None = None,
    on_skip: SkipFn = ignore_skip,
    **options: Any,
) -> list[Message]:
    reading = Reading(chat, on_skip, Options(**options))
    found = registry.messages(module.FORMATS[-1], io.BytesIO(data), name=name, reading=reading)
    return list(found)


def corpus(*parts: str) -> Path:
    """A file of ../shared/corpora, or skip the test when that folder is not there."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available")
    return path


def target(*parts: str) -> list[dict[str, str]]:
    """chat-miner's expected messages (its files differ in order), sorted oldest first."""
    with corpus(*parts).open(encoding="utf-8") as fp:
        return sorted(json.load(fp), key=lambda m: str(m["timestamp"]))


def check_message(message: object) -> None:
    """The shape every parser's messages have, whatever the input."""
    assert isinstance(message, Message)
    assert message.kind in KINDS
    assert isinstance(message.author, str) and isinstance(message.text, str)
    assert isinstance(message.ts, str)
    datetime.fromisoformat(message.ts)  # a real time, in ISO 8601


def messages_or_format_error(
    module: ModuleType, data: bytes, name: str = "fuzz", **options: Any
) -> int:
    """The property every parser keeps: any input gives valid messages or a FormatError that
    names the input. Returns how many messages came (before the end or the error)."""
    count = 0
    try:
        for message in _messages(module, data, name, **options):
            check_message(message)
            count += 1
    except FormatError as exc:
        assert exc.path is not None and exc.path.startswith(name), f"names no file: {exc!r}"
    return count


def _messages(module: ModuleType, data: bytes, name: str, **options: Any) -> Iterator[Message]:
    """The module's messages as they come (parse_bytes lists them all first)."""
    reading = Reading(None, ignore_skip, Options(**options))
    return registry.messages(module.FORMATS[-1], io.BytesIO(data), name=name, reading=reading)


def seeds(folder: str, *names: str) -> list[bytes]:
    """The synthetic exports of tests/data/FOLDER (all files, or the ones named)."""
    paths = [DATA / folder / n for n in names] or sorted(
        p for p in (DATA / folder).rglob("*") if p.is_file()
    )
    return [p.read_bytes() for p in paths]
