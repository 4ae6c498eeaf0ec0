"""The demo: a separate home holding twelve weeks of a fictional person's practice.

Built only through the library, one step at a time (`STEPS`); a later feature adds its own
demo data by appending a step (a function of `DemoContext`). Deterministic: the same
`clock.now()` (TARRY_NOW) and seed give the same store. The texts live in demo.toml.
"""

from __future__ import annotations

import random
import shutil
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs

from tarry.base import clock
from tarry.base.errors import Conflict
from tarry.commit import commitments
from tarry.declare import people, values
from tarry.reflect import journal, moments, tradeoffs
from tarry.store import Store

WEEKS = 12
SEED = 47
MARKER = "TARRY-DEMO"  # a file that marks a home as a demo; only such homes are rebuilt
LEVELS = {"low": (2, 3), "mid": (4, 5), "high": (6, 7)}


@dataclass
class DemoContext:
    """What each step works with: the store, a seeded generator, the texts, and the period."""

    store: Store
    rng: random.Random
    content: dict[str, Any]
    now: datetime
    used: set[str] = field(default_factory=set)  # notes already written: none is repeated

    def fresh(self, options: Sequence[str]) -> str:
        """A note from `options` not used yet (a random pick, else the first unused, else '')."""
        note = self.rng.choice(options)
        if note in self.used:
            note = next((o for o in options if o and o not in self.used), "")
        if note:
            self.used.add(note)
        return note

    @property
    def start(self) -> datetime:
        return self.day(WEEKS * 7, 0)

    def day(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        """A local time on the day `days_ago` days before today."""
        when = datetime.combine(self.now.date() - timedelta(days=days_ago), time(hour, minute))
        return when.replace(tzinfo=self.now.tzinfo)

    def progress(self, when: datetime) -> float:
        """0 at the start of the twelve weeks, 1 now: the demo person slowly gets better at this."""
        return max(0.0, min(1.0, (when - self.start) / (self.now - self.start)))


Step = Callable[[DemoContext], None]


@dataclass
class DemoSummary:
    home: Path
    counts: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"home": str(self.home), "counts": self.counts}


def default_home() -> Path:
    """`tarry-demo` beside the user's real data directory, never inside it."""
    return Path(platformdirs.user_data_dir("tarry", appauthor=False)).parent / "tarry-demo"


def prepare(home: Path) -> None:
    """Empty a previous demo home; refuse any other folder that holds something."""
    if not home.exists() or not any(home.iterdir()):
        return
    if not (home / MARKER).is_file():
        raise Conflict(
            f"{home} is not empty and is not a tarry demo home; nothing was changed.",
            field="home",
            expected="an empty or new folder",
            example="~/tarry-demo",
        )
    shutil.rmtree(home)


