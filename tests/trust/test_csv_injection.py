"""Scenario 7: CSV export neutralises formula injection (=, +, -, @, tab, CR at a field's start)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tarry.archive import csv_export
from tarry.declare import people
from tarry.store import Store

HOSTILE = [
    '=HYPERLINK("http://evil.invalid","click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_fields_are_neutralised(store: Store, text: str) -> None:
    store.execute(
        "INSERT INTO entries (at, prompt, body) VALUES ('2026-11-18T20:00:00Z', '', ?)", (text,)
    )
    out = io.StringIO()
    assert csv_export.export_table(store, "entries", out) == 1
    header, row = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    body = row[header.index("body")]
    assert body == "'" + text  # shown as text by spreadsheets, the words kept
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row)


def test_safe_values_are_unchanged(store: Store) -> None:
    store.execute(
        "INSERT INTO tradeoffs (at, chose, over, direction, cost_hours, note)"
        " VALUES ('2026-11-18T20:00:00Z', 'dinner = talk', 'work', 'toward', 1.5, 'a, \"quoted\"')"
    )
    out = io.StringIO()
    csv_export.export_table(store, "tradeoffs", out)
    header, row = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert row[header.index("chose")] == "dinner = talk"
    assert row[header.index("cost_hours")] == "1.5"
    assert csv_export.neutralise(-1.5) == -1.5  # numbers are not formulas: left as they are
    assert row[header.index("note")] == 'a, "quoted"'


def test_export_csv_command(cli: object, store: Store, tmp_path: Path) -> None:
    people.add(store, "=cmd|' /C calc'!A0")
    target = tmp_path / "people.csv"
    done = cli("export-csv", "people", "--output", str(target))  # type: ignore[operator]
    assert done.code == 0
    rows = list(csv.reader(target.open(newline="", encoding="utf-8")))
    assert rows[1][rows[0].index("name")] == "'=cmd|' /C calc'!A0"
    missing = cli("export-csv", "nowhere")  # type: ignore[operator]
    assert missing.code == 2 and "No table 'nowhere'" in missing.stderr
