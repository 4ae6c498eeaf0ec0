"""A person's timeline: moments, days of chat, commitments with them, entries that name them and
their important dates, newest first, each with where to read more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from tarry.base import clock
from tarry.base.textcharts import plural
from tarry.commit import commitments
from tarry.declare import important_dates
from tarry.declare.people import Person
from tarry.reflect import journal, moments
from tarry.store import Store

DAYS = 90
LIMIT = 40


@dataclass
class Event:
    day: date
    kind: str  # moment, chat, occurrence, entry, date
    title: str
    detail: str = ""
    ref: int | None = None  # the moment, entry or commitment it is about

    def to_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "kind": self.kind, "title": self.title,
                "detail": self.detail, "ref": self.ref}  # fmt: skip


def timeline(
    store: Store, person: Person, *, days: int = DAYS, on: date | None = None
) -> list[Event]:
    """What happened with `person` in the `days` days up to `on` (and the week after it: their
    next commitments and dates), newest first."""
    end = on or clock.today()
    start = end - timedelta(days=days)
    found = [
        *_moments(store, person, start),
        *_chats(store, person, start, end),
        *_occurrences(store, person, start, end),
        *_entries(store, person, start),
        *_dates(store, person, end),
    ]
    return sorted(found, key=lambda e: (e.day, e.kind), reverse=True)[:LIMIT]


def _moments(store: Store, person: Person, start: date) -> list[Event]:
    since = clock.instant(datetime.combine(start, time()))
    found = []
    for m in moments.all_moments(store, person=person.name, since=since):
        said = f"meaningfulness {m.meaningfulness:.1f} of 7" + (f": {m.note}" if m.note else "")
        found.append(Event(m.at.date(), "moment", f"{m.medium}, {m.duration_min} min", said, m.id))
    return found


def _chats(store: Store, person: Person, start: date, end: date) -> list[Event]:
    """Days of chat, with how many messages each way (theirs, and mine in their conversations)."""
    since = start.isoformat()
    rows = store.query(
        "SELECT substr(ts, 1, 10) AS day, sum(is_me = 0) AS theirs, sum(is_me = 1) AS mine"
        " FROM messages WHERE kind != 'system' AND ts >= ? AND (person_id = ?"
        " OR (is_me = 1 AND conversation_id IN (SELECT id FROM conversations WHERE person_id = ?)))"
        " GROUP BY day",
        (since, person.id, person.id),
    )
    return [
        Event(
            day, "chat", "chat", f"{plural(r['theirs'], 'message')} from them, {r['mine']} from you"
        )
        for r in rows
        if (day := _day(r["day"])) is not None and day <= end
    ]


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _occurrences(store: Store, person: Person, start: date, end: date) -> list[Event]:
    window = commitments.occurrences(
        store, datetime.combine(start, time()), datetime.combine(end + timedelta(days=8), time())
    )
    found = []
    for o in (o for o in window if person.name in o.people):
        status = commitments_status(o)
        found.append(Event(o.scheduled_at.date(), "occurrence", o.title,
                           f"{o.scheduled_at:%H:%M}, {status}", o.commitment_id))  # fmt: skip
    return found


def commitments_status(o: commitments.Occurrence) -> str:
    if o.status == "pending":
        return "still to come" if not o.happened else "not marked yet"
    return o.status + (f" for {o.traded_for}" if o.traded_for else "")


def _entries(store: Store, person: Person, start: date) -> list[Event]:
    """Entries whose text names them (by name or alias, as whole words)."""
    names = [person.name, *person.aliases]
    match = " OR ".join('"' + n.replace('"', '""') + '"' for n in names)
    ids = [r[0] for r in store.query(
        "SELECT ref FROM search_index WHERE kind = 'entry' AND search_index MATCH ?",
        (f"body : ({match})",))]  # fmt: skip
    found = []
    for entry_id in ids:
        entry = journal.get(store, int(entry_id))
        if entry.at.date() >= start:
            found.append(Event(entry.at.date(), "entry", entry.title, entry.prompt, entry.id))
    return found


def _dates(store: Store, person: Person, today: date) -> list[Event]:
    return [
        Event(d.next_on(today), "date", d.label.capitalize(), d.describe(today))
        for d in important_dates.of_person(store, person.id, today)
        if d.days_until(today) <= 31
    ]
