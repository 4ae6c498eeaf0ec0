"""Protected time: commitments as an RFC 5545 calendar, one VEVENT (with its RRULE) each.

Times: a commitment is kept in local wall time. The export names the local IANA zone
(TZID + a VTIMEZONE, so 19:00 stays 19:00 across DST) when it can be found (TZ, /etc/localtime
or --timezone); otherwise, or with `floating=True`, times are floating: 19:00 wherever you are.
UIDs are stable (commitment id + creation time), so calendar apps update events in place; DTSTAMP
is the commitment's creation time, so exporting twice gives the same bytes.
A retired commitment keeps its past: its rule gets a COUNT that ends where it ended.
Each event carries a reminder (a VALARM, DISPLAY) `alarm` minutes before it begins: 30 unless
set otherwise (`set_alarm`, kept in calendar_settings; 0 turns reminders off).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from tarry import __version__
from tarry.base.errors import InvalidInput
from tarry.calendar import local
from tarry.commit import commitments
from tarry.commit.commitments import Commitment
from tarry.declare import practices as practice_keys
from tarry.store import Store

if TYPE_CHECKING:
    from icalendar import Alarm, Calendar, Event

CALENDAR_NAME = "tarry: protected time"
ALARM_KEY = "alarm_minutes"
DEFAULT_ALARM_MINUTES = 30
MAX_ALARM_MINUTES = 7 * 24 * 60
_UNTIL = re.compile(r"UNTIL=(\d{8}(?:T\d{6})?)Z?")


def local_zone_name() -> str | None:
    """The IANA name of the local zone (TZ, else /etc/localtime), or None when unknown."""
    return local.zone_name()


def alarm(store: Store) -> int:
    """Minutes before protected time that calendars remind you (0: no reminder)."""
    value = store.scalar("SELECT value FROM calendar_settings WHERE key = ?", (ALARM_KEY,))
    return DEFAULT_ALARM_MINUTES if value is None else int(value)


def set_alarm(store: Store, minutes: int) -> int:
    """Remind `minutes` before each commitment in the export and the feed (0 turns it off)."""
    if not 0 <= minutes <= MAX_ALARM_MINUTES:
        raise InvalidInput(
            f"A reminder comes at most a week ahead, not {minutes} min.",
            field="alarm", expected="how long before, with a unit, or off", example="30m",
        )  # fmt: skip
    with store.tx():
        store.execute("INSERT OR REPLACE INTO calendar_settings VALUES (?, ?)",
                      (ALARM_KEY, str(minutes)))  # fmt: skip
    return minutes


def export_ics(
    store: Store, *, zone: str | None = None, floating: bool = False, alarm_min: int | None = None
) -> bytes:
    """Every commitment (retired ones up to their end) as .ics bytes, each with a reminder
    `alarm_min` minutes ahead (default: the one set; 0: none)."""
    minutes = alarm(store) if alarm_min is None else alarm_min
    return calendar_of(store, zone=zone, floating=floating, alarm_min=minutes).to_ical()


def calendar_of(
    store: Store, *, zone: str | None = None, floating: bool = False, alarm_min: int = 0
) -> Calendar:
    from icalendar import Calendar  # here: `tarry import chat` loads this module, not icalendar

    tz = None if floating else _chosen_zone(zone)
    cal = Calendar()
    cal.add("prodid", f"-//tarry//tarry {__version__}//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", CALENDAR_NAME)
    cal.add("x-published-ttl", "PT1H")
    chosen = commitments.all_commitments(store, include_ended=True)
    for commitment in chosen:
        event = to_event(commitment, tz)
        if event is not None and alarm_min and commitment.active:
            event.add_component(reminder(commitment, alarm_min))
        if event is not None:
            cal.add_component(event)
    if tz is not None and tz is not UTC and chosen:
        first = min(c.starts_at for c in chosen).date()
        cal.add_missing_timezones(first_date=first, last_date=first.replace(year=first.year + 30))
    return cal


def _chosen_zone(name: str | None) -> tzinfo | None:
    if name is None:
        name = local_zone_name()
        if name is None:
            return None
    if name.upper() in ("UTC", "ETC/UTC", "Z"):
        return UTC
    found = local.zone_named(name)
    if found is None:
        raise InvalidInput(f"Unknown time zone {name!r}.", "Use an IANA name like Europe/Berlin.")
    return found


def to_event(commitment: Commitment, tz: tzinfo | None) -> Event | None:
    """One VEVENT for a commitment; None for a retired one that never occurred."""
    from icalendar import Event, vRecur

    rule = _rule(commitment, tz)
    if rule is None:
        return None
    event = Event()
    event.add("uid", uid(commitment))
    event.add("dtstamp", commitment.created_at.astimezone(UTC))
    event.add("dtstart", _at(commitment.starts_at, tz))
    event.add("duration", timedelta(minutes=commitment.duration_min))
    event.add("rrule", vRecur.from_ical(rule))
    event.add("summary", commitment.title)
    event.add("description", description(commitment))
    if commitment.practices:
        event.add("categories", commitment.practices)
    event.add("transp", "OPAQUE")
    event.add("x-tarry-commitment", str(commitment.id))
    return event


def reminder(commitment: Commitment, minutes: int) -> Alarm:
    """A VALARM `minutes` before each occurrence: the title, and who it is with."""
    from icalendar import Alarm

    found = Alarm()
    found.add("action", "DISPLAY")
    found.add("trigger", timedelta(minutes=-minutes))
    with_ = f" with {', '.join(commitment.people)}" if commitment.people else ""
    found.add("description", f"Protected time{with_}: {commitment.title}")
    return found


def uid(commitment: Commitment) -> str:
    return (
        f"commitment-{commitment.id}-{commitment.created_at.astimezone(UTC):%Y%m%dT%H%M%SZ}@tarry"
    )


def _at(wall: datetime, tz: tzinfo | None) -> datetime:
    """Local wall time in the chosen zone (floating: stays naive)."""
    return wall if tz is None else wall.replace(tzinfo=tz)


def _rule(commitment: Commitment, tz: tzinfo | None) -> str | None:
    """The stored RRULE, UNTIL written as RFC 5545 wants it, a retired one ended by COUNT."""
    rule = commitment.rrule
    if commitment.ended_at is not None:
        held = commitments.expand(commitment, commitment.starts_at, commitment.ended_at)
        if not held:
            return None
        parts = [p for p in rule.split(";") if not p.startswith(("COUNT=", "UNTIL="))]
        return ";".join([*parts, f"COUNT={len(held)}"])
    return _UNTIL.sub(lambda m: "UNTIL=" + _until(m[1], tz), rule)


def _until(value: str, tz: tzinfo | None) -> str:
    """A stored UNTIL (local wall time) in UTC for a zoned DTSTART, floating otherwise."""
    wall = datetime.strptime(value if "T" in value else value + "T235959", "%Y%m%dT%H%M%S")
    if tz is None:
        return f"{wall:%Y%m%dT%H%M%S}"
    return f"{_at(wall, tz).astimezone(UTC):%Y%m%dT%H%M%SZ}"


def description(commitment: Commitment) -> str:
    lines = []
    if commitment.people:
        lines.append(f"With {', '.join(commitment.people)}.")
    for key in commitment.practices:
        lines.append(f"Practice: {key}: {practice_keys.PRACTICES.get(key, '')}.")
    if commitment.note:
        lines.append(commitment.note)
    lines.append("Protected time, from tarry.")
    return "\n".join(lines)
