"""Choosing a prompt: fit the person and context, never repeat recently, lean one step deeper.

The depth a relationship has reached is read from recent moments with the person: the disclosure
rating gives the level (fact 1, thought 2, feeling 3) and high closeness (intimacy 6-7) adds one.
The prompt aims one level above the typical (lower median) recent level: depth over comfort, gently.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from tarry.base import clock
from tarry.declare import people
from tarry.declare.people import Person
from tarry.prompts import deck, inner, uses
from tarry.prompts.deck import Prompt
from tarry.store import Store

REPEAT_WINDOW_DAYS = 90
MOMENT_WINDOW_DAYS = 60
MOMENTS_CONSIDERED = 5
START_LEVEL = 2
DISCLOSURE_LEVEL = {"none": 1, "fact": 1, "thought": 2, "feeling": 3}
CONTEXT_OF_RELATION = {
    "partner": "partner",
    "date": "date",
    "friend": "friend",
    "family": "family",
    "other": "any",
}
LEVEL_WORDS = {1: "light", 2: "personal", 3: "vulnerable", 4: "most vulnerable"}


@dataclass(frozen=True)
class Reached:
    """How deep recent moments with a person went: the typical level and how many were seen."""

    level: int | None
    moments: int


@dataclass(frozen=True)
class Choice:
    """A chosen prompt and why it was chosen."""

    prompt: Prompt
    context: str
    person: str | None
    target: int
    reached: Reached
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.prompt.to_dict(),
            "context": self.context,
            "person": self.person,
            "target_depth": self.target,
            "reached_depth": self.reached.level,
            "reason": self.reason,
        }


def context_for(person: Person | None, context: str | None = None) -> str:
    """An explicit context wins; else the person's relation decides; else `any`."""
    if context:
        return deck.check_context(context)
    return CONTEXT_OF_RELATION.get(person.relation, "any") if person else "any"


def moment_level(disclosure: str, intimacy: int) -> int:
    level = DISCLOSURE_LEVEL.get(disclosure, 1)
    return min(4, level + 1) if intimacy >= 6 else level


def reached_depth(store: Store, person_id: int, now: datetime) -> Reached:
    """The lower median level of the last few moments with the person in the moment window."""
    since = clock.to_text(now - timedelta(days=MOMENT_WINDOW_DAYS))
    rows = store.query(
        "SELECT m.disclosure, m.intimacy FROM moments m"
        " JOIN moment_people mp ON mp.moment_id = m.id"
        " WHERE mp.person_id = ? AND m.at >= ? AND m.at <= ? ORDER BY m.at DESC LIMIT ?",
        (person_id, since, clock.to_text(now), MOMENTS_CONSIDERED),
    )
    levels = sorted(moment_level(r["disclosure"], r["intimacy"]) for r in rows)
    return Reached(levels[(len(levels) - 1) // 2] if levels else None, len(levels))


def choose(
    store: Store,
    *,
    person: Person | None = None,
    context: str | None = None,
    depth: int | None = None,
    seed: int | None = None,
    now: datetime | None = None,
) -> Choice:
    """Pick a prompt for the person and context; the reason says how it was chosen."""
    now = now or clock.now()
    context = context_for(person, context)
    reached = reached_depth(store, person.id, now) if person else Reached(None, 0)
    target = deck.check_level(depth) if depth else aim(reached)
    used = uses.recent(store, person.id if person else None, now, REPEAT_WINDOW_DAYS)
    fitting = deck.select(deck.prompts(), context=context)
    prompt, note = _pick(fitting, target, used, random.Random(seed))
    reason = explain(person, context, target, reached, asked=depth is not None) + note
    return Choice(prompt, context, person.name if person else None, target, reached, reason)


def aim(reached: Reached) -> int:
    """One step deeper than the typical recent level; a gentle start without history."""
    return START_LEVEL if reached.level is None else min(4, reached.level + 1)


def _pick(
    fitting: list[Prompt], target: int, used: dict[str, str], rng: random.Random
) -> tuple[Prompt, str]:
    """Fresh prompts at the target level first, then the nearest level; else the oldest use."""
    for level in sorted(range(1, 5), key=lambda lv: (abs(lv - target), lv > target)):
        fresh = sorted((p for p in fitting if p.level == level and p.id not in used), key=_id)
        if fresh:
            note = "" if level == target else f" Every level {target} prompt was used recently,"
            note += f" so this is the nearest level, {level}." if level != target else ""
            return rng.choice(fresh), note
    at_target = [p for p in fitting if p.level == target] or fitting
    oldest = min(at_target, key=lambda p: (used.get(p.id, ""), p.id))
    return oldest, " Every fitting prompt was used recently; this one was used longest ago."


def _id(prompt: Prompt) -> str:
    return prompt.id


def explain(
    person: Person | None, context: str, target: int, reached: Reached, *, asked: bool
) -> str:
    """The reason, in words the user can check against their own log."""
    fit = f"It fits a {context} conversation" if context != "any" else "It works with anyone"
    window = f"and was not used{' with ' + person.name if person else ''} in the last"
    fit += f" {window} {REPEAT_WINDOW_DAYS} days."
    if asked:
        return f"Depth {target} ({LEVEL_WORDS[target]}), as asked. {fit}"
    if person is None:
        return f"No person given, so it starts gently at depth {target}. {fit}"
    if reached.level is None:
        return (
            f"No recent moments with {person.name} to go by, so it starts gently"
            f" at depth {target}. {fit}"
        )
    step = "leans one step deeper" if target > reached.level else "stays at the deepest level"
    return (
        f"Your last {_moments(reached.moments)} with {person.name} typically reached depth"
        f" {reached.level} ({LEVEL_WORDS[reached.level]}); this one {step},"
        f" to depth {target}. {fit}"
    )


def _moments(count: int) -> str:
    return "moment" if count == 1 else f"{count} moments"


def record(
    store: Store, choice: Choice, person: Person | None, now: datetime | None = None
) -> None:
    """Remember the use so the prompt is not offered to the same person again soon."""
    uses.add(store, "prompt", choice.prompt.id, person, choice.context, choice.prompt.level, now)


def daily(store: Store, now: datetime | None = None) -> Choice:
    """A prompt for the day (stable all day, not recorded), for whoever you are seeing today."""
    now = now or clock.now()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    planned = inner.planned_with_people(store, start, start + timedelta(days=1))
    person = people.find(store, planned[0].people[0]) if planned else None
    chosen = choose(store, person=person, seed=now.date().toordinal(), now=now)
    if not planned or person is None:
        return chosen
    when = planned[0].scheduled_at.strftime("%H:%M")
    seeing = f"You are seeing {person.name} today at {when} ({planned[0].title}). "
    return replace(chosen, reason=seeing + chosen.reason)
