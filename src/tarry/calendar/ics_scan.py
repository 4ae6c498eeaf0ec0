"""A fast RFC 5545 content-line scanner: .ics bytes -> calendars of raw events and time zones.

Hand-written because measurement said so: icalendar's parser needs ~4.7 s for a 20k-event file on
the reference machine, the whole import budget. This scanner only unfolds lines, checks the
BEGIN/END structure and splits properties; values are decoded in `ics_events` (dates, text) and
VTIMEZONE definitions are handed to icalendar. Every error names the file and line.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from tarry.base.errors import FormatError

_VALUE = r'(?:"[^"]*"|[^";:,]*)'
_PARAM = rf"[A-Za-z0-9-]+={_VALUE}(?:,{_VALUE})*"
_LINE = re.compile(rf"([A-Za-z0-9-]+)((?:;{_PARAM})*):(.*)", re.DOTALL)
_NAME = re.compile(r"[A-Za-z0-9-]+")
_PARAMS = re.compile(rf";([A-Za-z0-9-]+)=({_VALUE}(?:,{_VALUE})*)")
HINT = "Export the calendar again, or check that the file is an iCalendar (.ics) file."
CHUNK = 1 << 20
# Bytes in one line, physical or unfolded. RFC 5545 folds lines at 75 octets and a whole year of
# events fits in a few MB, so a longer line is damage or an attack: refused once that much is read.
MAX_LINE = 16 << 20
MAX_EVENT = 16 << 20  # characters kept of one event (its text, times and rules)
MAX_ZONE = 1 << 20  # one VTIMEZONE's text (real ones are a few KiB)
# The properties of a VEVENT that tarry reads (ics_events.decode_event); the rest is not kept.
KEPT = frozenset({
    "DTSTART", "DTEND", "DURATION", "UID", "SUMMARY", "DESCRIPTION", "LOCATION", "STATUS",
    "SEQUENCE", "ATTENDEE", "CATEGORIES", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID",
})  # fmt: skip


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(slots=True)
class Prop:
    """One content line: NAME;PARAM=VALUE:value, with the line it starts on."""

    name: str
    params: dict[str, str]
    value: str
    line: int


@dataclass
class RawEvent:
    """A VEVENT's properties that tarry reads (nested components such as VALARM left out)."""

    line: int
    props: list[Prop] = field(default_factory=list)
    size: int = 0  # characters of values kept
    _first: dict[str, Prop] | None = None

    def get(self, name: str) -> Prop | None:
        """The first property of that name (a dict built once: events are read field by field)."""
        if self._first is None:
            self._first = {}
            for prop in self.props:
                self._first.setdefault(prop.name, prop)
        return self._first.get(name)

    def all(self, name: str) -> list[Prop]:
        if self.get(name) is None:  # the usual case, answered by the index
            return []
        return [p for p in self.props if p.name == name]


@dataclass
class RawCalendar:
    """One VCALENDAR: its own properties, and VTIMEZONE texts (and first lines) by TZID."""

    line: int
    props: dict[str, str] = field(default_factory=dict)
    timezones: dict[str, str] = field(default_factory=dict)
    zone_lines: dict[str, int] = field(default_factory=dict)


def lines(fp: Readable, path: str) -> Iterator[tuple[int, str]]:
    """The file's content lines, unfolded, as they are read: (first physical line, text)."""
    return unfold(physical_lines(fp, path), path)


