"""What every command shares: the store it works on, JSON output, the console."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from tarry.store import Store
from tarry.store.unlock import Unlocker

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of a table.")


@dataclass
class State:
    """Global options, set by the root callback."""

    home: str | None = None
    debug: bool = False
    passphrase_file: str | None = None


state = State()


def open_store() -> Store:
    """Open the store of the current --home (creating it on first use), unlocking it if needed."""
    return Store.open(state.home, unlocker=unlocker())


def unlocker() -> Unlocker:
    """How this command unlocks: --passphrase-file, TARRY_PASSPHRASE, keyring, or a prompt."""
    file = Path(state.passphrase_file) if state.passphrase_file else None
    return Unlocker(passphrase_file=file, prompt=ask_secret if sys.stdin.isatty() else None)


def ask_secret(text: str) -> str:
    """Ask for a passphrase on the terminal without echoing it."""
    answer: str = typer.prompt(text, hide_input=True)
    return answer


def warn_plain_text(encrypted: bool, what: str) -> None:
    """After writing a file on request: from an encrypted store, say the file is not encrypted."""
    if encrypted:
        err_console.print(f"{what} is plain text, not encrypted: keep it somewhere safe.")


def print_json(data: Any) -> None:
    """Write JSON to stdout: UTF-8, stable key order as given, one document."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
