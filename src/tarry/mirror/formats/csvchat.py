"""Generic CSV chats: a header row and timestamp, author and text columns.

Columns are found by common names (timestamp/date/time, author/sender/from, text/message/body)
or chosen with `--ts-col`, `--author-col`, `--text-col` (a header name or a 1-based number).
The delimiter is found from whole records (quoted fields may hold delimiters and newlines), or
given with `--delimiter`. Timestamps: ISO 8601 by default, Unix seconds or ms, or
any `--ts-format` (strptime codes); a zone or `%z` gives UTC, otherwise the time stays naive.
Rows without a readable timestamp are skipped and reported.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import suppress
from datetime import datetime
from typing import BinaryIO

from tarry.base.errors import FormatError
from tarry.base.source import Source
from tarry.mirror.formats import KINDS, Message
from tarry.mirror.formats.contract import Columns, Format, Reading, by_content
from tarry.mirror.formats.conversation import Conversation, SkipFn, ignore_skip, title_from_name
from tarry.mirror.formats.limits import bounded_lines
from tarry.mirror.formats.timestamps import from_datetime, from_iso, from_unix

TS_NAMES = (
    *("timestamp", "ts", "datetime", "date", "time", "sent_at", "created_at", "sent"),
    *("datum", "zeitstempel", "zeit", "fecha", "horodatage", "data", "tijd", "tidpunkt"),
)
AUTHOR_NAMES = (
    *("author", "sender", "from", "sender_name", "name", "user", "username"),
    *("absender", "von", "autor", "remitente", "auteur", "expéditeur", "mittente", "afzender"),
)
TEXT_NAMES = (
    *("text", "message", "body", "content", "msg"),
    *("nachricht", "mensaje", "texto", "messaggio", "bericht", "mensagem", "tekst", "meddelande"),
)
DELIMITERS = ",;\t|"
SNIFF_RECORDS = 50
HINT = "Name the columns that hold the time, the author and the text (header names or numbers)."


def sniff(head: bytes) -> bool:
    """A first line with a time-like and a text-like column name."""
    first = head[:4096].decode("utf-8", "ignore").lstrip("\ufeff").split("\n", 1)[0].lower()
    names = {part.strip().strip("\"'") for part in re.split(r"[,;\t|]", first.rstrip("\r"))}
    return bool(names & set(TS_NAMES)) and bool(names & set(TEXT_NAMES))


def parse(
    fp: BinaryIO,
    *,
    name: str = "input",
    columns: Columns | None = None,
    on_skip: SkipFn = ignore_skip,
    delimiter: str | None = None,
) -> Iterator[Message]:
    """Rows as messages, in file order."""
    columns = columns or Columns()
    if delimiter is not None and len(delimiter.replace("\\t", "\t")) != 1:
        raise FormatError(
            f"the delimiter must be one character, not {delimiter!r}",
            path=name,
            field="delimiter",
            expected="one character; \\t for a tab",
            example=";",
        )
    text = io.TextIOWrapper(fp, encoding="utf-8-sig", newline="")
    try:
        yield from _rows(text, name, columns, on_skip, delimiter)
    except UnicodeDecodeError as exc:
        raise FormatError(f"the file is not UTF-8 ({exc.reason})", path=name) from exc
    finally:
        with suppress(ValueError):  # already closed when the caller stopped early
            text.detach()


def _rows(
    text: io.TextIOWrapper, name: str, columns: Columns, on_skip: SkipFn, delimiter: str | None
) -> Iterator[Message]:
    sample = text.read(65536)
    text.seek(0)
    # Lines read with a bound: an endless line is refused after MAX_LINE, not buffered whole.
    reader = csv.reader(bounded_lines(text, name), _dialect(sample, delimiter))
    try:
        header = next(reader, None)
        if header is None:
            raise FormatError("the CSV file is empty", path=name, hint=HINT)
        at = _positions(header, columns, name)
        good = bad = 0
        for row in reader:
            message = _message(row, at, columns.ts_format) if row else None
            if message is None:
                bad += 1
                on_skip(f"line {reader.line_num}", _why(row, at))
                continue
            good += 1
            yield message
    except csv.Error as exc:
        raise FormatError(f"bad CSV ({exc})", path=name, line=reader.line_num, hint=HINT) from exc
    if bad and not good:
        raise FormatError(
            "no row has a readable timestamp",
            path=name,
            field="ts_format",
            expected="the timestamps' layout in strptime codes",
            example="%d/%m/%Y %H:%M",
        )


def _dialect(sample: str, delimiter: str | None) -> type[csv.Dialect]:
    """The delimiter given, or the one under which the first records (read as CSV, so quoted
    delimiters and newlines count as text) have the same number of fields as the header."""
    if delimiter is not None:
        return _with(delimiter.replace("\\t", "\t"))
    best, chosen = (0.0, 0), ","
    for candidate in DELIMITERS:
        counts = _field_counts(sample, candidate)
        if not counts or counts[0] < 2:
            continue
        score = (sum(c == counts[0] for c in counts) / len(counts), counts[0])
        if score > best:
            best, chosen = score, candidate
    return _with(chosen)


def _field_counts(sample: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    try:
        records = [len(r) for _, r in zip(range(SNIFF_RECORDS + 1), reader, strict=False) if r]
    except csv.Error:
        return []
    return records[:-1] if len(records) > 1 else records  # the last may be cut off


def _with(delimiter: str) -> type[csv.Dialect]:
    return type("Chosen", (csv.excel,), {"delimiter": delimiter})


def _positions(header: Sequence[str], columns: Columns, name: str) -> tuple[int, int, int, int]:
    names = [h.strip().lower() for h in header]
    ts = _find(names, columns.ts, TS_NAMES, "timestamp", name)
    author = _find(names, columns.author, AUTHOR_NAMES, "author", name)
    body = _find(names, columns.text, TEXT_NAMES, "text", name)
    kind = names.index("kind") if "kind" in names else -1
    return ts, author, body, kind


def _find(names: list[str], chosen: str | None, usual: Sequence[str], what: str, path: str) -> int:
    if chosen is not None:
        if chosen.isdecimal() and 1 <= int(chosen) <= len(names):
            return int(chosen) - 1
        if chosen.strip().lower() in names:
            return names.index(chosen.strip().lower())
        raise FormatError(
            f"no column {chosen!r} for the {what}", path=path, line=1, hint=f"Columns: {names}."
        )
    for candidate in usual:
        if candidate in names:
            return names.index(candidate)
    if len(names) == 1:
        raise FormatError(
            f"cannot tell which column holds the {what}",
            path=path,
            line=1,
            hint=f"Only one column was found ({names[0][:60]!r}).",
            field="delimiter",
            expected="the character between the columns; \\t for a tab",
            example=";",
        )
    raise FormatError(f"cannot tell which column holds the {what}", path=path, line=1, hint=HINT)


def _message(
    row: list[str], at: tuple[int, int, int, int], ts_format: str | None
) -> Message | None:
    ts_at, author_at, text_at, kind_at = at
    if max(ts_at, author_at, text_at) >= len(row):
        return None
    ts = read_time(row[ts_at], ts_format)
    if ts is None:
        return None
    kind = row[kind_at].strip() if 0 <= kind_at < len(row) else "message"
    return Message(ts, row[author_at].strip(), row[text_at], kind if kind in KINDS else "message")


def _why(row: list[str], at: tuple[int, int, int, int]) -> str:
    if not row or max(at[:3]) >= len(row):
        return "too few columns"
    return f"unreadable timestamp {row[at[0]][:40]!r}"


def read_time(value: str, ts_format: str | None = None) -> str | None:
    """A CSV timestamp by `ts_format`, else ISO 8601, else Unix seconds or milliseconds."""
    value = value.strip()
    if ts_format:
        try:
            return from_datetime(datetime.strptime(value, ts_format))
        except ValueError:
            return None
    if value.isascii() and value.replace(".", "", 1).isdigit():
        number = float(value)
        return from_unix(number / 1000 if number > 1e11 else number)
    return from_iso(value)


def _open(source: Source, fp: BinaryIO, reading: Reading) -> Iterator[Conversation]:
    name, options = str(source), reading.options
    rows = parse(
        fp,
        name=name,
        columns=options.columns,
        on_skip=reading.on_skip,
        delimiter=options.delimiter,
    )
    yield Conversation(title_from_name(name), rows)


FORMATS = (
    Format(
        "csv",
        "CSV with timestamp, author and text columns",
        by_content(sniff),
        _open,
        (".csv", ".tsv"),
        options=("columns", "delimiter"),
        fallback=True,
    ),
)

__all__ = ["Columns", "parse", "read_time", "sniff"]
