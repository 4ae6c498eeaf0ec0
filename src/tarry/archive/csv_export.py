"""CSV export of one table, safe to open in a spreadsheet (formula injection neutralised).

A text field starting with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a
formula by Excel, LibreOffice or Google Sheets (OWASP "CSV injection"); such fields are written
with a leading apostrophe, which spreadsheets show as text. Numbers stay numbers.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any

from tarry.archive import document as archive
from tarry.base import outputs
from tarry.base.errors import NotFound
from tarry.store import Store

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The value as a spreadsheet should receive it: risky text gets a leading apostrophe."""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def table_names(store: Store) -> list[str]:
    return archive.tables(store.conn)


def export_table(store: Store, table: str, out: IO[str]) -> int:
    """Write `table` as CSV (header, then rows in primary-key order); returns the row count."""
    if table not in table_names(store):
        raise NotFound(
            f"No table {table!r} to export.", f"Tables: {', '.join(table_names(store))}."
        )
    names = archive.columns(store.conn, table)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    count = 0
    for row in store.conn.execute(f"SELECT * FROM {archive.quote(table)} ORDER BY rowid"):
        writer.writerow([neutralise(v) for v in row])
        count += 1
    return count


def export_table_file(store: Store, table: str, path: Path) -> int:
    """Export to `path`, private (0600) and whole or not at all."""
    with outputs.output(path, newline="") as out:
        return export_table(store, table, out)
