"""What a person typed, or a file they imported, is shown as written: the CLI prints with Rich
markup, and square brackets in a name, a title, a rule or a chat author are text, never markup
("[/b]" stopped `people add` and `people list` with a traceback; "[red]" vanished)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tarry.calendar import rules
from tarry.declare import people
from tarry.reflect import moments
from tarry.store import Store

NAME = "Al [/b] [red]x"
BRACKETED = "[/i] Sync [Ss]tandup"


@pytest.fixture
def bracketed(store: Store, tmp_path: Path) -> Path:
    """A store holding bracketed text (written through the library, so each command is tried
    on its own), and a chat export whose authors have brackets."""
    people.add(store, NAME, cadence_days=7)
    # seen on 1 November, every 7 days wanted: drifting
    moments.log(store, [NAME], at=datetime(2026, 11, 1, 10, tzinfo=UTC), note="[b]tea")
    rules.add(store, "work", "keyword", BRACKETED)
    chat = tmp_path / "chat.txt"
    chat.write_text(
        f"25/03/2026, 09:00 - {NAME}: hi\n25/03/2026, 09:01 - Me [me]: hello\n", encoding="utf-8"
    )
    return chat


def test_adding_a_person_says_their_name(cli, home: Path) -> None:
    added = cli("people", "add", NAME)
    assert added.code == 0, added.stderr
    assert f"Added {NAME}" in added.stdout


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        (["people", "list"], NAME),
        (["people", "edit", NAME, "--every", "8"], NAME),
        (["calendar", "rules"], "[Ss]tandup"),
        (["moments", "list"], "[b]tea"),
        (["calendar", "rules", "remove", "1"], BRACKETED),
        (["drift"], NAME),
    ],
)
def test_brackets_are_shown_as_written(cli, bracketed: Path, command: list[str], shown: str):
    result = cli(*command)
    assert result.code == 0, result.stderr
    assert shown in " ".join(result.stdout.replace("│", " ").split())


def test_an_imported_chat_author_in_brackets(cli, bracketed: Path) -> None:
    result = cli("import", "chat", str(bracketed), "--person", NAME, "--me", "Me [me]")
    assert result.code == 0, result.stderr
    table = " ".join(result.stdout.replace("│", " ").split())
    assert NAME in table and "Me [me]" in table


def test_an_error_naming_bracketed_text_says_it(cli, home: Path, tmp_path: Path) -> None:
    """The error handler prints what the error names as text (it stopped with a traceback)."""
    unknown = cli("mirror", "report", "--person", NAME)
    assert unknown.code == 2
    assert f"No person called '{NAME}'" in unknown.stderr
    missing = cli("import", "chat", str(tmp_path / "chat [1].txt"), "--person", NAME)
    assert missing.code == 2 and "chat [1].txt" in missing.stderr


def test_a_file_named_with_brackets(cli, home: Path, tmp_path: Path) -> None:
    gold = tmp_path / "gold [v2].jsonl"
    gold.write_text('{"id": 1, "text": "hi", "context": [], "gold": {"moves": []}}\n')
    scored = cli("mirror", "eval", str(gold))
    assert scored.code == 0 and "[v2].jsonl" in scored.stdout
    calendar = tmp_path / "home [old].ics"
    calendar.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nX-WR-CALNAME:Work [old]\r\n"
        "BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20261101T000000Z\r\nDTSTART:20261102T090000Z\r\n"
        "DTEND:20261102T100000Z\r\nSUMMARY:[/b] standup\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    imported = cli("import", "calendar", str(calendar))
    assert imported.code == 0, imported.stderr
    assert "Work [old]" in imported.stdout or "home [old]" in imported.stdout
    listed = " ".join(cli("calendar", "classify", "--all").stdout.split())
    assert "[/b] standup" in listed


ESCAPES = "Esc\x1b[31mRED\x1b]0;title\x07"


def test_control_characters_never_reach_the_terminal(cli, home: Path, tmp_path: Path) -> None:
    """A name, or an imported message, holding escape sequences is printed with them shown
    ("␛[31m"), never as a colour, a window title or a bell, in tables, reports and search."""
    added = cli("people", "add", ESCAPES)
    assert added.code == 0 and "Esc␛[31mRED␛]0;title␇" in added.stdout
    chat = tmp_path / "chat.txt"
    chat.write_text(
        f"25/03/2026, 09:00 - {ESCAPES}: i feel so alone \x1b[2J since the move\n"
        "25/03/2026, 09:01 - Me: that sounds so lonely, what happened?\n",
        encoding="utf-8",
    )
    imported = cli("import", "chat", str(chat), "--person", ESCAPES, "--me", "Me")
    assert imported.code == 0, imported.stderr
    for command in (
        ["people", "list"],
        ["import", "chat", str(chat), "--person", ESCAPES, "--me", "Me"],
        ["mirror", "report", "--person", ESCAPES],
        ["search", "alone"],
    ):
        shown = cli(*command)
        assert shown.code == 0, (command, shown.stderr)
        assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout, command
        assert "␛" in shown.stdout, command
