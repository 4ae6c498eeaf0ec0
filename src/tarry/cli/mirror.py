"""`tarry mirror`: look at real conversations. `parse` turns a chat export into JSON Lines."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from tarry.base.source import Source
from tarry.cli.common import err_console
from tarry.mirror import jsonlines
from tarry.mirror.formats import registry
from tarry.mirror.formats.contract import Columns, Options, Reading, day_first

mirror_app = typer.Typer(help="Mirror your real conversations.", no_args_is_help=True)

FORMAT_HELP = f"The export's format ({', '.join(registry.names())}); detected when left out."
CHAT_HELP = "In an export of many chats, only the one with this name."


def format_option() -> str | None:
    return typer.Option(None, "--format", "-f", metavar="FORMAT", help=FORMAT_HELP)


def date_order_option() -> str | None:
    return typer.Option(
        None, "--date-order", metavar="dmy|mdy",
        help="WhatsApp: read dates day-first (dmy) or month-first (mdy) when they could be either.",
    )  # fmt: skip


def csv_columns(
    ts_col: str | None, author_col: str | None, text_col: str | None, ts_format: str | None
) -> Columns | None:
    """CSV column choices from the command line, or None when none were given."""
    if not any((ts_col, author_col, text_col, ts_format)):
        return None
    return Columns(ts_col, author_col, text_col, ts_format)


TS_COL = typer.Option(None, "--ts-col", help="CSV: the timestamp column (name or number).")
AUTHOR_COL = typer.Option(None, "--author-col", help="CSV: the author column (name or number).")
TEXT_COL = typer.Option(None, "--text-col", help="CSV: the text column (name or number).")
DELIMITER = typer.Option(
    None, "--delimiter", help="CSV: the field separator (';', '\\t', ...) when it is not found."
)
TS_FORMAT = typer.Option(
    None, "--ts-format", help="CSV: the timestamp layout in strptime codes, e.g. '%d.%m.%Y %H:%M'."
)


@mirror_app.command("parse")
def parse(
    file: Path = typer.Argument(..., help="The chat export: a file, a zip or a folder."),
    fmt: str | None = format_option(),
    chat: str = typer.Option(None, "--chat", help=CHAT_HELP),
    ts_col: str = TS_COL,
    author_col: str = AUTHOR_COL,
    text_col: str = TEXT_COL,
    ts_format: str = TS_FORMAT,
    delimiter: str = DELIMITER,
    date_order: str | None = date_order_option(),
) -> None:
    """Write the export's messages as JSON Lines {"ts","author","text","kind"}; store nothing."""
    skipped: list[str] = []
    columns = csv_columns(ts_col, author_col, text_col, ts_format)
    options = Options(columns=columns, day_first=day_first(date_order), delimiter=delimiter)

    def skip(where: str, reason: str) -> None:
        skipped.append(f"{where}: {reason}")

    out = sys.stdout.buffer
    try:
        chosen = registry.choose(Source.local(file), fmt)
        plan = None if chat else jsonlines.whatsapp_plan(file, chosen.name, options.day_first)
        if plan is not None:  # a WhatsApp text: its fast path (and two halves when big)
            jsonlines.write_whatsapp(plan, out)
        else:
            with registry.opened(file, chosen, Reading(chat, skip, options)) as export:
                jsonlines.write(export.conversations, out)
    except BrokenPipeError:  # the reader (`| head`) has seen enough; exit quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return
    if skipped:
        err_console.print(f"Skipped {len(skipped)} records:", markup=False)
        for line in skipped[:20]:
            err_console.print(f"  {line}", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(mirror_app, name="mirror")
