"""The undo log: an edit or a deletion, kept UNDO_DAYS days so that it can be undone.

A change is recorded, in the same transaction as the change itself, as the plan that undoes it:

- `remove`: rows the change added, by table and a match, deleted when undoing (cascades follow);
- `update`: rows the change overwrote, set back by their id;
- `restore`: rows the change removed, put back parents first; a row whose id was taken since gets
  a new one, and the rows pointing to it follow;
- `reset`: columns a deletion set to NULL (a conversation's person), set back.

Nothing here knows the domain: what a deletion takes with it comes from the schema's foreign keys
(ON DELETE CASCADE, SET NULL, RESTRICT), so tables added later are handled too. Search indexes
and everything computed from the tables (strength, the review) follow by themselves. Undone or
forgotten changes leave the log; a change older than UNDO_DAYS is forgotten for good.
"""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tarry.base import clock
from tarry.base.errors import Conflict, NotFound, Step

if TYPE_CHECKING:
    from tarry.store import Store

UNDO_DAYS = 30
ACTIONS = ("delete", "edit", "mark")

Row = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Link:
    """A foreign key: `child.column` points to `parent.parent_column`."""

    child: str
    column: str
    parent: str
    parent_column: str
    on_delete: str


@dataclass
class Plan:
    """How to undo one change (see the module docstring)."""

    remove: list[Row] = field(default_factory=list)
    update: list[Row] = field(default_factory=list)
    restore: list[Row] = field(default_factory=list)
    reset: list[tuple[str, str, Any, list[int]]] = field(default_factory=list)

    def __add__(self, other: Plan) -> Plan:
        return Plan(
            self.remove + other.remove,
            self.update + other.update,
            self.restore + other.restore,
            self.reset + other.reset,
        )

    def to_json(self) -> str:
        return json.dumps(
            {"remove": self.remove, "update": self.update, "restore": self.restore,
             "reset": self.reset},
            default=_bytes_out, separators=(",", ":"),
        )  # fmt: skip

    @classmethod
    def from_json(cls, text: str) -> Plan:
        data = json.loads(text, object_hook=_bytes_in)
        keys = ("remove", "update", "restore")
        rows = {key: [(t, r) for t, r in data.get(key, [])] for key in keys}
        return cls(**rows, reset=[tuple(r) for r in data.get("reset", [])])


def _bytes_out(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    raise TypeError(f"cannot keep {type(value).__name__} in the undo log")


def _bytes_in(data: dict[str, Any]) -> Any:
    return base64.b64decode(data["$bytes"]) if set(data) == {"$bytes"} else data


@dataclass
class Change:
    """One change that can still be undone."""

    id: int
    action: str  # delete, edit or mark
    kind: str  # person, moment, entry, tradeoff, commitment, occurrence, profile
    ref: int
    summary: str
    done_at: datetime

    @property
    def until(self) -> datetime:
        """When it is forgotten."""
        return self.done_at + timedelta(days=UNDO_DAYS)

    def describe(self) -> str:
        verb = {"delete": "Deleted", "edit": "Changed", "mark": "Marked"}[self.action]
        return f"{verb} {self.summary}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action,
            "kind": self.kind,
            "ref": self.ref,
            "summary": self.summary,
            "done_at": self.done_at.isoformat(),
            "until": self.until.isoformat(),
        }


@dataclass
class Undone:
    change: Change
    ref: int  # the thing's id now (a deleted thing whose id was taken since gets a new one)

    def to_dict(self) -> dict[str, Any]:
        return {**self.change.to_dict(), "ref": self.ref, "undone": True}


# The schema -----------------------------------------------------------------------------------


def links(store: Store) -> list[Link]:
    """Every single-column foreign key of the store's tables."""
    found = []
    for table in _tables(store):
        for fk in store.query("SELECT * FROM pragma_foreign_key_list(?)", (table,)):
            parent_column = fk["to"] or id_column(store, fk["table"]) or "rowid"
            found.append(Link(table, fk["from"], fk["table"], parent_column, fk["on_delete"]))
    return found


def _tables(store: Store) -> list[str]:
    """The store's own tables: not SQLite's, not virtual (search indexes) nor their shadows."""
    rows = store.query(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'"
        " AND name NOT LIKE 'sqlite_%'"
    )
    return [r[0] for r in rows]


def id_column(store: Store, table: str) -> str | None:
    """The table's INTEGER PRIMARY KEY (its rowid), when it has one."""
    keys = [r for r in store.query("SELECT * FROM pragma_table_info(?)", (table,)) if r["pk"]]
    if len(keys) == 1 and str(keys[0]["type"]).upper() == "INTEGER":
        return str(keys[0]["name"])
    return None


