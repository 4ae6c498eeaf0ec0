"""WhatsApp exports: the layouts in tests/data/whatsapp, zips, errors, other projects' corpora."""

from __future__ import annotations

import io
import os
import tracemalloc
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import pytest

from tarry.base.errors import FormatError
from tarry.mirror.formats import Message, whatsapp, whatsapp_text
from tarry.mirror.formats.whatsapp_text import is_system_author, split_edited

from .parsing import corpus, fixture, parse_file, target
from .parsing import parse_bytes as parse_via_registry

NOTICE = (
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them."
)
M, S, D = "message", "system", "media"

EXPECTED: dict[str, list[tuple[str, str, str, str]]] = {
    "android_dmy_24h.txt": [
        ("2021-12-31T22:15:00", "", NOTICE + " Tap to learn more.", S),
        ("2021-12-31T22:15:00", "", 'Ada created group "Supper club"', S),
        ("2021-12-31T22:16:00", "Ada", "Happy new year's eve 🎉", M),
        (
            "2021-12-31T22:17:00",
            "Bo 🌻",
            "note: dinner at 8\nsecond line\n"
            "01/01/2022, 10:15 we said we'd meet (not a header: no dash)\n"
            "31/13/2021, 10:15 - Bo: not a header either: month 13\n"
            "[2021-12-31 22:17] Someone: a header of another layout\n"
            "\nlast line after a blank one",
            M,
        ),
        ("2022-01-01T00:01:00", "+44 7700 900123", "<Media omitted>", D),
        ("2022-01-01T00:02:00", "Ada", "This message was deleted", S),
        ("2022-01-01T00:03:00", "Bo 🌻", "You deleted this message", S),
        ("2022-01-01T00:04:00", "Ada", "see you soon <This message was edited>", M),
        (
            "2022-01-01T00:05:00",
            "Bo 🌻",
            "IMG-20220101-WA0001.jpg (file attached)\nthe view from here",
            D,
        ),
        ("2022-01-01T00:06:00", "", "Ada left", S),
        ("2022-01-01T00:07:00", "Bo 🌻", "ok :)", M),
    ],
    "android_mdy_12h.txt": [
        ("2021-12-31T21:05:00", "Ada", "evening", M),
        ("2021-12-31T23:59:00", "Bo", "almost", M),
        ("2022-01-01T00:00:00", "Ada", "midnight", M),
        ("2022-01-01T12:30:00", "Bo", "noon-ish", M),
        ("2022-01-13T07:45:00", "Ada", "a week later", M),
    ],
    "ios_dmy_24h.txt": [
        ("2021-12-31T22:15:32", "Supper club", NOTICE, S),
        ("2021-12-31T22:15:33", "Supper club", "Ada added Bo", S),
        ("2021-12-31T22:16:01", "Ada", "Happy new year's eve", M),
        ("2021-12-31T22:16:40", "Bo", "image omitted", D),
        ("2021-12-31T22:17:00", "Bo", "<attached: 00000012-PHOTO-2021-12-31-22-17-00.jpg>", D),
        ("2021-12-31T22:18:09", "Ada", "two\nlines", M),
        ("2022-01-01T00:00:01", "Ada", "This message was deleted.", S),
        ("2022-01-01T00:00:02", "Bo", "it's 2022", M),
    ],
    "ios_mdy_12h.txt": [
        ("2022-01-02T09:05:10", "Ada", "morning", M),
        ("2022-01-02T21:05:11", "Bo", "evening", M),
        ("2022-01-14T00:00:00", "Ada", "midnight", M),
    ],
    "android_es_12h.txt": [
        ("2021-12-31T22:15:00", "Ada", "hola", M),
        ("2021-12-31T22:16:00", "Bo", "<Multimedia omitido>", D),
        ("2022-01-01T00:05:00", "Ada", "Se eliminó este mensaje.", S),
        ("2022-01-13T09:00:00", "Bo", "buenos días", M),
    ],
    "android_de_24h.txt": [
        ("2021-12-31T22:15:00", "Ada", "Hallo", M),
        ("2021-12-31T22:16:00", "Bo", "<Medien ausgeschlossen>", D),
        ("2022-01-01T08:00:00", "Ada", "Diese Nachricht wurde gelöscht", S),
        ("2022-01-13T08:00:00", "", "Bo hat Ada hinzugefügt", S),
    ],
    "android_fi_24h.txt": [
        ("2021-12-31T22:15:00", "Ada", "hei", M),
        ("2022-01-01T08:05:00", "Bo", "huomenta", M),
        ("2022-01-13T00:00:00", "Ada", "keskiyö", M),
    ],
    "android_ymd.txt": [
        ("2021-12-31T22:15:00", "Ada", "one", M),
        ("2022-01-01T08:05:00", "Bo", "two", M),
        ("2022-01-02T09:00:00", "Ada", "three", M),
    ],
    "ios_nl.txt": [
        ("2021-12-31T22:15:32", "Ada", "hallo", M),
        ("2021-12-31T22:15:40", "Bo", "afbeelding weggelaten", D),
        ("2022-01-01T08:00:00", "Ada", "gelukkig nieuwjaar", M),
    ],
    "bom_crlf.txt": [
        ("2021-12-31T22:15:00", "Ada", "first", M),
        ("2021-12-31T22:16:00", "Bo", "second\nwith a second line", M),
        ("2022-01-13T08:00:00", "Ada", "third", M),
    ],
}


