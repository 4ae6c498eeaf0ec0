"""WhatsApp exports: the layouts in tests/data/whatsapp, zips, errors, other projects' corpora."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tarry.base.errors import FormatError
from tarry.mirror.formats import Message, whatsapp, whatsapp_text
from tarry.mirror.formats.whatsapp_text import is_system_author, split_edited

from .parsing import corpus, fixture, parse_file, target

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
    with pytest.raises(FormatError, match="no WhatsApp message header found"):
        parse_bytes(b"just some words\n")


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
    with pytest.raises(FormatError):
        list(whatsapp.parse(io.BytesIO(bytes(data)), name="x.zip"))


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
