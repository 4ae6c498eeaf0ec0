"""Short forms of what a person wrote, for listings."""

from __future__ import annotations

import textwrap


def first_line(text: str, width: int = 60, placeholder: str = "...") -> str:
    """The first line of `text`, cut at a word to at most `width` characters (with
    `placeholder` where it was cut); runs of spaces read as one."""
    stripped = text.strip()
    line = stripped.splitlines()[0] if stripped else ""
    return textwrap.shorten(line, width, placeholder=placeholder)
