"""`tarry commit`: recurring commitments, their upcoming occurrences, and marking them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from tarry.base.textcharts import plural
from tarry.cli.common import JSON_OPTION, console, open_store, print_change, print_json

if TYPE_CHECKING:
    from tarry.commit.commitments import Occurrence

commit_app = typer.Typer(
    help="Commitments: protected, recurring time for closeness.", no_args_is_help=True
)

EVERY_HELP = "When it recurs, e.g. 'thursday 19:00', 'mon,wed 7:30', '2 weeks saturday 10:00'."
RRULE_HELP = "A raw RFC 5545 RRULE instead of --every, e.g. 'FREQ=WEEKLY;BYDAY=TH'."
STATUS_STYLE = {"kept": "green", "traded": "red", "skipped": "yellow", "pending": "dim"}


@commit_app.command("add")
def add(
    title: str = typer.Argument(
        ..., metavar="TITLE", help="What it is, e.g. 'Phone-free dinner with Sam'."
    ),
    every: str = typer.Option(None, "--every", help=EVERY_HELP, metavar="WHEN"),
    rrule: str = typer.Option(None, "--rrule", help=RRULE_HELP, metavar="RULE"),
    start: str = typer.Option(
        None, "--start", help="First day (and time); default today.", metavar="TIME"
    ),
    length: str = typer.Option(
        "1h",
        "--for",
        help="How long each time, with a unit: 2h or 90m (at most 24h).",
        metavar="DURATION",
    ),
    with_: list[str] = typer.Option(
        [], "--with", help="A person it is with (repeatable).", metavar="NAME"
    ),
    practice: list[str] = typer.Option(
        [], "--practice", "-p", help="E.g. priority+depth.", metavar="KEYS"
    ),
    note: str = typer.Option("", "--note", help="Anything to remember.", metavar="TEXT"),
) -> None:
    """Add a recurring commitment."""
    from tarry.base import clock
    from tarry.commit import commitments
    from tarry.reflect.moments import parse_duration

    with open_store() as store:
        commitment = commitments.add(
            store, title, every=every, rrule=rrule,
            start=clock.parse(start, "start", prefer="future") if start else None,
            duration_min=parse_duration(length),
            people_names=with_, practices=practice, note=note,
        )  # fmt: skip
    console.print(
        f"Added {commitment.title!r} ({commitment.id}): {commitment.describe()},"
        f" {commitment.duration_min} min, from {commitment.starts_at:%Y-%m-%d}.",
        markup=False,
        soft_wrap=True,
    )


@commit_app.command("list")
def list_(
    include_ended: bool = typer.Option(False, "--all", help="Include ended commitments."),
    as_json: bool = JSON_OPTION,
) -> None:
    """List commitments."""
    from tarry.commit import commitments

    with open_store() as store:
        found = commitments.all_commitments(store, include_ended=include_ended)
    if as_json:
        print_json([c.to_dict() for c in found])
        return
    if not found:
        console.print(
            "No commitments yet. Add one: tarry commit add TITLE --every 'thursday 19:00'."
            if include_ended
            else "No active commitments. Add one: tarry commit add TITLE --every 'thursday"
            " 19:00'; ended ones: tarry commit list --all.",
            markup=False,
            soft_wrap=True,
        )
        return
    table = Table("id", "title", "when", "for", "with", "practices", "ended")
    for c in found:
        ended = f"{c.ended_at:%Y-%m-%d}" if c.ended_at else ""
        table.add_row(str(c.id), escape(c.title), c.describe(), f"{c.duration_min} min",
                      escape(", ".join(c.people)), ", ".join(c.practices), ended)  # fmt: skip
    console.print(table)


@commit_app.command("upcoming")
def upcoming(
    days: int = typer.Option(7, "--days", help="How many days ahead.", metavar="N"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Occurrences in the next days (still to come), and past ones of the last 14 days not marked.

    --json gives {"upcoming": [...], "not_marked": [...]}.
    """
    from tarry.commit import commitments

    with open_store() as store:
        ahead = commitments.upcoming(store, days)
        waiting = commitments.unmarked(store)
    if as_json:
        print_json({"upcoming": [o.to_dict() for o in ahead],
                    "not_marked": [o.to_dict() for o in waiting]})  # fmt: skip
        return
    console.print(occurrence_table(ahead) if ahead else f"Nothing in the next {days} days.")
    if waiting:
        past = plural(len(waiting), "past occurrence")
        console.print(f"\n{past} of the last 14 days not marked yet:")
        console.print(occurrence_table(waiting))
        console.print("Mark one: tarry commit mark ID kept|traded|skipped --date DAY")


