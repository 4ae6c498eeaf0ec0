"""Reading .ics files as they stream in: events decoded as soon as each ends, counted against
the import's budget (events and their text), progress told as the bytes arrive."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tarry.base.budget import Budget
from tarry.base.errors import FormatError, NotFound, TooLarge
from tarry.base.source import Source, as_source
from tarry.calendar.ics_events import IcsEvent, ZoneBudget, Zones, decode_event
from tarry.calendar.ics_scan import RawEvent, Readable, lines, scan

Progress = Callable[[int, int], None]  # (bytes read, total bytes); may raise to stop
# One import's limits (instances, and bytes of their text): far above the busiest calendar over
# the default three-year window; raised with --max-instances / --max-bytes.
MAX_INSTANCES, MAX_BYTES = 200_000, 256 << 20


def instance_budget(max_instances: int = MAX_INSTANCES, max_bytes: int = MAX_BYTES) -> Budget:
    """What one calendar import may write: instances (time blocks), and bytes of their text.
    The same limits bound what is read: events kept, and their text."""
    return Budget(max_instances, max_bytes, "instances", "max_instances")


class Reading:
    """One import's reading: events and their text counted against the budget, progress told."""

    def __init__(self, budget: Budget, total: int, progress: Progress | None) -> None:
        self.budget, self.total, self.progress = budget, total, progress
        self.events = self.text = self.read = 0
        self.zones = ZoneBudget()

    def event(self, raw: RawEvent) -> None:
        self.events += 1
        self.text += raw.size
        if self.events > self.budget.max_records or self.text > self.budget.max_bytes:
            what = (
                f"more than {self.budget.max_records:,} events"
                if self.events > self.budget.max_records
                else f"more than {self.budget.max_bytes >> 20} MiB of event text"
            )
            raise TooLarge(
                f"The calendar holds {what}; nothing was imported.",
                "If it really is that large, raise the limit, or import a narrower export.",
                field="max_instances" if self.events > self.budget.max_records else "max_bytes",
                expected="a higher limit",
                example=str(2 * self.budget.max_records)
                if self.events > self.budget.max_records
                else "512M",
            )

    def check_size(self, source: Source) -> None:
        """Files larger than the text the import may keep are refused before reading."""
        if self.total > self.budget.max_bytes:
            raise TooLarge(
                f"{source} is {self.total / (1 << 20):.0f} MiB; a calendar import reads at most"
                f" {self.budget.max_bytes >> 20} MiB. Nothing was imported.",
                "If it really is a calendar that large, raise the limit.",
                field="max_bytes",
                expected="a size in bytes, or with K, M or G",
                example="512M",
            )

    def bytes_read(self, count: int) -> None:
        self.read += count
        self.tick()

    def tick(self) -> None:
        if self.progress is not None:
            self.progress(min(self.read, self.total), self.total)


def read_file(
    path: Path | Source,
    calendar: str | None,
    fallback: str,
    warn: Callable[[str], None],
    reading: Reading | None = None,
) -> list[tuple[str, list[IcsEvent]]]:
    """(calendar name, its events) for every VCALENDAR in the file, read as it streams in.

    Each event is decoded as soon as it ends, unless it names a time zone defined later in the
    file: those wait for the end of their calendar.
    """
    file = as_source(path)
    reading = reading or Reading(instance_budget(), 0, None)
    found: list[tuple[str, list[IcsEvent]]] = []
    where = str(file)
    try:
        with file.open() as raw_fp:
            fp = Counted(raw_fp, reading.bytes_read)
            zones: Zones | None = None
            events: list[IcsEvent] = []
            waiting: list[RawEvent] = []
            for raw_calendar, raw in scan(lines(fp, where), where):
                zones = zones or Zones(raw_calendar, where, warn, reading.zones)
                if raw is None:  # the calendar ended: all its zones are known now
                    events.extend(_decoded(e, zones, where, warn) for e in waiting)
                    props = raw_calendar.props
                    name = calendar or props.get("X-WR-CALNAME", "").strip() or fallback
                    found.append((name, events))
                    zones, events, waiting = None, [], []
                    continue
                reading.event(raw)
                if all(zones.knows(p.params["TZID"]) for p in raw.props if "TZID" in p.params):
                    events.append(_decoded(raw, zones, where, warn))
                else:
                    waiting.append(raw)
    except OSError as exc:
        raise NotFound(f"Cannot read {file}: {exc.strerror}.") from exc
    return found


class Counted:
    """A file whose reads are counted (progress, and a chance to stop between chunks)."""

    def __init__(self, fp: Readable, seen: Callable[[int], None]) -> None:
        self.fp, self.seen = fp, seen

    def read(self, size: int = -1) -> bytes:
        data = self.fp.read(size)
        self.seen(len(data))
        return data


def _decoded(raw: RawEvent, zones: Zones, path: str, warn: Callable[[str], None]) -> IcsEvent:
    try:
        return decode_event(raw, zones, path, warn)
    except OverflowError as exc:
        raise out_of_range(path, raw.line) from exc


def out_of_range(path: str, line: int) -> FormatError:
    return FormatError(
        "a date, time or duration of this event is out of range (years 1 to 9999).",
        path=path,
        line=line,
        hint="Fix that event or export the calendar again.",
    )
