"""Android SMS and MMS from SMS Backup & Restore: people and groups, read as a stream."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.base.errors import FormatError
from tarry.mirror.formats import registry, sms
from tarry.mirror.formats.contract import Reading
from tests.mirror.formats.parsing import fixture, messages_or_format_error

BACKUP = fixture("sms", "sms-20240601.xml")


def chats(data: bytes, **options: object) -> list[tuple[str, str | None, list[tuple[str, ...]]]]:
    found = sms.conversations(io.BytesIO(data), name="sms.xml", **options)  # type: ignore[arg-type]
    return [(c.title, c.me, [tuple(m) for m in c.messages]) for c in found]


ROBIN = (
    "Robin Vale",
    "Me",
    [
        ("2024-06-01T07:00:00Z", "Robin Vale", "Running late, 10 min 😀", "message"),
        ("2024-06-01T07:01:00Z", "Me", "No rush.\nI'll get coffee", "message"),
        ("2024-06-01T08:02:00Z", "Robin Vale", "map.png", "media"),
    ],
)
UNKNOWN = (
    "+15550199",
    "Me",
    [("2024-06-01T07:01:40Z", "+15550199", "Your code is 123456", "message")],
)
GROUP = (
    "Robin Vale, Sam Lee",
    "Me",
    [
        ("2024-06-01T08:00:00Z", "Sam Lee", "Picnic at noon?", "message"),
        ("2024-06-01T08:01:00Z", "Me", "Yes! Here's the spot", "media"),
    ],
)


def test_people_groups_media_and_emoji() -> None:
    skipped: list[tuple[str, str]] = []
    assert chats(BACKUP.read_bytes(), on_skip=lambda *s: skipped.append(s)) == [
        ROBIN,
        UNKNOWN,
        GROUP,
    ]
    assert skipped == [("sms at 1717225400000", "a draft, never sent")]


def test_detected_by_content() -> None:
    assert registry.detect(BACKUP).name == "sms"


def test_a_big_backup_is_handed_on_in_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Grouping holds at most MAX_BUFFERED messages; a conversation then comes in parts."""
    monkeypatch.setattr(sms, "MAX_BUFFERED", 2)
    found = chats(BACKUP.read_bytes())
    robin = [m for title, _, messages in found if title == "Robin Vale" for m in messages]
    assert sorted(robin) == ROBIN[2]
    assert {title for title, _, _ in found} == {"Robin Vale", "+15550199", "Robin Vale, Sam Lee"}


def test_one_conversation_by_title() -> None:
    assert chats(BACKUP.read_bytes(), chat="robin vale") == [ROBIN]
    with pytest.raises(FormatError, match="no conversation titled 'Nobody'"):
        chats(BACKUP.read_bytes(), chat="Nobody")


class Trickle(io.RawIOBase):
    """Gives the bytes a few at a time, so references are cut between reads."""

    def __init__(self, data: bytes, size: int) -> None:
        self.data, self.size = data, size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: object) -> int:
        piece, self.data = self.data[: self.size], self.data[self.size :]
        buffer[: len(piece)] = piece  # type: ignore[index]
        return len(piece)


@pytest.mark.parametrize("size", [1, 3, 7, 64])
def test_surrogate_pairs_are_joined_across_reads(size: int) -> None:
    body = b'body="a&#55357;&#56832;b&#55357;c"'
    data = b'<smses><sms address="1" date="1717225200000" type="1" ' + body + b" /></smses>"
    repaired = io.BufferedReader(sms.Repaired(Trickle(data, size)))  # type: ignore[arg-type]
    assert b"a&#128512;b&#65533;c" in repaired.read()


def test_entities_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<smses><sms address="1" date="1717225200000" type="1" body="&b;" /></smses>'
    )
    with pytest.raises(FormatError, match="refused"):
        chats(bomb)


@pytest.mark.parametrize(
    ("encoding", "says"),
    [("UTFname-8", "unknown encoding"), ("Shift_JIS", "cannot be read in"), ("big5", "cannot")],
)
def test_an_encoding_the_parser_cannot_read_is_a_format_error(encoding: str, says: str) -> None:
    """Found by the atheris fuzzer: the XML parser's LookupError and ValueError escaped."""
    data = f'<?xml version="1.0" encoding="{encoding}"?><smses></smses>'.encode()
    with pytest.raises(FormatError, match=says):
        chats(data)


def test_broken_xml_names_the_line() -> None:
    data = b'<smses>\n<sms address="1" date="1717225200000" type="1" body="hi" />\n<sms address=\n'
    with pytest.raises(FormatError) as caught:
        chats(data)
    assert caught.value.line == 3


def test_an_import_keeps_each_conversation(store: object, tmp_path: Path) -> None:
    from tarry.mirror.chats import import_chat

    summary = import_chat(store, BACKUP)  # type: ignore[arg-type]
    assert {(c.title, c.me, c.messages) for c in summary.conversations} == {
        ("Robin Vale", "Me", 3),
        ("+15550199", "Me", 1),
        ("Robin Vale, Sam Lee", "Me", 2),
    }
    again = import_chat(store, BACKUP)  # type: ignore[arg-type]
    assert again.new == 0


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_messages_or_a_format_error(data: bytes) -> None:
    messages_or_format_error(sms, b"<smses>" + data)


def test_reading_uses_the_registry() -> None:
    found = list(registry.messages("sms", io.BytesIO(BACKUP.read_bytes()), reading=Reading()))
    assert len(found) == 6
