"""Docs are tested: every command has help text and appears in docs/cli.md, which is current."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarry.cli import docs

COMMANDS = list(docs.walk(docs.root()))


def test_the_tree_is_walked() -> None:
    paths = [path for path, _, _ in COMMANDS]
    assert paths[0] == "tarry"
    for expected in ("tarry people add", "tarry review", "tarry search", "tarry export"):
        assert expected in paths


@pytest.mark.parametrize(("path", "command", "ctx"), COMMANDS, ids=[p for p, _, _ in COMMANDS])
def test_every_command_has_help_and_is_documented(path: str, command: object, ctx: object) -> None:
    text = (getattr(command, "help", None) or "").strip()
    assert text, f"`{path}` has no help text: add a docstring or help=, then {docs.REGENERATE}"
    reference = docs.DOCS.read_text(encoding="utf-8") if docs.DOCS.exists() else ""
    assert f"\n## {path}\n" in reference, f"`{path}` is missing from docs/cli.md: {docs.REGENERATE}"


def test_every_option_and_argument_has_help() -> None:
    missing = [
        f"{path} {param.name}"
        for path, command, _ in COMMANDS
        for param in getattr(command, "params", [])
        if not getattr(param, "help", None) and not getattr(param, "hidden", False)
    ]
    assert missing == [], f"Parameters without help: {missing}; add help=, then {docs.REGENERATE}"


def test_the_reference_is_current() -> None:
    current = docs.DOCS.read_text(encoding="utf-8") if docs.DOCS.exists() else ""
    assert current == docs.render(), f"docs/cli.md is out of date: {docs.REGENERATE}"


def test_check_mode_says_how_to_regenerate(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "cli.md"
    stale.write_text("# old\n")
    monkeypatch.setattr(docs, "DOCS", stale)
    assert docs.main(["--check"]) == 1
    assert "run `python -m tarry.cli.docs` to regenerate" in capsys.readouterr().err
    assert docs.main([]) == 0 and docs.main(["--check"]) == 0
    assert stale.read_text() == docs.render()


def test_help_shows_brackets_as_written() -> None:
    # Typer escapes them for Rich even when help is plain text: "\[required]" (cli/main.py)
    text = docs.render()
    assert "[required]" in text and "[default: " in text
    assert "\\[" not in text