def status_text(o: Occurrence) -> str:
    """How an occurrence stands, in words: an unmarked one is still to come or not marked yet."""
    from tarry.base import clock
    from tarry.commit.commitments import naive

    if o.status == "pending":
        return "still to come" if o.scheduled_at > naive(clock.now()) else "not marked yet"
    return o.status + (f" for {o.traded_for}" if o.traded_for else "")


def occurrence_table(found: list[Occurrence]) -> Table:
    table = Table("when", "id", "commitment", "for", "with", "status")
    table.columns[0].no_wrap = True
    for o in found:
        status = escape(status_text(o))
        style = STATUS_STYLE.get(o.status, "")
        table.add_row(f"{o.scheduled_at:%a %Y-%m-%d %H:%M}", str(o.commitment_id),
                      escape(o.title), f"{o.duration_min} min", escape(", ".join(o.people)),
                      f"[{style}]{status}[/]")  # fmt: skip
    return table


@commit_app.command("show")
def show(
    commitment: str = typer.Argument(..., metavar="COMMITMENT", help="Id or title."),
    weeks: int = typer.Option(12, "--weeks", help="How far back.", metavar="N"),
    as_json: bool = JSON_OPTION,
) -> None:
    """One commitment: its schedule and how its recent occurrences went."""
    from tarry.commit import commitments

    with open_store() as store:
        record = commitments.track_record(store, commitment, weeks=weeks)
    if as_json:
        print_json(record.to_dict())
        return
    c = record.commitment
    console.print(f"[b]{escape(c.title)}[/] ({c.id}): {c.describe()}, {c.duration_min} min")
    details = [", ".join(c.people), "+".join(c.practices), c.note]
    console.print(" · ".join(escape(d) for d in details if d))
    strip = "".join(f"[{STATUS_STYLE[o.status]}]{MARKS[o.status]}[/]" for o in record.occurrences)
    counts = ", ".join(f"{record.count(s)} {s}" for s in ("kept", "traded", "skipped", "pending"))
    share = record.kept_share
    kept = f"; kept {share:.0%} of those marked" if share is not None else ""
    console.print(f"Last {weeks} weeks: {strip}  {counts}{kept}", soft_wrap=True)
    traded = [o for o in record.occurrences if o.status == "traded"]
    if traded:
        table = Table("traded on", "for", "note")
        for o in traded:
            table.add_row(
                f"{o.scheduled_at:%a %Y-%m-%d}", escape(o.traded_for or ""), escape(o.note)
            )
        console.print(table)


MARKS = {"kept": "■", "traded": "✕", "skipped": "○", "pending": "·"}


