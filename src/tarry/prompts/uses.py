"""Prompt uses: which prompt, evening step or ritual was used with whom and when.

Choosing reads them to avoid repeats; `history.py` lists them with their words.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tarry.base import clock
from tarry.declare.people import Person
from tarry.store import Store

KINDS = ("prompt", "evening", "ritual")


def add(
    store: Store,
    kind: str,
    prompt_id: str,
    person: Person | None,
    context: str,
    depth: int | None,
    at: datetime | None = None,
) -> None:
    with store.tx():
        store.execute(
            "INSERT INTO prompt_uses (kind, prompt_id, person_id, context, depth, used_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (kind, prompt_id, person.id if person else None, context, depth,
             clock.to_text(at or clock.now())),
        )  # fmt: skip


def recent(store: Store, person_id: int | None, now: datetime, days: int) -> dict[str, str]:
    """Prompt ids used with the person (or with nobody) in the last `days` -> last used at."""
    rows = store.query(
        "SELECT prompt_id, MAX(used_at) AS last FROM prompt_uses"
        " WHERE person_id IS ? AND used_at >= ? GROUP BY prompt_id",
        (person_id, clock.to_text(now - timedelta(days=days))),
    )
    return {r["prompt_id"]: r["last"] for r in rows}
