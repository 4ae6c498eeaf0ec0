"""Expand a recurring event (RRULE, RDATE, EXDATE, RECURRENCE-ID overrides) within a window.

python-dateutil generates the rule. Expansion is bounded twice, so that no rule can hang an
import: only instances before the window's end are made, and at most `cap` instances are
generated per series (counting from its first one). Rules without COUNT that repeat daily or more
often start near the window, not at their DTSTART, so a daily series from 1995 still fits the cap.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from dateutil.rrule import rrule, rruleset, rrulestr

from tarry.base.errors import FormatError
from tarry.calendar import rule_check
from tarry.calendar.ics_events import UTC_ZONE, IcsEvent, Moment

DEFAULT_CAP = 10_000
_PERIOD = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400, "WEEKLY": 604800}
_UNTIL = re.compile(r"UNTIL=([^;]*)", re.IGNORECASE)


@dataclass(frozen=True)
class Window:
    """The part of time an import looks at: [since, until), both aware."""

    since: datetime
    until: datetime


@dataclass(slots=True)
class Instance:
    """One occurrence: the event it shows (master or override) and its own start and end."""

    event: IcsEvent
    recurrence_id: Moment | None
    start: Moment
    end: Moment
    utc: datetime | None = None  # the start in UTC, when already known


def as_utc(value: Moment, local: tzinfo | None = None) -> datetime:
    """Any Moment as an aware UTC datetime (dates and floating times are local wall time)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=local) if local else value.astimezone()
    return value.astimezone(UTC_ZONE)


def series_instances(
    master: IcsEvent,
    overrides: list[IcsEvent],
    window: Window,
    cap: int,
    warn: Callable[[str], None],
) -> list[Instance]:
    """The series' instances that start inside the window, overrides applied, cancelled left out."""
    by_id = {rid_text(o.recurrence_id): o for o in overrides if o.recurrence_id is not None}
    found: list[Instance] = []
    length = _length(master)
    for start, utc in _bounded(master, window, cap, warn):
        override = by_id.pop(rid_text(start), None) if by_id else None
        if override is None:
            zoned = isinstance(start, datetime) and start.tzinfo is not None
            end = utc + length if zoned else _plus(start, length)  # zoned: exact, in UTC
            found.append(Instance(master, start, start, end, utc))
        elif not override.cancelled and _inside(override.start, window):
            found.append(Instance(override, start, override.start, override.end))
    # Overrides that moved an instance in from elsewhere (or from where the cap cut off).
    found.extend(
        Instance(o, o.recurrence_id, o.start, o.end)
        for o in by_id.values()
        if not o.cancelled and _inside(o.start, window)
    )
    return found


def utc_text(value: datetime) -> str:
    """An aware time as stored (clock.to_text's form), several times faster than strftime."""
    if value.tzinfo is not UTC_ZONE:
        value = value.astimezone(UTC_ZONE)
    return value.isoformat(timespec="seconds")[:-6] + "Z"


def rid_text(value: Moment | None) -> str:
    """A recurrence id as text that is the same however the file wrote the zone."""
    if value is None:
        return ""
    if not isinstance(value, datetime):
        return value.isoformat()
    if value.tzinfo is None:
        return value.isoformat(timespec="seconds")
    return utc_text(value)


def _length(event: IcsEvent) -> timedelta:
    start, end = event.start, event.end
    if isinstance(start, datetime) and isinstance(end, datetime):
        if (start.tzinfo is None) != (end.tzinfo is None):
            return timedelta(0)
        return end - start
    return _as_datetime(end) - _as_datetime(start)


def _plus(start: Moment, length: timedelta) -> Moment:
    if isinstance(start, datetime) and start.tzinfo is not None:
        # Exact duration across a DST change, as RFC 5545 asks for timed events.
        return (start.astimezone(UTC_ZONE) + length).astimezone(start.tzinfo)
    return start + length


def _inside(start: Moment, window: Window) -> bool:
    return window.since <= as_utc(start) < window.until


def _bounded(
    master: IcsEvent, window: Window, cap: int, warn: Callable[[str], None]
) -> Iterator[tuple[Moment, datetime]]:
    """The series' starts inside the window (and in UTC); at most `cap` are generated."""
    all_day = not isinstance(master.start, datetime)
    for count, start in enumerate(_rule_set(master, window), start=1):
        if count > cap:
            warn(
                f"{master.path}, line {master.line}: the series {master.summary!r} has more than"
                f" {cap} instances; only the first {cap} were read. Narrow the window"
                " or raise the most instances read per series."
            )
            return
        utc = as_utc(start)
        if utc >= window.until:
            return
        if utc >= window.since:
            yield (start.date() if all_day else start), utc


