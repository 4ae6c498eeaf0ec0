"""Recurrence for commitments: friendly phrases and raw RFC 5545 RRULEs (python-dateutil).

Rules are expanded in local wall time from the first occurrence (`starts_at`, naive). A
commitment recurs at most daily.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from tarry.base.errors import InvalidInput

if TYPE_CHECKING:
    from dateutil.rrule import rrule

RULE_EXAMPLE = "FREQ=WEEKLY;BYDAY=TH"  # with a first occurrence, e.g. 2026-11-19 19:00
EVERY_EXAMPLE = "thursday 19:00"
EVERY_EXAMPLES = (
    "Examples: 'thursday 19:00', 'mon,wed,fri 7:30', 'weekdays 8:00', 'day 21:30',"
    " '2 weeks saturday 10:00', 'first sunday 11:00'; or give a raw RRULE."
)
DAYS = {"mo": "MO", "tu": "TU", "we": "WE", "th": "TH", "fr": "FR", "sa": "SA", "su": "SU"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
UNITS = {"day": "DAILY", "daily": "DAILY", "week": "WEEKLY", "weekly": "WEEKLY",
         "month": "MONTHLY", "monthly": "MONTHLY"}  # fmt: skip
GROUPS = {"weekday": "MO,TU,WE,TH,FR", "weekend": "SA,SU"}
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?(am|pm)?$")


def parse_every(text: str) -> tuple[str, time | None]:
    """A friendly recurrence ('thursday 19:00', '2 weeks saturday') as (RRULE, time or None)."""
    freq, interval, byday, at = None, 1, [], None
    words = re.sub(r"\b(every|on|at|and|the)\b", " ", text.lower()).replace(",", " ").split()
    ordinal = None
    for index, word in enumerate(words):
        following = words[index + 1].rstrip("s") if index + 1 < len(words) else ""
        if word.isdigit() and following in UNITS:  # '2 weeks'; a lone '19' is a time
            interval = int(word)
        elif _TIME.match(word):
            at = _time_of(word, text)
        elif word in ORDINALS:
            ordinal = ORDINALS[word]
        elif word.rstrip("s") in UNITS:
            freq = UNITS[word.rstrip("s")]
        elif word.rstrip("s") in GROUPS:
            byday.append(GROUPS[word.rstrip("s")])
        elif word[:2] in DAYS and _is_day_name(word):
            byday.append(f"{ordinal or ''}{DAYS[word[:2]]}")
        else:
            raise every_error(f"Cannot read the recurrence {text!r} (at {word!r}).")
    if not freq and not byday:
        raise every_error(f"The recurrence {text!r} names no day or period.")
    freq = freq or ("MONTHLY" if ordinal else "WEEKLY")
    parts = [f"FREQ={freq}"] + ([f"INTERVAL={interval}"] if interval > 1 else [])
    return ";".join(parts + ([f"BYDAY={','.join(byday)}"] if byday else [])), at


def _is_day_name(word: str) -> bool:
    names = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return any(name.startswith(word.rstrip("s")) for name in names) and len(word) >= 2


def _time_of(word: str, text: str) -> time:
    match = _TIME.match(word)
    assert match is not None
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3] == "pm" and hour < 12:
        hour += 12
    elif match[3] == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        raise InvalidInput(
            f"Cannot read the time {word!r} in {text!r}.", "Write e.g. 19:00 or 7pm."
        )
    return time(hour, minute)


def normalise_rule(text: str) -> str:
    """A raw RRULE as stored: no 'RRULE:' prefix, upper case, UNTIL in local wall time; checked."""
    rule = text.strip().upper().removeprefix("RRULE:").strip()
    if not rule or "DTSTART" in rule or "\n" in rule:
        raise rule_error(f"Invalid RRULE {text!r}: give one RRULE line.")
    rule = re.sub(r"UNTIL=(\d{8}T\d{6})Z", _local_until, rule)
    check_rule(rule)
    return rule


# Checking a rule part by part, so that each refusal names the part at fault ------------------

MAX_INTEGER = 2**31 - 1  # RFC 5545's INTEGER is a signed 32-bit value
MAX_INTERVAL = {"DAILY": 366, "WEEKLY": 104, "MONTHLY": 24, "YEARLY": 10}  # two years at most
FREQS = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
PARTS = (
    "FREQ",
    "UNTIL",
    "COUNT",
    "INTERVAL",
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
    "WKST",
)
RANGES = {"BYSECOND": (0, 60), "BYMINUTE": (0, 59), "BYHOUR": (0, 23), "BYMONTH": (1, 12),
          "BYMONTHDAY": (-31, 31), "BYYEARDAY": (-366, 366), "BYWEEKNO": (-53, 53),
          "BYSETPOS": (-366, 366)}  # fmt: skip
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def rule_error(message: str, hint: str | None = None) -> InvalidInput:
    """A raw RRULE refused: the field, what it takes, an example."""
    return InvalidInput(
        message, hint, field="rrule", expected="one RFC 5545 RRULE line", example=RULE_EXAMPLE
    )


def every_error(message: str) -> InvalidInput:
    """A friendly recurrence refused, with the phrases that work."""
    return InvalidInput(message, EVERY_EXAMPLES, field="every", example=EVERY_EXAMPLE)


def _refuse(rule: str, problem: str, hint: str | None = None) -> InvalidInput:
    return rule_error(f"Invalid RRULE {rule!r}: {problem}.", hint)


def rule_parts(rule: str) -> dict[str, str]:
    """The rule's NAME=VALUE parts; refuses an unknown, malformed or repeated part."""
    parts: dict[str, str] = {}
    for part in rule.split(";"):
        name, equals, value = part.partition("=")
        if not equals or not value:
            raise _refuse(rule, f"{part!r} is not NAME=VALUE")
        if name not in PARTS:
            raise _refuse(rule, f"unknown part {name!r}", f"Known parts: {', '.join(PARTS)}.")
        if name in parts:
            raise _refuse(
                rule,
                f"{name} is given twice (RFC 5545 allows each part once)",
                f"Join the values in one part, e.g. {name}={parts[name]},{value}.",
            )
        parts[name] = value
    return parts


