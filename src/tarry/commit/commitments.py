"""Commitments: recurring intentions (RFC 5545 RRULE) with people, practices and a duration.

Occurrences are generated from the rule (see tarry.commit.recurrence) in local wall time; only the
ones the person marks (kept, traded, skipped) are stored. Marking one traded records an `away`
tradeoff ("chose X over <the commitment>") and links it. Expansion is bounded: a window may span at
most MAX_WINDOW_DAYS and yields at most MAX_PER_COMMITMENT occurrences per commitment.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any

from tarry.base import clock
from tarry.base.errors import Conflict, InvalidInput, NotFound, Step
from tarry.commit.recurrence import (
    EVERY_EXAMPLE,
    build_rule,
    describe,
    normalise_rule,
    parse_every,
)
from tarry.declare import people
from tarry.declare import practices as practice_keys
from tarry.reflect import tradeoffs
from tarry.store import Store, undo

MAX_WINDOW_DAYS = 3660
MAX_PER_COMMITMENT = 2000
STATUSES = ("kept", "traded", "skipped")


@dataclass
class Commitment:
    id: int
    title: str
    rrule: str
    starts_at: datetime  # local wall time of the first occurrence, naive
    duration_min: int
    note: str
    created_at: datetime
    ended_at: datetime | None
    people: list[str] = field(default_factory=list)
    practices: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return self.ended_at is None

    def describe(self) -> str:
        return describe(self.rrule, self.starts_at)

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        for key in ("starts_at", "created_at", "ended_at"):
            data[key] = data[key].isoformat() if data[key] else None
        data["schedule"] = self.describe()
        return data


@dataclass
class Occurrence:
    commitment_id: int
    title: str
    scheduled_at: datetime  # local wall time, naive, as generated from the rule
    duration_min: int
    status: str  # pending, kept, traded or skipped
    note: str = ""
    tradeoff_id: int | None = None
    traded_for: str | None = None
    people: list[str] = field(default_factory=list)
    practices: list[str] = field(default_factory=list)

    @property
    def ends_at(self) -> datetime:
        return self.scheduled_at + timedelta(minutes=self.duration_min)

    @property
    def happened(self) -> bool:
        """Whether it has begun: only then can it be marked kept (traded or skipped: any time)."""
        return has_happened(self.scheduled_at)

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["scheduled_at"] = self.scheduled_at.isoformat()
        data["ends_at"] = self.ends_at.isoformat()
        data["happened"] = self.happened
        return data


def has_happened(scheduled_at: datetime) -> bool:
    return scheduled_at <= clock.wall(clock.now())


# Commitments ----------------------------------------------------------------------------------


def naive(moment: datetime) -> datetime:
    """Local wall time without a zone (how occurrences are generated and stored)."""
    return clock.wall(moment)


def _first_start(rule: str, every_time: time | None, start: datetime | None) -> datetime:
    if start is not None:
        start = naive(start)
        return datetime.combine(start.date(), every_time) if every_time else start
    if every_time is None and "BYHOUR" not in rule:
        raise InvalidInput(
            "When does it happen? The rule gives no time of day.",
            "Add a time to the recurrence, or give the first occurrence.",
            field="every",
            example=EVERY_EXAMPLE,
        )
    return datetime.combine(clock.today(), every_time or time(0, 0))


def schedule(every: str | None, rrule: str | None, start: datetime | None) -> tuple[str, datetime]:
    """The stored RRULE and first occurrence from a friendly `every` or a raw `rrule`."""
    if (every is None) == (rrule is None):
        raise InvalidInput(
            "Give the recurrence once: in words or as an RRULE, not both or neither.",
            field="every",
            expected="a recurrence in words",
            example=EVERY_EXAMPLE,
        )
    if every is not None:
        rule, every_time = parse_every(every)
    else:
        rule, every_time = normalise_rule(rrule or ""), None
    requested = _first_start(rule, every_time, start).replace(second=0, microsecond=0)
    # RFC 5545 counts DTSTART as the first instance, so it must be a real occurrence of the rule
    # (else a calendar shows a phantom event on the day the commitment was added).
    first: datetime | None = build_rule(rule, requested).after(requested, inc=True)
    if first is None:
        raise InvalidInput(f"The RRULE {rule!r} never occurs after {requested:%Y-%m-%d}.")
    return rule, first


MAX_DURATION_MIN = 24 * 60


def check_duration(rule: str, starts_at: datetime, duration_min: int) -> None:
    """Refuse a duration that is not positive, over a day, or reaching into the next occurrence."""
    if duration_min <= 0:
        raise InvalidInput(
            f"A commitment needs a duration, not {duration_min} min.",
            field="duration_min",
            example="2h",
        )
    if duration_min > MAX_DURATION_MIN:
        raise InvalidInput(
            f"A commitment lasts at most 24 h, not {duration_min / 60:g} h.",
            "Give each occurrence's own length.",
            field="duration_min",
            example="3h",
        )
    times = list(build_rule(rule, starts_at).xafter(starts_at, count=60, inc=True))
    gap = min((b - a for a, b in pairwise(times)), default=None)
    if gap is not None and timedelta(minutes=duration_min) > gap:
        raise InvalidInput(
            f"{duration_min / 60:g} h is longer than the {gap.total_seconds() / 3600:g} h"
            " between two occurrences, so they would overlap.",
            "Give a shorter length, or a rule that recurs less often.",
            field="duration_min",
        )


def add(
    store: Store,
    title: str,
    *,
    every: str | None = None,
    rrule: str | None = None,
    start: datetime | None = None,
    duration_min: int = 60,
    people_names: Iterable[str] = (),
    practices: Iterable[str] | str | None = None,
    note: str = "",
) -> Commitment:
    """Add a recurring commitment from a friendly `every` or a raw `rrule` (one of them)."""
    title = title.strip()
    if not title:
        raise InvalidInput(
            "A commitment needs a title.", field="title", example="Phone-free dinner with Sam"
        )
    rule, starts_at = schedule(every, rrule, start)
    check_duration(rule, starts_at, duration_min)
    person_ids, keys = people.ids_for(store, people_names), practice_keys.parse(practices)
    active = "SELECT 1 FROM commitments WHERE title = ? COLLATE NOCASE AND ended_at IS NULL"
    if store.one(active, (title,)):
        raise Conflict(
            f"A commitment called {title!r} already exists.", "Choose another title.", field="title"
        )
    with store.tx():
        cur = store.execute(
            "INSERT INTO commitments (title, rrule, starts_at, duration_min, note, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (title, rule, starts_at.isoformat(), duration_min, note, clock.to_text(clock.now())),
        )
        cid = int(cur.lastrowid or 0)
        store.conn.executemany(
            "INSERT INTO commitment_people (commitment_id, person_id) VALUES (?, ?)",
            [(cid, pid) for pid in dict.fromkeys(person_ids)],
        )
        store.conn.executemany(
            "INSERT INTO commitment_practices (commitment_id, practice) VALUES (?, ?)",
            [(cid, key) for key in keys],
        )
    return by_id(store, cid)


SELECT = """
SELECT c.*,
    (SELECT group_concat(name, char(31)) FROM (SELECT p.name FROM commitment_people cp
        JOIN people p ON p.id = cp.person_id WHERE cp.commitment_id = c.id ORDER BY p.name))
        AS names,
    (SELECT group_concat(practice, char(31)) FROM (SELECT practice FROM commitment_practices
        WHERE commitment_id = c.id ORDER BY practice)) AS keys