def load_content() -> dict[str, Any]:
    text = resources.files("tarry.demo").joinpath("demo.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def build(home: Path, *, seed: int = SEED, steps: Sequence[Step] | None = None) -> DemoSummary:
    """Build the demo home at `home`, all steps in one transaction."""
    prepare(home)
    with Store.open(home) as store:
        marker = home / MARKER
        marker.write_text("A tarry demo home: the demo may delete and rebuild it.\n")
        marker.chmod(0o600)
        context = DemoContext(store, random.Random(seed), load_content(), clock.now())
        with store.tx():
            for step in steps if steps is not None else STEPS:
                step(context)
        return DemoSummary(home, counts(store, context))


def counts(store: Store, context: DemoContext) -> dict[str, int]:
    marked = commitments.occurrences(store, context.start, context.now)
    return {
        "people": len(people.all_people(store)),
        "value_profiles": len(values.history(store)),
        "commitments": len(commitments.all_commitments(store, include_ended=True)),
        "occurrences_marked": sum(o.status != "pending" for o in marked),
        "tradeoffs": len(tradeoffs.all_tradeoffs(store)),
        "moments": len(moments.all_moments(store)),
        "entries": len(journal.all_entries(store)),
        "chat_messages": int(store.scalar("SELECT count(*) FROM messages") or 0),
        "calendar_blocks": int(store.scalar("SELECT count(*) FROM time_blocks") or 0),
    }


# Steps ----------------------------------------------------------------------------------------


def add_people(ctx: DemoContext) -> None:
    for p in ctx.content["people"]:
        people.add(ctx.store, p["name"], relation=p["relation"], cadence_days=p["cadence_days"],
                   aliases=p["aliases"], note=p["note"])  # fmt: skip


def add_values(ctx: DemoContext) -> None:
    table = dict(ctx.content["values"])
    notes = table.pop("notes")
    for index, days_ago in enumerate((WEEKS * 7 - 1, WEEKS * 7 // 2, 2)):
        ratings = {domain: (row[0], row[index + 1]) for domain, row in table.items()}
        values.record(ctx.store, ratings, at=ctx.day(days_ago, 21, 30), note=notes[index])


def add_commitments(ctx: DemoContext) -> None:
    for c in ctx.content["commitments"]:
        added = commitments.add(
            ctx.store, c["title"], every=c["every"], start=ctx.start, duration_min=c["minutes"],
            people_names=c["people"], practices=c["practices"], note=c["note"],
        )  # fmt: skip
        if "ended_weeks_ago" in c:
            commitments.end(ctx.store, added.id, at=ctx.day(c["ended_weeks_ago"] * 7, 12))


def mark_occurrences(ctx: DemoContext) -> None:
    """Mark past occurrences; more are kept as the weeks go by. Yesterday stays open."""
    texts = ctx.content["occurrences"]
    scripts = {c["title"]: c for c in ctx.content["commitments"]}
    for occurrence in commitments.occurrences(ctx.store, ctx.start, ctx.day(1, 0)):
        at = occurrence.scheduled_at.replace(tzinfo=ctx.now.tzinfo)
        status = choose_status(ctx, at, scripts[occurrence.title])
        if status is None:
            continue  # forgot to mark it, as people do
        note = ctx.fresh(texts[f"{status}_notes"])
        traded_for = ctx.rng.choice(texts["traded_for"]) if status == "traded" else None
        commitments.mark(
            ctx.store, occurrence.commitment_id, status, when=occurrence.scheduled_at,
            traded_for=traded_for, note=note,
        )  # fmt: skip


def choose_status(ctx: DemoContext, at: datetime, script: dict[str, Any]) -> str | None:
    """The week's scripted mark if the commitment has one, else a roll that improves with time."""
    if "traded_weeks" in script:
        week = int((at - ctx.start) / timedelta(weeks=1))
        if week in script["traded_weeks"]:
            return "traded"
        return "skipped" if week in script.get("skipped_weeks", []) else "kept"
    kept_share, roll = 0.5 + 0.4 * ctx.progress(at), ctx.rng.random()
    if roll < 0.05 and ctx.progress(at) < 0.9:  # this week's are all marked, bar yesterday
        return None
    if roll < kept_share:
        return "kept"
    return "traded" if roll < kept_share + (1 - kept_share) * 0.6 else "skipped"


def add_tradeoffs(ctx: DemoContext) -> None:
    for t in ctx.content["tradeoffs"]:
        tradeoffs.record(
            ctx.store, t["chose"], t["over"], direction=t["direction"],
            at=ctx.day(t["days_ago"], 18, 30), cost_hours=t.get("hours"),
            cost_note=t.get("cost_note", ""), practices=t["practices"], note=t["note"],
        )  # fmt: skip


def add_moments(ctx: DemoContext) -> None:
    """Moments week by week, at each person's usual rate; closer ones grow more frequent."""
    table = ctx.content["moments"]
    for week in range(WEEKS):
        for name, per_week in table["weekly"].items():
            if name == "Teo" and week > table["teo_until_week"]:
                continue
            count = int(per_week) + (ctx.rng.random() < per_week - int(per_week))
            for _ in range(count):
                days_ago = max(1, (WEEKS - week) * 7 - ctx.rng.randrange(7))
                template = pick_template(ctx, name, week)
                log_moment(ctx, [name], template, days_ago)
    for group in table["group"]:
        log_moment(ctx, group["people"], group, group["days_ago"])


def pick_template(ctx: DemoContext, name: str, week: int) -> dict[str, Any]:
    progress = week / (WEEKS - 1)
    weight = {"low": 1.4 - progress, "mid": 1.0, "high": 0.5 + 1.2 * progress}
    options = [
        t for t in ctx.content["moments"]["templates"]
        if t["person"] == name and t.get("from_week", 0) <= week
    ]  # fmt: skip
    return ctx.rng.choices(options, weights=[weight[t["level"]] for t in options])[0]


def log_moment(ctx: DemoContext, names: list[str], template: dict[str, Any], days_ago: int) -> None:
    rng, medium = ctx.rng, template.get("medium", "in-person")
    hour = rng.choice((12, 18, 19, 20, 21) if medium == "in-person" else (9, 11, 13, 17, 20))
    low, high = LEVELS[template["level"]]
    minutes = template.get("minutes") or (
        rng.randrange(5, 30, 5) if medium == "text" else rng.randrange(low * 10, high * 25, 5)
    )
    # Each note once: a template used again takes its next variant, then no note at all
    # (quick logs often have none), so the list never repeats a line word for word.
    variants = [template["note"], *template.get("more", [])]
    note = next((v for v in variants if v not in ctx.used), "")
    ctx.used.add(note)
    moments.log(
        ctx.store, names, at=ctx.day(days_ago, hour, rng.choice((0, 15, 30, 45))),
        duration_min=minutes, medium=medium, note=note,
        initiator=rng.choices(("me", "them", "mutual"), weights=(2, 2, 3))[0],
        practices=template.get("practices", ""), **ratings(rng, template),
    )  # fmt: skip


def ratings(rng: random.Random, template: dict[str, Any]) -> dict[str, Any]:
    """RIR ratings that fit how close the moment was; harder practices cost some discomfort."""
    low, high = LEVELS[template["level"]]

    def rate(shift: int = 0) -> int:
        return max(1, min(7, rng.randint(low, high) + shift))

    hard = any(key in template.get("practices", "") for key in ("seen", "stay", "depth"))
    return {
        "intimacy": rate(),
        "i_disclosed": rate(rng.choice((-1, 0, 0, 1))),
        "they_disclosed": rate(rng.choice((-1, 0, 1))),
        "pleasantness": max(3, rate(rng.choice((-1, 0, 1)))),
        "satisfaction": rate(),
        "responsiveness": rate(1) if rng.random() < 0.8 else None,
        "discomfort": rng.randint(3, 7) if hard else rng.randint(0, 2),
    }


def add_entries(ctx: DemoContext) -> None:
    for e in ctx.content["entries"]:
        at = ctx.day(e["days_ago"], 22, ctx.rng.choice((5, 20, 40)))
        journal.write(ctx.store, e["body"], prompt=e.get("prompt", ""), tags=e["tags"], at=at)


def add_chats(ctx: DemoContext) -> None:
    """Synthetic WhatsApp exports (demo.toml) written inside the home, imported, then deleted."""
    from tarry.mirror.chats import import_chat

    for chat in ctx.content["chats"]:
        path = ctx.store.home / f"WhatsApp Chat with {chat['person']}.txt"
        path.touch(mode=0o600)
        try:
            path.write_text(whatsapp_text(ctx, chat["threads"]), encoding="utf-8")
            import_chat(ctx.store, path, fmt="whatsapp", person=chat["person"], me=chat["me"])
        finally:
            path.unlink(missing_ok=True)


def whatsapp_text(ctx: DemoContext, threads: list[dict[str, Any]]) -> str:
    """An Android-style export ('19/11/2026, 21:05 - Sam: text'), oldest thread first."""
    lines = []
    for thread in sorted(threads, key=lambda t: -t["days_ago"]):
        when = ctx.day(thread["days_ago"], *clock_time(thread["at"]))
        for line in thread["lines"]:
            lines.append(f"{when:%d/%m/%Y, %H:%M} - {line}")
            when += timedelta(minutes=ctx.rng.randint(1, 4))
    return "\n".join(lines) + "\n"


def clock_time(text: str) -> tuple[int, int]:
    hour, minute = text.split(":")
    return int(hour), int(minute)


def add_calendar(ctx: DemoContext) -> None:
    """A Work and a Personal .ics (icalendar) in a folder inside the home, imported, deleted."""
    from tarry.calendar.ics_import import import_calendar

    folder = ctx.store.home / "demo-calendars"
    folder.mkdir(mode=0o700)
    try:
        for name, events in (("Work", work_events(ctx)), ("Personal", social_events(ctx))):
            (folder / f"{name}.ics").write_bytes(ics_bytes(name, events, ctx.now))
        import_calendar(ctx.store, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


CalendarEvent = tuple[str, datetime, datetime, dict[str, Any] | None]  # summary, start, end, rule


def work_events(ctx: DemoContext) -> list[CalendarEvent]:
    """The weekday series, and the evenings work ran over a traded dinner."""
    work = ctx.content["calendar"]["work"]
    first = ctx.start + timedelta(days=-ctx.start.weekday() % 7)  # the first Monday
    rule = {"FREQ": "WEEKLY", "BYDAY": ["MO", "TU", "WE", "TH", "FR"],
            "UNTIL": ctx.day(0, 0).astimezone(UTC)}  # fmt: skip
    series = (work["summary"], at_time(first, work["start"]), at_time(first, work["end"]), rule)
    traded = [
        o for o in commitments.occurrences(ctx.store, ctx.start, ctx.now)
        if o.status == "traded" and o.traded_for and o.scheduled_at.weekday() < 5
        and o.scheduled_at.hour >= 17  # work that ran into a weekday evening
    ]  # fmt: skip
    late = [(str(o.traded_for).capitalize(), o.scheduled_at - timedelta(hours=1.5),
             o.scheduled_at + timedelta(hours=1.5), None) for o in traded]  # fmt: skip
    return [series] + [(s, a.astimezone(), b.astimezone(), r) for s, a, b, r in late]


def social_events(ctx: DemoContext) -> list[CalendarEvent]:
    events: list[CalendarEvent] = []
    for event in ctx.content["calendar"]["social"]:
        start = ctx.day(event["days_ago"], *clock_time(event["at"]))
        events.append((event["summary"], start, start + timedelta(minutes=event["minutes"]), None))
    return events


def at_time(day: datetime, text: str) -> datetime:
    hour, minute = clock_time(text)
    return day.replace(hour=hour, minute=minute)


def ics_bytes(name: str, events: list[CalendarEvent], now: datetime) -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    for key, value in (("prodid", "-//tarry//demo//EN"), ("version", "2.0"),
                       ("x-wr-calname", name)):  # fmt: skip
        calendar.add(key, value)
    for index, (summary, start, end, rule) in enumerate(events):
        event = Event()
        event.add("uid", f"demo-{name.lower()}-{index}@tarry.invalid")
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", start.astimezone(UTC))
        event.add("dtend", end.astimezone(UTC))
        event.add("summary", summary)
        if rule:
            event.add("rrule", rule)
        calendar.add_component(event)
    return calendar.to_ical()


STEPS: list[Step] = [
    add_people,
    add_values,
    add_commitments,
    mark_occurrences,
    add_tradeoffs,
    add_moments,
    add_entries,
    add_chats,
    add_calendar,
]
