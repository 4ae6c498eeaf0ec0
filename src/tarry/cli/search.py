"""`tarry search`: full-text search over what you wrote and logged."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from tarry.cli.common import JSON_OPTION, console, open_store, print_json

if TYPE_CHECKING:
    from rich.text import Text

    from tarry.store.search import Hit


def search(
    words: list[str] = typer.Argument(
        ..., help='Words to find; "quote a phrase", end with * for a prefix.'
    ),
    kind: str = typer.Option(
        None, "--kind", "-k", help="Only this kind: entry, moment, tradeoff or message."
    ),
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="At most this many results."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Search entries, moment notes, tradeoffs and imported messages, best match first."""
    from tarry.store import search as finder

    with open_store() as store:
        hits = finder.search(store, " ".join(words), kind=kind, limit=limit)
    if as_json:
        print_json([hit.to_dict() for hit in hits])
        return
    if not hits:
        console.print("No matches.")
        return
    from rich.padding import Padding

    for hit in hits:
        console.print(_headline(hit))
        console.print(Padding(_snippet(hit), (0, 0, 0, 2), expand=False))  # wraps indented


def _headline(hit: Hit) -> Text:
    from rich.text import Text

    line = Text()
    line.append(f"{hit.kind} {hit.id}", style="bold")
    line.append(f"  {hit.at[:10]}  ", style="dim")
    line.append(hit.title)
    return line


def _snippet(hit: Hit) -> Text:
    from rich.text import Text

    text = Text(hit.snippet.replace("\n", " "))
    for start, end in hit.highlights:
        text.stylize("bold yellow", start, end)
    return text


def register(app: typer.Typer) -> None:
    app.command("search")(search)
