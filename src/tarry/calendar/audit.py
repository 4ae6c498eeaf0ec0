"""The time audit: hours per domain in a period, the connection target, collisions, the trend.

Hours count timed blocks only (all-day events mark days, not hours), clipped to the period;
overlapping blocks of one domain count once (the same meeting in two calendars is one hour).
A collision is an occurrence of a commitment that overlaps a work block.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tarry.base import clock
from tarry.base.errors import InvalidInput
from tarry.calendar import rules
from tarry.calendar.blocks import TimeBlock, between
from tarry.commit import commitments
from tarry.store import Store

TARGET_KEY = "connection_target_min"
_AMOUNT = re.compile(r"(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?")


@dataclass
class Collision:
    """A commitment's occurrence that overlaps work."""

    commitment_id: int
    title: str
    scheduled_at: str  # local wall time, ISO 8601
    status: str  # pending, kept, traded or skipped
    work: str  # the work block's summary
    work_starts_at: str
    work_ends_at: str


@dataclass
class WeekHours:
    """Hours per domain in [start, end), the user's connection target, and collisions."""

    start: str
    end: str
    week: str
    hours: dict[str, float]
    blocks: dict[str, int]
    target_hours: float | None
    collisions: list[Collision] = field(default_factory=list)

    @property
    def target_met(self) -> bool | None:
        if self.target_hours is None:
            return None
        return self.hours["connection"] >= self.target_hours

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "target_met": self.target_met}


def classified(
    store: Store, start: datetime | None, end: datetime | None
) -> list[tuple[TimeBlock, rules.Match]]:
    """The blocks overlapping [start, end), each with its domain and the rule that gave it."""
    judge = rules.classifier(store)
    return [(block, judge.classify(block)) for block in between(store, start, end)]


def week_hours(store: Store, start: datetime, end: datetime) -> WeekHours:
    """Hours per domain for a period (usually clock.week_bounds(...)); see the module doc."""
    found = classified(store, start, end)
    spans: dict[str, list[tuple[datetime, datetime]]] = {d: [] for d in rules.DOMAINS}
    counts = dict.fromkeys(rules.DOMAINS, 0)
    for block, match in found:
        counts[match.domain] += 1
        if not block.all_day:
            spans[match.domain].append((max(block.starts_at, start), min(block.ends_at, end)))
    work = [b for b, m in found if m.domain == "work" and not b.all_day]
    return WeekHours(
        start=start.isoformat(),
        end=end.isoformat(),
        week=clock.iso_week(start),
        hours={d: round(_union_hours(s), 2) for d, s in spans.items()},
        blocks=counts,
        target_hours=target(store),
        collisions=collisions(store, start, end, work),
    )


def _union_hours(spans: list[tuple[datetime, datetime]]) -> float:
    total, reach = timedelta(0), None
    for begin, finish in sorted(spans):
        if reach is not None and begin < reach:
            begin = reach
        if finish > begin:
            total += finish - begin
            reach = finish
    return total.total_seconds() / 3600


def collisions(
    store: Store, start: datetime, end: datetime, work: list[TimeBlock]
) -> list[Collision]:
    """Occurrences of commitments in [start, end) that overlap one of the work blocks."""
    found = []
    for occ in commitments.occurrences(store, start, end):
        begin = clock.instant(occ.scheduled_at)
        finish = clock.instant(occ.ends_at)
        for block in work:
            if block.starts_at < finish and begin < block.ends_at:
                found.append(_collision(occ, block))
                break
    return found


def _collision(occ: commitments.Occurrence, block: TimeBlock) -> Collision:
    return Collision(
        occ.commitment_id,
        occ.title,
        occ.scheduled_at.isoformat(),
        occ.status,
        block.summary,
        block.starts_at.isoformat(),
        block.ends_at.isoformat(),
    )


def trend(store: Store, weeks: int = 8, *, last: datetime | None = None) -> list[WeekHours]:
    """Week by week, oldest first, ending with the week that holds `last` (default now)."""
    if not 1 <= weeks <= 260:
        raise InvalidInput(f"Cannot show {weeks} weeks.", "Choose 1 to 260 weeks.")
    start, _ = clock.week_bounds(clock.iso_week(last or clock.now()))
    firsts = [start - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    return [week_hours(store, s, _next_monday(s)) for s in firsts]


def _next_monday(start: datetime) -> datetime:
    # Local midnight a week later, right across a DST change.
    return clock.instant(clock.wall(start) + timedelta(days=7))


def parse_amount(text: str) -> float:
    """Hours from '6h', '90m', '1h30m' or '6' (hours)."""
    text = text.strip().lower()
    try:
        return float(text)
    except ValueError:
        pass
    match = _AMOUNT.fullmatch(text)
    if not text or match is None or not any(match.groups()):
        raise InvalidInput(f"Cannot read the amount {text!r}.", "Write e.g. 6h, 90m or 1h30m.")
    return float(match[1] or 0) + int(match[2] or 0) / 60


def set_target(store: Store, hours: float | None) -> float | None:
    """Set (or with None, clear) the weekly connection target in hours."""
    if hours is not None and not 0 < hours <= 168:
        raise InvalidInput(f"A weekly target of {hours:g} h is not possible.", "Choose 0-168 h.")
    with store.tx():
        if hours is None:
            store.execute("DELETE FROM calendar_settings WHERE key = ?", (TARGET_KEY,))
        else:
            store.execute(
                "INSERT OR REPLACE INTO calendar_settings VALUES (?, ?)",
                (TARGET_KEY, str(round(hours * 60))),
            )
    return target(store)


def target(store: Store) -> float | None:
    value = store.scalar("SELECT value FROM calendar_settings WHERE key = ?", (TARGET_KEY,))
    return None if value is None else int(value) / 60
