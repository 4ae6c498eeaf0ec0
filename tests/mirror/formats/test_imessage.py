"""iMessage chat.db: read from a private copy, read-only, triggers never run."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.errors import FormatError
from tarry.mirror.formats import Message, imessage
from tests.mirror.formats.parsing import fixture, messages_or_format_error


@pytest.fixture
def chat_db(tmp_path: Path) -> Path:
    path = tmp_path / "chat.db"
    conn = sqlite3.connect(path)
    conn.executescript(fixture("imessage", "chat.sql").read_text(encoding="utf-8"))
    conn.execute("DELETE FROM audit")
    conn.commit()
    conn.close()
    return path


def read(path: Path, **options: object) -> list[tuple[str, str | None, list[Message]]]:
    with path.open("rb") as fp:
        return [
            (c.title, c.me, list(c.messages))
            for c in imessage.conversations(fp, name=path.name, **options)  # type: ignore[arg-type]
        ]


def test_each_chat_with_apple_times_attributed_body_and_tapbacks(chat_db: Path) -> None:
    skipped: list[tuple[str, str]] = []
    chats = read(chat_db, on_skip=lambda *s: skipped.append(s))
    assert chats == [
        (
            "+10000000001",
            "Me",
            [
                Message("2023-06-01T18:00:00Z", "+10000000001", "Are you free tonight?"),
                Message("2023-06-01T18:01:00Z", "Me", "For you, always"),
                Message("2023-06-01T18:02:00Z", "+10000000001", "See you at 8"),
                Message("2023-06-01T18:03:00Z", "Me", "attachment", "media"),
                Message(
                    "2023-06-01T18:04:00Z", "+10000000001", "Loved “For you, always”", "system"
                ),
            ],
        ),
        (
            "Trip planning",
            "Me",
            [
                Message("2023-06-01T18:05:00Z", "sam@example.invalid", "Who brings the tent?"),
                Message("2023-06-01T18:06:00Z", "Me", "Trip planning", "system"),
            ],
        ),
    ]
    assert skipped == [("message 4", "no readable date or text")]


def test_the_database_is_never_written(chat_db: Path) -> None:
    before = hashlib.sha256(chat_db.read_bytes()).hexdigest()
    read(chat_db)
    assert hashlib.sha256(chat_db.read_bytes()).hexdigest() == before
    assert sqlite3.connect(chat_db).execute("SELECT COUNT(*) FROM audit").fetchone() == (0,)


def test_one_chat_by_name(chat_db: Path) -> None:
    assert [title for title, _, _ in read(chat_db, chat="trip planning")] == ["Trip planning"]


def test_other_sqlite_files_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(FormatError, match=r"not a Messages chat\.db"):
        read(other)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (707335200, "2023-06-01T18:00:00Z"),
        (707335200_000_000_000, "2023-06-01T18:00:00Z"),
        (None, None),
        (10**30, None),
    ],
)
def test_apple_time(value: object, expected: str | None) -> None:
    assert imessage.apple_time(value) == expected


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_give_messages_or_a_format_error(data: bytes) -> None:
    messages_or_format_error(imessage, b"SQLite format 3\x00" + data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=80))
def test_any_attributed_body_gives_text_or_none(blob: bytes) -> None:
    found = imessage.attributed_text(b"NSString\x01\x94\x84\x01+" + blob)
    assert found is None or isinstance(found, str)
