"""Android SMS and MMS backed up by "SMS Backup & Restore" (an XML file, `sms-*.xml`).

`<smses>` holds `<sms address date type body contact_name .../>` and `<mms date msg_box address
contact_name ...>` with `<parts>` (text, pictures, ...) and `<addrs>` (who sent it: type 137).
Each other party is one conversation, a group MMS (addresses joined by `~`) one more; the user
is "Me". Times are Unix milliseconds, so UTC. Drafts are skipped.

The file is read as a stream (defusedxml: no DTD, no entities, no external references; one
element at a time, cleared once read), so memory does not grow with the file: messages are
grouped by conversation up to MAX_BUFFERED at a time, after which each conversation read so far
is handed on and the next part of it follows later under the same title (the importer adds it to
the same conversation). The app writes emoji outside the BMP as two character references to
UTF-16 surrogates, which XML forbids; they are joined into one before parsing.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from tarry.base.errors import FormatError
from tarry.base.source import Source
from tarry.mirror.formats import Message
from tarry.mirror.formats.contract import Format, Reading, by_content
from tarry.mirror.formats.conversation import Conversation, SkipFn, ignore_skip
from tarry.mirror.formats.timestamps import from_unix

ME = "Me"
MAX_BUFFERED = 200_000  # messages held at once while grouping them by conversation
SENT_TYPES = {"2", "4", "5", "6"}  # sent, outbox, failed, queued (1 received, 3 draft)
FROM = "137"  # an MMS <addr> of this type sent it
NO_VALUE = ("", "null", "(Unknown)")
HINT = 'Back up with "SMS Backup & Restore" (Android) and give the sms-*.xml file it writes.'
SURROGATE_PAIR = re.compile(rb"&#(x[0-9a-fA-F]{4}|\d{5});&#(x[0-9a-fA-F]{4}|\d{5});")
# The end of a chunk that may be the start of a pair: `&`, `&#55`, `&#55357;`, `&#55357;&#5`.
TAIL = re.compile(rb"&(?:#[0-9a-fA-FxX]{0,6}(?:;(?:&(?:#[0-9a-fA-FxX]{0,6})?)?)?)?\Z")
LONE_SURROGATE = re.compile(rb"&#(x[dD][89a-fA-F][0-9a-fA-F]{2}|5[5-7]\d{3});")


def sniff(head: bytes) -> bool:
    start = head[:4096]
    return b"<smses" in start or (b"<?xml" in start and b"<sms " in start)


def conversations(
    fp: BinaryIO, *, name: str = "input", chat: str | None = None, on_skip: SkipFn = ignore_skip
) -> Iterator[Conversation]:
    """Each conversation (a person or a group), its messages oldest first."""
    book = Book()
    threads: dict[str, Thread] = {}
    seen: set[str] = set()
    held = 0
    for key, title, message in _messages(fp, name, on_skip, book):
        thread = threads.get(key) or threads.setdefault(key, Thread(book.title(key, title)))
        thread.messages.append(message)
        held += 1
        if held >= MAX_BUFFERED:
            yield from _hand_on(threads, chat, seen)
            threads, held = {}, 0
    yield from _hand_on(threads, chat, seen)
    if chat is not None and chat.casefold() not in {t.casefold() for t in seen}:
        raise FormatError(
            f"no conversation titled {chat!r}",
            path=name,
            hint=f"Titles: {', '.join(sorted(seen)[:20])}.",
        )


@dataclass
class Thread:
    title: str
    messages: list[Message] = field(default_factory=list)


def _hand_on(
    threads: dict[str, Thread], chat: str | None, seen: set[str]
) -> Iterator[Conversation]:
    for thread in threads.values():
        seen.add(thread.title)
        if chat is None or thread.title.casefold() == chat.casefold():
            thread.messages.sort(key=lambda m: m.ts)
            yield Conversation(thread.title, iter(thread.messages), ME)


class Book:
    """Names for numbers, learnt from the backup's own `contact_name`s; stable titles."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.titles: dict[str, str] = {}

    def learn(self, addresses: list[str], names: str) -> None:
        parts = names.split(", ") if len(addresses) > 1 else [names]
        if len(parts) == len(addresses):
            for address, person in zip(addresses, parts, strict=True):
                if person not in NO_VALUE:
                    self.names.setdefault(number(address), person)

    def name(self, address: str) -> str:
        return self.names.get(number(address), address)

    def title(self, key: str, title: str) -> str:
        return self.titles.setdefault(key, title)


def number(address: str) -> str:
    """A phone number without spaces, dashes or brackets (e-mail addresses as they are)."""
    if "@" in address:
        return address.strip().lower()
    digits = re.sub(r"[^\d+]", "", address)
    return digits or address.strip()


