"""The time audit: hours per domain, the connection target, collisions with work, the trend."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarry.base import clock
from tarry.base.errors import InvalidInput
from tarry.calendar import audit
from tarry.calendar.ics_import import import_calendar
from tarry.commit import commitments
from tarry.store import Store

DATA = Path(__file__).parents[1] / "data" / "calendar"


@pytest.fixture
def imported(store: Store) -> Store:
    import_calendar(store, DATA / "home.ics")
    return store


def test_week_hours(imported: Store) -> None:
    week = audit.week_hours(imported, *clock.week_bounds("2026-W47"))
    # Work: the workshop (08-10, the standup inside it counts once), the sync, two standups.
    assert week.hours == {"work": 3.75, "connection": 2.0, "solo": 1.0, "other": 0.0}
    assert week.blocks == {"work": 5, "connection": 1, "solo": 1, "other": 1}  # holiday: no hours
    assert (week.week, week.start, week.end) == (
        "2026-W47",
        "2026-11-16T00:00:00+00:00",
        "2026-11-23T00:00:00+00:00",
    )
    assert week.target_hours is None and week.target_met is None and week.collisions == []


def test_blocks_are_clipped_to_the_period(imported: Store) -> None:
    start = clock.parse("2026-11-16T09:00:00+00:00")
    hours = audit.week_hours(imported, start, clock.parse("2026-11-16T09:30:00+00:00")).hours
    assert hours["work"] == 0.5


def test_target_and_collisions(imported: Store) -> None:
    assert audit.set_target(imported, audit.parse_amount("1h30m")) == 1.5
    commitments.add(imported, "Call with Mum", every="thursday 14:30", duration_min=60)
    commitments.add(imported, "Date night", every="tuesday 21:00", duration_min=60)
    week = audit.week_hours(imported, *clock.week_bounds("2026-W47"))
    assert week.target_hours == 1.5 and week.target_met is True
    assert [(c.title, c.scheduled_at, c.status, c.work) for c in week.collisions] == [
        ("Call with Mum", "2026-11-19T14:30:00", "pending", "Project sync")
    ]
    data = week.to_dict()
    assert data["target_met"] is True and data["collisions"][0]["work_starts_at"] == (
        "2026-11-19T14:00:00+00:00"
    )
    assert audit.set_target(imported, None) is None


def test_trend_oldest_first(imported: Store) -> None:
    weeks = audit.trend(imported, 3, last=clock.parse("2026-11-26T10:00:00+00:00"))
    assert [(w.week, w.hours["work"]) for w in weeks] == [
        ("2026-W46", 0.0),
        ("2026-W47", 3.75),
        ("2026-W48", 0.5),  # the two standups left on the 25th and 27th
    ]


@pytest.mark.parametrize(
    ("text", "hours"), [("6h", 6.0), ("90m", 1.5), ("1h30m", 1.5), ("2.5", 2.5), ("45 min", 0.75)]
)
def test_parse_amount(text: str, hours: float) -> None:
    assert audit.parse_amount(text) == hours


@pytest.mark.parametrize("text", ["", "lots", "h"])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(InvalidInput, match="Cannot read the amount"):
        audit.parse_amount(text)


def test_bad_targets_and_trends(store: Store) -> None:
    with pytest.raises(InvalidInput, match="not possible"):
        audit.set_target(store, 200)
    with pytest.raises(InvalidInput, match="Choose 1 to 260 weeks"):
        audit.trend(store, 0)
