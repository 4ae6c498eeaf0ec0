"""Inner-life prompts that follow recent life, each with a reason the user can check.

`suggest(store, now)` looks at the last days and returns suggestions in this order: after a moment
rated high in discomfort, after a commitment traded away, before a planned evening with someone,
after a week without feeling-level disclosure; a general prompt when nothing stands out.
"""

from __future__ import annotations

import re
import string
import zlib
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tarry.base import clock
from tarry.commit import commitments
from tarry.commit.commitments import Occurrence
from tarry.prompts import schema
from tarry.prompts.deck import CONTENT
from tarry.prompts.schema import Field
from tarry.store import Store

PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "discomfort": ("person", "day", "discomfort"),
    "traded": ("commitment", "day", "chose"),
    "no_feeling": ("moments",),
    "before_evening": ("commitment", "person", "when"),
    "quiet": (),
}
PROMPT_SPEC = {
    "id": Field(str),
    "trigger": Field(str, choices=tuple(PLACEHOLDERS)),
    "text": Field(str),
}
HIGH_DISCOMFORT = 7
LOOKBACK_DAYS = 7
TRADED_LOOKBACK_DAYS = 14
AHEAD_HOURS = 48


@dataclass(frozen=True)
class InnerPrompt:
    id: str
    trigger: str
    text: str

    def fields(self) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.text) if name}


@dataclass(frozen=True)
class Suggestion:
    """A journal prompt, the trigger that raised it, and the reason in plain words."""

    text: str
    reason: str
    trigger: str
    prompt_id: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@schema.reloading
def prompts(content: Path = CONTENT) -> tuple[InnerPrompt, ...]:
    """Every inner-life prompt, validated: known trigger, only that trigger's placeholders."""
    path = content / "inner.toml"
    found = []
    for n, entry in enumerate(schema.entries(schema.read(path), "prompt", path), 1):
        schema.check(entry, PROMPT_SPEC, path, f"prompt #{n}")
        found.append(InnerPrompt(entry["id"], entry["trigger"], " ".join(entry["text"].split())))
        _check_fields(found[-1], path)
    schema.unique_ids((p.id, path) for p in found)
    return tuple(found)


def _check_fields(prompt: InnerPrompt, path: Path) -> None:
    try:
        extra = prompt.fields() - set(PLACEHOLDERS[prompt.trigger])
    except ValueError as exc:
        raise schema.FormatError(f"prompt {prompt.id!r}: {exc}", path=str(path)) from exc
    if extra:
        allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS[prompt.trigger]) or "none"
        raise schema.FormatError(
            f"prompt {prompt.id!r} uses {{{sorted(extra)[0]}}}, which {prompt.trigger!r} does not"
            f" provide (allowed: {allowed})",
            path=str(path),
            hint=schema.FIX_HINT,
        )


def suggest(store: Store, now: datetime | None = None) -> list[Suggestion]:
    """Suggestions that follow recent life, most pressing first; never empty."""
    now = now or clock.now()
    found = [
        s
        for s in (
            _after_discomfort(store, now),
            _after_trade(store, now),
            _before_evening(store, now),
            _after_quiet_week(store, now),
        )
        if s is not None
    ]
    return found or [_fill("quiet", {}, "nothing in particular stands out lately", now, "")]


def _fill(trigger: str, values: dict[str, str], reason: str, now: datetime, ref: str) -> Suggestion:
    """A prompt for the trigger, stable for the day and the event, with its placeholders filled."""
    usable = [p for p in prompts() if p.trigger == trigger and p.fields() <= set(values)]
    pick = usable[zlib.crc32(f"{trigger}|{now.date()}|{ref}".encode()) % len(usable)]
    return Suggestion(pick.text.format(**values), f"because {reason}", trigger, pick.id)


def _after_discomfort(store: Store, now: datetime) -> Suggestion | None:
    row = store.one(
        "SELECT id, at, discomfort FROM moments WHERE discomfort >= ? AND at >= ? AND at <= ?"
        " ORDER BY at DESC, id DESC LIMIT 1",
        (HIGH_DISCOMFORT, _since(now, days=LOOKBACK_DAYS), clock.to_text(now)),
    )
    if row is None:
        return None
    person = _names(store, row["id"]) or "someone"
    day = clock.from_text(row["at"]).strftime("%A")
    values = {"person": person, "day": day, "discomfort": str(row["discomfort"])}
    reason = f"your moment with {person} on {day} was rated {row['discomfort']}/10 for discomfort"
    return _fill("discomfort", values, reason, now, str(row["id"]))


