"""A library error names a field, what was expected, an example, a step; each shell says them in
its own words: the CLI as the flags of the command that ran, the web app as the form's labels."""

from __future__ import annotations

import click
import typer

from tarry.base.errors import InvalidInput, NotFound, Step
from tarry.cli.errors import flag_for, hint_lines, invoked, quoted
from tarry.cli.main import load
from tarry.web.words import shown

LATE = InvalidInput(
    "9999-12-31 00:00 is more than a day ahead.",
    "Check the year.",
    field="at",
    expected="a time up to now",
    example="yesterday 19:00",
)


def _command(*argv: str) -> tuple[click.Command, click.Command | None]:
    root = typer.main.get_command(load())
    return root, invoked(root, list(argv))


def test_the_cli_names_the_flag_of_the_command_that_ran() -> None:
    root, log = _command("log", "--with", "Sam", "--at", "9999-12-31")
    assert log is not None and log.name == "log"
    assert hint_lines(LATE, log, root) == [
        "Check the year.",
        "--at: a time up to now, e.g. --at 'yesterday 19:00'.",
    ]


def test_a_field_under_another_name_and_a_root_option() -> None:
    root, log = _command("log")
    assert flag_for("people_names", log, root) == "--with"
    assert flag_for("duration_min", log, root) == "--for"
    assert flag_for("home", log, root) == "--home"
    _, mark = _command("commit", "mark", "1", "kept")
    assert flag_for("when", mark, root) == "--date"
    assert flag_for("nothing_like_it", mark, root) is None


def test_a_field_the_command_lacks_is_said_in_words() -> None:
    root, review = _command("review")
    assert hint_lines(LATE, review, root)[-1] == "at: a time up to now, e.g. yesterday 19:00."


def test_a_step_is_a_command_in_the_cli_and_a_link_in_the_browser() -> None:
    missing = NotFound("No person called 'Bo'.", step=Step.LIST_PEOPLE)
    root, log = _command("log")
    assert hint_lines(missing, log, root) == [
        "See `tarry people list`, or add them: `tarry people add NAME`."
    ]
    page = shown(missing)
    assert (page.hint, page.link) == ([], ("See your people.", "/people"))


def test_the_browser_says_the_form_label() -> None:
    page = shown(LATE, {"at": "When"})
    assert page.hint == ["Check the year.", "When: a time up to now, e.g. yesterday 19:00."]
    assert page.field == "at" and "--" not in " ".join(page.hint)


def test_examples_are_quoted_as_a_shell_needs() -> None:
    assert quoted("7") == "7" and quoted("~/tarry-demo") == "~/tarry-demo"
    assert quoted("yesterday 19:00") == "'yesterday 19:00'"


def test_the_cli_end_to_end(cli) -> None:
    assert cli("people", "add", "Sam").code == 0
    result = cli("log", "--with", "Sam", "--at", "9999-12-31")
    assert result.code == 2
    assert result.stderr.splitlines() == [
        "error: 9999-12-31 00:00 is more than a day ahead.",
        "Check the year.",
        "--at: a time up to now, e.g. --at 'yesterday 19:00'.",
    ]
    nobody = cli("log", "--with", "Bo")
    assert "See `tarry people list`" in nobody.stderr
