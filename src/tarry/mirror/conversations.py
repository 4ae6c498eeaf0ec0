"""Per-person and per-period mirror numbers, and the moments that mattered.

Messages come from imported conversations, labelled by the mirror's model (cached, see
labelcache). A silence of more than GAP starts a new conversation; its first writer started it.

Counts of labels (depth, follow-up questions) use every label; findings about how someone was
met (how feelings were met, the moments that mattered, the review's stay and space) use only
the labels the model is sure of (`Row.sure`): a claim about the people someone loves is made
only where the model was right most of the time on held-out data.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Generic, TypeVar

from tarry.base import clock
from tarry.base.errors import InvalidInput, NotFound
from tarry.base.memory import no_gc
from tarry.declare import people
from tarry.mirror.labelcache import GAP, ensure_labels, moment
from tarry.mirror.moves import DISCLOSURES
from tarry.store import Store

DEPTH = {name: rank for rank, name in enumerate(DISCLOSURES)}
MET = ("explore", "validate", "share", "fix", "minimise", "redirect")
MET_ORDER = ("explore", "validate", "fix", "minimise", "redirect", "share")  # the contract's
REPLIES = (*MET, "other reply", "no reply")
SIDES = ("me", "them")
PERIODS = ("week", "month")
EXCERPT = 120
MARGIN = timedelta(hours=15)  # more than any UTC offset

ROWS = """
SELECT m.id, m.conversation_id, m.ts, m.is_me, m.text, l.disclosure, l.moves, l.question,
       l.evidence, l.sure
FROM messages m JOIN conversations c ON c.id = m.conversation_id
JOIN message_labels l ON l.message_id = m.id
WHERE m.kind = 'message' AND {where}
ORDER BY m.conversation_id, m.ts, m.id
"""


@dataclass(slots=True)
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
    sure: frozenset[str] = frozenset()  # the labels the model is confident of

    def is_sure(self, label: str) -> bool:
        return label in self.sure and (label == self.disclosure or label in self.moves)


@dataclass
class Exchange:
    """One of their messages or runs of messages, and the reply it got (my next run)."""

    said: Row
    reply: list[Row]


T = TypeVar("T")


@dataclass
class Sides(Generic[T]):
    """One figure each way: mine and theirs."""

    me: T
    them: T

    @classmethod
    def each(cls, figure: Callable[[str], T]) -> Sides[T]:
        return cls(me=figure("me"), them=figure("them"))

    def of(self, side: str) -> T:
        return self.me if side == "me" else self.them


@dataclass
class DepthCounts:
    """How many messages reached each disclosure level, and the mean level (0 none .. 3)."""

    none: int
    fact: int
    thought: int
    feeling: int
    mean: float | None


@dataclass
class Met:
    """How confident disclosures at one level were met.

    `counts` and `shares` split them by how the reply met them first (REPLIES: the first move
    the model is sure of, in the contract's order, else "other reply" or "no reply"): every
    disclosure counts once and the shares add up to 1. `any_move`: how many replies made each
    move at all (a reply can make several).
    """

    total: int
    counts: dict[str, int]  # keyed by REPLIES, each disclosure once
    shares: dict[str, float]
    any_move: dict[str, int]  # keyed by MET


@dataclass
class Numbers:
    """Every mirror number for a set of messages (one person, one period, one week)."""

    messages: Sides[int]
    words: Sides[int]
    depth: Sides[DepthCounts]
    follow_up_rate: Sides[float | None]
    conversations: int
    started: Sides[int]
    response_minutes: Sides[float | None]
    reciprocity: Sides[float | None]
    their_feelings_met: Met
    my_feelings_met: Met

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Period:
    """The numbers of one ISO week or calendar month."""

    period: str
    numbers: Numbers

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period, **self.numbers.to_dict()}


@dataclass
class WeekDepth:
    me: DepthCounts
    them: DepthCounts
    reciprocity: Sides[float | None]


@dataclass
class Stay:
    hard_disclosures: int  # their feeling disclosures
    redirected: int  # ... that your reply turned away from


@dataclass
class Seen:
    my_feelings: int
    met: dict[str, int]  # keyed by REPLIES


@dataclass
class Space:
    their_feelings: int
    explored_or_validated: int
    fixed_or_minimised: int


@dataclass
class PersonMessages:
    name: str
    messages: int


@dataclass
class MirrorWeek:
    """One week's mirror numbers for the weekly review, by practice and by person."""

    start: str
    end: str
    messages: Sides[int]
    depth: WeekDepth
    stay: Stay
    seen: Seen
    space: Space
    follow_up_rate: Sides[float | None]
    people: list[PersonMessages]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=256)
