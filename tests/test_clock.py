"""Time in one place: ISO weeks, with clear errors for weeks that do not exist."""

from __future__ import annotations

from datetime import date

import pytest

from tarry import clock
from tarry.errors import InvalidInput


def test_week_bounds() -> None:
    start, end = clock.week_bounds("2026-W47")
    assert (start.date(), end.date()) == (date(2026, 11, 16), date(2026, 11, 23))
    assert clock.week_bounds("2020-w53")[0].date() == date(2020, 12, 28)


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("9999-W52", "out of range"),
        ("0001-W01", "out of range"),
        ("2025-W53", "There is no week 53 in 2025"),
        ("2026-W00", "There is no week 0 in 2026"),
        ("last week", "Cannot read the week"),
        ("2026-Wxx", "Cannot read the week"),
    ],
)
def test_impossible_weeks_are_clear_errors(week: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        clock.week_bounds(week)


def test_review_of_a_week_out_of_range_exits_2(cli) -> None:
    result = cli("review", "--week", "9999-W52")
    assert result.code == 2 and "out of range" in result.stderr and "Traceback" not in result.stderr