def _rule_set(master: IcsEvent, window: Window) -> rruleset:
    start = _as_datetime(master.start)
    rules = rruleset()
    built = [_rule(prop.value.strip(), start, window, master) for prop in master.rrules]
    # DTSTART is the first instance (RFC 5545), matching the rule or not, unless the rule
    # ended before it began (as recurring-ical-events reads it too).
    if not any(rule is not None and rule.ended_before for rule in built):
        rules.rdate(start)
    for rule in built:
        if rule is not None:
            rules.rrule(rule.rule)
    for value in master.rdates:
        rules.rdate(_like(value, start))
    for value in master.exdates:
        rules.exdate(_like(value, start))
    return rules


@dataclass(frozen=True)
class _Rule:
    rule: rrule
    ended_before: bool  # UNTIL falls before DTSTART


def _rule(text: str, start: datetime, window: Window, master: IcsEvent) -> _Rule | None:
    """The dateutil rule, ready to expand; None when it can never occur."""
    try:
        text = _UNTIL.sub(lambda m: "UNTIL=" + _until(m[1], start), text.upper())
        if rule_check.never_occurs(rule_check.parts(text)):
            return None
        built = rrulestr(text, dtstart=start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise FormatError(
            f"cannot read RRULE {text!r} ({exc}).",
            path=master.path,
            line=master.rrules[0].line,
            hint="Fix that rule or export the calendar again.",
        ) from exc
    if not isinstance(built, rrule):
        raise FormatError(f"RRULE {text!r} is not one rule.", path=master.path, line=master.line)
    until = getattr(built, "_until", None)
    ended_before = until is not None and until < start
    return _Rule(_clamp(_skip_ahead(built, text, start, window), start, window), ended_before)


def _clamp(built: rrule, start: datetime, window: Window) -> rrule:
    """End the rule at the window's end, so that a rule that never matches stops there too."""
    limit = window.until if start.tzinfo else window.until.astimezone().replace(tzinfo=None)
    current = getattr(built, "_until", None)
    if current is not None and current <= limit:
        return built
    with warnings.catch_warnings():
        # COUNT with UNTIL is deprecated in dateutil, but exact here: the window cuts the count.
        warnings.simplefilter("ignore", DeprecationWarning)
        return built.replace(until=limit)


def _until(value: str, start: datetime) -> str:
    """UNTIL written to match DTSTART: UTC when DTSTART has a zone, floating when not."""
    digits = value.removesuffix("Z")
    if len(digits) == 8:
        digits += "T235959"
    if not re.fullmatch(r"\d{8}T\d{6}", digits):
        raise ValueError(f"UNTIL={value} is not a date or a date-time")
    if start.tzinfo is None:
        if value.endswith("Z"):
            moment = datetime.strptime(digits, "%Y%m%dT%H%M%S").replace(tzinfo=UTC_ZONE)
            return moment.astimezone().strftime("%Y%m%dT%H%M%S")
        return digits
    if value.endswith("Z"):
        return digits + "Z"
    moment = datetime.strptime(digits, "%Y%m%dT%H%M%S").replace(tzinfo=start.tzinfo)
    return moment.astimezone(UTC_ZONE).strftime("%Y%m%dT%H%M%SZ")


def _skip_ahead(built: rrule, text: str, start: datetime, window: Window) -> rrule:
    """Start a long-running rule near the window: whole periods later, the same instances."""
    freq, interval = re.search(r"FREQ=(\w+)", text), re.search(r"INTERVAL=(\d+)", text)
    period = _PERIOD.get(freq[1] if freq else "")
    if period is None or "COUNT=" in text or "BYSETPOS=" in text:
        return built
    step = timedelta(seconds=period * max(int(interval[1]) if interval else 1, 1))
    since = window.since if start.tzinfo else window.since.astimezone().replace(tzinfo=None)
    steps = (since - start) // step - 1
    if steps <= 0:
        return built
    return built.replace(dtstart=start + steps * step)


def _as_datetime(value: Moment) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


def _like(value: Moment, start: datetime) -> datetime:
    """An RDATE/EXDATE in the same form as DTSTART, so that the rule set can compare them."""
    value = _as_datetime(value) if isinstance(value, datetime) else datetime.combine(
        value, start.time())  # fmt: skip
    if start.tzinfo is not None and value.tzinfo is None:
        return value.replace(tzinfo=start.tzinfo)
    if start.tzinfo is None and value.tzinfo is not None:
        return value.astimezone().replace(tzinfo=None)
    return value


def first_date(value: Moment) -> date:
    return value if not isinstance(value, datetime) else value.date()