def _moves(text: str) -> frozenset[str]:
    return frozenset(text.split(",")) if text else frozenset()


def _row(r: tuple[Any, ...]) -> Row:
    """A row of ROWS, read as a plain tuple (name lookups cost a third of reading a history)."""
    message_id, conversation, ts, is_me, text, disclosure, moves, question, evidence, sure = r
    return Row(
        message_id, conversation, moment(ts), "me" if is_me else "them", text, disclosure,
        _moves(moves), question, evidence, _moves(sure),
    )  # fmt: skip


def load_rows(
    store: Store,
    where: str,
    params: Sequence[Any],
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Row]:
    """Labelled messages of the conversations matching `where` (on c), in [start, end).

    Messages not labelled yet (or labelled by an older labeller) are labelled first, only those
    in the range read. Stored times mix UTC and local text, so SQL narrows with MARGIN and
    Python decides.
    """
    found = store.query(f"SELECT c.id FROM conversations c WHERE {where}", params)
    low = clock.wall(start) if start else None
    high = clock.wall(end) if end else None
    # Label only what is read below (a week's review need not label years of chat).
    since, until = (low - MARGIN if low else None), (high + MARGIN if high else None)
    ensure_labels(store, [r[0] for r in found], since=since, until=until)
    bounds = (since.isoformat() if since else "", until.isoformat() if until else "\uffff")
    query = ROWS.format(where=f"{where} AND m.ts >= ? AND m.ts < ?")
    cursor = store.conn.cursor()
    cursor.row_factory = None  # tuples: see _row
    with no_gc():
        rows = map(_row, cursor.execute(query, (*params, *bounds)))
        return [r for r in rows if (low is None or r.at >= low) and (high is None or r.at < high)]


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


@dataclass
class Session:
    """One conversation (messages with no silence longer than GAP) and its exchanges by side."""

    rows: list[Row]
    said: dict[str, list[Exchange]]


def split(rows: Iterable[Row]) -> list[Session]:
    """Sessions of messages ordered by conversation and time, each with its exchanges."""
    with no_gc():
        return [Session(chunk, exchanges(chunk)) for chunk in sessions(rows)]


def _runs(session: list[Row]) -> list[list[Row]]:
    """Consecutive messages by the same side."""
    runs: list[list[Row]] = []
    for row in session:
        if runs and runs[-1][0].side == row.side:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


DEEP = frozenset(("thought", "feeling"))


def exchanges(session: list[Row]) -> dict[str, list[Exchange]]:
    """By side, each thought or feeling disclosure, with the other side's next run of messages.

    Only disclosures: every number and moment built on exchanges is about how depth was met.
    """
    said: dict[str, list[Exchange]] = {side: [] for side in SIDES}
    runs = _runs(session)
    for k, run in enumerate(runs):
        reply = runs[k + 1] if k + 1 < len(runs) else []
        said[run[0].side] += [Exchange(row, reply) for row in run if row.disclosure in DEEP]
    return said


def all_exchanges(chunks: Iterable[Session], side: str) -> list[Exchange]:
    return [e for chunk in chunks for e in chunk.said[side]]


