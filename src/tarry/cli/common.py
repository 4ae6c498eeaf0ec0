"""What every command shares: the store it works on, JSON output, the console."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.text import Text

from tarry.base.errors import InvalidInput
from tarry.base.home import Home

if TYPE_CHECKING:  # the store (SQLCipher, key derivation) is loaded by the commands that open it
    from tarry.store import Store
    from tarry.store.unlock import Unlocker

# Control characters in text (but tab and newline): shown as the Unicode control pictures
# ("␛", "␇", "␡"), C1 controls as "�". A name or an imported message never reaches the
# terminal as an escape sequence (a colour, a new window title, a cleared screen).
SHOWN_CONTROLS = {
    **{code: chr(0x2400 + code) for code in range(0x20) if chr(code) not in "\t\n"},
    0x7F: "\u2421",
    **dict.fromkeys(range(0x80, 0xA0), "\ufffd"),
}


class TextConsole(Console):
    """Rich's console, printing the text it is given as text: control characters shown
    (SHOWN_CONTROLS), in strings and in the text of anything it renders. Rich's own styling is
    kept apart from the text (segments' styles and control codes), and is unchanged."""

    # Strings are made visible before Rich reads them, so tables measure the width shown; a
    # Text made elsewhere is made visible as it is rendered.
    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(text.translate(SHOWN_CONTROLS), **options)

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterator[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and not segment.text.isprintable():
                text = segment.text.translate(SHOWN_CONTROLS)
                segment = Segment(text, segment.style, segment.control)
            yield segment


console = TextConsole(highlight=False)
err_console = TextConsole(stderr=True, highlight=False)

JSON_OPTION = typer.Option(False, "--json", help="Print JSON instead of a table.")


@dataclass
class State:
    """Global options, set by the root callback."""

    home_option: str | None = None  # --home as given
    debug: bool = False
    passphrase_file: str | None = None

    def start(self, home: str | None, *, debug: bool, passphrase_file: str | None) -> None:
        """A new command line: its global options."""
        self.home_option, self.debug, self.passphrase_file = home, debug, passphrase_file

    @property
    def home(self) -> Home:
        """The home this command works on (--home, TARRY_HOME, the default), looked up here,
        at the edge; the library receives it."""
        return Home.resolve(self.home_option)


state = State()


def open_store() -> Store:
    """Open the store of the current --home (creating it on first use), unlocking it if needed."""
    from tarry.store import Store

    return Store.open(state.home, unlocker=unlocker())


def unlocker() -> Unlocker:
    """How this command unlocks: --passphrase-file, TARRY_PASSPHRASE, keyring, or a prompt."""
    from tarry.store.unlock import Unlocker

    file = Path(state.passphrase_file) if state.passphrase_file else None
    return Unlocker(passphrase_file=file, prompt=ask_secret if sys.stdin.isatty() else None)


def ask_secret(text: str, *, confirm: bool = False) -> str:
    """Ask for a passphrase on the terminal itself (/dev/tty), never on stdout, without echo.

    stdout may be a file or a pipe (`tarry people list --json > out.json`, `tarry review | head`):
    the prompt must neither land in it nor wait unseen behind it. `confirm` asks twice.
    """
    import getpass

    for _ in range(3):
        answer = getpass.getpass(f"{text}: ")
        if not confirm or getpass.getpass("Repeat for confirmation: ") == answer:
            return answer
        err_console.print("The two entries differ; type it again.")
    raise InvalidInput("The two entries differed three times; nothing was changed.")


def warn_plain_text(encrypted: bool, what: str) -> None:
    """After writing a file on request: from an encrypted store, say the file is not encrypted."""
    if encrypted:
        err_console.print(f"{what} is plain text, not encrypted: keep it somewhere safe.")


def print_json(data: Any) -> None:
    """Write JSON to stdout: UTF-8, stable key order as given, one document."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_change(change: Any, as_json: bool = False) -> None:
    """A change that can be undone, and how: 'Deleted moment 3 ... Undo: tarry undo.'"""
    from tarry.store.undo import UNDO_DAYS

    if as_json:
        print_json(change.to_dict())
        return
    console.print(
        f"{change.describe()}. Undo within {UNDO_DAYS} days: tarry undo {change.id}.",
        markup=False,
        soft_wrap=True,
    )
