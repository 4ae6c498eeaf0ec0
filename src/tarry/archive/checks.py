"""What each restored value must be, so that a restored store works with every command.

SQLite takes any value in any column, and a CHECK such as `duration_min > 0` lets the text 'abc'
through (text sorts after numbers), so an export document edited by hand, damaged, or made by
someone else could restore a store that `tarry review` then fails on. Before `import-backup`
writes anything, each value is checked against its column: the declared type (whole numbers in
64 bits, finite reals, text); a time (columns named `at`, `ts` or `..._at`) in ISO 8601 between
1970 and 9998; the bounds and choices tarry's own commands enforce (durations, cadences, costs,
value domains, practices, commitment rules, mirror labels). The first value that does not fit is
named by table, row and column.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from tarry.base.errors import FormatError, InvalidInput
from tarry.commit.commitments import MAX_DURATION_MIN
from tarry.commit.recurrence import check_rule
from tarry.declare.people import MAX_CADENCE_DAYS
from tarry.declare.practices import KEYS
from tarry.declare.values import DOMAINS
from tarry.mirror.moves import MOVES
from tarry.reflect.moments import MAX_MOMENT_MIN
from tarry.reflect.tradeoffs import MAX_COST_HOURS

Check = Callable[[Any], str | None]  # a value -> what is wrong with it, or None
FIRST_YEAR, LAST_YEAR = 1970, 9998  # the years tarry's clock and weeks handle


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
    if "INT" in declared:
        return _integer
    if any(word in declared for word in ("CHAR", "CLOB", "TEXT")):
        return _text
    if any(word in declared for word in ("REAL", "FLOA", "DOUB")):
        return _real
    return lambda value: None  # BLOB or untyped: anything


def _integer(value: Any) -> str | None:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int):
        return f"expected a whole number, got {value!r}"
    return None if -(2**63) <= value < 2**63 else f"{value} is beyond a 64-bit integer"


def _real(value: Any) -> str | None:
    if not isinstance(value, int | float) or not math.isfinite(value):
        return f"expected a number, got {value!r}"
    return None


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"expected text, got {value!r}"


def _between(low: float, high: float) -> Check:
    def check(value: Any) -> str | None:
        return None if low <= value <= high else f"{value} is outside {low} to {high}"

    return check


def _time(value: Any) -> str | None:
    try:
        year = datetime.fromisoformat(value).year
    except (TypeError, ValueError):
        return f"expected a time like 2026-11-19T20:00:00+00:00, got {value!r}"
    return None if FIRST_YEAR <= year <= LAST_YEAR else f"{value!r} is before 1970 or after 9998"


def _wall_time(value: Any) -> str | None:
    """A commitment's times are local wall times, kept without a zone."""
    try:
        zoned = datetime.fromisoformat(value).tzinfo is not None
    except (TypeError, ValueError):
        zoned = False  # _time has said what is wrong
    return f"expected a local time without a zone, got {value!r}" if zoned else None


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


def _sure(value: Any) -> str | None:
    known = (*MOVES, "none", "fact", "thought", "feeling")
    unknown = [m for m in str(value).split(",") if m and m not in known]
    return f"unknown labels {unknown}" if unknown else None


def _named(value: Any) -> str | None:
    return None if str(value).strip() else "a name cannot be blank"


def _one_of(choices: tuple[str, ...] | list[str], what: str) -> Check:
    def check(value: Any) -> str | None:
        return None if value in choices else f"{value!r} is not {what} ({', '.join(choices)})"

    return check


def _evidence(value: Any) -> str | None:
    try:
        ok = isinstance(json.loads(value), dict)
    except (TypeError, ValueError):
        ok = False
    return None if ok else f"expected a JSON object, got {str(value)[:60]!r}"


_PRACTICE = (_one_of(KEYS, "a practice"),)
SPECIAL: dict[tuple[str, str], tuple[Check, ...]] = {
    ("people", "name"): (_named,),
    ("aliases", "alias"): (_named,),
    ("value_ratings", "domain"): (_one_of(list(DOMAINS), "a value domain"),),
    ("commitment_practices", "practice"): _PRACTICE,
    ("tradeoff_practices", "practice"): _PRACTICE,
    ("moment_practices", "practice"): _PRACTICE,
    ("commitments", "rrule"): (_rule,),
    ("commitments", "starts_at"): (_wall_time,),
    ("occurrences", "scheduled_at"): (_wall_time,),
    ("commitments", "duration_min"): (_between(1, MAX_DURATION_MIN),),
    ("moments", "duration_min"): (_between(0, MAX_MOMENT_MIN),),
    ("people", "cadence_days"): (_between(0, MAX_CADENCE_DAYS),),
    ("tradeoffs", "cost_hours"): (_between(0, MAX_COST_HOURS),),
    ("message_days", "day"): (
        _between(date(FIRST_YEAR, 1, 1).toordinal(), date(LAST_YEAR, 12, 31).toordinal()),
    ),
    ("message_labels", "moves"): (_moves,),
    ("message_labels", "evidence"): (_evidence,),
    ("message_labels", "scores"): (_evidence,),
    ("message_labels", "sure"): (_sure,),
}
