"""`tarry import contacts`: birthdays and important dates from a .vcf contacts export."""

from __future__ import annotations

from pathlib import Path

import typer

from tarry.base.textcharts import plural
from tarry.cli.common import JSON_OPTION, console, err_console, open_store, print_json
from tarry.cli.importing import import_app


@import_app.command("contacts")
def import_contacts(
    path: Path = typer.Argument(
        ..., metavar="FILE.vcf", help="A contacts export (vCard 2.1, 3 or 4)."
    ),
    add: bool = typer.Option(
        False, "--add", help="Also add the contacts with dates who are not in tarry yet."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Remember birthdays and anniversaries of the people in tarry, from your contacts.

    A card matches a person by full name, nickname or alias; importing again adds nothing twice."""
    from rich.progress import Progress

    from tarry.declare import vcard

    with (
        open_store() as store,
        Progress(console=err_console, transient=True, disable=not err_console.is_terminal) as bar,
    ):
        task = bar.add_task("Reading", total=None)
        summary = vcard.import_contacts(
            store,
            path,
            add_people=add,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if as_json:
        print_json(summary.to_dict())
        return
    for line in summary.skipped:
        err_console.print(f"skipped: {line}", markup=False, soft_wrap=True)
    found = ", ".join(summary.matched + summary.added_people) or "no one in tarry"
    console.print(
        f"{plural(summary.cards, 'card')} read: {plural(summary.dates_added, 'date')} remembered"
        f" ({summary.dates_known} known already) for {found}.",
        markup=False,
        soft_wrap=True,
    )
    if summary.added_people:
        console.print(f"Added {', '.join(summary.added_people)}.", markup=False, soft_wrap=True)
    if summary.not_in_tarry:
        console.print(
            f"{plural(summary.not_in_tarry, 'card')} with dates name no one in tarry: give them an"
            " alias (tarry people edit NAME --alias 'FULL NAME') or import with --add.",
            markup=False,
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    """The command attaches itself to `tarry import` (cli/importing.py) when imported."""