def check_rule(rule: str) -> None:
    """Refuse a rule RFC 5545 forbids or a commitment cannot follow, naming the part at fault."""
    parts = rule_parts(rule)
    _check_freq(rule, parts.get("FREQ"))
    for name in ("INTERVAL", "COUNT"):
        if name in parts:
            _check_positive(rule, name, parts[name])
    if int(parts.get("INTERVAL", "1")) > MAX_INTERVAL[parts["FREQ"]]:
        raise _refuse(
            rule,
            f"INTERVAL={parts['INTERVAL']} is more than two years apart",
            f"Use at most INTERVAL={MAX_INTERVAL[parts['FREQ']]} with FREQ={parts['FREQ']}.",
        )
    if "COUNT" in parts and "UNTIL" in parts:
        raise _refuse(rule, "COUNT and UNTIL cannot both be given", "Keep one of them.")
    for name, (low, high) in RANGES.items():
        for value in parts.get(name, "").split(",") if name in parts else ():
            _check_number(rule, name, value, low, high)
    for day in parts.get("BYDAY", "").split(",") if "BYDAY" in parts else ():
        if not _BYDAY.fullmatch(day):
            raise _refuse(
                rule,
                f"BYDAY={parts['BYDAY']} has {day!r}, not a day",
                "Days are MO, TU, WE, TH, FR, SA, SU (BYDAY=1SU: the first Sunday).",
            )
    _check_month_days(rule, parts)
    if "UNTIL" in parts:
        _check_until(rule, parts["UNTIL"])


def _check_freq(rule: str, freq: str | None) -> None:
    if freq is None:
        raise _refuse(
            rule, "FREQ is missing", "Start with FREQ=DAILY, FREQ=WEEKLY or FREQ=MONTHLY."
        )
    if freq not in FREQS:
        raise _refuse(
            rule,
            f"FREQ={freq} is not a frequency",
            "Use FREQ=DAILY, FREQ=WEEKLY, FREQ=MONTHLY or FREQ=YEARLY.",
        )
    if FREQS.index(freq) < FREQS.index("DAILY"):
        raise InvalidInput(
            f"The RRULE {rule!r} recurs more often than daily (FREQ={freq}).",
            "A commitment recurs at most daily; use BYHOUR for two times a day.",
        )


def _check_positive(rule: str, name: str, value: str) -> None:
    if not value.isdigit() or not 1 <= int(value) <= MAX_INTEGER:
        raise _refuse(
            rule,
            f"{name}={value} must be a whole number from 1 to {MAX_INTEGER}",
            f"E.g. {name}=2.",
        )


