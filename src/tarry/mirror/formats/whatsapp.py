"""WhatsApp chat exports (.txt, or the .zip a phone shares): Android and iOS, every date layout.

Speed comes from deciding the layout once (whatsapp_layout) and then letting one compiled regex
`split` 1 MB blocks at headers; the Python loop per message only looks things up.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from tarry.base.errors import FormatError
from tarry.base.source import Source
from tarry.mirror.formats import Message
from tarry.mirror.formats.contract import Format, Probe, Reading
from tarry.mirror.formats.conversation import Conversation, title_from_name
from tarry.mirror.formats.limits import MAX_LINE, too_long
from tarry.mirror.formats.whatsapp_authors import Authors
from tarry.mirror.formats.whatsapp_dates import Undecided, decide, spell_order
from tarry.mirror.formats.whatsapp_layout import (
    Layout,
    Survey,
    clock_tables,
    convert_date,
    looks_like_header,
    separator_regex,
    start_regex,
    survey,
)
from tarry.mirror.formats.whatsapp_text import ATTACHED, ENCRYPTED, LRM, MARKED, MARKS, SPECIAL

DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
BATCH = 256  # rows handed on at a time in `as_dicts` mode: small enough to stay in cache
CHUNK = 1 << 20  # bytes read at a time: big enough to amortise per-block work, small for RSS
SAMPLE = 1 << 18  # characters read before deciding the layout
ZIP_MAGIC = b"PK\x03\x04"
_tuple_new = tuple.__new__  # builds a Message without the Python-level NamedTuple.__new__
TITLE = re.compile(
    r"^WhatsApp[ _-]*(Chat|Chatt?|Unterhaltung|Conversa|Conversación)?[ _-]*"
    r"(with|mit|con|avec|met|com|med|z|ze)?[ _-]*",
    re.IGNORECASE,
)


def parse(fp: BinaryIO, *, name: str = "input", day_first: bool | None = None) -> Iterator[Message]:
    """Stream the messages of a WhatsApp export (.txt bytes, or a .zip holding one).

    `day_first` settles an ambiguous date order (True: day/month/year, False: month/day/year).
    Raises FormatError naming the file and line; never another exception.
    """
    if _peek(fp, 4) == ZIP_MAGIC:
        return _parse_zip(fp, name, day_first)
    return _parse_text(fp, name, day_first)


def _parse_zip(fp: BinaryIO, name: str, day_first: bool | None) -> Iterator[Message]:
    with _open_zip(fp, name) as archive:
        member = chat_member(archive, name)
        with archive.open(member) as inner:
            yield from _parse_text(inner, f"{name}:{member}", day_first)  # type: ignore[arg-type]


def attachments(fp: BinaryIO, *, name: str = "input") -> list[str]:
    """The attachment file names in a shared .zip (none for a .txt); nothing is extracted."""
    if _peek(fp, 4) != ZIP_MAGIC:
        return []
    with _open_zip(fp, name) as archive:
        chat = chat_member(archive, name)
        return [i.filename for i in archive.infolist() if not i.is_dir() and i.filename != chat]


def sniff(head: bytes) -> bool:
    """Is this (the first few KB of a file) a WhatsApp export? Cheap; for format auto-detection."""
    if head.startswith(ZIP_MAGIC):
        # A local file header: the first member's name starts at byte 30.
        size = int.from_bytes(head[26:28], "little")
        first = head[30 : 30 + size].decode("utf-8", "replace")
        return first.endswith(".txt") and ("WhatsApp" in first or first.endswith("_chat.txt"))
    text = head.decode("utf-8-sig", "ignore").replace("\r\n", "\n")
    lines = [line for line in text.split("\n")[:20] if line.strip()][:3]
    return bool(lines) and looks_like_header(lines[0])


def chat_member(archive: zipfile.ZipFile, name: str) -> str:
    """The chat file inside a shared zip: `_chat.txt` (iOS) or `WhatsApp Chat with ....txt`."""
    texts = [n for n in archive.namelist() if n.lower().endswith(".txt")]
    base = {n: n.rsplit("/", 1)[-1] for n in texts}
    preferred = [n for n in texts if base[n] == "_chat.txt" or base[n].startswith("WhatsApp")]
    found = preferred or texts
    if len(found) != 1:
        raise FormatError(
            f"expected one chat .txt in the zip, found {len(found)}: {found[:5]}",
            path=name,
            hint="Share the chat again from WhatsApp (Export chat), or unzip it and pass the .txt.",
        )
    return found[0]


def _peek(fp: BinaryIO, size: int) -> bytes:
    if hasattr(fp, "peek"):
        return fp.peek(size)[:size]
    if fp.seekable():
        start = fp.tell()
        data = fp.read(size)
        fp.seek(start)
        return data
    raise FormatError("cannot read the input", path=name_of(fp), hint="Pass a file, not a pipe.")


def name_of(fp: BinaryIO) -> str:
    return str(getattr(fp, "name", "input"))


def _open_zip(fp: BinaryIO, name: str) -> zipfile.ZipFile:
    source: BinaryIO = fp if fp.seekable() else io.BytesIO(fp.read())
    try:
        return zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise FormatError(
            f"not a readable zip ({err})", path=name, hint="Export the chat again."
        ) from None


def _parse_text(fp: BinaryIO, name: str, day_first: bool | None) -> Iterator[Message]:
    prepared = _prepare(fp, name, day_first)
    if prepared is not None:
        chat, body, line, chunks = prepared
        yield from _records(chat, _cut(body, line, chunks, chat.layout, name), name, first=True)


@dataclass
class Chat:
    """What is decided once per export before its records are read: the layout, the names
    and the chat's own name (the author of iOS system lines)."""

    layout: Layout
    authors: Authors
    chat_name: str


