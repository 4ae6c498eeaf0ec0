"""Endless .ics lines: refused, naming the line, before the file is read whole; store untouched."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tarry.base.errors import FormatError
from tarry.calendar.ics_import import import_calendar
from tarry.calendar.ics_scan import MAX_LINE, content_lines, lines
from tarry.store import Store

EVENT = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n"
    b"DTSTART:20261120T100000Z\r\nDTEND:20261120T110000Z\r\nSUMMARY:hello\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


class Counting(io.BytesIO):
    """Remembers how many bytes were read from it."""

    taken = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.taken += len(data)
        return data


def test_endless_line_is_refused_after_the_limit_not_at_the_end() -> None:
    data = Counting(b"BEGIN:VCALENDAR\r\nX-A:" + b"a" * (MAX_LINE * 3))
    with pytest.raises(FormatError) as caught:
        list(lines(data, "cal.ics"))
    assert caught.value.line == 2
    assert str(caught.value).startswith("cal.ics, line 2: the line starting here is longer than")
    assert data.taken < MAX_LINE + (2 << 20)


def test_lines_under_the_limit_are_read_whole() -> None:
    data = EVENT + b"X-B:" + b"b" * (3 << 20) + b"\r\n"
    found = list(lines(io.BytesIO(data), "cal.ics"))
    assert found[-1] == (11, "X-B:" + "b" * (3 << 20))
    assert [text for _, text in found] == data.decode().split("\r\n")[:-1]


def test_a_file_is_read_in_chunks_as_lines_are_taken() -> None:
    data = Counting(EVENT * 20_000)  # 3.6 MB
    first = next(lines(data, "cal.ics"))
    assert first == (1, "BEGIN:VCALENDAR") and data.taken <= 1 << 20


def test_folded_line_longer_than_the_limit_is_refused_at_its_first_line() -> None:
    text = "BEGIN:VCALENDAR\r\nX-A:a\r\n" + " " + "b" * (MAX_LINE // 2) + "\r\n"
    text += (" " + "c" * (MAX_LINE // 2) + "\r\n") * 2
    with pytest.raises(FormatError) as caught:
        content_lines(text, "cal.ics")
    assert caught.value.line == 2


def test_folded_lines_unfold() -> None:
    text = "BEGIN:VCALENDAR\r\nSUMMARY:hel\r\n lo\r\n\r\n\tthere\r\nEND:VCALENDAR\r\n"
    assert content_lines(text) == [
        (1, "BEGIN:VCALENDAR"),
        (2, "SUMMARY:hellothere"),
        (6, "END:VCALENDAR"),
    ]


def test_import_of_an_endless_line_changes_nothing(store: Store, tmp_path: Path) -> None:
    good, bad = tmp_path / "good.ics", tmp_path / "bad.ics"
    good.write_bytes(EVENT)
    import_calendar(store, good)
    before = store.query("SELECT key, summary FROM time_blocks ORDER BY key")
    bad.write_bytes(EVENT + b"BEGIN:VCALENDAR\r\nX-A:" + b"a" * (MAX_LINE + 1))
    with pytest.raises(FormatError, match="line 12: the line starting here is longer"):
        import_calendar(store, bad)
    assert store.query("SELECT key, summary FROM time_blocks ORDER BY key") == before
    assert len(before) == 1
