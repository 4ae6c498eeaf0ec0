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
from tests.mirror.formats.exploring import explore, exports
from tests.mirror.formats.parsing import fixture, messages_or_format_error, parse_file, seeds


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


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_messages_or_a_format_error(data: bytes) -> None:
    """Garbage is refused with the input named (it never reaches the message code)."""
    messages_or_format_error(csvchat, data)


def test_changed_exports_give_messages_or_a_format_error() -> None:
    explore(exports(seeds("csv", "chat.csv")), lambda data: messages_or_format_error(csvchat, data),
            examples=200, share=0.3)  # fmt: skip


CELLS = st.one_of(
    st.sampled_from(["2023-05-01T09:00:00", "2023-05-01 09:02:00", "2023-05-01T09:01:00+02:00",
                     "1682931600", "Robin Vale", "Alex", "hi", '"a, b"', "", '"']),
    st.text(max_size=12),
)  # fmt: skip


@st.composite
def rows(draw: st.DrawFn) -> list[list[str]]:
    """Rows that mostly look like messages (a time, an author, a text), with any cells mixed in."""
    out = []
    for _ in range(draw(st.integers(0, 6))):
        row = [draw(CELLS) for _ in range(3)]
        if draw(st.booleans()):
            row[0] = draw(st.sampled_from(["2023-05-01T09:00:00", "2023-05-01 09:02:00"]))
        out.append(row[: draw(st.integers(1, 4))])
    return out


def test_any_rows_give_messages_or_a_format_error() -> None:
    def check(body: list[list[str]]) -> int:
        text = "\n".join(",".join(row) for row in body)
        return messages_or_format_error(csvchat, f"timestamp,author,text\n{text}".encode())

    explore(rows(), check, examples=200, share=0.2)


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
