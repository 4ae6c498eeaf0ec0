"""`tarry import`: the group that chat and calendar importers attach their commands to."""

from __future__ import annotations

from typing import Any

import typer

from tarry.base.budget import parse_size

import_app = typer.Typer(
    help="Import chats, calendars and contacts into your store.", no_args_is_help=True
)


def size(text: str) -> int:
    """--max-bytes SIZE: bytes, or with K, M, G (1024-based)."""
    try:
        return parse_size(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a size; write e.g. 512M or 4G.") from None


def max_bytes_option(default: str, what: str) -> Any:
    return typer.Option(
        default,
        "--max-bytes",
        metavar="SIZE",
        help=f"Most bytes of {what} one import may write (e.g. 512M, 4G).",
    )


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