def reply_kinds(exchange: Exchange) -> list[str]:
    """How a message was met: the moves of the reply the model is sure of, first move first;
    else 'other reply', or 'no reply' when the conversation ended first."""
    if not exchange.reply:
        return ["no reply"]
    found: list[str] = []
    for row in exchange.reply:
        found += [m for m in MET_ORDER if row.is_sure(m) and m not in found]
    return found or ["other reply"]


def shares_of(counts: dict[str, int], total: int) -> dict[str, float]:
    """Shares to three decimals that add up to exactly 1 (largest remainders get the rest)."""
    if not total:
        return dict.fromkeys(counts, 0.0)
    exact = {k: 1000 * n / total for k, n in counts.items()}
    floors = {k: int(v) for k, v in exact.items()}
    rest = 1000 - sum(floors.values())
    for k in sorted(exact, key=lambda k: exact[k] - floors[k], reverse=True)[:rest]:
        floors[k] += 1
    return {k: v / 1000 for k, v in floors.items()}


def how_met(said: list[Exchange], level: str = "feeling") -> Met:
    """For every confident disclosure at `level`: how the next reply met it first, with shares."""
    first: Counter[str] = Counter()
    every: Counter[str] = Counter()
    total = 0
    for exchange in said:
        if exchange.said.is_sure(level):
            total += 1
            kinds = reply_kinds(exchange)
            first[kinds[0]] += 1
            every.update(k for k in kinds if k in MET)
    counts = {k: first[k] for k in REPLIES}
    return Met(total, counts, shares_of(counts, total), {k: every[k] for k in MET})


def _response_minutes(chunks: list[Session]) -> Sides[float | None]:
    delays: dict[str, list[float]] = {side: [] for side in SIDES}
    for chunk in chunks:
        for before, after in itertools.pairwise(chunk.rows):
            if before.side != after.side:
                delays[after.side].append((after.at - before.at).total_seconds() / 60)
    return Sides.each(lambda s: round(statistics.median(delays[s]), 1) if delays[s] else None)


def _reciprocity(said: list[Exchange]) -> float | None:
    """Share of thought or feeling disclosures answered with one at least as deep."""
    deep = met = 0
    for exchange in said:
        level = DEPTH[exchange.said.disclosure]
        if level >= DEPTH["thought"]:
            deep += 1
            met += any(DEPTH[r.disclosure] >= level for r in exchange.reply)
    return round(met / deep, 3) if deep else None


def _depth_of(mine: list[Row]) -> DepthCounts:
    levels = Counter(r.disclosure for r in mine)
    mean = sum(DEPTH[r.disclosure] for r in mine) / len(mine) if mine else None
    return DepthCounts(
        none=levels["none"],
        fact=levels["fact"],
        thought=levels["thought"],
        feeling=levels["feeling"],
        mean=round(mean, 2) if mean is not None else None,
    )


def _follow_up_rate(mine: list[Row]) -> float | None:
    follow = sum(r.question == "follow_up" for r in mine)
    return round(follow / len(mine), 3) if mine else None


def summarise(rows: list[Row]) -> Numbers:
    """Every mirror number for a set of messages (one person, one period ...)."""
    return summarise_sessions(split(rows))


def summarise_sessions(chunks: list[Session]) -> Numbers:
    rows = [row for chunk in chunks for row in chunk.rows]
    by_side = {side: [r for r in rows if r.side == side] for side in SIDES}
    started = Counter(chunk.rows[0].side for chunk in chunks)
    said = {side: all_exchanges(chunks, side) for side in SIDES}
    return Numbers(
        messages=Sides.each(lambda s: len(by_side[s])),
        words=Sides.each(lambda s: sum(len(r.text.split()) for r in by_side[s])),
        depth=Sides.each(lambda s: _depth_of(by_side[s])),
        follow_up_rate=Sides.each(lambda s: _follow_up_rate(by_side[s])),
        conversations=len(chunks),
        started=Sides.each(lambda s: started[s]),
        response_minutes=_response_minutes(chunks),
        reciprocity=Sides.each(lambda s: _reciprocity(said[s])),
        their_feelings_met=how_met(said["them"]),
        my_feelings_met=how_met(said["me"]),
    )