def _select(store: Store, table: str, match: Mapping[str, Any]) -> list[dict[str, Any]]:
    where = " AND ".join(f'"{c}" IS ?' for c in match) or "1"
    rows = store.query(f'SELECT * FROM "{table}" WHERE {where}', tuple(match.values()))
    return [dict(r) for r in rows]


# Plans ----------------------------------------------------------------------------------------


def deletion(store: Store, table: str, match: Mapping[str, Any], what: str = "it") -> Plan:
    """The plan that undoes deleting the rows of `table` matching `match`: those rows and every
    row the deletion cascades to, and the references it sets to NULL. A reference that would
    block the deletion (RESTRICT) is refused here, naming `what` is deleted."""
    plan, every = Plan(), links(store)
    _walk(store, every, table, match, plan, what)
    return plan


def _walk(
    store: Store, every: list[Link], table: str, match: Mapping[str, Any], plan: Plan, what: str
) -> None:
    for row in _select(store, table, match):
        plan.restore.append((table, row))
        for link in (k for k in every if k.parent == table):
            value = row.get(link.parent_column)
            if value is None:
                continue
            if link.on_delete == "CASCADE":
                _walk(store, every, link.child, {link.column: value}, plan, what)
            elif link.on_delete in ("SET NULL", "SET DEFAULT"):
                where = f'FROM "{link.child}" WHERE "{link.column}" = ?'
                ids = [r[0] for r in store.query(f"SELECT rowid {where}", (value,))]
                if ids:
                    plan.reset.append((link.child, link.column, value, ids))
            elif store.one(f'SELECT 1 FROM "{link.child}" WHERE "{link.column}" = ?', (value,)):
                raise Conflict(
                    f"Cannot delete {what}: {link.child.replace('_', ' ')} still depends on it.",
                    "Remove what depends on it first; nothing was deleted.",
                )


def edit(store: Store, table: str, ref: int, owned: Iterable[str] = ()) -> Plan:
    """The plan that undoes editing row `ref` of `table` and replacing its rows in the `owned`
    tables (a moment's people and practices, say): call it before the edit."""
    key = id_column(store, table) or "rowid"
    plan = Plan(update=[(table, row) for row in _select(store, table, {key: ref})])
    every = links(store)
    for child in owned:
        (link,) = [k for k in every if k.child == child and k.parent == table]
        plan.remove.append((child, {link.column: ref}))
        plan.restore += [(child, row) for row in _select(store, child, {link.column: ref})]
    return plan


def added(table: str, match: Mapping[str, Any]) -> Plan:
    """The plan that undoes adding the rows of `table` matching `match`: delete them."""
    return Plan(remove=[(table, dict(match))])


# The log --------------------------------------------------------------------------------------


