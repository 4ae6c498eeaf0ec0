"""Tradeoffs: what was chosen over what, toward closeness or away from it, and the cost.

A tradeoff reads "chose X over Y". `toward` means closeness won (an evening of real conversation
over another hour of work); `away` means closeness lost. Marking a commitment's occurrence as
traded records an `away` tradeoff linked to that occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tarry.base import clock
from tarry.base.errors import InvalidInput, NotFound, Step
from tarry.declare import practices as practice_keys
from tarry.reflect.moments import check_when
from tarry.store import Store, undo

MAX_COST_HOURS = 24 * 7

DIRECTIONS = ("toward", "away")


@dataclass
class Tradeoff:
    id: int
    at: datetime
    chose: str
    over: str
    direction: str
    cost_hours: float | None
    cost_note: str
    note: str
    practices: list[str] = field(default_factory=list)
    commitment: str | None = None  # the commitment whose occurrence was traded, if any

    def describe(self) -> str:
        way = "toward closeness" if self.direction == "toward" else "away from closeness"
        return f"Chose {self.chose} over {self.over} ({way})"

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["at"] = self.at.isoformat()
        return data


def _check(chose: str, over: str, direction: str, cost_hours: float | None) -> None:
    if not chose or not over:
        raise InvalidInput(
            "A tradeoff needs both what you chose and what you chose it over.",
            field="chose" if not chose else "over",
            expected="what you chose" if not chose else "what you chose it over",
            example="dinner with Sam" if not chose else "the quarterly deck",
        )
    if direction not in DIRECTIONS:
        raise InvalidInput(
            f"Unknown direction {direction!r}.",
            field="direction",
            expected="toward (closeness won) or away (closeness lost)",
        )
    if cost_hours is not None and cost_hours < 0:
        raise InvalidInput(f"A cost cannot be negative ({cost_hours:g} h).", field="cost_hours")
    if cost_hours is not None and cost_hours > MAX_COST_HOURS:
        raise InvalidInput(
            f"A tradeoff costs at most a week ({MAX_COST_HOURS} h), not {cost_hours:g} h.",
            "Record a longer stretch as one tradeoff per week.",
            field="cost_hours",
        )


def record(
    store: Store,
    chose: str,
    over: str,
    *,
    direction: str,
    at: datetime | None = None,
    cost_hours: float | None = None,
    cost_note: str = "",
    practices: Iterable[str] | str | None = None,
    note: str = "",
) -> Tradeoff:
    """Record that `chose` won over `over`; `direction` is 'toward' or 'away' (from closeness)."""
    chose, over = chose.strip(), over.strip()
    _check(chose, over, direction, cost_hours)
    check_when(at or clock.now(), days_ahead=366)  # a trade can be decided ahead
    keys = practice_keys.parse(practices)
    with store.tx():
        cur = store.execute(
            "INSERT INTO tradeoffs (at, chose, over, direction, cost_hours, cost_note, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (clock.to_text(at or clock.now()), chose, over, direction, cost_hours,
             cost_note.strip(), note.strip()),
        )  # fmt: skip
        tradeoff_id = int(cur.lastrowid or 0)
        store.conn.executemany(
            "INSERT INTO tradeoff_practices (tradeoff_id, practice) VALUES (?, ?)",
            [(tradeoff_id, key) for key in keys],
        )
    return get(store, tradeoff_id)


SELECT = """
SELECT t.*,
    (SELECT group_concat(practice, char(31)) FROM (SELECT practice FROM tradeoff_practices
        WHERE tradeoff_id = t.id ORDER BY practice)) AS keys,
    (SELECT c.title FROM occurrences o JOIN commitments c ON c.id = o.commitment_id
        WHERE o.tradeoff_id = t.id) AS commitment
