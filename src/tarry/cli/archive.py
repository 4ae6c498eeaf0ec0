"""`tarry export` and `tarry import-backup`: everything in one versioned JSON document."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from tarry.cli.common import console, err_console, open_store, warn_plain_text


def export(
    as_json: bool = typer.Option(
        True, "--json", show_default=False, help="Write JSON (the one format; optional)."
    ),
    output: Path = typer.Option(
        None, "--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout."
    ),
) -> None:
    """Export everything in the store as one versioned JSON document."""
    from tarry.archive import document as archive

    with open_store() as store:
        if output is None:
            archive.export(store, sys.stdout)
            return
        counts = archive.export_file(store, output)
        encrypted = store.encrypted
    err_console.print(
        f"Exported {sum(counts.values())} rows from {len(counts)} tables to {output}.",
        markup=False,
    )
    warn_plain_text(encrypted, "The export")


def import_backup(
    file: Path = typer.Argument(..., metavar="FILE", help="A file written by `tarry export`."),
) -> None:
    """Restore an export into an empty store, exactly; all or nothing."""
    from tarry.archive import document as archive

    with open_store() as store:
        counts = archive.import_backup(store, file)
        where = store.path
    console.print(f"Restored {sum(counts.values())} rows from {file} into {where}.", markup=False)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
    app.command("import-backup")(import_backup)
