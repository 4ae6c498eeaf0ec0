"""`tarry undo`: take back an edit, a deletion or a mark, for UNDO_DAYS days."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from tarry.cli.common import JSON_OPTION, console, open_store, print_json

if TYPE_CHECKING:
    from tarry.store.undo import Change


def undo(
    change: int = typer.Argument(
        None, metavar="[ID]", help="The change to undo (default: the latest); see --list."
    ),
    list_: bool = typer.Option(False, "--list", help="List what can be undone, newest first."),
    forget: bool = typer.Option(
        False, "--forget", help="Forget every change now: what was deleted is gone for good."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Undo the latest change (an edit, a deletion or a mark), or change ID; --list shows them.

    Changes are kept 30 days, then forgotten (deleted text goes with them)."""
    from tarry.store import undo as log

    with open_store() as store:
        if forget:
            count = log.forget_all(store)
            console.print(f"Forgot {count} {'change' if count == 1 else 'changes'}.")
            return
        if list_:
            _list(log.recent(store), as_json)
            return
        undone = log.undo(store, change)
    if as_json:
        print_json(undone.to_dict())
        return
    moved = f" (now {undone.ref}: its id was taken)" if undone.ref != undone.change.ref else ""
    said = undone.change.describe()
    console.print(f"Undone: {said[0].lower()}{said[1:]}{moved}.", markup=False, soft_wrap=True)


def _list(changes: list[Change], as_json: bool) -> None:
    if as_json:
        print_json([c.to_dict() for c in changes])
        return
    if not changes:
        console.print("Nothing to undo in the last 30 days.")
        return
    table = Table("id", "when", "what", "kept until")
    for c in changes:
        table.add_row(str(c.id), f"{c.done_at:%Y-%m-%d %H:%M}", escape(c.describe()),
                      f"{c.until:%Y-%m-%d}")  # fmt: skip
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("undo")(undo)
