"""Generic CSV: columns by name or flag, sniffed dialect, timestamp layouts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.base.errors import FormatError
from tarry.mirror.formats import Message, csvchat, registry
from tarry.mirror.formats.csvchat import Columns
from tests.mirror.formats.parsing import fixture, messages_or_format_error, parse_file


def test_default_columns_iso_zones_unix_and_quoting() -> None:
    skipped: list[tuple[str, str]] = []
    got = parse_file(csvchat, fixture("csv", "chat.csv"), on_skip=lambda *s: skipped.append(s))
    assert got == [
        Message("2023-05-01T09:00:00", "Robin Vale", "Morning, coffee?"),
        Message("2023-05-01T07:01:00Z", "Alex Moss", "Yes, and a walk\nafter"),
        Message("2023-05-01T09:02:00", "Robin Vale", 'Comma, "quotes" and all'),
        Message("2023-05-01T09:03:00Z", "Alex Moss", "unix seconds"),
    ]
    assert skipped == [("line 6", "unreadable timestamp 'yesterday'")]


def test_columns_by_flag_semicolons_and_a_time_layout() -> None:
    columns = Columns(ts="Wann", author="2", text="was", ts_format="%d.%m.%Y %H:%M")
    got = parse_file(csvchat, fixture("csv", "custom.csv"), columns=columns)
    assert got == [
        Message("2023-05-01T21:15:00", "Sam Reed", "Gute Nacht"),
        Message("2023-05-01T21:16:00", "Alex Moss", "Schlaf gut"),
        Message("2023-05-02T07:00:00", "Sam Reed", "Foto"),
    ]


def test_kind_column_is_read() -> None:
    data = (
        b"ts,author,text,kind\n2023-01-01T10:00:00,A,joined,system\n2023-01-01T10:01:00,A,x,odd\n"
    )
    got = list(csvchat.parse(io.BytesIO(data), name="k.csv"))
    assert [m.kind for m in got] == ["system", "message"]


@pytest.mark.parametrize(
    ("data", "columns", "message"),
    [
        (b"", None, "the CSV file is empty"),
        (b"a,b,c\n1,2,3\n", None, "cannot tell which column holds the timestamp"),
        (b"ts,author,text\n", Columns(text="body"), "no column 'body' for the text"),
        (b"ts,author,text\nnope,A,x\n", None, "no row has a readable timestamp"),
        (b"ts,author,text\n\x00,A,x\n", None, "NUL|no row"),
    ],
)
def test_bad_csv_is_a_format_error(data: bytes, columns: Columns | None, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        list(csvchat.parse(io.BytesIO(data), name="bad.csv", columns=columns))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_messages_or_a_format_error(data: bytes) -> None:
    messages_or_format_error(csvchat, data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.text(max_size=12), min_size=1, max_size=4), max_size=6))
def test_any_rows_give_messages_or_a_format_error(rows: list[list[str]]) -> None:
    body = "\n".join(",".join(row) for row in rows)
    messages_or_format_error(csvchat, f"timestamp,author,text\n{body}".encode())


def test_semicolons_and_newlines_inside_quotes_are_text() -> None:
    path = fixture("csv", "semicolon_de.csv")
    assert registry.detect(path).name == "csv"
    assert [tuple(m) for m in parse_file(csvchat, path)] == [
        ("2024-03-01T10:00:00", "Anna", "Hallo; wie gehts?\nZweite Zeile", "message"),
        ("2024-03-01T10:05:00", "Ben", "Gut; danke", "message"),
        ("2024-03-01T10:06:00", "Anna", "Schön", "message"),
    ]


def test_the_delimiter_can_be_named(tmp_path: Path) -> None:
    path = tmp_path / "pipes.csv"
    path.write_text("when|who|what\n2024-03-01T10:00:00|Anna|a, b; c\n", encoding="utf-8")
    got = parse_file(csvchat, path, delimiter="|", columns=Columns("when", "who", "what"))
    assert [tuple(m) for m in got] == [("2024-03-01T10:00:00", "Anna", "a, b; c", "message")]


def test_one_column_says_to_name_the_delimiter(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("a~b~c\n1~2~3\n", encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        parse_file(csvchat, path)
    assert "one column" in str(caught.value.hint)
    assert caught.value.field == "delimiter" and caught.value.example == ";"


def test_a_delimiter_of_more_than_one_character_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pipes.csv"
    path.write_text("when|who|what\n", encoding="utf-8")
    with pytest.raises(FormatError, match="one character") as caught:
        parse_file(csvchat, path, delimiter="||")
    assert caught.value.field == "delimiter"
