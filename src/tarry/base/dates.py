"""The one reader of the dates and times people type, for every command and every form.

It reads, case aside:

- `now`; ISO 8601 (`2026-11-24`, `2026-11-24 19:00`, `2026-11-24T19:00:00Z`);
- a day: `today`, `yesterday`, `tomorrow`, `friday`, `last friday`, `next friday`,
  `this friday`, `24 november`, `nov 24`, `24 November 2026`, `24/11/2026`, `24.11.26`;
- a time: `19:00`, `7pm`, `7:30 pm`, `19h30`, alone (today) or after a day, with or without `at`:
  `yesterday 19:00`, `last friday at 7pm`;
- a time ago: `2h ago`, `45 min ago`, `1h30m ago`, `3 days ago`, `2 weeks ago`.

Dates written with numbers only are read in the person's order: TARRY_DATE_ORDER (`dmy`, `mdy`
or `ymd`), else the order of the locale's country (LC_ALL, LC_TIME, LANG). A date that reads
both ways with no order known is refused, naming both readings; one that is not a real date
(30 February) is refused, naming it. A bare weekday, or a day and month without a year, means the
one before now for a time that has happened (a moment, `since`), the one after now for a time to
come (a commitment's first occurrence): `prefer`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from tarry.base.errors import InvalidInput

ORDER_ENV = "TARRY_DATE_ORDER"
ORDERS = {"dmy": "day/month/year", "mdy": "month/day/year", "ymd": "year/month/day"}
# Countries that write the month first, or the year first; the rest write the day first.
MONTH_FIRST = frozenset(("US", "PH", "FM", "MH", "PW", "GU", "PR", "AS", "VI", "UM", "BZ"))
YEAR_FIRST = frozenset(("CN", "JP", "KR", "KP", "TW", "HU", "LT", "MN", "IR", "BT", "SE"))
EXAMPLES = "now, 19:00, yesterday 19:00, last friday, 2h ago, 24 november, 2026-11-24 19:00"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")  # fmt: skip
UNITS = {"m": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1, "h": 60, "hr": 60, "hrs": 60,
         "hour": 60, "hours": 60, "d": 1440, "day": 1440, "days": 1440, "w": 10080,
         "wk": 10080, "week": 10080, "weeks": 10080}  # fmt: skip

_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_AGO = re.compile(r"((?:\d+(?:\.\d+)?\s*[a-z]+\s*)+)ago")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_TIME = re.compile(
    r"(?:^|\s+)(?:at\s+)?(?:(\d{1,2})[:h](\d{2})\s*(am|pm)?|(\d{1,2})\s*(am|pm)|(\d{1,2})h)$"
)
_NUMERIC = re.compile(r"(\d{1,4})[/.\-](\d{1,2})(?:[/.\-](\d{2,4}))?")
_DAY_MONTH = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?(?:\s+(\d{4}))?")
_MONTH_DAY = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?(?:\s+(\d{4}))?")


@dataclass(frozen=True)
class Said:
    """What a text names: a day with or without a time, or an instant given in full."""

    day: date | None = None
    at: time | None = None
    instant: datetime | None = None  # aware: 'now', '2h ago', an ISO time with its zone


def date_order() -> str | None:
    """The order numeric dates are read in: TARRY_DATE_ORDER, else the locale's, else None."""
    chosen = os.environ.get(ORDER_ENV, "").strip().lower()
    if chosen:
        if chosen not in ORDERS:
            raise InvalidInput(
                f"{ORDER_ENV}={chosen!r} is not a date order.",
                f"Set {ORDER_ENV} to dmy, mdy or ymd.",
            )
        return chosen
    for name in ("LC_ALL", "LC_TIME", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return _locale_order(value)
    return None


def _locale_order(locale: str) -> str | None:
    """'en_GB.UTF-8' -> dmy, 'en_US' -> mdy, 'ja_JP' -> ymd; C and POSIX say nothing."""
    match = re.match(r"[a-z]{2,3}_([A-Z]{2})", locale)
    if match is None:
        return None
    country = match[1]
    return "mdy" if country in MONTH_FIRST else "ymd" if country in YEAR_FIRST else "dmy"


def read_time(text: str, *, now: datetime, field: str = "at", prefer: str = "past") -> datetime:
    """The time `text` names, aware in the local zone; a day alone is its midnight. `now` is
    clock.now() (this module reads no clock: clock.parse calls it)."""
    said = read(text, field=field, now=now, prefer=prefer)
    if said.instant is not None:
        return said.instant.astimezone()
    assert said.day is not None
    return datetime.combine(said.day, said.at or time(0, 0)).astimezone()


def read_day(
    text: str, *, now: datetime, field: str = "when", prefer: str = "past"
) -> date | datetime:
    """A day (a date) or, when a time is given too, a local wall time (naive)."""
    said = read(text, field=field, now=now, prefer=prefer)
    if said.instant is not None:
        return said.instant.astimezone().replace(tzinfo=None)
    assert said.day is not None
    return said.day if said.at is None else datetime.combine(said.day, said.at)


def read(text: str, *, field: str, now: datetime, prefer: str = "past") -> Said:
    """What `text` names; InvalidInput naming `field` when it names nothing tarry can read."""
    words = " ".join(text.strip().lower().replace(",", " ").split()).rstrip(".")
    if not words:
        raise _unreadable(text, field)
    if words == "now":
        return Said(instant=now)
    iso = _iso(text.strip(), field)
    if iso is not None:
        return iso
    ago = _AGO.fullmatch(words)
    if ago is not None:
        return Said(instant=now - _span(ago[1], text, field))
    day_words, at = _split_time(words, text, field)
    if not day_words:
        if at is None:
            raise _unreadable(text, field)
        return Said(day=now.date(), at=at)
    return Said(day=_day(day_words, text, field, now.date(), prefer), at=at)


def _iso(text: str, field: str) -> Said | None:
    day = _ISO_DAY.match(text)
    if day is None:
        return None
    _real_date(int(day[1]), int(day[2]), int(day[3]), text, field)
    try:
        value = datetime.fromisoformat(text.upper().replace(" ", "T", 1))
    except ValueError:
        return None  # '2026-11-24 7pm': read as a day and a time below
    if day.end() == len(text):
        return Said(day=value.date())
    if value.tzinfo is not None:
        return Said(instant=value)
    return Said(day=value.date(), at=value.time())


def _span(amounts: str, text: str, field: str) -> timedelta:
    minutes = 0.0
    for number, unit in _AMOUNT.findall(amounts):
        if unit not in UNITS:
            raise _unreadable(text, field)
        minutes += float(number) * UNITS[unit]
    return timedelta(minutes=minutes)


def _split_time(words: str, text: str, field: str) -> tuple[str, time | None]:
    """The day words and the time at the end, if there is one."""
    match = _TIME.search(words)
    if match is None:
        return words, None
    hour_text, minute_text, half = (
        (match[1], match[2], match[3]) if match[1] else (match[4], "0", match[5]) if match[4]
        else (match[6], "0", None)
    )  # fmt: skip
    hour, minute = int(hour_text), int(minute_text)
    if half:
        if not 1 <= hour <= 12:
            raise _unreadable(text, field, f"{hour} {half} is not a time")
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        raise _unreadable(text, field, f"{hour:02d}:{minute:02d} is not a time of day")
    return words[: match.start()].strip(), time(hour, minute)


def _day(words: str, text: str, field: str, today: date, prefer: str) -> date:
    named = {"today": 0, "yesterday": -1, "tomorrow": 1}
    if words in named:
        return today + timedelta(days=named[words])
    weekday = _weekday(words, today, prefer)
    if weekday is not None:
        return weekday
    numeric = _NUMERIC.fullmatch(words)
    if numeric is not None:
        return _numeric(numeric, text, field, today, prefer)
    for pattern, day_first in ((_DAY_MONTH, True), (_MONTH_DAY, False)):
        match = pattern.fullmatch(words)
        if match is not None:
            day_text, month_text = (match[1], match[2]) if day_first else (match[2], match[1])
            month = _month(month_text)
            if month is not None:
                return _dated(match[3], month, int(day_text), text, field, today, prefer)
    raise _unreadable(text, field)


def _weekday(words: str, today: date, prefer: str) -> date | None:
    which, _, name = words.rpartition(" ")
    index = next((i for i, day in enumerate(WEEKDAYS) if name in (day, day[:3])), None)
    if index is None or which not in ("", "last", "next", "this", "on"):
        return None
    back = (today.weekday() - index) % 7  # days since the last such day (0: today)
    if which == "last":
        return today - timedelta(days=back or 7)
    if which == "next":
        return today + timedelta(days=(index - today.weekday()) % 7 or 7)
    if which == "this":
        return today + timedelta(days=index - today.weekday())
    return today - timedelta(days=back) if prefer == "past" else today + timedelta(days=-back % 7)


def _month(word: str) -> int | None:
    word = "september" if word == "sept" else word
    return next((i for i, m in enumerate(MONTHS, 1) if word in (m, m[:3])), None)


def _numeric(match: re.Match[str], text: str, field: str, today: date, prefer: str) -> date:
    first, second, third = match[1], match[2], match[3]
    if len(first) == 4:  # 2026/11/24: year first, whatever the order
        return _real_date(int(first), int(second), int(third or 0), text, field)
    readings = {}
    for order, (day, month) in (("dmy", (first, second)), ("mdy", (second, first))):
        try:
            readings[order] = _dated(third, int(month), int(day), text, field, today, prefer)
        except InvalidInput:
            continue
    if not readings:
        raise _unreadable(text, field, "it is not a real date in either order")
    if len(set(readings.values())) == 1:
        return next(iter(readings.values()))
    person = date_order()
    if person is not None and person in readings:
        return readings[person]
    both = " or ".join(f"{d:%-d %B %Y} ({ORDERS[o]})" for o, d in readings.items())
    raise InvalidInput(
        f"{text.strip()!r} could be {both}.",
        f"Write the month as a word or the date as 2026-11-24, or set {ORDER_ENV}=dmy or mdy.",
        field=field,
        example=f"{readings['dmy']:%-d %B %Y}",
    )


def _dated(
    year_text: str | None, month: int, day: int, text: str, field: str, today: date, prefer: str
) -> date:
    """The date; without a year, this year's, or the nearest before or after now (`prefer`)."""
    if year_text:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        return _real_date(year, month, day, text, field)
    found = _real_date(today.year, month, day, text, field)
    if prefer == "past" and found > today:
        return _real_date(today.year - 1, month, day, text, field)
    if prefer == "future" and found < today:
        return _real_date(today.year + 1, month, day, text, field)
    return found


def _real_date(year: int, month: int, day: int, text: str, field: str) -> date:
    if not 1 <= month <= 12:
        raise _unreadable(text, field, f"there is no month {month}")
    try:
        return date(year, month, day)
    except ValueError:
        raise _unreadable(
            text, field, f"there is no {day} {MONTHS[month - 1].capitalize()} {year}"
        ) from None


def _unreadable(text: str, field: str, why: str | None = None) -> InvalidInput:
    said = f"Cannot read the time {text.strip()!r}" + (f": {why}." if why else ".")
    return InvalidInput(
        said,
        field=field,
        expected=f"a date or time such as {EXAMPLES}",
        example="yesterday 19:00",
    )
