"""Limits on untrusted chat text: no real export comes near them, a hostile file hits them fast."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

from tarry.base.errors import FormatError

# Characters in one line (line end included) or one WhatsApp message. Chat apps cap a message
# far below this (WhatsApp at ~65,000 characters), so a longer one is damage or an attack; the
# readers stop after reading this much without a newline instead of buffering an endless line.
MAX_LINE = 16 << 20


def too_long(name: str, line: int, what: str = "line") -> FormatError:
    return FormatError(
        f"the {what} starting here is longer than {MAX_LINE >> 20} million characters"
        " (no real chat message is)",
        path=name,
        line=line,
        hint="The file is damaged or not a chat export: export the chat again, or remove that "
        "line and import again.",
    )


def bounded_lines(text: TextIO, name: str) -> Iterator[str]:
    """The lines of `text`, line ends kept, each read with a bound: a longer one is refused."""
    number = 0
    while line := text.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise too_long(name, number)
        yield line
