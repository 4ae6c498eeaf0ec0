"""Telegram Desktop JSON exports: one chat (`result.json`) or the whole account (`chats.list[]`).

`text` is a string or an array of strings and entities; `text_entities` (newer exports) wins
when present. Times come from `date_unixtime` (UTC) or, in older exports, `date` (local wall
time, kept naive). Service messages become `system`; photos, files, stickers, voice and video
become `media` with their caption, or the media type when there is none.
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
from tarry.mirror.formats.timestamps import from_iso, from_unix

MEDIA_KEYS = ("photo", "file", "media_type", "sticker_emoji", "location_information", "poll")
# Messages that are a thing rather than words: shown as "[location]" and the like.
THINGS = ("contact_information", "location_information", "place_name", "poll", "dice", "game")
CHAT_TYPES = re.compile(
    rb'"type"\s*:\s*"(personal_chat|private_group|public_group|public_supergroup'
    rb'|private_supergroup|public_channel|private_channel|saved_messages|bot_chat)"'
)
CHAT_LISTS = ("chats", "left_chats")


def sniff(head: bytes) -> bool:
    """Telegram exports start with a chat (`"name"`, `"type"`, `"id"`) or the account's
    `"about"`; older Desktop versions write no `date_unixtime`."""
    if b'"date_unixtime"' in head[:8192] or b'"personal_information"' in head[:8192]:
        return True
    return CHAT_TYPES.search(head[:4096]) is not None and b'"messages"' in head


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
    if any(key in raw for key in THINGS):
        message = Message(ts, author, _thing(raw, text), "media")
    elif any(key in raw for key in MEDIA_KEYS):
        message = Message(ts, author, text or _media_label(raw), "media")
    else:
        message = Message(ts, author, text, "message")
    return with_ref(message, _ref(raw))


def _thing(raw: dict[str, Any], text: str) -> str:
    """A contact, place, poll or die as readable text: "[location]", "[poll] Pizza?"."""
    if "contact_information" in raw:
        info = raw["contact_information"] if isinstance(raw["contact_information"], dict) else {}
        name = f"{text_of(info.get('first_name'))} {text_of(info.get('last_name'))}".strip()
        label = f"[contact] {name}".strip()
    elif "place_name" in raw:
        place = ", ".join(p for p in (text_of(raw["place_name"]), text_of(raw.get("address"))) if p)
        label = f"[venue] {place}".strip()
    elif "poll" in raw:
        poll = raw["poll"] if isinstance(raw["poll"], dict) else {}
        label = f"[poll] {text_of(poll.get('question'))}".strip()
    elif "dice" in raw:
        dice = raw["dice"] if isinstance(raw["dice"], dict) else {}
        label = f"[dice] {text_of(dice.get('emoji'))} {text_of(dice.get('value'))}".strip()
    elif "game" in raw or "game_title" in raw:
        label = f"[game] {text_of(raw.get('game_title'))}".strip()
    else:
        label = "[live location]" if "live_location_period_seconds" in raw else "[location]"
    return f"{label}\n{text}" if text else label


def _ref(raw: dict[str, Any]) -> Ref:
    """The message's id, what it replies to, and who reacted (newer exports list them)."""
    reactions = []
    for reaction in list_of(raw.get("reactions")):
        if not isinstance(reaction, dict):
            continue
        emoji = text_of(reaction.get("emoji")) or text_of(reaction.get("document_id"))
        for recent in list_of(reaction.get("recent")):
            if isinstance(recent, dict) and emoji and text_of(recent.get("from")):
                reactions.append(Reaction(text_of(recent.get("from")), emoji))
    reply = raw.get("reply_to_message_id")
    return Ref(text_of(raw.get("id")), text_of(reply) if reply else "", tuple(reactions))


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
