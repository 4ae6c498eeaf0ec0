"""The review's one invitation for next week: the weakest practice, a person and a day.

Warm and concrete, never a streak to keep. When a commitment serving the practice falls next
week, the invitation is for that occasion and its person. Otherwise it names someone (the person
drifting most, else one the practice is committed with, else the one seen most lately) and the
weekday you most often meet them, whenever the store can tell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tarry.declare.practices import KEYS
from tarry.store import Store

if TYPE_CHECKING:
    from tarry.review.strength import Drift

# {who} is a name or "someone close"; {when} reads "on Thursday 26 November" or similar.
TEXTS = {
    "depth": 'Ask {who} one question you would usually skip, {when}: "What has been on your '
    "mind that you haven't said yet?\" Then stay for the whole answer.",
    "stay": "{When}, when {who} brings up something hard, stay with it for two more questions "
    "before the conversation moves on. Notice the urge to change the subject, and let it pass.",
    "seen": "Tell {who} one thing that is not going well, {when}, without tidying it up first "
    "or turning it into a funny story.",
    "space": "{When}, ask {who} how they really are. When they answer, listen without fixing: "
    '"that sounds hard" is enough.',
    "inner": "{When}, take twenty minutes to write about something you felt this week and have "
    "not said out loud. If it feels right, share one line of it with {who}.",
    "priority": "Protect an evening for {who} {when}: put it in your calendar now, next to work, "
    "and close the laptop an hour earlier than usual.",
}
SOMEONE = "someone close"


@dataclass
class Invitation:
    practice: str
    person: str | None
    day: str | None  # ISO date, when one could be chosen
    text: str
    why: str


def invite(
    store: Store, practices: Sequence[Any], drifts: Sequence[Drift], next_monday: date
) -> Invitation:
    """One invitation from the weakest practice (`practices`: items with practice, strength)."""
    weakest = min(practices, key=lambda p: (p.strength, KEYS.index(p.practice)))
    key = weakest.practice
    planned = _next_commitment(store, key, next_monday)
    day: date | None
    if planned is not None:  # a plan already on the calendar is the most concrete invitation
        title, at, person = planned
        when, day = f"at your '{title}' on {at:%A %-d %B, %H:%M}", at.date()
    else:
        person = _person(store, key, drifts)
        when, day = _usual_day(store, person, next_monday)
    text = TEXTS[key].format(who=person or SOMEONE, when=when, When=when[0].upper() + when[1:])
    return Invitation(key, person, day.isoformat() if day else None, text, _why(weakest))


def _why(weakest: Any) -> str:
    if weakest.last_done is None:
        return f"{weakest.practice} has not been logged yet, so it is the place to begin."
    return (
        f"{weakest.practice} is your weakest practice right now (strength"
        f" {weakest.strength:.2f}, last practised {weakest.last_done})."
    )


def _person(store: Store, key: str, drifts: Sequence[Drift]) -> str | None:
    if drifts:
        return drifts[0].name
    committed = store.scalar(
        "SELECT p.name FROM commitment_practices cp"
        " JOIN commitments c ON c.id = cp.commitment_id AND c.ended_at IS NULL"
        " JOIN commitment_people cpe ON cpe.commitment_id = c.id"
        " JOIN people p ON p.id = cpe.person_id WHERE cp.practice = ? ORDER BY c.id LIMIT 1",
        (key,),
    )
    if committed:
        return str(committed)
    seen = store.scalar(
        "SELECT p.name FROM moment_people mp JOIN people p ON p.id = mp.person_id"
        " JOIN (SELECT id FROM moments ORDER BY at DESC LIMIT 200) m ON m.id = mp.moment_id"
        " GROUP BY p.id ORDER BY count(*) DESC, p.name LIMIT 1"
    )
    return str(seen) if seen else None


def _usual_day(store: Store, person: str | None, monday: date) -> tuple[str, date | None]:
    """A phrase for the day, and the day: the weekday you most often meet them."""
    weekday = _usual_weekday(store, person)
    if weekday is None:
        return "one evening next week", None
    day = monday + timedelta(days=weekday)
    return f"on {day:%A %-d %B}", day


def _next_commitment(
    store: Store, key: str, monday: date
) -> tuple[str, datetime, str | None] | None:
    """The first occurrence next week of a commitment serving `key`: title, time, a person."""
    from tarry.commit.commitments import build_rule

    start = datetime.combine(monday, datetime.min.time())
    end = start + timedelta(days=7)
    found = []
    for row in store.query(
        "SELECT c.title, c.rrule, c.starts_at, (SELECT p.name FROM commitment_people cpe"
        "  JOIN people p ON p.id = cpe.person_id WHERE cpe.commitment_id = c.id"
        "  ORDER BY p.name LIMIT 1) AS person FROM commitments c"
        " JOIN commitment_practices cp ON cp.commitment_id = c.id"
        " WHERE cp.practice = ? AND c.ended_at IS NULL AND c.starts_at < ?",
        (key, end.isoformat()),
    ):
        rule = build_rule(row["rrule"], datetime.fromisoformat(row["starts_at"]))
        at = rule.after(start, inc=True)
        if at is not None and at < end:
            found.append((at, row["title"], row["person"]))
    if not found:
        return None
    at, title, person = min(found)
    return title, at, person


def _usual_weekday(store: Store, person: str | None) -> int | None:
    """The weekday (0 = Monday) of most recent moments, with `person` when given."""
    weekday = store.scalar(
        "SELECT (CAST(strftime('%w', m.at, 'localtime') AS INTEGER) + 6) % 7 AS d"
        " FROM (SELECT id, at FROM moments ORDER BY at DESC LIMIT 200) m"
        " WHERE ?1 IS NULL OR m.id IN (SELECT mp.moment_id FROM moment_people mp"
        "  JOIN people p ON p.id = mp.person_id WHERE p.name = ?1)"
        " GROUP BY d ORDER BY count(*) DESC, d LIMIT 1",
        (person,),
    )
    return None if weekday is None else int(weekday)