def _prepare(
    fp: BinaryIO, name: str, day_first: bool | None
) -> tuple[Chat, str, int, Iterator[tuple[str, int]]] | None:
    """The chat, the text from its first header on (its line number) and the chunks after it;
    None for an empty export."""
    start = fp.tell() if fp.seekable() else None
    chunks = _decoded(fp, name)
    first = _sample(chunks)
    if not first.strip():
        return None
    layout, read_on = _layout(first, chunks, name, day_first, start is not None)
    if read_on:  # dates further on decided their order: start again from the top
        fp.seek(start or 0)
        chunks = _decoded(fp, name)
        first = _sample(chunks)
    body = first.lstrip("\n")
    line = len(first) - len(body) + 1
    _check_start(body, line, layout, name)
    parts = separator_regex(layout).split("\n" + body[:SAMPLE])
    authors = Authors.survey(zip(parts[5::7], parts[7::7], strict=False))
    author, text = parts[5], parts[7]
    if author is not None:
        author, text = authors.check(author, text)
    return Chat(layout, authors, _chat_name(author, text)), body, line, chunks


def _records(
    chat: Chat,
    blocks: Iterator[tuple[str, int]],
    name: str,
    *,
    first: bool,
    as_dicts: bool = False,
) -> Iterator[Any]:
    """The messages in `blocks` (whole records); `first`: they open the export. `as_dicts`:
    lists of BATCH messages as the dicts `mirror parse` writes (JSON Lines), made here instead
    of Messages: no tuple to turn into a dict, no generator step per message."""
    pattern, stamps, chat_name = separator_regex(chat.layout), Stamps(chat.layout), chat.chat_name
    dates, clocks, new, special, marked = stamps.dates, stamps.clocks, _tuple_new, SPECIAL, MARKED
    plain, check = chat.authors.plain, chat.authors.check
    rows_out: list[dict[str, str]] = []
    append = rows_out.append
    for block, line in blocks:
        # Splitting at headers leaves ["", date, clock, secs, marker, author, mark, text, date,
        # ...]: texts come out whole, continuation lines included, with no per-record tuple.
        parts = pattern.split(block)
        rows = zip(*[iter(parts[1:])] * 7, strict=False)
        try:
            if first:
                first = False
                opening = _first(next(rows), stamps, chat_name, check)
                if as_dicts:
                    append(opening.to_dict())
                else:
                    yield opening
            # The hot loop, inline (no per-message calls or generator layers): three table
            # look-ups for the time, one for special texts, one tuple. Rare shapes go to _rare().
            for date, clock, secs, marker, author, lrm, text in rows:
                try:
                    ts = f"{dates[date]}{clocks[marker][clock]}{secs}"  # one allocation
                except KeyError:
                    ts = stamps.stamp(date, clock, secs, marker)
                if author is not None and author not in plain:  # a name met for the first time
                    author, text = check(author, text)
                    lrm = text[:1] if text[:1] in MARKS else ""
                if author is None:
                    author, kind, text = "", "system", text.rstrip("\n")
                else:
                    kind = special.get(text, "message")
                    if lrm:  # iOS media and system lines: the common marked texts are listed
                        kind, text = marked.get(text) or _rare(author, text, chat_name)
                    elif kind == "message" and ("\n" in text or text[-1:] in ")\n"):
                        kind, text = _rare(author, text, chat_name)
                if as_dicts:  # rows for JSON Lines, handed on BATCH at a time
                    append({"ts": ts, "author": author, "text": text, "kind": kind})
                    if len(rows_out) >= BATCH:
                        yield rows_out
                        rows_out = []
                        append = rows_out.append
                else:
                    yield new(Message, (ts, author, text, kind))
        except ValueError:
            raise _bad_date(block, line, pattern, stamps, name) from None
    if rows_out:
        yield rows_out


