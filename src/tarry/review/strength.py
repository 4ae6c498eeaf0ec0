"""Strength of a practice or a relationship: Loop Habit Tracker's forgiving score, not streaks.

Each day, `score = prev * m + v * (1 - m)` with `m = 0.5 ** (sqrt(f) / 13)`, where `f` is the
expected frequency per day. As in Loop, a day counts as done (`v = 1`) when the target of the
window ending that day is met (a person seen every 7 days: any contact in the last 7 days), and
partly done (`v = days done / days wanted`) when it is partly met. A score of 1 means "fully on
target for a long while"; missing a week lowers it gently instead of resetting a streak.

Targets:
- a person: once per their contact cadence (`tarry people edit NAME --every DAYS`); any real
  contact counts: a moment with them, or an imported message written by them or to them;
- a practice: as often as the active commitments serving it recur; once a week when none does.
  A practice is exercised on a day it is named in a moment, a kept commitment or a tradeoff made
  toward closeness; writing an inner-life entry exercises `inner`.

Only the history that still weighs at least TOLERANCE on a score is read (`Target.horizon`), so a
score is within 1e-4 of the one computed from the first day, at a fraction of the cost.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from typing import Any

from tarry.base import clock
from tarry.declare.practices import KEYS
from tarry.store import Store

DEFAULT_PRACTICE_PER_WEEK = 1
DRIFT_THRESHOLD = 0.5  # a person below this and falling is drifting, even if not yet overdue
FALLING_LOOKBACK_DAYS = 28
# History whose weight on a score has fallen below this is not read (scores show 2 decimals).
TOLERANCE = 1e-4


@dataclass(frozen=True)
class Target:
    """`times` days done in every `window` days."""

    times: int
    window: int

    @property
    def per_day(self) -> float:
        return min(1.0, self.times / self.window)

    @property
    def multiplier(self) -> float:
        return float(0.5 ** (math.sqrt(self.per_day) / 13))

    @property
    def horizon(self) -> int:
        """Days of history that still weigh at least TOLERANCE on the score, plus one window."""
        return math.ceil(math.log(TOLERANCE) / math.log(self.multiplier)) + self.window

    def describe(self) -> str:
        if self.window == 1:
            return "daily"
        if self.window == 7:
            return "once a week" if self.times == 1 else f"{self.times} times a week"
        return f"every {self.window} days"


def scores(days: Sequence[date], target: Target, at: Sequence[date]) -> list[float]:
    """The score at the end of each day in `at` (ascending), given the sorted days done.

    Exact and fast: `v` only changes on a day done and `window` days after it, so the score is
    advanced over whole segments of constant `v` (`s -> v + (s - v) * m ** length`).
    """
    return _scores([d.toordinal() for d in days], target, [d.toordinal() for d in at])


def _scores(done: list[int], target: Target, samples: list[int]) -> list[float]:
    """`scores` on day ordinals (`date.toordinal()`), the form the store queries return."""
    if not done or not samples:
        return [0.0] * len(samples)
    if target.times == 1:
        return _advance(_runs(done, target.window), samples, target.multiplier)
    cuts = sorted(
        {*done, *(d + target.window for d in done), *(s + 1 for s in samples if s >= done[0])}
    )
    m, score, out = target.multiplier, 0.0, []
    ahead = iter(samples)
    pending = next(ahead, None)
    while pending is not None and pending < done[0]:
        out.append(0.0)
        pending = next(ahead, None)
    for start, end in pairwise(cuts):
        v = _done_share(done, start, target)
        score = v + (score - v) * m ** (end - start)
        while pending is not None and pending + 1 == end:
            out.append(score)
            pending = next(ahead, None)
    return out


def _runs(done: list[int], window: int) -> list[tuple[int, int]]:
    """For a target of once per `window` days: the spans [start, end) of days with v = 1."""
    runs: list[tuple[int, int]] = []
    start, end = done[0], done[0] + window
    for day in done[1:]:
        if day > end:
            runs.append((start, end))
            start = day
        end = day + window
    runs.append((start, end))
    return runs


def _advance(runs: list[tuple[int, int]], samples: list[int], m: float) -> list[float]:
    """Step the score across runs of v = 1 and gaps of v = 0, reading it at each sample."""
    out, score, day, index = [], 0.0, runs[0][0], 0
    for sample in samples:
        until = sample + 1  # the score at the end of `sample`
        while day < until:
            start, end = runs[index] if index < len(runs) else (until, until)
            if day < start:  # a gap: v = 0
                step = min(start, until) - day
                score *= m**step
            else:  # inside a run: v = 1
                step = min(end, until) - day
                score = 1 - (1 - score) * m**step
                if day + step >= end:
                    index += 1
            day += step
        out.append(score)
    return out


def _done_share(done: list[int], day: int, target: Target) -> float:
    """`v` for a day: the share of the target met in the window ending that day."""
    count = bisect_right(done, day) - bisect_right(done, day - target.window)
    return min(1.0, count / target.times)


def score_on(days: Sequence[date], target: Target, on: date) -> float:
    return scores(days, target, [on])[0]


def weekly_samples(on: date, weeks: int) -> list[date]:
    """`on` and the same weekday in each of the `weeks - 1` weeks before it, oldest first."""
    return [on - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]


# Practices ------------------------------------------------------------------------------------


# A day is its proleptic ordinal (date.toordinal()), computed in SQL: integers hash and sort
# faster than text, and need no parsing. Practice days are deduplicated by SQL's UNION (a
# practice is named on many moments of one day); contact days, mostly distinct, in Python.
def _day(column: str, local: bool = True) -> str:
    zone = ", 'localtime'" if local else ""
    return f"CAST(julianday({column}{zone}) - 1721424.5 AS INTEGER)"


def _practice_sql(one_key: bool) -> str:
    """Each (practice, day) from :since on; with `one_key`, only the practice :key."""
    key = (lambda column: f" AND {column} = :key") if one_key else (lambda column: "")
    return f"""
