"""Time in one place. The one rule (docs/design.md, "Times"):

- an *instant* (when a moment, a tradeoff, an entry happened; when something was imported) is
  stored as UTC text, `to_text` -> '2026-11-24T18:00:00Z', and read back in local time;
- a *wall time* (when an occurrence of a commitment is scheduled, when a chat export says a
  message was sent without saying the zone) is stored as naive local text, '2026-11-24T19:00:00':
  what the person planned or the export says, whatever zone they are in later.

`wall` turns an instant into the wall time it falls on and `instant` a wall time into the
instant; no other module converts between the two. `TARRY_NOW` (an ISO 8601 time) freezes "now";
the demo, tests and benchmarks use it.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

from tarry.base.errors import InvalidInput


def now() -> datetime:
    """The current time, timezone-aware (local zone)."""
    frozen = os.environ.get("TARRY_NOW")
    if frozen:
        try:
            moment = datetime.fromisoformat(frozen)
        except ValueError:
            raise InvalidInput(
                f"TARRY_NOW={frozen!r} is not an ISO 8601 time.",
                "Set it like 2026-11-19T12:00:00+00:00, or unset it.",
            ) from None
        return instant(moment)
    return datetime.now().astimezone()


def today() -> date:
    return now().date()


def parse(text: str, field: str = "at", prefer: str = "past") -> datetime:
    """A time a person typed ('yesterday 19:00', 'last friday', '2h ago', '2026-11-24 19:00'),
    aware in the local zone; see base/dates.py for everything it reads. `field` names the input
    for the error; `prefer` "future" reads 'friday' as the coming one."""
    from tarry.base.dates import read_time

    return read_time(text, field=field, now=now(), prefer=prefer)


def wall(moment: datetime) -> datetime:
    """The local wall time (naive) an instant falls on; a naive time is one already."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def wall_text(moment: datetime) -> str:
    """A wall time as stored: naive local ISO 8601, e.g. 2026-11-24T19:00:00."""
    return wall(moment).isoformat()


def instant(moment: datetime) -> datetime:
    """The instant (aware, local zone) a wall time stands for; an aware time is one already."""
    return moment if moment.tzinfo else moment.astimezone()


def to_text(moment: datetime) -> str:
    """The stored form: UTC, second precision, e.g. 2026-11-24T18:00:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_text(text: str) -> datetime:
    """Read a stored timestamp back, in local time."""
    return datetime.fromisoformat(text).astimezone()


def week_bounds(week: str | None = None) -> tuple[datetime, datetime]:
    """Local start (Monday 00:00) and end of an ISO week like '2026-W47'; default this week."""
    if week:
        monday = _monday_of(week)
    else:
        current = today()
        monday = current - timedelta(days=current.weekday())
    start = datetime.combine(monday, datetime.min.time()).astimezone()
    return start, start + timedelta(days=7)


def _monday_of(week: str) -> date:
    """The Monday of an ISO week 'YYYY-Www', for years 1970-9998, with a clear error."""
    try:
        year, num = (int(part) for part in week.upper().split("-W"))
    except ValueError as exc:
        raise InvalidInput(
            f"Cannot read the week {week!r}.", "Use the ISO form YYYY-Www, e.g. 2026-W47."
        ) from exc
    if not 1970 <= year <= 9998:
        raise InvalidInput(f"The week {week!r} is out of range.", "Use a year from 1970 to 9998.")
    weeks_in_year = date(year, 12, 28).isocalendar()[1]
    if not 1 <= num <= weeks_in_year:
        raise InvalidInput(
            f"There is no week {num} in {year}.", f"{year} has weeks 1 to {weeks_in_year}."
        )
    return date.fromisocalendar(year, num, 1)


def iso_week(moment: datetime | date) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def hours_text(hours: float) -> str:
    """Hours as people say them, to the minute: '8 h 20 min', '45 min', '2 h', '0 h'. One format
    for every screen, so the review and the time audit never round the same hours apart."""
    minutes = round(hours * 60)
    whole, rest = divmod(abs(minutes), 60)
    sign = "-" if minutes < 0 else ""
    if not rest:
        return f"{sign}{whole} h"
    return f"{sign}{whole} h {rest} min" if whole else f"{sign}{rest} min"
