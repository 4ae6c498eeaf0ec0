"""Chat export formats: one module per format, each turning bytes into `Message`s.

Every format module exposes `parse(fp: BinaryIO, *, name: str = "input") -> Iterator[Message]`
that streams, and raises `tarry.base.errors.FormatError` naming the file and line or byte.
"""

from __future__ import annotations

from typing import NamedTuple

KINDS = ("message", "system", "media")


class Message(NamedTuple):
    """One parsed message. `ts` is ISO 8601 text (naive local time when the export has no zone)."""

    ts: str
    author: str
    text: str
    kind: str = "message"

    def to_dict(self) -> dict[str, str]:
        return {"ts": self.ts, "author": self.author, "text": self.text, "kind": self.kind}
