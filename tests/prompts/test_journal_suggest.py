"""`tarry write` on a terminal without --prompt offers the top inner-life suggestion."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from tarry.cli import journal as journal_cli
from tarry.declare.people import Person
from tarry.reflect import journal
from tarry.store import Store

from .conftest import AddMoment


class Terminal:
    """Stands in for stdin on a terminal: the editor, not stdin, supplies the text."""

    def isatty(self) -> bool:
        return True


def test_write_on_a_terminal_uses_the_top_suggestion(
    store: Store,
    sam: Person,
    add_moment: AddMoment,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    add_moment(sam, "2026-11-17T20:00:00Z", "feeling", discomfort=8)
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nprintf 'It was the silence.' >> \"$1\"\n")
    editor.chmod(editor.stat().st_mode | stat.S_IEXEC)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.setattr(sys, "stdin", Terminal())
    journal_cli.write(prompt="", tag=[], edit=False)
    [entry] = journal.all_entries(store)
    assert entry.body == "It was the silence."
    assert entry.prompt.startswith(
        ("On Tuesday", "Where in your body", "If the discomfort", "What did")
    )
    out = capsys.readouterr().out
    assert entry.prompt in out.replace("\n", " ")
    assert "because your moment with Sam on Tuesday was rated 8/10 for discomfort" in out
