"""What every command shares: the store it works on, JSON output, the console."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from typing import Any

import typer
from rich.console import Console

from tarry.store import Store

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of a table.")


@dataclass
class State:
    """Global options, set by the root callback."""

    home: str | None = None
    debug: bool = False


state = State()


def open_store() -> Store:
    """Open the store of the current --home (creating it on first use)."""
    return Store.open(state.home)


def print_json(data: Any) -> None:
    """Write JSON to stdout: UTF-8, stable key order as given, one document."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
