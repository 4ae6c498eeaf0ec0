"""Important dates of the people: birthdays, anniversaries, any day worth remembering.

A date is a month and a day, with the year when it is known (a birthday without a year still
comes round). 29 February comes round on 28 February in other years. Dates are typed by the
person or imported from their contacts (declare/vcard.py); `upcoming` brings them to Today.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tarry.base import clock
from tarry.base.errors import Conflict, InvalidInput, NotFound, Step
from tarry.declare import people
from tarry.store import Store, undo

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
EXAMPLE = "03-15, 15 march or 1985-03-15"
_NUMERIC = (
    re.compile(r"^(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})$"),  # 1985-03-15, 19850315
    re.compile(r"^(?:--)?(?P<m>\d{1,2})-?(?P<d>\d{2})$"),  # 03-15, --0315, --03-15
)
_WORDS = (
    re.compile(r"^(?P<d>\d{1,2})\s+(?P<month>[a-z]+)\.?(?:\s+(?P<y>\d{4}))?$"),
    re.compile(r"^(?P<month>[a-z]+)\.?\s+(?P<d>\d{1,2})(?:,?\s+(?P<y>\d{4}))?$"),
)


@dataclass
class ImportantDate:
    id: int
    person_id: int
    person: str
    label: str
    month: int
    day: int
    year: int | None
    source: str

    def next_on(self, today: date) -> date:
        """The next time it comes round, today included."""
        for year in (today.year, today.year + 1):
            found = _on(year, self.month, self.day)
            if found >= today:
                return found
        raise AssertionError("unreachable")  # pragma: no cover

    def days_until(self, today: date) -> int:
        return (self.next_on(today) - today).days

    def years_on(self, when: date) -> int | None:
        """How many years it will be on `when` (a birthday's age), when the year is known."""
        return None if self.year is None else when.year - self.year

    def describe(self, today: date) -> str:
        """'Sam's birthday, 15 March (turns 41), in 3 days'."""
        when = self.next_on(today)
        years = self.years_on(when)
        turns = ""
        if years is not None and years > 0:
            turns = f" (turns {years})" if self.label == "birthday" else f" ({years} years)"
        days = self.days_until(today)
        soon = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
        day = f"{when.day} {calendar.month_name[when.month]}"
        return f"{self.person}'s {self.label}, {day}{turns}, {soon}"

    def to_dict(self, today: date | None = None) -> dict[str, Any]:
        today = today or clock.today()
        return {
            "id": self.id,
            "person": self.person,
            "label": self.label,
            "month": self.month,
            "day": self.day,
            "year": self.year,
            "source": self.source,
            "next": self.next_on(today).isoformat(),
            "days_until": self.days_until(today),
        }


def _on(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def read(text: str, field: str = "when") -> tuple[int, int, int | None]:
    """(month, day, year or None) from '03-15', '--0315', '1985-03-15', '15 march', 'March 15'."""
    clean = text.strip().lower()
    for pattern in _NUMERIC:
        if match := pattern.match(clean):
            return _checked(
                int(match["m"]), int(match["d"]), match.groupdict().get("y"), text, field
            )
    for pattern in _WORDS:
        if (match := pattern.match(clean)) and match["month"] in MONTHS:
            return _checked(MONTHS[match["month"]], int(match["d"]), match["y"], text, field)
    raise InvalidInput(
        f"Cannot read the date {text!r}.",
        field=field,
        expected="a month and day, with the year if you know it",
        example=EXAMPLE,
    )


def _checked(
    month: int, day: int, year: str | None, text: str, field: str
) -> tuple[int, int, int | None]:
    number = int(year) if year else None
    leap = 2000 if number is None else number  # a day without a year may be 29 February
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(leap, month)[1]:
        raise InvalidInput(f"{text!r} is not a day of the year.", field=field, example=EXAMPLE)
    if number is not None and not 1 <= number <= clock.today().year:
        raise InvalidInput(f"{number} has not come yet.", "Check the year.", field=field)
    return month, day, number


SELECT = "SELECT d.*, p.name AS person FROM person_dates d JOIN people p ON p.id = d.person_id"


def _from_row(row: Any) -> ImportantDate:
    return ImportantDate(
        row["id"],
        row["person_id"],
        row["person"],
        row["label"],
        row["month"],
        row["day"],
        row["year"],
        row["source"],
    )


def add(
    store: Store, person: str, label: str, when: str, *, source: str = "typed"
) -> ImportantDate:
    """Remember a date of a person's ('birthday', '03-15'); the same date twice is refused."""
    who = people.get(store, person)
    label = " ".join(label.split()).lower()
    if not label:
        raise InvalidInput("What is the day?", field="label", example="birthday")
    month, day, year = read(when)
    if store.one(
        "SELECT 1 FROM person_dates WHERE person_id = ? AND label = ? AND month = ? AND day = ?",
        (who.id, label, month, day),
    ):
        raise Conflict(
            f"{who.name}'s {label} on {day} {calendar.month_name[month]} is already remembered.",
            field="when",
        )
    with store.tx():
        cur = store.execute(
            "INSERT INTO person_dates (person_id, label, month, day, year, source)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (who.id, label, month, day, year, source),
        )
    return get(store, int(cur.lastrowid or 0))


def get(store: Store, date_id: int) -> ImportantDate:
    row = store.one(SELECT + " WHERE d.id = ?", (date_id,))
    if row is None:
        raise NotFound(f"No important date with id {date_id}.", step=Step.LIST_PEOPLE)
    return _from_row(row)


def remove(store: Store, date_id: int) -> undo.Change:
    """Forget a date; undoable for undo.UNDO_DAYS days."""
    found = get(store, date_id)
    said = f"{found.person}'s {found.label} ({found.day} {calendar.month_name[found.month]})"
    return undo.delete(store, "date", "person_dates", date_id, said)


def of_person(store: Store, person_id: int, today: date | None = None) -> list[ImportantDate]:
    """A person's dates, the next to come round first."""
    today = today or clock.today()
    rows = store.query(SELECT + " WHERE d.person_id = ?", (person_id,))
    return sorted((_from_row(r) for r in rows), key=lambda d: (d.next_on(today), d.label))


def upcoming(store: Store, days: int = 14, today: date | None = None) -> list[ImportantDate]:
    """Everyone's dates coming round in the next `days` days (today included), soonest first."""
    today = today or clock.today()
    found = [_from_row(r) for r in store.query(SELECT)]
    soon = [d for d in found if d.next_on(today) <= today + timedelta(days=days)]
    return sorted(soon, key=lambda d: (d.next_on(today), d.person, d.label))
