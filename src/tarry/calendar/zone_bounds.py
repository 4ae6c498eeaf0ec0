"""Bounding a VTIMEZONE before it is used: a time zone changes its offset a few times a year.

dateutil (through icalendar) expands a VTIMEZONE's rules lazily, from their DTSTART, each time a
time is converted: a rule that repeats every second from 1601 costs billions of steps per lookup.
So before a definition is used, its rules must repeat yearly or monthly and give at most
`MAX_TRANSITIONS` changes up to `HORIZON` (counted here, with a bound on the counting itself);
otherwise the zone is not used and its times are read as local time, with a warning.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from dateutil.rrule import rrule, rrulestr

MAX_TRANSITIONS = 2000  # per zone: real ones have a few hundred at most (yearly from 1601)
HORIZON = datetime(2040, 1, 1)
FREQUENCIES = ("YEARLY", "MONTHLY")


class TooManyTransitions(ValueError):
    """The definition repeats too often (or too much) to be a time zone."""


def transitions(zone: Any) -> int:
    """How many offset changes the VTIMEZONE component `zone` (icalendar) defines up to HORIZON;
    TooManyTransitions when its rules repeat more often than monthly or give too many."""
    total = 0
    for part in zone.walk():
        if part.name not in ("STANDARD", "DAYLIGHT"):
            continue
        total += 1 + _rdates(part) + _rule_count(part, MAX_TRANSITIONS - total)
        if total > MAX_TRANSITIONS:
            raise TooManyTransitions(f"it changes offset over {MAX_TRANSITIONS} times")
    return total


def _rdates(part: Any) -> int:
    found = part.get("RDATE")
    if found is None:
        return 0
    lists = found if isinstance(found, list) else [found]
    return sum(len(getattr(item, "dts", [])) for item in lists)


def _rule_count(part: Any, room: int) -> int:
    recur = part.get("RRULE")
    if recur is None:
        return 0
    frequency = (recur.get("FREQ") or [""])[0].upper()
    if frequency not in FREQUENCIES:
        raise TooManyTransitions(f"a rule repeats {frequency.lower() or 'without a frequency'}")
    start = part.get("DTSTART")
    begin = getattr(start, "dt", None)
    if not isinstance(begin, datetime):
        raise TooManyTransitions("a rule has no start time")
    text = recur.to_ical().decode()
    rule = rrulestr(text, dtstart=begin.replace(tzinfo=None), ignoretz=True)
    if isinstance(rule, rrule) and not {"UNTIL", "COUNT"} & set(recur):
        rule = rule.replace(until=HORIZON)
    # Yearly or monthly to the year 9999 at most: the counting itself is bounded.
    before = itertools.takewhile(lambda moment: moment < HORIZON, rule)
    return sum(1 for _ in itertools.islice(before, max(room, 0) + 1))