class Stamps:
    """Caches from the export's date and time texts to ISO text, filled on first sight."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.dates: dict[str, str] = {}
        self.clocks = clock_tables(layout)

    def stamp(self, date: str, clock: str, secs: str, marker: str) -> str:
        """ "YYYY-MM-DDTHH:MM:SS"; ValueError for a day that does not exist."""
        if date not in self.dates:
            self.dates[date] = convert_date(self.layout, date)
        ascii_clock = clock.translate(DIGITS)  # Arabic-Indic or Persian digits
        if ascii_clock not in self.clocks.get(marker, {}):
            raise ValueError(f"{clock}{marker}")
        return self.dates[date] + self.clocks[marker][ascii_clock] + secs.translate(DIGITS)


def _sample(chunks: Iterator[tuple[str, int]]) -> str:
    """Enough text from the start to judge the layout by."""
    first = ""
    for chunk, _ in chunks:
        first += chunk
        if len(first) >= SAMPLE:
            break
    return first.replace("\r\n", "\n")


def _layout(
    first: str,
    chunks: Iterator[tuple[str, int]],
    name: str,
    day_first: bool | None,
    can_restart: bool,
) -> tuple[Layout, bool]:
    """The layout, with its date order decided from the sample if a field above 12 settles it,
    else from every date in the export; and whether that meant reading on past the sample (the
    caller then starts over)."""
    cut = first.rfind("\n", 0, SAMPLE) + 1 or len(first)  # whole lines, at least one
    found = survey(first[:cut], name=name)
    decision = decide(found.dates, day_first=day_first)
    read_on = False
    if not decision.final and cut < len(first):
        found.scan(first[cut:], first.count("\n", 0, cut) + 1)
        decision = decide(found.dates, day_first=day_first)
    if not decision.final and can_restart:
        read_on = _scan_rest(found, chunks, first.count("\n") + 1, day_first)
        decision = decide(found.dates, day_first=day_first)
    if decision.order is None:
        raise Undecided(decision.candidates, found.dates).error(name)
    return found.layout(decision.order, name), read_on


def _scan_rest(
    found: Survey, chunks: Iterator[tuple[str, int]], line: int, day_first: bool | None
) -> bool:
    """Read on, adding header dates, until they settle the order or the export ends."""
    carry, read = "", False
    for chunk, _ in chunks:
        read = True
        text = (carry + chunk).replace("\r\n", "\n")
        cut = text.rfind("\n") + 1
        found.scan(text[:cut], line)
        line += text.count("\n", 0, cut)
        carry = text[cut:]
        if len(carry) > MAX_LINE:
            break  # no line end in sight: the parser will refuse it
        if decide(found.dates, day_first=day_first).final:
            break
    if carry:
        found.scan(carry, line)
    return read


def _decoded(fp: BinaryIO, name: str, offset: int = 0) -> Iterator[tuple[str, int]]:
    """UTF-8 text in chunks (BOM dropped), each with its count of newlines; a bad byte is a
    FormatError at its offset (`offset`: where `fp` starts in the file)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    while True:
        try:
            data = fp.read(CHUNK)
        except (OSError, zipfile.BadZipFile, EOFError, zlib.error) as err:
            raise FormatError(f"cannot read: {err}", path=name, byte=offset) from None
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(data, final=not data)
        except UnicodeDecodeError as err:
            raise FormatError(
                "not UTF-8 text",
                path=name,
                byte=max(offset - pending + err.start, 0),
                hint="WhatsApp writes UTF-8; was the file converted or damaged?",
            ) from None
        offset += len(data)
        if text:
            yield text, data.count(b"\n")
        if not data:
            return


def _check_start(body: str, line: int, layout: Layout, name: str) -> None:
    """Only blank lines may come before the first header."""
    if not start_regex(layout).match(body):
        raise FormatError(
            f"expected a message header, found {body.split(chr(10), 1)[0][:60]!r}",
            path=name,
            line=line,
            hint=f"Lines in this export look like '{layout.example()}'. "
            "Is the file cut off at the start?",
        )


