"""Inner-life suggestions follow recent life, with reasons the user can check against the log."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from tarry.base import clock
from tarry.declare.people import Person
from tarry.prompts import inner
from tarry.store import Store

from .conftest import AddMoment

THURSDAYS_AT_7 = ("FREQ=WEEKLY;BYDAY=TH", "2026-10-01T19:00:00")


def triggers(store: Store) -> list[str]:
    return [s.trigger for s in inner.suggest(store)]


def test_an_empty_store_gets_a_general_prompt(store: Store) -> None:
    [only] = inner.suggest(store)
    assert (only.trigger, only.reason) == (
        "quiet",
        "because nothing in particular stands out lately",
    )
    assert only.prompt_id.startswith("inner-quiet-")


def test_after_a_moment_rated_high_in_discomfort(
    store: Store, sam: Person, add_moment: AddMoment
) -> None:
    add_moment(sam, "2026-11-17T20:00:00Z", "feeling", discomfort=8)  # a Tuesday
    [first] = inner.suggest(store)
    assert first.trigger == "discomfort"
    assert first.reason == "because your moment with Sam on Tuesday was rated 8/10 for discomfort"
    assert "{" not in first.text and ("Sam" in first.text or "Tuesday" in first.text)


def test_mild_or_old_discomfort_does_not_count(
    store: Store, sam: Person, add_moment: AddMoment
) -> None:
    add_moment(sam, "2026-11-18T20:00:00Z", "feeling", discomfort=6)
    add_moment(sam, "2026-11-10T20:00:00Z", "feeling", discomfort=9)  # nine days ago
    assert triggers(store) == ["quiet"]


def test_after_a_commitment_traded_away(
    store: Store, sam: Person, add_commitment: Callable[..., int]
) -> None:
    commitment = add_commitment("Phone-free dinner with Sam", *THURSDAYS_AT_7)
    tradeoff = store.execute(
        "INSERT INTO tradeoffs (at, chose, over, direction) VALUES (?, 'work', 'dinner', 'away')",
        ("2026-11-12T17:00:00Z",),
    ).lastrowid
    store.execute(
        "INSERT INTO occurrences (commitment_id, scheduled_at, status, tradeoff_id, marked_at)"
        " VALUES (?, '2026-11-12T19:00:00', 'traded', ?, '2026-11-12T17:00:00Z')",
        (commitment, tradeoff),
    )
    [first] = inner.suggest(store)
    assert first.trigger == "traded"
    assert first.reason == "because you traded Thursday's phone-free dinner with Sam for work"
    assert "work" in first.text or "phone-free dinner with Sam" in first.text


def test_before_a_planned_evening_with_someone(
    store: Store, sam: Person, add_commitment: Callable[..., int]
) -> None:
    add_commitment("Dinner with Sam", *THURSDAYS_AT_7, person=sam)
    add_commitment("Gym", *THURSDAYS_AT_7)  # nobody to see: no suggestion
    [first] = inner.suggest(store)
    assert first.trigger == "before_evening"
    assert first.reason == "because you have dinner with Sam tonight at 19:00"
    assert "Sam" in first.text and "{" not in first.text


def test_an_evening_already_marked_is_not_ahead(
    store: Store, sam: Person, add_commitment: Callable[..., int]
) -> None:
    commitment = add_commitment("Dinner with Sam", *THURSDAYS_AT_7, person=sam)
    store.execute(
        "INSERT INTO occurrences (commitment_id, scheduled_at, status, marked_at)"
        " VALUES (?, '2026-11-19T19:00:00', 'skipped', '2026-11-19T11:00:00Z')",
        (commitment,),
    )
    assert triggers(store) == ["quiet"]


def test_tomorrow_and_later_in_words(store: Store, sam: Person, add_commitment) -> None:
    add_commitment("Walk", "FREQ=WEEKLY;BYDAY=FR", "2026-10-02T08:30:00", person=sam)
    [first] = inner.suggest(store)
    assert first.reason == "because you have walk with Sam tomorrow at 08:30"


def test_after_a_week_without_feeling_level_disclosure(
    store: Store, sam: Person, add_moment: AddMoment
) -> None:
    add_moment(sam, "2026-11-16T20:00:00Z", "fact")
    add_moment(sam, "2026-11-18T20:00:00Z", "thought")
    [first] = inner.suggest(store)
    assert first.trigger == "no_feeling"
    assert first.reason == (
        "because none of your 2 moments in the past 7 days reached feeling-level disclosure"
    )
    add_moment(sam, "2026-11-19T08:00:00Z", "feeling")
    assert triggers(store) == ["quiet"]


def test_a_week_with_no_moments_at_all(store: Store, sam: Person, add_moment: AddMoment) -> None:
    add_moment(sam, "2026-10-01T20:00:00Z", "feeling")
    [first] = inner.suggest(store)
    assert first.reason == "because you logged no moments in the past 7 days"
    assert "{moments}" not in first.text


def test_order_and_stability(
    store: Store, sam: Person, add_moment: AddMoment, add_commitment
) -> None:
    add_commitment("Dinner with Sam", *THURSDAYS_AT_7, person=sam)
    add_moment(sam, "2026-11-17T20:00:00Z", "thought", discomfort=9)
    assert triggers(store) == ["discomfort", "before_evening", "no_feeling"]
    assert inner.suggest(store) == inner.suggest(store)
    later = inner.suggest(store, clock.now() + timedelta(days=1))
    assert [s.trigger for s in later] == ["discomfort", "no_feeling"]


def test_every_template_fills_for_its_trigger() -> None:
    values = {"person": "Sam", "day": "Tuesday", "discomfort": "8", "commitment": "dinner",
              "chose": "work", "moments": "2 moments", "when": "tonight at 19:00"}  # fmt: skip
    for prompt in inner.prompts():
        filled = prompt.text.format(**values)
        assert not re.search(r"[{}]", filled), prompt.id
