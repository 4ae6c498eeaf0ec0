"""Shared protected time: one proposes a commitment, the other accepts, both stores get it.

An accepted proposal becomes an ordinary commitment in each store (so it is in both calendar
exports), with the other person on it. Each marks their own occurrences. Marking one through
`together mark` tells the other kept, traded or skipped; what it was traded for goes along only
when the one who traded chooses so (`tell_why`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tarry.base import clock
from tarry.base.errors import Conflict, InvalidInput, NotFound, Step
from tarry.commit import commitments
from tarry.commit.recurrence import describe
from tarry.declare import practices as practice_keys
from tarry.store import Store
from tarry.together import outbox
from tarry.together.envelope import Opened
from tarry.together.inbox import handles
from tarry.together.pairs import Pair


@dataclass(frozen=True)
class Proposal:
    proposal_id: str
    person: str
    title: str
    rrule: str
    starts_at: datetime  # local wall time, naive
    duration_min: int
    practices: list[str]
    note: str
    proposed_by: str  # me | them
    status: str  # proposed | accepted | declined
    commitment_id: int | None

    def describe(self) -> str:
        return f"{describe(self.rrule, self.starts_at)}, {self.duration_min / 60:g} h"

    def to_dict(self) -> dict[str, Any]:
        return {
            "proposal": self.proposal_id,
            "person": self.person,
            "title": self.title,
            "rrule": self.rrule,
            "starts_at": self.starts_at.isoformat(),
            "duration_min": self.duration_min,
            "practices": self.practices,
            "note": self.note,
            "schedule": self.describe(),
            "proposed_by": self.proposed_by,
            "status": self.status,
            "commitment_id": self.commitment_id,
        }


SELECT = (
    "SELECT s.*, p.name AS person FROM together_time s"
    " JOIN together_pairs t ON t.pair_id = s.pair_id JOIN people p ON p.id = t.person_id"
)


def _from_row(row: Any) -> Proposal:
    return Proposal(
        row["proposal_id"],
        row["person"],
        row["title"],
        row["rrule"],
        datetime.fromisoformat(row["starts_at"]),
        row["duration_min"],
        [p for p in row["practices"].split(",") if p],
        row["note"],
        row["proposed_by"],
        row["status"],
        row["commitment_id"],
    )


def get(store: Store, pair: Pair, ref: str) -> Proposal:
    """A proposal of this pair by id, or by title."""
    row = store.one(
        SELECT + " WHERE s.pair_id = ? AND (s.proposal_id = ? OR s.title = ? COLLATE"
        " NOCASE) ORDER BY s.proposed_at DESC",
        (pair.pair_id, ref.strip(), ref.strip()),
    )
    if row is None:
        raise NotFound(
            f"No shared time {ref!r} with {pair.person}.",
            step=Step.LIST_SHARED_TIME,
        )
    return _from_row(row)


def for_pair(store: Store, pair: Pair) -> list[Proposal]:
    rows = store.query(
        SELECT + " WHERE s.pair_id = ? ORDER BY s.proposed_at DESC, s.rowid DESC", (pair.pair_id,)
    )
    return [_from_row(r) for r in rows]


def propose(
    store: Store,
    pair: Pair,
    title: str,
    *,
    every: str | None = None,
    rrule: str | None = None,
    start: datetime | None = None,
    duration_min: int = 60,
    practices: Any = None,
    note: str = "",
) -> Proposal:
    """Propose protected time to the other person; it is theirs to accept or decline."""
    title = title.strip()
    if not title:
        raise InvalidInput("Shared time needs a title, e.g. 'Phone-free dinner'.")
    rule, starts_at = commitments.schedule(every, rrule, start)
    commitments.check_duration(rule, starts_at, duration_min)
    keys = practice_keys.parse(practices)
    proposal_id = secrets.token_hex(5)
    content = {
        "proposal": proposal_id,
        "title": title,
        "rrule": rule,
        "starts_at": starts_at.isoformat(),
        "duration_min": duration_min,
        "practices": list(keys),
        "note": note,
    }
    with store.tx():
        _insert(store, pair, content, "me")
        outbox.queue(store, pair.pair_id, "time.propose", content)
    return get(store, pair, proposal_id)


def _insert(store: Store, pair: Pair, c: dict[str, Any], by: str) -> None:
    store.execute(
        "INSERT INTO together_time (proposal_id, pair_id, title, rrule, starts_at, duration_min,"
        " practices, note, proposed_by, proposed_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " 'proposed')",
        (
            c["proposal"],
            pair.pair_id,
            c["title"],
            c["rrule"],
            c["starts_at"],
            c["duration_min"],
            ",".join(c["practices"]),
            c["note"],
            by,
            clock.to_text(clock.now()),
        ),
    )


def accept(store: Store, pair: Pair, ref: str) -> Proposal:
    """Accept their proposal: it becomes a commitment here, and there when they hear of it."""
    found = _theirs_pending(store, pair, ref)
    with store.tx():
        _commit(store, pair, found)
        outbox.queue(store, pair.pair_id, "time.accept", {"proposal": found.proposal_id})
    return get(store, pair, found.proposal_id)


def decline(store: Store, pair: Pair, ref: str) -> Proposal:
    found = _theirs_pending(store, pair, ref)
    with store.tx():
        _status(store, found.proposal_id, "declined")
        outbox.queue(store, pair.pair_id, "time.decline", {"proposal": found.proposal_id})
    return get(store, pair, found.proposal_id)


def _theirs_pending(store: Store, pair: Pair, ref: str) -> Proposal:
    found = get(store, pair, ref)
    if found.proposed_by != "them" or found.status != "proposed":
        raise Conflict(
            f"{found.title!r} is {found.status}, and "
            f"{'yours' if found.proposed_by == 'me' else 'theirs'}: nothing to accept."
        )
    return found


def _commit(store: Store, pair: Pair, found: Proposal) -> None:
    made = commitments.add(
        store,
        found.title,
        rrule=found.rrule,
        start=found.starts_at,
        duration_min=found.duration_min,
        people_names=[pair.person],
        practices=found.practices or None,
        note=found.note,
    )
    store.execute(
        "UPDATE together_time SET status = 'accepted', commitment_id = ? WHERE proposal_id = ?",
        (made.id, found.proposal_id),
    )


def _status(store: Store, proposal_id: str, status: str) -> None:
    store.execute(
        "UPDATE together_time SET status = ? WHERE proposal_id = ?", (status, proposal_id)
    )


def mark(
    store: Store,
    pair: Pair,
    ref: str,
    status: str,
    *,
    when: date | datetime | None = None,
    traded_for: str | None = None,
    note: str = "",
    tell_why: bool = False,
) -> commitments.Occurrence:
    """Mark my own occurrence of shared time, and tell the other (the why only if I choose)."""
    found = get(store, pair, ref)
    if found.commitment_id is None:
        raise Conflict(f"{found.title!r} is {found.status}, not yet shared time.")
    with store.tx():
        done = commitments.mark(
            store, found.commitment_id, status, when=when, traded_for=traded_for, note=note
        )
        outbox.queue(
            store,
            pair.pair_id,
            "time.mark",
            {
                "proposal": found.proposal_id,
                "scheduled_at": done.scheduled_at.isoformat(),
                "status": status,
                "traded_for": (traded_for or "") if tell_why else None,
            },
        )
    return done


def release(store: Store, pair: Pair) -> int:
    return 0


# News the other side hears -------------------------------------------------------------------


def news(store: Store, pair: Pair, kind: str, text: str) -> None:
    store.execute(
        "INSERT INTO together_news (pair_id, kind, text, at) VALUES (?, ?, ?, ?)",
        (pair.pair_id, kind, text, clock.to_text(clock.now())),
    )


def _content(message: Opened) -> dict[str, Any]:
    c = message.content
    for name, kind in (
        ("proposal", str),
        ("title", str),
        ("rrule", str),
        ("starts_at", str),
        ("duration_min", int),
        ("practices", list),
        ("note", str),
    ):
        if not isinstance(c.get(name), kind):
            raise InvalidInput(f"shared time without a valid {name}")
    return c


@handles("time.propose")
def _on_propose(store: Store, pair: Pair, message: Opened) -> None:
    c = _content(message)
    commitments.check_duration(
        c["rrule"], datetime.fromisoformat(c["starts_at"]), c["duration_min"]
    )
    practice_keys.parse(c["practices"] or None)
    _insert(store, pair, c, "them")


@handles("time.accept")
def _on_accept(store: Store, pair: Pair, message: Opened) -> None:
    found = get(store, pair, str(message.content.get("proposal", "")))
    if found.proposed_by != "me" or found.status != "proposed":
        raise InvalidInput(f"an acceptance of {found.title!r}, which is {found.status}")
    _commit(store, pair, found)
    news(store, pair, "time.accept", f"{pair.person} accepted {found.title} ({found.describe()}).")


@handles("time.decline")
def _on_decline(store: Store, pair: Pair, message: Opened) -> None:
    found = get(store, pair, str(message.content.get("proposal", "")))
    _status(store, found.proposal_id, "declined")
    news(store, pair, "time.decline", f"{pair.person} declined {found.title}.")


@handles("time.mark")
def _on_mark(store: Store, pair: Pair, message: Opened) -> None:
    c = message.content
    found = get(store, pair, str(c.get("proposal", "")))
    status = c.get("status")
    if status not in (*commitments.STATUSES, "pending"):
        raise InvalidInput(f"an occurrence marked {status!r}")
    when = datetime.fromisoformat(str(c.get("scheduled_at")))
    why = c.get("traded_for")
    text = f"{pair.person} marked {found.title} on {when:%a %d %b %H:%M} {status}"
    if status == "traded":
        text += f" (for: {why})" if why else f" (what for stays with {pair.person})"
    news(store, pair, "time.mark", text + ".")
