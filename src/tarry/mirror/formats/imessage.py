"""iMessage: the macOS Messages database `~/Library/Messages/chat.db` (SQLite).

The database is never copied to disk and never written. A file on disk with no `-wal` beside it
to apply is opened where it is, read-only and immutable (no locks, no -wal or -shm made), and
SQLite reads only the pages it needs. Otherwise (an upload, or a log to apply) its bytes are read
into memory, the committed part of the `-wal` is applied there (sqlite_wal.py), and the image is
loaded into an in-memory connection. Either way `trusted_schema=OFF` and `query_only=ON`, so a
damaged or hostile file cannot run its triggers or change anything, and no plaintext copy is
left anywhere, not even in $TMPDIR. Each chat is one conversation; the user's messages have the
author "Me", others their phone number or address.
Times are Apple epoch (2001-01-01 UTC; nanoseconds since macOS 10.13, seconds before) -> UTC.
Newer macOS keeps some texts only in `attributedBody` (an archived NSAttributedString); the
string is taken from the archive where its layout is the usual one, and such messages are
skipped and reported otherwise.
"""

from __future__ import annotations

import io
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from tarry.base.errors import FormatError
from tarry.base.source import Source
from tarry.mirror.formats import Message, sqlite_wal
from tarry.mirror.formats.contract import Format, Reading, by_content
from tarry.mirror.formats.conversation import Conversation, SkipFn, ignore_skip
from tarry.mirror.formats.timestamps import from_unix

APPLE_EPOCH = 978307200  # 2001-01-01T00:00:00Z in Unix seconds
ME = "Me"
OBJECT = "\ufffc"  # stands in for an attachment inside the text
CHUNK = 1 << 20
# sqlite3 raises UnicodeDecodeError where SQLite's own message quotes a damaged schema's bytes
UNREADABLE = (sqlite3.DatabaseError, UnicodeDecodeError)
WAL_IGNORED = "the newest messages may be missing (quit Messages, then import chat.db again)"
HINT = "Give the Messages database, ~/Library/Messages/chat.db (copy it first if it is in use)."
COLUMNS = {
    "text": "m.text",
    "attributedBody": "m.attributedBody",
    "item_type": "m.item_type",
    "associated_message_type": "m.associated_message_type",
    "cache_has_attachments": "m.cache_has_attachments",
    "group_title": "m.group_title",
}


def sniff(head: bytes) -> bool:
    return head.startswith(b"SQLite format 3\x00")


def conversations(
    fp: BinaryIO,
    *,
    name: str = "input",
    chat: str | None = None,
    on_skip: SkipFn = ignore_skip,
    wal: Path | None = None,
) -> Iterator[Conversation]:
    """Every chat in the database (or the one whose name or identifier is `chat`)."""
    conn = _connect(fp, name, wal, on_skip)
    try:
        yield from _chats(conn, name, chat, on_skip)
    except UNREADABLE as exc:
        raise FormatError(f"cannot read the Messages database ({exc})", path=name) from exc
    finally:
        conn.close()


def _connect(fp: BinaryIO, name: str, wal: Path | None, on_skip: SkipFn) -> sqlite3.Connection:
    """Read in place where nothing has to be applied (a file on disk, no write-ahead log beside
    it): SQLite then reads pages as it needs them and nothing is loaded. Otherwise in memory."""
    here = _on_disk(fp, name)
    if here is not None and not (wal is not None and wal.exists() and wal.stat().st_size):
        uri = f"{here.resolve().as_uri()}?mode=ro&immutable=1"  # no locks, no -wal, no -shm
        return _checked(sqlite3.connect(uri, uri=True, isolation_level=None), name)
    image = _image(fp, wal, on_skip)
    return _checked(sqlite3.connect(":memory:", isolation_level=None), name, image)


def _on_disk(fp: BinaryIO, name: str) -> Path | None:
    """`name` when it is the very file `fp` reads (an upload or a zip member is not)."""
    try:
        opened = os.fstat(fp.fileno())
        path = Path(name)
        return path if path.is_file() and os.path.samestat(opened, path.stat()) else None
    except (AttributeError, OSError, io.UnsupportedOperation):
        return None


def _image(fp: BinaryIO, wal: Path | None, on_skip: SkipFn) -> bytearray:
    """The database as SQLite would read it: the file's bytes with the log's commits applied."""
    image = bytearray()
    while chunk := fp.read(CHUNK):  # in pieces: progress moves, no whole-file bytes beside it
        image += chunk
    if wal is not None and wal.exists():
        _replay(image, wal, on_skip)
    sqlite_wal.clear_wal_mode(image)
    return image


def _replay(image: bytearray, wal: Path, on_skip: SkipFn) -> None:
    with wal.open("rb") as log:
        try:
            sqlite_wal.replay(image, log)
        except sqlite_wal.Ignored as exc:
            on_skip(wal.name, f"write-ahead log not applied: {exc}; {WAL_IGNORED}")


