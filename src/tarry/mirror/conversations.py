"""Per-person and per-period mirror numbers, and the moments that mattered.

Messages come from imported conversations, labelled by `tarry.mirror.moves` (cached, see
labelcache). A silence of more than GAP starts a new conversation; its first writer started it.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tarry import people
from tarry.errors import InvalidInput
from tarry.mirror.labelcache import GAP, ensure_labels, moment
from tarry.mirror.moves import DISCLOSURES
from tarry.store import Store

DEPTH = {name: rank for rank, name in enumerate(DISCLOSURES)}
MET = ("explore", "validate", "share", "fix", "minimise", "redirect")
REPLIES = (*MET, "other reply", "no reply")
SIDES = ("me", "them")
PERIODS = ("week", "month")
EXCERPT = 120
MARGIN = timedelta(hours=15)  # more than any UTC offset

ROWS = """
SELECT m.id, m.conversation_id, m.ts, m.is_me, m.text, l.disclosure, l.moves, l.question,
       l.evidence
FROM messages m JOIN conversations c ON c.id = m.conversation_id
JOIN message_labels l ON l.message_id = m.id
WHERE m.kind = 'message' AND {where}
ORDER BY m.conversation_id, m.ts, m.id
"""


@dataclass(frozen=True)
class Row:
    id: int
    conversation: int
    at: datetime
    side: str
    text: str
    disclosure: str
    moves: frozenset[str]
    question: str | None
    evidence: str


@dataclass
class Exchange:
    """One of their messages or runs of messages, and the reply it got (my next run)."""

    said: Row
    reply: list[Row]


def _row(r: Any) -> Row:
    moves = frozenset(r["moves"].split(",")) if r["moves"] else frozenset()
    side = "me" if r["is_me"] else "them"
    return Row(
        r["id"], r["conversation_id"], moment(r["ts"]), side, r["text"], r["disclosure"],
        moves, r["question"], r["evidence"],
    )  # fmt: skip


def load_rows(
    store: Store,
    where: str,
    params: Sequence[Any],
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Row]:
    """Labelled messages of the conversations matching `where` (on c), in [start, end).

    Messages not labelled yet (or labelled by an older labeller) are labelled first. Stored
    times mix UTC and local text, so SQL narrows with a day's margin and Python decides.
    """
    found = store.query(f"SELECT c.id FROM conversations c WHERE {where}", params)
    ensure_labels(store, [r[0] for r in found])
    low = _local(start) if start else None
    high = _local(end) if end else None
    bounds = (
        (low - MARGIN).isoformat() if low else "",
        (high + MARGIN).isoformat() if high else "\uffff",
    )
    query = ROWS.format(where=f"{where} AND m.ts >= ? AND m.ts < ?")
    rows = (_row(r) for r in store.query(query, (*params, *bounds)))
    return [r for r in rows if (low is None or r.at >= low) and (high is None or r.at < high)]


def _local(moment: datetime) -> datetime:
    """A time as naive local time, the form messages are compared in."""
    return moment if moment.tzinfo is None else moment.astimezone().replace(tzinfo=None)


def sessions(rows: Iterable[Row]) -> Iterator[list[Row]]:
    """Split messages (ordered by conversation and time) wherever silence exceeds GAP."""
    current: list[Row] = []
    for row in rows:
        if current and (
            row.conversation != current[-1].conversation or row.at - current[-1].at > GAP
        ):
            yield current
            current = []
        current.append(row)
    if current:
        yield current


def exchanges(session: list[Row], side: str) -> Iterator[Exchange]:
    """Each message of `side`, with the other side's next run of messages in the session."""
    for i, row in enumerate(session):
        if row.side != side:
            continue
        reply: list[Row] = []
        for later in session[i + 1 :]:
            if later.side == side and reply:
                break
            if later.side != side:
                reply.append(later)
        yield Exchange(row, reply)


def reply_kinds(exchange: Exchange) -> list[str]:
    """How a message was met: the moves of the reply, 'other reply' or 'no reply'."""
    if not exchange.reply:
        return ["no reply"]
    moves = set().union(*(r.moves for r in exchange.reply))
    return [m for m in MET if m in moves] or ["other reply"]


def _share_of(counts: Counter[str], total: int, keys: Iterable[str]) -> dict[str, Any]:
    return {
        "total": total,
        "counts": {k: counts[k] for k in keys},
        "shares": {k: round(counts[k] / total, 3) if total else 0.0 for k in keys},
    }


def how_met(chunks: list[list[Row]], side: str, level: str = "feeling") -> dict[str, Any]:
    """For every `side` message at disclosure `level`: how the next reply met it, with shares."""
    counts: Counter[str] = Counter()
    total = 0
    for chunk in chunks:
        for exchange in exchanges(chunk, side):
            if exchange.said.disclosure == level:
                total += 1
                counts.update(reply_kinds(exchange))
    return _share_of(counts, total, REPLIES)


def _response_minutes(chunks: list[list[Row]]) -> dict[str, float | None]:
    delays: dict[str, list[float]] = {side: [] for side in SIDES}
    for chunk in chunks:
        for before, after in itertools.pairwise(chunk):
            if before.side != after.side:
                delays[after.side].append((after.at - before.at).total_seconds() / 60)
    return {s: round(statistics.median(d), 1) if d else None for s, d in delays.items()}


