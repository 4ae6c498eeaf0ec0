"""Discord channels exported as JSON by DiscordChatExporter.

Only real messages (`Default`, `Reply`, commands) count as `message`; calls, renames, pins,
joins and other events become `system`. A message with attachments or stickers is `media`,
its text the content or else the file names; a forward's text is under `forwardedMessage`
(newer exports). Times carry an offset and become UTC. Each message keeps its id, the id of the
message it replies to (`reference`, on a `Reply`) and who reacted with what (`reactions[].users`,
newer exports); a message id seen twice (exports joined or re-run) is read once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from tarry.base.errors import FormatError
from tarry.base.source import Source
from tarry.mirror.formats import Message, Reaction, Ref, with_ref
from tarry.mirror.formats.contract import Format, Reading, by_content
from tarry.mirror.formats.conversation import (
    Conversation,
    SkipFn,
    drain,
    ignore_skip,
    title_from_name,
)
from tarry.mirror.formats.jsonstream import JsonStream, list_of, need_dict, text_of
from tarry.mirror.formats.timestamps import from_iso

REAL_TYPES = {"Default", "Reply", "ChatInputCommand", "ContextMenuCommand", "ThreadStarterMessage"}
SNIFF = re.compile(rb'"(guild|channel)"\s*:\s*\{')


def sniff(head: bytes) -> bool:
    """DiscordChatExporter writes `"guild": {...}, "channel": {...}` before the messages."""
    return len(SNIFF.findall(head[:8192])) >= 2


def conversations(
    fp: BinaryIO, *, name: str = "input", chat: str | None = None, on_skip: SkipFn = ignore_skip
) -> Iterator[Conversation]:
    """The one channel of the export, titled `guild / channel`."""
    stream = JsonStream(fp, name)
    if stream.peek() != "{":
        raise stream.error("expected a DiscordChatExporter JSON export (a JSON object)")
    names: dict[str, str] = {}
    found = False
    for key in stream.members():
        if key in ("guild", "channel"):
            value = stream.value()
            names[key] = text_of(value.get("name")) if isinstance(value, dict) else ""
        elif key == "messages":
            found = True
            title = " / ".join(n for n in (names.get("guild"), names.get("channel")) if n)
            conversation = Conversation(title or title_from_name(name), _messages(stream, on_skip))
            if chat is None or conversation.title.casefold() == chat.casefold():
                yield conversation
            drain(conversation.messages)
        else:
            stream.value()
    stream.end()
    if not found:
        raise FormatError(
            "this JSON has no `messages` array",
            path=name,
            hint="Export the channel with DiscordChatExporter using the JSON format.",
        )


def _messages(stream: JsonStream, on_skip: SkipFn) -> Iterator[Message]:
    if stream.peek() != "[":
        raise stream.error("expected `messages` to be a JSON array")
    seen: set[str] = set()
    for index, item in enumerate(stream.items()):
        raw = need_dict(item, stream, "message")
        ident = text_of(raw.get("id"))
        if ident and ident in seen:
            on_skip(f"message {ident}", "the same message id again (read once)")
            continue
        seen.add(ident)
        message = to_message(raw)
        if message is None:
            on_skip(f"message {ident or index + 1}", "no readable timestamp")
        else:
            yield message


def to_message(raw: dict[str, Any]) -> Message | None:
    """One exported message (None when its timestamp is unreadable)."""
    stamp = raw.get("timestamp")
    ts = from_iso(stamp) if isinstance(stamp, str) else None
    if ts is None:
        return None
    author = _author(raw.get("author"))
    text = text_of(raw.get("content"))
    kind = text_of(raw.get("type"))
    if kind not in REAL_TYPES:
        return Message(ts, author, text or kind, "system")
    forwarded = raw.get("forwardedMessage")
    if isinstance(forwarded, dict):
        text = text or text_of(forwarded.get("content"))
        raw = {**forwarded, **{k: v for k, v in raw.items() if v}}
    files = _files(raw)
    message = Message(ts, author, text or ", ".join(files), "media" if files else "message")
    return with_ref(message, _ref(raw, kind, forwarded is not None))


def _ref(raw: dict[str, Any], kind: str, forward: bool) -> Ref:
    """The message's id, what it replies to, and who reacted with what."""
    reference = raw.get("reference")
    reply_to = ""
    if kind == "Reply" and not forward and isinstance(reference, dict):
        reply_to = text_of(reference.get("messageId"))
    reactions = []
    for reaction in list_of(raw.get("reactions")):
        if not isinstance(reaction, dict):
            continue
        emoji = _emoji(reaction.get("emoji"))
        for user in list_of(reaction.get("users")):
            if emoji and isinstance(user, dict):
                reactions.append(Reaction(_author(user), emoji))
    return Ref(text_of(raw.get("id")), reply_to, tuple(dict.fromkeys(reactions)))


def _emoji(emoji: Any) -> str:
    """A Unicode emoji as itself; a custom one by its name."""
    if not isinstance(emoji, dict):
        return text_of(emoji)
    return text_of(emoji.get("name")) or text_of(emoji.get("code"))


def _author(author: Any) -> str:
    if not isinstance(author, dict):
        return "Unknown"
    return text_of(author.get("nickname")) or text_of(author.get("name")) or "Unknown"


def _files(raw: dict[str, Any]) -> list[str]:
    names = []
    for key, field in (("attachments", "fileName"), ("stickers", "name")):
        names += [
            text_of(i.get(field)) or key for i in list_of(raw.get(key)) if isinstance(i, dict)
        ]
    return names


def _open(source: Source, fp: BinaryIO, reading: Reading) -> Iterator[Conversation]:
    return conversations(fp, name=str(source), chat=reading.chat, on_skip=reading.on_skip)


FORMATS = (
    Format("discord", "Discord JSON from DiscordChatExporter", by_content(sniff), _open, ()),
)
