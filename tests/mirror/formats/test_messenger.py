"""Facebook Messenger and Instagram JSON: parts merged and sorted, mojibake repaired."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.base.errors import FormatError
from tarry.mirror.formats import Message, messenger
from tests.mirror.formats.exploring import explore, exports
from tests.mirror.formats.parsing import (
    corpus,
    fixture,
    messages_or_format_error,
    parse_bytes,
    parse_file,
    seeds,
    target,
)

THREAD = fixture("messenger", "inbox", "robinvale_1a2b")
EXPECTED = [
    Message("2023-03-28T10:36:40Z", "Robin Vale", "You unsent a message", "system"),
    Message("2023-03-28T10:38:20Z", "Robin Vale", "Hi été!"),
    Message("2023-03-28T10:40:00Z", "Alex Moss", "I wrote naïve and meant it"),
    Message("2023-03-28T10:41:40Z", "Alex Moss", "photos", "media"),
    Message("2023-03-28T10:43:20Z", "Alex Moss", "Robin called you.", "system"),
    Message("2023-03-28T10:45:00Z", "Robin Vale", "Café on Sunday? 😊"),
]


def test_folder_merges_parts_oldest_first() -> None:
    chats = [(c.title, list(c.messages)) for c in messenger.conversations_in_folder(THREAD)]
    assert chats == [("Robin Vale", EXPECTED)]


def test_zip_of_an_export_gives_each_thread(tmp_path: Path) -> None:
    archive = tmp_path / "facebook-alex.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for part in sorted(THREAD.iterdir()):
            out.write(part, f"your_activity/messages/inbox/robinvale_1a2b/{part.name}")
    with archive.open("rb") as fp:
        chats = [(c.title, list(c.messages)) for c in messenger.conversations(fp, name="f.zip")]
    assert chats == [("Robin Vale", EXPECTED)]


def test_one_part_with_a_bom() -> None:
    data = b"\xef\xbb\xbf" + (THREAD / "message_1.json").read_bytes()
    got = parse_bytes(messenger, data, "message_1.json")
    assert got == EXPECTED[3:]


@pytest.mark.parametrize(
    ("broken", "repaired"),
    [
        ("Caf\u00c3\u00a9", "Café"),
        ("na\u00efve", "naïve"),  # not valid UTF-8 once encoded: left as it was
        ("\u00f0\u009f\u0098\u008a", "😊"),
        ("plain", "plain"),
        ("日本", "日本"),
    ],
)
def test_mojibake_is_repaired_only_where_it_decodes(broken: str, repaired: str) -> None:
    assert messenger.fix_mojibake(broken) == repaired


def test_matches_chat_miner_instagram() -> None:
    got = parse_file(messenger, corpus("chat-miner", "test", "instagram", "test_export.json"))
    expected = target("chat-miner", "test", "instagram", "target.json")
    assert [(m.ts.rstrip("Z"), m.author, m.text) for m in got] == [
        (e["timestamp"], e["author"], e["message"]) for e in expected
    ]


def test_folder_without_parts_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"no message_\*\.json files"):
        list(messenger.conversations_in_folder(tmp_path))


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_messages_or_a_format_error(data: bytes) -> None:
    """Garbage is refused with the input named (it never reaches the message code)."""
    messages_or_format_error(messenger, data)


def test_changed_exports_give_messages_or_a_format_error() -> None:
    """Both parts of the thread with values replaced, retyped, removed or duplicated (this
    found a `"type": [...]` that raised TypeError)."""
    explore(exports(seeds("messenger")), lambda data: messages_or_format_error(messenger, data),
            examples=200, share=0.15)  # fmt: skip


def test_changed_zip_members_give_messages_or_a_format_error() -> None:
    """The same, as the members of a downloaded zip (both parts of one thread)."""

    def check(parts: list[bytes]) -> int:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as out:
            for number, part in enumerate(parts, 1):
                out.writestr(f"inbox/x/message_{number}.json", part)
        return messages_or_format_error(messenger, buffer.getvalue())

    changed = exports(seeds("messenger"))
    explore(st.lists(changed, min_size=1, max_size=2), check, examples=100, share=0.15)
