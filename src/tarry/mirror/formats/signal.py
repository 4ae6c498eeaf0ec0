"""Signal exports: the text and JSON files written by signal-export and sigtop.

- lines `[2019-12-24 12:23] Name: text` (signal-export's chat.md; also `[2019-12-24, 12:23]`)
  and sigtop's `2019-12-24 12:23 Name: text` (text-short): local wall time, kept naive;
- sigtop's text format: `From:` / `Type:` / `Sent:` header blocks, each followed by the body
  (quotes and older edit versions left out); `Sent` carries an offset, so times become UTC;
- signal-export's data.json (JSON Lines `{"date", "sender", "body", ...}`): naive local time;
- sigtop's JSON (an array of Signal Desktop message objects, `sent_at` in ms): UTC, authors as
  Signal identifiers (the raw data has no names), the user as "You".
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from contextlib import suppress
from email.utils import parsedate_to_datetime
from typing import Any, BinaryIO

from tarry.base.errors import FormatError
from tarry.base.source import Source
from tarry.mirror.formats import Message, Reaction, Ref, signal_lines, with_ref
from tarry.mirror.formats.contract import Format, Reading, by_content
from tarry.mirror.formats.conversation import Conversation, SkipFn, ignore_skip, title_from_name
from tarry.mirror.formats.jsonstream import JsonStream, list_of, need_dict, text_of
from tarry.mirror.formats.limits import bounded_lines
from tarry.mirror.formats.timestamps import from_datetime, from_iso, from_unix

LINE = re.compile(r"\[?(\d{4}-\d{2}-\d{2}),? (\d{1,2}:\d{2}(?::\d{2})?)\]? (.+?):(?: (.*))?")
NEXT_FIELD = re.compile(r"(Type|Sent|Received|Attachment|Reaction|Edited): ")
HEADER = re.compile(r"(From|Type|Sent|Received|Attachment|Reaction|Edited): (.*)")
DELETED = "(This message was deleted)"
HINT = "Export with signal-export or sigtop, or choose another format."


def sniff(head: bytes) -> bool:
    text = head[:4096].decode("utf-8", "ignore").lstrip("\ufeff \r\n")
    first = text.split("\n", 1)[0]
    if text.startswith("Conversation: ") or LINE.fullmatch(first.rstrip("\r")):
        return True
    if text.startswith("{"):
        return '"sender"' in first and '"date"' in first and '"body"' in first
    return text.startswith("[") and '"sent_at"' in text and '"conversationId"' in text


def conversations(
    fp: BinaryIO, *, name: str = "input", chat: str | None = None, on_skip: SkipFn = ignore_skip
) -> Iterator[Conversation]:
    """The one conversation in the file, whichever of the layouts it uses."""
    head = fp.read(4096)
    fp.seek(0)
    start = head.decode("utf-8", "ignore").lstrip("\ufeff \r\n")[:1]
    if start == "[" and not LINE.match(head.decode("utf-8", "ignore").lstrip("\ufeff \r\n")):
        yield Conversation(title_from_name(name), _sigtop_json(fp, name, on_skip), "You")
    elif start == "{":
        yield Conversation(title_from_name(name), _jsonl(fp, name, on_skip), "Me")
    else:
        yield from _text(fp, name, on_skip)


def _lines(fp: BinaryIO, name: str) -> Iterator[tuple[int, str]]:
    text = io.TextIOWrapper(fp, encoding="utf-8-sig", newline=None)
    number = 0
    try:
        for number, line in enumerate(bounded_lines(text, name), 1):
            yield number, line.rstrip("\n").lstrip("\u200e\u200f")
    except UnicodeDecodeError as exc:
        raise FormatError(
            f"the file is not UTF-8 ({exc.reason})", path=name, line=number + 1, hint=HINT
        ) from exc
    finally:
        with suppress(ValueError):  # already closed when the caller stopped early
            text.detach()


def _text(fp: BinaryIO, name: str, on_skip: SkipFn) -> Iterator[Conversation]:
    lines = _lines(fp, name)
    for number, line in lines:
        if not line.strip():
            continue
        if line.startswith("Conversation: "):
            title = _strip_detail(line[len("Conversation: ") :])
            yield Conversation(title, _blocks(lines, on_skip), "You")
            return
        if LINE.fullmatch(line):
            first = (number, line)
            # "You" (sigtop) or "Me" (signal-export) or a name: left to the importer to tell.
            yield Conversation(title_from_name(name), signal_lines.messages(first, lines, name))
            return
        raise FormatError(
            "expected a Signal message line like `[2019-12-24 12:23] Name: text`",
            path=name,
            line=number,
            hint=HINT,
        )


def _strip_detail(name: str) -> str:
    """'Sam (+31 6 1234 5678)' -> 'Sam': sigtop adds the number or id in parentheses."""
    match = re.fullmatch(r"(.+?) \([^()]*\)", name.strip())
    return match[1] if match else name.strip()


def _blocks(lines: Iterator[tuple[int, str]], on_skip: SkipFn) -> Iterator[Message]:
    """sigtop's text format: a header block, a blank line, the body, a blank line."""
    header: dict[str, str] = {}
    body: list[str] = []
    in_body, start = False, 0
    for number, line, following in _with_next(lines):
        field = HEADER.fullmatch(line)
        if field is not None and _starts_record(field[1], header, in_body, body, following):
            yield from _finish(header, body, start, on_skip)
            header, body, in_body, start = {}, [], False, number
        if field and not in_body:
            header.setdefault(field[1], field[2])
        elif not in_body and line == "":
            in_body = bool(header)
        elif in_body:
            body.append(line)
    yield from _finish(header, body, start, on_skip)


