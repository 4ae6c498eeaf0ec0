"""The weekly review: what mattered, how it was lived, what was traded, and one invitation.

Computed from the store with SQL aggregates (fast on years of data), honest about empty weeks:
where there is nothing to measure, the value is None and the renderers say so.
Two other inputs plug in when there is data for them: the calendar's time audit
(`calendar_hours`) and the mirror's weekly numbers for imported chats (`mirror_week`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from tarry.base import clock
from tarry.base.errors import Step
from tarry.review import strength
from tarry.review.invitation import Invitation, invite
from tarry.store import Store

if TYPE_CHECKING:
    from tarry.calendar.audit import Collision
    from tarry.declare.values import Rating
    from tarry.mirror.conversations import MirrorWeek

TREND_WEEKS = 8


@dataclass
class Lived:
    """Importance vs lived: the latest value profile (self-rated) beside what was measured."""

    profile_taken_at: str | None
    closeness: list[Rating]  # the closeness domains rated: importance, consistency, gap
    closeness_gap: float | None
    gap_label: str
    moments: int  # measured: moments logged this week ...
    people_seen: int  # ... with this many different people (hours are in `Hours`)


@dataclass
class Tradeoff:
    at: str
    chose: str
    over: str
    direction: str
    cost_hours: float | None
    cost_note: str


@dataclass
class Hours:
    """Hours given to closeness vs hours traded away from it (and for what)."""

    in_moments: float
    in_kept_commitments: float
    traded_away: float
    tradeoffs: list[Tradeoff]


@dataclass
class Commitments:
    kept: int
    traded: int
    skipped: int
    pending: int  # past occurrences of the week not marked yet
    traded_for: list[str]
    to_come: int = 0  # occurrences later this week (not "unmarked": they have not happened)


@dataclass
class Practice:
    practice: str
    strength: float
    change: float  # since the end of the week before
    target: str
    last_done: str | None
    weekly: list[float]  # TREND_WEEKS samples, oldest first


@dataclass
class WeekDepth:
    """One week of the depth trend."""

    week: str
    moments: int
    meaningfulness: float | None


@dataclass
class Depth:
    moments: int
    feeling_share: float | None  # share of moments with feeling-level disclosure
    meaningfulness: float | None  # mean of the five RIR ratings, 1-7
    change: float | None  # meaningfulness vs the mean of the weeks before
    trend: list[WeekDepth]  # oldest first


@dataclass
class CalendarWeek:
    """The time audit's week: hours per calendar domain, the target, collisions with work."""

    hours: dict[str, float]  # keyed by the calendar's domains (work, connection, ...)
    target_hours: float | None
    target_met: bool | None
    collisions: list[Collision]


@dataclass
class Note:
    """Something the review could not measure, and the step that would let it."""

    text: str
    step: Step | None = None


@dataclass
class Review:
    week: str
    start: str  # first day (Monday)
    end: str  # last day (Sunday)
    has_data: bool
    lived: Lived
    hours: Hours
    commitments: Commitments
    practices: list[Practice]
    depth: Depth
    drifting: list[strength.Drift]
    invitation: Invitation
    calendar: CalendarWeek | None = None  # the time audit's week, when a calendar is imported
    mirror: MirrorWeek | None = None  # the mirror's weekly numbers, when chats are imported
    notes: list[Note] = field(default_factory=list)  # what could not be measured, said plainly

    def to_dict(self) -> dict[str, Any]:
        """The JSON edge: plain values only."""
        data = asdict(self)
        data["lived"]["closeness"] = [r.to_dict() for r in self.lived.closeness]
        data["drifting"] = [d.to_dict() for d in self.drifting]
        data["notes"] = [n.text for n in self.notes]
        return data


def week(store: Store, week: str | None = None) -> Review:
    """The review of an ISO week like '2026-W47' (default: this week)."""
    start, end = clock.week_bounds(week)
    name = clock.iso_week(start)
    on = min(end.date() - timedelta(days=1), clock.today())
    lived, hours = _lived(store, start, end), _hours(store, start, end)
    practices = _practices(store, on)
    drifts = strength.drifting(store, on) if on >= start.date() else []
    review = Review(
        week=name,
        start=start.date().isoformat(),
        end=(end.date() - timedelta(days=1)).isoformat(),
        has_data=_has_data(lived, hours, store, start, end),
        lived=lived,
        hours=hours,
        commitments=_commitments(store, start, end),
        practices=practices,
        depth=_depth(store, start),
        drifting=drifts,
        invitation=invite(store, practices, drifts, next_monday=end.date()),
        calendar=calendar_hours(store, start, end),
        mirror=mirror_week(store, start, end),
    )
    review.notes = _notes(review)
    return review


def _utc(moment: datetime) -> str:
    return clock.to_text(moment)


