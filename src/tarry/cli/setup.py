"""`tarry init`: create the store."""

from __future__ import annotations

import typer

from tarry.cli.common import console, state
from tarry.store import Store


def init() -> None:
    """Create a store in the data directory (safe to run again)."""
    with Store.open(state.home) as store:
        console.print(f"tarry store ready at {store.path} (schema version {store.version}).")


def register(app: typer.Typer) -> None:
    app.command("init")(init)
