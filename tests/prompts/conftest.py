"""Fixtures for the prompts tests: people, and moments and commitments written as plain rows."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tarry.declare import people
from tarry.declare.people import Person
from tarry.store import Store

AddMoment = Callable[..., int]


@pytest.fixture
def sam(store: Store) -> Person:
    return people.add(store, "Sam", relation="partner")


@pytest.fixture
def add_moment(store: Store) -> AddMoment:
    """add_moment(person, at, disclosure="fact", intimacy=4, discomfort=0) -> moment id."""

    def add(
        person: Person | None,
        at: str,
        disclosure: str = "fact",
        intimacy: int = 4,
        discomfort: int = 0,
    ) -> int:
        cur = store.execute(
            "INSERT INTO moments (at, duration_min, intimacy, i_disclosed, they_disclosed,"
            " pleasantness, satisfaction, discomfort, disclosure)"
            " VALUES (?, 30, ?, 4, 4, 4, 4, ?, ?)",
            (at, intimacy, discomfort, disclosure),
        )
        moment_id = int(cur.lastrowid or 0)
        if person:
            store.execute("INSERT INTO moment_people VALUES (?, ?)", (moment_id, person.id))
        return moment_id

    return add


@pytest.fixture
def add_commitment(store: Store) -> Callable[..., int]:
    """add_commitment(title, rrule, starts_at, person=None) -> commitment id (local wall time)."""

    def add(title: str, rrule: str, starts_at: str, person: Person | None = None) -> int:
        cur = store.execute(
            "INSERT INTO commitments (title, rrule, starts_at, duration_min, created_at)"
            " VALUES (?, ?, ?, 120, '2026-10-01T00:00:00Z')",
            (title, rrule, starts_at),
        )
        commitment_id = int(cur.lastrowid or 0)
        if person:
            store.execute("INSERT INTO commitment_people VALUES (?, ?)", (commitment_id, person.id))
        return commitment_id

    return add