def _reciprocity(chunks: list[list[Row]], side: str) -> float | None:
    """Share of `side`'s thought or feeling disclosures answered with one at least as deep."""
    deep = met = 0
    for chunk in chunks:
        for exchange in exchanges(chunk, side):
            level = DEPTH[exchange.said.disclosure]
            if level >= DEPTH["thought"]:
                deep += 1
                met += any(DEPTH[r.disclosure] >= level for r in exchange.reply)
    return round(met / deep, 3) if deep else None


def _per_side(rows: list[Row]) -> dict[str, Any]:
    by_side: dict[str, list[Row]] = {side: [r for r in rows if r.side == side] for side in SIDES}
    out: dict[str, Any] = {"messages": {}, "words": {}, "depth": {}, "follow_up_rate": {}}
    for side, mine in by_side.items():
        out["messages"][side] = len(mine)
        out["words"][side] = sum(len(r.text.split()) for r in mine)
        levels = Counter(r.disclosure for r in mine)
        mean = sum(DEPTH[r.disclosure] for r in mine) / len(mine) if mine else None
        out["depth"][side] = {
            **{level: levels[level] for level in DISCLOSURES},
            "mean": round(mean, 2) if mean is not None else None,
        }
        follow = sum(r.question == "follow_up" for r in mine)
        out["follow_up_rate"][side] = round(follow / len(mine), 3) if mine else None
    return out


def summarise(rows: list[Row]) -> dict[str, Any]:
    """Every mirror number for a set of messages (one person, one period ...)."""
    chunks = list(sessions(rows))
    started = Counter(chunk[0].side for chunk in chunks)
    return {
        **_per_side(rows),
        "conversations": len(chunks),
        "started": {side: started[side] for side in SIDES},
        "response_minutes": _response_minutes(chunks),
        "reciprocity": {side: _reciprocity(chunks, side) for side in SIDES},
        "their_feelings_met": how_met(chunks, "them"),
        "my_feelings_met": how_met(chunks, "me"),
    }


def period_key(at: datetime, by: str) -> str:
    if by == "week":
        year, week, _ = at.isocalendar()
        return f"{year}-W{week:02d}"
    return at.strftime("%Y-%m")


def by_period(rows: list[Row], by: str) -> list[dict[str, Any]]:
    """`summarise` per ISO week or calendar month, oldest first."""
    if by not in PERIODS:
        raise InvalidInput(f"Unknown period {by!r}.", "Use --by week or --by month.")
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[period_key(row.at, by)].append(row)
    return [{"period": key, **summarise(groups[key])} for key in sorted(groups)]


def person_rows(store: Store, name: str, since: datetime | None = None) -> tuple[Any, list[Row]]:
    person = people.get(store, name)
    rows = load_rows(store, "c.person_id = ?", (person.id,), since)
    return person, rows


def person_numbers(store: Store, person_id: int) -> dict[str, Any]:
    """One person's mirror numbers over all time (the web app's person page)."""
    return summarise(load_rows(store, "c.person_id = ?", (person_id,)))


def person_report(
    store: Store, name: str, *, since: datetime | None = None, by: str = "month"
) -> dict[str, Any]:
    """Everything `tarry mirror report --person NAME` shows: totals, periods, moments."""
    from tarry.mirror.notable import notable  # notable builds on this module

    person, rows = person_rows(store, name, since)
    return {
        "person": person.name,
        "since": since.isoformat() if since else None,
        "by": by,
        "total": summarise(rows),
        "periods": by_period(rows, by),
        "notable": notable(rows),
    }


def week_summary(store: Store, start: datetime, end: datetime) -> dict[str, Any]:
    """One week's mirror numbers for the weekly review, by practice and by person."""
    rows = load_rows(store, "1 = 1", (), start, end)
    total = summarise(rows)
    theirs, mine = total["their_feelings_met"], total["my_feelings_met"]
    counts = theirs["counts"]
    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "messages": total["messages"],
        "depth": {"mean": total["depth"], "reciprocity": total["reciprocity"]},
        "stay": {"hard_disclosures": theirs["total"], "redirected": counts["redirect"]},
        "seen": {"my_feelings": mine["total"], "met": mine["counts"]},
        "space": {
            "their_feelings": theirs["total"],
            "explored_or_validated": _any_of(rows, ("explore", "validate")),
            "fixed_or_minimised": _any_of(rows, ("fix", "minimise")),
        },
        "follow_up_rate": total["follow_up_rate"],
        "people": _people_counts(store, rows),
    }


def _any_of(rows: list[Row], kinds: tuple[str, ...]) -> int:
    """Their feeling disclosures whose reply made at least one of `kinds`."""
    return sum(
        1
        for chunk in sessions(rows)
        for e in exchanges(chunk, "them")
        if e.said.disclosure == "feeling" and set(reply_kinds(e)) & set(kinds)
    )


def _people_counts(store: Store, rows: list[Row]) -> list[dict[str, Any]]:
    names = {
        r["id"]: r["name"] or r["title"]
        for r in store.query(
            "SELECT c.id, c.title, p.name FROM conversations c"
            " LEFT JOIN people p ON p.id = c.person_id"
        )
    }
    counts: Counter[str] = Counter(names[r.conversation] for r in rows)
    return [{"name": n, "messages": c} for n, c in counts.most_common()]
