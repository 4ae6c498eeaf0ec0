"""iMessage chat.db: read in memory with its write-ahead log, read-only, triggers never run."""

from __future__ import annotations

import hashlib
import io
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.base.errors import FormatError
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


@pytest.fixture
def live_chat(chat_db: Path) -> Iterator[sqlite3.Connection]:
    """The chat.db in WAL mode, open, with a message in its log only (never checkpointed)."""
    conn = sqlite3.connect(chat_db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute(
        "INSERT INTO message (ROWID, guid, text, handle_id, date, is_from_me)"
        " VALUES (9, 'm9', 'Bring snacks', 2, 707335620000000000, 0)"
    )
    conn.execute("INSERT INTO chat_message_join VALUES (2, 9)")
    conn.execute("DELETE FROM audit")
    yield conn
    conn.close()


def copy_pair(chat_db: Path, folder: Path) -> tuple[Path, Path]:
    """chat.db and chat.db-wal copied while the database is open (closing would checkpoint)."""
    folder.mkdir()
    for name in ("chat.db", "chat.db-wal"):
        shutil.copyfile(chat_db.with_name(name), folder / name)
    return folder / "chat.db", folder / "chat.db-wal"


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
    assert skipped == [
        ("message 4", "no readable date or text"),
        ("message 10", "no readable date or text"),
    ]


def test_the_database_is_never_written(chat_db: Path) -> None:
    before = hashlib.sha256(chat_db.read_bytes()).hexdigest()
    read(chat_db)
    assert hashlib.sha256(chat_db.read_bytes()).hexdigest() == before
    assert sqlite3.connect(chat_db).execute("SELECT COUNT(*) FROM audit").fetchone() == (0,)


SNACKS = Message("2023-06-01T18:07:00Z", "sam@example.invalid", "Bring snacks")


def test_messages_only_in_the_write_ahead_log_are_read(
    live_chat: sqlite3.Connection, chat_db: Path, tmp_path: Path
) -> None:
    db, wal = copy_pair(chat_db, tmp_path / "copy")
    assert db.read_bytes()[18:20] == b"\x02\x02"  # marked for WAL, opened in memory all the same
    with_log = read(db, wal=wal)
    assert [title for title, _, _ in with_log] == ["+10000000001", "Trip planning"]
    assert [len(messages) for _, _, messages in with_log] == [5, 3]
    assert with_log[1][2][-1] == SNACKS
    assert [len(messages) for _, _, messages in read(db)] == [5, 2]


def test_a_log_that_does_not_fit_is_reported_and_the_file_read_alone(
    live_chat: sqlite3.Connection, chat_db: Path, tmp_path: Path
) -> None:
    db, wal = copy_pair(chat_db, tmp_path / "copy")
    data = bytearray(wal.read_bytes())
    data[8:12] = (1000).to_bytes(4, "big")
    wal.write_bytes(data)
    skipped: list[tuple[str, str]] = []
    chats = read(db, wal=wal, on_skip=lambda *s: skipped.append(s))
    assert [len(messages) for _, _, messages in chats] == [5, 2]
    assert skipped == [
        (
            "chat.db-wal",
            "write-ahead log not applied: its page size 1000 is not a power of two from 512 to"
            " 65536; the newest messages may be missing (quit Messages, then import chat.db"
            " again)",
        ),
        ("message 4", "no readable date or text"),
        ("message 10", "no readable date or text"),
    ]


def test_an_import_writes_no_file_at_all(
    live_chat: sqlite3.Connection,
    chat_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db, wal = copy_pair(chat_db, tmp_path / "input")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    read_messages = []
    with db.open("rb") as fp:
        for conversation in imessage.conversations(fp, name=db.name, wal=wal):
            assert list(scratch.iterdir()) == []  # while the database is open, not only after
            read_messages += list(conversation.messages)
    assert len(read_messages) == 8 and read_messages[-1] == SNACKS
    assert list(scratch.iterdir()) == []
    assert sorted(p.name for p in db.parent.iterdir()) == ["chat.db", "chat.db-wal"]


def loaded_nowhere(*args: object) -> bytearray:
    raise AssertionError("the database was loaded into memory")


def test_a_file_with_no_log_is_read_in_place(
    chat_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing to apply: SQLite reads the file where it is (immutable), nothing is loaded."""
    in_memory = read(chat_db)  # by a bare name that is not the file: loaded in memory
    monkeypatch.setattr(imessage, "_image", loaded_nowhere)
    before = sorted(p.name for p in chat_db.parent.iterdir())
    with chat_db.open("rb") as fp:
        found = [
            (c.title, c.me, list(c.messages)) for c in imessage.conversations(fp, name=str(chat_db))
        ]
    assert found == in_memory
    assert sorted(p.name for p in chat_db.parent.iterdir()) == before  # no -wal, no -shm


def test_an_empty_log_beside_it_still_reads_in_place(
    chat_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wal = chat_db.with_name("chat.db-wal")
    wal.write_bytes(b"")
    monkeypatch.setattr(imessage, "_image", loaded_nowhere)
    with chat_db.open("rb") as fp:
        assert len(list(imessage.conversations(fp, name=str(chat_db), wal=wal))) == 2


def test_the_bytes_read_count_not_the_name(chat_db: Path, tmp_path: Path) -> None:
    """An upload named like a file on disk is read from its own bytes, never from that file."""
    other = tmp_path / "other.db"
    shutil.copyfile(chat_db, other)
    conn = sqlite3.connect(other)
    conn.execute("DELETE FROM chat WHERE ROWID = 2")
    conn.commit()
    conn.close()
    upload = io.BytesIO(other.read_bytes())
    titles = [c.title for c in imessage.conversations(upload, name=str(chat_db))]  # type: ignore[arg-type]
    assert titles == ["+10000000001"]


def test_an_import_with_a_progress_bar_reads_in_place(
    chat_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tarry.mirror.chats import import_chat
    from tarry.store import Store

    monkeypatch.setattr(imessage, "_image", loaded_nowhere)
    with Store.open(tmp_path / "home") as store:
        summary = import_chat(store, chat_db, fmt="imessage", progress=lambda done, total: None)
    assert summary.messages == 7


def test_one_chat_by_name(chat_db: Path) -> None:
    assert [title for title, _, _ in read(chat_db, chat="trip planning")] == ["Trip planning"]


def test_other_sqlite_files_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(FormatError, match=r"not a Messages chat\.db"):
        read(other)


def test_a_schema_with_bytes_that_are_not_utf8_is_refused(chat_db: Path) -> None:
    data = chat_db.read_bytes()
    chat_db.write_bytes(data.replace(b"CREATE TABLE chat (", b"CR\xffATE TABLE chat ("))
    with pytest.raises(FormatError, match=r"^chat\.db: not a readable SQLite database \(.*0xff"):
        read(chat_db)


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "chat.db"
    empty.write_bytes(b"")
    with pytest.raises(FormatError, match=r"not a Messages chat\.db"):
        read(empty)


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
