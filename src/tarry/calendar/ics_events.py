"""Decode scanned VEVENTs: dates and times in their zones, durations, text, attendees.

Times: a TZID that names an IANA zone uses it; otherwise the file's VTIMEZONE (through
icalendar), then Windows zone names; an unknown zone falls back to local time with a warning.
Floating times (no zone) use the calendar's X-WR-TIMEZONE when it has one, else local time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tarry.base.errors import FormatError
from tarry.calendar.ics_scan import Prop, RawCalendar, RawEvent
from tarry.calendar.zone_bounds import TooManyTransitions, transitions

Moment = date | datetime  # a date for all-day values, else a datetime (naive = floating)
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DATETIME = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)")
_DURATION = re.compile(r"([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?")
_ESCAPES = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\"}
UTC_ZONE = ZoneInfo("UTC")


@dataclass(slots=True)
class IcsEvent:
    """A VEVENT, decoded: a single event, a series master, or an override (recurrence_id)."""

    uid: str
    path: str
    line: int
    start: Moment
    end: Moment
    summary: str = ""
    description: str = ""
    location: str = ""
    status: str = ""
    sequence: int = 0
    attendees: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    rrules: list[Prop] = field(default_factory=list)
    rdates: list[Moment] = field(default_factory=list)
    exdates: list[Moment] = field(default_factory=list)
    recurrence_id: Moment | None = None

    @property
    def cancelled(self) -> bool:
        return self.status == "CANCELLED"

    @property
    def is_series(self) -> bool:
        return bool(self.rrules or self.rdates)


@dataclass
class ZoneBudget:
    """Offset changes the VTIMEZONEs of one import may define, all zones together."""

    left: int = 50_000


class Zones:
    """Resolves TZIDs for one calendar, remembering each answer and warning once per zone."""

    def __init__(
        self,
        calendar: RawCalendar,
        path: str,
        warn: Callable[[str], None],
        budget: ZoneBudget | None = None,
    ) -> None:
        self.calendar, self.path, self.warn = calendar, path, warn
        self.budget = budget or ZoneBudget()
        self.cache: dict[str, tzinfo | None] = {}
        self.floating = self._named(calendar.props.get("X-WR-TIMEZONE", "").strip())

    def knows(self, tzid: str) -> bool:
        """Whether the TZID can be resolved now (a VTIMEZONE later in the file cannot, yet)."""
        return tzid in self.cache or tzid in self.calendar.timezones or bool(self._named(tzid))

    def get(self, tzid: str, line: int) -> tzinfo | None:
        """The zone for a TZID; None means local time (unknown zones, after a warning)."""
        if tzid not in self.cache:
            try:
                found = self._named(tzid) or self._defined(tzid)
            except TooManyTransitions as exc:
                found = None
                self.warn(
                    f"{self.path}, line {self.calendar.zone_lines.get(tzid, line)}: the VTIMEZONE"
                    f" {tzid!r} is not used ({exc}, as no time zone does); its times are read as"
                    " local time."
                )
            else:
                if found is None:
                    self.warn(
                        f"{self.path}, line {line}: unknown time zone {tzid!r}; its times are"
                        " read as local time. Use an IANA name (Europe/Berlin) or include a"
                        " VTIMEZONE."
                    )
            self.cache[tzid] = found
        return self.cache[tzid]

    def _named(self, tzid: str) -> tzinfo | None:
        from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

        # Some exporters prefix the IANA name with a path ("/mozilla.org/20050126_1/Europe/Berlin").
        tail = "/".join(tzid.strip("/").split("/")[-2:])
        for name in (tzid, tail, tzid.split("/")[-1], WINDOWS_TO_OLSON.get(tzid, "")):
            if name and not name.startswith(".") and ".." not in name:
                try:
                    return ZoneInfo(name)
                except (ZoneInfoNotFoundError, ValueError, OSError):
                    continue
        return None

    def _defined(self, tzid: str) -> tzinfo | None:
        """The file's own VTIMEZONE, once its rules are known to be bounded (zone_bounds)."""
        text = self.calendar.timezones.get(tzid)
        if text is None:
            return None
        from icalendar import Timezone

        try:
            definition = Timezone.from_ical(text)
        except Exception:  # icalendar raises assorted types on a bad VTIMEZONE
            return None
        try:
            spent = transitions(definition)
        except TooManyTransitions:
            raise
        except Exception:  # a rule dateutil cannot read (icalendar would fail on it too)
            return None
        if spent > self.budget.left:
            raise TooManyTransitions("the file's time zones change offset too often in all")
        self.budget.left -= spent
        try:
            zone: tzinfo = definition.to_tz()  # type: ignore[attr-defined]
            return zone
        except Exception:
            return None


def unescape(value: str) -> str:
    """RFC 5545 TEXT: backslash escapes for newline, comma, semicolon and backslash."""
    if "\\" not in value:
        return value
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), value)


def moment(prop: Prop, zones: Zones, path: str) -> Moment:
    """A DATE or DATE-TIME value in its zone (floating times stay naive)."""
    return moment_of(prop.value.strip(), prop, zones, path)