def _cut(
    first: str, line: int, chunks: Iterator[tuple[str, int]], layout: Layout, name: str
) -> Iterator[tuple[str, int]]:
    """Blocks of whole records, each starting with the newline before its first header, with
    the line number of that header. `first` starts with the export's first header, on `line`."""
    start = start_regex(layout)
    carry = "\n" + first
    in_carry = carry.count("\n")
    for chunk, newlines in chunks:
        text = carry + chunk
        if "\r" in chunk:
            text = text.replace("\r\n", "\n")
        cut = _last_record_start(text, start)
        if cut:
            yield text[:cut], line
            carry = text[cut:]
            # Lines counted from the chunk's bytes and the small carries: counting a block (a
            # long UCS-4 string) would cost more.
            line += in_carry + newlines - carry.count("\n")
            in_carry = carry.count("\n")
        else:
            carry, in_carry = text, in_carry + newlines
            if len(carry) > MAX_LINE:  # no header in sight: refuse before buffering it all
                raise too_long(name, line, "message")
    yield carry.rstrip("\n"), line


def _last_record_start(text: str, start: re.Pattern[str]) -> int:
    """The newline before the last (possibly incomplete) record; 0 if only one is in view."""
    end = len(text)
    while (newline := text.rfind("\n", 1, end)) > 0:
        if start.match(text, newline + 1):
            return newline
        end = newline
    return 0


def _chat_name(author: str | None, text: str) -> str:
    """The chat's own name, when it appears as the author of system lines.

    Every export opens with an encryption notice. iOS writes it, and later system lines, as if the
    chat (group or contact) said them, with text starting U+200E; some Android exports do the same
    for the notice alone. So the first record's author names the chat when its text says so.
    """
    if not author or (ENCRYPTED.search(text) is None and not text.startswith(LRM)):
        return ""
    bare = text.strip(MARKS + "\n")
    return "" if bare in SPECIAL or ATTACHED.match(bare) else author


def _first(
    row: tuple[str, ...],
    stamps: Stamps,
    chat_name: str,
    check: Callable[[str, str], tuple[str | None, str]],
) -> Message:
    *stamp, author, _, text = row
    ts = stamps.stamp(*stamp)
    if author is not None:
        author, text = check(author, text)  # type: ignore[assignment]
    if chat_name or author is None:
        return Message(ts, author or "", text.rstrip("\n").lstrip(MARKS), "system")
    kind, text = _rare(author, text, "")
    return Message(ts, author, text, kind)


def _rare(author: str, text: str, chat_name: str) -> tuple[str, str]:
    """(kind, text) for the rare shapes: multi-line, marked, attachments, system lines.

    Blank lines before the next header, and the U+200E/U+200F that iOS puts before system and
    media texts, are the export's, not the message's: they are dropped.
    """
    if text[-1:] == "\n":
        text = text.rstrip("\n")
    if text[:1] == "\n":  # a header alone on its line, the text below it
        text = text[1:]
    marked = text != "" and text[0] in MARKS
    if marked:
        text = text.lstrip(MARKS)
    kind = SPECIAL.get(text)
    if kind:
        return kind, text
    first = text.partition("\n")[0]
    if (first[-1:] == ")" or first[:1] == "<") and ATTACHED.match(first):
        return "media", text
    if marked and author == chat_name:
        return "system", text
    return "message", text


def _bad_date(
    text: str, line: int, pattern: re.Pattern[str], stamps: Stamps, name: str
) -> FormatError:
    """Find the header whose date or time does not exist (31 April, say) and name its line."""
    for match in pattern.finditer(text):
        try:
            stamps.stamp(*match.groups()[:4])
        except ValueError:
            return FormatError(
                f"no such date {match[1]!r} {match[2]!r}",
                path=name,
                line=line + text.count("\n", 0, match.start()),
                hint=f"Dates here are read as {spell_order(stamps.layout.order)}; if that is "
                "wrong, say which comes first.",
                field="day_first",
                expected="dmy (day first) or mdy (month first)",
            )
    return FormatError("unreadable date", path=name, line=line)


def title(path: Path) -> str:
    """'WhatsApp Chat with Sam.txt' -> 'Sam'; other names -> the file's stem."""
    stem = title_from_name(path.name)
    match = TITLE.match(stem)
    found = stem[match.end() :].strip(" -_") if match else stem
    return found or stem


def _sniff(probe: Probe) -> bool:
    if probe.is_zip:
        return any(m.lower().endswith(".txt") for m in probe.members)
    return not probe.folder and sniff(probe.head)


def _open(source: Source, fp: BinaryIO, reading: Reading) -> Iterator[Conversation]:
    messages = parse(fp, name=str(source), day_first=reading.options.day_first)
    yield Conversation(title(source.path), messages)


FORMATS = (
    Format(
        "whatsapp",
        "WhatsApp .txt or the .zip the phone shares",
        _sniff,
        _open,
        (".txt", ".zip"),
        options=("day_first",),
    ),
)
