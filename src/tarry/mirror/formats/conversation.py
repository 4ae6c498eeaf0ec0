"""What a multi-chat export yields: conversations, each a title and a stream of messages."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple

from tarry.mirror.formats import Message

# Called with (where, reason) for each record a parser passes over, e.g. ("line 12", "no date").
SkipFn = Callable[[str, str], None]


class Conversation(NamedTuple):
    """One chat of an export. `messages` must be consumed before asking for the next one."""

    title: str
    messages: Iterator[Message]
    me: str | None = None  # the user's own author name, when the export says for certain


def ignore_skip(where: str, reason: str) -> None:
    """The default SkipFn: skipped records are only counted by callers that ask."""


def drain(messages: Iterable[Message]) -> None:
    """Consume what the caller left unread, so the stream can move to the next chat."""
    deque(messages, maxlen=0)


def title_from_name(name: str) -> str:
    """A conversation title from a file name: the stem, without folders."""
    stem = name.replace("\\", "/").rsplit("/", 1)[-1]
    return stem.rsplit(".", 1)[0] if "." in stem else stem
