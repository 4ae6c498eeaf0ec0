"""`tarry import chat`: store a chat export, with a progress bar and a summary."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from tarry.cli.common import JSON_OPTION, console, err_console, open_store, print_json
from tarry.cli.importing import import_app, max_bytes_option, size
from tarry.cli.mirror import (
    AUTHOR_COL,
    CHAT_HELP,
    DELIMITER,
    TEXT_COL,
    TS_COL,
    TS_FORMAT,
    csv_columns,
    date_order_option,
    format_option,
)
from tarry.mirror.chats import (
    MAX_MESSAGES,
    ImportSummary,
    day_first,
    import_chat,
    message_budget,
)


@import_app.command("chat")
def chat(
    file: Path = typer.Argument(..., help="The chat export: a file, a zip or a folder."),
    fmt: str | None = format_option(),
    person: str = typer.Option(None, "--person", "-p", help="The person on the other side."),
    me: str = typer.Option(None, "--me", help="Your author name in the export (else guessed)."),
    reassign_me: bool = typer.Option(
        False,
        "--reassign-me",
        help="A chat imported before with another --me: make --me you in it and relabel it.",
    ),
    only: str = typer.Option(None, "--chat", help=CHAT_HELP),
    title: str = typer.Option(
        None, "--title", help="Store it under this conversation title (to merge exports)."
    ),
    ts_col: str = TS_COL,
    author_col: str = AUTHOR_COL,
    text_col: str = TEXT_COL,
    ts_format: str = TS_FORMAT,
    delimiter: str = DELIMITER,
    date_order: str | None = date_order_option(),
    max_messages: int = typer.Option(
        MAX_MESSAGES, "--max-messages", metavar="N", help="Most messages one import may add."
    ),
    max_bytes: str = max_bytes_option("1G", "messages"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Import a chat export. Importing it again adds only what is new; all or nothing."""
    columns = csv_columns(ts_col, author_col, text_col, ts_format)
    budget = message_budget(max_messages, size(max_bytes))
    with open_store() as store, _bar() as bar:
        task = bar.add_task("Importing", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        def ask_me(authors: list[str]) -> str | None:
            bar.stop()  # the prompt must not fight the live bar for the terminal
            try:
                return _ask_me(authors)
            finally:
                bar.start()

        ask = ask_me if sys.stdin.isatty() and not as_json else None

        summary = import_chat(
            store,
            file,
            fmt=fmt,
            person=person,
            me=me,
            chat=only,
            title=title,
            columns=columns,
            progress=progress,
            ask_me=ask,
            day_first=day_first(date_order),
            delimiter=delimiter,
            reassign_me=reassign_me,
            budget=budget,
        )
    if as_json:
        print_json(summary.to_dict())
    else:
        render(summary)


def _bar() -> Progress:
    return Progress(
        "{task.description}",
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )


def _ask_me(authors: list[str]) -> str | None:
    err_console.print("Which of these authors are you? " + ", ".join(authors), markup=False)
    answer = typer.prompt("Your name (empty to skip)", default="", show_default=False)
    return answer if answer in authors else None


def render(summary: ImportSummary) -> None:
    """The summary as tables: one per conversation, authors with their counts."""
    for c in summary.conversations:
        console.print(
            f"{c.title} ({summary.format}): {c.messages} messages, {c.new} new, "
            f"{c.already_present} already there; {c.first or '-'} to {c.last or '-'}",
            markup=False,
        )
        table = Table("author", "messages", "is")
        for author, count in c.authors.items():
            role = "you" if c.me and author.casefold() == c.me.casefold() else ""
            table.add_row(escape(author), str(count), role)
        console.print(table)
        if not c.me and c.messages:
            console.print("Could not tell which author is you: import again with --me NAME.")
    if summary.skipped:
        console.print(f"Skipped {summary.skipped} records:", markup=False)
        for record in summary.skipped_records[:20]:
            console.print(f"  {record['where']}: {record['reason']}", markup=False)


def register(app: typer.Typer) -> None:
    """The command attaches itself to `tarry import` when this module is imported."""
