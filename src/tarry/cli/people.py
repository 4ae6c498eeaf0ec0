"""`tarry people`: add, list, edit and remove the people the practice is with."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table

from tarry.cli.common import JSON_OPTION, console, open_store, print_change, print_json
from tarry.declare import people

people_app = typer.Typer(help="The people you practise with.", no_args_is_help=False)

RELATION_HELP = "partner, date, friend, family or other."


@people_app.command("add")
def add(
    name: str = typer.Argument(..., help="Their name as you say it."),
    relation: str = typer.Option("friend", "--relation", "-r", help=RELATION_HELP),
    every: float = typer.Option(None, "--every", metavar="DAYS", help="Contact cadence in days."),
    alias: list[str] = typer.Option([], "--alias", "-a", help="Another name (e.g. in chats)."),
    note: str = typer.Option("", "--note", help="Anything to remember."),
) -> None:
    """Add a person."""
    with open_store() as store:
        person = people.add(
            store, name, relation=relation, cadence_days=every, aliases=alias, note=note
        )
    console.print(f"Added {escape(person.name)} ({escape(person.relation)}).")


@people_app.command("list")
def list_(as_json: bool = JSON_OPTION) -> None:
    """List people."""
    with open_store() as store:
        everyone = people.all_people(store)
    if as_json:
        print_json([p.to_dict() for p in everyone])
        return
    table = Table("name", "relation", "every", "aliases")
    for p in everyone:
        every = f"{p.cadence_days:g} d" if p.cadence_days else ""
        table.add_row(escape(p.name), escape(p.relation), every, escape(", ".join(p.aliases)))
    console.print(table)


@people_app.command("edit")
def edit(
    name: str = typer.Argument(..., help="Name or alias of the person."),
    rename: str = typer.Option(None, "--name", help="A new name."),
    relation: str = typer.Option(None, "--relation", "-r", help=RELATION_HELP),
    every: float = typer.Option(None, "--every", metavar="DAYS", help="Contact cadence in days."),
    no_every: bool = typer.Option(False, "--no-every", help="Drop the contact cadence."),
    alias: list[str] = typer.Option([], "--alias", "-a", help="Add an alias."),
    drop_alias: list[str] = typer.Option([], "--drop-alias", help="Remove an alias."),
    note: str = typer.Option(None, "--note", help="Replace the note."),
) -> None:
    """Change a person's name, relation, cadence, aliases or note (undo: tarry undo)."""
    with open_store() as store:
        person = people.edit(
            store,
            name,
            new_name=rename,
            relation=relation,
            cadence_days=every,
            clear_cadence=no_every,
            add_aliases=alias,
            remove_aliases=drop_alias,
            note=note,
        )
    console.print(f"Updated {escape(person.name)}.")


@people_app.command("remove")
def remove(
    name: str = typer.Argument(..., help="Name or alias of the person."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete a person (their moments stay, without them; undo: tarry undo)."""
    with open_store() as store:
        change = people.remove(store, name)
    print_change(change, as_json)


dates_app = typer.Typer(
    help="Birthdays and important dates (import them: tarry import contacts FILE.vcf).",
    no_args_is_help=False,
    invoke_without_command=True,
)


@dates_app.callback()
def dates(
    ctx: typer.Context,
    name: str = typer.Option(None, "--of", help="Only this person's.", metavar="NAME"),
    days: int = typer.Option(366, "--days", help="Those coming round within N days.", metavar="N"),
    as_json: bool = JSON_OPTION,
) -> None:
    """List important dates, the soonest first."""
    if ctx.invoked_subcommand is not None:
        return
    from tarry.base import clock
    from tarry.declare import important_dates

    today = clock.today()
    with open_store() as store:
        found = (important_dates.of_person(store, people.get(store, name).id) if name
                 else important_dates.upcoming(store, days))  # fmt: skip
    if as_json:
        print_json([d.to_dict(today) for d in found])
        return
    if not found:
        console.print("No important dates yet. Add one: tarry people dates add NAME birthday 03-15,"
                      " or import them: tarry import contacts FILE.vcf.", markup=False)  # fmt: skip
        return
    table = Table("id", "when", "what")
    for d in found:
        table.add_row(str(d.id), f"{d.next_on(today):%a %Y-%m-%d}", escape(d.describe(today)))
    console.print(table)


@dates_app.command("add")
def dates_add(
    name: str = typer.Argument(..., help="Name or alias of the person."),
    label: str = typer.Argument(..., help="What the day is: birthday, anniversary, ..."),
    when: str = typer.Argument(..., metavar="WHEN", help="03-15, 15 march or 1985-03-15."),
) -> None:
    """Remember a date of someone's."""
    from tarry.base import clock
    from tarry.declare import important_dates

    with open_store() as store:
        added = important_dates.add(store, name, label, when)
    console.print(f"Remembered {added.describe(clock.today())}.", markup=False, soft_wrap=True)


@dates_app.command("remove")
def dates_remove(
    date_id: int = typer.Argument(..., metavar="ID", help="The date's id (tarry people dates)."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Forget a date (undo: tarry undo)."""
    from tarry.declare import important_dates

    with open_store() as store:
        change = important_dates.remove(store, date_id)
    print_change(change, as_json)


def register(app: typer.Typer) -> None:
    people_app.add_typer(dates_app, name="dates")
    app.add_typer(people_app, name="people")
