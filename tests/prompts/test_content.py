"""The shipped content: complete, graded, tagged, balanced, free of near-duplicates, ids stable."""

from __future__ import annotations

from pathlib import Path

import pytest

from tarry.declare.practices import KEYS
from tarry.prompts import deck, duplicates, inner, quality, rituals, staying
from tarry.prompts.schema import CONTEXTS

IDS = Path(__file__).parents[1] / "data" / "prompts" / "ids.txt"


def test_at_least_300_prompts_each_with_level_contexts_and_practices() -> None:
    prompts = deck.prompts()
    assert len(prompts) >= 300
    for p in prompts:
        assert p.level in (1, 2, 3, 4), p.id
        assert p.contexts and set(p.contexts) <= set(CONTEXTS), p.id
        assert p.practices and set(p.practices) <= set(KEYS), p.id
        assert p.text.strip() == p.text and p.text[-1] in "?.", p.id


@pytest.mark.parametrize("context", CONTEXTS)
@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_every_context_has_a_real_choice_at_every_level(context: str, level: int) -> None:
    own = [p for p in deck.prompts() if context in p.contexts and p.level == level]
    assert len(own) >= 12


def test_every_practice_is_served_by_prompts_at_several_levels() -> None:
    for key in KEYS:
        levels = {p.level for p in deck.prompts() if key in p.practices}
        assert len(levels) >= 3, key


def test_the_evening_is_three_escalating_sets_of_twelve() -> None:
    steps = deck.evening()
    assert [s.number for s in steps] == list(range(1, 37))
    assert [s.set for s in steps] == [1] * 12 + [2] * 12 + [3] * 12


def test_rituals_have_timed_turns_cues_and_a_close() -> None:
    cues, found = rituals.load()
    assert set(cues) == {"reflect", "ask", "dont_fix", "dont_minimise", "stay"}
    assert {"checkin", "repair", "rough-day", "friend"} <= {r.id for r in found}
    for ritual in found:
        speakers = {s.speaker for s in ritual.steps}
        assert {"you", "them"} <= speakers, ritual.id
        listened = [s for s in ritual.steps if s.speaker != "both" and s.cues]
        assert listened and all(s.minutes > 0 for s in ritual.steps), ritual.id
        assert ritual.close and ritual.practices


def test_at_least_15_staying_cards_one_per_urge() -> None:
    cards = staying.cards()
    assert len(cards) >= 15
    assert len({c.urge for c in cards}) == len(cards)


def test_every_inner_trigger_has_several_prompts() -> None:
    for trigger in inner.PLACEHOLDERS:
        assert len([p for p in inner.prompts() if p.trigger == trigger]) >= 5, trigger


def test_no_near_duplicates_anywhere() -> None:
    assert quality.check().duplicates == []


def test_ids_are_stable_none_ever_disappears() -> None:
    shipped = {line for line in IDS.read_text().splitlines() if line and not line.startswith("#")}
    current = (
        {p.id for p in deck.prompts()}
        | {s.id for s in deck.evening()}
        | {p.id for p in inner.prompts()}
        | {c.id for c in staying.cards()}
        | {r.id for r in rituals.rituals()}
    )
    assert shipped - current == set()


def test_near_duplicate_detection_catches_a_rewording() -> None:
    pairs = duplicates.near_duplicates(
        [
            ("a", "What's a small thing I do that you'd quietly miss if I stopped?"),
            ("b", "What small thing do I do that you would quietly miss if I stopped doing it?"),
            ("c", "Which goodbye in your life still hurts?"),
            ("d", "Which goodbye in your life still hurts you?"),
            ("e", "What do you find hard to ask for?"),
        ]
    )
    assert [(p.first, p.second) for p in pairs] == [("a", "b"), ("c", "d")]
    assert pairs[0].jaccard == 0.62
