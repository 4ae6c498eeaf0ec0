"""`tarry import`: the group that chat and calendar importers attach their commands to."""

from __future__ import annotations

import typer

import_app = typer.Typer(
    help="Import chats, calendars and contacts into your store.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