SELECT mp.practice AS practice, {_day("m.at")} AS day FROM moments m
    JOIN moment_practices mp ON mp.moment_id = m.id WHERE m.at >= :since{key("mp.practice")}
UNION
SELECT cp.practice, {_day("o.scheduled_at", local=False)} FROM occurrences o
    JOIN commitment_practices cp ON cp.commitment_id = o.commitment_id
    WHERE o.status = 'kept' AND o.scheduled_at >= :since{key("cp.practice")}
UNION
SELECT tp.practice, {_day("t.at")} FROM tradeoffs t
    JOIN tradeoff_practices tp ON tp.tradeoff_id = t.id
    WHERE t.direction = 'toward' AND t.at >= :since{key("tp.practice")}
UNION
SELECT 'inner', {_day("at")} FROM entries WHERE at >= :since{key("'inner'")}
"""


PRACTICE_DAYS = _practice_sql(one_key=False)
LAST_PRACTISED = f"SELECT max(day) FROM ({_practice_sql(one_key=True)}) WHERE day <= :on"


@dataclass
class PracticeStrength:
    practice: str
    score: float
    target: Target
    last_done: date | None
    weekly: list[float] = field(default_factory=list)  # oldest first, the last one is `score`

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["target"] = self.target.describe()
        data["last_done"] = self.last_done.isoformat() if self.last_done else None
        return data


def practice_days(store: Store, on: date, since: date | None = None) -> dict[str, list[int]]:
    """The distinct days (ordinals) each practice was exercised, from `since` to `on`."""
    found = _distinct_days(store.query(PRACTICE_DAYS, {"since": _from(since)}), on)
    return {key: found.get(key, []) for key in KEYS}


def _from(since: date | None) -> str:
    """The stored-text lower bound for `since`: a day early, so no time zone can cut it short."""
    return (since - timedelta(days=1)).isoformat() if since else ""


def _from_day(since: date | None) -> int:
    """`_from` as a day ordinal, for tables that store days."""
    return (since - timedelta(days=1)).toordinal() if since else 0


def _last_practised(store: Store, key: str, on: date) -> date | None:
    params = {"since": "", "key": key, "on": on.toordinal()}
    return _date(store.scalar(LAST_PRACTISED, params))


def _distinct_days(rows: Iterable[Any], on: date) -> dict[Any, list[int]]:
    """Group (key, day ordinal) rows into each key's sorted distinct days up to `on`."""
    limit = on.toordinal()
    seen: dict[Any, set[int]] = {}
    for key, day in rows:
        if day is not None and day <= limit:
            seen.setdefault(key, set()).add(day)
    return {key: sorted(days) for key, days in seen.items()}