@commit_app.command("mark")
def mark(
    commitment: str = typer.Argument(..., metavar="COMMITMENT", help="Id or title."),
    status: str = typer.Argument(
        ..., metavar="STATUS", help="kept, traded or skipped (pending clears a mark)."
    ),
    on: str = typer.Option(
        None, "--date", help="Which occurrence: a day or day and time.", metavar="DAY"
    ),
    traded_for: str = typer.Option(
        None, "--for", help="What it was traded for (with traded).", metavar="WHAT"
    ),
    note: str = typer.Option("", "--note", help="A note on this occurrence.", metavar="TEXT"),
) -> None:
    """Mark an occurrence (default: today's, else the latest) kept, traded or skipped."""
    from tarry.commit import commitments

    with open_store() as store:
        when = commitments.parse_when(on) if on else None
        occurrence = commitments.mark(
            store, commitment, status.lower(), when=when, traded_for=traded_for, note=note
        )
    said = occurrence.status + (f" for {occurrence.traded_for}" if occurrence.traded_for else "")
    day = f"{occurrence.scheduled_at:%a %Y-%m-%d %H:%M}"
    console.print(f"{occurrence.title} on {day}: {said}.", markup=False, soft_wrap=True)
    if occurrence.tradeoff_id:
        console.print(f"Recorded tradeoff {occurrence.tradeoff_id} (away from closeness).")


@commit_app.command("end")
def end(commitment: str = typer.Argument(..., metavar="COMMITMENT", help="Id or title.")) -> None:
    """Retire a commitment: no more occurrences; its history stays."""
    from tarry.commit import commitments

    with open_store() as store:
        ended = commitments.end(store, commitment)
    console.print(f"Ended {ended.title!r}; its history stays.", markup=False, soft_wrap=True)


@commit_app.command("unmark")
def unmark(
    commitment: str = typer.Argument(..., metavar="COMMITMENT", help="Id or title."),
    on: str = typer.Option(
        None, "--date", help="Which occurrence: a day or day and time.", metavar="DAY"
    ),
) -> None:
    """Clear an occurrence's mark (and the tradeoff a 'traded' mark recorded); undo: tarry undo."""
    mark(commitment, "pending", on, "", "")


@commit_app.command("edit")
def edit(
    commitment: str = typer.Argument(..., metavar="COMMITMENT", help="Id or title."),
    title: str = typer.Option(None, "--title", help="A new title.", metavar="TITLE"),
    every: str = typer.Option(None, "--every", help=EVERY_HELP, metavar="WHEN"),
    rrule: str = typer.Option(None, "--rrule", help=RRULE_HELP, metavar="RULE"),
    start: str = typer.Option(
        None, "--start", help="First day (and time) of the new schedule.", metavar="TIME"
    ),
    length: str = typer.Option(
        None, "--for", help="How long each time: 2h or 90m.", metavar="DURATION"
    ),
    with_: list[str] = typer.Option(
        [], "--with", help="Who it is with (repeatable; replaces them).", metavar="NAME"
    ),
    practice: list[str] = typer.Option(
        [], "--practice", "-p", help="Practices it serves (replaces them).", metavar="KEYS"
    ),
    note: str = typer.Option(None, "--note", help="Replace the note.", metavar="TEXT"),
) -> None:
    """Change a commitment; what is not given stays. Marks already made stay (undo: tarry undo)."""
    from tarry.base import clock
    from tarry.commit import commitments
    from tarry.reflect.moments import parse_duration

    with open_store() as store:
        changed = commitments.edit(
            store, commitment, title=title, every=every, rrule=rrule,
            start=clock.parse(start, "start", prefer="future") if start else None,
            duration_min=parse_duration(length) if length else None,
            people_names=with_ or None, practices=practice or None, note=note,
        )  # fmt: skip
    console.print(
        f"Changed {changed.title!r} ({changed.id}): {changed.describe()},"
        f" {changed.duration_min} min.",
        markup=False,
        soft_wrap=True,
    )


@commit_app.command("remove")
def remove(
    commitment: str = typer.Argument(..., metavar="COMMITMENT", help="Id or title."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete a commitment and its marks (to keep its history, `end` it); undo: tarry undo."""
    from tarry.commit import commitments

    with open_store() as store:
        change = commitments.remove(store, commitment)
    print_change(change, as_json)


def register(app: typer.Typer) -> None:
    app.add_typer(commit_app, name="commit")
