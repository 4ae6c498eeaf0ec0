"""Hostile sizes in chat files: endless lines and huge numbers are FormatErrors naming the place."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import BinaryIO

import pytest

from tarry.base.errors import FormatError
from tarry.mirror.formats import Message, csvchat, signal, telegram, whatsapp
from tarry.mirror.formats.jsonstream import JsonStream
from tarry.mirror.formats.limits import MAX_LINE
from tests.mirror.formats.parsing import parse_bytes

ENDLESS = b"a" * (MAX_LINE + 1)


def _messages(parse: Callable[..., Iterable[Message]], data: bytes) -> list[Message]:
    fp: BinaryIO = io.BytesIO(data)
    return list(parse(fp, name="chat"))


def test_whatsapp_message_longer_than_the_limit_is_refused_at_its_line() -> None:
    data = b"12/31/23, 9:15 PM - Alex: hi\n12/31/23, 9:16 PM - Robin: " + ENDLESS
    with pytest.raises(FormatError) as caught:
        _messages(whatsapp.parse, data)
    assert caught.value.line == 2
    assert "chat, line 2: the message starting here is longer than 16 million" in str(caught.value)


def test_whatsapp_message_longer_than_the_limit_after_an_unsettled_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Dates that read the same either way leave the order open, so the parser reads on
    looking for one that settles it; an endless message on the way is still refused at its
    line, after the file is read again from the start."""
    monkeypatch.setattr(whatsapp, "CHUNK", 1 << 16)
    data = b"01/01/21, 10:15 - Alex: hi\n" * 20000 + b"02/02/21, 10:16 - Robin: " + ENDLESS
    with pytest.raises(FormatError) as caught:
        _messages(whatsapp.parse, data)
    assert caught.value.line == 20001
    assert "the message starting here is longer than 16 million" in str(caught.value)


def test_whatsapp_long_message_under_the_limit_still_parses() -> None:
    text = "b" * (3 << 20)  # several read chunks without a newline
    data = f"12/31/23, 9:15 PM - Alex: {text}\n12/31/23, 9:16 PM - Robin: hi\n".encode()
    assert [(m.author, len(m.text)) for m in _messages(whatsapp.parse, data)] == [
        ("Alex", 3 << 20),
        ("Robin", 2),
    ]


def test_signal_line_longer_than_the_limit_is_refused_at_its_line() -> None:
    data = b"[2023-02-10 19:00:05] Robin Vale: hello\n[2023-02-10 19:01:00] Me: " + ENDLESS
    with pytest.raises(FormatError) as caught:
        [m for c in signal.conversations(io.BytesIO(data), name="chat") for m in c.messages]
    assert caught.value.line == 2
    assert "longer than 16 million characters" in str(caught.value)


def test_csv_line_longer_than_the_limit_is_refused_at_its_line() -> None:
    data = (
        b"timestamp,author,text\n2023-05-01T09:00:00,Robin,hello\n2023-05-01T09:00:01,A," + ENDLESS
    )
    with pytest.raises(FormatError) as caught:
        _messages(csvchat.parse, data)
    assert caught.value.line == 3


def test_json_number_over_the_int_digit_limit_names_its_byte() -> None:
    data = b'{"name": "Robin", "id": ' + b"9" * 5000 + b', "messages": []}'
    with pytest.raises(FormatError) as caught:
        parse_bytes(telegram, data, "chat")
    assert caught.value.byte == 24
    assert "chat, byte 24: a number in this JSON value has over 4,300 digits" in str(caught.value)


def test_json_number_in_an_array_item_names_the_item() -> None:
    stream = JsonStream(io.BytesIO(b'[{"a": 1}, {"ts": ' + b"1" * 4301 + b"}]"), "m.json")
    items = stream.items()
    assert next(items) == {"a": 1}
    with pytest.raises(FormatError) as caught:
        next(items)
    assert caught.value.byte == 11


def test_json_number_at_the_digit_limit_is_read() -> None:
    stream = JsonStream(io.BytesIO(b"[" + b"7" * 4300 + b"]"), "m.json")
    assert list(stream.items()) == [int("7" * 4300)]