def _after_trade(store: Store, now: datetime) -> Suggestion | None:
    local = clock.wall(now)
    row = store.one(
        "SELECT o.id, o.scheduled_at, c.title, t.chose FROM occurrences o"
        " JOIN commitments c ON c.id = o.commitment_id"
        " LEFT JOIN tradeoffs t ON t.id = o.tradeoff_id"
        " WHERE o.status = 'traded' AND o.scheduled_at >= ? AND o.scheduled_at <= ?"
        " ORDER BY o.scheduled_at DESC LIMIT 1",
        ((local - timedelta(days=TRADED_LOOKBACK_DAYS)).isoformat(), local.isoformat()),
    )
    if row is None:
        return None
    day = datetime.fromisoformat(row["scheduled_at"]).strftime("%A")
    title = _in_sentence(store, row["title"])
    chose = row["chose"] or "something else"
    values = {"commitment": title, "day": day, "chose": chose}
    return _fill("traded", values, f"you traded {day}'s {title} for {chose}", now, str(row["id"]))


def _before_evening(store: Store, now: datetime) -> Suggestion | None:
    planned = planned_with_people(store, now, now + timedelta(hours=AHEAD_HOURS))
    if not planned:
        return None
    soon = planned[0]
    person = " and ".join(soon.people)
    title, when = _in_sentence(store, _without(soon.title, person)), _when(soon.scheduled_at, now)
    values = {"commitment": title, "person": person, "when": when}
    reason = f"you have {title} with {person} {when}"
    return _fill("before_evening", values, reason, now, f"{soon.commitment_id}|{soon.scheduled_at}")


def planned_with_people(store: Store, start: datetime, end: datetime) -> list[Occurrence]:
    """Unmarked occurrences in [start, end) of active commitments with someone, soonest first."""
    # Only these commitments are expanded: rules run from their first date, so it adds up.
    ids = store.query(
        "SELECT DISTINCT c.id FROM commitments c JOIN commitment_people cp"
        " ON cp.commitment_id = c.id WHERE c.ended_at IS NULL ORDER BY c.id"
    )
    found = [
        o
        for row in ids
        for o in commitments.occurrences(store, start, end, commitment=row[0])
        if o.status == "pending"
    ]
    return sorted(found, key=lambda o: (o.scheduled_at, o.title))


def _after_quiet_week(store: Store, now: datetime) -> Suggestion | None:
    if not store.scalar("SELECT 1 FROM moments LIMIT 1"):
        return None  # nothing logged yet: there is no week to read
    rows = store.query(
        "SELECT disclosure FROM moments WHERE at >= ? AND at <= ?",
        (_since(now, days=LOOKBACK_DAYS), clock.to_text(now)),
    )
    if any(r["disclosure"] == "feeling" for r in rows):
        return None
    count = len(rows)
    values = {"moments": f"{count} moment{'s' if count != 1 else ''}"} if count else {}
    reason = (
        f"none of your {values['moments']} in the past {LOOKBACK_DAYS} days reached feeling-level"
        " disclosure"
        if count
        else f"you logged no moments in the past {LOOKBACK_DAYS} days"
    )
    return _fill("no_feeling", values, reason, now, str(count))


def _since(now: datetime, *, days: int) -> str:
    return clock.to_text(now - timedelta(days=days))


def _names(store: Store, moment_id: int) -> str:
    rows = store.query(
        "SELECT p.name FROM moment_people mp JOIN people p ON p.id = mp.person_id"
        " WHERE mp.moment_id = ? ORDER BY p.name",
        (moment_id,),
    )
    return " and ".join(r["name"] for r in rows)


def _in_sentence(store: Store, title: str) -> str:
    """'Phone-free dinner' reads 'phone-free dinner' mid-sentence; a name like 'Sam' stays."""
    first = title.split(" ", 1)[0]
    named = store.one(
        "SELECT 1 FROM people WHERE name = ? UNION SELECT 1 FROM aliases WHERE alias = ?",
        (first, first),
    )
    if named or first.isupper() or not first[:1].isupper():
        return title
    return title[0].lower() + title[1:]


def _without(title: str, person: str) -> str:
    """'Dinner with Sam' -> 'Dinner', since the prompt names Sam itself."""
    return re.sub(r"\s+with\s+" + re.escape(person) + r"\s*$", "", title, flags=re.I) or title


def _when(at: datetime, now: datetime) -> str:
    days = (at.date() - now.date()).days
    clock_time = at.strftime("%H:%M")
    if days == 0:
        return f"{'tonight' if at.hour >= 17 else 'today'} at {clock_time}"
    if days == 1:
        return f"tomorrow at {clock_time}"
    return f"on {at.strftime('%A')} at {clock_time}"
