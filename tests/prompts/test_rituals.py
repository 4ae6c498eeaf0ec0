"""Rituals: turns timed and scaled, roles named, cues resolved, and logging makes a moment."""

from __future__ import annotations

import pytest

from tarry.base.errors import InvalidInput, NotFound
from tarry.declare.people import Person
from tarry.prompts import rituals
from tarry.prompts.rituals import Ratings
from tarry.store import Store


def test_checkin_plan_at_its_own_timing() -> None:
    turns = rituals.plan(rituals.get("checkin"), other="Sam")
    assert [t.seconds for t in turns] == [120, 360, 120, 360, 120, 240, 180]
    assert [(t.speaker, t.listener) for t in turns[:4]] == [
        ("both of you", None),
        ("you", "Sam"),
        ("Sam", "you"),
        ("Sam", "you"),
    ]
    assert len(turns[1].cues) == 5 and turns[1].cues[2].startswith("Don't fix:")
    assert turns[0].cues == ()


def test_minutes_scale_every_turn_with_a_floor() -> None:
    checkin = rituals.get("checkin")
    assert [t.seconds for t in rituals.plan(checkin, minutes=12.5)] == [
        60,
        180,
        60,
        180,
        60,
        120,
        90,
    ]
    assert [t.seconds for t in rituals.plan(rituals.get("rough-day"), minutes=2)] == [
        30,
        69,
        30,
        30,
    ]


@pytest.mark.parametrize("minutes", [0, -5])
def test_minutes_must_be_positive(minutes: float) -> None:
    with pytest.raises(InvalidInput, match="The minutes must be positive"):
        rituals.plan(rituals.get("checkin"), minutes=minutes)


def test_unknown_ritual_lists_the_choices() -> None:
    with pytest.raises(NotFound) as caught:
        rituals.get("nightly")
    assert caught.value.hint == "Choose from: checkin, repair, rough-day, friend."


def test_logging_makes_a_moment_with_the_practices_it_served(store: Store, sam: Person) -> None:
    ratings = Ratings(intimacy=6, i_disclosed=5, they_disclosed=6, pleasantness=5, satisfaction=6)
    moment_id = rituals.log(store, rituals.get("checkin"), sam, minutes=27, ratings=ratings)
    row = store.one("SELECT * FROM moments WHERE id = ?", (moment_id,))
    assert (row["duration_min"], row["intimacy"], row["disclosure"], row["note"]) == (
        27,
        6,
        "feeling",
        "Ritual: How are we, really",
    )
    practices = store.query(
        "SELECT practice FROM moment_practices WHERE moment_id = ?", (moment_id,)
    )
    assert sorted(r[0] for r in practices) == ["depth", "priority", "space", "stay"]
    assert store.scalar("SELECT person_id FROM moment_people") == sam.id
    use = store.one("SELECT kind, prompt_id, person_id, context FROM prompt_uses")
    assert tuple(use) == ("ritual", "checkin", sam.id, "partner")


def test_a_bad_rating_writes_nothing(store: Store, sam: Person) -> None:
    with pytest.raises(InvalidInput, match="9 is not on the 1-7 scale"):
        rituals.log(store, rituals.get("repair"), sam, minutes=20, ratings=Ratings(intimacy=9))
    assert store.scalar("SELECT count(*) FROM moments") == 0
    assert store.scalar("SELECT count(*) FROM prompt_uses") == 0
