"""What each restored value must be, so that a restored store works with every command.

SQLite takes any value in any column, and a CHECK such as `duration_min > 0` lets the text 'abc'
through (text sorts after numbers), so an export document edited by hand, damaged, or made by
someone else could restore a store that `tarry review` then fails on. Before `import-backup`
writes anything, each value is checked against its column: the declared type; a time (columns
named `at`, `ts` or `..._at`) that reads as ISO 8601; a commitment's rule that tarry can expand;
mirror labels it can read. The first value that does not fit is named by table, row and column.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from tarry.errors import FormatError, InvalidInput
from tarry.mirror.moves import MOVES
from tarry.recurrence import check_rule

Check = Callable[[Any], str | None]  # a value -> what is wrong with it, or None


def check_rows(
    conn: sqlite3.Connection, table: str, columns: list[str], rows: list[list[Any]], where: str
) -> None:
    """Raise FormatError at the first value of `rows` that its column cannot hold."""
    query = "SELECT name, type FROM pragma_table_info(?)"
    declared = {name: str(kind) for name, kind in conn.execute(query, (table,))}
    checks = [(n, i, checks_for(table, n, declared[n])) for i, n in enumerate(columns)]
    for number, row in enumerate(rows, 1):
        for name, index, column_checks in checks:
            value = row[index]
            problem = None if value is None else _first_problem(column_checks, value)
            if problem:
                raise FormatError(
                    f"table {table!r}, row {number}, column {name!r}: {problem}.",
                    path=where,
                    hint="Fix the value or export again; nothing was imported.",
                )


def _first_problem(checks: list[Check], value: Any) -> str | None:
    for check in checks:
        problem = check(value)
        if problem:
            return problem
    return None


def checks_for(table: str, column: str, declared: str) -> list[Check]:
    checks = [_type_check(declared.upper())]
    if column in ("at", "ts") or column.endswith("_at"):
        checks.append(_time)
    checks.extend(SPECIAL.get((table, column), ()))
    return checks


def _type_check(declared: str) -> Check:
    """SQLite's type affinity from the declared type (its documented rules, in order)."""
    if "INT" in declared or any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return _number
    if any(word in declared for word in ("CHAR", "CLOB", "TEXT")):
        return _text
    return lambda value: None  # BLOB or untyped: anything


def _number(value: Any) -> str | None:
    return None if isinstance(value, int | float) else f"expected a number, got {value!r}"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"expected text, got {value!r}"


def _time(value: Any) -> str | None:
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return f"expected a time like 2026-11-19T20:00:00+00:00, got {value!r}"
    return None


def _rule(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"expected a rule, got {value!r}"
    try:
        check_rule(value)
    except InvalidInput as exc:
        return f"not a rule tarry can expand ({exc.message})"
    except ValueError:
        return f"not a rule tarry can expand ({value[:60]!r})"
    return None


def _moves(value: Any) -> str | None:
    unknown = [m for m in str(value).split(",") if m and m not in MOVES]
    return f"unknown moves {unknown}" if unknown else None


def _evidence(value: Any) -> str | None:
    try:
        ok = isinstance(json.loads(value), dict)
    except (TypeError, ValueError):
        ok = False
    return None if ok else f"expected a JSON object, got {str(value)[:60]!r}"


SPECIAL: dict[tuple[str, str], tuple[Check, ...]] = {
    ("commitments", "rrule"): (_rule,),
    ("message_labels", "moves"): (_moves,),
    ("message_labels", "evidence"): (_evidence,),
}
