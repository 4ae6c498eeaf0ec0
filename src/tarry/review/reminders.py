"""What to bring up today: protected time today, past occurrences not marked yet, who is
drifting and the important dates coming round. Shown by Today and `tarry today`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from tarry.base import clock
from tarry.commit import commitments
from tarry.commit.commitments import Occurrence
from tarry.declare import important_dates
from tarry.declare.important_dates import ImportantDate
from tarry.review import strength
from tarry.review.strength import Drift
from tarry.store import Store

UNMARKED_DAYS = 7
DATES_AHEAD = 14


@dataclass
class Reminders:
    day: date
    today: list[Occurrence] = field(default_factory=list)
    unmarked: list[Occurrence] = field(default_factory=list)  # before today, not marked yet
    drifting: list[Drift] = field(default_factory=list)
    dates: list[ImportantDate] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.today or self.unmarked or self.drifting or self.dates)

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "today": [o.to_dict() for o in self.today],
            "unmarked": [o.to_dict() for o in self.unmarked],
            "drifting": [d.to_dict() for d in self.drifting],
            "dates": [d.to_dict(self.day) for d in self.dates],
        }


def reminders(store: Store, on: date | None = None) -> Reminders:
    day = on or clock.today()
    start = datetime.combine(day, time())
    past = commitments.occurrences(store, start - timedelta(days=UNMARKED_DAYS), start)
    return Reminders(
        day,
        commitments.occurrences(store, start, start + timedelta(days=1)),
        [o for o in past if o.status == "pending"],
        strength.drifting(store, day),
        important_dates.upcoming(store, DATES_AHEAD, day),
    )