def _starts_record(
    field: str, header: dict[str, str], in_body: bool, body: list[str], following: str
) -> bool:
    """`From:` (or `Type:` when there is no sender) after a blank line opens a new message, if
    the header goes on below it: a body line `From: Boss` after a blank line is text."""
    if field not in ("From", "Type") or (in_body and body and body[-1] != ""):
        return False
    if in_body and not NEXT_FIELD.match(following):
        return False
    return in_body or field in header or (field == "From" and bool(header))


def _with_next(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str, str]]:
    """Each line with the one after it ('' at the end)."""
    previous = None
    for number, line in lines:
        if previous is not None:
            yield previous[0], previous[1], line
        previous = (number, line)
    if previous is not None:
        yield previous[0], previous[1], ""


def _finish(
    header: dict[str, str], body: list[str], start: int, on_skip: SkipFn
) -> Iterator[Message]:
    if not header:
        return
    ts = _sent(header.get("Sent", ""))
    if ts is None:
        on_skip(f"line {start}", "no readable Sent: time")
    else:
        yield _block_message(ts, header, body)


def _block_message(ts: str, header: dict[str, str], body: list[str]) -> Message:
    author = _strip_detail(header.get("From", "Unknown"))
    text = "\n".join(_own_lines(body, "Edited" in header)).strip("\n")
    kind = header.get("Type", "")
    if kind not in ("incoming", "outgoing"):
        return Message(ts, author, text or kind, "system")
    if "Attachment" in header:
        return Message(ts, author, text or header["Attachment"].split(" (", 1)[0], "media")
    return Message(ts, author, text, "message")


def _own_lines(body: list[str], edited: bool) -> list[str]:
    """The body without the quoted message; for edits, the newest version only."""
    if edited:
        lines = []
        for line in body[1:]:
            if line.startswith("| Version: "):
                break
            if not re.match(r"\| (Sent|Attachment): ", line):
                lines.append(line[2:] if line.startswith("| ") else line.lstrip("|"))
        return _own_lines(lines, False)
    kept = [line for line in body if not line.startswith(">")]
    while kept and kept[0] == "":
        kept.pop(0)
    return kept


def _sent(text: str) -> str | None:
    try:
        return from_datetime(parsedate_to_datetime(text))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _jsonl(fp: BinaryIO, name: str, on_skip: SkipFn) -> Iterator[Message]:
    """signal-export's data.json: one JSON object per line."""
    thread = signal_lines.Thread()
    for number, line in _lines(fp, name):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise FormatError(
                "expected one JSON object per line", path=name, line=number, hint=HINT
            ) from exc
        message = _export_message(raw) if isinstance(raw, dict) else None
        if message is None:
            on_skip(f"line {number}", "no readable date")
            continue
        ident = thread.new_id(message.ts, message.author)
        quote = text_of(raw.get("quote"))
        reply_to = thread.quoted(None, quote) if quote else ""
        thread.remember(ident, message.author, message.text)
        yield with_ref(message, Ref(ident, reply_to, _json_reactions(raw.get("reactions"))))


def _export_message(raw: dict[str, Any]) -> Message | None:
    date = raw.get("date")
    ts = from_iso(date) if isinstance(date, str) else None
    if ts is None:
        return None
    author = text_of(raw.get("sender")) or "Unknown"
    text = text_of(raw.get("body"))
    if raw.get("deleted") is True or raw.get("call") is True:
        return Message(ts, author, text or ("call" if raw.get("call") else DELETED), "system")
    if raw.get("attachments") or raw.get("sticker"):
        return Message(ts, author, text or "attachment", "media")
    return Message(ts, author, text, "message")


def _json_reactions(found: Any) -> tuple[Reaction, ...]:
    """`[{"name": ..., "emoji": ...}]` or `["Name: emoji"]`."""
    reactions = []
    for item in list_of(found):
        if isinstance(item, dict):
            who = text_of(item.get("name") or item.get("author") or item.get("sender"))
            emoji = text_of(item.get("emoji"))
        else:
            who, _, emoji = text_of(item).rpartition(": ")
        if who and emoji:
            reactions.append(Reaction(who, emoji))
    return tuple(reactions)


def _sigtop_json(fp: BinaryIO, name: str, on_skip: SkipFn) -> Iterator[Message]:
    stream = JsonStream(fp, name)
    for index, item in enumerate(stream.items()):
        raw = need_dict(item, stream, "message")
        message = _desktop_message(raw)
        if message is None:
            on_skip(f"message {index + 1}", "no readable sent_at")
        else:
            yield message
    stream.end()


def _desktop_message(raw: dict[str, Any]) -> Message | None:
    stamp = raw.get("sent_at") or raw.get("timestamp")
    if not isinstance(stamp, int | float) or isinstance(stamp, bool):
        return None
    ts = from_unix(stamp / 1000)
    if ts is None:
        return None
    kind = text_of(raw.get("type"))
    author = "You" if kind == "outgoing" else _source(raw)
    text = text_of(raw.get("body"))
    if kind not in ("incoming", "outgoing"):
        return Message(ts, author, text or kind or "event", "system")
    if raw.get("attachments") or raw.get("sticker"):
        return Message(ts, author, text or "attachment", "media")
    return Message(ts, author, text, "message")


def _source(raw: dict[str, Any]) -> str:
    for key in ("source", "sourceServiceId", "sourceUuid"):
        if raw.get(key):
            return text_of(raw[key])
    return "Unknown"


def _open(source: Source, fp: BinaryIO, reading: Reading) -> Iterator[Conversation]:
    return conversations(fp, name=str(source), chat=reading.chat, on_skip=reading.on_skip)


FORMATS = (
    Format(
        "signal",
        "Signal: signal-export or sigtop text and JSON",
        by_content(sniff),
        _open,
        (".md",),
        fallback=True,
    ),
)
