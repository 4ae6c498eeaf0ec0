"""The restore checks one by one: bounds are inclusive, choices are named, types follow SQLite's
affinity rules. (test_archive.py checks them through whole documents; the checks built once at
import are called here too, so that each is exercised on its own.)"""

from __future__ import annotations

import pytest

from tarry.archive import checks
from tarry.base.errors import FormatError
from tarry.store import Store


@pytest.mark.parametrize(
    ("table", "column", "good", "bad", "message"),
    [
        ("moments", "duration_min", [0, 1440], [-1, 1441], "is outside 0 to 1440"),
        ("commitments", "duration_min", [1, 1440], [0, 1441], "is outside 1 to 1440"),
        ("people", "cadence_days", [0, 0.5, 3650], [-0.5, 3650.5], "is outside 0 to 3650"),
        ("tradeoffs", "cost_hours", [0, 168], [-1, 168.25], "is outside 0 to 168"),
        (
            "value_ratings",
            "domain",
            ["family", "intimate"],
            ["Family", ""],
            "is not a value domain",
        ),
        (
            "moment_practices",
            "practice",
            ["depth", "inner"],
            ["deep", "Depth"],
            "is not a practice",
        ),
    ],
)
def test_bounds_are_inclusive_and_choices_exact(
    store: Store, table: str, column: str, good: list[object], bad: list[object], message: str
) -> None:
    for value in good:
        checks.check_rows(store.conn, table, [column], [[value]], "doc.json")
    for value in bad:
        with pytest.raises(
            FormatError, match=f"table '{table}', row 1, column '{column}': .*{message}"
        ):
            checks.check_rows(store.conn, table, [column], [[value]], "doc.json")


def test_the_first_bad_value_is_named_by_its_row(store: Store) -> None:
    rows = [[30], [None], [45], [-5], [-6]]
    with pytest.raises(FormatError) as caught:
        checks.check_rows(store.conn, "moments", ["duration_min"], rows, "doc.json")
    assert caught.value.path == "doc.json"
    assert (
        caught.value.message
        == "doc.json: table 'moments', row 4, column 'duration_min': -5 is outside 0 to 1440."
    )
    assert caught.value.hint == "Fix the value or export again; nothing was imported."


def test_the_check_builders() -> None:
    between = checks._between(1, 3)
    assert [between(v) for v in (1, 2, 3)] == [None, None, None]
    assert (between(0), between(4)) == ("0 is outside 1 to 3", "4 is outside 1 to 3")
    one_of = checks._one_of(("a", "b"), "a letter")
    assert one_of("a") is None and one_of("b") is None
    assert one_of("c") == "'c' is not a letter (a, b)"


@pytest.mark.parametrize(
    ("declared", "good", "bad"),
    [
        ("INTEGER", [0, -(2**63), 2**63 - 1, 3.0], [2**63, -(2**63) - 1, 1.5, "1", None]),
        ("CLOB", ["x"], [1]),
        ("FLOAT", [1.5], ["x"]),
        ("BIGINT", [7], ["7"]),
        ("TEXT", ["", "x"], [1, 1.5]),
        ("VARCHAR(10)", ["x"], [1]),
        ("REAL", [1, 1.5, -0.0], ["1", float("inf"), float("nan")]),
        ("DOUBLE", [2.5], ["x"]),
        ("BLOB", [b"x", "x", 1], []),
        ("", ["anything", 1], []),
    ],
)
def test_types_follow_sqlite_affinity(declared: str, good: list[object], bad: list[object]) -> None:
    check = checks._type_check(declared)
    assert [check(v) for v in good] == [None] * len(good)
    assert all(check(v) for v in bad), [check(v) for v in bad]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2026-11-19T20:00:00+00:00", None),
        ("1970-01-01", None),
        ("9998-12-31T23:59:59", None),
        ("1969-12-31T23:59:59", "'1969-12-31T23:59:59' is before 1970 or after 9998"),
        ("9999-01-01", "'9999-01-01' is before 1970 or after 9998"),
        ("soon", "expected a time like 2026-11-19T20:00:00+00:00, got 'soon'"),
        (5, "expected a time like 2026-11-19T20:00:00+00:00, got 5"),
    ],
)
def test_times(value: object, problem: str | None) -> None:
    assert checks._time(value) == problem


def test_wall_times_rules_moves_and_evidence() -> None:
    assert checks._wall_time("2026-11-19T20:00:00") is None
    assert checks._wall_time("nonsense") is None  # _time says what is wrong with it
    assert "without a zone" in (checks._wall_time("2026-11-19T20:00:00+01:00") or "")
    assert checks._rule("FREQ=WEEKLY;BYDAY=TU") is None
    assert checks._rule(7) == "expected a rule, got 7"
    assert checks._moves("validate,explore") is None and checks._moves("") is None
    assert checks._moves("validate,hug,kiss") == "unknown moves ['hug', 'kiss']"
    assert checks._evidence('{"a": ["b"]}') is None
    assert checks._evidence("[]") == "expected a JSON object, got '[]'"
    assert checks._named(" x ") is None and checks._named(" ") == "a name cannot be blank"
    assert checks.checks_for("moments", "at", "TEXT")[1] is checks._time
    assert checks.checks_for("messages", "ts", "TEXT")[1] is checks._time
    assert checks._evidence("[" * 70) == f"expected a JSON object, got {'[' * 60!r}"
    assert checks.checks_for("commitments", "created_at", "TEXT")[1] is checks._time
    assert len(checks.checks_for("moments", "note", "TEXT")) == 1
