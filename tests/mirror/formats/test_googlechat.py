"""Google Chat from Google Takeout: direct messages and spaces, as a zip, a folder or a file."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.base.errors import FormatError
from tarry.mirror.formats import Reaction, Ref, googlechat, registry
from tarry.mirror.formats.contract import Reading
from tests.mirror.formats.parsing import fixture, messages_or_format_error, parse_bytes

TAKEOUT = fixture("googlechat")
DM = TAKEOUT / "Takeout" / "Google Chat" / "Groups" / "DM 7qXk2A" / "messages.json"
EXPECTED = [
    (
        "Robin Vale",
        "Alex Moss",
        [
            ("2024-06-04T09:30:15Z", "Robin Vale", "Coffee after the standup?", "message"),
            ("2024-06-04T09:31:02Z", "Alex Moss", "Yes, the usual place", "message"),
            ("2024-06-04T13:05:00Z", "Robin Vale", "receipt.pdf", "media"),
        ],
    ),
    (
        "Trail crew",
        "Alex Moss",
        [
            ("2024-06-08T07:00:00Z", "Kai Ito", "Trailhead at 8", "message"),
            ("2024-06-08T07:02:00Z", "Lena Park", "Bringing snacks", "message"),
        ],
    ),
]


def read(path: Path, **reading: object) -> list[tuple[str, str | None, list[tuple[str, ...]]]]:
    with registry.opened(path, reading=Reading(**reading)) as export:  # type: ignore[arg-type]
        assert export.format.name == "googlechat"
        return [(c.title, c.me, [tuple(m) for m in c.messages]) for c in export.conversations]


def _zip(tmp_path: Path) -> Path:
    archive = tmp_path / "takeout-20240610T000000Z-001.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for path in sorted(TAKEOUT.rglob("*.json")):
            out.write(path, path.relative_to(TAKEOUT).as_posix())
    return archive


def test_the_takeout_folder(tmp_path: Path) -> None:
    skipped: list[tuple[str, str]] = []
    assert read(TAKEOUT, on_skip=lambda *s: skipped.append(s)) == EXPECTED
    assert [reason for _, reason in skipped] == ["no readable created_date"]


def test_the_takeout_zip(tmp_path: Path) -> None:
    assert read(_zip(tmp_path)) == EXPECTED


def test_one_messages_file_beside_its_group_info() -> None:
    """Its members name it (who the owner is, only the whole export says)."""
    assert read(DM) == [("Robin Vale, Alex Moss", None, EXPECTED[0][2])]


def test_one_messages_file_alone(tmp_path: Path) -> None:
    alone = tmp_path / "messages.json"
    shutil.copyfile(DM, alone)
    got = parse_bytes(googlechat, alone.read_bytes(), "messages.json")
    assert [tuple(m) for m in got] == EXPECTED[0][2]
    assert got[0].ref == Ref("7qXk2A/t1/t1", "", (Reaction("alex@example.invalid", "☕"),))


def test_reactions_are_named_and_quotes_are_replies() -> None:
    with registry.opened(TAKEOUT) as export:
        dm, space = ([m.ref for m in c.messages] for c in export.conversations)
    assert dm[0] == Ref("7qXk2A/t1/t1", "", (Reaction("Alex Moss", "☕"),))
    assert dm[1] == Ref("7qXk2A/t2/t2", "7qXk2A/t1/t1")
    assert space[0] is not None
    assert space[0].reactions == (Reaction("Lena Park", "👍"), Reaction("Alex Moss", "👍"))


@pytest.mark.parametrize(
    ("text", "ts"),
    [
        ("Tuesday, June 4, 2024 at 9:30:15 AM UTC", "2024-06-04T09:30:15Z"),
        ("Tuesday, June 4, 2024 at 12:05:00\u202fAM UTC", "2024-06-04T00:05:00Z"),
        ("June 4, 2024 at 9:30 PM", "2024-06-04T21:30:00"),
        ("Tuesday, Juno 4, 2024 at 9:30:15 AM UTC", None),
    ],
)
def test_dates(text: str, ts: str | None) -> None:
    assert googlechat.read_date(text) == ts


def test_a_zip_without_google_chat_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "other.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("Takeout/Mail/All mail.mbox", "From x")
    with pytest.raises(FormatError, match=r"no Google Chat messages\.json"):
        list(googlechat.conversations(io.BytesIO(archive.read_bytes()), name="other.zip"))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_messages_or_a_format_error(data: bytes) -> None:
    messages_or_format_error(googlechat, b'{"messages": [{"creator": ' + data)


def test_importing_the_takeout_folder(store: object) -> None:
    from tarry.mirror.chats import import_chat

    summary = import_chat(store, TAKEOUT)  # type: ignore[arg-type]
    assert summary.format == "googlechat"
    assert [(c.title, c.me, c.messages) for c in summary.conversations] == [
        ("Robin Vale", "Alex Moss", 3),
        ("Trail crew", "Alex Moss", 2),
    ]
    assert summary.skipped == 1
    reactions = store.query("SELECT author, emoji, is_me FROM reactions ORDER BY id")  # type: ignore[attr-defined]
    assert [tuple(r) for r in reactions] == [
        ("Alex Moss", "☕", 1),
        ("Lena Park", "👍", 0),
        ("Alex Moss", "👍", 1),
    ]
    assert store.scalar("SELECT COUNT(*) FROM message_replies") == 1  # type: ignore[attr-defined]
