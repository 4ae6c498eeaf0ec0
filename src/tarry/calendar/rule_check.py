"""Guard dateutil from RRULEs that can never occur (30 February, a 5th hour of one).

dateutil looks for the next instance until the year 9999 before it gives up: ten seconds or more
for a daily rule, and an import must never hang. So values out of range are refused, and a rule
whose day filters no day of a 400-year cycle passes (the Gregorian calendar repeats every 400
years), or whose BYSETPOS exceeds any possible set, is known to be empty before dateutil runs.
"""

from __future__ import annotations

from datetime import date, timedelta

RANGES = {
    "INTERVAL": (1, 1_000_000), "COUNT": (1, 1_000_000_000), "BYSECOND": (0, 60),
    "BYMINUTE": (0, 59), "BYHOUR": (0, 23), "BYMONTH": (1, 12), "BYMONTHDAY": (-31, 31),
    "BYYEARDAY": (-366, 366), "BYWEEKNO": (-53, 53), "BYSETPOS": (-366, 366),
}  # fmt: skip
DAY_FILTERS = ("BYMONTH", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYDAY")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}
CYCLE_DAYS = 146_097  # 400 Gregorian years


def parts(text: str) -> dict[str, str]:
    """An RRULE's KEY=VALUE parts; raises ValueError on an out-of-range number."""
    found = dict(p.partition("=")[::2] for p in text.split(";") if p)
    for key, (low, high) in RANGES.items():
        for number in (int(v) for v in found.get(key, "").split(",") if v):
            if not low <= number <= high or (number == 0 and low < 0):
                raise ValueError(f"{key}={number} is out of range")
    return found


def never_occurs(rule: dict[str, str]) -> bool:
    """Whether the rule can have no instance at all (besides DTSTART)."""
    return _no_day_fits(rule) or _setpos_too_far(rule)


def _numbers(rule: dict[str, str], key: str) -> list[int]:
    return [int(v) for v in rule.get(key, "").split(",") if v]


def _no_day_fits(rule: dict[str, str]) -> bool:
    if sum(key in rule for key in DAY_FILTERS) < 2:
        return False  # each filter alone fits some day, its range being checked
    months, monthdays = set(_numbers(rule, "BYMONTH")), _numbers(rule, "BYMONTHDAY")
    yeardays, weeks = _numbers(rule, "BYYEARDAY"), _numbers(rule, "BYWEEKNO")
    if rule.get("WKST", "MO") != "MO":
        weeks = []  # weeks are counted as ISO weeks below; another week start could differ
    weekdays = {
        WEEKDAYS.index(d[-2:]) for d in rule.get("BYDAY", "").split(",") if d[-2:] in WEEKDAYS
    }
    day = date(2000, 1, 1)
    for _ in range(CYCLE_DAYS):
        if _fits(day, months, monthdays, yeardays, weeks, weekdays):
            return False
        day += timedelta(days=1)
    return True


def _fits(
    day: date,
    months: set[int],
    monthdays: list[int],
    yeardays: list[int],
    weeks: list[int],
    weekdays: set[int],
) -> bool:
    if months and day.month not in months:
        return False
    if weekdays and day.weekday() not in weekdays:
        return False
    if monthdays and not _hit(day.day, _month_length(day), monthdays):
        return False
    year_length = 366 if _leap(day.year) else 365
    if yeardays and not _hit(day.timetuple().tm_yday, year_length, yeardays):
        return False
    week, iso_weeks = day.isocalendar()[1], date(day.year, 12, 28).isocalendar()[1]
    return not weeks or _hit(week, iso_weeks, weeks)


def _hit(value: int, length: int, wanted: list[int]) -> bool:
    """Whether `value` (1-based) is among `wanted`, where negative numbers count from the end."""
    return value in wanted or value - length - 1 in wanted


def _month_length(day: date) -> int:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _setpos_too_far(rule: dict[str, str]) -> bool:
    """BYSETPOS picks from each period's set; a position beyond every set never matches."""
    positions = _numbers(rule, "BYSETPOS")
    if not positions:
        return False
    size = 1
    for key in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        size *= max(len(_numbers(rule, key)), 1)
    size *= _days_per_period(rule)
    return all(abs(p) > size for p in positions)


def _days_per_period(rule: dict[str, str]) -> int:
    freq = rule.get("FREQ", "")
    days = PERIOD_DAYS.get(freq, 1)
    for key in ("BYMONTHDAY", "BYYEARDAY"):
        if key in rule:
            days = min(days, len(_numbers(rule, key)))
    if "BYDAY" in rule:
        # A weekday occurs once a week, at most 5 times a month and 53 times a year.
        per_weekday = {"WEEKLY": 1, "MONTHLY": 5, "YEARLY": 53}.get(freq, 1)
        days = min(days, per_weekday * len(rule["BYDAY"].split(",")))
    return days