def _check_number(rule: str, name: str, value: str, low: int, high: int) -> None:
    number = value.lstrip("+-")
    if not number.isdigit() or not low <= int(value) <= high or (int(value) == 0 and low < 0):
        raise _refuse(
            rule,
            f"{name} has {value!r}, outside {low} to {high}",
            f"Give {name} whole numbers from {low} to {high}.",
        )


def _check_month_days(rule: str, parts: dict[str, str]) -> None:
    """A day of the month that none of the named months has (BYMONTH=2;BYMONTHDAY=30)."""
    if "BYMONTHDAY" not in parts or "BYMONTH" not in parts:
        return
    longest = max(MONTH_DAYS[int(m) - 1] for m in parts["BYMONTH"].split(","))
    if all(abs(int(day)) > longest for day in parts["BYMONTHDAY"].split(",")):
        raise _refuse(
            rule,
            f"BYMONTHDAY={parts['BYMONTHDAY']} never falls in "
            f"BYMONTH={parts['BYMONTH']} (at most {longest} days)",
            "Pick a day the month has, e.g. BYMONTHDAY=-1 for its last day.",
        )


def _check_until(rule: str, until: str) -> None:
    from tarry.base import clock

    match = re.fullmatch(r"(\d{8})(T\d{6})?", until)
    if match is None:
        raise _refuse(
            rule, f"UNTIL={until} is not a date", "Write UNTIL=20271231 or UNTIL=20271231T235959Z."
        )
    try:
        moment = datetime.strptime(until, "%Y%m%dT%H%M%S" if match[2] else "%Y%m%d")
    except ValueError as exc:
        raise _refuse(rule, f"UNTIL={until} is not a real date") from exc
    if moment < clock.wall(clock.now()) - timedelta(days=1):
        raise _refuse(
            rule,
            f"UNTIL={until} is in the past, so it would never occur",
            "Give a later UNTIL, or leave it out.",
        )


def _local_until(match: re.Match[str]) -> str:
    moment = datetime.strptime(match[1] + "+0000", "%Y%m%dT%H%M%S%z")
    return "UNTIL=" + moment.astimezone().strftime("%Y%m%dT%H%M%S")


def build_rule(rule: str, starts_at: datetime) -> rrule:
    """The dateutil rule for a stored RRULE and first occurrence; InvalidInput when unreadable."""
    from dateutil.rrule import rrule as rrule_type
    from dateutil.rrule import rrulestr  # imported here: `tarry log` never needs it

    try:
        built = rrulestr(rule, dtstart=starts_at, forceset=False)
    except (ValueError, TypeError, KeyError) as exc:
        raise rule_error(f"Invalid RRULE {rule!r}: {exc}.") from exc
    if not isinstance(built, rrule_type) or re.search(r"FREQ=(HOURLY|MINUTELY|SECONDLY)", rule):
        raise InvalidInput(
            f"The RRULE {rule!r} recurs more often than daily.",
            "A commitment recurs at most daily; use BYHOUR for two times a day.",
        )
    return built


DAY_NAMES = {"MO": "Mon", "TU": "Tue", "WE": "Wed", "TH": "Thu", "FR": "Fri", "SA": "Sat",
             "SU": "Sun"}  # fmt: skip
ORDINAL_NAMES = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}


def describe(rule: str, starts_at: datetime) -> str:
    """A short reading of a rule ('every Thu 19:00', 'every 2 weeks on Sat 10:00') or the rule."""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    every = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month"}.get(parts.pop("FREQ", ""))
    interval = int(parts.pop("INTERVAL", "1") or 1)
    byday = parts.pop("BYDAY", "")
    days = [re.fullmatch(r"([+-]?\d*)(MO|TU|WE|TH|FR|SA|SU)", d) for d in byday.split(",") if byday]
    if every is None or parts or not all(days):
        return f"{rule} {starts_at:%H:%M}"
    named = [f"{ORDINAL_NAMES.get(m[1], m[1])} {DAY_NAMES[m[2]]}".strip() for m in days if m]
    if every == "week" and not named:
        named = [f"{starts_at:%a}"]  # dateutil repeats the first occurrence's weekday
    period = f"every {interval} {every}s" if interval > 1 else f"every {every}"
    if named and every == "week" and interval == 1:
        period = "every " + ", ".join(named)
    elif named and every == "month" and interval == 1:
        period = f"the {', '.join(named)} of every month"
    elif named:
        period += " on " + ", ".join(named)
    return f"{period} {starts_at:%H:%M}"
