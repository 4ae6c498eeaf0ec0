"""Check-in rituals: timed speaker and listener turns, the listener's cues, a close, and the log."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tarry.base import clock
from tarry.base.errors import FormatError, InvalidInput, NotFound
from tarry.declare.people import Person
from tarry.declare.practices import KEYS as PRACTICE_KEYS
from tarry.prompts import schema, uses
from tarry.prompts.choose import context_for
from tarry.prompts.deck import CONTENT
from tarry.prompts.schema import CONTEXTS, Field
from tarry.reflect import moments
from tarry.store import Store

CUE_KEYS = ("reflect", "ask", "dont_fix", "dont_minimise", "stay")
SPEAKERS = ("you", "them", "both")
OTHER = "the other person"  # who "them" is when no one is named
MIN_TURN_SECONDS = 30
RITUAL_SPEC = {
    "id": Field(str),
    "title": Field(str),
    "cadence": Field(str),
    "contexts": Field(list, choices=CONTEXTS),
    "practices": Field(list, choices=PRACTICE_KEYS),
    "intro": Field(str),
    "close": Field(str),
    "step": Field(list, items=dict),
}
STEP_SPEC = {
    "title": Field(str),
    "speaker": Field(str, choices=SPEAKERS),
    "minutes": Field((int, float)),
    "text": Field(str),
    "cues": Field(list, required=False, choices=CUE_KEYS),
}


@dataclass(frozen=True)
class RitualStep:
    """One turn: who speaks, for how long by default, what to do, and the listener's cues."""

    title: str
    speaker: str
    minutes: float
    text: str
    cues: tuple[str, ...]


@dataclass(frozen=True)
class Ritual:
    id: str
    title: str
    cadence: str
    contexts: tuple[str, ...]
    practices: tuple[str, ...]
    intro: str
    close: str
    steps: tuple[RitualStep, ...]

    @property
    def minutes(self) -> float:
        return sum(s.minutes for s in self.steps)


@dataclass(frozen=True)
class Turn:
    """A step as it will be run: the listener named, the time scaled, the cue texts resolved."""

    number: int
    step: RitualStep
    speaker: str
    listener: str | None
    seconds: int
    cues: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.number,
            "title": self.step.title,
            "speaker": self.speaker,
            "listener": self.listener,
            "seconds": self.seconds,
            "text": self.step.text,
            "cues": list(self.cues),
        }


@schema.reloading
def load(content: Path = CONTENT) -> tuple[dict[str, str], tuple[Ritual, ...]]:
    """The listener cues and every ritual in rituals.toml, validated."""
    path = content / "rituals.toml"
    data = schema.read(path)
    cues = _cues(data.get("cues"), path)
    found = tuple(
        _ritual(e, n, path) for n, e in enumerate(schema.entries(data, "ritual", path), 1)
    )
    schema.unique_ids((r.id, path) for r in found)
    return cues, found


def _cues(raw: Any, path: Path) -> dict[str, str]:
    if not isinstance(raw, dict) or set(raw) != set(CUE_KEYS):
        raise FormatError(
            f"[cues] must define exactly: {', '.join(CUE_KEYS)}",
            path=str(path),
            hint=schema.FIX_HINT,
        )
    if not all(isinstance(v, str) and v.strip() for v in raw.values()):
        raise FormatError("every cue in [cues] must be non-empty text", path=str(path))
    return dict(raw)


def _ritual(entry: dict[str, Any], n: int, path: Path) -> Ritual:
    schema.check(entry, RITUAL_SPEC, path, f"ritual #{n}")
    steps = []
    for k, raw in enumerate(entry["step"], 1):
        schema.check(raw, STEP_SPEC, path, f"ritual {entry['id']!r} step #{k}")
        steps.append(
            RitualStep(
                raw["title"],
                raw["speaker"],
                raw["minutes"],
                raw["text"],
                tuple(raw.get("cues", ())),
            )
        )
    return Ritual(
        entry["id"],
        entry["title"],
        entry["cadence"],
        tuple(entry["contexts"]),
        tuple(entry["practices"]),
        entry["intro"],
        entry["close"],
        tuple(steps),
    )


def rituals() -> tuple[Ritual, ...]:
    return load()[1]


def get(ritual_id: str) -> Ritual:
    for ritual in rituals():
        if ritual.id == ritual_id:
            return ritual
    names = ", ".join(r.id for r in rituals())
    raise NotFound(f"No ritual called {ritual_id!r}.", f"Choose from: {names}.")


def plan(ritual: Ritual, *, minutes: float | None = None, other: str = OTHER) -> list[Turn]:
    """The turns of a ritual, timed to `minutes` in total (default: the ritual's own timing)."""
    if minutes is not None and minutes <= 0:
        raise InvalidInput(
            f"The minutes must be positive, not {minutes:g}.", field="minutes", example="20"
        )
    scale = (minutes or ritual.minutes) / ritual.minutes
    cues = load()[0]
    return [
        Turn(
            n,
            step,
            _who(step.speaker, other),
            _listener(step.speaker, other),
            max(MIN_TURN_SECONDS, round(step.minutes * 60 * scale)),
            tuple(cues[c] for c in step.cues),
        )
        for n, step in enumerate(ritual.steps, 1)
    ]


def to_dict(ritual: Ritual, turns: list[Turn] | None = None) -> dict[str, Any]:
    """The ritual and its timed turns (default timing unless given), for JSON and the web."""
    turns = turns or plan(ritual)
    return {
        "id": ritual.id,
        "title": ritual.title,
        "cadence": ritual.cadence,
        "minutes": sum(t.seconds for t in turns) / 60,
        "contexts": list(ritual.contexts),
        "practices": list(ritual.practices),
        "intro": ritual.intro,
        "steps": [t.to_dict() for t in turns],
        "close": ritual.close,
    }


def _who(speaker: str, other: str) -> str:
    return {"you": "you", "them": other, "both": "both of you"}[speaker]


def _listener(speaker: str, other: str) -> str | None:
    return {"you": other, "them": "you", "both": None}[speaker]


@dataclass(frozen=True)
class Ratings:
    """The Rochester Interaction Record ratings (1-7) and the deepest disclosure reached."""

    intimacy: int = 4
    i_disclosed: int = 4
    they_disclosed: int = 4
    pleasantness: int = 4
    satisfaction: int = 4
    disclosure: str = "feeling"


def log(
    store: Store,
    ritual: Ritual,
    person: Person,
    *,
    minutes: int,
    ratings: Ratings,
    note: str = "",
    at: datetime | None = None,
) -> int:
    """Log a ritual as a moment with the practices it served; returns the moment id."""
    use = ("ritual", ritual.id, context_for(person))
    note = note or f"Ritual: {ritual.title}"
    return log_moment(store, person, ritual.practices, minutes, ratings, note, use, at)


def log_moment(
    store: Store,
    person: Person,
    practices: tuple[str, ...],
    minutes: int,
    ratings: Ratings,
    note: str,
    use: tuple[str, str, str],
    at: datetime | None = None,
) -> int:
    """A moment (tarry.reflect.moments) plus the use (kind, id, context), in one transaction."""
    at = at or clock.now()
    kind, ident, context = use
    with store.tx():
        moment = moments.log(
            store, [person.name], at=at, duration_min=max(0, minutes), practices=practices,
            note=note, **asdict(ratings),
        )  # fmt: skip
        uses.add(store, kind, ident, person, context, None, at)
    return moment.id