FROM commitments c
"""


def _from_row(row: Any) -> Commitment:
    ended = clock.from_text(row["ended_at"]) if row["ended_at"] else None
    return Commitment(
        row["id"], row["title"], row["rrule"], datetime.fromisoformat(row["starts_at"]),
        row["duration_min"], row["note"], clock.from_text(row["created_at"]), ended,
        row["names"].split("\x1f") if row["names"] else [],
        row["keys"].split("\x1f") if row["keys"] else [],
    )  # fmt: skip


def by_id(store: Store, commitment_id: int) -> Commitment:
    fits = -(2**63) <= commitment_id < 2**63  # beyond SQLite's 64 bits names nothing
    row = store.one(SELECT + " WHERE c.id = ?", (commitment_id,)) if fits else None
    if row is None:
        raise NotFound(f"No commitment with id {commitment_id}.", step=Step.LIST_COMMITMENTS)
    return _from_row(row)


def get(store: Store, ref: str | int) -> Commitment:
    """A commitment by id or title (case-insensitive; an active one before ended ones)."""
    if isinstance(ref, int) or ref.strip().isdigit():
        return by_id(store, int(ref))
    row = store.one(
        SELECT + " WHERE c.title = ? COLLATE NOCASE ORDER BY c.ended_at IS NOT NULL, c.id DESC",
        (ref.strip(),),
    )
    if row is None:
        raise NotFound(f"No commitment called {ref!r}.", step=Step.LIST_ALL_COMMITMENTS)
    return _from_row(row)


def all_commitments(store: Store, *, include_ended: bool = False) -> list[Commitment]:
    where = "" if include_ended else " WHERE c.ended_at IS NULL"
    return [_from_row(r) for r in store.query(SELECT + where + " ORDER BY c.title, c.id")]


def end(store: Store, ref: str | int, *, at: datetime | None = None) -> Commitment:
    """Retire a commitment: no occurrences after `at` (default now); its history stays."""
    commitment = get(store, ref)
    if not commitment.active:
        raise Conflict(f"{commitment.title!r} already ended on {commitment.ended_at:%Y-%m-%d}.")
    with store.tx():
        before = undo.edit(store, "commitments", commitment.id)
        store.execute(
            "UPDATE commitments SET ended_at = ? WHERE id = ?",
            (clock.to_text(at or clock.now()), commitment.id),
        )
        undo.record_edit(store, "commitment", commitment.id, f"{commitment.title!r} (ended)",
                         before)  # fmt: skip
    return by_id(store, commitment.id)


def edit(
    store: Store,
    ref: str | int,
    *,
    title: str | None = None,
    every: str | None = None,
    rrule: str | None = None,
    start: datetime | None = None,
    duration_min: int | None = None,
    people_names: Iterable[str] | None = None,
    practices: Iterable[str] | str | None = None,
    note: str | None = None,
) -> Commitment:
    """Change what is given (None keeps it); a new `every` or `rrule` reschedules it from
    `start` (default: its first occurrence). Marks already made stay with the times they were
    made for. Undoable."""
    old = get(store, ref)
    title = (title if title is not None else old.title).strip()
    if not title:
        raise InvalidInput("A commitment needs a title.", field="title", example=old.title)
    rule, starts_at = old.rrule, old.starts_at
    if every is not None or rrule is not None:
        rule, starts_at = schedule(every, rrule, start or old.starts_at)
    elif start is not None:
        rule, starts_at = schedule(None, old.rrule, start)
    duration = duration_min if duration_min is not None else old.duration_min
    check_duration(rule, starts_at, duration)
    same = store.one(
        "SELECT 1 FROM commitments WHERE title = ? COLLATE NOCASE AND ended_at IS NULL AND id != ?",
        (title, old.id),
    )
    if same:
        raise Conflict(f"A commitment called {title!r} already exists.", "Choose another title.",
                       field="title")  # fmt: skip
    person_ids = people.ids_for(store, people_names) if people_names is not None else None
    keys = practice_keys.parse(practices) if practices is not None else None
    with store.tx():
        before = undo.edit(store, "commitments", old.id,
                           ("commitment_people", "commitment_practices"))  # fmt: skip
        store.execute(
            "UPDATE commitments SET title = ?, rrule = ?, starts_at = ?, duration_min = ?,"
            " note = ? WHERE id = ?",
            (title, rule, starts_at.isoformat(), duration,
             (note if note is not None else old.note).strip(), old.id),
        )  # fmt: skip
        _replace_links(store, old.id, person_ids, keys)
        undo.record_edit(store, "commitment", old.id, repr(old.title), before)
    return by_id(store, old.id)


def _replace_links(
    store: Store, cid: int, person_ids: list[int] | None, keys: list[str] | None
) -> None:
    if person_ids is not None:
        store.execute("DELETE FROM commitment_people WHERE commitment_id = ?", (cid,))
        store.conn.executemany(
            "INSERT INTO commitment_people (commitment_id, person_id) VALUES (?, ?)",
            [(cid, pid) for pid in dict.fromkeys(person_ids)],
        )
    if keys is not None:
        store.execute("DELETE FROM commitment_practices WHERE commitment_id = ?", (cid,))
        store.conn.executemany(
            "INSERT INTO commitment_practices (commitment_id, practice) VALUES (?, ?)",
            [(cid, key) for key in keys],
        )


def remove(store: Store, ref: str | int) -> undo.Change:
    """Delete a commitment and its marks (tradeoffs recorded for them stay); undoable for
    undo.UNDO_DAYS days. To stop one but keep its history, `end` it instead."""
    commitment = get(store, ref)
    return undo.delete(store, "commitment", "commitments", commitment.id, repr(commitment.title))


# Occurrences ----------------------------------------------------------------------------------


def expand(commitment: Commitment, start: datetime, end: datetime) -> list[datetime]:
    """The commitment's scheduled times in [start, end), local and naive, bounded."""
    start, end = naive(start), naive(end)
    if commitment.ended_at is not None:
        end = min(end, naive(commitment.ended_at))
    if end <= start:
        return []
    found = []
    rule = build_rule(commitment.rrule, _nearer_start(commitment, start))
    for when in rule.xafter(start, count=MAX_PER_COMMITMENT, inc=True):
        if when >= end:
            break
        found.append(when)
    return found


