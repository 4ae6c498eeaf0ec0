"""Google Chat from Google Takeout: direct messages and spaces (the zip, its folder, or one
`messages.json`).

    Takeout/Google Chat/Groups/DM 1a2b/group_info.json   {"members": [{"name", "email"}, ...]}
    Takeout/Google Chat/Groups/DM 1a2b/messages.json     {"messages": [{"creator", "created_date",
                                                           "text", "attached_files", ...}]}
    Takeout/Google Chat/Groups/Space AAAA/...             a space: group_info has its "name"
    Takeout/Google Chat/Users/User 123/user_info.json    {"user": {"name", "email"}}: the owner

Each group folder is one conversation, titled by the space's name or, for a direct message, by
the other members' names. `created_date` reads like "Tuesday, June 4, 2024 at 9:30:15 AM UTC"
(a zone named UTC or GMT gives UTC times, others are kept as written). Files attached make a
message `media`; each message keeps its id, who reacted with what (reactor e-mails named by the
members list) and, for a quote, the message it quotes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from tarry.base.errors import FormatError
from tarry.base.source import Source
from tarry.mirror.formats import Message, Reaction, Ref, with_ref
from tarry.mirror.formats.contract import Format, Probe, Reading
from tarry.mirror.formats.conversation import Conversation, SkipFn, ignore_skip, title_from_name
from tarry.mirror.formats.jsonstream import JsonStream, list_of, need_dict, text_of
from tarry.mirror.formats.timestamps import from_datetime

MESSAGES = re.compile(r"(^|/)Groups/[^/]+/messages\.json$")
USER = re.compile(r"(^|/)Users/[^/]+/user_info\.json$")
DATE = re.compile(
    r"(?:\w+, )?(\w+) (\d{1,2}), (\d{4}) at (\d{1,2}):(\d{2})(?::(\d{2}))?[\s\u202f\u00a0]?"
    r"([AaPp][Mm])?(?: (\S+))?$"
)
MONTHS = {
    m: i
    for i, m in enumerate(
        (
            *("january", "february", "march", "april", "may", "june", "july", "august"),
            *("september", "october", "november", "december"),
        ),
        1,
    )
}
SNIFF = re.compile(rb'"(creator|created_date)"\s*:')
HINT = "Export Google Chat with Google Takeout and give the zip, its folder or a messages.json."
Open = Callable[[str], AbstractContextManager[BinaryIO]]


def sniff(head: bytes) -> bool:
    return len({m for m in SNIFF.findall(head[:8192])}) == 2


def _sniff(probe: Probe) -> bool:
    if probe.folder or probe.is_zip:
        names = [m.replace("\\", "/") for m in probe.members]
        return bool(_message_files(names))
    return sniff(probe.head)


def _message_files(names: list[str]) -> list[str]:
    """The messages.json of each group: under Groups/, or beside a group_info.json."""
    return [
        n
        for n in names
        if n.endswith("messages.json") and (MESSAGES.search(n) or _beside(names, n))
    ]


@dataclass(frozen=True)
class Group:
    """One conversation's files, by the names the opener knows them by."""

    folder: str
    messages: str
    info: str | None


def conversations(
    fp: BinaryIO, *, name: str = "input", chat: str | None = None, on_skip: SkipFn = ignore_skip
) -> Iterator[Conversation]:
    """A Takeout zip, or one messages.json."""
    if fp.read(4) != b"PK\x03\x04":
        fp.seek(0)
        title = title_from_name(str(PurePosixPath(name.replace("\\", "/")).parent)) or name
        yield from _chosen([Conversation(title, _messages(fp, name, {}, on_skip))], chat, name)
        return
    fp.seek(0)
    try:
        archive = zipfile.ZipFile(fp)
        names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FormatError(f"cannot read the zip ({exc})", path=name, hint=HINT) from exc
    with archive:
        yield from _groups(
            names, lambda member: _member(archive, member, name), name, chat, on_skip
        )


def conversations_in_folder(
    folder: Path, *, chat: str | None = None, on_skip: SkipFn = ignore_skip
) -> Iterator[Conversation]:
    names = [str(p.relative_to(folder).as_posix()) for p in sorted(folder.rglob("*.json"))]
    yield from _groups(names, lambda n: (folder / n).open("rb"), str(folder), chat, on_skip)


def _member(archive: zipfile.ZipFile, member: str, name: str) -> BinaryIO:
    try:
        return archive.open(member)  # type: ignore[return-value]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise FormatError(f"cannot read {member} in the zip ({exc})", path=name) from exc


def _groups(
    names: list[str], opener: Open, where: str, chat: str | None, on_skip: SkipFn
) -> Iterator[Conversation]:
    groups = [
        Group(str(PurePosixPath(n).parent), n, _beside(names, n)) for n in _message_files(names)
    ]
    if not groups:
        raise FormatError("no Google Chat messages.json found", path=where, hint=HINT)
    me = _owner(names, opener, where)
    found = (_conversation(g, opener, where, me, on_skip) for g in sorted(groups, key=str))
    yield from _chosen(found, chat, where)


def _beside(names: list[str], messages: str) -> str | None:
    info = str(PurePosixPath(messages).with_name("group_info.json"))
    return info if info in names else None


def _owner(names: list[str], opener: Open, where: str) -> str | None:
    for name in names:
        if USER.search(name):
            with opener(name) as fp:
                user = _whole(fp, f"{where}/{name}").get("user")
            if isinstance(user, dict) and text_of(user.get("name")):
                return text_of(user.get("name"))
    return None


