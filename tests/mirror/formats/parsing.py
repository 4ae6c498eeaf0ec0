"""Shared by the format tests: fixtures, the other projects' corpora, the property check."""

from __future__ import annotations

import io
import json
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


def messages_or_format_error(module: ModuleType, data: bytes) -> None:
    """The property every parser keeps: any input gives valid messages or a FormatError."""
    try:
        for message in module.parse(io.BytesIO(data), name="fuzz"):
            assert isinstance(message, Message)
            assert message.kind in KINDS
            assert isinstance(message.ts, str) and isinstance(message.text, str)
    except FormatError as exc:
        assert exc.path == "fuzz" or "fuzz" in str(exc) or exc.path is None
