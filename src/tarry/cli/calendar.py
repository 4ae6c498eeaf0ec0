"""`tarry calendar` (rules, classify, audit, target, export, feed) and `tarry import calendar`."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from tarry.base import clock, outputs
from tarry.calendar import audit, blocks, export, feed, ics_import, ics_read, rules
from tarry.calendar.expand import DEFAULT_CAP
from tarry.cli.common import (
    JSON_OPTION,
    console,
    err_console,
    open_store,
    print_json,
    warn_plain_text,
)
from tarry.cli.importing import import_app, max_bytes_option, size

calendar_app = typer.Typer(
    help="Time audit (imported calendars) and protected time (commitments as .ics).",
    no_args_is_help=True,
)
rules_app = typer.Typer(help="See, edit and test the classification rules.")
WEEK_HELP = "ISO week, e.g. 2026-W47 (default: this week)."


@import_app.command("calendar")
def import_calendar(
    path: Path = typer.Argument(..., help="An .ics file, or a folder of them (a CalDAV export)."),
    calendar: str = typer.Option(
        None,
        "--calendar",
        "-c",
        help="Name the calendar (default: its X-WR-CALNAME, else the file or folder name).",
    ),
    since: str = typer.Option(None, "--since", help="Start of the window (default: 2 years ago)."),
    until: str = typer.Option(None, "--until", help="End of the window (default: 1 year ahead)."),
    cap: int = typer.Option(DEFAULT_CAP, "--max-per-series", help="Most instances per series."),
    max_instances: int = typer.Option(
        ics_read.MAX_INSTANCES,
        "--max-instances",
        metavar="N",
        help="Most instances (and events read) in one import, all series together.",
    ),
    max_bytes: str = max_bytes_option("256M", "event text"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Import calendar events as time blocks; re-importing updates, never duplicates."""
    from rich.progress import Progress  # here: other `tarry import` commands do not need it

    window = ics_import.make_window(_when(since, "since"), _when(until, "until"))
    budget = ics_read.instance_budget(max_instances, size(max_bytes))
    with (
        open_store() as store,
        Progress(console=err_console, transient=True, disable=not err_console.is_terminal) as bar,
    ):
        task = bar.add_task("Reading", total=None)
        result = ics_import.import_calendar(
            store, path, calendar=calendar, window=window, cap=max(cap, 1), budget=budget,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )  # fmt: skip
    if as_json:
        print_json(result.to_dict())
        return
    for warning in result.warnings:
        err_console.print(f"warning: {warning}", markup=False, soft_wrap=True)
    console.print(
        f"{', '.join(result.calendars)}: {result.added} added, {result.updated} updated,"
        f" {result.removed} removed, {result.unchanged} unchanged"
        f" ({result.since[:10]} .. {result.until[:10]}).",
        markup=False,
    )


def _when(text: str | None, field: str) -> datetime | None:
    return clock.parse(text, field) if text else None


