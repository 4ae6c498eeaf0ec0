"""Hostile inputs for every importer, built in code (tiny, synthetic; bombs are made on the fly).

Each case is (id, the `tarry import` arguments after the file, a builder writing the file).
Zip members named to escape (`../`, absolute, symlinks) carry a marker name that the test then
looks for outside the sandbox.
"""

from __future__ import annotations

import functools
import io
import sqlite3
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tarry.mirror.formats import sqlite_wal

DATA = Path(__file__).resolve().parents[1] / "data"
ESCAPE = "tarry-escaped-marker"
WHATSAPP = b"12/31/23, 9:15 PM - Alex: hello there\n12/31/23, 9:16 PM - Robin: hi\n"
CSV = b"timestamp,author,text\n2023-05-01T09:00:00,Robin,hello\n"
Build = Callable[[Path], None]


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    build: Build
    suffix: str = ""


def _bytes(data: bytes) -> Build:
    return lambda path: path.write_bytes(data)


def _zip(members: dict[str, bytes], *, symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if symlink:
            link = zipfile.ZipInfo(f"{ESCAPE}-link")
            link.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(link, symlink)
    return buffer.getvalue()


def zip_slip(main: str, content: bytes) -> Build:
    members = {
        main: content,
        f"../../{ESCAPE}-dotdot.txt": b"escaped",
        f"/tmp/{ESCAPE}-absolute.txt": b"escaped",
    }
    return _bytes(_zip(members, symlink="/etc/passwd"))


@functools.cache
def _deflated_zeros(size: int) -> tuple[bytes, int]:
    """A raw deflate stream of `size` zero bytes, and its CRC (made once per size)."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk, out, crc = bytes(1 << 20), [], 0
    for _ in range(size // len(chunk)):
        out.append(squeeze.compress(chunk))
        crc = zlib.crc32(chunk, crc)
    out.append(squeeze.flush())
    return b"".join(out), crc


def huge_member(name: str, size: int = 600 << 20) -> Build:
    """One member that inflates to `size` bytes (600 MiB of zeros: one endless line)."""

    def build(path: Path) -> None:
        data, crc = _deflated_zeros(size)
        path.write_bytes(_raw_zip([(name, data, crc, size)]))

    return build


def overlapping(name_of: Callable[[int], str], count: int = 200) -> Build:
    """`count` central-directory entries that all point at one 64 MiB member."""

    def build(path: Path) -> None:
        size = 64 << 20
        data, crc = _deflated_zeros(size)
        path.write_bytes(_raw_zip([(name_of(i), data, crc, size) for i in range(count)], True))

    return build


def _raw_zip(entries: list[tuple[str, bytes, int, int]], share: bool = False) -> bytes:
    """A zip written by hand; with `share`, every entry reuses the first local record."""
    body, central, offsets = b"", b"", []
    for index, (name, data, crc, size) in enumerate(entries):
        encoded = name.encode()
        fields = (20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0)
        if share and index:
            offsets.append(offsets[0])
        else:
            offsets.append(len(body))
            body += struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + encoded + data
        central += (
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, offsets[-1])
            + encoded
        )
    end = struct.pack(
        "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(body), 0
    )
    return body + central + end


def nested_zip(main: str, depth: int = 12) -> Build:
    def build(path: Path) -> None:
        data = _zip({main: bytes(10 << 20)})
        for level in range(depth):
            data = _zip({f"level{level}.zip": data, main: WHATSAPP})
        path.write_bytes(data)

    return build


def deep_json(depth: int = 200_000) -> Build:
    return _bytes(b"[" * depth + b"]" * depth)


def deep_object(key: bytes, depth: int = 200_000) -> Build:
    return _bytes(b"{" + key + b": " + b'{"a": ' * depth + b"1" + b"}" * depth + b"}")


def huge_int(template: bytes) -> Build:
    return _bytes(template.replace(b"HUGE", b"9" * 100_000))


def invalid_utf8(content: bytes) -> Build:
    return _bytes(content.replace(b"hello", b"hel\xff\xfe\xc3(lo"))


def utf16(content: bytes) -> Build:
    return _bytes(content.decode().encode("utf-16"))


def nul_bytes(content: bytes) -> Build:
    return _bytes(content.replace(b"hello", b"hel\x00\x00lo") + b"\x00" * 1000)


def endless_line(prefix: bytes, size: int = 300 << 20) -> Build:
    def build(path: Path) -> None:
        with path.open("wb") as out:
            out.write(prefix)
            chunk = b"a" * (1 << 20)
            for _ in range(size // len(chunk)):
                out.write(chunk)

    return build


# --- hostile SQLite files given as the iMessage database ------------------------------------


def _messages_db(path: Path, extra: str = "") -> None:
    conn = sqlite3.connect(path)
    conn.executescript((DATA / "imessage" / "chat.sql").read_text() + extra)
    conn.commit()
    conn.close()


def sqlite_views_and_triggers(path: Path) -> None:
    """`message` replaced by a view over an endless recursive query; triggers everywhere."""
    _messages_db(path)
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP TABLE message;"
        "CREATE VIEW message AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)"
        " SELECT x AS ROWID, 'spam' AS text, x AS date, 0 AS is_from_me, 1 AS handle_id FROM n;"
        "CREATE TRIGGER t AFTER INSERT ON chat BEGIN DELETE FROM handle; END;"
    )
    conn.close()


def sqlite_endless_view_only(path: Path) -> None:
    """Every table it reads exists, but `chat` joins to an endless view through a trigger-free
    table: reading must stay bounded or be refused."""
    _messages_db(
        path,
        "CREATE VIEW spam AS WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n)"
        " SELECT x FROM n; INSERT INTO audit SELECT 'x' FROM (SELECT 1);",
    )


def sqlite_corrupt_pages(path: Path) -> None:
    _messages_db(path)
    data = bytearray(path.read_bytes())
    for offset in range(4096 + 50, len(data), 997):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))


def sqlite_lying_header(path: Path) -> None:
    """The header claims 2^31 pages and a giant page size."""
    _messages_db(path)
    data = bytearray(path.read_bytes())
    data[28:32] = (2**31 - 1).to_bytes(4, "big")
    data[16:18] = (1).to_bytes(2, "big")  # 1 means 65536-byte pages
    path.write_bytes(bytes(data))


def wal_mode_messages_db(path: Path) -> bytes:
    """The Messages database at `path` in WAL mode, and a log of one commit made on it."""
    _messages_db(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;")
    conn.execute("INSERT INTO chat_message_join VALUES (1, 1)")
    wal = path.with_name(path.name + "-wal").read_bytes()
    conn.close()  # checkpoints and removes the log; the copy taken above is given back below
    return wal


def _claims_every_page(wal: bytes) -> bytes:
    """The first frame commits a database of 2^32 - 1 pages, with valid checksums."""
    frame = bytearray(wal[32 : 32 + 24 + int.from_bytes(wal[8:12], "big")])
    frame[4:8] = (2**32 - 1).to_bytes(4, "big")
    running = sqlite_wal.checksum(wal[:24])
    running = sqlite_wal.checksum(bytes(frame[:8] + frame[24:]), running)
    frame[16:24] = struct.pack(">II", *running)
    return wal[:32] + bytes(frame)


def sqlite_with_wal(damage: Callable[[bytes], bytes]) -> Build:
    """A WAL-mode Messages database with a damaged `-wal` file beside it."""

    def build(path: Path) -> None:
        wal = wal_mode_messages_db(path)
        path.with_name(path.name + "-wal").write_bytes(damage(wal))

    return build


# --- the cases -------------------------------------------------------------------------------

TELEGRAM = (
    b'{"name": "Robin", "type": "personal_chat", "id": HUGE, "messages": [{"id": HUGE,'
    b' "type": "message", "date": "2023-03-01T20:00:00", "date_unixtime": "HUGE",'
    b' "from": "Robin", "text": "hello"}]}'
)
DISCORD = (
    b'{"guild": {"id": "0", "name": "DM"}, "channel": {"id": "HUGE", "name": "robin"},'
    b' "messages": [{"id": "1", "timestamp": "2023-04-01T10:00:00+00:00", "content": "hello",'
    b' "author": {"id": "HUGE", "name": "robin", "nickname": "Robin"}, "type": "Default"}]}'
)
MESSENGER = (
    b'{"participants": [{"name": "Robin"}, {"name": "Alex"}], "messages": [{"sender_name":'
    b' "Robin", "timestamp_ms": HUGE, "content": "hello"}]}'
)
SIGNAL_MD = b"[2023-02-10 19:00:05] Robin Vale: hello\n[2023-02-10 19:01:00] Me: hi\n"
ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
    b"DTSTART:20261120T100000Z\r\nDTEND:20261120T110000Z\r\nSUMMARY:hello\r\n"
    b"RRULE:FREQ=DAILY;COUNT=HUGE;INTERVAL=HUGE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)
VCF = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Robin hello\r\nBDAY:1990-04-02\r\nEND:VCARD\r\n"
MESSENGER_MEMBER = "messages/inbox/robin_1/message_1.json"
SMALL_HUGE = b"123"


def _chat(fmt: str) -> tuple[str, ...]:
    return ("chat", "--format", fmt, "--me", "Robin")


def _cases() -> list[Case]:
    plain_messenger = MESSENGER.replace(b"HUGE", SMALL_HUGE)
    cases = [
        Case("whatsapp-zip-slip", _chat("whatsapp"), zip_slip("_chat.txt", WHATSAPP), ".zip"),
        Case("whatsapp-nested-zip", _chat("whatsapp"), nested_zip("_chat.txt"), ".zip"),
        Case("whatsapp-huge-member", _chat("whatsapp"), huge_member("_chat.txt"), ".zip"),
        Case(
            "whatsapp-overlapping",
            _chat("whatsapp"),
            overlapping(lambda i: f"WhatsApp Chat with R{i}.txt"),
            ".zip",
        ),
        Case("whatsapp-invalid-utf8", _chat("whatsapp"), invalid_utf8(WHATSAPP), ".txt"),
        Case("whatsapp-utf16", _chat("whatsapp"), utf16(WHATSAPP), ".txt"),
        Case("whatsapp-nul", _chat("whatsapp"), nul_bytes(WHATSAPP), ".txt"),
        Case(
            "whatsapp-endless-line",
            _chat("whatsapp"),
            endless_line(b"12/31/23, 9:15 PM - A: "),
            ".txt",
        ),
        Case(
            "messenger-zip-slip",
            _chat("messenger"),
            zip_slip(MESSENGER_MEMBER, plain_messenger),
            ".zip",
        ),
        Case("messenger-nested-zip", _chat("messenger"), nested_zip(MESSENGER_MEMBER), ".zip"),
        Case("messenger-huge-member", _chat("messenger"), huge_member(MESSENGER_MEMBER), ".zip"),
        Case(
            "messenger-overlapping",
            _chat("messenger"),
            overlapping(lambda i: f"messages/inbox/c{i}/message_1.json"),
            ".zip",
        ),
        Case("messenger-deep-json", _chat("messenger"), deep_json(), ".json"),
        Case("messenger-huge-int", _chat("messenger"), huge_int(MESSENGER), ".json"),
        Case("messenger-invalid-utf8", _chat("messenger"), invalid_utf8(plain_messenger), ".json"),
        Case("telegram-deep-json", _chat("telegram"), deep_json(), ".json"),
        Case("telegram-deep-object", _chat("telegram"), deep_object(b'"messages"'), ".json"),
        Case("telegram-huge-int", _chat("telegram"), huge_int(TELEGRAM), ".json"),
        Case(
            "telegram-invalid-utf8",
            _chat("telegram"),
            invalid_utf8(TELEGRAM.replace(b"HUGE", SMALL_HUGE)),
            ".json",
        ),
        Case(
            "telegram-utf16",
            _chat("telegram"),
            utf16(TELEGRAM.replace(b"HUGE", SMALL_HUGE)),
            ".json",
        ),
        Case(
            "telegram-nul",
            _chat("telegram"),
            nul_bytes(TELEGRAM.replace(b"HUGE", SMALL_HUGE)),
            ".json",
        ),
        Case("discord-deep-json", _chat("discord"), deep_json(), ".json"),
        Case("discord-huge-int", _chat("discord"), huge_int(DISCORD), ".json"),
        Case(
            "discord-invalid-utf8",
            _chat("discord"),
            invalid_utf8(DISCORD.replace(b"HUGE", SMALL_HUGE)),
            ".json",
        ),
        Case("signal-deep-json", _chat("signal"), deep_json(), ".json"),
        Case("signal-invalid-utf8", _chat("signal"), invalid_utf8(SIGNAL_MD), ".md"),
        Case("signal-nul", _chat("signal"), nul_bytes(SIGNAL_MD), ".md"),
        Case(
            "signal-endless-line",
            _chat("signal"),
            endless_line(b"[2023-02-10 19:00:05] A: "),
            ".md",
        ),
        Case("csv-invalid-utf8", _chat("csv"), invalid_utf8(CSV), ".csv"),
        Case("csv-utf16", _chat("csv"), utf16(CSV), ".csv"),
        Case("csv-nul", _chat("csv"), nul_bytes(CSV), ".csv"),
        Case(
            "csv-endless-line", _chat("csv"), endless_line(CSV + b"2023-05-01T09:00:01,A,"), ".csv"
        ),
        Case("imessage-views-triggers", _chat("imessage"), sqlite_views_and_triggers, ".db"),
        Case("imessage-endless-view", _chat("imessage"), sqlite_endless_view_only, ".db"),
        Case("imessage-corrupt-pages", _chat("imessage"), sqlite_corrupt_pages, ".db"),
        Case("imessage-lying-header", _chat("imessage"), sqlite_lying_header, ".db"),
        Case(
            "imessage-wal-lying-size", _chat("imessage"), sqlite_with_wal(_claims_every_page), ".db"
        ),
        Case(
            "imessage-wal-page-size",
            _chat("imessage"),
            sqlite_with_wal(lambda w: w[:8] + (65536).to_bytes(4, "big") + w[12:]),
            ".db",
        ),
        Case("imessage-wal-cut", _chat("imessage"), sqlite_with_wal(lambda w: w[:-1000]), ".db"),
        Case("calendar-huge-int", ("calendar",), huge_int(ICS), ".ics"),
        Case(
            "calendar-invalid-utf8", ("calendar",), invalid_utf8(ICS.replace(b"HUGE", b"3")), ".ics"
        ),
        Case("calendar-utf16", ("calendar",), utf16(ICS.replace(b"HUGE", b"3")), ".ics"),
        Case("calendar-nul", ("calendar",), nul_bytes(ICS.replace(b"HUGE", b"3")), ".ics"),
        Case(
            "calendar-deep-nesting", ("calendar",), _bytes(b"BEGIN:VCALENDAR\r\n" * 100_000), ".ics"
        ),
        Case(
            "calendar-endless-line", ("calendar",), endless_line(b"BEGIN:VCALENDAR\r\nX-A:"), ".ics"
        ),
        Case("contacts-invalid-utf8", ("contacts",), invalid_utf8(VCF), ".vcf"),
        Case("contacts-utf16", ("contacts",), utf16(VCF), ".vcf"),
        Case("contacts-nul", ("contacts",), nul_bytes(VCF), ".vcf"),
        Case("contacts-endless-line", ("contacts",), endless_line(b"BEGIN:VCARD\r\nFN:"), ".vcf"),
        Case(
            "contacts-endless-photo",
            ("contacts",),
            endless_line(VCF[:-11] + b"PHOTO;ENCODING=b:"),
            ".vcf",
        ),
        Case("contacts-deep-nesting", ("contacts",), _bytes(b"BEGIN:VCARD\r\n" * 200_000), ".vcf"),
    ]
    return cases


CASES = _cases()

# Importers that fail a case today, and how (reported to their owners; remove when fixed).
KNOWN_FAILURES: dict[str, str] = {}
