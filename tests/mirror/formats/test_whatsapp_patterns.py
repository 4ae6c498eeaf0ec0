"""WhatsApp exports as phones really write them: markers in any case, headers alone on their
line, colons in names, no-break spaces, right-to-left marks, placeholders in 25 languages and a
date order decided from every date in the file."""

from __future__ import annotations

import io

import pytest

from tarry.base.errors import FormatError
from tarry.mirror.formats import whatsapp, whatsapp_layout
from tarry.mirror.formats.whatsapp_text import SPECIAL
from tests.mirror.formats.parsing import fixture, parse_file

M, S, MEDIA = "message", "system", "media"
ENCRYPTED = (
    "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them."
)
AR_SARA, AR_AHMED = "سارة", "أحمد"
EXPECTED = {
    "android_mdy_12h_lower_dash.txt": [
        ("2019-09-18T16:48:10", "", ENCRYPTED, S),
        ("2019-09-18T16:49:00", "Jane Roe", "are you there?", M),
        ("2019-09-18T16:50:32", "John Doe", "text", M),
        ("2019-09-18T16:51:05", "Jane Roe", "good\nsecond line", M),
        ("2019-09-19T09:02:00", "John Doe", "morning", M),
    ],
    "android_header_only.txt": [
        ("2019-11-02T14:48:00", "John Doe", "the text starts\non the next line", M),
        ("2019-11-02T14:50:00", "Ann Lee", "ok", M),
        ("2019-11-02T14:51:00", "John Doe", "", M),
        ("2019-11-13T09:00:00", "Ann Lee", "later", M),
    ],
    "android_colon_names.txt": [
        ("2024-05-01T10:00:00", "", 'Alex created group "Trip"', S),
        ("2024-05-01T10:01:00", "Alex", "hi all: plans?", M),
        (
            "2024-05-01T10:02:00",
            "",
            'Alex changed the subject from "Trip" to "Trip: Paris 2026"',
            S,
        ),
        ("2024-05-01T10:03:00", "Team:Alpha", "on it", M),
        ("2024-05-01T10:04:00", "", "Alex changed the group description", S),
        ("2024-05-14T18:30:00", "Team:Alpha", "done: booked", M),
    ],
    "ios_colon_group.txt": [
        ("2024-01-05T10:00:00", "Trip: Paris", ENCRYPTED, S),
        ("2024-01-05T10:00:05", "Trip: Paris", "Alex created this group", S),
        ("2024-01-05T10:01:00", "Alex", "where: the usual", M),
        ("2024-01-05T10:02:00", "Trip: Paris", "Alex added Bo", S),
        ("2024-01-15T13:05:00", "Bo", "image omitted", MEDIA),
    ],
    "android_es_nbsp.txt": [
        ("2024-03-15T21:03:00", "Ana", "hola", M),
        ("2024-03-15T10:15:00", "Luis", "<Multimedia omitido>", MEDIA),
        ("2024-03-15T23:15:00", "Luis", "Se eliminó este mensaje.", S),
        ("2024-03-16T00:00:00", "Ana", "medianoche", M),
    ],
    "android_ar_rtl.txt": [
        ("2026-12-06T21:03:00", AR_AHMED, "مرحبا", M),
        ("2026-12-06T21:05:00", AR_SARA, "<تم استبعاد الوسائط>", MEDIA),
        ("2026-12-13T08:00:00", AR_SARA, "تم حذف هذه الرسالة", S),
    ],
    # Every date reads the same either way: nothing to ask.
    "same_either_way.txt": [
        ("2021-01-01T10:00:00", "Ada", "happy new year", M),
        ("2021-01-01T10:05:00", "Bo", "you too", M),
        ("2021-02-02T10:00:00", "Ada", "groundhog day", M),
    ],
    # Only month first runs forward (Jan 11, Jan 12, Feb 1, Feb 3); the quoted body line fits
    # day first only and must not outvote the headers.
    "forward_month_first.txt": [
        ("2021-01-11T10:00:00", "Ada", "a", M),
        (
            "2021-01-12T10:05:00",
            "Bo",
            "forwarding this:\n13/05/21, 09:00 - Old: a quoted line that looks like a header",
            M,
        ),
        ("2021-02-01T10:00:00", "Ada", "c", M),
        ("2021-02-03T10:00:00", "Ada", "d", M),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_pattern_parses_to_exact_messages(name: str) -> None:
    assert [tuple(m) for m in parse_file(whatsapp, fixture("whatsapp", name))] == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_pattern_survives_tiny_chunks(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(whatsapp, "CHUNK", 7)
    assert [tuple(m) for m in parse_file(whatsapp, fixture("whatsapp", name))] == EXPECTED[name]


def _parse(text: str, **options: object) -> list[tuple[str, ...]]:
    found = whatsapp.parse(io.BytesIO(text.encode()), name="chat.txt", **options)  # type: ignore[arg-type]
    return [tuple(m) for m in found]


@pytest.mark.parametrize(
    "marker", ["pm", "PM", "p.m.", "P.M.", "p. m.", "p.\u00a0m.", "p.\u202fm."]
)
def test_every_spelling_of_a_marker_in_one_file(marker: str) -> None:
    text = f"1/13/24, 9:00 AM - Ada: one\n1/13/24, 9:05\u202f{marker} - Bo: two\n"
    assert [m[0] for m in _parse(text)] == ["2024-01-13T09:00:00", "2024-01-13T21:05:00"]


def test_an_order_read_far_into_the_file_is_used_from_the_first_line() -> None:
    """Months of chat on the 5th (either way round) until a date only month-first can read."""
    lines = [
        f"{m:02d}/05/2021, 10:{i % 60:02d} - Ada: {'words ' * 8}{i}\n"
        for m in range(1, 13)
        for i in range(600)
    ]
    text = "".join(lines) + "01/20/2022, 10:00 - Bo: late\n"
    got = _parse(text)
    assert got[0][0] == "2021-01-05T10:00:00"
    assert got[-1] == ("2022-01-20T10:00:00", "Bo", "late", M)


def test_a_truly_ambiguous_file_asks_and_names_the_lines() -> None:
    text = "03/04/21, 10:00 - Ada: a\n03/04/21, 10:05 - Bo: b\n05/06/21, 09:00 - Ada: c\n"
    with pytest.raises(FormatError) as caught:
        _parse(text)
    assert caught.value.line == 1
    assert "ambiguous" in caught.value.message
    assert "line 1: 03/04/21" in caught.value.message and "line 3: 05/06/21" in caught.value.message
    assert _parse(text, day_first=False)[2][0] == "2021-05-06T09:00:00"


# (language, Android media placeholder, a deletion) as each app language writes them.
PLACEHOLDERS = [
    ("en", "<Media omitted>", "This message was deleted"),
    ("es", "<Multimedia omitido>", "Se eliminó este mensaje"),
    ("pt", "<Mídia oculta>", "Mensagem apagada"),
    ("de", "<Medien ausgeschlossen>", "Diese Nachricht wurde gelöscht"),
    ("fr", "<Médias omis>", "Ce message a été supprimé"),
    ("it", "<Media omessi>", "Questo messaggio è stato eliminato"),
    ("nl", "<Media weggelaten>", "Dit bericht is verwijderd"),
    ("ru", "<Без медиафайлов>", "Данное сообщение удалено"),
    ("tr", "<Medya dahil edilmedi>", "Bu mesaj silindi"),
    ("ar", "<تم استبعاد الوسائط>", "تم حذف هذه الرسالة"),
    ("hi", "<मीडिया छोड़ दिया गया>", "यह मैसेज हटा दिया गया था"),
    ("id", "<Media tidak disertakan>", "Pesan ini telah dihapus"),
    ("ms", "<Media dikecualikan>", "Mesej ini telah dipadam"),
    ("pl", "<Pominięto multimedia>", "Ta wiadomość została usunięta"),
    ("uk", "<Без медіафайлів>", "Це повідомлення видалено"),
    ("he", "<המדיה לא נכללה>", "הודעה זו נמחקה"),
    ("fa", "<رسانه حذف شد>", "این پیام حذف شد"),
    ("zh", "<省略影音内容>", "此消息已删除"),
    ("zh_TW", "<省略多媒體檔案>", "此訊息已刪除"),
    ("ja", "<メディアは含まれていません>", "このメッセージは削除されました"),
    ("ko", "<미디어 파일 생략>", "삭제된 메시지입니다"),
    ("vi", "<Bỏ qua Phương tiện>", "Tin nhắn này đã bị xóa"),
    ("th", "<ไม่รวมสื่อ>", "ข้อความนี้ถูกลบแล้ว"),
    ("ro", "<Conținut media omis>", "Acest mesaj a fost șters"),
    ("cs", "<Média vynechána>", "Tato zpráva byla smazána"),
    ("sv", "<Media utelämnad>", "Det här meddelandet raderades"),
]


@pytest.mark.parametrize(("lang", "media", "deleted"), PLACEHOLDERS)
def test_placeholders_in_each_language(lang: str, media: str, deleted: str) -> None:
    text = f"13/01/2024, 10:00 - Ana: {media}\n13/01/2024, 10:01 - Ana: {deleted}\n"
    assert [(m[2], m[3]) for m in _parse(text)] == [(media, MEDIA), (deleted, S)]
    ios = f"[13/01/2024, 10:00:00] Ana: \u200e{deleted}\n"
    assert [(m[2], m[3]) for m in _parse(ios)] == [(deleted, S)]


def test_at_least_twenty_languages_are_covered() -> None:
    assert len({lang.split("_")[0] for lang, _, _ in PLACEHOLDERS}) >= 20
    assert all(media in SPECIAL and deleted in SPECIAL for _, media, deleted in PLACEHOLDERS)


def test_an_unknown_am_pm_marker_is_named_with_the_known_ones() -> None:
    """The most common marker decides; one the table does not know is refused, not guessed."""
    text = "1/13/24, 9:00 zz - Ada: one\n1/13/24, 9:05 zz - Bo: two\n1/13/24, 9:06 AM - Bo: 3\n"
    with pytest.raises(FormatError) as caught:
        _parse(text)
    assert str(caught.value) == (
        "chat.txt, line 1: unrecognised AM/PM marker 'zz'\n"
        "Known spellings: AM/PM, am/pm, a.m./p.m., A.M./P.M., a. m./p. m., a.m/p.m, "
        "vorm./nachm., πμ/μμ, π.μ./μ.μ., ص/م, de./du., fm/em, f.m./e.m., ap./ip., SA/CH, "
        "午前/午後, 上午/下午, 오전/오후."
    )


@pytest.mark.parametrize(
    ("first", "later", "ts"),
    [
        ("9:00 a.m.", "9:05 P. M.", "2024-01-13T21:05:00"),  # spellings by their letters
        ("9:00 A.M", "9:05 p.m", "2024-01-13T21:05:00"),
        ("9:00 vorm.", "9:05 nachm.", "2024-01-13T21:05:00"),
        ("12:00 AM", "12:05 PM", "2024-01-13T12:05:00"),  # midnight and noon
        ("9:00 午前", "9:05 午後", "2024-01-13T21:05:00"),
    ],
)
def test_a_marker_brings_its_partner(first: str, later: str, ts: str) -> None:
    """Mornings alone in the sample: the afternoon spelling is known from the pair."""
    morning = [f"1/13/24, {first} - Ada: {i}\n" for i in range(3)]
    got = _parse("".join(morning) + f"1/13/24, {later} - Bo: later\n")
    assert [m[1] for m in got] == ["Ada", "Ada", "Ada", "Bo"]
    assert got[-1][0] == ts
    assert got[0][0] == ("2024-01-13T00:00:00" if first.startswith("12") else "2024-01-13T09:00:00")


def test_a_quoted_header_with_seconds_does_not_vote_on_the_date_order() -> None:
    """Headers here have no seconds: a quoted line with them, whose date reads day first only,
    is text, and the headers alone say month first (11 Jan, then 1 Feb)."""
    text = "01/11/21, 10:00 - Ada: a\n13/11/21, 09:00:15 - Old: quoted\n02/01/21, 10:00 - Ada: c\n"
    assert _parse(text) == [
        ("2021-01-11T10:00:00", "Ada", "a\n13/11/21, 09:00:15 - Old: quoted", M),
        ("2021-02-01T10:00:00", "Ada", "c", M),
    ]


def test_a_comma_or_an_arabic_comma_between_date_and_time() -> None:
    text = "13/01/2024، 10:00 - Ana: one\n13/01/2024, 10:01 - Ana: two\n"
    assert [m[0] for m in _parse(text)] == ["2024-01-13T10:00:00", "2024-01-13T10:01:00"]


@pytest.mark.parametrize(
    ("pair", "am", "pm"),
    [
        (("AM", "PM"), {"AM", "am", "a.m.", "A.M.", "a. m.", "a.\u00a0m.", "a.\u202fm."}, {"pm"}),
        (("SA", "CH"), {"SA", "sa"}, {"CH", "ch"}),
        (("ص", "م"), {"ص"}, {"م"}),
    ],
)
def test_marker_spellings_cover_case_dots_and_spaces(
    pair: tuple[str, str], am: set[str], pm: set[str]
) -> None:
    every, mornings, afternoons = whatsapp_layout.marker_spellings(pair)
    assert am <= set(mornings) and pm <= set(afternoons)
    assert not set(mornings) & set(afternoons)
    assert sorted(every) == sorted(mornings + afternoons)