def _local(moment: datetime) -> str:
    """Wall time as occurrences store it."""
    return clock.wall_text(moment)


def _lived(store: Store, start: datetime, end: datetime) -> Lived:
    from tarry.declare import values

    profile = values.latest(store, before=end)  # the profile current that week, not a later one
    closeness = [r for r in profile.ratings if r.domain in values.CLOSENESS] if profile else []
    row = store.one(
        "SELECT count(DISTINCT m.id), count(DISTINCT mp.person_id) FROM moments m"
        " LEFT JOIN moment_people mp ON mp.moment_id = m.id WHERE m.at >= ? AND m.at < ?",
        (_utc(start), _utc(end)),
    )
    assert row is not None  # an aggregate always returns a row
    return Lived(
        profile_taken_at=profile.taken_at.isoformat() if profile else None,
        closeness=closeness,
        closeness_gap=profile.closeness_gap if profile else None,
        gap_label=values.GAP_LABEL,
        moments=row[0],
        people_seen=row[1],
    )


def _kept_hours(store: Store, start: datetime, end: datetime) -> float:
    hours = store.scalar(
        "SELECT coalesce(sum(c.duration_min), 0) / 60.0 FROM occurrences o"
        " JOIN commitments c ON c.id = o.commitment_id"
        " WHERE o.status = 'kept' AND o.scheduled_at >= ? AND o.scheduled_at < ?",
        (_local(start), _local(end)),
    )
    return round(float(hours), 2)


def _hours(store: Store, start: datetime, end: datetime) -> Hours:
    rows = store.query(
        "SELECT at, chose, over, direction, cost_hours, cost_note FROM tradeoffs"
        " WHERE at >= ? AND at < ? ORDER BY at, id",
        (_utc(start), _utc(end)),
    )
    tradeoffs = [Tradeoff(*row) for row in rows]
    away = sum(t.cost_hours or 0.0 for t in tradeoffs if t.direction == "away")
    # A traded occurrence whose tradeoff gave no cost in hours costs the commitment's duration.
    uncosted = store.scalar(
        "SELECT coalesce(sum(c.duration_min), 0) / 60.0 FROM occurrences o"
        " JOIN commitments c ON c.id = o.commitment_id"
        " LEFT JOIN tradeoffs t ON t.id = o.tradeoff_id"
        " WHERE o.status = 'traded' AND t.cost_hours IS NULL"
        " AND o.scheduled_at >= ? AND o.scheduled_at < ?",
        (_local(start), _local(end)),
    )
    moment_hours = store.scalar(
        "SELECT coalesce(sum(duration_min), 0) / 60.0 FROM moments WHERE at >= ? AND at < ?",
        (_utc(start), _utc(end)),
    )
    return Hours(
        in_moments=round(float(moment_hours), 2),
        in_kept_commitments=_kept_hours(store, start, end),
        traded_away=round(away + float(uncosted), 2),
        tradeoffs=tradeoffs,
    )


def _commitments(store: Store, start: datetime, end: datetime) -> Commitments:
    split = min(max(clock.now(), start), end)  # what has happened vs what is still to come
    marked: dict[str, int] = {}
    marked_before: int = 0
    for status, before, count in store.query(
        "SELECT status, scheduled_at < ?, count(*) FROM occurrences"
        " WHERE scheduled_at >= ? AND scheduled_at < ? GROUP BY status, scheduled_at < ?",
        (_local(split), _local(start), _local(end), _local(split)),
    ):
        marked[status] = marked.get(status, 0) + count
        marked_before += count if before else 0
    marked_after = sum(marked.values()) - marked_before
    traded_for = [
        row[0]
        for row in store.query(
            "SELECT DISTINCT t.chose FROM occurrences o JOIN tradeoffs t ON t.id = o.tradeoff_id"
            " WHERE o.status = 'traded' AND o.scheduled_at >= ? AND o.scheduled_at < ?"
            " ORDER BY t.chose",
            (_local(start), _local(end)),
        )
    ]
    return Commitments(
        kept=marked.get("kept", 0),
        traded=marked.get("traded", 0),
        skipped=marked.get("skipped", 0),
        pending=max(0, _scheduled(store, start, split) - marked_before),
        traded_for=traded_for,
        to_come=max(0, _scheduled(store, split, end) - marked_after),
    )


def _scheduled(store: Store, start: datetime, end: datetime) -> int:
    """How many occurrences the rules put in the week (only commitments live in it)."""
    from tarry.commit.commitments import build_rule

    rows = store.query(
        "SELECT rrule, starts_at, ended_at FROM commitments"
        " WHERE starts_at < ? AND (ended_at IS NULL OR ended_at > ?)",
        (_local(end), _utc(start)),
    )
    count, first = 0, clock.wall(start)
    for row in rows:
        last = clock.wall(end)
        if row["ended_at"]:
            last = min(last, clock.wall(clock.from_text(row["ended_at"])))
        rule = build_rule(row["rrule"], datetime.fromisoformat(row["starts_at"]))
        count += sum(1 for t in rule.between(first, last, inc=True) if t < last)
    return count


