"""The conversation decks and the 36-step evening: loading, validating and filtering prompts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tarry.base.errors import InvalidInput
from tarry.declare.practices import KEYS as PRACTICE_KEYS
from tarry.prompts import schema
from tarry.prompts.schema import CONTENT, CONTEXTS, LEVELS, Field

PROMPT_SPEC = {
    "id": Field(str),
    "level": Field(int, choices=LEVELS),
    "contexts": Field(list, choices=CONTEXTS),
    "practices": Field(list, choices=PRACTICE_KEYS),
    "text": Field(str),
}
EVENING_SPEC = {
    "id": Field(str),
    "set": Field(int, choices=(1, 2, 3)),
    "practices": Field(list, choices=PRACTICE_KEYS),
    "text": Field(str),
}
EVENING_SIZE = 36


@dataclass(frozen=True)
class Prompt:
    """One conversation prompt. `level` runs from 1 (light) to 4 (most vulnerable)."""

    id: str
    text: str
    level: int
    contexts: tuple[str, ...]
    practices: tuple[str, ...]
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "depth": self.level,
            "practices": list(self.practices),
            "contexts": list(self.contexts),
        }

    def fits(self, context: str) -> bool:
        """Whether the prompt suits a context; prompts for `any` suit every one."""
        return context in self.contexts or "any" in self.contexts


@dataclass(frozen=True)
class Step:
    """One step of the 36-step evening: both people answer, taking turns to go first."""

    number: int
    id: str
    set: int
    text: str
    practices: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.number,
            "id": self.id,
            "set": self.set,
            "text": self.text,
            "practices": list(self.practices),
        }


def deck_files(content: Path = CONTENT) -> list[Path]:
    return sorted((content / "decks").glob("*.toml"))


@schema.reloading
def prompts(content: Path = CONTENT) -> tuple[Prompt, ...]:
    """Every prompt of every deck file, validated; ids are unique across files and the evening."""
    found: list[Prompt] = []
    for path in deck_files(content):
        for n, entry in enumerate(schema.entries(schema.read(path), "prompt", path), 1):
            schema.check(entry, PROMPT_SPEC, path, f"prompt #{n}")
            found.append(_prompt(entry, path))
    schema.unique_ids(
        [(p.id, content / "decks" / p.source) for p in found]
        + [(s.id, content / "evening.toml") for s in evening(content)]
    )
    return tuple(found)


def _prompt(entry: dict[str, Any], path: Path) -> Prompt:
    return Prompt(
        id=entry["id"],
        text=" ".join(entry["text"].split()),
        level=entry["level"],
        contexts=tuple(entry["contexts"]),
        practices=tuple(entry["practices"]),
        source=path.name,
    )


@schema.reloading
def evening(content: Path = CONTENT) -> tuple[Step, ...]:
    """The 36 steps in file order: three sets of twelve that escalate."""
    path = content / "evening.toml"
    raw = schema.entries(schema.read(path), "step", path)
    steps = []
    for n, entry in enumerate(raw, 1):
        schema.check(entry, EVENING_SPEC, path, f"step #{n}")
        text = " ".join(entry["text"].split())
        steps.append(Step(n, entry["id"], entry["set"], text, tuple(entry["practices"])))
    _check_evening(steps, path)
    return tuple(steps)


def _check_evening(steps: list[Step], path: Path) -> None:
    sets = [s.set for s in steps]
    if (
        len(steps) != EVENING_SIZE
        or sets != sorted(sets)
        or any(sets.count(k) != 12 for k in (1, 2, 3))
    ):
        raise schema.FormatError(
            "the evening must be 36 steps: set 1, then set 2, then set 3, twelve each",
            path=str(path),
            hint=schema.FIX_HINT,
        )


def select(
    items: Iterable[Prompt], *, context: str | None = None, level: int | None = None
) -> list[Prompt]:
    """Prompts that fit a context and level (either may be None for all)."""
    return [
        p
        for p in items
        if (context is None or p.fits(context)) and (level is None or p.level == level)
    ]


def check_context(context: str) -> str:
    if context not in CONTEXTS:
        raise InvalidInput(f"Unknown context {context!r}.", f"Choose from: {', '.join(CONTEXTS)}.")
    return context


def check_level(level: int) -> int:
    if level not in LEVELS:
        raise InvalidInput(
            f"Depth must be 1 (light) to 4 (most vulnerable), not {level}.",
            field="depth",
            example="2",
        )
    return level


def by_id(prompt_id: str, content: Path = CONTENT) -> Prompt | None:
    return next((p for p in prompts(content) if p.id == prompt_id), None)