def period_key(at: datetime, by: str) -> str:
    if by == "week":
        year, week, _ = at.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{at.year}-{at.month:02d}"


def by_period(chunks: list[Session], by: str) -> list[Period]:
    """Numbers per ISO week or calendar month, oldest first.

    A conversation counts in the period it started in, even when it runs past midnight.
    """
    check_period(by)
    groups: dict[str, list[Session]] = defaultdict(list)
    for chunk in chunks:
        groups[period_key(chunk.rows[0].at, by)].append(chunk)
    return [Period(key, summarise_sessions(groups[key])) for key in sorted(groups)]


def check_period(by: str) -> None:
    if by not in PERIODS:
        raise InvalidInput(
            f"Unknown period {by!r}.", field="by", expected="week or month", example="month"
        )


def person_rows(
    store: Store, name: str, since: datetime | None = None, chat: str | None = None
) -> tuple[people.Person, list[Row]]:
    """The person and their labelled messages: in every chat with them, or the one titled `chat`."""
    person = people.get(store, name)
    if chat is None:
        return person, load_rows(store, "c.person_id = ?", (person.id,), since)
    if not store.one(
        "SELECT 1 FROM conversations WHERE person_id = ? AND title = ?", (person.id, chat)
    ):
        titles = [
            r[0]
            for r in store.query(
                "SELECT title FROM conversations WHERE person_id = ? ORDER BY title", (person.id,)
            )
        ]
        raise NotFound(
            f"No chat titled {chat!r} with {person.name}.",
            f"Their chats: {', '.join(titles) or 'none imported yet'}.",
        )
    return person, load_rows(store, "c.person_id = ? AND c.title = ?", (person.id, chat), since)


def person_numbers(store: Store, person_id: int) -> Numbers:
    """One person's mirror numbers over all time."""
    return summarise(load_rows(store, "c.person_id = ?", (person_id,)))


def week_summary(store: Store, start: datetime, end: datetime) -> MirrorWeek:
    """One week's mirror numbers for the weekly review, by practice and by person."""
    rows = load_rows(store, "1 = 1", (), start, end)
    chunks = split(rows)
    total = summarise_sessions(chunks)
    theirs, mine = total.their_feelings_met, total.my_feelings_met
    return MirrorWeek(
        start=start.isoformat(),
        end=end.isoformat(),
        messages=total.messages,
        depth=WeekDepth(total.depth.me, total.depth.them, total.reciprocity),
        stay=Stay(hard_disclosures=theirs.total, redirected=theirs.any_move["redirect"]),
        seen=Seen(my_feelings=mine.total, met=mine.counts),
        space=Space(
            their_feelings=theirs.total,
            explored_or_validated=_any_of(chunks, ("explore", "validate")),
            fixed_or_minimised=_any_of(chunks, ("fix", "minimise")),
        ),
        follow_up_rate=total.follow_up_rate,
        people=_people_counts(store, rows),
    )


def _any_of(chunks: list[Session], kinds: tuple[str, ...]) -> int:
    """Their confident feeling disclosures whose reply surely made at least one of `kinds`."""
    return sum(
        1
        for e in all_exchanges(chunks, "them")
        if e.said.is_sure("feeling") and set(reply_kinds(e)) & set(kinds)
    )


def _people_counts(store: Store, rows: list[Row]) -> list[PersonMessages]:
    names = {
        r["id"]: r["name"] or r["title"]
        for r in store.query(
            "SELECT c.id, c.title, p.name FROM conversations c"
            " LEFT JOIN people p ON p.id = c.person_id"
        )
    }
    counts: Counter[str] = Counter(names[r.conversation] for r in rows)
    return [PersonMessages(n, c) for n, c in counts.most_common()]
