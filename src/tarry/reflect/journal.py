"""Entries: the inner-life journal. Text from $VISUAL / $EDITOR or stdin, an optional prompt, tags.

The editor works on a private (0600) file in memory (`tarry.base.scratch`), deleted afterwards
whatever happens; vim and neovim are told to keep no swap file and no history of what was typed.
Where the system has no memory folder, the file goes in the private home, and for an encrypted
store only once the person agrees: their text is on disk, unencrypted, while they write.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tarry.base import clock, scratch
from tarry.base.errors import FormatError, InvalidInput, NotFound, Step
from tarry.base.text import first_line
from tarry.store import Store, undo

HEADER_MARK = "# | "  # lines starting with this are instructions, removed from the entry
FALLBACK_EDITORS = ("sensible-editor", "nano", "vi")
# vim and neovim keep a swap file (neovim's on disk, in ~/.local/state) and a history of what was
# typed and yanked (viminfo, shada) unless told not to.
VIM_NAMES = ("vim", "nvim", "gvim", "mvim")
VIM_PRIVATE = ("-n", "-i", "NONE")
DRAFT_PREFIX = "entry-"


@dataclass
class Entry:
    id: int
    at: datetime
    prompt: str
    body: str
    tags: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """The first line of the body, shortened, for listings."""
        return first_line(self.body)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "prompt": self.prompt,
            "body": self.body,
            "tags": self.tags,
        }


def normalise_tags(tags: Iterable[str]) -> list[str]:
    """Lower-case tags without '#', in order, each once ('Work, #sleep' -> work, sleep)."""
    found: list[str] = []
    for tag in tags:
        for part in tag.split(","):
            clean = part.strip().lstrip("#").strip().lower()
            if clean and clean not in found:
                found.append(clean)
    return found


def write(
    store: Store,
    body: str,
    *,
    prompt: str = "",
    tags: Iterable[str] = (),
    at: datetime | None = None,
) -> Entry:
    """Save an entry; an empty body is refused (nothing is written)."""
    body = body.strip()
    if not body:
        raise InvalidInput("The entry is empty; nothing was saved.", field="body")
    with store.tx():
        cur = store.execute(
            "INSERT INTO entries (at, prompt, body) VALUES (?, ?, ?)",
            (clock.to_text(at or clock.now()), prompt.strip(), body),
        )
        entry_id = int(cur.lastrowid or 0)
        store.conn.executemany(
            "INSERT INTO entry_tags (entry_id, tag) VALUES (?, ?)",
            [(entry_id, tag) for tag in normalise_tags(tags)],
        )
    return get(store, entry_id)


SELECT = """
SELECT e.*, (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM entry_tags
    WHERE entry_id = e.id ORDER BY tag)) AS tags