@rules_app.callback(invoke_without_command=True)
def rules_list(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """List the rules in order; the first that matches a block gives its domain."""
    if ctx.invoked_subcommand:
        return
    with open_store() as store:
        found = rules.all_rules(store)
    if as_json:
        print_json([r.to_dict() for r in found])
        return
    table = Table("#", "kind", "pattern", "domain")
    for rule in found:
        table.add_row(str(rule.position), rule.kind, escape(rule.pattern), rule.domain)
    console.print(table)
    console.print("A block no rule matches is 'other'.")


@rules_app.command("add")
def rules_add(
    domain: str = typer.Argument(..., help="work, connection, solo or other."),
    keyword: str = typer.Option(None, "--keyword", help="Words in the summary or description."),
    calendar: str = typer.Option(None, "--calendar", help="Calendar names (* wildcards)."),
    attendee: str = typer.Option(None, "--attendee", help="Text in an attendee, e.g. @work.org."),
    person: str = typer.Option(None, "--person", help="A person in tarry, or * for anyone."),
    all_day: bool = typer.Option(False, "--all-day", help="All-day events."),
    at: int = typer.Option(1, "--at", help="Position (default 1: before every other rule)."),
) -> None:
    """Add a rule: give the domain and one of --keyword/--calendar/--attendee/--person/--all-day."""
    given = {"keyword": keyword, "calendar": calendar, "attendee": attendee, "person": person}
    chosen = [(k, v) for k, v in given.items() if v is not None]
    chosen += [("all-day", "")] if all_day else []
    if len(chosen) != 1:
        raise typer.BadParameter("Give exactly one of --keyword, --calendar, --attendee, "
                                 "--person or --all-day.")  # fmt: skip
    with open_store() as store:
        rule = rules.add(store, domain, chosen[0][0], chosen[0][1], at=at)
    console.print(f"Added rule {escape(rule.describe())}.")


@rules_app.command("remove")
def rules_remove(
    position: int = typer.Argument(..., help="The rule's number (see the list)."),
) -> None:
    """Remove a rule."""
    with open_store() as store:
        rule = rules.remove(store, position)
    console.print(f"Removed rule {escape(rule.describe())}.")


@rules_app.command("reset")
def rules_reset() -> None:
    """Replace every rule with the defaults."""
    with open_store() as store:
        found = rules.reset(store)
    console.print(f"Restored the {len(found)} default rules.")


@rules_app.command("test")
def rules_test(
    summary: str = typer.Argument(..., help="An event's summary, e.g. 'Dinner with Sam'."),
    calendar: str = typer.Option("", "--calendar", help="The calendar it is in."),
    attendee: list[str] = typer.Option([], "--attendee", help="'Name <email>' (repeatable)."),
    description: str = typer.Option("", "--description", help="Its description."),
    all_day: bool = typer.Option(False, "--all-day", help="It is an all-day event."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show which rule would classify an event, without importing anything."""
    block = blocks.TimeBlock(0, "", calendar, summary, description, "", attendee,
                             clock.now(), clock.now(), all_day, False)  # fmt: skip
    with open_store() as store:
        match = rules.classifier(store).classify(block)
    _print_match(summary, match, as_json)


def _print_match(summary: str, match: rules.Match, as_json: bool) -> None:
    rule = match.rule.short() if match.rule else None
    if as_json:
        print_json({"summary": summary, "domain": match.domain, "rule": rule, "why": match.reason})
        return
    console.print(f"{match.domain}: {rule or 'no rule matched'} ({match.reason})", markup=False)


@calendar_app.command("classify")
def classify(
    week: str = typer.Option(None, "--week", help=WEEK_HELP),
    everything: bool = typer.Option(False, "--all", help="Every imported block, not one week."),
    explain: bool = typer.Option(False, "--explain", help="Show which rule matched each block."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List time blocks with their domain (work, connection, solo, other)."""
    start, end = (None, None) if everything else clock.week_bounds(week)
    with open_store() as store:
        found = audit.classified(store, start, end)
    if as_json:
        print_json([_classified(b, m, explain) for b, m in found])
        return
    table = Table("start", "h:mm", "domain", "summary", "calendar", *(["why"] if explain else []))
    for block, match in found:
        when = (
            f"{block.starts_at:%Y-%m-%d}" if block.all_day else f"{block.starts_at:%a %d %b %H:%M}"
        )
        minutes = round(block.hours * 60)
        hours = "all day" if block.all_day else f"{minutes // 60}:{minutes % 60:02d}"
        why = [f"{match.rule.short() if match.rule else '-'}: {match.reason}"] if explain else []
        table.add_row(when, hours, match.domain, escape(block.summary), escape(block.calendar),
                      *map(escape, why))  # fmt: skip
    console.print(table)


def _classified(block: blocks.TimeBlock, match: rules.Match, explain: bool) -> dict[str, object]:
    data: dict[str, object] = {**block.to_dict(), "domain": match.domain}
    if explain:
        data["rule"] = match.rule.to_dict() if match.rule else None
        data["why"] = match.reason
    return data


@calendar_app.command("audit")
def audit_(
    week: str = typer.Option(None, "--week", help=WEEK_HELP),
    weeks: int = typer.Option(1, "--weeks", help="Show a trend: this many weeks up to --week."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Hours per domain per week, the connection target, commitments that collided with work."""
    last = clock.week_bounds(week)[0]
    with open_store() as store:
        found = audit.trend(store, weeks, last=last)
    if as_json:
        print_json([w.to_dict() for w in found])
        return
    table = Table("week", *rules.DOMAINS, "target", "collisions")
    for w in found:
        target = "" if w.target_hours is None else clock.hours_text(w.target_hours) + (
            " met" if w.target_met else " missed")  # fmt: skip
        table.add_row(w.week, *(clock.hours_text(w.hours[d]) for d in rules.DOMAINS), target,
                      str(len(w.collisions)))  # fmt: skip
    console.print(table)
    for c in found[-1].collisions:
        console.print(f"{c.scheduled_at[:16]} {c.title} ({c.status}) collided with {c.work}.",
                      markup=False)  # fmt: skip


@calendar_app.command("target")
def target(
    amount: str = typer.Argument(
        None,
        help="Weekly connection hours: 6h, 90m, 1h30m; 'none' "
        "clears it. Without it, show the target.",
    ),
) -> None:
    """Show or set your own weekly target of connection hours."""
    with open_store() as store:
        if amount is None:
            hours = audit.target(store)
        elif amount.strip().lower() in ("none", "off", "clear"):
            hours = audit.set_target(store, None)
        else:
            hours = audit.set_target(store, audit.parse_amount(amount))
    console.print(
        "No connection target set."
        if hours is None
        else f"Target: {clock.hours_text(hours)} a week."
    )


@calendar_app.command("export")
def export_(
    output: Path = typer.Option(None, "--output", "-o", help="Write to FILE (default: stdout)."),
    timezone: str = typer.Option(None, "--timezone", help="IANA zone (default: the local one)."),
    floating: bool = typer.Option(False, "--floating", help="Floating times: no zone at all."),
    alarm: str = typer.Option(
        None,
        "--alarm",
        help="Remind this long before (30m, 2h, off); default: calendar alarm.",
        metavar="DURATION",
    ),
) -> None:
    """Write your commitments as an .ics calendar (one event with its RRULE per commitment),
    each with a reminder before it (see `tarry calendar alarm`)."""
    with open_store() as store:
        minutes = _alarm_minutes(alarm) if alarm else None
        data = export.export_ics(store, zone=timezone, floating=floating, alarm_min=minutes)
        encrypted = store.encrypted
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    outputs.write_bytes(output, data, field="output")
    err_console.print(f"Wrote {output}.", markup=False)
    warn_plain_text(encrypted, "The calendar")


def _alarm_minutes(text: str) -> int:
    from tarry.reflect.moments import parse_duration

    return 0 if text.strip().lower() in ("off", "none", "0") else parse_duration(text, "alarm")


@calendar_app.command("alarm")
def alarm_(
    before: str = typer.Argument(
        None, metavar="[DURATION]", help="How long before: 30m, 2h; off for none."
    ),
) -> None:
    """Show or set how long before protected time your calendar reminds you (export and feed)."""
    with open_store() as store:
        minutes = export.set_alarm(store, _alarm_minutes(before)) if before else export.alarm(store)
    console.print(
        f"Calendars remind you {clock.hours_text(minutes / 60)} before protected time."
        if minutes else "No reminders before protected time."
    )  # fmt: skip


@calendar_app.command("feed")
def feed_(
    rotate: bool = typer.Option(
        False, "--rotate", help="Make a new token; old links stop working."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Print the feed's URL path and token (`tarry serve` serves it to calendar apps)."""
    with open_store() as store:
        token = feed.rotate(store.home) if rotate else feed.token(store.home)
    path = feed.FEED_PATH.format(token=token)
    if as_json:
        print_json({"path": path, "token": token})
        return
    console.print(f"Feed path: {path}", markup=False, soft_wrap=True)
    console.print("Subscribe to http://127.0.0.1:PORT" + path + " while `tarry serve` runs.",
                  markup=False, soft_wrap=True)  # fmt: skip


@calendar_app.command("list")
def list_(as_json: bool = JSON_OPTION) -> None:
    """List imported calendars with their number of time blocks."""
    with open_store() as store:
        found = blocks.calendars(store)
    if as_json:
        print_json(found)
        return
    table = Table("calendar", "blocks", "first", "last")
    for row in found:
        table.add_row(
            escape(row["calendar"]), str(row["blocks"]), row["first"][:10], row["last"][:10]
        )
    console.print(table)


@calendar_app.command("forget")
def forget(name: str = typer.Argument(..., help="The imported calendar's name.")) -> None:
    """Remove an imported calendar's time blocks."""
    with open_store() as store:
        removed = blocks.forget(store, name)
    console.print(f"Removed {removed} time blocks of {name}.", markup=False)


def register(app: typer.Typer) -> None:
    calendar_app.add_typer(rules_app, name="rules")
    app.add_typer(calendar_app, name="calendar")
