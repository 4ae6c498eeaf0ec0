"""Staying cards: for the moment you feel the urge to redirect, fix, minimise or flee."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from tarry.base.errors import NotFound
from tarry.prompts import schema
from tarry.prompts.deck import CONTENT
from tarry.prompts.schema import Field

CARD_SPEC = {
    "id": Field(str),
    "urge": Field(str),
    "title": Field(str),
    "text": Field(str),
    "say": Field(str),
}


@dataclass(frozen=True)
class Card:
    """What you feel pulled to do (`urge`), what to do instead, and one line you could say."""

    id: str
    urge: str
    title: str
    text: str
    say: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@schema.reloading
def cards(content: Path = CONTENT) -> tuple[Card, ...]:
    path = content / "staying.toml"
    found = []
    for n, entry in enumerate(schema.entries(schema.read(path), "card", path), 1):
        schema.check(entry, CARD_SPEC, path, f"card #{n}")
        found.append(Card(**{k: " ".join(entry[k].split()) for k in CARD_SPEC}))
    schema.unique_ids((c.id, path) for c in found)
    _unique_urges(found, path)
    return tuple(found)


def _unique_urges(found: list[Card], path: Path) -> None:
    urges = [c.urge for c in found]
    twice = sorted({u for u in urges if urges.count(u) > 1})
    if twice:
        raise schema.FormatError(
            f"urge {twice[0]!r} has more than one card", path=str(path), hint=schema.FIX_HINT
        )


def urges() -> list[str]:
    return [c.urge for c in cards()]


def card(urge: str | None = None, *, seed: int | None = None) -> Card:
    """The card for an urge, or one at random when no urge is named."""
    if urge is None:
        return random.Random(seed).choice(cards())
    wanted = urge.strip().lower()
    for found in cards():
        if found.urge == wanted or found.id == wanted:
            return found
    raise NotFound(f"No staying card for {urge!r}.", f"Choose from: {', '.join(urges())}.")
