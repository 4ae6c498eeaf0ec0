"""`tarry export-csv`: one table as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tarry.archive import csv_export
from tarry.cli.common import err_console, open_store, warn_plain_text


def export_csv(
    table: str = typer.Argument(
        ..., metavar="TABLE", help="moments, entries, messages, people ..."
    ),
    output: Path = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout."
    ),
) -> None:
    """Export one table as CSV; cells that a spreadsheet would run as formulas are neutralised."""
    with open_store() as store:
        if output is None:
            csv_export.export_table(store, table, sys.stdout)
            return
        count = csv_export.export_table_file(store, table, output)
        encrypted = store.encrypted
    err_console.print(
        f"Exported {count} rows of {table} to {output}.", soft_wrap=True, markup=False
    )
    warn_plain_text(encrypted, "The CSV")


def register(app: typer.Typer) -> None:
    app.command("export-csv")(export_csv)
