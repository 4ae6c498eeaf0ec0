"""Telegram Desktop JSON exports: one chat (`result.json`) or the whole account (`chats.list[]`).

`text` is a string or an array of strings and entities; `text_entities` (newer exports) wins
when present. Times come from `date_unixtime` (UTC) or, in older exports, `date` (local wall
time, kept naive). Service messages become `system`; photos, files, stickers, voice and video
become `media` with their caption, or the media type when there is none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from tarry.base.errors import FormatError
from tarry.base.source import Source
from tarry.mirror.formats import Message
from tarry.mirror.formats.contract import Format, Reading, by_content
from tarry.mirror.formats.conversation import (
    Conversation,
    SkipFn,
    drain,
    ignore_skip,
    title_from_name,
)
from tarry.mirror.formats.jsonstream import JsonStream, need_dict, text_of
from tarry.mirror.formats.timestamps import from_iso, from_unix

MEDIA_KEYS = ("photo", "file", "media_type", "sticker_emoji", "location_information", "poll")
CHAT_LISTS = ("chats", "left_chats")


def sniff(head: bytes) -> bool:
    """Telegram exports start with a chat (`"name"`, `"type"`) or the account's `"about"`."""
    text = head[:4096].decode("utf-8", "ignore")
    if '"date_unixtime"' in text or '"personal_information"' in text:
        return True
    return '"type": "personal_chat"' in text or '"type": "private_group"' in text


def conversations(
    fp: BinaryIO, *, name: str = "input", chat: str | None = None, on_skip: SkipFn = ignore_skip
) -> Iterator[Conversation]:
    """The chats of the export, each streamed; `chat` picks one by name (case-insensitive)."""
    stream = JsonStream(fp, name)
    if stream.peek() != "{":
        raise stream.error("expected a Telegram export (a JSON object)")
    seen: list[str] = []
    me: str | None = None
    title = ""
    found_messages = False
    for key in stream.members():
        if key == "messages":
            found_messages = True
            single = Conversation(title or title_from_name(name), _messages(stream, on_skip))
            yield from _pick(single, chat, seen)
        elif key == "personal_information":
            me = _own_name(stream.value())
        elif key in CHAT_LISTS:
            found_messages = True
            yield from _chat_list(stream, chat, seen, me, on_skip)
        elif key == "name":
            title = text_of(stream.value())
        else:
            stream.value()
    stream.end()
    _check_found(found_messages, chat, seen, name)


def _check_found(found: bool, chat: str | None, seen: list[str], name: str) -> None:
    if not found:
        raise FormatError(
            "this JSON has no Telegram messages (no `messages` or `chats` key)",
            path=name,
            hint="Export from Telegram Desktop: Settings > Advanced > Export Telegram data, JSON.",
        )
    if chat is not None and not any(t.casefold() == chat.casefold() for t in seen):
        raise FormatError(
            f"no chat named {chat!r} in this export",
            path=name,
            hint=f"Chats in it: {', '.join(sorted(seen)) or 'none'}.",
        )


def _pick(conversation: Conversation, chat: str | None, seen: list[str]) -> Iterator[Conversation]:
    seen.append(conversation.title)
    if chat is None or conversation.title.casefold() == chat.casefold():
        yield conversation
    drain(conversation.messages)


def _own_name(info: Any) -> str | None:
    if not isinstance(info, dict):
        return None
    full = f"{text_of(info.get('first_name'))} {text_of(info.get('last_name'))}".strip()
    return full or None


def _chat_list(
    stream: JsonStream, chat: str | None, seen: list[str], me: str | None, on_skip: SkipFn
) -> Iterator[Conversation]:
    """`"chats": {"about": ..., "list": [chat, ...]}`: stream each chat's messages."""
    if stream.peek() != "{":
        stream.value()
        return
    for key in stream.members():
        if key != "list" or stream.peek() != "[":
            stream.value()
            continue
        stream.expect("[")
        if stream.peek() == "]":
            stream.pos += 1
            continue
        while True:
            yield from _one_chat(stream, chat, seen, me, on_skip)
            if stream.peek() == "]":
                stream.pos += 1
                break
            stream.expect(",")