FROM entries e
"""


def _from_row(row: Any) -> Entry:
    tags = row["tags"].split("\x1f") if row["tags"] else []
    return Entry(row["id"], clock.from_text(row["at"]), row["prompt"], row["body"], tags)


def get(store: Store, entry_id: int) -> Entry:
    row = store.one(SELECT + " WHERE e.id = ?", (entry_id,))
    if row is None:
        raise NotFound(f"No entry with id {entry_id}.", step=Step.LIST_ENTRIES)
    return _from_row(row)


def all_entries(
    store: Store, *, tag: str | None = None, since: datetime | None = None
) -> list[Entry]:
    """Entries, newest first, optionally with one tag and from `since`."""
    where, params = ["1"], []
    if tag:
        where.append("e.id IN (SELECT entry_id FROM entry_tags WHERE tag = ?)")
        params.append((normalise_tags([tag]) or [tag])[0])
    if since is not None:
        where.append("e.at >= ?")
        params.append(clock.to_text(since))
    sql = SELECT + f" WHERE {' AND '.join(where)} ORDER BY e.at DESC, e.id DESC"
    return [_from_row(row) for row in store.query(sql, params)]


def summary(entry: Entry) -> str:
    return f"entry {entry.id}, {entry.at:%a %d %b}: {entry.title}"


def edit(
    store: Store,
    entry_id: int,
    *,
    body: str | None = None,
    prompt: str | None = None,
    tags: Iterable[str] | None = None,
    at: datetime | None = None,
) -> Entry:
    """Change what is given (None keeps it); an empty body is refused; undoable. Search
    follows (the index is kept by the table's triggers)."""
    old = get(store, entry_id)
    if body is not None and not body.strip():
        raise InvalidInput(
            "The entry would be empty; nothing was changed.",
            "Delete the entry instead, if that is what you mean.",
            field="body",
        )
    with store.tx():
        before = undo.edit(store, "entries", entry_id, ("entry_tags",))
        store.execute(
            "UPDATE entries SET body = ?, prompt = ?, at = ? WHERE id = ?",
            ((body if body is not None else old.body).strip(),
             (prompt if prompt is not None else old.prompt).strip(),
             clock.to_text(at or old.at), entry_id),
        )  # fmt: skip
        if tags is not None:
            store.execute("DELETE FROM entry_tags WHERE entry_id = ?", (entry_id,))
            store.conn.executemany(
                "INSERT INTO entry_tags (entry_id, tag) VALUES (?, ?)",
                [(entry_id, tag) for tag in normalise_tags(tags)],
            )
        undo.record_edit(store, "entry", entry_id, summary(old), before)
    return get(store, entry_id)


def remove(store: Store, entry_id: int) -> undo.Change:
    """Delete an entry (it leaves search at once); undoable for undo.UNDO_DAYS days."""
    return undo.delete(store, "entry", "entries", entry_id, summary(get(store, entry_id)))


def decode_text(data: bytes, source: str) -> str:
    """UTF-8 text from `data`; FormatError naming the offset of the first byte that is not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start});"
            " nothing was saved.",
            path=source,
            byte=exc.start,
            hint="Save the text as UTF-8 and try again, e.g. iconv -f latin1 -t utf-8 FILE.",
        ) from exc


# Composing in an editor -----------------------------------------------------------------------


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, else the first of sensible-editor, nano, vi found."""
    for name in ("VISUAL", "EDITOR"):
        value = os.environ.get(name, "").strip()
        if value:
            return private(shlex.split(value))
    for fallback in FALLBACK_EDITORS:
        if shutil.which(fallback):
            return private([fallback])
    raise InvalidInput(
        "No editor found to write in.",
        "Set $EDITOR (e.g. export EDITOR=nano).",
        step=Step.WRITE_PIPED,
    )


def private(command: list[str]) -> list[str]:
    """The command, with vim's or neovim's flags for no swap file and no viminfo/shada."""
    found = shutil.which(command[0]) if command else None
    real = Path(os.path.realpath(found)).name if found else ""
    if real.startswith(VIM_NAMES) or Path(command[0]).name.startswith(VIM_NAMES):
        return [command[0], *VIM_PRIVATE, *command[1:]]
    return command


def template(prompt: str, body: str = "") -> str:
    """The text the editor opens with: the prompt and a line of help, marked for removal, then
    `body` (an entry being edited)."""
    lines = [f"{HEADER_MARK}{line}" for line in textwrap.wrap(prompt, 90)] if prompt else []
    lines.append(
        f"{HEADER_MARK}Write below. Lines starting with '{HEADER_MARK.strip()}' are removed."
    )
    return "\n".join(lines) + "\n\n" + (body.strip() + "\n" if body.strip() else "")


def strip_template(text: str) -> str:
    return "\n".join(ln for ln in text.splitlines() if not ln.startswith(HEADER_MARK.rstrip()))


def compose(
    home: Path,
    prompt: str = "",
    *,
    encrypted: bool = False,
    on_disk: Callable[[], bool] = bool,
    body: str = "",
) -> str:
    """Open the editor on a private file in memory; return what was written.

    Where there is no memory folder, the file goes in `home`; for an encrypted store only if
    `on_disk()` (asked then, and only then) says yes. `body` is the text to start from.
    """
    command = editor_command()
    handle, path = scratch.new_file(draft_folder(home, encrypted, on_disk), DRAFT_PREFIX, ".md")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as fp:
            fp.write(template(prompt, body))
        _edit(command, path)
        return strip_template(decode_text(path.read_bytes(), "the editor's file")).strip()
    finally:
        path.unlink(missing_ok=True)


def draft_folder(home: Path, encrypted: bool, on_disk: Callable[[], bool]) -> Path:
    folder = scratch.memory_folder()
    if folder is not None:
        return folder
    if encrypted and not on_disk():
        raise InvalidInput(
            "This system has no folder in memory, so your text would sit on disk unencrypted"
            " while you write; nothing was written.",
            "Set TARRY_MEMORY_DIR to a folder on a RAM disk.",
            step=Step.WRITE_PIPED,
        )
    return home


def _edit(command: list[str], path: Path) -> None:
    try:
        result = subprocess.run([*command, str(path)], check=False)
    except OSError as exc:
        raise InvalidInput(
            f"Cannot start the editor {command[0]!r}: {exc.strerror}.",
            "Set $EDITOR to an editor on your PATH, e.g. export EDITOR=nano.",
        ) from exc
    if result.returncode != 0:
        raise InvalidInput(
            f"The editor ({' '.join(command)}) exited with status {result.returncode};"
            " nothing was saved.",
            "Check $EDITOR.",
            step=Step.WRITE_PIPED,
        )
