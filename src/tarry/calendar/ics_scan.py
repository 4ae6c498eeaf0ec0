"""A fast RFC 5545 content-line scanner: .ics bytes -> calendars of raw events and time zones.

Hand-written because measurement said so: icalendar's parser needs ~4.7 s for a 20k-event file on
the reference machine, the whole import budget. This scanner only unfolds lines, checks the
BEGIN/END structure and splits properties; values are decoded in `ics_events` (dates, text) and
VTIMEZONE definitions are handed to icalendar. Every error names the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import BinaryIO

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


@dataclass(slots=True)
class Prop:
    """One content line: NAME;PARAM=VALUE:value, with the line it starts on."""

    name: str
    params: dict[str, str]
    value: str
    line: int


@dataclass
class RawEvent:
    """A VEVENT's properties (nested components such as VALARM left out)."""

    line: int
    props: list[Prop] = field(default_factory=list)
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
    """One VCALENDAR: its own properties, events, and VTIMEZONE texts by TZID."""

    line: int
    props: dict[str, str] = field(default_factory=dict)
    events: list[RawEvent] = field(default_factory=list)
    timezones: dict[str, str] = field(default_factory=dict)


def decode(data: bytes, path: str) -> str:
    """The file's text: UTF-8 (a BOM is dropped); anything else is a FormatError with the byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(
            "is not UTF-8 text.", path=path, byte=exc.start, hint="Save or export it as UTF-8."
        ) from exc


def read(fp: BinaryIO, path: str) -> bytes:
    """The whole file, read in chunks; a line over MAX_LINE is refused as soon as it is seen."""
    chunks: list[bytes] = []
    run = 0  # bytes since the last newline
    while chunk := fp.read(CHUNK):
        chunks.append(chunk)
        first, last = chunk.find(b"\n"), chunk.rfind(b"\n")
        if max(run + (len(chunk) if first < 0 else first), len(chunk) - last - 1) > MAX_LINE:
            raise too_long(path, 1 + sum(c.count(b"\n") for c in chunks[:-1]))
        run = run + len(chunk) if last < 0 else len(chunk) - last - 1
    return b"".join(chunks)


def too_long(path: str, line: int) -> FormatError:
    return FormatError(
        f"the line starting here is longer than {MAX_LINE >> 20} MB; no calendar line is.",
        path=path,
        line=line,
        hint="The file is damaged or not a calendar: export it again, or remove that line.",
    )


def content_lines(text: str, path: str = "input") -> list[tuple[int, str]]:
    """Unfold the text into (first physical line number, logical line); blank lines dropped."""
    lines: list[tuple[int, str]] = []
    folded: list[str] = []  # pieces of the last line once it folds, joined once (not quadratic)
    size = 0
    for number, physical in enumerate(text.split("\n"), start=1):
        physical = physical.rstrip("\r")
        if physical[:1] in (" ", "\t") and lines:
            if not folded:
                folded, size = [lines[-1][1]], len(lines[-1][1])
            folded.append(physical[1:])
            size += len(physical) - 1
            if size > MAX_LINE:
                raise too_long(path, lines[-1][0])
        elif physical.strip():
            if folded:
                lines[-1], folded = (lines[-1][0], "".join(folded)), []
            lines.append((number, physical))
    if folded:
        lines[-1] = (lines[-1][0], "".join(folded))
    return lines


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


def scan(data: bytes, path: str) -> list[RawCalendar]:
    """Every VCALENDAR in the file (there may be several, as in some CalDAV exports)."""
    calendars: list[RawCalendar] = []
    stack: list[tuple[str, int]] = []
    event: RawEvent | None = None
    zone: list[str] = []
    for number, text in content_lines(decode(data, path), path):
        prop = parse_line(number, text, path)
        if prop.name in ("BEGIN", "END"):
            event = _structure(prop, stack, calendars, event, zone, path)
            continue
        if not stack:
            raise FormatError(
                f"found {prop.name} outside BEGIN:VCALENDAR.", path=path, line=number, hint=HINT
            )
        _collect(prop, text, stack, calendars, event, zone)
    if stack:
        name, line = stack[-1]
        raise FormatError(f"BEGIN:{name} is never closed by END:{name}.", path=path, line=line)
    if not calendars:
        raise FormatError("holds no BEGIN:VCALENDAR; it is not an iCalendar file.", path=path)
    return calendars


def _collect(
    prop: Prop,
    text: str,
    stack: list[tuple[str, int]],
    calendars: list[RawCalendar],
    event: RawEvent | None,
    zone: list[str],
) -> None:
    inner = stack[-1][0]
    if inner == "VEVENT" and event is not None:
        event.props.append(prop)
    elif len(stack) == 1 and inner == "VCALENDAR":
        calendars[-1].props.setdefault(prop.name, prop.value)
    elif zone and stack[1][0] == "VTIMEZONE":
        zone.append(text)


def _structure(
    prop: Prop,
    stack: list[tuple[str, int]],
    calendars: list[RawCalendar],
    event: RawEvent | None,
    zone: list[str],
    path: str,
) -> RawEvent | None:
    """Track BEGIN/END nesting; returns the VEVENT being read, if any."""
    name = prop.value.strip().upper()
    if prop.name == "BEGIN":
        return _begin(name, prop.line, stack, calendars, event, zone, path)
    if not stack or stack[-1][0] != name:
        expected = f"END:{stack[-1][0]}" if stack else "BEGIN:VCALENDAR"
        raise FormatError(
            f"found END:{name}, expected {expected}.", path=path, line=prop.line, hint=HINT
        )
    stack.pop()
    if zone:
        zone.append(f"END:{name}")
        if name == "VTIMEZONE":
            _keep_zone(zone, calendars[-1])
    if name == "VEVENT" and event is not None:
        calendars[-1].events.append(event)
        return None
    return event


def _begin(
    name: str,
    line: int,
    stack: list[tuple[str, int]],
    calendars: list[RawCalendar],
    event: RawEvent | None,
    zone: list[str],
    path: str,
) -> RawEvent | None:
    if not stack and name != "VCALENDAR":
        raise FormatError(f"found BEGIN:{name}, expected BEGIN:VCALENDAR.", path=path, line=line)
    if stack and name == "VCALENDAR":
        raise FormatError("BEGIN:VCALENDAR inside another calendar.", path=path, line=line)
    stack.append((name, line))
    if name == "VCALENDAR":
        calendars.append(RawCalendar(line))
    elif len(stack) == 2 and name == "VEVENT":
        return RawEvent(line)
    elif len(stack) == 2 and name == "VTIMEZONE":
        zone.append("BEGIN:VTIMEZONE")
    elif zone:
        zone.append(f"BEGIN:{name}")
    return event


def _keep_zone(zone: list[str], calendar: RawCalendar) -> None:
    """Store a finished VTIMEZONE's text under its TZID (icalendar turns it into a tzinfo)."""
    tzid = next((line.split(":", 1)[1] for line in zone if line.upper().startswith("TZID")), "")
    if tzid:
        calendar.timezones[tzid.strip()] = "\r\n".join(zone) + "\r\n"
    zone.clear()
