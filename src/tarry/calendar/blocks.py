"""Time blocks as the calendar import stores them: reading them, listing calendars, forgetting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from tarry.base import clock
from tarry.base.errors import NotFound, Step
from tarry.calendar import local
from tarry.store import Store


@dataclass(slots=True)
class TimeBlock:
    id: int
    key: str
    calendar: str
    summary: str
    description: str
    location: str
    attendees: list[str]
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    floating: bool

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "calendar": self.calendar,
            "summary": self.summary,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat(),
            "all_day": self.all_day,
            "attendees": self.attendees,
            "location": self.location,
        }


def _when(text: str, zone: tzinfo | None) -> datetime:
    # fromisoformat, not clock.from_text: ten times faster, and the stored form is fixed.
    return local.to_local(datetime.fromisoformat(text), zone)


def _from_row(row: Any, zone: tzinfo | None = None) -> TimeBlock:
    # By position, in COLUMNS order: many thousands of rows are read at once.
    (id_, key, calendar, summary, description, location, attendees, starts, ends, all_day,
     floating) = tuple(row)  # fmt: skip
    people = attendees.split("\n") if attendees else []
    starts_at, ends_at = _when(starts, zone), _when(ends, zone)
    return TimeBlock(id_, key, calendar, summary, description, location, people, starts_at,
                     ends_at, bool(all_day), bool(floating))  # fmt: skip


COLUMNS = (
    "id, key, calendar, summary, description, location, attendees, starts_at, ends_at,"
    " all_day, floating"
)


def between(
    store: Store, start: datetime | None = None, end: datetime | None = None
) -> list[TimeBlock]:
    """Blocks that overlap [start, end) (all of them without bounds), by start time."""
    low = clock.to_text(start) if start else "0000"
    high = clock.to_text(end) if end else "9999"
    rows = store.query(
        f"SELECT {COLUMNS} FROM time_blocks WHERE starts_at < ? AND ends_at > ?"
        " OR (starts_at = ends_at AND starts_at >= ? AND starts_at < ?)"
        " ORDER BY starts_at, id",
        (high, low, low, high),
    )
    zone = local.zone()
    return [_from_row(r, zone) for r in rows]


def calendars(store: Store) -> list[dict[str, Any]]:
    """Each imported calendar with its number of blocks and first and last start."""
    rows = store.query(
        "SELECT calendar, COUNT(*) AS blocks, MIN(starts_at) AS first, MAX(starts_at) AS last"
        " FROM time_blocks GROUP BY calendar ORDER BY calendar"
    )
    return [dict(r) for r in rows]


def forget(store: Store, calendar: str) -> int:
    """Remove every block of one imported calendar; returns how many."""
    with store.tx():
        removed = store.execute("DELETE FROM time_blocks WHERE calendar = ?", (calendar,)).rowcount
    if not removed:
        raise NotFound(f"No imported calendar called {calendar!r}.", step=Step.LIST_CALENDARS)
    return int(removed)