def moment_of(value: str, prop: Prop, zones: Zones, path: str) -> Moment:
    try:
        match = _DATETIME.fullmatch(value)
        if match:
            year, month, day, hour, minute, second, utc = match.groups()
            naive = datetime(int(year), int(month), int(day), int(hour), int(minute),
                             min(int(second), 59))  # fmt: skip
            return _zoned(naive, utc, prop, zones)
        match = _DATE.fullmatch(value)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise _bad(prop, path, f"{value!r} is not a real date or time ({exc})") from exc
    raise _bad(prop, path, f"cannot read the time {value!r}; expected YYYYMMDD[THHMMSS[Z]]")


def _zoned(naive: datetime, utc: str, prop: Prop, zones: Zones) -> datetime:
    if utc:
        return naive.replace(tzinfo=UTC_ZONE)
    tzid = prop.params.get("TZID")
    zone = zones.get(tzid, prop.line) if tzid else zones.floating
    return naive.replace(tzinfo=zone) if zone else naive


def moments(prop: Prop, zones: Zones, path: str) -> list[Moment]:
    """The comma-separated values of RDATE/EXDATE (a PERIOD counts by its start)."""
    return [moment_of(v.split("/")[0].strip(), prop, zones, path) for v in prop.value.split(",")]


def duration(prop: Prop, path: str) -> timedelta:
    match = _DURATION.fullmatch(prop.value.strip())
    if match is None or not any(match.groups()[1:]):
        raise _bad(prop, path, f"cannot read the duration {prop.value!r}; expected e.g. PT1H30M")
    sign, weeks, days, hours, minutes, seconds = match.groups()
    value = timedelta(weeks=int(weeks or 0), days=int(days or 0), hours=int(hours or 0),
                      minutes=int(minutes or 0), seconds=int(seconds or 0))  # fmt: skip
    return -value if sign == "-" else value


def _bad(prop: Prop, path: str, message: str) -> FormatError:
    return FormatError(
        f"{prop.name}: {message}.",
        path=path,
        line=prop.line,
        hint="Fix that line or export the calendar again.",
    )


def attendee(prop: Prop) -> str:
    """'Name <email>' (either part may be missing)."""
    email = prop.value.strip()
    email = email[7:] if email.lower().startswith("mailto:") else email
    name = prop.params.get("CN", "").strip()
    return f"{name} <{email}>" if name and email else name or email


def decode_event(raw: RawEvent, zones: Zones, path: str, warn: Callable[[str], None]) -> IcsEvent:
    """A VEVENT's values; raises FormatError for an unreadable value, names the line."""
    start_prop = raw.get("DTSTART")
    if start_prop is None:
        raise FormatError(
            "VEVENT has no DTSTART.", path=path, line=raw.line, hint="Every event needs a start."
        )
    start = moment(start_prop, zones, path)
    uid_prop = raw.get("UID")
    event = IcsEvent(
        uid=uid_prop.value.strip() if uid_prop else "",
        path=path,
        line=raw.line,
        start=start,
        end=_end(raw, start, zones, path, warn),
    )
    _describe(event, raw)
    _recurrence(event, raw, zones, path)
    return event


def _text(raw: RawEvent, name: str) -> str:
    prop = raw.get(name)
    return unescape(prop.value).strip() if prop else ""


def _describe(event: IcsEvent, raw: RawEvent) -> None:
    event.summary = _text(raw, "SUMMARY")
    event.description = _text(raw, "DESCRIPTION")
    event.location = _text(raw, "LOCATION")
    event.status = _text(raw, "STATUS").upper()
    sequence = _text(raw, "SEQUENCE")
    event.sequence = int(sequence) if sequence.isdigit() else 0
    event.attendees = tuple(attendee(p) for p in raw.all("ATTENDEE") if p.value.strip())
    found = (
        unescape(c).strip() for p in raw.all("CATEGORIES") for c in re.split(r"(?<!\\),", p.value)
    )
    event.categories = tuple(c for c in found if c)
    if not event.uid:
        # No UID (invalid, but seen in the wild): the content is the identity.
        event.uid = f"no-uid:{event.start.isoformat()}:{event.summary}"


def _recurrence(event: IcsEvent, raw: RawEvent, zones: Zones, path: str) -> None:
    event.rrules = [p for p in raw.all("RRULE") if p.value.strip()]
    event.rdates = [m for p in raw.all("RDATE") for m in moments(p, zones, path)]
    event.exdates = [m for p in raw.all("EXDATE") for m in moments(p, zones, path)]
    rid = raw.get("RECURRENCE-ID")
    event.recurrence_id = moment(rid, zones, path) if rid else None


def _end(
    raw: RawEvent, start: Moment, zones: Zones, path: str, warn: Callable[[str], None]
) -> Moment:
    """DTEND, else DTSTART + DURATION, else the RFC default (one day, or no time at all)."""
    end_prop, length = raw.get("DTEND"), raw.get("DURATION")
    if end_prop is not None:
        end = moment(end_prop, zones, path)
    elif length is not None:
        end = start + duration(length, path)
    else:
        end = start + timedelta(days=1) if not isinstance(start, datetime) else start
    if type(end) is not type(start) or _before(end, start):
        warn(f"{path}, line {raw.line}: the event ends before it starts; it is read as no time.")
        return start
    return end


def _before(end: Moment, start: Moment) -> bool:
    if isinstance(end, datetime) and isinstance(start, datetime):
        if (end.tzinfo is None) != (start.tzinfo is None):
            return False
        return end < start
    return end < start
