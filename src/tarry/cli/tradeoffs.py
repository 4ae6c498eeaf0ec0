"""`tarry traded` and `tarry tradeoffs`: the ledger of what was chosen over what."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from tarry.cli.common import JSON_OPTION, console, open_store, print_change, print_json

tradeoffs_app = typer.Typer(help="The tradeoff ledger.", no_args_is_help=True)


def traded(
    chose: str = typer.Argument(
        ..., metavar="CHOSE", help="What you chose, e.g. 'dinner with Sam'."
    ),
    over: str = typer.Option(
        ..., "--over", help="What you chose it over, e.g. 'the deck'.", metavar="THING"
    ),
    toward: bool = typer.Option(False, "--toward", help="Closeness won."),
    away: bool = typer.Option(False, "--away", help="Closeness lost."),
    cost: str = typer.Option(
        None,
        "--cost",
        help="Time it cost, with a unit: 2h or 90m (at most 168h).",
        metavar="DURATION",
    ),
    cost_note: str = typer.Option(
        "", "--cost-note", help="What else it cost, in words.", metavar="TEXT"
    ),
    practice: list[str] = typer.Option(
        [], "--practice", "-p", help="Practices it served.", metavar="KEYS"
    ),
    at: str = typer.Option(None, "--at", help="When (default now).", metavar="TIME"),
    note: str = typer.Option("", "--note", help="Anything to remember.", metavar="TEXT"),
) -> None:
    """Record a tradeoff: you chose CHOSE over --over, toward or away from closeness."""
    from tarry.base import clock
    from tarry.base.errors import InvalidInput
    from tarry.reflect import tradeoffs
    from tarry.reflect.moments import parse_duration

    if toward == away:
        raise InvalidInput(
            "Say which way it went: --toward (closeness won) or --away (closeness lost).",
            'E.g. tarry traded "dinner with Sam" --over "the deck" --toward.',
        )
    hours = round(parse_duration(cost) / 60, 2) if cost else None
    with open_store() as store:
        tradeoff = tradeoffs.record(
            store, chose, over, direction="toward" if toward else "away",
            at=clock.parse(at) if at else None, cost_hours=hours, cost_note=cost_note,
            practices=practice, note=note,
        )  # fmt: skip
    spent = tradeoff.cost_hours
    cost_text = f", cost {clock.hours_text(spent)}" if spent is not None else ""
    console.print(
        f"{tradeoff.describe()}{cost_text}. (tradeoff {tradeoff.id})", markup=False, soft_wrap=True
    )


@tradeoffs_app.command("list")
def list_(
    since: str = typer.Option(None, "--since", help="Only from this day or time.", metavar="TIME"),
    direction: str = typer.Option(None, "--direction", help="toward or away.", metavar="WAY"),
    as_json: bool = JSON_OPTION,
) -> None:
    """List tradeoffs, newest first."""
    from tarry.base import clock
    from tarry.reflect import tradeoffs

    with open_store() as store:
        found = tradeoffs.all_tradeoffs(
            store, since=clock.parse(since, "since") if since else None, direction=direction
        )
    if as_json:
        print_json([t.to_dict() for t in found])
        return
    if not found:
        console.print(nothing_found(direction, since), markup=False, soft_wrap=True)
        return
    table = Table("id", "when", "chose", "over", "way", "cost", "practices")
    for t in found:
        hours = clock.hours_text(t.cost_hours) if t.cost_hours else ""
        cost = " ".join(filter(None, [hours, t.cost_note]))
        way = "[green]toward[/]" if t.direction == "toward" else "[red]away[/]"
        table.add_row(str(t.id), f"{t.at:%Y-%m-%d}", escape(t.chose), escape(t.over), way,
                      escape(cost),
                      ", ".join(t.practices))  # fmt: skip
    console.print(table)


def nothing_found(direction: str | None, since: str | None) -> str:
    """One line for an empty listing, naming the filters ('No tradeoffs away from closeness.')."""
    if not direction and not since:
        return 'No tradeoffs yet. Record one: tarry traded "a walk" --over "email" --toward.'
    way = (
        f" {direction.lower()} {'from ' if direction.lower() == 'away' else ''}closeness"
        if direction
        else ""
    )
    return f"No tradeoffs{way}{f' since {since}' if since else ''}."


@tradeoffs_app.command("edit")
def edit(
    tradeoff_id: int = typer.Argument(..., metavar="ID", help="The tradeoff's id."),
    chose: str = typer.Option(None, "--chose", help="What you chose.", metavar="THING"),
    over: str = typer.Option(None, "--over", help="What you chose it over.", metavar="THING"),
    toward: bool = typer.Option(False, "--toward", help="Closeness won."),
    away: bool = typer.Option(False, "--away", help="Closeness lost."),
    cost: str = typer.Option(None, "--cost", help="Time it cost: 2h or 90m.", metavar="DURATION"),
    no_cost: bool = typer.Option(False, "--no-cost", help="Drop the time it cost."),
    cost_note: str = typer.Option(None, "--cost-note", help="What else it cost.", metavar="TEXT"),
    practice: list[str] = typer.Option(
        [], "--practice", "-p", help="Practices it served (replaces them).", metavar="KEYS"
    ),
    at: str = typer.Option(None, "--at", help="When.", metavar="TIME"),
    note: str = typer.Option(None, "--note", help="Replace the note.", metavar="TEXT"),
) -> None:
    """Change a tradeoff; what is not given stays (undo: tarry undo)."""
    from tarry.base import clock
    from tarry.base.errors import InvalidInput
    from tarry.reflect import tradeoffs
    from tarry.reflect.moments import parse_duration

    if toward and away:
        raise InvalidInput("Say one way: --toward or --away.")
    direction = "toward" if toward else "away" if away else None
    with open_store() as store:
        tradeoff = tradeoffs.edit(
            store, tradeoff_id, chose=chose, over=over, direction=direction,
            at=clock.parse(at) if at else None,
            cost_hours=round(parse_duration(cost) / 60, 2) if cost else None, clear_cost=no_cost,
            cost_note=cost_note, practices=practice or None, note=note,
        )  # fmt: skip
    console.print(f"{tradeoff.describe()}. (tradeoff {tradeoff.id})", markup=False, soft_wrap=True)


@tradeoffs_app.command("remove")
def remove(
    tradeoff_id: int = typer.Argument(..., metavar="ID", help="The tradeoff's id."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete a tradeoff (undo: tarry undo)."""
    from tarry.reflect import tradeoffs

    with open_store() as store:
        change = tradeoffs.remove(store, tradeoff_id)
    print_change(change, as_json)


def register(app: typer.Typer) -> None:
    app.command("traded")(traded)
    app.add_typer(tradeoffs_app, name="tradeoffs")
