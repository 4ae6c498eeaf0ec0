"""People: who the practice is with. Aliases match chat authors; cadence drives drift."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from tarry.base import clock
from tarry.base.errors import Conflict, InvalidInput, NotFound, Step
from tarry.store import Store, undo

RELATIONS = ("partner", "date", "friend", "family", "other")
MAX_CADENCE_DAYS = 3650


@dataclass
class Person:
    id: int
    name: str
    relation: str
    cadence_days: float | None
    note: str
    aliases: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check(relation: str | None, cadence_days: float | None) -> None:
    if relation is not None and relation not in RELATIONS:
        raise InvalidInput(
            f"Unknown relation {relation!r}.",
            field="relation",
            expected=f"one of {', '.join(RELATIONS)}",
        )
    if cadence_days is not None and not (
        math.isfinite(cadence_days) and 0 < cadence_days <= MAX_CADENCE_DAYS
    ):
        raise InvalidInput(
            f"Contact cadence must be a number of days from 1 to {MAX_CADENCE_DAYS}, "
            f"not {cadence_days:g}.",
            field="cadence_days",
            expected=f"how often to be in touch, in days (1 to {MAX_CADENCE_DAYS}); weekly is 7",
            example="7",
        )


def add(
    store: Store,
    name: str,
    *,
    relation: str = "friend",
    cadence_days: float | None = None,
    aliases: Iterable[str] = (),
    note: str = "",
) -> Person:
    name = name.strip()
    if not name:
        raise InvalidInput("A person needs a name.")
    _check(relation, cadence_days)
    same = find(store, name)
    if same is not None:
        what = "is already in tarry" if same.name.lower() == name.lower() else (
            f"is already an alias of {same.name}")  # fmt: skip
        raise Conflict(f"{name} {what}.", field="name", step=Step.EDIT_PERSON)
    with store.tx():
        cur = store.execute(
            "INSERT INTO people (name, relation, cadence_days, note, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (name, relation, cadence_days, note, clock.to_text(clock.now())),
        )
        person_id = int(cur.lastrowid or 0)
        _add_aliases(store, person_id, aliases)
    return get(store, name)


def _add_aliases(store: Store, person_id: int, aliases: Iterable[str]) -> None:
    for alias in (a.strip() for a in aliases):
        if not alias:
            continue
        owner = find(store, alias)
        if owner is not None and owner.id != person_id:
            raise Conflict(
                f"{alias!r} already names {owner.name}.", "An alias must be unique to one person."
            )
        store.execute(
            "INSERT OR IGNORE INTO aliases (person_id, alias) VALUES (?, ?)", (person_id, alias)
        )


def _from_row(store: Store, row: Any) -> Person:
    aliases = [
        r[0]
        for r in store.query(
            "SELECT alias FROM aliases WHERE person_id = ? ORDER BY alias", (row["id"],)
        )
    ]
    return Person(
        row["id"], row["name"], row["relation"], row["cadence_days"], row["note"], aliases
    )


def get(store: Store, name: str) -> Person:
    """Find a person by name or alias (case-insensitive)."""
    row = store.one("SELECT * FROM people WHERE name = ?", (name.strip(),))
    if row is None:
        row = store.one(
            "SELECT p.* FROM people p JOIN aliases a ON a.person_id = p.id WHERE a.alias = ?",
            (name.strip(),),
        )
    if row is None:
        raise NotFound(f"No person called {name!r}.", step=Step.LIST_PEOPLE)
    return _from_row(store, row)


def by_id(store: Store, person_id: int) -> Person:
    # An id beyond SQLite's 64 bits (a hand-typed URL) names nobody, rather than overflowing.
    fits = -(2**63) <= person_id < 2**63
    row = store.one("SELECT * FROM people WHERE id = ?", (person_id,)) if fits else None
    if row is None:
        raise NotFound(f"No person with id {person_id}.", step=Step.LIST_PEOPLE)
    return _from_row(store, row)


def find(store: Store, name: str) -> Person | None:
    try:
        return get(store, name)
    except NotFound:
        return None


def all_people(store: Store) -> list[Person]:
    return [_from_row(store, r) for r in store.query("SELECT * FROM people ORDER BY name")]


def edit(
    store: Store,
    name: str,
    *,
    new_name: str | None = None,
    relation: str | None = None,
    cadence_days: float | None = None,
    clear_cadence: bool = False,
    add_aliases: Iterable[str] = (),
    remove_aliases: Iterable[str] = (),
    note: str | None = None,
) -> Person:
    """Change what is given (None keeps it; `clear_cadence` drops the cadence); undoable."""
    person = get(store, name)
    _check(relation, cadence_days)
    if new_name is not None and not new_name.strip():
        raise InvalidInput("A person needs a name.", field="name", example=person.name)
    other = find(store, new_name) if new_name else None
    if other is not None and other.id != person.id:
        raise Conflict(f"{new_name!r} already names {other.name}.", "Choose another name.",
                       field="name")  # fmt: skip
    cadence = None if clear_cadence else (
        cadence_days if cadence_days is not None else person.cadence_days)  # fmt: skip
    with store.tx():
        before = undo.edit(store, "people", person.id, owned=("aliases",))
        store.execute(
            "UPDATE people SET name = ?, relation = ?, cadence_days = ?, note = ? WHERE id = ?",
            (
                (new_name or person.name).strip(),
                relation or person.relation,
                cadence,
                note.strip() if note is not None else person.note,
                person.id,
            ),
        )
        _add_aliases(store, person.id, add_aliases)
        for alias in remove_aliases:
            store.execute(
                "DELETE FROM aliases WHERE person_id = ? AND alias = ?", (person.id, alias.strip())
            )
        undo.record_edit(store, "person", person.id, person.name, before)
    return by_id(store, person.id)


def remove(store: Store, name: str) -> undo.Change:
    """Delete a person; their moments stay, without them. Undoable for undo.UNDO_DAYS days."""
    person = get(store, name)
    return undo.delete(store, "person", "people", person.id, person.name)


def ids_for(store: Store, names: Iterable[str]) -> list[int]:
    """Resolve names or aliases to ids, failing on the first unknown one."""
    return [get(store, n).id for n in names if n.strip()]