def _date(ordinal: int | None) -> date | None:
    return None if ordinal is None else date.fromordinal(ordinal)


def practice_targets(store: Store, on: date) -> dict[str, Target]:
    """Each practice's target on `on`, from how often the commitments live then recur."""
    per_day: dict[str, float] = dict.fromkeys(KEYS, 0.0)
    rows = store.query(
        "SELECT c.rrule, c.starts_at, cp.practice FROM commitments c"
        " JOIN commitment_practices cp ON cp.commitment_id = c.id"
        " WHERE date(c.starts_at) <= ?1"
        " AND (c.ended_at IS NULL OR date(c.ended_at, 'localtime') > ?1)",
        (on.isoformat(),),
    )
    for row in rows:
        if row["practice"] in per_day:
            per_day[row["practice"]] += rule_per_day(row["rrule"], row["starts_at"], on)
    return {key: target_for(rate) for key, rate in per_day.items()}


def rule_per_day(rule: str, starts_at: str, on: date, span_days: int = 28) -> float:
    """How many times a day an RRULE recurs, counted over `span_days` from `on` (or its start)."""
    from dateutil.rrule import rrulestr  # only needed when there are commitments

    try:
        first = datetime.fromisoformat(starts_at).replace(tzinfo=None)
        recurrence = rrulestr(rule, dtstart=first)
        begin = max(first, datetime.combine(on, datetime.min.time()))
        count = len(recurrence.between(begin, begin + timedelta(days=span_days), inc=True))
    except (ValueError, TypeError):
        return 0.0  # an unreadable rule is reported where commitments are edited, not here
    return count / span_days


def target_for(per_day: float) -> Target:
    """The target for an expected frequency per day (once a week when nothing is committed)."""
    if per_day <= 0:
        return Target(DEFAULT_PRACTICE_PER_WEEK, 7)
    if per_day * 7 >= 0.5:
        return Target(max(1, min(7, round(per_day * 7))), 7)
    return Target(1, max(1, round(1 / per_day)))


def practices(store: Store, on: date | None = None, weeks: int = 1) -> list[PracticeStrength]:
    """Every practice's strength on `on` (default today), with `weeks` weekly samples."""
    on = on or clock.today()
    targets = practice_targets(store, on)
    wanted = weekly_samples(on, weeks)
    days = practice_days(store, on, wanted[0] - timedelta(max(t.horizon for t in targets.values())))
    samples = [d.toordinal() for d in wanted]
    result = []
    for key in KEYS:
        weekly = _scores(days[key], targets[key], samples)
        last = _date(days[key][-1]) if days[key] else _last_practised(store, key, on)
        result.append(PracticeStrength(key, weekly[-1], targets[key], last, weekly))
    return result


# People ---------------------------------------------------------------------------------------

DEFAULT_CADENCE_DAYS = 14.0  # the score of a person without a cadence; they are never "drifting"


def _contact_sql(one_person: bool) -> str:
    """Each (person, day) of contact from :since on; with `one_person`, only person :id.

    Imported messages count through `message_days` (tarry.declare.contacts), kept by the importer.
    """
    who = (lambda column: f" AND {column} = :id") if one_person else (lambda column: "")
    return f"""
SELECT mp.person_id AS person, {_day("m.at")} AS day FROM moments m
    JOIN moment_people mp ON mp.moment_id = m.id WHERE m.at >= :since{who("mp.person_id")}
UNION ALL
SELECT person_id, day FROM message_days WHERE day >= :since_day{who("person_id")}
"""


CONTACT_DAYS = _contact_sql(one_person=False)
LAST_CONTACT = f"SELECT max(day) FROM ({_contact_sql(one_person=True)}) WHERE day <= :on"


