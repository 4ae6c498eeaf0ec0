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
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Generic, TypeVar

from tarry.base import clock
from tarry.base.errors import InvalidInput, NotFound
from tarry.base.memory import no_gc
from tarry.declare import people
from tarry.mirror.labelcache import GAP, ensure_labels, moment
from tarry.mirror.lexicon import Hit, load, normalise
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
    hard_disclosures: int  # their hard disclosures (`is_hard`)
    redirected: int  # ... that your reply turned away from


@dataclass
class Seen:
    my_feelings: int
    met: dict[str, int]  # keyed by REPLIES


@dataclass
class Space:
    hard_disclosures: int  # their hard disclosures (`is_hard`)
    explored_or_validated: int  # ... met by (a reply that surely made) one of these
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


NEGATION = re.compile(r"\b(?:not|no|never|nothing|without)\b|n't\b")


def listed(row: Row, name: str) -> list[str]:
    """The phrases of word list `name` in a message, in text order."""
    return [h[2] for h in _found(row.text)[1].get(name, [])]


def normalised(row: Row) -> str:
    """A message's text as the word lists read it (normalised once with its phrases)."""
    return _found(row.text)[0]


@lru_cache(maxsize=256)
def _found(text: str) -> tuple[str, dict[str, list[Hit]]]:
    """The text normalised, and the phrases of every word list in it."""
    norm = normalise(text)
    return norm, load().scan(norm)


def glad_only(row: Row) -> bool:
    """Its feeling words are all glad ones ("love you", "so excited", "i care about you"; not
    "the care home"), and it tells no hard news and negates nothing ("not happy" is no glad
    word): a feeling, but not a hard one."""
    norm, hits = _found(row.text)
    felt = hits.get("feeling", [])
    return (
        bool(felt)
        and all(_glad(norm, start, end) for start, end, _ in felt)
        and "hard" not in hits
        and not NEGATION.search(norm)
    )


def _glad(norm: str, start: int, end: int) -> bool:
    """Is the feeling phrase found at norm[start:end] a glad one (`[notable] glad`, each
    matched where the phrase starts and ending where it ends)?"""
    return any((m := g.match(norm, start)) is not None and m.end() == end for g in load().glad)


def is_hard(row: Row) -> bool:
    """Something hard told, as the model is sure: a feeling, unless told only in glad words
    ("i'm so excited i could scream" is no pain to fix or to stay with), or a thought that
    tells hard news ("i think my dad is in hospital again")."""
    if row.is_sure("feeling"):
        return not glad_only(row)
    return row.is_sure("thought") and bool(listed(row, "hard"))


def hard_exchanges(chunks: Iterable[Session]) -> list[Exchange]:
    """Their hard disclosures (`is_hard`), each with your reply."""
    return [e for e in all_exchanges(chunks, "them") if is_hard(e.said)]


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
    """Shares to three decimals whose thousandths add up to exactly 1000 (largest remainders get
    the rest); as floats their sum may be off in the last bit (0.9999999999999999)."""
    if not total:
        return dict.fromkeys(counts, 0.0)
    exact = {k: 1000 * n / total for k, n in counts.items()}
    floors = {k: int(v) for k, v in exact.items()}
    rest = 1000 - sum(floors.values())
    for k in sorted(exact, key=lambda k: exact[k] - floors[k], reverse=True)[:rest]:
        floors[k] += 1
    return {k: v / 1000 for k, v in floors.items()}


@dataclass
class Tally:
    """What a set of sessions adds up to before it becomes numbers: counts and lists, by side,
    that add (so a report's total is its periods' tallies added, not everything counted again)."""

    messages: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    levels: dict[str, Counter[str]] = field(default_factory=lambda: _each(Counter))
    follow_ups: Counter[str] = field(default_factory=Counter)
    conversations: int = 0
    started: Counter[str] = field(default_factory=Counter)
    delays: dict[str, list[float]] = field(default_factory=lambda: _each(list))  # minutes
    deep: Counter[str] = field(default_factory=Counter)  # thought or feeling disclosures
    deep_met: Counter[str] = field(default_factory=Counter)  # ... answered as deep
    felt: Counter[str] = field(default_factory=Counter)  # confident feelings
    first: dict[str, Counter[str]] = field(default_factory=lambda: _each(Counter))  # REPLIES
    every: dict[str, Counter[str]] = field(default_factory=lambda: _each(Counter))  # MET

    def add(self, other: Tally) -> None:
        """Add `other` into this one."""
        self.conversations += other.conversations
        for mine, theirs in (
            (self.messages, other.messages), (self.words, other.words),
            (self.follow_ups, other.follow_ups), (self.started, other.started),
            (self.deep, other.deep), (self.deep_met, other.deep_met), (self.felt, other.felt),
        ):  # fmt: skip
            mine.update(theirs)
        for side in SIDES:
            self.levels[side].update(other.levels[side])
            self.delays[side] += other.delays[side]
            self.first[side].update(other.first[side])
            self.every[side].update(other.every[side])

    def numbers(self) -> Numbers:
        return Numbers(
            messages=Sides.each(lambda s: self.messages[s]),
            words=Sides.each(lambda s: self.words[s]),
            depth=Sides.each(lambda s: _depth_of(self.levels[s])),
            follow_up_rate=Sides.each(
                lambda s: (
                    round(self.follow_ups[s] / self.messages[s], 3) if self.messages[s] else None
                )
            ),
            conversations=self.conversations,
            started=Sides.each(lambda s: self.started[s]),
            response_minutes=Sides.each(
                lambda s: round(statistics.median(d), 1) if (d := self.delays[s]) else None
            ),
            reciprocity=Sides.each(
                lambda s: round(self.deep_met[s] / self.deep[s], 3) if self.deep[s] else None
            ),
            their_feelings_met=self._met("them"),
            my_feelings_met=self._met("me"),
        )

    def _met(self, side: str) -> Met:
        """How one side's confident feelings were met, each by the first move of the reply."""
        total, first, every = self.felt[side], self.first[side], self.every[side]
        counts = {k: first[k] for k in REPLIES}
        return Met(total, counts, shares_of(counts, total), {k: every[k] for k in MET})


