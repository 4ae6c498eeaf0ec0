"""What Today and `tarry today` bring up: protected time, unmarked occurrences, drift, dates."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from tarry.commit import commitments
from tarry.declare import important_dates, people
from tarry.reflect import moments
from tarry.review import reminders
from tarry.store import Store


def test_reminders_and_tarry_today(store: Store, cli) -> None:
    people.add(store, "Sam", cadence_days=7)
    people.add(store, "Maya", cadence_days=30)
    moments.log(store, ["Maya"], at=datetime(2026, 11, 10, 19, tzinfo=UTC))
    moments.log(store, ["Sam"], at=datetime(2026, 10, 1, 19, tzinfo=UTC))
    commitments.add(store, "Walk", every="monday,thursday 18:00", people_names=["Sam"],
                    start=datetime(2026, 11, 2, 18))  # fmt: skip
    commitments.mark(store, "Walk", "kept", when=date(2026, 11, 12))
    important_dates.add(store, "Sam", "birthday", "11-25")
    found = reminders.reminders(store)
    assert [o.scheduled_at.isoformat() for o in found.today] == ["2026-11-19T18:00:00"]
    assert [o.scheduled_at.isoformat() for o in found.unmarked] == ["2026-11-16T18:00:00"]
    assert [d.name for d in found.drifting] == ["Sam"]
    assert [d.describe(found.day) for d in found.dates] == [
        "Sam's birthday, 25 November, in 6 days"
    ]
    result = cli("today")
    assert result.stdout.splitlines() == [
        "18:00  Walk  (pending)",
        "",
        "Not marked yet (tarry commit mark ID kept|traded|skipped --date DAY):",
        "- Mon 16 Nov 18:00  Walk (1)",
        "",
        "Drifting:",
        "- Sam: last contact 49 days ago; you wanted every 7; strength 0.06, down from 0.10 28"
        " days ago",
        "",
        "Coming round:",
        "- Sam's birthday, 25 November, in 6 days",
    ]
    data = json.loads(cli("today", "--json").stdout)
    assert sorted(data) == ["dates", "day", "drifting", "nudges", "today", "unmarked"]
    assert data["unmarked"][0]["scheduled_at"] == "2026-11-16T18:00:00"


def test_an_empty_day(store: Store, cli) -> None:
    assert reminders.reminders(store).empty
    assert cli("today").stdout == "No protected time today.\n"
