"""Choosing a prompt: fit, no repeats, one step deeper than recent moments, explained, seeded."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tarry.base import clock
from tarry.base.errors import InvalidInput
from tarry.declare import people
from tarry.declare.people import Person
from tarry.prompts import choose, deck
from tarry.store import Store

from .conftest import AddMoment

FIT = "It fits a partner conversation and was not used with Sam in the last 90 days."


def test_without_history_it_starts_gently_at_depth_2(store: Store, sam: Person) -> None:
    chosen = choose.choose(store, person=sam, seed=7)
    assert (chosen.prompt.level, chosen.context, chosen.target) == (2, "partner", 2)
    assert chosen.prompt.fits("partner")
    assert chosen.reason == (
        f"No recent moments with Sam to go by, so it starts gently at depth 2. {FIT}"
    )


def test_leans_one_step_deeper_than_recent_moments(
    store: Store, sam: Person, add_moment: AddMoment
) -> None:
    for day in ("2026-11-10", "2026-11-14", "2026-11-18"):
        add_moment(sam, f"{day}T19:00:00Z", disclosure="thought", intimacy=4)
    chosen = choose.choose(store, person=sam, seed=1)
    assert (chosen.reached.level, chosen.reached.moments, chosen.prompt.level) == (2, 3, 3)
    assert chosen.reason == (
        "Your last 3 moments with Sam typically reached depth 2 (personal); this one leans one"
        f" step deeper, to depth 3. {FIT}"
    )


@pytest.mark.parametrize(
    ("ratings", "reached"),
    [
        ([("fact", 3)], 1),
        ([("feeling", 5)], 3),
        ([("feeling", 6)], 4),
        ([("thought", 7)], 3),
        ([("fact", 2), ("feeling", 5), ("feeling", 5)], 3),
        ([("fact", 2), ("feeling", 5)], 1),  # the lower median: gentle
    ],
)
def test_reached_depth_is_the_lower_median(
    store: Store, sam: Person, add_moment: AddMoment, ratings: list, reached: int
) -> None:
    for n, (disclosure, intimacy) in enumerate(ratings):
        add_moment(sam, f"2026-11-1{n}T19:00:00Z", disclosure, intimacy)
    assert choose.reached_depth(store, sam.id, clock.now()).level == reached


def test_only_recent_moments_with_that_person_count(
    store: Store, sam: Person, add_moment: AddMoment
) -> None:
    ana = people.add(store, "Ana", relation="friend")
    add_moment(sam, "2026-08-01T19:00:00Z", "feeling", 7)  # older than 60 days
    add_moment(ana, "2026-11-18T19:00:00Z", "feeling", 7)
    add_moment(sam, "2026-11-20T19:00:00Z", "feeling", 7)  # after "now"
    assert choose.reached_depth(store, sam.id, clock.now()) == choose.Reached(None, 0)


def test_at_the_deepest_level_it_stays_there(
    store: Store, sam: Person, add_moment: AddMoment
) -> None:
    add_moment(sam, "2026-11-18T19:00:00Z", "feeling", 7)
    chosen = choose.choose(store, person=sam, seed=3)
    assert chosen.prompt.level == 4
    assert "stays at the deepest level, to depth 4" in chosen.reason


def test_never_repeats_with_the_same_person_then_moves_to_the_nearest_level(
    store: Store, sam: Person
) -> None:
    level_2 = deck.select(deck.prompts(), context="partner", level=2)
    seen = set()
    for n in range(len(level_2)):
        chosen = choose.choose(store, person=sam, seed=n)
        choose.record(store, chosen, sam)
        seen.add(chosen.prompt.id)
    assert seen == {p.id for p in level_2}
    after = choose.choose(store, person=sam, seed=0)
    assert after.prompt.level == 1
    assert after.reason.endswith(
        "Every level 2 prompt was used recently, so this is the nearest level, 1."
    )


def test_a_prompt_used_with_someone_else_is_still_fresh_for_sam(store: Store, sam: Person) -> None:
    ana = people.add(store, "Ana", relation="partner")
    first = choose.choose(store, person=ana, seed=5)
    choose.record(store, first, ana)
    assert choose.choose(store, person=sam, seed=5).prompt == first.prompt


def test_uses_older_than_the_window_do_not_count(store: Store, sam: Person) -> None:
    first = choose.choose(store, person=sam, seed=5)
    choose.record(store, first, sam, now=clock.now() - timedelta(days=91))
    assert choose.choose(store, person=sam, seed=5).prompt == first.prompt
    choose.record(store, first, sam, now=clock.now() - timedelta(days=89))
    assert choose.choose(store, person=sam, seed=5).prompt != first.prompt


def test_when_everything_was_used_the_oldest_use_comes_back(store: Store, sam: Person) -> None:
    fitting = deck.select(deck.prompts(), context="partner")
    start = clock.now() - timedelta(days=30)
    for n, prompt in enumerate(fitting):
        choice = choose.Choice(prompt, "partner", "Sam", 2, choose.Reached(None, 0), "")
        choose.record(store, choice, sam, now=start + timedelta(minutes=n))
    chosen = choose.choose(store, person=sam, seed=0)
    first_at_2 = next(p for p in fitting if p.level == 2)
    assert chosen.prompt == first_at_2
    assert chosen.reason.endswith("this one was used longest ago.")


def test_same_seed_same_prompt(store: Store, sam: Person) -> None:
    picks = {choose.choose(store, person=sam, seed=42).prompt.id for _ in range(3)}
    assert len(picks) == 1


def test_context_follows_the_relation_unless_given(store: Store) -> None:
    ana = people.add(store, "Ana", relation="family")
    bo = people.add(store, "Bo", relation="other")
    assert choose.choose(store, person=ana, seed=1).context == "family"
    assert choose.choose(store, person=bo, seed=1).context == "any"
    given = choose.choose(store, person=ana, context="date", seed=1)
    assert given.context == "date" and given.prompt.fits("date")
    for n in range(20):
        assert set(choose.choose(store, person=ana, seed=n).prompt.contexts) & {"family", "any"}


def test_explicit_depth_and_its_reason(store: Store, sam: Person) -> None:
    chosen = choose.choose(store, person=sam, depth=4, seed=2)
    assert chosen.prompt.level == 4
    assert chosen.reason == f"Depth 4 (most vulnerable), as asked. {FIT}"


def test_without_a_person(store: Store) -> None:
    chosen = choose.choose(store, seed=2)
    assert chosen.prompt.contexts == ("any",)
    assert chosen.reason == (
        "No person given, so it starts gently at depth 2. It works with anyone and was not used"
        " in the last 90 days."
    )


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"context": "boss"}, "Unknown context 'boss'"),
    ({"depth": 5}, "Depth must be 1 (light) to 4"),
])  # fmt: skip
def test_bad_values(store: Store, kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(message)):
        choose.choose(store, **kwargs)


def test_daily_is_stable_for_the_day_and_not_recorded(store: Store, sam: Person) -> None:
    assert choose.daily(store).prompt == choose.daily(store).prompt
    assert store.scalar("SELECT count(*) FROM prompt_uses") == 0


def test_daily_is_for_the_person_you_are_seeing_today(
    store: Store, sam: Person, add_commitment
) -> None:
    add_commitment("Dinner with Sam", "FREQ=WEEKLY;BYDAY=TH", "2026-10-01T19:00:00", person=sam)
    chosen = choose.daily(store)
    assert chosen.person == "Sam" and chosen.context == "partner"
    assert chosen.reason.startswith(
        "You are seeing Sam today at 19:00 (Dinner with Sam). No recent moments with Sam"
    )
