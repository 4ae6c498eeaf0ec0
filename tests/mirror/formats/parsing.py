"""Shared by the format tests: fixtures, the other projects' corpora, the property check."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tarry.base.errors import FormatError
from tarry.mirror.formats import KINDS, Message

DATA = Path(__file__).parents[2] / "data"
CORPORA = Path(__file__).parents[4] / "shared" / "corpora"


def fixture(*parts: str) -> Path:
    return DATA.joinpath(*parts)


def parse_file(module: ModuleType, path: Path, **options: Any) -> list[Message]:
    with path.open("rb") as fp:
        return list(module.parse(fp, name=path.name, **options))


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
        for message in module.parse(io.BytesIO(data), name=name, **options):
            check_message(message)
            count += 1
    except FormatError as exc:
        assert exc.path is not None and exc.path.startswith(name), f"names no file: {exc!r}"
    return count


def seeds(folder: str, *names: str) -> list[bytes]:
    """The synthetic exports of tests/data/FOLDER (all files, or the ones named)."""
    paths = [DATA / folder / n for n in names] or sorted(
        p for p in (DATA / folder).rglob("*") if p.is_file()
    )
    return [p.read_bytes() for p in paths]
