"""Important dates: reading them, when they come round, and `tarry people dates`."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tarry.base.errors import Conflict, InvalidInput
from tarry.declare import important_dates, people
from tarry.store import Store, undo

TODAY = date(2026, 11, 19)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("03-15", (3, 15, None)),
        ("--0315", (3, 15, None)),
        ("--03-15", (3, 15, None)),
        ("1985-03-15", (3, 15, 1985)),
        ("19850315", (3, 15, 1985)),
        ("15 march", (3, 15, None)),
        ("March 15, 1985", (3, 15, 1985)),
        ("15 Mar 1985", (3, 15, 1985)),
        ("02-29", (2, 29, None)),
    ],
)
def test_reading_a_date(text: str, read: tuple[int, int, int | None]) -> None:
    assert important_dates.read(text) == read


@pytest.mark.parametrize("text", ["02-30", "13-01", "1985-02-29", "next week", "3000-01-01", ""])
def test_refusing_what_is_not_a_day(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        important_dates.read(text)
    assert caught.value.field == "when"


def test_when_they_come_round(store: Store) -> None:
    people.add(store, "Sam")
    birthday = important_dates.add(store, "Sam", "Birthday", "1985-11-21")
    leap = important_dates.add(store, "Sam", "leap day", "02-29")
    today = important_dates.add(store, "Sam", "first met", "19 november 2019")
    assert birthday.describe(TODAY) == "Sam's birthday, 21 November (turns 41), in 2 days"
    assert leap.next_on(TODAY) == date(2027, 2, 28) and leap.next_on(date(2028, 1, 1)) == date(
        2028, 2, 29
    )
    assert today.describe(TODAY) == "Sam's first met, 19 November (7 years), today"
    assert [d.label for d in important_dates.upcoming(store, 7, TODAY)] == ["first met", "birthday"]
    assert [d.label for d in important_dates.of_person(store, 1, TODAY)][-1] == "leap day"
    with pytest.raises(Conflict):
        important_dates.add(store, "Sam", "birthday", "11-21")
    important_dates.remove(store, leap.id)
    undo.undo(store)
    assert len(important_dates.of_person(store, 1)) == 3


def test_people_dates_cli(cli, store: Store) -> None:
    people.add(store, "Sam")
    assert cli("people", "dates").stdout.startswith("No important dates yet.")
    result = cli("people", "dates", "add", "Sam", "birthday", "21 nov")
    assert result.stdout == "Remembered Sam's birthday, 21 November, in 2 days.\n"
    listed = json.loads(cli("people", "dates", "--of", "Sam", "--json").stdout)
    assert listed == [
        {
            "id": 1,
            "person": "Sam",
            "label": "birthday",
            "month": 11,
            "day": 21,
            "year": None,
            "source": "typed",
            "next": "2026-11-21",
            "days_until": 2,
        }
    ]
    result = cli("people", "dates", "add", "Sam", "birthday", "31 feb")
    assert result.code == 2 and "WHEN: a month and day" not in result.stderr
    assert cli("people", "dates", "remove", "1").code == 0
