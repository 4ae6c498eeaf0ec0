"""Chat export formats: one module per format, each turning bytes into `Message`s.

Every format module exposes `parse(fp: BinaryIO, *, name: str = "input") -> Iterator[Message]`
that streams, and raises `tarry.base.errors.FormatError` naming the file and line or byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

KINDS = ("message", "system", "media")


@dataclass(frozen=True)
class Reaction:
    """Who reacted to a message, with what (an emoji, or its name where the export gives one)."""

    author: str
    emoji: str


@dataclass(frozen=True)
class Ref:
    """What an export says about a message beyond its text: its own id, the id of the message it
    replies to, and the reactions on it. Ids are the export's (or, where it has none, made by
    the parser from the message's time and author) and only mean something within one chat."""

    id: str = ""
    reply_to: str = ""
    reactions: tuple[Reaction, ...] = ()


class Message(NamedTuple):
    """One parsed message. `ts` is ISO 8601 text (naive local time when the export has no zone)."""

    ts: str
    author: str
    text: str
    kind: str = "message"

    @property
    def ref(self) -> Ref | None:
        """Ids, reply and reactions: None here, set on a `Referenced` message."""
        return None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "ts": self.ts, "author": self.author, "text": self.text, "kind": self.kind,
        }  # fmt: skip
        ref = self.ref
        if ref is not None:
            data |= {"id": ref.id} if ref.id else {}
            data |= {"reply_to": ref.reply_to} if ref.reply_to else {}
            if ref.reactions:
                data["reactions"] = [{"author": r.author, "emoji": r.emoji} for r in ref.reactions]
        return data


class Referenced(Message):
    """A message that carries a `Ref` (formats with ids, replies or reactions build these). It
    is still the 4-tuple (ts, author, text, kind): code that reads only those is unchanged."""

    _ref: Ref

    def __new__(cls, ts: str, author: str, text: str, kind: str, ref: Ref) -> Referenced:
        self = super().__new__(cls, ts, author, text, kind)
        self._ref = ref
        return self

    @property
    def ref(self) -> Ref | None:
        return self._ref


def with_ref(message: Message, ref: Ref) -> Message:
    """`message` carrying `ref`, unless the ref says nothing."""
    if not (ref.id or ref.reply_to or ref.reactions):
        return message
    return Referenced(*message, ref)
