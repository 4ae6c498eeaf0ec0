"""A year at a glance: how many things happened each day, for a calendar heatmap (like Loop's).

`practice_year`: how many of the six practices were exercised each day (the days strength counts).
`contact_year`: a person's days of contact (moments with them, days of chat).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tarry.base import clock
from tarry.review import strength
from tarry.store import Store

WEEKS = 53


@dataclass
class Year:
    """Counts per day from `start` (a Monday) to `end` (included)."""

    start: date
    end: date
    counts: dict[date, int] = field(default_factory=dict)
    most: int = 1  # the count that fills a cell: 6 practices, or the busiest day

    @property
    def active_days(self) -> int:
        return sum(1 for n in self.counts.values() if n)

    def weeks(self) -> list[list[date | None]]:
        """Columns of Monday..Sunday; days after `end` are None."""
        columns, day = [], self.start
        while day <= self.end:
            columns.append(
                [d if d <= self.end else None for d in (day + timedelta(i) for i in range(7))]
            )
            day += timedelta(days=7)
        return columns

    def level(self, day: date) -> int:
        """0 (nothing) to 4 (the most), as the heatmap shades it."""
        count = self.counts.get(day, 0)
        if not count:
            return 0
        if self.most <= 1:
            return 4
        return min(4, 1 + round(3 * (count - 1) / (self.most - 1)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "active_days": self.active_days,
            "days": {d.isoformat(): n for d, n in sorted(self.counts.items()) if n},
        }


def _window(on: date | None, weeks: int) -> tuple[date, date]:
    end = on or clock.today()
    start = end - timedelta(days=end.weekday()) - timedelta(weeks=weeks - 1)
    return start, end


def practice_year(store: Store, on: date | None = None, weeks: int = WEEKS) -> Year:
    """How many practices were exercised each day of the last `weeks` weeks."""
    start, end = _window(on, weeks)
    counts: dict[date, int] = {}
    for days in strength.practice_days(store, end, start).values():
        for ordinal in days:
            day = date.fromordinal(ordinal)
            if day >= start:
                counts[day] = counts.get(day, 0) + 1
    return Year(start, end, counts, most=len(strength.KEYS))


def contact_year(store: Store, person_id: int, on: date | None = None, weeks: int = WEEKS) -> Year:
    """A person's contact each day of the last `weeks` weeks: moments with them, plus one for a
    day of chat."""
    start, end = _window(on, weeks)
    counts: dict[date, int] = {}
    moments = store.query(
        f"SELECT {strength._day('m.at')} FROM moments m JOIN moment_people mp"
        " ON mp.moment_id = m.id WHERE mp.person_id = ? AND m.at >= ?",
        (person_id, (start - timedelta(days=1)).isoformat()),
    )
    chats = store.query(
        "SELECT day FROM message_days WHERE person_id = ? AND day >= ?",
        (person_id, start.toordinal()),
    )
    for (ordinal,) in [*moments, *chats]:
        day = date.fromordinal(ordinal)
        if start <= day <= end:
            counts[day] = counts.get(day, 0) + 1
    return Year(start, end, counts, most=max(counts.values(), default=1))