def record(store: Store, action: str, kind: str, ref: int, summary: str, plan: Plan) -> Change:
    """Keep `plan` (how to undo a change just made, in the same transaction) in the log."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    now = clock.now()
    with store.tx():
        forget_old(store)
        cursor = store.execute(
            "INSERT INTO undo_log (action, kind, ref, summary, plan, done_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (action, kind, ref, summary, plan.to_json(), clock.to_text(now)),
        )
    return Change(int(cursor.lastrowid or 0), action, kind, ref, summary, now)


def forget_old(store: Store) -> int:
    """Forget the changes older than UNDO_DAYS; how many were forgotten."""
    limit = clock.to_text(clock.now() - timedelta(days=UNDO_DAYS))
    return store.execute("DELETE FROM undo_log WHERE done_at < ?", (limit,)).rowcount


def forget_all(store: Store) -> int:
    """Forget every change now (what was deleted is then gone for good); how many."""
    with store.tx():
        return store.execute("DELETE FROM undo_log").rowcount


def _change(row: Any) -> Change:
    return Change(row["id"], row["action"], row["kind"], row["ref"], row["summary"],
                  clock.from_text(row["done_at"]))  # fmt: skip


def recent(store: Store, limit: int | None = None) -> list[Change]:
    """The changes that can still be undone, newest first."""
    limit_sql = f" LIMIT {int(limit)}" if limit else ""
    since = clock.to_text(clock.now() - timedelta(days=UNDO_DAYS))
    rows = store.query(
        "SELECT id, action, kind, ref, summary, done_at FROM undo_log WHERE done_at >= ?"
        f" ORDER BY id DESC{limit_sql}",
        (since,),
    )
    return [_change(r) for r in rows]


def get(store: Store, change_id: int) -> Change:
    found = [c for c in recent(store) if c.id == change_id]
    if not found:
        raise NotFound(
            f"No change {change_id} to undo: it was undone already, or is older than"
            f" {UNDO_DAYS} days and forgotten.",
            step=Step.LIST_CHANGES,
        )
    return found[0]


def undo(store: Store, change_id: int | None = None) -> Undone:
    """Undo one change (default: the latest): put back what it removed or overwrote, remove what
    it added; all or nothing. A clash with what was added since is refused, naming it."""
    if change_id is None:
        latest = recent(store, limit=1)
        if not latest:
            raise NotFound(f"Nothing to undo in the last {UNDO_DAYS} days.")
        change_id = latest[0].id
    change = get(store, change_id)
    text = store.scalar("SELECT plan FROM undo_log WHERE id = ?", (change.id,))
    with store.tx():
        try:
            remap = apply(store, Plan.from_json(text))
        except sqlite3.IntegrityError as exc:
            raise Conflict(
                f"Cannot undo: {change.summary} clashes with what is there now ({exc}).",
                "Change or delete what took its place, then undo again; nothing was changed.",
            ) from exc
        store.execute("DELETE FROM undo_log WHERE id = ?", (change.id,))
    return Undone(change, remap.get((_table_of(text), change.ref), change.ref))


def _table_of(text: str) -> str:
    """The table of the first row a plan puts back (the thing itself)."""
    plan = Plan.from_json(text)
    rows = plan.update or plan.restore
    return rows[0][0] if rows else ""


def apply(store: Store, plan: Plan) -> dict[tuple[str, Any], Any]:
    """Carry out a plan; the ids that had to change, {(table, old id): new id}."""
    for table, match in plan.remove:
        where = " AND ".join(f'"{c}" IS ?' for c in match)
        store.execute(f'DELETE FROM "{table}" WHERE {where}', tuple(match.values()))
    for table, row in plan.update:
        key = id_column(store, table) or "rowid"
        columns = [c for c in row if c != key]
        sets = ", ".join(f'"{c}" = ?' for c in columns)
        store.execute(f'UPDATE "{table}" SET {sets} WHERE "{key}" = ?',
                      (*(row[c] for c in columns), row[key]))  # fmt: skip
    remap = _restore(store, plan.restore)
    every = links(store)
    for table, column, value, ids in plan.reset:
        parent = next((k.parent for k in every if k.child == table and k.column == column), "")
        store.execute(
            f'UPDATE "{table}" SET "{column}" = ? WHERE rowid IN (SELECT value FROM json_each(?))',
            (remap.get((parent, value), value), json.dumps(ids)),
        )
    return remap


def _restore(store: Store, rows: list[Row]) -> dict[tuple[str, Any], Any]:
    remap: dict[tuple[str, Any], Any] = {}
    every = links(store)
    for table, original in rows:
        row = dict(original)
        for link in (k for k in every if k.child == table):
            row[link.column] = remap.get((link.parent, row.get(link.column)), row.get(link.column))
        key = id_column(store, table)
        taken = key is not None and store.one(
            f'SELECT 1 FROM "{table}" WHERE "{key}" = ?', (row[key],)
        )
        if key is not None and taken:
            old = row.pop(key)
            remap[(table, old)] = _insert(store, table, row)
        else:
            _insert(store, table, row)
    return remap


def _insert(store: Store, table: str, row: Mapping[str, Any]) -> int:
    names = ", ".join(f'"{c}"' for c in row)
    marks = ", ".join("?" for _ in row)
    cursor = store.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', tuple(row.values()))
    return int(cursor.lastrowid or 0)


def delete(store: Store, kind: str, table: str, ref: int, summary: str) -> Change:
    """Delete row `ref` of `table` and everything that goes with it, keeping the way back."""
    key = id_column(store, table) or "rowid"
    with store.tx():
        plan = deletion(store, table, {key: ref}, summary)
        store.execute(f'DELETE FROM "{table}" WHERE "{key}" = ?', (ref,))
        return record(store, "delete", kind, ref, summary, plan)


def record_edit(store: Store, kind: str, ref: int, summary: str, before: Plan) -> Change | None:
    """Record an edit, given the plan taken before it (`edit`); nothing when nothing changed."""
    table = before.update[0][0] if before.update else None
    if table is None:
        return None
    owned = list(dict.fromkeys(t for t, _ in before.remove))
    after = edit(store, table, ref, owned)
    if _same(before, after):
        return None
    return record(store, "edit", kind, ref, summary, before)


def _same(one: Plan, other: Plan) -> bool:
    def rows(plan: Plan) -> list[str]:
        return sorted(json.dumps(r, sort_keys=True, default=_bytes_out)
                      for r in plan.update + plan.restore)  # fmt: skip

    return rows(one) == rows(other)