def _each(kind: Callable[[], T]) -> dict[str, T]:
    return {side: kind() for side in SIDES}


def tally(chunks: Iterable[Session]) -> Tally:
    """Count sessions once, for every number of `Numbers`."""
    t = Tally()
    for chunk in chunks:
        t.conversations += 1
        t.started[chunk.rows[0].side] += 1
        for row in chunk.rows:
            side = row.side
            t.messages[side] += 1
            t.words[side] += len(row.text.split())
            t.levels[side][row.disclosure] += 1
            t.follow_ups[side] += row.question == "follow_up"
        for before, after in itertools.pairwise(chunk.rows):
            if before.side != after.side:
                t.delays[after.side].append((after.at - before.at).total_seconds() / 60)
        for side in SIDES:
            for exchange in chunk.said[side]:
                _count_exchange(t, side, exchange)
    return t


def _count_exchange(t: Tally, side: str, exchange: Exchange) -> None:
    """Depth met with depth (a thought or feeling answered with one at least as deep), and how
    a confident feeling was met first, and by which moves at all."""
    level = DEPTH[exchange.said.disclosure]
    if level >= DEPTH["thought"]:
        t.deep[side] += 1
        t.deep_met[side] += any(DEPTH[r.disclosure] >= level for r in exchange.reply)
    if exchange.said.is_sure("feeling"):
        t.felt[side] += 1
        kinds = reply_kinds(exchange)
        t.first[side][kinds[0]] += 1
        t.every[side].update(k for k in kinds if k in MET)


def _depth_of(levels: Counter[str]) -> DepthCounts:
    count = sum(levels.values())
    mean = sum(DEPTH[level] * n for level, n in levels.items()) / count if count else None
    return DepthCounts(
        none=levels["none"],
        fact=levels["fact"],
        thought=levels["thought"],
        feeling=levels["feeling"],
        mean=round(mean, 2) if mean is not None else None,
    )


def summarise(rows: list[Row]) -> Numbers:
    """Every mirror number for a set of messages (one person, one period ...)."""
    return summarise_sessions(split(rows))


def summarise_sessions(chunks: list[Session]) -> Numbers:
    return tally(chunks).numbers()


def period_key(at: datetime, by: str) -> str:
    if by == "week":
        year, week, _ = at.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{at.year}-{at.month:02d}"


def with_periods(chunks: list[Session], by: str) -> tuple[Numbers, list[Period]]:
    """The numbers of all the sessions, and per ISO week or calendar month (oldest first), each
    counted once. A conversation counts in the period it started in, even when it runs past
    midnight."""
    check_period(by)
    groups: dict[str, list[Session]] = defaultdict(list)
    for chunk in chunks:
        groups[period_key(chunk.rows[0].at, by)].append(chunk)
    tallies = {key: tally(groups[key]) for key in sorted(groups)}
    total = Tally()
    for one in tallies.values():
        total.add(one)
    return total.numbers(), [Period(key, one.numbers()) for key, one in tallies.items()]


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
    mine, hard = total.my_feelings_met, hard_exchanges(chunks)
    return MirrorWeek(
        start=start.isoformat(),
        end=end.isoformat(),
        messages=total.messages,
        depth=WeekDepth(total.depth.me, total.depth.them, total.reciprocity),
        stay=Stay(hard_disclosures=len(hard), redirected=_met_by(hard, ("redirect",))),
        seen=Seen(my_feelings=mine.total, met=mine.counts),
        space=Space(
            hard_disclosures=len(hard),
            explored_or_validated=_met_by(hard, ("explore", "validate")),
            fixed_or_minimised=_met_by(hard, ("fix", "minimise")),
        ),
        follow_up_rate=total.follow_up_rate,
        people=_people_counts(store, rows),
    )


def _met_by(said: list[Exchange], kinds: tuple[str, ...]) -> int:
    """How many of `said` a reply surely met with at least one of `kinds`."""
    return sum(1 for e in said if not set(kinds).isdisjoint(reply_kinds(e)))


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
