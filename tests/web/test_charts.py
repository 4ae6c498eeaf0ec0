"""The SVG charts: round ticks with units, a legend only when it is needed, a year heatmap."""

from __future__ import annotations

import re
from datetime import date

from tarry.review.year import Year
from tarry.web import charts


def test_ticks_are_round_and_reach_the_top() -> None:
    assert charts.nice_ticks(48.5) == [0, 20, 40, 60]
    assert charts.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(100) == [0, 25, 50, 75, 100]
    assert charts.nice_ticks(0.3) == [0, 0.1, 0.2, 0.3]
    assert charts.nice_ticks(0) == [0, 1]


def test_one_series_has_no_legend_and_ticks_carry_the_unit() -> None:
    one = str(charts.bars("Hours this week", ["moments", "kept"], {"hours": [7.7, 1.1]}, unit="h"))
    assert '<figcaption aria-hidden="true">Hours this week</figcaption>' in one
    assert 'role="img" aria-label="Hours this week"' in one
    assert re.findall(r'class="tick"[^>]*>([^<]+)<', one)[:3] == ["0h", "2h", "4h"]
    assert 'class="label"' not in one  # no legend for a single series
    assert ">7.7h</text>" in one  # the value written on its bar
    two = str(charts.lines("Hours", ["W1", "W2"], {"work": [1, 2], "connection": [2, None]}))
    assert re.findall(r'class="label"[^>]*>([^<]+)<', two) == ["work", "connection"]
    assert "<title>connection, W2" not in two  # a gap is no point


def test_a_year_of_days_as_a_heatmap() -> None:
    year = Year(
        date(2026, 11, 2), date(2026, 11, 19), {date(2026, 11, 3): 1, date(2026, 11, 4): 6}, 6
    )
    assert [year.level(date(2026, 11, d)) for d in (2, 3, 4)] == [0, 1, 4]
    assert year.active_days == 2 and len(year.weeks()) == 3 and year.weeks()[-1][-1] is None
    drawn = str(charts.heatmap("Practice days", year))
    assert drawn.count('class="heat l') == 18 + 5  # a cell per day, and the key
    assert "<title>Wed 04 Nov 2026: 6 practices</title>" in drawn
    assert "<title>Mon 02 Nov 2026: nothing</title>" in drawn


def test_a_ring_shows_the_share_and_its_trend() -> None:
    drawn = str(charts.ring("Strength of contact with Sam", 0.72, 0.07))
    assert ">72%</text>" in drawn and ">↑ 7 pts</text>" in drawn
    assert ">↓ 10 pts</text>" in str(charts.ring("x", 0.2, -0.1))
