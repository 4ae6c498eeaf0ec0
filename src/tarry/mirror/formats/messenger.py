"""Facebook Messenger and Instagram JSON exports ("Download your information").

A thread is split over `message_1.json`, `message_2.json`, ... newest first; they are merged and
sorted oldest first. Input: one file, a folder or a zip (each folder holding `message_*.json` is
one conversation). Facebook writes UTF-8 bytes as Latin-1 escapes ("Ã©" for "é"); a string is
repaired only where it decodes cleanly as UTF-8, so text that was right stays as it was.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from tarry.base.errors import FormatError
from tarry.base.source import Source
from tarry.mirror.formats import Message
from tarry.mirror.formats.contract import Format, Probe, Reading
from tarry.mirror.formats.conversation import Conversation, SkipFn, ignore_skip, title_from_name
from tarry.mirror.formats.jsonstream import JsonStream, need_dict, text_of
from tarry.mirror.formats.timestamps import from_unix

PART = re.compile(r"(^|/)message_\d+\.json$")
MEDIA_KEYS = ("photos", "videos", "audio_files", "gifs", "files", "sticker")
SYSTEM_TYPES = {"Call", "Subscribe", "Unsubscribe"}
SNIFF = re.compile(rb'"(sender_name|timestamp_ms)"\s*:')
HINT = "Download your information from Facebook or Instagram in JSON format, not HTML."


def sniff(head: bytes) -> bool:
    return bool(SNIFF.search(head[:65536]))


def fix_mojibake(text: str) -> str:
    """Undo Facebook's Latin-1 escaping of UTF-8, only where the result is valid UTF-8."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


def conversations(
    fp: BinaryIO, *, name: str = "input", chat: str | None = None, on_skip: SkipFn = ignore_skip
) -> Iterator[Conversation]:
    """One file, or a zip holding one or more threads."""
    if fp.read(4) == b"PK\x03\x04":
        fp.seek(0)
        yield from _from_zip(fp, name, chat, on_skip)
        return
    fp.seek(0)
    thread = Thread(name)
    thread.add(fp, name, on_skip)
    yield from _chosen([thread], chat)


def conversations_in_folder(
    folder: Path, *, chat: str | None = None, on_skip: SkipFn = ignore_skip
) -> Iterator[Conversation]:
    """Every thread under `folder` (a thread's folder, an inbox or a whole export)."""
    groups: dict[str, list[Path]] = {}
    for path in sorted(folder.rglob("message_*.json")):
        groups.setdefault(str(path.parent), []).append(path)
    threads = []
    for parent, paths in groups.items():
        thread = Thread(parent)
        for path in paths:
            with path.open("rb") as fp:
                thread.add(fp, str(path), on_skip)
        threads.append(thread)
    _require(threads, str(folder))
    yield from _chosen(threads, chat)


def _from_zip(fp: BinaryIO, name: str, chat: str | None, on_skip: SkipFn) -> Iterator[Conversation]:
    try:
        archive = zipfile.ZipFile(fp)
        members = [m for m in archive.namelist() if PART.search(m)]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FormatError(f"cannot read the zip ({exc})", path=name, hint=HINT) from exc
    groups: dict[str, list[str]] = {}
    for member in sorted(members):
        groups.setdefault(str(PurePosixPath(member).parent), []).append(member)
    threads = []
    for parent, parts in groups.items():
        thread = Thread(f"{name}/{parent}")
        for member in parts:
            with _open_member(archive, member, name) as part:
                thread.add(part, f"{name}/{member}", on_skip)
        threads.append(thread)
    _require(threads, name)
    yield from _chosen(threads, chat)


def _open_member(archive: zipfile.ZipFile, member: str, name: str) -> BinaryIO:
    try:
        return archive.open(member)  # type: ignore[return-value]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise FormatError(f"cannot read {member} in the zip ({exc})", path=name) from exc


def _require(threads: list[Thread], name: str) -> None:
    if not threads:
        raise FormatError("no message_*.json files found", path=name, hint=HINT)