def _nearer_start(commitment: Commitment, start: datetime) -> datetime:
    """A later first occurrence that yields the same times from `start` on.

    dateutil walks every period from the first occurrence, so a five-year-old weekly rule
    costs 260 steps per lookup. For a daily or weekly rule without COUNT, moving the first
    occurrence forward by whole periods (INTERVAL days or weeks) changes nothing from there on.
    """
    parts = dict(p.split("=", 1) for p in commitment.rrule.split(";") if "=" in p)
    days = {"DAILY": 1, "WEEKLY": 7}.get(parts.get("FREQ", ""))
    if days is None or "COUNT" in parts or start <= commitment.starts_at:
        return commitment.starts_at
    step = timedelta(days=days * int(parts.get("INTERVAL", "1") or 1))
    return commitment.starts_at + step * ((start - commitment.starts_at) // step)


def occurrences(
    store: Store, start: datetime, end: datetime, *, commitment: str | int | None = None
) -> list[Occurrence]:
    """Every occurrence in [start, end), generated from the rules and merged with the marks."""
    start, end = naive(start), naive(end)
    if end - start > timedelta(days=MAX_WINDOW_DAYS):
        raise InvalidInput(
            f"That window spans {(end - start).days} days; the most is {MAX_WINDOW_DAYS}.",
            "Ask for a shorter period.",
        )
    marks = _marks(store, start, end)
    marked: dict[int, set[datetime]] = {}
    for cid, at in marks:
        marked.setdefault(cid, set()).add(at)
    if commitment is not None:
        chosen = [get(store, commitment)]
    else:
        chosen = _running(store, start, end, set(marked))
    found = []
    for c in chosen:
        times = set(expand(c, start, end)) | marked.get(c.id, set())
        found += [_occurrence(c, at, marks.get((c.id, at))) for at in times]
    return sorted(found, key=lambda o: (o.scheduled_at, o.title))


def _running(store: Store, start: datetime, end: datetime, marked: set[int]) -> list[Commitment]:
    """Commitments running in [start, end) (naive local), and those with marks there."""
    rows = store.query(
        SELECT + " WHERE (c.starts_at < ? AND (c.ended_at IS NULL OR c.ended_at > ?))"
        " OR c.id IN (SELECT value FROM json_each(?)) ORDER BY c.title, c.id",
        (end.isoformat(), clock.to_text(clock.instant(start)), json.dumps(sorted(marked))),
    )
    return [_from_row(row) for row in rows]


def _marks(store: Store, start: datetime, end: datetime) -> dict[tuple[int, datetime], Any]:
    rows = store.query(
        "SELECT o.*, t.chose FROM occurrences o LEFT JOIN tradeoffs t ON t.id = o.tradeoff_id"
        " WHERE o.scheduled_at >= ? AND o.scheduled_at < ?",
        (start.isoformat(), end.isoformat()),
    )
    return {(r["commitment_id"], datetime.fromisoformat(r["scheduled_at"])): r for r in rows}


def _occurrence(c: Commitment, at: datetime, mark: Any) -> Occurrence:
    if mark is None:
        return Occurrence(c.id, c.title, at, c.duration_min, "pending",
                          people=c.people, practices=c.practices)  # fmt: skip
    return Occurrence(
        c.id, c.title, at, c.duration_min, mark["status"], mark["note"], mark["tradeoff_id"],
        mark["chose"], c.people, c.practices,
    )  # fmt: skip


def upcoming(store: Store, days: int = 7) -> list[Occurrence]:
    """Occurrences from now to `days` ahead."""
    if days < 1:
        raise InvalidInput(f"Look at least 1 day ahead, not {days}.", field="days", example="7")
    now = clock.now()
    return occurrences(store, now, now + timedelta(days=days))


def unmarked(store: Store, days: int = 14) -> list[Occurrence]:
    """Past occurrences of the last `days` days that are not marked yet."""
    now = clock.now()
    return [o for o in occurrences(store, now - timedelta(days=days), now) if o.status == "pending"]


def parse_when(text: str) -> date | datetime:
    """A day ('2026-11-19', 'yesterday', 'last thursday') or a day and time ('thursday 19:00')
    naming an occurrence; a day and time is a wall time."""
    from tarry.base.dates import read_day

    return read_day(text, field="when", now=clock.now())


def find_occurrence(commitment: Commitment, when: date | datetime | None = None) -> datetime:
    """The scheduled time meant by `when`: a time, a day, or (None) today's, else the last one."""
    now = naive(clock.now())
    if isinstance(when, datetime):
        day, exact = when.date(), naive(when)
    else:
        day, exact = (when or now.date()), None
    start = datetime.combine(day, time(0, 0))
    on_day = expand(commitment, start, start + timedelta(days=1))
    if exact is not None:
        on_day = [at for at in on_day if at == exact]
    if on_day:
        return on_day[0]
    if when is None and (last := latest_before(commitment, now)) is not None:
        return last
    raise NotFound(
        f"{commitment.title!r} has no occurrence {'on ' + str(when) if when else 'yet'}.",
        f"It recurs {commitment.describe()}.",
        field="when",
        expected="the day of an occurrence",
        example=_example_day(commitment),
    )


def _example_day(commitment: Commitment) -> str | None:
    """The day of its latest occurrence up to now, as an example of a day that works."""
    last = latest_before(commitment, naive(clock.now()))
    return last.date().isoformat() if last else None


def latest_before(commitment: Commitment, moment: datetime) -> datetime | None:
    """The last scheduled time before `moment` (and before the commitment ended)."""
    limit = naive(moment)
    if commitment.ended_at is not None:
        limit = min(limit, naive(commitment.ended_at))
    last: datetime | None = build_rule(commitment.rrule, commitment.starts_at).before(limit)
    return last


def mark(
    store: Store,
    ref: str | int,
    status: str,
    *,
    when: date | datetime | None = None,
    traded_for: str | None = None,
    note: str = "",
) -> Occurrence:
    """Mark an occurrence kept, traded (for what: records an `away` tradeoff) or skipped.

    Marking again replaces the mark (and the tradeoff an earlier 'traded' mark created);
    status 'pending' clears it.
    """
    if status not in (*STATUSES, "pending"):
        raise InvalidInput(
            f"Unknown status {status!r}.", field="status", expected="kept, traded or skipped"
        )
    if status == "traded" and not (traded_for or "").strip():
        raise InvalidInput(
            "What was it traded for?", field="traded_for", expected="what won", example="work"
        )
    commitment = get(store, ref)
    at = find_occurrence(commitment, when)
    if status == "kept" and not has_happened(at):
        raise InvalidInput(
            f"{commitment.title!r} on {at:%Y-%m-%d %H:%M} has not happened yet.",
            "Mark it kept afterwards; traded or skipped can be marked ahead.",
        )
    with store.tx():
        before = _mark_rows(store, commitment.id, at)
        _clear(store, commitment.id, at)
        if status != "pending":
            _store_mark(store, commitment, at, status, traded_for, note)
        _record_mark(store, commitment, at, status, before)
    return occurrences(store, at, at + timedelta(seconds=1), commitment=commitment.id)[0]


def _mark_rows(store: Store, commitment_id: int, at: datetime) -> undo.Plan:
    """The plan that puts an occurrence's mark back as it is now (with the tradeoff a
    'traded' mark recorded), before it is changed."""
    match = {"commitment_id": commitment_id, "scheduled_at": at.isoformat()}
    row = store.one("SELECT tradeoff_id FROM occurrences WHERE commitment_id = ?"
                    " AND scheduled_at = ?", tuple(match.values()))  # fmt: skip
    plan = undo.Plan(remove=[("occurrences", match)])
    if row is not None and row["tradeoff_id"] is not None:
        traded = undo.deletion(store, "tradeoffs", {"id": row["tradeoff_id"]})
        plan.restore += [r for r in traded.restore if r[0] != "occurrences"]
    return plan + undo.Plan(restore=undo.deletion(store, "occurrences", match).restore)


def _note_of(store: Store, commitment: Commitment, at: datetime) -> str:
    note: str = store.scalar(
        "SELECT note FROM occurrences WHERE commitment_id = ? AND scheduled_at = ?",
        (commitment.id, at.isoformat()),
    )
    return note


def _record_mark(
    store: Store, commitment: Commitment, at: datetime, status: str, before: undo.Plan
) -> None:
    row = store.one("SELECT status, tradeoff_id FROM occurrences WHERE commitment_id = ?"
                    " AND scheduled_at = ?", (commitment.id, at.isoformat()))  # fmt: skip
    old = next((r for t, r in before.restore if t == "occurrences"), None)
    was = old["status"] if old else "pending"
    if row is None and was == "pending":
        return  # nothing was marked, nothing is
    if old and row and status == was != "traded" and old["note"] == _note_of(store, commitment, at):
        return  # marked again the same way: nothing to undo
    if row is not None and row["tradeoff_id"] is not None:
        before.remove.append(("tradeoffs", {"id": row["tradeoff_id"]}))
    said = f"{commitment.title!r} on {at:%a %d %b %H:%M} {status} (was {was})"
    undo.record(store, "mark", "occurrence", commitment.id, said, before)


def _clear(store: Store, commitment_id: int, at: datetime) -> None:
    row = store.one(
        "SELECT id, tradeoff_id FROM occurrences WHERE commitment_id = ? AND scheduled_at = ?",
        (commitment_id, at.isoformat()),
    )
    if row is None:
        return
    store.execute("DELETE FROM occurrences WHERE id = ?", (row["id"],))
    if row["tradeoff_id"] is not None:  # it was recorded by that mark
        store.execute("DELETE FROM tradeoffs WHERE id = ?", (row["tradeoff_id"],))


def _store_mark(
    store: Store, c: Commitment, at: datetime, status: str, traded_for: str | None, note: str
) -> None:
    tradeoff_id = None
    if status == "traded":
        tradeoff_id = tradeoffs.record(
            store, traded_for or "", c.title, direction="away", at=clock.instant(at),
            cost_hours=round(c.duration_min / 60, 2), practices=c.practices, note=note,
        ).id  # fmt: skip
    store.execute(
        "INSERT INTO occurrences (commitment_id, scheduled_at, status, tradeoff_id, note,"
        " marked_at) VALUES (?, ?, ?, ?, ?, ?)",
        (c.id, at.isoformat(), status, tradeoff_id, note.strip(), clock.to_text(clock.now())),
    )


@dataclass
class TrackRecord:
    """How a commitment has gone: its occurrences in a period and how each was marked."""

    commitment: Commitment
    occurrences: list[Occurrence]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.occurrences)

    @property
    def kept_share(self) -> float | None:
        """Kept among the marked ones (pending ones are not counted either way)."""
        marked = len(self.occurrences) - self.count("pending")
        return round(self.count("kept") / marked, 2) if marked else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "commitment": self.commitment.to_dict(),
            "counts": {status: self.count(status) for status in (*STATUSES, "pending")},
            "kept_share": self.kept_share,
            "occurrences": [o.to_dict() for o in self.occurrences],
        }


def track_record(store: Store, ref: str | int, *, weeks: int = 12) -> TrackRecord:
    """The commitment's occurrences of the last `weeks` weeks, up to now, with their marks."""
    if weeks < 1:
        raise InvalidInput(f"Look back at least 1 week, not {weeks}.", field="weeks", example="12")
    commitment, now = get(store, ref), clock.now()
    found = occurrences(store, now - timedelta(weeks=weeks), now, commitment=commitment.id)
    return TrackRecord(commitment, found)
