"""`tarry today`: today's protected time and what waits from the people you are paired with."""

from __future__ import annotations

from datetime import timedelta

import typer
from rich.markup import escape

from tarry.base import clock
from tarry.cli.common import JSON_OPTION, console, open_store, print_json
from tarry.commit import commitments
from tarry.together import nudges


def today(as_json: bool = JSON_OPTION) -> None:
    """Today's commitments and nudges ("Sam answered; your turn"), from this device only."""
    start = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    with open_store() as store:
        found = commitments.occurrences(store, start, start + timedelta(days=1))
        waiting = nudges.nudges(store)
    if as_json:
        print_json(
            {"commitments": [o.to_dict() for o in found], "nudges": [n.to_dict() for n in waiting]}
        )
        return
    for o in found:
        console.print(f"{o.scheduled_at:%H:%M}  {escape(o.title)}  ({o.status})", soft_wrap=True)
    if not found:
        console.print("No protected time today.")
    for n in waiting:
        console.print(f"- {escape(n.text)}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("today")(today)