FROM tradeoffs t
"""


def _from_row(row: Any) -> Tradeoff:
    keys = row["keys"].split("\x1f") if row["keys"] else []
    return Tradeoff(
        row["id"], clock.from_text(row["at"]), row["chose"], row["over"], row["direction"],
        row["cost_hours"], row["cost_note"], row["note"], keys, row["commitment"],
    )  # fmt: skip


def get(store: Store, tradeoff_id: int) -> Tradeoff:
    row = store.one(SELECT + " WHERE t.id = ?", (tradeoff_id,))
    if row is None:
        raise NotFound(f"No tradeoff with id {tradeoff_id}.", step=Step.LIST_TRADEOFFS)
    return _from_row(row)


def all_tradeoffs(
    store: Store,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    direction: str | None = None,
) -> list[Tradeoff]:
    """Tradeoffs, newest first, optionally in [since, until) and in one direction."""
    where, params = ["1"], []
    if since is not None:
        where.append("t.at >= ?")
        params.append(clock.to_text(since))
    if until is not None:
        where.append("t.at < ?")
        params.append(clock.to_text(until))
    if direction is not None:
        if direction not in DIRECTIONS:
            raise InvalidInput(f"Unknown direction {direction!r}.", "Use toward or away.")
        where.append("t.direction = ?")
        params.append(direction)
    sql = SELECT + f" WHERE {' AND '.join(where)} ORDER BY t.at DESC, t.id DESC"
    return [_from_row(row) for row in store.query(sql, params)]


def summary(tradeoff: Tradeoff) -> str:
    return f"tradeoff {tradeoff.id}: {tradeoff.chose} over {tradeoff.over}, {tradeoff.at:%a %d %b}"


def edit(
    store: Store,
    tradeoff_id: int,
    *,
    chose: str | None = None,
    over: str | None = None,
    direction: str | None = None,
    at: datetime | None = None,
    cost_hours: float | None = None,
    clear_cost: bool = False,
    cost_note: str | None = None,
    practices: Iterable[str] | str | None = None,
    note: str | None = None,
) -> Tradeoff:
    """Change what is given (None keeps it; `clear_cost` drops the hours); undoable."""
    old = get(store, tradeoff_id)
    row: dict[str, Any] = {
        "chose": (chose if chose is not None else old.chose).strip(),
        "over": (over if over is not None else old.over).strip(),
        "direction": direction or old.direction,
        "cost_hours": None if clear_cost else (
            cost_hours if cost_hours is not None else old.cost_hours),
        "cost_note": (cost_note if cost_note is not None else old.cost_note).strip(),
        "note": (note if note is not None else old.note).strip(),
        "at": clock.to_text(at or old.at),
    }  # fmt: skip
    _check(row["chose"], row["over"], row["direction"], row["cost_hours"])
    if at is not None:
        check_when(at, days_ahead=366)
    keys = practice_keys.parse(practices) if practices is not None else None
    with store.tx():
        before = undo.edit(store, "tradeoffs", tradeoff_id, ("tradeoff_practices",))
        sets = ", ".join(f"{name} = ?" for name in row)
        store.execute(f"UPDATE tradeoffs SET {sets} WHERE id = ?", (*row.values(), tradeoff_id))
        if keys is not None:
            store.execute("DELETE FROM tradeoff_practices WHERE tradeoff_id = ?", (tradeoff_id,))
            store.conn.executemany(
                "INSERT INTO tradeoff_practices (tradeoff_id, practice) VALUES (?, ?)",
                [(tradeoff_id, key) for key in keys],
            )
        undo.record_edit(store, "tradeoff", tradeoff_id, summary(old), before)
    return get(store, tradeoff_id)


def remove(store: Store, tradeoff_id: int) -> undo.Change:
    """Delete a tradeoff; an occurrence traded for it stays traded, without the link (until
    the deletion is undone). Undoable for undo.UNDO_DAYS days."""
    tradeoff = get(store, tradeoff_id)
    return undo.delete(store, "tradeoff", "tradeoffs", tradeoff_id, summary(tradeoff))