def _one_chat(
    stream: JsonStream, chat: str | None, seen: list[str], me: str | None, on_skip: SkipFn
) -> Iterator[Conversation]:
    title = ""
    fields: dict[str, Any] = {}
    for key in stream.members():
        if key == "messages":
            title = title or _chat_title(fields)
            conversation = Conversation(title, _messages(stream, on_skip), me)
            yield from _pick(conversation, chat, seen)
        else:
            fields[key] = stream.value()
            if key == "name":
                title = text_of(fields[key])


def _chat_title(fields: dict[str, Any]) -> str:
    if fields.get("type") == "saved_messages":
        return "Saved Messages"
    return f"{text_of(fields.get('type')) or 'chat'} {text_of(fields.get('id'))}".strip()


def _messages(stream: JsonStream, on_skip: SkipFn) -> Iterator[Message]:
    if stream.peek() != "[":
        raise stream.error("expected `messages` to be a JSON array")
    for index, item in enumerate(stream.items()):
        raw = need_dict(item, stream, "message")
        message = to_message(raw)
        if message is None:
            on_skip(f"message {raw.get('id', index + 1)}", "no readable date")
        else:
            yield message


def to_message(raw: dict[str, Any]) -> Message | None:
    """One Telegram message object as a Message (None when it has no readable date)."""
    ts = _time(raw)
    if ts is None:
        return None
    text = flatten(raw.get("text_entities", raw.get("text")))
    if raw.get("type") == "service":
        author = text_of(raw.get("actor") or raw.get("from"))
        return Message(ts, author, _service_text(raw, text), "system")
    author = text_of(raw.get("from")) or text_of(raw.get("from_id")) or "Deleted Account"
    if any(key in raw for key in MEDIA_KEYS):
        return Message(ts, author, text or _media_label(raw), "media")
    return Message(ts, author, text, "message")


def _time(raw: dict[str, Any]) -> str | None:
    unix = raw.get("date_unixtime")
    if isinstance(unix, str | int) and not isinstance(unix, bool):
        try:
            return from_unix(int(unix))
        except ValueError:
            return None
    date = raw.get("date")
    return from_iso(date) if isinstance(date, str) else None


def flatten(text: Any) -> str:
    """`text` as a string, or an array of strings and `{"type", "text"}` entities, joined."""
    if isinstance(text, str):
        return text
    if not isinstance(text, list):
        return ""
    parts = []
    for part in text:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict):
            parts.append(text_of(part.get("text")))
    return "".join(parts)


def _service_text(raw: dict[str, Any], text: str) -> str:
    parts = [text_of(raw.get("action")) or "service"]
    for key in ("title", "members", "discard_reason", "duration_seconds"):
        value = raw.get(key)
        if isinstance(value, list):
            value = ", ".join(text_of(v) for v in value)
        if value not in (None, ""):
            parts.append(text_of(value))
    if text:
        parts.append(text)
    if len(parts) == 1:
        return parts[0]
    return f"{parts[0]}: {' '.join(parts[1:])}"


def _media_label(raw: dict[str, Any]) -> str:
    if "sticker_emoji" in raw:
        return f"sticker {text_of(raw['sticker_emoji'])}".strip()
    if "media_type" in raw:
        return text_of(raw["media_type"])
    if "photo" in raw:
        return "photo"
    return text_of(raw.get("file_name")) or "file"


def _open(source: Source, fp: BinaryIO, reading: Reading) -> Iterator[Conversation]:
    return conversations(fp, name=str(source), chat=reading.chat, on_skip=reading.on_skip)


FORMATS = (
    Format(
        "telegram",
        "Telegram Desktop JSON (one chat or the whole account)",
        by_content(sniff),
        _open,
        (),
    ),
)