def physical_lines(fp: Readable, path: str) -> Iterator[tuple[int, str]]:
    """Each line of the file, decoded as UTF-8 as it is read (a BOM is dropped); a line over
    MAX_LINE is refused as soon as that much is read, and invalid UTF-8 names its byte."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    offset, number = 0, 0
    tail: list[str] = []  # the line not ended yet, in pieces (joined once: not quadratic)
    size = 0
    while True:
        chunk = fp.read(CHUNK)
        held = len(decoder.getstate()[0])  # bytes of a character cut at the last chunk's end
        try:
            text = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise FormatError(
                "is not UTF-8 text.",
                path=path,
                byte=max(offset - held + exc.start, 0),
                hint="Save or export it as UTF-8.",
            ) from exc
        offset += len(chunk)
        pieces = text.split("\n")
        if len(pieces) > 1:
            if size + len(pieces[0]) > MAX_LINE:
                raise too_long(path, number + 1)
            tail.append(pieces[0])
            number += 1
            yield number, "".join(tail)
            for piece in pieces[1:-1]:
                number += 1
                yield number, piece
            tail, size = [pieces[-1]], len(pieces[-1])
        else:
            tail.append(pieces[0])
            size += len(pieces[0])
        if size > MAX_LINE:
            raise too_long(path, number + 1)
        if not chunk:
            break
    if size:
        yield number + 1, "".join(tail)


def too_long(path: str, line: int) -> FormatError:
    return FormatError(
        f"the line starting here is longer than {MAX_LINE >> 20} MB; no calendar line is.",
        path=path,
        line=line,
        hint="The file is damaged or not a calendar: export it again, or remove that line.",
    )


def unfold(physical: Iterable[tuple[int, str]], path: str) -> Iterator[tuple[int, str]]:
    """Logical lines from physical ones (a line starting with a space or tab continues the one
    before); blank lines dropped; an unfolded line over MAX_LINE is refused."""
    first, pieces, size = 0, [""], -1  # size -1: no line yet
    for number, raw in physical:
        text = raw[:-1] if raw.endswith("\r") else raw
        if text[:1] in (" ", "\t") and size >= 0:
            pieces.append(text[1:])
            size += len(text) - 1
            if size > MAX_LINE:
                raise too_long(path, first)
        elif text.strip():
            if size >= 0:
                yield first, pieces[0] if len(pieces) == 1 else "".join(pieces)
            first, pieces, size = number, [text], len(text)
    if size >= 0:
        yield first, pieces[0] if len(pieces) == 1 else "".join(pieces)


def content_lines(text: str, path: str = "input") -> list[tuple[int, str]]:
    """Unfold a whole text (tests and small inputs): (first physical line number, logical line)."""
    return list(unfold(enumerate(text.split("\n"), start=1), path))


def parse_line(number: int, text: str, path: str) -> Prop:
    colon, semi = text.find(":"), text.find(";")
    if colon > 0 and not 0 <= semi < colon and _NAME.fullmatch(text, 0, colon):
        # Most lines have no parameters: no need for the full pattern.
        return Prop(text[:colon].upper(), {}, text[colon + 1 :], number)
    match = _LINE.fullmatch(text)
    if match is None:
        raise FormatError(
            f"cannot read {text[:60]!r}; expected NAME[;PARAM=VALUE]:VALUE.",
            path=path,
            line=number,
            hint=HINT,
        )
    name, params, value = match.groups()
    found = {k.upper(): v.strip('"') for k, v in _PARAMS.findall(params)} if params else {}
    return Prop(name.upper(), found, value, number)


def scan(lines: Iterable[tuple[int, str]], path: str) -> Iterator[Item]:
    """Each VEVENT with its calendar as soon as it ends, then (calendar, None) as each VCALENDAR
    ends (its time zones are all known then). A file may hold several, as some CalDAV exports."""
    scanner = Scanner(path)
    for number, text in lines:
        yield from scanner.line(number, text)
    scanner.finish()


Item = tuple["RawCalendar", "RawEvent | None"]


class Scanner:
    """The BEGIN/END structure of one file, read line by line."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.stack: list[tuple[str, int]] = []
        self.calendar: RawCalendar | None = None
        self.event: RawEvent | None = None
        self.zone: list[str] = []
        self.zone_line, self.zone_size, self.seen = 0, 0, False

    def line(self, number: int, text: str) -> Iterator[Item]:
        prop = parse_line(number, text, self.path)
        if prop.name == "BEGIN":
            self._begin(prop.value.strip().upper(), number)
        elif prop.name == "END":
            yield from self._end(prop.value.strip().upper(), number)
        elif not self.stack:
            raise FormatError(
                f"found {prop.name} outside BEGIN:VCALENDAR.", path=self.path, line=number,
                hint=HINT,
            )  # fmt: skip
        else:
            self._collect(prop, text)

    def finish(self) -> None:
        if self.stack:
            name, line = self.stack[-1]
            raise FormatError(
                f"BEGIN:{name} is never closed by END:{name}.", path=self.path, line=line
            )
        if not self.seen:
            raise FormatError(
                "holds no BEGIN:VCALENDAR; it is not an iCalendar file.", path=self.path
            )

    def _collect(self, prop: Prop, text: str) -> None:
        inner = self.stack[-1][0]
        if inner == "VEVENT" and self.event is not None:
            if prop.name in KEPT:  # only what tarry reads: X- properties and the like are dropped
                self.event.props.append(prop)
                self.event.size += len(prop.value)
                if self.event.size > MAX_EVENT:
                    raise FormatError(
                        f"the event starting at line {self.event.line} holds over"
                        f" {MAX_EVENT >> 20} MB of text; no calendar event does.",
                        path=self.path, line=prop.line, hint=HINT,
                    )  # fmt: skip
        elif len(self.stack) == 1 and inner == "VCALENDAR" and self.calendar is not None:
            self.calendar.props.setdefault(prop.name, prop.value)
        elif self.zone and self.stack[1][0] == "VTIMEZONE":
            self._zone_line(text, prop.line)

    def _zone_line(self, text: str, number: int) -> None:
        self.zone.append(text)
        self.zone_size += len(text)
        if self.zone_size > MAX_ZONE:
            raise FormatError(
                f"the VTIMEZONE starting at line {self.zone_line} is over {MAX_ZONE >> 10} KiB;"
                " no time zone definition is.",
                path=self.path, line=number, hint=HINT,
            )  # fmt: skip

    def _begin(self, name: str, line: int) -> None:
        if not self.stack and name != "VCALENDAR":
            raise FormatError(
                f"found BEGIN:{name}, expected BEGIN:VCALENDAR.", path=self.path, line=line
            )
        if self.stack and name == "VCALENDAR":
            raise FormatError("BEGIN:VCALENDAR inside another calendar.", path=self.path, line=line)
        self.stack.append((name, line))
        if name == "VCALENDAR":
            self.calendar, self.seen = RawCalendar(line), True
        elif len(self.stack) == 2 and name == "VEVENT":
            self.event = RawEvent(line)
        elif len(self.stack) == 2 and name == "VTIMEZONE":
            self.zone, self.zone_line, self.zone_size = ["BEGIN:VTIMEZONE"], line, 0
        elif self.zone:
            self._zone_line(f"BEGIN:{name}", line)

    def _end(self, name: str, line: int) -> Iterator[Item]:
        if not self.stack or self.stack[-1][0] != name:
            expected = f"END:{self.stack[-1][0]}" if self.stack else "BEGIN:VCALENDAR"
            raise FormatError(
                f"found END:{name}, expected {expected}.", path=self.path, line=line, hint=HINT
            )
        self.stack.pop()
        calendar = self.calendar
        assert calendar is not None  # the stack's first entry is always the calendar
        if self.zone:
            self._zone_line(f"END:{name}", line)
            if name == "VTIMEZONE":
                _keep_zone(self.zone, self.zone_line, calendar)
                self.zone = []
        if name == "VEVENT" and self.event is not None and not self.stack[1:]:
            event, self.event = self.event, None
            yield calendar, event
        elif name == "VCALENDAR":
            yield calendar, None


def _keep_zone(zone: list[str], line: int, calendar: RawCalendar) -> None:
    """Keep a finished VTIMEZONE's text under its TZID (icalendar turns it into a tzinfo)."""
    tzid = next((text.split(":", 1)[1] for text in zone if text.upper().startswith("TZID")), "")
    if tzid:
        calendar.timezones[tzid.strip()] = "\r\n".join(zone) + "\r\n"
        calendar.zone_lines[tzid.strip()] = line
