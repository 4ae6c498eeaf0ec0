"""bench/chatgen.py's exports parse to exactly what its manifest and expected records say."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from tarry.mirror.formats import whatsapp


def _chatgen() -> ModuleType:
    path = Path(__file__).parents[2] / "bench" / "chatgen.py"
    spec = importlib.util.spec_from_file_location("chatgen", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["chatgen"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


chatgen = _chatgen()
CASES = [(p, loc, False) for loc in sorted(chatgen.LOCALES) for p in ("android", "ios")]


@pytest.mark.parametrize(("platform", "locale", "crlf"), [*CASES, ("ios", "es", True)])
def test_generated_export_matches_its_manifest(
    tmp_path: Path, platform: str, locale: str, crlf: bool
) -> None:
    out, expect = tmp_path / "chat.txt", tmp_path / "expect.jsonl"
    manifest = chatgen.write(
        out, 1500, platform, locale, crlf=crlf, seed=7, expect=expect, traps=True
    )
    with out.open("rb") as fp:
        messages = list(whatsapp.parse(fp, name=out.name))
    assert len(messages) == manifest["messages"] == 1500
    assert dict(Counter(m.kind for m in messages)) == manifest["kinds"]
    assert dict(Counter(m.author for m in messages)) == manifest["authors"]
    assert sum("\n" in m.text for m in messages) == manifest["multiline"] > 0
    assert manifest["header_like_body_lines"] > 0
    expected = [json.loads(line) for line in expect.read_text(encoding="utf-8").splitlines()]
    assert [m.to_dict() for m in messages] == expected


def test_the_traps_are_there(tmp_path: Path) -> None:
    """The generator really writes the traps it promises (else the test above proves little)."""
    out = tmp_path / "chat.txt"
    chatgen.write(out, 3000, "ios", "en_US", crlf=True, seed=7, expect=None, traps=True)
    raw = out.read_bytes()
    text = raw.decode()
    assert b"\r\n" in raw and "\u200e[" in text and "\u202fPM" in text
    assert "13/31/20" in text  # a header-like body line with month 13
    assert "image omitted" in text and "This message was deleted" in text
    assert "<This message was edited>" in text and "😊" in text
