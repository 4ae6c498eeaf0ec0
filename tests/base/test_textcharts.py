"""Small Unicode charts for the terminal and Markdown."""

from __future__ import annotations

from tarry.base.textcharts import bar, signed, sparkline


def test_sparkline_on_a_fixed_scale_with_gaps() -> None:
    assert sparkline([0.0, 0.5, 1.0, None, 0.99]) == "▁▅█ █"
    assert sparkline([1, 4, 7], low=1, high=7) == "▁▅█"
    assert sparkline([-1.0, 2.0]) == "▁█"  # clipped to the scale
    assert sparkline([]) == ""


def test_bar_in_eighths() -> None:
    assert bar(10, 10, width=4) == "████"
    assert bar(5, 10, width=4) == "██"
    assert bar(1, 10, width=4) == "▍"  # 3.2 eighths of a cell, rounded to 3
    assert bar(0, 10) == "" and bar(3, 0) == ""


def test_signed_changes() -> None:
    assert [signed(0.123), signed(-0.05), signed(-0.001), signed(None)] == [
        "+0.12",
        "-0.05",
        "0.00",
        "n/a",
    ]
    assert signed(1.0, digits=1) == "+1.0"
