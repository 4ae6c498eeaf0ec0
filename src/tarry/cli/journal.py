"""`tarry write` adds an inner-life entry (editor or stdin); `tarry entries` shows them."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape
from rich.table import Table

from tarry.cli.common import JSON_OPTION, console, open_store, print_change, print_json

entries_app = typer.Typer(help="Your inner-life entries.", no_args_is_help=True)


def write(
    prompt: str = typer.Option("", "--prompt", help="A question to write about.", metavar="TEXT"),
    tag: list[str] = typer.Option([], "--tag", "-t", help="A tag (repeatable).", metavar="TAG"),
    edit: bool = typer.Option(False, "--edit", help="Open the editor even when stdin is a pipe."),
) -> None:
    """Write an entry in $VISUAL/$EDITOR, or from stdin when it is not a terminal."""
    from tarry.reflect import journal

    with open_store() as store:
        if not prompt and sys.stdin.isatty():  # offer a prompt that follows recent life
            from tarry.prompts import inner

            top = inner.suggest(store)[0]
            console.print(f"{top.text}\n({top.reason}; --prompt sets your own)", markup=False)
            prompt = top.text
        if edit or sys.stdin.isatty():
            text = journal.compose(
                store.home, prompt, encrypted=store.encrypted, on_disk=_write_on_disk
            )
        else:
            text = journal.decode_text(sys.stdin.buffer.read(), "stdin")
        if not text.strip():
            console.print("Nothing written, so nothing was saved.")
            return
        entry = journal.write(store, text, prompt=prompt, tags=tag)
    tags = f" [{', '.join(entry.tags)}]" if entry.tags else ""
    console.print(f"Saved entry {entry.id}{tags}: {entry.title}", markup=False, soft_wrap=True)


def _write_on_disk() -> bool:
    """Asked only where the system has no memory folder and the store is encrypted."""
    return sys.stdin.isatty() and typer.confirm(
        "This system has no folder in memory: while you write, your text sits on disk"
        " unencrypted (deleted afterwards). Write anyway?",
        default=False,
    )


@entries_app.command("list")
def list_(
    tag: str = typer.Option(None, "--tag", "-t", help="Only entries with this tag.", metavar="TAG"),
    since: str = typer.Option(None, "--since", help="Only from this day or time.", metavar="TIME"),
    as_json: bool = JSON_OPTION,
) -> None:
    """List entries, newest first."""
    from tarry.base import clock
    from tarry.reflect import journal

    with open_store() as store:
        found = journal.all_entries(
            store, tag=tag, since=clock.parse(since, "since") if since else None
        )
    if as_json:
        print_json([e.to_dict() for e in found])
        return
    if not found:
        console.print(nothing_found(tag, since), markup=False, soft_wrap=True)
        return
    table = Table("id", "when", "tags", "first line")
    for e in found:
        table.add_row(
            str(e.id), f"{e.at:%Y-%m-%d %H:%M}", escape(", ".join(e.tags)), escape(e.title)
        )
    console.print(table)


def nothing_found(tag: str | None, since: str | None) -> str:
    """One line for an empty listing, naming the filters ('No entries tagged sam.')."""
    if not tag and not since:
        return "No entries yet. Write one: tarry write (or echo '...' | tarry write)."
    tagged = f" tagged {tag.strip().lstrip('#').lower()}" if tag else ""
    return f"No entries{tagged}{f' since {since}' if since else ''}."


@entries_app.command("show")
def show(
    entry_id: int = typer.Argument(..., metavar="ID", help="The entry's id."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Show one entry in full."""
    from tarry.reflect import journal

    with open_store() as store:
        entry = journal.get(store, entry_id)
    if as_json:
        print_json(entry.to_dict())
        return
    tags = f"  [{', '.join(entry.tags)}]" if entry.tags else ""
    console.print(f"[b]Entry {entry.id}[/], {entry.at:%A %Y-%m-%d %H:%M}{escape(tags)}")
    if entry.prompt:
        console.print(f"[i]{escape(entry.prompt)}[/]")
    console.print(entry.body, markup=False, soft_wrap=True)


@entries_app.command("edit")
def edit(
    entry_id: int = typer.Argument(..., metavar="ID", help="The entry's id."),
    tag: list[str] = typer.Option(
        [], "--tag", "-t", help="Its tags (repeatable; replaces them).", metavar="TAG"
    ),
    prompt: str = typer.Option(None, "--prompt", help="Replace the prompt.", metavar="TEXT"),
    text: bool = typer.Option(
        False, "--text", help="Rewrite the text too (the default when no --tag or --prompt)."
    ),
) -> None:
    """Change an entry: its text in $VISUAL/$EDITOR (or from stdin when piped), tags, prompt.

    Undo: tarry undo."""
    from tarry.reflect import journal

    rewrite = text or (not tag and prompt is None)
    with open_store() as store:
        old = journal.get(store, entry_id)
        body = None
        if rewrite and sys.stdin.isatty():
            body = journal.compose(store.home, prompt or old.prompt, encrypted=store.encrypted,
                                   on_disk=_write_on_disk, body=old.body)  # fmt: skip
        elif rewrite:
            body = journal.decode_text(sys.stdin.buffer.read(), "stdin")
        entry = journal.edit(store, entry_id, body=body, prompt=prompt, tags=tag or None)
    console.print(f"Changed entry {entry.id}: {entry.title}", markup=False, soft_wrap=True)


@entries_app.command("remove")
def remove(
    entry_id: int = typer.Argument(..., metavar="ID", help="The entry's id."),
    as_json: bool = JSON_OPTION,
) -> None:
    """Delete an entry (undo: tarry undo)."""
    from tarry.reflect import journal

    with open_store() as store:
        change = journal.remove(store, entry_id)
    print_change(change, as_json)


def register(app: typer.Typer) -> None:
    app.command("write")(write)
    app.add_typer(entries_app, name="entries")