@dataclass
class PersonStrength:
    person_id: int
    name: str
    cadence_days: float | None
    score: float
    last_contact: date | None
    days_since: int | None  # since the last contact, or since they were added when never
    score_before: float  # FALLING_LOOKBACK_DAYS earlier

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_contact"] = self.last_contact.isoformat() if self.last_contact else None
        return data


def contact_days(store: Store, on: date, since: date | None = None) -> dict[int, list[int]]:
    """The distinct days (ordinals) of contact with each person, from `since` to `on`."""
    params = {"since": _from(since), "since_day": _from_day(since)}
    return _distinct_days(store.query(CONTACT_DAYS, params), on)


def _last_contact(store: Store, person_id: int, on: date) -> date | None:
    params = {"since": "", "since_day": 0, "id": person_id, "on": on.toordinal()}
    return _date(store.scalar(LAST_CONTACT, params))


def person_target(cadence_days: float | None) -> Target:
    cadence = cadence_days or DEFAULT_CADENCE_DAYS
    return Target(1, max(1, round(cadence)))


def people(store: Store, on: date | None = None) -> list[PersonStrength]:
    """Every person's strength on `on` (default today), by name."""
    on = on or clock.today()
    before = on - timedelta(days=FALLING_LOOKBACK_DAYS)
    rows = store.query("SELECT id, name, cadence_days, created_at FROM people ORDER BY name")
    targets = [person_target(row["cadence_days"]) for row in rows]
    horizon = max((t.horizon for t in targets), default=0)
    contacts = contact_days(store, on, before - timedelta(days=horizon))
    result = []
    for row, target in zip(rows, targets, strict=True):
        days = contacts.get(row["id"], [])
        then_score, now_score = _scores(days, target, [before.toordinal(), on.toordinal()])
        last = _date(days[-1]) if days else _last_contact(store, row["id"], on)
        since_day = last or clock.from_text(row["created_at"]).date()
        since = max(0, (on - since_day).days)
        result.append(
            PersonStrength(
                row["id"], row["name"], row["cadence_days"], now_score, last, since, then_score
            )
        )
    return result


@dataclass
class Drift:
    """A person whose contact has fallen behind what they asked of themselves, and why."""

    name: str
    cadence_days: float
    days_since: int
    last_contact: date | None
    strength: float
    urgency: float
    reasons: list[str]
    person_id: int = 0  # where to see them
    falling: bool = False  # their strength fell below the threshold (one of the reasons says so)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_contact"] = self.last_contact.isoformat() if self.last_contact else None
        data["strength"], data["urgency"] = round(self.strength, 3), round(self.urgency, 3)
        return data


def drifting(
    store: Store, on: date | None = None, threshold: float = DRIFT_THRESHOLD
) -> list[Drift]:
    """People with a cadence who are overdue, or whose strength fell below `threshold`.

    Most urgent first: urgency is days since contact over the cadence, plus how far the
    strength fell below the threshold.
    """
    found = []
    for person in people(store, on):
        drift = _drift(person, threshold)
        if drift is not None:
            found.append(drift)
    return sorted(found, key=lambda d: (-d.urgency, d.name))


def _drift(person: PersonStrength, threshold: float) -> Drift | None:
    cadence, since = person.cadence_days, person.days_since or 0
    if cadence is None:
        return None
    reasons = []
    if since > cadence:
        if person.last_contact is None:
            reasons.append(f"no contact recorded in the {since} days since you added them")
        else:
            reasons.append(f"last contact {since} days ago; you wanted every {cadence:g}")
    falling = person.score < threshold and person.score < person.score_before
    if falling:
        reasons.append(
            f"strength {person.score:.2f}, down from {person.score_before:.2f}"
            f" {FALLING_LOOKBACK_DAYS} days ago"
        )
    if not reasons:
        return None
    urgency = since / cadence + (threshold - person.score if falling else 0.0)
    return Drift(person.name, cadence, since, person.last_contact, person.score, urgency, reasons,
                 person.person_id, falling)  # fmt: skip
