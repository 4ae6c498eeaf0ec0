"""LINE chat history .txt: English and Japanese, newer and older layouts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.base.errors import FormatError
from tarry.mirror.formats import line, registry
from tests.mirror.formats.parsing import fixture, messages_or_format_error, parse_bytes, parse_file

M, S, MEDIA = "message", "system", "media"
EXPECTED = {
    "[LINE] Chat history with Sakura.txt": [
        ("2024-06-01T10:00:00", "Sakura", "Hello!", M),
        ("2024-06-01T10:01:00", "Taro", "Hi, how was the trip?", M),
        (
            "2024-06-01T10:02:00",
            "Sakura",
            'Great.\nWe saw "the" falls\n10:30\tnot a header, still the text',
            M,
        ),
        ("2024-06-01T10:03:00", "Taro", "[Photo]", MEDIA),
        ("2024-06-01T10:04:00", "Sakura", "[Sticker]", MEDIA),
        ("2024-06-01T10:05:00", "Sakura", "☎ Missed call", S),
        ("2024-06-01T10:06:00", "Taro", "Taro unsent a message.", S),
        ("2024-06-01T10:07:00", "", "Sakura joined the group.", S),
        ("2024-06-02T08:15:00", "Taro", "Morning", M),
    ],
    "[LINE] さくらとのトーク履歴.txt": [
        ("2015-03-01T09:00:00", "さくら", "おはよう", M),
        ("2015-03-01T09:01:00", "太郎", "[写真]", MEDIA),
        ("2015-03-01T09:02:00", "さくら", "また明日\n続きの行", M),
        ("2015-03-01T09:03:00", "太郎", "太郎がメッセージの送信を取り消しました", S),
        ("2015-03-02T21:30:00", "太郎", "おやすみ", M),
    ],
    "ken_2016.txt": [
        ("2016-01-02T09:05:00", "Ken", "Lunch?", M),
        ("2016-01-02T13:40:00", "Me", "sure", M),
    ],
}
TITLES = {
    "[LINE] Chat history with Sakura.txt": "Sakura",
    "[LINE] さくらとのトーク履歴.txt": "さくら",
    "ken_2016.txt": "Ken",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_layout_parses_to_exact_messages(name: str) -> None:
    path = fixture("line", name)
    assert registry.detect(path).name == "line"
    assert [tuple(m) for m in parse_file(line, path)] == EXPECTED[name]
    with path.open("rb") as fp:
        assert [c.title for c in line.conversations(fp, name=name)] == [TITLES[name]]


def test_the_weekday_settles_a_day_that_reads_both_ways() -> None:
    data = b"[LINE] Chat history with A\n\nTue, 5/3/2024\n10:00\tA\thi\n"
    assert parse_bytes(line, data)[0].ts == "2024-03-05T10:00:00"  # 3 May 2024 was a Friday


def test_twelve_hour_times() -> None:
    data = "[LINE] Chat history with A\n\n2024/06/01(Sat)\nPM 3:05\tA\thi\n午前1:00\tB\tyo\n"
    assert [m.ts for m in parse_bytes(line, data.encode())] == [
        "2024-06-01T15:05:00",
        "2024-06-01T01:00:00",
    ]


def test_a_file_without_the_header_is_refused_at_its_line() -> None:
    with pytest.raises(FormatError) as caught:
        parse_bytes(line, b"\nhello\n")
    assert caught.value.line == 2


def test_other_exports_are_not_line() -> None:
    assert not line.sniff(b"01/02/2021, 10:00 - Ada: hi\n")
    assert not line.sniff(b"[2021-01-02 10:00] Ada: hi\n")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_messages_or_a_format_error(text: str) -> None:
    messages_or_format_error(
        line, ("[LINE] Chat history with A\n\n2024/06/01(Sat)\n" + text).encode()
    )


def test_importing_a_line_chat(store: object) -> None:
    from tarry.mirror.chats import import_chat

    path = fixture("line", "[LINE] Chat history with Sakura.txt")
    summary = import_chat(store, path, me="Taro")  # type: ignore[arg-type]
    (chat,) = summary.conversations
    assert (summary.format, chat.title, chat.messages, chat.new) == ("line", "Sakura", 9, 9)
    assert import_chat(store, path, me="Taro").new == 0  # type: ignore[arg-type]
