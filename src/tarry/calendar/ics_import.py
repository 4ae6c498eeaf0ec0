"""`import_calendar`: .ics files, folders and CalDAV exports -> time blocks, idempotently.

Each event instance is keyed by UID + recurrence id. An import looks only at a window of time
(default: two years back to one year ahead): inside it, re-importing a calendar adds what is new,
rewrites what changed, and removes instances that are no longer in that calendar; outside it,
nothing is touched. The whole import is one transaction: a bad file changes nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from tarry.base import clock
from tarry.base.budget import Budget
from tarry.base.errors import InvalidInput, NotFound
from tarry.base.source import Source, as_source
from tarry.calendar.expand import DEFAULT_CAP, Instance, Window, as_utc, rid_text, utc_text
from tarry.calendar.expand import series_instances as expand_series
from tarry.calendar.ics_events import IcsEvent
from tarry.calendar.ics_read import (
    Reading,
    instance_budget,
    out_of_range,
    read_file,
)
from tarry.store import Store

T = TypeVar("T")
Progress = Callable[[int, int], None]  # (bytes read, total bytes); may raise to stop
BLOCK_COLUMNS = (
    "key", "uid", "calendar", "summary", "description", "location", "attendees", "categories",
    "starts_at", "ends_at", "all_day", "floating", "digest", "imported_at",
)  # fmt: skip


class Block(NamedTuple):
    """A time block as stored: one instance of an event, in UTC."""

    key: str
    uid: str
    calendar: str
    summary: str
    description: str
    location: str
    attendees: str
    categories: str
    starts_at: str
    ends_at: str
    all_day: int
    floating: int
    digest: str  # of everything above but the key: an unchanged block is not rewritten


@dataclass
class ImportResult:
    files: int
    calendars: list[str]
    since: str
    until: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    duplicates: int = 0
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def default_window(now: datetime | None = None) -> Window:
    """Two years back to one year ahead of now, from midnight."""
    now = (now or clock.now()).replace(hour=0, minute=0, second=0, microsecond=0)
    return Window(now - timedelta(days=730), now + timedelta(days=366))


def make_window(since: datetime | None, until: datetime | None) -> Window:
    default = default_window()
    window = Window(since or default.since, until or default.until)
    if window.until <= window.since:
        raise InvalidInput(
            f"The window {window.since:%Y-%m-%d} .. {window.until:%Y-%m-%d} is empty.",
            field="since",
            expected="a start before the end",
        )
    return window


def ics_files(path: Path | Source) -> list[Source]:
    """The file itself, or every .ics file under a folder (a CalDAV export), in order."""
    source = as_source(path)
    if not source.on_disk or source.path.is_file():
        return [source]
    if not source.path.is_dir():
        raise NotFound(f"{path} does not exist.", "Give an .ics file or a folder of them.")
    found = sorted(p for p in source.path.rglob("*") if p.is_file() and p.suffix.lower() == ".ics")
    if not found:
        raise NotFound(f"{path} holds no .ics files.", "Export the calendar as .ics first.")
    return [Source.local(p) for p in found]


def import_calendar(
    store: Store,
    path: str | Path | Source,
    *,
    calendar: str | None = None,
    window: Window | None = None,
    cap: int = DEFAULT_CAP,
    progress: Progress | None = None,
    budget: Budget | None = None,
) -> ImportResult:
    """Import an .ics file or folder; returns what was added, updated, removed and warned.

    `progress(bytes read, total bytes)` is called as the files are read and while instances are
    made; it may raise (a cancelled web import) to stop the import, which then changes nothing.
    """
    source = as_source(path)
    window = window or default_window()
    files = ics_files(source)
    budget = budget or instance_budget()
    reading = Reading(budget, sum(f.size() for f in files), progress)
    reading.check_size(source)
    budget.start(store.home, reading.total)
    result = ImportResult(len(files), [], clock.to_text(window.since), clock.to_text(window.until))
    warn = result.warnings.append
    events: list[tuple[str, IcsEvent]] = []
    names: set[str] = set()
    for file in files:
        fallback = source.path.name if source.is_folder else file.path.stem
        for name, found in read_file(file, calendar, fallback, warn, reading):
            names.add(name)
            events.extend((name, event) for event in found)
    result.calendars = sorted(names)
    blocks = build_blocks(events, window, cap, result, budget, reading.tick)
    write_blocks(store, blocks, result.calendars, window, result)
    result.warnings = list(dict.fromkeys(result.warnings))
    return result


def build_blocks(
    events: Iterable[tuple[str, IcsEvent]],
    window: Window,
    cap: int,
    result: ImportResult,
    budget: Budget | None = None,
    tick: Callable[[], None] | None = None,
) -> dict[str, Block]:
    """Every instance inside the window as a Block, by key; duplicates resolved by SEQUENCE.

    At most `cap` instances per series, and the budget's for the whole import (instances, and
    bytes of their text), counted as the series are expanded, before any block is made; `tick`
    is called after each series (progress, cancelling).
    """
    budget = budget or instance_budget()
    by_uid: dict[str, list[tuple[str, IcsEvent]]] = {}
    for name, event in events:
        by_uid.setdefault(event.uid, []).append((name, event))
    expanded: list[tuple[str, list[tuple[str, Instance]]]] = []
    sizes: dict[int, int] = {}
    for uid, group in by_uid.items():
        found = _guarded(group, _instances, group, window, cap, result)
        budget.add(len(found), sum(_text_size(uid, name, i.event, sizes) for name, i in found))
        expanded.append((uid, found))
        if tick is not None and found:
            tick()
    blocks: dict[str, Block] = {}
    shared: dict[tuple[int, str], tuple[str, ...]] = {}
    for uid, found in expanded:
        made = _guarded(by_uid[uid], _blocks, uid, found, shared)
        blocks.update((block.key, block) for block in made)
    return blocks


def _guarded(group: list[tuple[str, IcsEvent]], work: Callable[..., T], *args: Any) -> T:
    """A date beyond the year 9999 met while expanding is a FormatError naming the event."""
    try:
        return work(*args)
    except OverflowError as exc:
        raise out_of_range(group[0][1].path, group[0][1].line) from exc


def _blocks(
    uid: str, found: list[tuple[str, Instance]], shared: dict[tuple[int, str], tuple[str, ...]]
) -> list[Block]:
    return [to_block(uid, name, instance, shared) for name, instance in found]


def _text_size(uid: str, calendar: str, event: IcsEvent, sizes: dict[int, int]) -> int:
    """What a block costs in the store: its text, the fixed columns counted as 100 bytes."""
    size = sizes.get(id(event))
    if size is None:
        text = (event.summary, event.description, event.location, *event.attendees)
        size = sizes[id(event)] = 100 + len(uid) + len(calendar) + sum(map(len, text))
        size += sum(map(len, event.categories))
    return size


def _latest(
    group: list[tuple[str, IcsEvent]], result: ImportResult
) -> dict[str, tuple[str, IcsEvent]]:
    """One component per recurrence id ('' for the master): the highest SEQUENCE, first on ties."""
    chosen: dict[str, tuple[str, IcsEvent]] = {}
    for name, event in group:
        rid = rid_text(event.recurrence_id)
        if rid in chosen:
            result.duplicates += 1
            if event.sequence <= chosen[rid][1].sequence:
                continue
        chosen[rid] = (name, event)
    return chosen


def _instances(
    group: list[tuple[str, IcsEvent]], window: Window, cap: int, result: ImportResult
) -> list[tuple[str, Instance]]:
    chosen = _latest(group, result)
    master = chosen.pop("", None)
    overrides = [event for _, event in chosen.values()]
    if master is not None and master[1].is_series:
        name, event = master
        if event.cancelled:
            return []
        found = expand_series(event, overrides, window, cap, result.warnings.append)
        return [(name, i) for i in found]
    singles = ([master] if master else []) + list(chosen.values())
    return [
        (name, Instance(e, e.recurrence_id, e.start, e.end))
        for name, e in singles
        if not e.cancelled and window.since <= as_utc(e.start) < window.until
    ]


def to_block(
    uid: str,
    calendar: str,
    instance: Instance,
    shared: dict[tuple[int, str], tuple[str, ...]] | None = None,
) -> Block:
    """The stored form of an instance; `shared` caches what a series' instances have in common."""
    event, start = instance.event, instance.start
    cache = {} if shared is None else shared
    common = cache.get((id(event), calendar))
    if common is None:
        common = cache[(id(event), calendar)] = _common(uid, calendar, event)
    starts = utc_text(instance.utc or as_utc(start))
    ends = utc_text(as_utc(instance.end))
    rid = instance.recurrence_id
    # An unmoved instance of a zoned series: its recurrence id is its start (already as text).
    rid_key = starts if rid is start and isinstance(rid, datetime) and rid.tzinfo else rid_text(rid)
    all_day = not isinstance(start, datetime)
    floating = isinstance(start, datetime) and start.tzinfo is None
    text = f"{common[-1]}\x1f{starts}\x1f{ends}\x1f{all_day:d}{floating:d}"
    return Block(
        f"{uid}|{rid_key}",
        *_Common(*common[:-1]),
        starts,
        ends,
        int(all_day),
        int(floating),
        hashlib.blake2b(text.encode(), digest_size=16).hexdigest(),
    )