def _messages(
    fp: BinaryIO, name: str, on_skip: SkipFn, book: Book
) -> Iterator[tuple[str, str, Message]]:
    """(conversation key, title, message) for each sms and mms, in file order."""
    stream = io.BufferedReader(Repaired(fp), 1 << 16)
    try:
        events = iterparse(stream, events=("start", "end"), forbid_dtd=True)
        root = None
        for event, element in events:
            if root is None:
                root = element
            if event != "end" or element.tag not in ("sms", "mms"):
                continue
            found = _sms(element, book) if element.tag == "sms" else _mms(element, book)
            if isinstance(found, str):
                on_skip(f"{element.tag} at {element.get('date', '?')}", found)
            else:
                yield found
            element.clear()
            root.clear()  # the backup's root would otherwise keep every message read
    except ET.ParseError as exc:
        line, column = exc.position
        raise FormatError(
            f"not well-formed XML at column {column} ({exc})", path=name, line=line, hint=HINT
        ) from None
    except DefusedXmlException as exc:
        raise FormatError(f"refused: {exc}", path=name, hint=HINT) from None
    except LookupError as exc:  # the XML declaration names an encoding Python does not know
        raise FormatError(
            f"the file declares an unknown encoding ({exc})", path=name, hint=HINT
        ) from None
    except ValueError as exc:  # ... or one the XML parser cannot read (Shift_JIS, Big5)
        if "encoding" not in str(exc):
            raise
        raise FormatError(
            f"the file declares an encoding it cannot be read in ({exc})", path=name, hint=HINT
        ) from None


def _sms(element: ET.Element, book: Book) -> tuple[str, str, Message] | str:
    ts = _time(element.get("date"))
    if ts is None:
        return "no readable date"
    kind = element.get("type", "1")
    if kind == "3":
        return "a draft, never sent"
    address = element.get("address") or "Unknown"
    contact = element.get("contact_name") or ""
    book.learn([address], contact)
    author = ME if kind in SENT_TYPES else book.name(address)
    text = _value(element.get("body"))
    return number(address), _title(contact, [address]), Message(ts, author, text)


def _mms(element: ET.Element, book: Book) -> tuple[str, str, Message] | str:
    ts = _time(element.get("date"), seconds=len(element.get("date", "")) <= 10)
    if ts is None:
        return "no readable date"
    addresses = [a for a in (element.get("address") or "").split("~") if a.strip()]
    contact = element.get("contact_name") or ""
    book.learn(addresses, contact)
    sent = element.get("msg_box") in SENT_TYPES
    author = ME if sent else book.name(_sender(element) or (addresses or ["Unknown"])[0])
    texts, files = _parts(element)
    key = "~".join(sorted({number(a) for a in addresses})) or "unknown"
    kind = "media" if files else "message"
    text = "\n".join(texts) or ", ".join(files)
    return key, _title(contact, addresses), Message(ts, author, text, kind)


def _sender(element: ET.Element) -> str | None:
    for addr in element.iter("addr"):
        if addr.get("type") == FROM and _value(addr.get("address")):
            return addr.get("address")
    return None


def _parts(element: ET.Element) -> tuple[list[str], list[str]]:
    """Texts and attached files of an MMS (its SMIL layout left out)."""
    texts, files = [], []
    for part in element.iter("part"):
        content = (part.get("ct") or "").lower()
        if content == "application/smil":
            continue
        if content.startswith("text/plain"):
            text = _value(part.get("text"))
            if text:
                texts.append(text)
        else:
            files.append(_value(part.get("cl")) or _value(part.get("name")) or content or "file")
    return texts, files


def _title(contact: str, addresses: list[str]) -> str:
    if contact not in NO_VALUE:
        return contact
    return ", ".join(addresses) or "Unknown"


def _value(text: str | None) -> str:
    return "" if text is None or text == "null" else text


def _time(value: Any, *, seconds: bool = False) -> str | None:
    try:
        stamp = int(str(value))
    except ValueError:
        return None
    return from_unix(stamp if seconds else stamp / 1000)


class Repaired(io.RawIOBase):
    """The file's bytes with UTF-16 surrogate pairs written as two character references joined
    into one (`&#55357;&#56832;` -> `&#128512;`) and lone ones made U+FFFD."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.held = raw, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._next()
        size = min(len(buffer), len(data))
        buffer[:size] = data[:size]
        self.held = data[size:] + self.held
        return size

    def _next(self) -> bytes:
        while True:
            chunk = self.raw.read(1 << 16)
            data, self.held = _joined(self.held + chunk), b""
            if not chunk:
                return _lone(data)
            tail = TAIL.search(data, max(0, len(data) - 24))
            if tail is not None:  # a pair of references may go on in the next chunk
                data, self.held = data[: tail.start()], data[tail.start() :]
            if data:
                return _lone(data)


def _joined(data: bytes) -> bytes:
    return SURROGATE_PAIR.sub(_pair, data) if b"&#" in data else data


def _lone(data: bytes) -> bytes:
    return LONE_SURROGATE.sub(b"&#65533;", data) if b"&#" in data else data


def _pair(match: re.Match[bytes]) -> bytes:
    high, low = (_code(match[i]) for i in (1, 2))
    if 0xD800 <= high <= 0xDBFF and 0xDC00 <= low <= 0xDFFF:
        return b"&#%d;" % (0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
    return match[0]


def _code(text: bytes) -> int:
    return int(text[1:], 16) if text[:1] in (b"x", b"X") else int(text)


def _open(source: Source, fp: BinaryIO, reading: Reading) -> Iterator[Conversation]:
    return conversations(fp, name=str(source), chat=reading.chat, on_skip=reading.on_skip)


FORMATS = (
    Format(
        "sms",
        'Android SMS and MMS from "SMS Backup & Restore" (XML)',
        by_content(sniff),
        _open,
        (".xml",),
    ),
)
