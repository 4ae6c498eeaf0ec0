"""A check-in at a distance: one ritual, two screens, one clock, each person's own rating.

One person starts it: the ritual, its length, who speaks first and when it starts. Both devices
compute the same turns from that, each from its own side (who speaks, who listens and gets the
listener's "don't fix" cue), so a shared timer needs nothing but the start time. Afterwards each
rates how heard they felt; the rating becomes a moment in their own store only. The other side
hears that the check-in was rated, never the rating.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from tarry.base import clock
from tarry.base.errors import Conflict, InvalidInput, NotFound, Step
from tarry.declare import people
from tarry.prompts import rituals, uses
from tarry.prompts.choose import context_for
from tarry.prompts.rituals import Ritual, Turn
from tarry.reflect import moments
from tarry.store import Store
from tarry.together import outbox
from tarry.together.envelope import Opened
from tarry.together.inbox import handles
from tarry.together.pairs import Pair

SWAP = {"you": "them", "them": "you", "both": "both"}
MAX_MINUTES = 180


@dataclass(frozen=True)
class Checkin:
    checkin_id: str
    person: str
    ritual: Ritual
    minutes: float
    first_speaker: str  # me | them
    started_by: str
    starts_at: datetime
    rated_at: datetime | None
    their_done_at: datetime | None
    moment_id: int | None

    def turns(self) -> list[Turn]:
        """The turns as seen from this side: who speaks, who listens, for how long."""
        ritual = self.ritual
        if self.first_speaker == "them":
            steps = tuple(replace(s, speaker=SWAP[s.speaker]) for s in ritual.steps)
            ritual = replace(ritual, steps=steps)
        return rituals.plan(ritual, minutes=self.minutes, other=self.person)

    def now(self, at: datetime | None = None) -> tuple[int, int] | None:
        """(turn number, seconds left in it) at `at`; None before the start or after the end."""
        elapsed = ((at or clock.now()) - self.starts_at).total_seconds()
        if elapsed < 0:
            return None
        for turn in self.turns():
            if elapsed < turn.seconds:
                return turn.number, int(turn.seconds - elapsed)
            elapsed -= turn.seconds
        return None

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(seconds=sum(t.seconds for t in self.turns()))

    def to_dict(self) -> dict[str, Any]:
        current = self.now()
        return {
            "checkin": self.checkin_id,
            "person": self.person,
            "ritual": self.ritual.id,
            "title": self.ritual.title,
            "minutes": self.minutes,
            "first_speaker": self.first_speaker,
            "started_by": self.started_by,
            "starts_at": clock.to_text(self.starts_at),
            "ends_at": clock.to_text(self.ends_at),
            "now": {"turn": current[0], "seconds_left": current[1]} if current else None,
            "turns": [t.to_dict() for t in self.turns()],
            "rated": self.rated_at is not None,
            "they_rated": self.their_done_at is not None,
            "moment_id": self.moment_id,
        }


SELECT = (
    "SELECT c.*, p.name AS person FROM together_checkins c"
    " JOIN together_pairs t ON t.pair_id = c.pair_id JOIN people p ON p.id = t.person_id"
)


def _from_row(row: Any) -> Checkin:
    def when(v: str | None) -> datetime | None:
        return clock.from_text(v) if v else None

    return Checkin(
        row["checkin_id"],
        row["person"],
        rituals.get(row["ritual_id"]),
        row["minutes"],
        row["first_speaker"],
        row["started_by"],
        clock.from_text(row["starts_at"]),
        when(row["rated_at"]),
        when(row["their_done_at"]),
        row["moment_id"],
    )


def get(store: Store, checkin_id: str) -> Checkin:
    row = store.one(SELECT + " WHERE c.checkin_id = ?", (checkin_id.strip(),))
    if row is None:
        raise NotFound(f"No check-in {checkin_id!r}.", step=Step.LIST_CHECKINS)
    return _from_row(row)


def for_pair(store: Store, pair: Pair, limit: int = 20) -> list[Checkin]:
    rows = store.query(
        SELECT + " WHERE c.pair_id = ? ORDER BY c.starts_at DESC LIMIT ?", (pair.pair_id, limit)
    )
    return [_from_row(r) for r in rows]


def latest(store: Store, pair: Pair) -> Checkin:
    found = for_pair(store, pair, 1)
    if not found:
        raise NotFound(
            f"No check-in with {pair.person} yet.",
            step=Step.START_CHECKIN,
        )
    return found[0]


def start(
    store: Store,
    pair: Pair,
    ritual_id: str,
    *,
    minutes: float | None = None,
    first: str = "me",
    in_minutes: float = 0,
) -> Checkin:
    """Start a check-in (now, or in `in_minutes`), with `first` (me or them) speaking first."""
    ritual = rituals.get(ritual_id)
    minutes = float(minutes or ritual.minutes)
    if not 0 < minutes <= MAX_MINUTES or first not in ("me", "them") or in_minutes < 0:
        raise InvalidInput(
            f"A check-in lasts 1 to {MAX_MINUTES} minutes, starts now or later,"
            " and the first speaker is me or them."
        )
    checkin_id = secrets.token_hex(5)
    starts = clock.now() + timedelta(minutes=in_minutes)
    with store.tx():
        _insert(store, pair, checkin_id, ritual.id, minutes, first, "me", starts)
        outbox.queue(
            store,
            pair.pair_id,
            "checkin.start",
            {
                "checkin": checkin_id,
                "ritual": ritual.id,
                "minutes": minutes,
                "first": "sender" if first == "me" else "recipient",
                "starts_at": clock.to_text(starts),
            },
        )
    return get(store, checkin_id)


def _insert(
    store: Store,
    pair: Pair,
    cid: str,
    ritual: str,
    minutes: float,
    first: str,
    by: str,
    starts: datetime,
) -> None:
    store.execute(
        "INSERT INTO together_checkins (checkin_id, pair_id, ritual_id, minutes, first_speaker,"
        " started_by, starts_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (cid, pair.pair_id, ritual, minutes, first, by, clock.to_text(starts)),
    )


def rate(
    store: Store,
    pair: Pair,
    checkin_id: str,
    *,
    heard: int,
    intimacy: int = 4,
    i_disclosed: int = 4,
    they_disclosed: int = 4,
    note: str = "",
) -> moments.Moment:
    """How heard I felt (1-7), into my own moments; the other side only hears that I rated."""
    found = get(store, checkin_id)
    if found.rated_at is not None:
        raise Conflict("You have already rated this check-in.", step=Step.LIST_MOMENTS)
    person = people.by_id(store, pair.person_id)
    at = min(clock.now(), found.ends_at)
    with store.tx():
        moment = moments.log(
            store,
            [person.name],
            at=at,
            duration_min=round(found.minutes),
            medium="call",
            responsiveness=heard,
            intimacy=intimacy,
            i_disclosed=i_disclosed,
            they_disclosed=they_disclosed,
            practices=found.ritual.practices,
            note=note or f"Check-in at a distance: {found.ritual.title}",
        )
        uses.add(store, "ritual", found.ritual.id, person, context_for(person), None, at)
        store.execute(
            "UPDATE together_checkins SET rated_at = ?, moment_id = ? WHERE checkin_id = ?",
            (clock.to_text(clock.now()), moment.id, checkin_id),
        )
        outbox.queue(store, pair.pair_id, "checkin.done", {"checkin": checkin_id})
    return moment


def release(store: Store, pair: Pair) -> int:
    """Nothing waits on the other side for check-ins."""
    return 0


@handles("checkin.start")
def _on_start(store: Store, pair: Pair, message: Opened) -> None:
    c = message.content
    try:
        ritual = rituals.get(str(c["ritual"]))
        minutes = float(c["minutes"])
        first = {"sender": "them", "recipient": "me"}[c["first"]]
        starts = clock.from_text(str(c["starts_at"]))
        cid = str(c["checkin"])[:40]
    except (KeyError, TypeError, ValueError) as exc:
        raise InvalidInput(f"a check-in without a valid {exc}") from None
    if not 0 < minutes <= MAX_MINUTES:
        raise InvalidInput(f"a check-in of {minutes} minutes")
    _insert(store, pair, cid, ritual.id, minutes, first, "them", starts)


@handles("checkin.done")
def _on_done(store: Store, pair: Pair, message: Opened) -> None:
    store.execute(
        "UPDATE together_checkins SET their_done_at = ? WHERE checkin_id = ? AND pair_id = ?",
        (clock.to_text(clock.now()), str(message.content.get("checkin")), pair.pair_id),
    )