class _Common(NamedTuple):
    uid: str
    calendar: str
    summary: str
    description: str
    location: str
    attendees: str
    categories: str


def _common(uid: str, calendar: str, event: IcsEvent) -> tuple[str, ...]:
    """uid, calendar, summary, description, location, attendees, categories, and their digest."""
    fields = (uid, calendar, event.summary, event.description, event.location,
              "\n".join(event.attendees), ",".join(event.categories))  # fmt: skip
    return (*fields, hashlib.blake2b("\x1f".join(fields).encode(), digest_size=16).hexdigest())


def write_blocks(
    store: Store,
    blocks: dict[str, Block],
    calendars: list[str],
    window: Window,
    result: ImportResult,
) -> None:
    """Insert, update and remove in one transaction; unchanged blocks are not rewritten."""
    stamp = clock.to_text(clock.now())
    with store.tx():
        known = {r[0]: r[1] for r in store.query("SELECT key, digest FROM time_blocks")}
        fresh, changed = [], []
        for block in blocks.values():
            digest = block.digest
            row = (*block, stamp)
            if block.key not in known:
                fresh.append(row)
            elif known[block.key] != digest:
                changed.append((*row[1:], block.key))
        result.added, result.updated = len(fresh), len(changed)
        result.unchanged = len(blocks) - len(fresh) - len(changed)
        columns = ", ".join(BLOCK_COLUMNS)
        marks = ", ".join("?" * len(BLOCK_COLUMNS))
        store.conn.executemany(f"INSERT INTO time_blocks ({columns}) VALUES ({marks})", fresh)
        sets = ", ".join(f"{c} = ?" for c in BLOCK_COLUMNS[1:])
        store.conn.executemany(f"UPDATE time_blocks SET {sets} WHERE key = ?", changed)
        result.removed = _remove_gone(store, blocks, calendars, window)


def _remove_gone(
    store: Store, blocks: dict[str, Block], calendars: list[str], window: Window
) -> int:
    """Delete this import's calendars' blocks in the window that the files no longer hold."""
    gone: list[tuple[str]] = []
    for name in calendars:
        rows = store.query(
            "SELECT key FROM time_blocks WHERE calendar = ? AND starts_at >= ? AND starts_at < ?",
            (name, clock.to_text(window.since), clock.to_text(window.until)),
        )
        gone.extend((row[0],) for row in rows if row[0] not in blocks)
    store.conn.executemany("DELETE FROM time_blocks WHERE key = ?", gone)
    return len(gone)
