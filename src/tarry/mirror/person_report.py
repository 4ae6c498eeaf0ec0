"""One person's mirror report: totals each way, numbers per period, the moments that mattered.

What `tarry mirror report` and the web app's person page show; it builds on the numbers
(conversations.py) and the moments (notable.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tarry.base.memory import no_gc
from tarry.mirror.conversations import (
    Numbers,
    Period,
    check_period,
    person_rows,
    split,
    with_periods,
)
from tarry.mirror.notable import Moments, notable
from tarry.store import Store


@dataclass
class PersonReport:
    person: str
    chat: str | None  # the one chat reported on, or None for all chats with them
    since: str | None
    by: str  # "week" or "month"
    total: Numbers
    periods: list[Period]
    notable: Moments

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "chat": self.chat,
            "since": self.since,
            "by": self.by,
            "total": self.total.to_dict(),
            "periods": [p.to_dict() for p in self.periods],
            "notable": self.notable.to_dict(),
        }


def person_report(
    store: Store,
    name: str,
    *,
    since: datetime | None = None,
    by: str = "month",
    chat: str | None = None,
) -> PersonReport:
    """Everything the mirror shows about one person: totals, periods, moments."""
    check_period(by)
    with no_gc():  # many small objects, no cycles (tarry.base.memory)
        person, rows = person_rows(store, name, since, chat)
        chunks = split(rows)
        total, periods = with_periods(chunks, by)
        return PersonReport(
            person=person.name,
            chat=chat,
            since=since.isoformat() if since else None,
            by=by,
            total=total,
            periods=periods,
            notable=notable(chunks),
        )