def _checked(
    conn: sqlite3.Connection, name: str, image: bytearray | None = None
) -> sqlite3.Connection:
    """`conn` read-only, running no trigger, holding `image` if given, and really a chat.db."""
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
        if image:  # sqlite3 refuses an empty buffer (MemoryError); empty is an empty database
            conn.deserialize(image)  # SQLite keeps its own copy; ours is freed on return
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except UNREADABLE as exc:
        conn.close()
        raise FormatError(f"not a readable SQLite database ({exc})", path=name, hint=HINT) from exc
    if not {"message", "chat", "chat_message_join"} <= tables:
        conn.close()
        raise FormatError("this SQLite file is not a Messages chat.db", path=name, hint=HINT)
    return conn


def _chats(
    conn: sqlite3.Connection, name: str, chat: str | None, on_skip: SkipFn
) -> Iterator[Conversation]:
    rows = conn.execute(
        "SELECT ROWID, COALESCE(NULLIF(display_name, ''), chat_identifier, guid, ROWID) FROM chat"
        " ORDER BY ROWID"
    ).fetchall()
    titles = [str(title) for _, title in rows]
    for (chat_id, _), title in zip(rows, titles, strict=True):
        if chat is None or title.casefold() == chat.casefold():
            yield Conversation(title, _messages(conn, chat_id, on_skip), ME)
    if chat is not None and not any(t.casefold() == chat.casefold() for t in titles):
        raise FormatError(
            f"no chat named {chat!r}", path=name, hint=f"Chats: {', '.join(sorted(titles))}."
        )


def _select(conn: sqlite3.Connection) -> str:
    have = {row[1] for row in conn.execute("PRAGMA table_info(message)")}
    fields = ", ".join(sql if column in have else "NULL" for column, sql in COLUMNS.items())
    handle = "LEFT JOIN handle h ON h.ROWID = m.handle_id"
    return (
        f"SELECT m.ROWID, m.date, m.is_from_me, h.id, {fields} FROM chat_message_join j"
        f" JOIN message m ON m.ROWID = j.message_id {handle}"
        " WHERE j.chat_id = ? ORDER BY m.date, m.ROWID"
    )


def _messages(conn: sqlite3.Connection, chat_id: int, on_skip: SkipFn) -> Iterator[Message]:
    try:
        for row in conn.execute(_select(conn), (chat_id,)):
            message = to_message(row)
            if message is None:
                on_skip(f"message {row[0]}", "no readable date or text")
            else:
                yield message
    except UNREADABLE as exc:
        raise FormatError(f"cannot read the Messages database ({exc})") from exc


def to_message(row: tuple[Any, ...]) -> Message | None:
    _, date, from_me, handle, text, body, item_type, reaction, has_files, group_title = row
    ts = apple_time(date)
    if ts is None:
        return None
    author = ME if from_me else str(handle or "Unknown")
    if text is None and body is not None:
        text = attributed_text(body)
        if text is None and not has_files:
            return None
    if text is None and not (has_files or item_type or reaction):
        return None  # neither text nor attributedBody nor a file: nothing to show
    text = str(text or "")
    if item_type:
        return Message(ts, author, text or str(group_title or "group event"), "system")
    if reaction and 2000 <= int(reaction) < 4000:
        return Message(ts, author, text or "reaction", "system")
    if has_files or OBJECT in text:
        return Message(ts, author, text.replace(OBJECT, "").strip() or "attachment", "media")
    return Message(ts, author, text, "message")


def apple_time(value: Any) -> str | None:
    """Apple epoch seconds or (macOS 10.13+) nanoseconds as UTC text."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    seconds = value / 1e9 if abs(value) > 1e11 else value
    return from_unix(APPLE_EPOCH + seconds)


def attributed_text(blob: Any) -> str | None:
    """The plain string inside an archived NSAttributedString, where it has the usual layout."""
    if not isinstance(blob, bytes):
        return None
    start = blob.find(b"NSString")
    if start < 0:
        return None
    plus = blob.find(b"+", start + 8, start + 16)
    if plus < 0 or plus + 1 >= len(blob):
        return None
    size, offset = _length(blob, plus + 1)
    if size is None or offset + size > len(blob):
        return None
    try:
        return blob[offset : offset + size].decode("utf-8")
    except UnicodeDecodeError:
        return None


def _length(blob: bytes, at: int) -> tuple[int | None, int]:
    """A typedstream length: one byte, or 0x81 + 2 bytes, or 0x82 + 4 bytes (little-endian)."""
    first = blob[at]
    widths = {0x81: 2, 0x82: 4}
    if first < 0x80:
        return first, at + 1
    width = widths.get(first)
    if width is None or at + 1 + width > len(blob):
        return None, at
    return int.from_bytes(blob[at + 1 : at + 1 + width], "little"), at + 1 + width


def _open(source: Source, fp: BinaryIO, reading: Reading) -> Iterator[Conversation]:
    # The -wal beside a database on disk holds its newest messages; an upload has none.
    wal = source.path.with_name(source.path.name + "-wal") if source.on_disk else None
    return conversations(fp, name=str(source), chat=reading.chat, on_skip=reading.on_skip, wal=wal)


FORMATS = (
    Format(
        "imessage",
        "iMessage: the macOS chat.db",
        by_content(sniff),
        _open,
        (".db",),
        fallback=True,
    ),
)