def parse_bytes(data: bytes, **options: object) -> list[tuple[str, str, str, str]]:
    return [tuple(m) for m in whatsapp.parse(io.BytesIO(data), name="chat.txt", **options)]  # type: ignore[misc]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_parses_to_exact_messages(name: str) -> None:
    messages = parse_file(whatsapp, fixture("whatsapp", name))
    assert all(isinstance(m, Message) for m in messages)
    assert [tuple(m) for m in messages] == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_tiny_chunks_give_the_same_messages(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Records, CRLF pairs and UTF-8 sequences cut across chunk boundaries are carried over."""
    monkeypatch.setattr(whatsapp, "CHUNK", 7)
    assert [tuple(m) for m in parse_file(whatsapp, fixture("whatsapp", name))] == EXPECTED[name]


def test_ambiguous_date_order_is_an_error_naming_the_fix() -> None:
    data = fixture("whatsapp", "ambiguous.txt").read_bytes()
    with pytest.raises(FormatError) as caught:
        parse_bytes(data)
    assert caught.value.line == 1
    assert "ambiguous" in caught.value.message
    assert caught.value.field == "day_first" and "dmy" in str(caught.value.expected)


@pytest.mark.parametrize(("day_first", "ts"), [(True, "2021-02-01"), (False, "2021-01-02")])
def test_day_first_settles_the_order(day_first: bool, ts: str) -> None:
    data = fixture("whatsapp", "ambiguous.txt").read_bytes()
    assert parse_bytes(data, day_first=day_first) == [
        (f"{ts}T10:15:00", "Ada", "one", M),
        (f"{ts}T10:16:00", "Bo", "two", M),
    ]


def test_order_follows_the_field_that_changes_most() -> None:
    """No value above 12: the first field changes day to day, so it is the day."""
    lines = [f"{d:02d}/01/21, 10:00 - Ada: {d}\n" for d in range(1, 13)]
    assert parse_bytes("".join(lines).encode())[1][0] == "2021-01-02T10:00:00"


def test_two_digit_year_first_or_last_by_what_changes() -> None:
    """15-01-20 .. 23-01-20: the first field moves, so it is the day (20 is the year)."""
    lines = [f"[{d}-01-20 02:22:56] Mary: hi\n" for d in (15, 16, 17, 22, 23)]
    assert parse_bytes("".join(lines).encode())[0][0] == "2020-01-15T02:22:56"


def test_zip_yields_the_chat_and_lists_attachments(tmp_path: Path) -> None:
    archive = tmp_path / "WhatsApp Chat with Bo.zip"
    chat = fixture("whatsapp", "ios_dmy_24h.txt").read_bytes()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("_chat.txt", chat)
        zf.writestr("00000012-PHOTO-2021-12-31-22-17-00.jpg", b"\xff\xd8")
    with archive.open("rb") as fp:
        assert [tuple(m) for m in whatsapp.parse(fp, name=archive.name)] == EXPECTED[
            "ios_dmy_24h.txt"
        ]
    with archive.open("rb") as fp:
        assert whatsapp.attachments(fp, name=archive.name) == [
            "00000012-PHOTO-2021-12-31-22-17-00.jpg"
        ]
    assert not list(tmp_path.glob("*.jpg"))  # listed, never extracted


def test_plain_text_has_no_attachments() -> None:
    with fixture("whatsapp", "ios_nl.txt").open("rb") as fp:
        assert whatsapp.attachments(fp) == []


def test_zip_without_a_chat_file_is_an_error(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("photo.jpg", b"\xff\xd8")
    with pytest.raises(FormatError, match=r"expected one chat \.txt in the zip, found 0"):
        list(whatsapp.parse(io.BytesIO(buffer.getvalue()), name="x.zip"))


def test_damaged_zip_is_an_error() -> None:
    with pytest.raises(FormatError, match="not a readable zip"):
        list(whatsapp.parse(io.BytesIO(b"PK\x03\x04 broken"), name="x.zip"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sniff_knows_every_fixture(name: str) -> None:
    assert whatsapp.sniff(fixture("whatsapp", name).read_bytes()[:4096])


@pytest.mark.parametrize(
    "head",
    [b"", b'{"messages": []}', b"timestamp,author,text\n", b"[2019-12-24, 12:23] x\n" * 0, b"\x00"],
)
def test_sniff_rejects_other_files(head: bytes) -> None:
    assert not whatsapp.sniff(head)


def test_sniff_knows_a_shared_zip(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("WhatsApp Chat with Bo.txt", b"")
    assert whatsapp.sniff(buffer.getvalue()[:4096])


def test_not_utf8_names_the_byte() -> None:
    data = "31/12/2021, 22:15 - Ada: café\n".encode("latin-1")
    with pytest.raises(FormatError) as caught:
        parse_bytes(data)
    assert caught.value.byte == 28
    assert caught.value.message.endswith("not UTF-8 text")


def test_text_before_the_first_header_is_an_error() -> None:
    data = b"\nhello\n31/12/2021, 22:15 - Ada: hi\n"
    with pytest.raises(FormatError) as caught:
        parse_bytes(data)
    assert caught.value.line == 2
    assert "'hello'" in caught.value.message


@pytest.mark.parametrize("chunk", [5, 64, 1 << 20])
def test_a_day_that_does_not_exist_names_its_line(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whatsapp, "CHUNK", chunk)
    lines = ["", "", "31/12/2021, 22:15 - Ada: hi", "second"]
    lines += [f"{d:02d}/01/2022, 10:00 - Bo: {d}" for d in range(1, 29)]
    lines += ["30/02/2022, 10:00 - Bo: no such day", "01/03/2022, 10:00 - Bo: fine"]
    with pytest.raises(FormatError) as caught:
        parse_bytes("\r\n".join(lines).encode())
    assert caught.value.line == 33
    assert "'30/02/2022'" in caught.value.message


def test_not_a_chat_is_an_error() -> None:
    with pytest.raises(FormatError) as caught:
        parse_bytes(b"just some words\n")
    assert str(caught.value) == (
        "chat.txt, line 1: no WhatsApp message header found\n"
        "Expected lines like '31/12/2021, 10:15 - Name: text' (Android) or "
        "'[31/12/2021, 10:15:32] Name: text' (iOS). Is this a WhatsApp chat export?"
    )


def test_empty_input_has_no_messages() -> None:
    assert parse_bytes(b"") == []
    assert parse_bytes(b"\xef\xbb\xbf\r\n") == []


@pytest.mark.parametrize(
    "text",
    [
        "<Media omitted>",
        "<Medien ausgeschlossen>",
        "<Multimedia omitido>",
        "<Médias omis>",
        "<Media omessi>",
        "<Media weggelaten>",
        "<Mídia oculta>",
        "Datei.pdf (Datei angehängt)",
        "foto.jpg (archivo adjunto)",
        "photo.jpg (fichier joint)",
        "foto.jpg (file allegato)",
        "foto.jpg (bestand bijgevoegd)",
        "foto.jpg (arquivo anexado)",
    ],
)
def test_android_media_in_every_language(text: str) -> None:
    data = f"31/12/2021, 22:15 - Ada: {text}\n".encode()
    assert parse_bytes(data) == [("2021-12-31T22:15:00", "Ada", text, D)]


@pytest.mark.parametrize(
    "text",
    [
        "video omitted",
        "Bild weggelassen",
        "imagen omitida",
        "image absente",
        "immagine omessa",
        "afbeelding weggelaten",
        "imagem ocultada",
        "<Anhang: 00000003-PHOTO.jpg>",
    ],
)
def test_ios_media_in_every_language(text: str) -> None:
    data = f"\u200e[31/12/2021, 22:15:32] Ada: \u200e{text}\n".encode()
    assert parse_bytes(data) == [("2021-12-31T22:15:32", "Ada", text, D)]


@pytest.mark.parametrize(
    "text",
    [
        "Ce message a été supprimé",
        "Questo messaggio è stato eliminato",
        "Dit bericht is verwijderd",
        "Mensagem apagada",
        "Você apagou esta mensagem",
    ],
)
def test_deleted_in_every_language_is_system(text: str) -> None:
    data = f"31/12/2021, 22:15 - Ada: {text}\n".encode()
    assert parse_bytes(data) == [("2021-12-31T22:15:00", "Ada", text, S)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see you <This message was edited>", ("see you", True)),
        ("bis dann\n<Diese Nachricht wurde bearbeitet>", ("bis dann", True)),
        ("no marker", ("no marker", False)),
        ("no marker <This message was edited", ("no marker <This message was edited", False)),
        # iOS puts a LEFT-TO-RIGHT MARK before the marker
        ("see you\u200e<This message was edited>", ("see you", True)),
        # only the space or newline WhatsApp writes before the marker goes: the person's own
        # trailing characters (a tab, an X) stay
        ("love you XX <This message was edited>", ("love you XX", True)),
        ("a\tb\t <Dit bericht is bewerkt>", ("a\tb\t", True)),
        ("  indented\n<This message was edited>", ("  indented", True)),
    ],
)
def test_split_edited(text: str, expected: tuple[str, bool]) -> None:
    assert split_edited(text) == expected


@pytest.mark.parametrize(
    ("before_colon", "system"),
    [
        ('Alex changed the subject from "Trip', True),  # a phrase of the table
        ("Alex changed this group's settings", True),  # a phrase, no quote
        ('Alex renamed it "Trip', True),  # an odd quote and words around it (3 spaces)
        ('Alex renamed "A" to "B', True),  # three quotes: still odd
        ("Alex a renommé «Voyage", True),
        ('Ann "the boss" Lee', False),  # quotes in pairs: a nickname
        ('Bo "Bobby', False),  # an odd quote but too few words to say what happened
        ("Ana Maria de la Cruz", False),  # many words, no quote
        ("Ada", False),
    ],
)
def test_system_author_is_told_from_a_name(before_colon: str, system: bool) -> None:
    """The text before a colon on an Android line with no author of its own is a system line's
    words when it says what happened to the group or cuts a quote open."""
    assert is_system_author(before_colon) is system


def test_a_renamed_group_with_a_colon_is_one_system_line() -> None:
    data = (
        b"01/05/2024, 10:00 - Alex: hi\n"
        b'01/05/2024, 10:02 - Alex renamed it "Trip: Paris"\n'
        b"13/05/2024, 10:03 - Bo: ok\n"
    )
    assert parse_bytes(data)[1] == ("2024-05-01T10:02:00", "", 'Alex renamed it "Trip: Paris"', S)


@pytest.mark.parametrize(
    ("dot", "forms"),
    [
        (False, ["<Media omitted>", "\u200e<Media omitted>"]),
        (True, ["Gone", "Gone.", "\u200eGone", "\u200eGone."]),
    ],
)
def test_placeholder_variants(dot: bool, forms: list[str]) -> None:
    """Each placeholder is listed bare (Android) and after U+200E (iOS); deletions also with the
    full stop some versions add."""
    texts = ("<Media omitted>",) if not dot else ("Gone",)
    assert whatsapp_text._variants(texts, dot=dot) == forms
    for text in ("<Media omitted>", "\u200e<Media omitted>", "This message was deleted."):
        assert text in whatsapp_text.SPECIAL


def test_a_message_the_chat_name_wrote_is_still_a_message() -> None:
    """iOS 1:1 chats are named after the contact: only U+200E-marked lines are system lines."""
    data = (
        "\u200e[31/12/2021, 22:15:32] Bo: \u200eMessages and calls are end-to-end encrypted.\n"
        "[31/12/2021, 22:16:00] Bo: hello\n"
    ).encode()
    assert [m[3] for m in parse_bytes(data)] == [S, M]


CHAT_MINER = ("ddmmyy_24hrs", "mmddyy_24hrs", "mmddyyyy_12hrs", "yyyymmdd_24hrs", "[mmddyy]_24hrs")


@pytest.mark.parametrize("layout", CHAT_MINER)
def test_chat_miner_corpus(layout: str) -> None:
    """chat-miner's five layouts give its target messages, except where chat-miner is wrong.

    Deviations: chat-miner joins a multi-line text with a space, tarry keeps the newline; it
    drops system lines ("created group", "You were added", and "John Doe:." which lacks the
    ": " after the name), tarry keeps them as kind=system.
    """
    messages = parse_file(whatsapp, corpus("chat-miner", "test", "whatsapp", f"test_{layout}.txt"))
    expected = target("chat-miner", "test", "whatsapp", "target.json")
    ours = [m for m in messages if m.kind == M]
    assert [(m.ts, m.author, m.text.replace("\n", " ")) for m in ours] == [
        (t["timestamp"], t["author"], t["message"]) for t in expected
    ]
    assert sum("\n" in m.text for m in ours) == 2
    assert [(m.author, m.text) for m in messages if m.kind == S] == [
        ("", "John Doe:."),
        ("", '+12 345 578 created group "Groupname"'),
        ("", "You were added"),
    ]


@pytest.mark.parametrize(
    ("name", "records", "authors"),
    [("lorem.txt", 500, 4), ("lorem-2000.txt", 2000, 4), ("lorem-merge-part1.txt", 300, 4)],
)
def test_whatstk_corpus_counts(name: str, records: int, authors: int) -> None:
    messages = parse_file(whatsapp, corpus("whatstk", "chats", "whatsapp", name))
    assert len(messages) == records
    assert {m.kind for m in messages} == {M}
    assert len({m.author for m in messages}) == authors


def test_whatstk_pokemon() -> None:
    """whatstk counts 19 records and the chat's name as a 9th author; tarry keeps all 20 lines,
    and the opening encryption notice, written as if "Pokemon Chat" said it, is a system line."""
    messages = parse_file(whatsapp, corpus("whatstk", "chats", "whatsapp", "pokemon.txt"))
    assert len(messages) == 20
    assert [(m.author, m.kind) for m in messages[:3]] == [
        ("Pokemon Chat", S),
        ("", S),
        ("Ash Ketchum", M),
    ]
    assert len({m.author for m in messages if m.kind == M}) == 8
    assert messages[-1] == Message("2016-10-31T12:23:00", "Wobbuffet", "Wo-bbu-ffet", M)


def test_damaged_member_of_a_zip_is_an_error() -> None:
    chat = fixture("whatsapp", "android_de_24h.txt").read_bytes() * 50
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("WhatsApp Chat with Bo.txt", chat)
    data = bytearray(buffer.getvalue())
    data[60:80] = b"\x00" * 20  # inside the compressed chat
    with pytest.raises(FormatError) as caught:
        list(whatsapp.parse(io.BytesIO(bytes(data)), name="x.zip"))
    assert caught.value.path == "x.zip:WhatsApp Chat with Bo.txt"
    assert caught.value.message.startswith("x.zip:WhatsApp Chat with Bo.txt, byte 0: cannot read: ")


def test_a_header_like_body_line_does_not_change_the_layout() -> None:
    """A body line with an AM/PM marker among 24 h headers stays in its message."""
    lines = [f"{d:02d}/01/2022, 2{d % 4}:15 - Ada: {d}" for d in range(13, 20)]
    lines.insert(3, "15/01/2022, 10:15 am - quoted from elsewhere")
    messages = parse_bytes("\n".join(lines).encode())
    assert len(messages) == 7
    assert messages[2][2] == "15\n15/01/2022, 10:15 am - quoted from elsewhere"


def test_a_stray_four_digit_year_does_not_change_the_layout() -> None:
    lines = [f"{d:02d}/01/22, 10:15 - Ada: {d}" for d in range(13, 20)]
    lines.insert(3, "15/01/2022, 10:15 - quoted from elsewhere")
    messages = parse_bytes("\n".join(lines).encode())
    assert [m[2] for m in messages][2] == "15\n15/01/2022, 10:15 - quoted from elsewhere"


# --- Errors say where, what was expected and what to do -------------------------------------


def test_a_day_that_does_not_exist_says_how_dates_were_read() -> None:
    lines = ["31/12/2021, 22:15 - Ada: hi", "30/02/2022, 10:05 - Bo: no such day"]
    with pytest.raises(FormatError) as caught:
        parse_bytes("\n".join(lines).encode())
    assert str(caught.value) == (
        "chat.txt, line 2: no such date '30/02/2022' '10:05'\n"
        "Dates here are read as day/month/year; if that is wrong, say which comes first.\n"
        "day first: dmy (day first) or mdy (month first)."
    )


def test_a_day_that_does_not_exist_in_a_zip_names_the_member_and_line() -> None:
    chat = b"12/31/21, 9:15 PM - Ada: hi\n02/30/22, 9:16 PM - Bo: no such day\n"
    with pytest.raises(FormatError) as caught:
        list(whatsapp.parse(io.BytesIO(_zip({"WhatsApp Chat with Bo.txt": chat})), name="x.zip"))
    assert caught.value.path == "x.zip:WhatsApp Chat with Bo.txt"
    assert caught.value.line == 2
    assert "read as month/day/year" in str(caught.value.hint)


def test_damaged_zip_error_says_what_to_do() -> None:
    for read in (whatsapp.parse, whatsapp.attachments):
        with pytest.raises(FormatError) as caught:
            list(read(io.BytesIO(b"PK\x03\x04 broken"), name="x.zip"))
        assert caught.value.path == "x.zip"
        assert caught.value.message.startswith("x.zip: not a readable zip (")
        assert caught.value.hint == "Export the chat again."
    with pytest.raises(FormatError) as caught:
        whatsapp.attachments(io.BytesIO(b"PK\x03\x04 broken"))
    assert caught.value.path == "input"  # the default name


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return buffer.getvalue()


CHAT = b"31/12/2021, 22:15 - Ada: hi\n"


@pytest.mark.parametrize(
    ("members", "chat"),
    [
        ({"_chat.txt": CHAT, "notes.txt": b"x"}, "_chat.txt"),  # iOS
        ({"readme.txt": b"x", "WhatsApp Chat with Bo.txt": CHAT}, "WhatsApp Chat with Bo.txt"),
        ({"Chats/Bo/_chat.txt": CHAT, "Chats/Bo/notes.txt": b"x"}, "Chats/Bo/_chat.txt"),
        ({"chat.txt": CHAT, "IMG-1.jpg": b"\xff\xd8"}, "chat.txt"),  # the only .txt
    ],
)
def test_the_chat_is_found_among_the_members(members: dict[str, bytes], chat: str) -> None:
    data = _zip(members)
    assert whatsapp.chat_member(zipfile.ZipFile(io.BytesIO(data)), "x.zip") == chat
    assert parse_bytes(data) == [("2021-12-31T22:15:00", "Ada", "hi", M)]
    assert whatsapp.attachments(io.BytesIO(data)) == [m for m in members if m != chat]


def test_a_zip_with_several_chats_is_an_error_listing_five() -> None:
    data = _zip({f"WhatsApp Chat with {n}.txt": CHAT for n in "ABCDEF"})
    for read in (whatsapp.parse, whatsapp.attachments):
        with pytest.raises(FormatError) as caught:
            list(read(io.BytesIO(data), name="x.zip"))
        assert str(caught.value) == (
            "x.zip: expected one chat .txt in the zip, found 6: ['WhatsApp Chat with A.txt', "
            "'WhatsApp Chat with B.txt', 'WhatsApp Chat with C.txt', "
            "'WhatsApp Chat with D.txt', 'WhatsApp Chat with E.txt']\n"
            "Share the chat again from WhatsApp (Export chat), or unzip it and pass the .txt."
        )


def _pipe(data: bytes, *, buffered: bool = True) -> BinaryIO:
    """The read end of a real pipe holding `data` (small enough for the pipe's buffer)."""
    read_end, write_end = os.pipe()
    os.write(write_end, data)
    os.close(write_end)
    return open(read_end, "rb", buffering=-1 if buffered else 0)


def test_a_text_read_from_a_pipe() -> None:
    """A pipe cannot be read twice: the date order is decided from what is read once."""
    with _pipe(CHAT) as fp:
        assert list(whatsapp.parse(fp)) == [Message("2021-12-31T22:15:00", "Ada", "hi", M)]
    ambiguous = fixture("whatsapp", "ambiguous.txt").read_bytes()
    with _pipe(ambiguous) as fp:
        assert [m.ts for m in whatsapp.parse(fp, day_first=True)] == [
            "2021-02-01T10:15:00",
            "2021-02-01T10:16:00",
        ]
    # no field above 12: the order is the likelier one, not a final one
    days = "".join(f"{d:02d}/01/21, 10:00 - Ada: {d}\n" for d in range(1, 13)).encode()
    with _pipe(days) as fp:
        assert [m.ts for m in whatsapp.parse(fp)][:2] == [
            "2021-01-01T10:00:00",
            "2021-01-02T10:00:00",
        ]


def test_a_zip_read_from_a_pipe() -> None:
    data = _zip({"WhatsApp Chat with Bo.txt": CHAT, "IMG-1.jpg": b"\xff\xd8"})
    with _pipe(data) as fp:
        assert list(whatsapp.parse(fp, name="pipe.zip")) == [
            Message("2021-12-31T22:15:00", "Ada", "hi", M)
        ]
    with _pipe(data) as fp:
        assert whatsapp.attachments(fp) == ["IMG-1.jpg"]


class Nameless:
    """A stream with no name that can neither peek nor seek."""

    def read(self, size: int = -1) -> bytes:
        return b""

    def seekable(self) -> bool:
        return False


def test_a_stream_that_can_neither_peek_nor_seek_is_refused_by_name() -> None:
    with _pipe(CHAT, buffered=False) as fp, pytest.raises(FormatError) as caught:
        list(whatsapp.parse(fp))
    assert str(caught.value) == f"{fp.name}: cannot read the input\nPass a file, not a pipe."
    with pytest.raises(FormatError) as caught:
        list(whatsapp.parse(Nameless()))
    assert caught.value.path == "input"


# --- Detection -----------------------------------------------------------------------------


def _local_header(member: bytes, extra: bytes = b"") -> bytes:
    """The start of a zip: a local file header naming `member`."""
    sizes = len(member).to_bytes(2, "little") + len(extra).to_bytes(2, "little")
    return b"PK\x03\x04" + bytes(22) + sizes + member + extra


@pytest.mark.parametrize(
    ("member", "extra", "found"),
    [
        (b"_chat.txt", b"", True),
        (b"WhatsApp Chat with Bo.txt", b"", True),
        # phones add extended-timestamp fields after the name
        (b"WhatsApp Chat with Bo.txt", b"UT\x05\x00\x01\x00\x00\x00\x00", True),
        (b"\xff_chat.txt", b"", True),  # a name that is not UTF-8 is read, not a crash
        (b"WhatsApp Image 2021-12-31.jpg", b"", False),  # a zip of photos
        (b"notes.txt", b"", False),
    ],
)
def test_sniff_reads_a_zip_by_its_first_member(member: bytes, extra: bytes, found: bool) -> None:
    assert whatsapp.sniff(_local_header(member, extra) + b"\x00" * 64) is found


def test_sniff_reads_a_head_cut_anywhere() -> None:
    """The head is the file's first bytes: a UTF-8 character may be cut in two at its end, and
    CRLF exports may start with a blank line."""
    head = "\r\n31/12/2021, 22:15 - Ada: café\r\n".encode()
    assert whatsapp.sniff(head[:-3])
    assert whatsapp.sniff(head)


# --- Text as written ------------------------------------------------------------------------


def test_blank_lines_after_a_record_are_the_exports_not_the_texts() -> None:
    data = (
        b"31/12/2021, 22:15 - Ada: trailing spaces are kept  \n"
        b"\n"
        b"31/12/2021, 22:15 - Ada: hugs XX\n"
        b"\n"
        b"31/12/2021, 22:16 - Ada added Malcolm X\n"
        b"\n"
        b"31/12/2021, 22:17 - Bo: last\n"
    )
    assert parse_bytes(data) == [
        ("2021-12-31T22:15:00", "Ada", "trailing spaces are kept  ", M),
        ("2021-12-31T22:15:00", "Ada", "hugs XX", M),
        ("2021-12-31T22:16:00", "", "Ada added Malcolm X", S),
        ("2021-12-31T22:17:00", "Bo", "last", M),
    ]


def test_the_first_and_the_last_record_keep_their_text() -> None:
    """A system line first, a blank line after it; the last message ends the file (with its
    own trailing spaces, or an X) and the blank lines after it are dropped."""
    for last in ("see you  ", "love you XX"):
        data = f"31/12/2021, 22:15 - Ada added Malcolm X\n\n31/12/2021, 22:16 - Bo: {last}\n\n"
        assert parse_bytes(data.encode()) == [
            ("2021-12-31T22:15:00", "", "Ada added Malcolm X", S),
            ("2021-12-31T22:16:00", "Bo", last, M),
        ]


@pytest.mark.parametrize("chunk", [1 << 20, 4096])
def test_a_day_that_does_not_exist_far_on_names_its_line(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(whatsapp, "CHUNK", chunk)
    lines = [f"31/12/2021, 22:{i % 60:02d} - Ada: {'words ' * 8}{i}" for i in range(6000)]
    lines[5000] += "\nsecond line\n\nfourth line"
    lines[5500] += "\na line of a long message" * 2000  # longer than a chunk
    lines.append("30/02/2022, 10:00 - Bo: no such day")
    with pytest.raises(FormatError) as caught:
        parse_bytes("\r\n".join(lines).encode())
    assert caught.value.line == 8004


def test_attachments_and_smileys_after_the_first_record() -> None:
    data = (
        b"31/12/2021, 22:15 - Ada: hi\n"
        b"31/12/2021, 22:16 - Ada: IMG-20211231-WA0001.jpg (file attached)\n"
        b"31/12/2021, 22:17 - Ada: ok :)\n"
        b"31/12/2021, 22:18 - Ada: (brackets)\n"
        b"31/12/2021, 22:19 - Ada: a\n"
    )
    assert [(m[2], m[3]) for m in parse_bytes(data)] == [
        ("hi", M),
        ("IMG-20211231-WA0001.jpg (file attached)", D),
        ("ok :)", M),
        ("(brackets)", M),
        ("a", M),
    ]


def test_a_long_message_by_the_contact_a_chat_is_named_after_is_a_message() -> None:
    data = (
        "\u200e[31/12/2021, 22:15:32] Bo: \u200eMessages and calls are end-to-end encrypted.\n"
        "[31/12/2021, 22:16:00] Bo: hello\nthere\n"
        "[31/12/2021, 22:17:00] Bo: \u200eIMG-1.jpg (file attached)\n"
    ).encode()
    assert [(m[1], m[2], m[3]) for m in parse_bytes(data)] == [
        ("Bo", "Messages and calls are end-to-end encrypted.", S),
        ("Bo", "hello\nthere", M),
        ("Bo", "IMG-1.jpg (file attached)", D),
    ]


def test_the_format_passes_the_date_order_on() -> None:
    """`day_first` given to the registry (the CLI's --date-order) reaches the parser."""
    data = fixture("whatsapp", "ambiguous.txt").read_bytes()
    for day_first, ts in ((True, "2021-02-01T10:15:00"), (False, "2021-01-02T10:15:00")):
        found = parse_via_registry(whatsapp, data, "ambiguous.txt", day_first=day_first)
        assert found[0].ts == ts
        zipped = _zip({"WhatsApp Chat with Bo.txt": data})
        assert parse_via_registry(whatsapp, zipped, "x.zip", day_first=day_first)[0].ts == ts


# --- Reading on: the date order, decided past the first chunk ------------------------------


@pytest.mark.parametrize("chunk", [1 << 20, 4096, 1000])
@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_an_order_decided_far_on_is_used_from_the_first_line(
    chunk: int, end: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Days that read either way fill the first 300,000 characters; the one date that only
    month first can read is the last line (no line end after it). Every message comes out, read
    month first, however the file is cut into chunks."""
    monkeypatch.setattr(whatsapp, "CHUNK", chunk)
    lines = [f"{m:02d}/05/2021, 10:{i % 60:02d} - Ada: {'words ' * 8}{i}" for m in range(1, 13)
             for i in range(500)]  # fmt: skip
    text = end.join([*lines, "01/20/2022, 10:00 - Bo: late"])
    if end == "\r\n":  # a BOM too, as Windows tools write
        text = "\ufeff" + text
    got = parse_bytes(text.encode())
    assert len(got) == 6001
    assert got[0] == ("2021-01-05T10:00:00", "Ada", f"{'words ' * 8}0", M)
    assert got[3000][0] == "2021-07-05T10:00:00"
    assert got[-2] == ("2021-12-05T10:19:00", "Ada", f"{'words ' * 8}499", M)  # past the sample
    assert got[-1] == ("2022-01-20T10:00:00", "Bo", "late", M)


@pytest.mark.parametrize("chunk", [1 << 20, 4096])
def test_an_order_decided_far_on_then_more(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The deciding date comes with thousands of lines still to read; a bad byte further on is
    named in the file read again from its start."""
    monkeypatch.setattr(whatsapp, "CHUNK", chunk)
    lines = [f"{m:02d}/05/2021, 10:00 - Ada: {'words ' * 8}{i}" for m in range(1, 13)
             for i in range(500)]  # fmt: skip
    lines += ["01/20/2022, 10:00 - Bo: late"]
    lines += [f"01/21/2022, 10:00 - Ada: {'words ' * 8}{i}" for i in range(3000)]
    got = parse_bytes("\n".join(lines).encode())
    assert len(got) == 9001
    assert got[0][0] == "2021-01-05T10:00:00"
    assert got[-1] == ("2022-01-21T10:00:00", "Ada", f"{'words ' * 8}2999", M)
    data = "\n".join(lines).encode() + b"\n\xe9"
    with pytest.raises(FormatError) as caught:
        parse_bytes(data)
    assert (caught.value.path, caught.value.byte) == ("chat.txt", len(data) - 1)


@pytest.mark.parametrize("chunk", [1 << 20, 4096, 1000])
def test_an_ambiguous_order_found_far_on_names_its_lines(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the last two lines can be read two ways: the question names them by number."""
    monkeypatch.setattr(whatsapp, "CHUNK", chunk)
    lines = [f"01/01/21, 10:{i % 60:02d} - Ada: {'words ' * 8}{i}" for i in range(6000)]
    lines += ["03/04/21, 10:00 - Bo: a", "05/06/21, 10:00 - Bo: b"]
    with pytest.raises(FormatError) as caught:
        parse_bytes(("\n" + "\n".join(lines)).encode())  # a blank line first
    assert caught.value.line == 6002
    assert "(line 6002: 03/04/21; line 6003: 05/06/21)" in caught.value.message


# --- Streaming: big exports are read a chunk at a time --------------------------------------


class Reading(io.BytesIO):
    """An export in memory that remembers how far it has been read."""

    furthest = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.furthest = max(self.furthest, self.tell())
        return data


def _ios_group(records: int) -> tuple[bytes, list[tuple[str, str, str, str]], list[int]]:
    """An iOS group export ('Supper club') of every kind of record, the messages it holds and
    the byte offset where each record ends."""
    club, lrm = "Supper club", "\u200e"
    shapes = [
        ("Ada", "plain words", "plain words", M),
        ("Bo", "two\nlines", "two\nlines", M),
        ("Bo", f"{lrm}image omitted", "image omitted", D),
        (club, f"{lrm}Ada added Cy", "Ada added Cy", S),
        ("Cy", f"{lrm}<attached: 00000012-PHOTO.jpg>", "<attached: 00000012-PHOTO.jpg>", D),
        ("Cy", f"{lrm}This message was deleted.", "This message was deleted.", S),
    ]
    out, expected, ends, size = [], [], [], 0
    start = datetime(2021, 12, 31, 22, 15, 32)
    for i in range(records):
        author, written, text, kind = shapes[i % len(shapes)]
        if i == 1000:  # once: a blank line before the next header
            author, written, text, kind = ("Ada", "a blank line after\n", "a blank line after", M)
        when = start + timedelta(seconds=7 * i)
        line = f"[{when:%d/%m/%Y, %H:%M:%S}] {author}: {written}\n".encode()
        out.append(line)
        size += len(line)
        ends.append(size)
        expected.append((when.isoformat(), author, text, kind))
    notice = f"{lrm}Messages and calls are end-to-end encrypted."
    out[0] = f"[31/12/2021, 22:15:32] {club}: {notice}\n".encode()
    expected[0] = ("2021-12-31T22:15:32", club, notice[1:], S)
    ends = [e + len(out[0]) - len("[31/12/2021, 22:15:32] Ada: plain words\n") for e in ends]
    return b"".join(out), expected, ends


@pytest.mark.parametrize("chunk", [1 << 20, 65536])
def test_a_big_export_streams(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """2.5 MB: every record comes out as written, and each is given before the parser has read
    more than its first sample and a chunk past it (memory is bounded by those, not the file)."""
    monkeypatch.setattr(whatsapp, "CHUNK", chunk)
    data, expected, ends = _ios_group(50_000)
    assert len(data) > 2 * (1 << 20) + (1 << 18)
    fp = Reading(data)
    got: list[tuple[str, ...]] = []
    for message in whatsapp.parse(fp, name="big.txt"):
        assert fp.furthest <= ends[len(got)] + chunk + 4 * whatsapp.SAMPLE
        got.append(tuple(message))
    assert got == expected


def test_text_before_the_first_header_is_named_with_the_layout_expected() -> None:
    junk = "x" * 30 + " " + "x" * 39  # a line of 70 characters, shown cut at 60
    data = f"\n{junk}\nmore\n31/12/2021, 22:15 - Ada: hi\n".encode()
    with pytest.raises(FormatError) as caught:
        parse_bytes(data)
    assert str(caught.value) == (
        f"chat.txt, line 2: expected a message header, found '{junk[:60]}'\n"
        "Lines in this export look like '31/12/2021, 10:15 - Name: text'. "
        "Is the file cut off at the start?"
    )


# --- The chat's own name: who writes the system lines of an iOS export -----------------------


@pytest.mark.parametrize(
    ("first", "later"),
    [
        # the notice, marked: the chat is named after its author, whose marked lines are system
        ("Bo: \u200eMessages and calls are end-to-end encrypted.", [S, M, S, D]),
        # the notice unmarked (some Android exports): the same
        ("Bo: Messages and calls are end-to-end encrypted.", [S, M, S, D]),
        # a marked photo or attachment first: nobody is the chat, Bo's marked lines stay his
        ("Bo: \u200eimage omitted", [D, M, M, D]),
        ("Bo: \u200e<attached: 00000001-PHOTO.jpg>", [D, M, M, D]),
        ("Bo: plain words", [M, M, M, D]),  # unmarked words: an ordinary first message
    ],
)
def test_the_chat_name_comes_from_the_first_record(first: str, later: list[str]) -> None:
    data = (
        f"[31/12/2021, 22:15:32] {first}\n"
        "[31/12/2021, 22:16:00] Bo: hello\n"
        "[31/12/2021, 22:17:00] Bo: \u200eBo changed this group's icon\n"
        "[31/12/2021, 22:18:00] Bo: \u200eimage omitted\n"
    ).encode()
    assert [m[3] for m in parse_bytes(data)] == later


@pytest.mark.parametrize(
    ("file_name", "title"),
    [
        ("WhatsApp Chat with Bo.txt", "Bo"),
        ("WhatsApp Chat with Xavier.txt", "Xavier"),
        ("WhatsApp Chat - Supper club.zip", "Supper club"),
        ("WhatsApp-Chat mit Xenia Lee.txt", "Xenia Lee"),
        ("Chats/WhatsApp Chat with Bo.txt", "Bo"),
        ("WhatsApp Chat with.txt", "WhatsApp Chat with"),  # nothing after: the whole stem
        ("bo-export.txt", "bo-export"),
    ],
)
def test_title_is_the_contact_or_group(file_name: str, title: str) -> None:
    assert whatsapp.title(Path(file_name)) == title


# --- Encodings: UTF-8 only, a bad byte named wherever the chunks fall ------------------------


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 1 << 20])
def test_a_byte_that_is_not_utf8_is_named_across_chunks(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two-byte characters (ü, é) cut by the chunk edge before the bad byte shift nothing."""
    monkeypatch.setattr(whatsapp, "CHUNK", chunk)
    good = "31/12/2021, 22:15 - Ada: üé".encode()
    with pytest.raises(FormatError) as caught:
        parse_bytes(good + b"\xe9t\xc3\xa9\n")
    assert str(caught.value) == (
        f"chat.txt, byte {len(good)}: not UTF-8 text\n"
        "WhatsApp writes UTF-8; was the file converted or damaged?"
    )


def test_a_bad_first_byte_and_a_cut_last_character_are_named() -> None:
    with pytest.raises(FormatError) as caught:
        parse_bytes(b"\xff31/12/2021, 22:15 - Ada: hi\n")
    assert caught.value.byte == 0
    data = "31/12/2021, 22:15 - Ada: café".encode()
    with pytest.raises(FormatError) as caught:
        parse_bytes(data[:-1])  # the file ends inside the é
    assert caught.value.byte == len(data) - 2


def test_a_line_of_spaces_before_the_first_header_is_refused() -> None:
    """Only empty lines may come before the first header."""
    with pytest.raises(FormatError) as caught:
        parse_bytes(b"\n  \n31/12/2021, 22:15 - Ada: hi\n")
    assert caught.value.line == 2


def test_a_stream_is_read_from_where_it_stands(monkeypatch: pytest.MonkeyPatch) -> None:
    """What came before the stream's position is not the export's, even when the date order
    is decided far on and the start is read again."""
    monkeypatch.setattr(whatsapp, "CHUNK", 4096)
    lines = [f"{m:02d}/05/2021, 10:00 - Ada: {'words ' * 8}{i}" for m in range(1, 13)
             for i in range(500)]  # fmt: skip
    lines.append("01/20/2022, 10:00 - Bo: only month first reads this")
    fp = io.BytesIO(b"31/12/2021, 22:15 - Eve: not this\n" + "\n".join(lines).encode())
    fp.readline()
    got = list(whatsapp.parse(fp, name="chat.txt"))
    assert len(got) == 6001
    assert got[0].author == "Ada" and got[0].ts == "2021-01-05T10:00:00"


def test_a_name_with_a_colon_is_learnt_from_the_records_that_repeat_it() -> None:
    """A contact saved as `Dr: Lee` writes `Dr: Lee: text` every time: after three such records
    the longer name is the author, from the first record on."""
    records = [
        ("Ada", "hi"),
        ("Dr: Lee", "hello"),
        ("Ada", "how are you?"),
        ("Dr: Lee", "fine"),
        ("Dr: Lee", "and you?"),
        ("Ada", "good: thanks"),
    ]
    data = "".join(f"31/12/2021, 22:1{i} - {w}: {t}\n" for i, (w, t) in enumerate(records))
    assert [(m[1], m[2]) for m in parse_bytes(data.encode())] == records


def test_an_input_without_a_name_is_called_input() -> None:
    with pytest.raises(FormatError) as caught:
        list(whatsapp.parse(io.BytesIO(b"just words\n")))
    assert caught.value.path == "input"


def test_lines_at_the_edges_of_the_sample_and_of_chunks_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Lines of 64 characters: the sample ends exactly at the end of line 4096, and a blank line
    falls exactly at the start of a chunk. The first line after the sample and every line after
    the blank one are read as headers with their numbers."""
    monkeypatch.setattr(whatsapp, "CHUNK", 64)

    def line(date: str, i: int, who: str = "Ada") -> str:
        return f"{date}, 10:00 - {who}: {i} {'w' * 63}"[:63] + "\n"

    sample = [line("01/01/21", i) for i in range(4096)]
    assert len("".join(sample)) == whatsapp.SAMPLE
    rest = [line("03/04/21", i, "Bo") for i in range(9)] + ["\n"]
    rest += [line("03/04/21", i) for i in range(10)] + [line("05/06/21", 1, "Bo")]
    with pytest.raises(FormatError) as caught:
        parse_bytes("".join(sample + rest).encode())
    assert caught.value.line == 4097
    assert "(line 4097: 03/04/21; line 4117: 05/06/21)" in caught.value.message


def test_reading_on_for_the_date_order_keeps_memory_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """13 MB whose date order only the last line settles: the parser reads it all to decide,
    then again to parse, holding a sample and a chunk at a time, never the file."""
    monkeypatch.setattr(whatsapp, "CHUNK", 1 << 16)
    lines = [f"{m:02d}/05/2021, 10:00 - Ada: {'words ' * 300}{i}" for m in range(1, 13)
             for i in range(600)]  # fmt: skip
    data = "\n".join([*lines, "01/20/2022, 10:00 - Bo: late"]).encode()
    tracemalloc.start()
    try:
        count = sum(1 for _ in whatsapp.parse(io.BytesIO(data), name="big.txt"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 7201
    assert peak < len(data) // 4


@pytest.mark.parametrize("same_day", [8_000, 50_000])  # past the sample; two chunks on
def test_an_ambiguous_error_names_the_lines_of_dates_read_past_the_sample(same_day: int) -> None:
    """Dates that settle nothing until far into the export: the error quotes them with the
    lines they are on, counted across continuation lines, the sample and the chunks read on."""
    lines = []
    for n in range(same_day):
        lines += [f"01/02/21, 10:{n % 60:02d} - Ada: hello {n}", "  more of it"]
    lines += ["02/03/21, 09:00 - Bo: later", "  and more", "03/04/21, 09:00 - Bo: later still"]
    with pytest.raises(FormatError) as caught:
        parse_bytes(("\n".join(lines) + "\n").encode())
    first = 2 * same_day + 1
    assert f"(line 1: 01/02/21; line {first}: 02/03/21; line {first + 2}: 03/04/21)" in (
        caught.value.message
    )
