"""The history of prompt uses, newest first, with the words behind each id."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tarry.base import clock
from tarry.declare import people
from tarry.prompts import deck, rituals
from tarry.store import Store


@dataclass(frozen=True)
class Use:
    kind: str
    prompt_id: str
    text: str
    person: str | None
    context: str
    depth: int | None
    used_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "used_at": self.used_at.isoformat()}


def history(store: Store, *, person: str | None = None, limit: int = 30) -> list[Use]:
    """The latest uses, newest first, with their text; only with `person` when given."""
    sql = (
        "SELECT u.*, p.name FROM prompt_uses u LEFT JOIN people p ON p.id = u.person_id"
        + (" WHERE u.person_id = ?" if person else "")
        + " ORDER BY u.used_at DESC, u.id DESC LIMIT ?"
    )
    params = (people.get(store, person).id, limit) if person else (limit,)
    return [
        Use(r["kind"], r["prompt_id"], text_of(r["kind"], r["prompt_id"]), r["name"],
            r["context"], r["depth"], clock.from_text(r["used_at"]))
        for r in store.query(sql, params)
    ]  # fmt: skip


def text_of(kind: str, prompt_id: str) -> str:
    """The words behind an id; an id no longer shipped reads as itself."""
    if kind == "ritual":
        found = [r.title for r in rituals.rituals() if r.id == prompt_id]
    elif kind == "evening":
        found = [s.text for s in deck.evening() if s.id == prompt_id]
    else:
        found = [p.text for p in deck.prompts() if p.id == prompt_id]
    return found[0] if found else prompt_id