def _chosen(threads: Iterable[Thread], chat: str | None) -> Iterator[Conversation]:
    titles = []
    for thread in threads:
        titles.append(thread.title)
        if chat is None or thread.title.casefold() == chat.casefold():
            yield Conversation(thread.title, iter(thread.sorted_messages()))
    if chat is not None and not any(t.casefold() == chat.casefold() for t in titles):
        raise FormatError(
            f"no conversation titled {chat!r}", hint=f"Titles: {', '.join(sorted(titles))}."
        )


class Thread:
    """The parts of one thread, merged."""

    def __init__(self, name: str) -> None:
        self.fallback = title_from_name(name.rstrip("/"))
        self.named = ""
        self.messages: list[tuple[int, int, Message]] = []

    def add(self, fp: BinaryIO, name: str, on_skip: SkipFn) -> None:
        stream = JsonStream(fp, name)
        if stream.peek() != "{":
            raise stream.error("expected a Messenger export (a JSON object)")
        found = False
        for key in stream.members():
            if key == "title":
                title = fix_mojibake(text_of(stream.value()))
                self.named = self.named or title
            elif key == "messages" and stream.peek() == "[":
                found = True
                self._read(stream, name, on_skip)
            else:
                stream.value()
        stream.end()
        if not found:
            raise FormatError("this JSON has no `messages` array", path=name, hint=HINT)

    def _read(self, stream: JsonStream, name: str, on_skip: SkipFn) -> None:
        for index, item in enumerate(stream.items()):
            raw = need_dict(item, stream, "message")
            stamp = raw.get("timestamp_ms")
            message = to_message(raw)
            if message is None or not isinstance(stamp, int):
                on_skip(f"{name}, message {index + 1}", "no readable timestamp_ms")
                continue
            self.messages.append((stamp, len(self.messages), message))

    @property
    def title(self) -> str:
        return self.named or self.fallback

    def sorted_messages(self) -> list[Message]:
        return [m for _, _, m in sorted(self.messages, key=lambda t: (t[0], -t[1]))]


def to_message(raw: dict[str, Any]) -> Message | None:
    """One Messenger/Instagram message (None without a usable `timestamp_ms`)."""
    stamp = raw.get("timestamp_ms")
    if not isinstance(stamp, int) or isinstance(stamp, bool):
        return None
    ts = from_unix(stamp / 1000)
    if ts is None:
        return None
    author = fix_mojibake(text_of(raw.get("sender_name"))) or "Unknown"
    text = fix_mojibake(text_of(raw.get("content")))
    kind = raw.get("type")
    if (isinstance(kind, str) and kind in SYSTEM_TYPES) or raw.get("is_unsent") is True:
        return Message(ts, author, text or text_of(raw.get("type")), "system")
    media = [key for key in MEDIA_KEYS if raw.get(key)]
    if media:
        return Message(ts, author, text or media[0], "media")
    return Message(ts, author, text, "message")


def _sniff(probe: Probe) -> bool:
    """A message_N.json, or a zip or folder holding them."""
    if probe.folder or probe.is_zip:
        return any(PART.search(m.replace("\\", "/")) for m in probe.members)
    return sniff(probe.head)


def _instagram(probe: Probe) -> bool:
    """Instagram's export is Messenger's, told apart by its name or its folders."""
    named = "instagram" in str(probe.path).lower()
    return _sniff(probe) and (named or any("instagram" in m.lower() for m in probe.members))


def _open(source: Source, fp: BinaryIO, reading: Reading) -> Iterator[Conversation]:
    return conversations(fp, name=str(source), chat=reading.chat, on_skip=reading.on_skip)


def _open_folder(path: Path, reading: Reading) -> Iterator[Conversation]:
    return conversations_in_folder(path, chat=reading.chat, on_skip=reading.on_skip)


FORMATS = (
    Format(
        "instagram",
        "Instagram JSON (file, folder or zip)",
        _instagram,
        _open,
        folder_opener=_open_folder,
    ),
    Format(
        "messenger",
        "Facebook Messenger JSON (file, folder or zip)",
        _sniff,
        _open,
        folder_opener=_open_folder,
    ),
)
