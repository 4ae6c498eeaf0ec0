"""Which order a WhatsApp export writes its dates in, decided from the dates themselves.

A phone writes `03/04/21` day first or month first by its locale, and nothing in the file says
which. Every header date is evidence: first a field above 12 (it cannot be the month), then the
reading under which the messages run forward in time, as a chat does. Lines that fit no reading
(a body line like `31/13/2020, 10:15 - Bo: no`) are not headers and say nothing. Only when the
whole file fits two readings equally, and they give different days, is the person asked, and
the lines that read both ways are named.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from tarry.base.errors import FormatError

ORDERS = ("dmy", "mdy", "ymd")
Triple = tuple[str, str, str]


@dataclass
class Dates:
    """The header dates seen so far, runs of one date kept once, each with its line."""

    triples: list[Triple] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def add(self, triple: Triple, line: int) -> None:
        if not self.triples or self.triples[-1] != triple:
            self.triples.append(triple)
            self.lines.append(line)


@dataclass(frozen=True)
class Decision:
    order: str | None  # None: the dates fit two readings equally (see `candidates`)
    final: bool  # a field above 12 settled it: later dates cannot change it
    candidates: tuple[str, ...] = ()


class Undecided(Exception):
    """The dates read equally well in more than one order (or in none)."""

    def __init__(self, candidates: Sequence[str], dates: Dates) -> None:
        super().__init__("undecided")
        self.candidates, self.dates = tuple(candidates), dates

    def error(self, name: str) -> FormatError:
        if not self.candidates:
            shown = ", ".join("/".join(t) for t in self.dates.triples[:3])
            return FormatError(
                f"the date order is impossible: dates like {shown} fit no known order",
                path=name,
                line=self.dates.lines[0] if self.dates.lines else 1,
                hint="Is this a WhatsApp chat export? Its headers look unusual.",
            )
        both = _two_ways(self.dates, self.candidates)
        readings = " and ".join(spell_order(o) for o in self.candidates)
        lines = "; ".join(f"line {line}: {'/'.join(t)}" for t, line in both[:3])
        return FormatError(
            f"the date order is ambiguous: every date reads as {readings}, and the messages run "
            f"forward in time either way ({lines})",
            path=name,
            line=both[0][1] if both else 1,
            hint="Say which it is.",
            field="day_first",
            expected="dmy for day/month/year, mdy for month/day/year",
            example="dmy",
        )


def spell_order(order: str) -> str:
    return "/".join({"d": "day", "m": "month", "y": "year"}[c] for c in order)


def decide(dates: Dates, *, day_first: bool | None) -> Decision:
    """The order that fits the dates best: fewest dates it cannot read plus fewest steps back
    in time; ties between readings that give the same days do not matter."""
    usable = [(t, n) for t, n in zip(dates.triples, dates.lines, strict=True) if _fits_any(t)]
    orders = [o for o in ORDERS if day_first is None or (o == "dmy") == day_first]
    scores, misfits = {}, {}
    for order in orders:
        valid = [t for t, _ in usable if _valid(t, order)]
        if valid:
            misfits[order] = len(usable) - len(valid)
            scores[order] = misfits[order] + _inversions(valid, order)
    if not scores:
        return Decision(None, True)
    best = min(scores.values())
    candidates = [o for o in scores if scores[o] == best]
    if len(candidates) > 1 and "ymd" in candidates and _short_year_first(usable):
        candidates.remove("ymd")  # a two-digit year first is rare: only when nothing else fits
    # Settled for good when a field above 12 rules out every other reading.
    unread = [o for o in misfits if misfits[o] == 0]
    final = unread == candidates[:1] and len(candidates) == 1
    if len(candidates) > 1 and _same_days([t for t, _ in usable], candidates):
        return Decision(candidates[0], False)
    if len(candidates) > 1:
        candidates = [o for o in candidates if _changes_fit(usable, o)] or candidates
    if len(candidates) == 1:
        return Decision(candidates[0], final)
    return Decision(None, False, tuple(candidates))


def decide_order(
    triples: Sequence[Triple], *, day_first: bool | None, name: str, lines: Sequence[int] = ()
) -> str:
    """`decide` for callers that have every date: the order, or a FormatError that asks."""
    dates = Dates()
    for index, triple in enumerate(triples):
        dates.add(triple, lines[index] if index < len(lines) else 1)
    decision = decide(dates, day_first=day_first)
    if decision.order is None:
        raise Undecided(decision.candidates, dates).error(name)
    return decision.order


def _short_year_first(usable: Sequence[tuple[Triple, int]]) -> bool:
    return all(len(t[0]) < 4 for t, _ in usable)


def _fits_any(triple: Triple) -> bool:
    return any(_valid(triple, o) for o in ORDERS)


def _valid(triple: Triple, order: str) -> bool:
    fields = dict(zip(order, triple, strict=True))
    if any(len(fields[c]) > 2 for c in "dm") or len(fields["y"]) not in (2, 4):
        return False  # WhatsApp writes a year with 2 or 4 digits, days and months with 1 or 2
    return 1 <= int(fields["d"]) <= 31 and 1 <= int(fields["m"]) <= 12


def _ymd(triple: Triple, order: str) -> tuple[int, int, int]:
    fields = dict(zip(order, triple, strict=True))
    return int(fields["y"]) % 100, int(fields["m"]), int(fields["d"])


def _inversions(triples: Sequence[Triple], order: str) -> int:
    """How often the dates go back in time under this reading."""
    days = [_ymd(t, order) for t in triples]
    return sum(1 for a, b in itertools.pairwise(days) if b < a)


def _same_days(triples: Sequence[Triple], orders: Sequence[str]) -> bool:
    return all(len({_ymd(t, o) for o in orders}) == 1 for t in triples)


def _changes_fit(usable: Sequence[tuple[Triple, int]], order: str) -> bool:
    """Days change more often than months, months at least as often as years."""
    changes = [0, 0, 0]
    for (a, _), (b, _) in itertools.pairwise(usable):
        for i in range(3):
            changes[i] += int(a[i]) != int(b[i])
    by_field = dict(zip(order, changes, strict=True))
    return by_field["d"] > by_field["m"] >= by_field["y"]


def _two_ways(dates: Dates, orders: Sequence[str]) -> list[tuple[Triple, int]]:
    """The dated lines that read as different days in the candidate orders."""
    pairs = zip(dates.triples, dates.lines, strict=True)
    return [(t, n) for t, n in pairs if _fits_any(t) and not _same_days([t], orders)]