def _practices(store: Store, on: date) -> list[Practice]:
    found = strength.practices(store, on, weeks=TREND_WEEKS)
    return [
        Practice(
            practice=p.practice,
            strength=round(p.score, 3),
            change=round(p.weekly[-1] - p.weekly[-2], 3),
            target=p.target.describe(),
            last_done=p.last_done.isoformat() if p.last_done else None,
            weekly=[round(x, 3) for x in p.weekly],
        )
        for p in found
    ]


MEANINGFULNESS = "(intimacy + i_disclosed + they_disclosed + pleasantness + satisfaction) / 5.0"


def _depth(store: Store, start: datetime) -> Depth:
    """This week's depth, and meaningfulness per week over the last TREND_WEEKS weeks."""
    first = start - timedelta(weeks=TREND_WEEKS - 1)
    rows = store.query(
        "SELECT CAST((julianday(date(at, 'localtime')) - julianday(?)) / 7 AS INTEGER) AS w,"
        f" count(*), avg({MEANINGFULNESS}), sum(disclosure = 'feeling')"
        " FROM moments WHERE at >= ? AND at < ? GROUP BY w",
        (first.date().isoformat(), _utc(first), _utc(start + timedelta(weeks=1))),
    )
    weeks = {row[0]: (row[1], row[2], row[3]) for row in rows}
    trend = [_trend_point(first + timedelta(weeks=k), weeks.get(k)) for k in range(TREND_WEEKS)]
    count, mean, feeling = weeks.get(TREND_WEEKS - 1, (0, None, 0))
    earlier = [p.meaningfulness for p in trend[:-1] if p.meaningfulness is not None]
    change = round(mean - sum(earlier) / len(earlier), 2) if mean is not None and earlier else None
    return Depth(
        moments=count,
        feeling_share=round(feeling / count, 3) if count else None,
        meaningfulness=round(mean, 2) if mean is not None else None,
        change=change,
        trend=trend,
    )


def _trend_point(monday: datetime, found: tuple[int, float, int] | None) -> WeekDepth:
    count, mean = (found[0], round(found[1], 2)) if found else (0, None)
    return WeekDepth(clock.iso_week(monday), count, mean)


def _has_data(lived: Lived, hours: Hours, store: Store, start: datetime, end: datetime) -> bool:
    if lived.moments or hours.tradeoffs or hours.in_kept_commitments:
        return True
    marks = store.scalar(
        "SELECT count(*) FROM occurrences WHERE scheduled_at >= ? AND scheduled_at < ?",
        (_local(start), _local(end)),
    )
    entries = store.scalar(
        "SELECT count(*) FROM entries WHERE at >= ? AND at < ?", (_utc(start), _utc(end))
    )
    return bool(marks or entries)


def _notes(review: Review) -> list[Note]:
    """Plain statements of what this review could not measure."""
    notes = []
    today, first, last = (
        clock.today(),
        date.fromisoformat(review.start),
        date.fromisoformat(review.end),
    )
    if first <= today < last:
        notes.append(
            Note(f"{review.week} is still under way: the figures run to today, {today:%A}.")
        )
    elif today < first:
        notes.append(Note(f"{review.week} has not started yet."))
    if not review.has_data:
        notes.append(
            Note(f"Nothing was logged in {review.week}: no moments, marks, tradeoffs or entries.")
        )
    if review.lived.profile_taken_at is None:
        notes.append(Note("No value profile yet.", Step.RATE_VALUES))
    if review.calendar is None:
        notes.append(
            Note("No calendar imported: hours at work are not counted.", Step.IMPORT_CALENDAR)
        )
    return notes


# Where later inputs plug in -------------------------------------------------------------------


def calendar_hours(store: Store, start: datetime, end: datetime) -> CalendarWeek | None:
    """The time audit's week (hours per calendar domain, target, collisions); None without one."""
    if store.one("SELECT 1 FROM time_blocks LIMIT 1") is None:
        return None
    from tarry.calendar import audit

    found = audit.week_hours(store, start, end)
    return CalendarWeek(found.hours, found.target_hours, found.target_met, found.collisions)


def mirror_week(store: Store, start: datetime, end: datetime) -> MirrorWeek | None:
    """The mirror's numbers for the week's imported messages; None when there are none."""
    if store.one("SELECT 1 FROM messages LIMIT 1") is None:
        return None
    from tarry.mirror import conversations

    return conversations.week_summary(store, start, end)
