"""The report's small unicode charts."""

from __future__ import annotations

from tarry.mirror.report import bar, minutes, percent, sparkline


def test_sparkline_scales_to_the_largest_or_a_given_top() -> None:
    assert sparkline([0, 1, 2, 4]) == "▁▃▅█"  # index round(v / top * 7)
    assert sparkline([3, None, 1.5], top=3) == "█ ▅"
    assert sparkline([]) == ""


def test_bar_percent_minutes() -> None:
    assert bar(0.25, width=8) == "██······"
    assert bar(1.5, width=4) == "████"
    assert (percent(None), percent(0.333)) == ("–", "33%")
    assert [minutes(m) for m in (None, 4, 150, 4320)] == ["–", "4 min", "2.5 h", "3.0 d"]
