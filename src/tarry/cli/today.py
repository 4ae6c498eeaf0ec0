"""`tarry today`: today's protected time, what is not marked yet, who is drifting, the
important dates coming round (review/reminders.py) and what waits from the people you are paired
with (together/nudges.py): the same as the web app's Today."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from tarry.cli.common import JSON_OPTION, console, open_store, print_json

if TYPE_CHECKING:
    from tarry.review.reminders import Reminders
    from tarry.together.nudges import Nudge


def today(as_json: bool = JSON_OPTION) -> None:
    """Today's commitments, past ones not marked yet, who is drifting, dates coming round, and
    nudges from the people you are paired with ("Sam answered; your turn")."""
    from tarry.review import reminders
    from tarry.together import nudges

    with open_store() as store:
        found = reminders.reminders(store)
        waiting = nudges.nudges(store)
    if as_json:
        print_json({**found.to_dict(), "nudges": [n.to_dict() for n in waiting]})
        return
    render_reminders(found)
    render_nudges(waiting)


def render_reminders(found: Reminders) -> None:
    """The reminders in the terminal, each with the command that acts on it."""
    for o in found.today:
        console.print(f"{o.scheduled_at:%H:%M}  {escape(o.title)}  ({o.status})", soft_wrap=True)
    if not found.today:
        console.print("No protected time today.")
    if found.unmarked:
        console.print("\nNot marked yet (tarry commit mark ID kept|traded|skipped --date DAY):")
        for o in found.unmarked:
            when = f"{o.scheduled_at:%a %d %b %H:%M}"
            console.print(f"- {when}  {escape(o.title)} ({o.commitment_id})", soft_wrap=True)
    if found.drifting:
        console.print("\nDrifting:")
        for d in found.drifting:
            console.print(f"- {escape(d.name)}: {escape('; '.join(d.reasons))}", soft_wrap=True)
    if found.dates:
        console.print("\nComing round:")
        for date in found.dates:
            console.print(f"- {escape(date.describe(found.day))}", soft_wrap=True)


def render_nudges(waiting: list[Nudge]) -> None:
    if waiting:
        console.print("\nTogether:")
    for n in waiting:
        console.print(f"- {escape(n.text)}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("today")(today)
