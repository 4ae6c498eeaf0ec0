"""Time in one place: ISO weeks, with clear errors for weeks that do not exist."""

from __future__ import annotations

from datetime import date

import pytest

from tarry.base import clock
from tarry.base.errors import InvalidInput


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


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (0, "0 h"),
        (0.25, "15 min"),
        (2, "2 h"),
        (2.5, "2 h 30 min"),
        (8.33, "8 h 20 min"),  # stored to two decimals: 499.8 minutes, said as 500
        (42.33, "42 h 20 min"),
        (1 / 60 / 3, "0 h"),  # under half a minute
        (168, "168 h"),
        (-1.5, "-1 h 30 min"),
    ],
)
def test_hours_are_said_to_the_minute(hours: float, text: str) -> None:
    assert clock.hours_text(hours) == text
