"""`tarry demo`: build a separate demo home with twelve weeks of a fictional person's data."""

from __future__ import annotations

import shlex
from pathlib import Path

import typer

from tarry.cli.common import JSON_OPTION, console, print_json, state


def demo(
    home: Path = typer.Option(
        None, "--home", metavar="DIR", help="Where to build it (default: a tarry-demo folder)."
    ),
    as_json: bool = JSON_OPTION,
) -> None:
    """Build a demo home (never your own data) so every feature has something to show."""
    from tarry.demo import build as demo_data

    target = home or (Path(state.home_option) if state.home_option else demo_data.default_home())
    summary = demo_data.build(target.expanduser())
    if as_json:
        print_json(summary.to_dict())
        return
    where = shlex.quote(str(summary.home))
    counts = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in summary.counts.items())
    console.print(f"Demo home ready at {summary.home}\n{counts}.\n\nTry it:", markup=False)
    for command in ("review", "people list", "values history", "commit upcoming", "moments list"):
        console.print(f"  tarry --home {where} {command}", markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