def _whole(fp: BinaryIO, name: str) -> dict[str, Any]:
    stream = JsonStream(fp, name)
    value = stream.value()
    stream.end()
    if not isinstance(value, dict):
        raise stream.error("expected a JSON object")
    return value


def _conversation(
    group: Group, opener: Open, where: str, me: str | None, on_skip: SkipFn
) -> Conversation:
    info: dict[str, Any] = {}
    if group.info:
        with opener(group.info) as fp:
            info = _whole(fp, f"{where}/{group.info}")
    members = [m for m in list_of(info.get("members")) if isinstance(m, dict)]
    emails = {text_of(m.get("email")): text_of(m.get("name")) for m in members}
    title = text_of(info.get("name")) or _dm_title(members, me) or PurePosixPath(group.folder).name

    def messages() -> Iterator[Message]:
        with opener(group.messages) as fp:
            yield from _messages(fp, f"{where}/{group.messages}", emails, on_skip)

    return Conversation(title, messages(), me)


def _dm_title(members: list[dict[str, Any]], me: str | None) -> str:
    others = [text_of(m.get("name")) for m in members if text_of(m.get("name")) != me]
    return ", ".join(o for o in others if o)


def _chosen(
    found: Iterator[Conversation] | list[Conversation], chat: str | None, where: str
) -> Iterator[Conversation]:
    titles = []
    for conversation in found:
        titles.append(conversation.title)
        if chat is None or conversation.title.casefold() == chat.casefold():
            yield conversation
    if chat is not None and chat.casefold() not in {t.casefold() for t in titles}:
        raise FormatError(
            f"no conversation titled {chat!r}", path=where, hint=f"Titles: {', '.join(titles)}."
        )


def _messages(
    fp: BinaryIO, name: str, emails: dict[str, str], on_skip: SkipFn
) -> Iterator[Message]:
    stream = JsonStream(fp, name)
    if stream.peek() != "{":
        raise stream.error("expected a Google Chat messages.json (a JSON object)")
    recent: dict[str, str] = {}  # text -> message id, for quotes
    for key in stream.members():
        if key != "messages" or stream.peek() != "[":
            stream.value()
            continue
        for index, item in enumerate(stream.items()):
            raw = need_dict(item, stream, "message")
            message = to_message(raw, emails, recent)
            if message is None:
                on_skip(f"{name}, message {index + 1}", "no readable created_date")
            else:
                yield message
    stream.end()


def to_message(
    raw: dict[str, Any], emails: dict[str, str], recent: dict[str, str]
) -> Message | None:
    ts = read_date(text_of(raw.get("created_date")))
    if ts is None:
        return None
    found = raw.get("creator")
    creator: dict[str, Any] = found if isinstance(found, dict) else {}
    author = text_of(creator.get("name")) or text_of(creator.get("email")) or "Unknown"
    text = text_of(raw.get("text"))
    files = [
        text_of(f.get("original_name")) or text_of(f.get("export_name")) or "file"
        for f in list_of(raw.get("attached_files"))
        if isinstance(f, dict)
    ]
    kind = "media" if files else "message"
    if raw.get("deleted_date") or raw.get("message_state") == "DELETED":
        kind = "system"
    message = Message(ts, author, text or ", ".join(files) or "(deleted)", kind)
    ident = text_of(raw.get("message_id"))
    quoted = raw.get("quoted_message_metadata")
    reply_to = recent.get(text_of(quoted.get("text")), "") if isinstance(quoted, dict) else ""
    if ident and text:
        recent[text] = ident
        if len(recent) > 20_000:
            recent.clear()
    return with_ref(message, Ref(ident, reply_to, _reactions(raw.get("reactions"), emails)))


def _reactions(found: Any, emails: dict[str, str]) -> tuple[Reaction, ...]:
    reactions = []
    for reaction in list_of(found):
        if not isinstance(reaction, dict):
            continue
        emoji = reaction.get("emoji")
        symbol = text_of(emoji.get("unicode")) if isinstance(emoji, dict) else text_of(emoji)
        for email in list_of(reaction.get("reactor_emails")):
            who = emails.get(text_of(email)) or text_of(email)
            if symbol and who:
                reactions.append(Reaction(who, symbol))
    return tuple(reactions)


def read_date(text: str) -> str | None:
    """'Tuesday, June 4, 2024 at 9:30:15 AM UTC' as ISO text (UTC when the zone says so)."""
    found = DATE.match(text.strip())
    if found is None or found[1].lower() not in MONTHS:
        return None
    hour = int(found[4])
    if found[7]:
        hour = hour % 12 + (12 if found[7].lower() == "pm" else 0)
    try:
        moment = datetime(
            int(found[3]), MONTHS[found[1].lower()], int(found[2]), hour, int(found[5]),
            int(found[6] or 0),
        )  # fmt: skip
    except ValueError:
        return None
    zoned = (found[8] or "").upper() in ("UTC", "GMT", "Z")
    return from_datetime(moment) + ("Z" if zoned else "")


def _open(source: Source, fp: BinaryIO, reading: Reading) -> Iterator[Conversation]:
    beside = source.path.with_name("group_info.json")
    if source.on_disk and source.path.name == "messages.json" and beside.is_file():
        return _open_folder(source.path.parent, reading)  # the group's names and members
    return conversations(fp, name=str(source), chat=reading.chat, on_skip=reading.on_skip)


def _open_folder(path: Path, reading: Reading) -> Iterator[Conversation]:
    return conversations_in_folder(path, chat=reading.chat, on_skip=reading.on_skip)


FORMATS = (
    Format(
        "googlechat",
        "Google Chat from Google Takeout (zip, folder or messages.json)",
        _sniff,
        _open,
        folder_opener=_open_folder,
    ),
)
