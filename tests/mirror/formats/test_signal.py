"""Signal: signal-export's chat.md and data.json, sigtop's text, short text and JSON."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.base.errors import FormatError
from tarry.mirror.formats import Message, Reaction, signal
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


def test_signal_export_markdown() -> None:
    assert parse_file(signal, fixture("signal", "chat.md")) == [
        Message("2023-02-10T19:00:05", "Robin Vale", "Can I tell you something weird?"),
        Message("2023-02-10T19:01:00", "Me", "Always."),
        Message(
            "2023-02-10T19:02:30", "Robin Vale", "I miss my old job.\nNot the work. The people."
        ),
        Message("2023-02-10T19:03:00", "Me", "(This message was deleted)", "system"),
        Message(
            "2023-02-10T19:04:00",
            "Robin Vale",
            "![IMG_0001.jpg](./media/2023-02-10T19-04-00.000_00_IMG_0001.jpg)",
            "media",
        ),
        Message("2023-02-10T19:05:00", "Me", "That makes sense. What do you miss most?"),
    ]


def test_signal_export_json_lines() -> None:
    skipped: list[tuple[str, str]] = []
    got = parse_file(signal, fixture("signal", "data.json"), on_skip=lambda *s: skipped.append(s))
    assert got == [
        Message("2023-02-12T10:00:00", "Robin Vale", "Walk later?"),
        Message("2023-02-12T10:01:00", "Me", "Yes!\nAt six?"),
        Message("2023-02-12T10:02:00", "Robin Vale", "attachment", "media"),
        Message("2023-02-12T10:30:00", "Me", "call", "system"),
    ]
    assert skipped == [("line 5", "no readable date")]


def test_sigtop_text_with_quote_attachment_edit_and_event() -> None:
    with fixture("signal", "sigtop.txt").open("rb") as fp:
        (chat,) = list(signal.conversations(fp, name="sigtop.txt"))
        assert (chat.title, chat.me) == ("Robin Vale", "You")
        got = list(chat.messages)
    assert got == [
        Message("2023-01-03T20:15:00Z", "Robin Vale", "Are you up?\n\nStill thinking about today."),
        Message("2023-01-03T20:16:30Z", "You", "Yes. Want to talk?"),
        Message("2023-01-03T20:17:00Z", "Robin Vale", "sunset.jpg", "media"),
        Message("2023-01-03T20:18:00Z", "You", "Beautiful, where was that?"),
        Message("2023-01-03T20:20:00Z", "Robin Vale", "timer-notification", "system"),
    ]


def test_sigtop_short_text() -> None:
    assert parse_file(signal, fixture("signal", "short.txt")) == [
        Message("2023-02-11T08:00:00", "Robin Vale", "good morning"),
        Message("2023-02-11T08:05:00", "You", "morning! slept well?"),
        Message("2023-02-11T08:06:00", "Robin Vale", "look at this", "media"),
        Message("2023-02-11T08:07:00", "Robin Vale", "group-v2-change", "system"),
        Message("2023-02-11T08:08:00", "You", "two\nlines"),
    ]


def test_sigtop_json() -> None:
    assert parse_file(signal, fixture("signal", "sigtop.json")) == [
        Message("2023-02-12T10:00:00Z", "+00 000 0001", "Are we still on for Friday?"),
        Message("2023-02-12T10:01:00Z", "You", "Yes, I cleared the evening."),
        Message("2023-02-12T10:02:00Z", "5f0c-robin", "attachment", "media"),
        Message("2023-02-12T10:03:00Z", "Unknown", "timer-notification", "system"),
    ]


def test_matches_chat_miner_but_keeps_newlines() -> None:
    got = parse_file(signal, corpus("chat-miner", "test", "signal", "test_export.txt"))
    expected = target("chat-miner", "test", "signal", "target.json")
    # chat-miner joins the lines of a message with a space; tarry keeps the newline.
    assert [(m.ts, m.author, m.text.replace("\n", " ")) for m in got] == [
        (e["timestamp"], e["author"], e["message"]) for e in expected
    ]
    assert got[1].text == "Hello\nJane!"


def test_text_that_is_not_signal_names_the_line() -> None:
    with pytest.raises(FormatError) as caught:
        parse_bytes(signal, b"\n\nhello there\n", "x.txt")
    assert caught.value.line == 3


def test_a_first_line_with_half_a_bracket_is_refused_not_read_as_a_time() -> None:
    """Found by exploring: the line was taken whole as the first message's time."""
    data = b"2023-02-10 19:00:05] Robin: hi\n[2023-02-10 19:01:00] Me: Always.\n"
    with pytest.raises(FormatError) as caught:
        parse_bytes(signal, data, "x.txt")
    assert caught.value.line == 1 and "[2019-12-24 12:23] Name: text" in caught.value.message


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_messages_or_a_format_error(data: bytes) -> None:
    """Garbage is refused with the input named (it never reaches the message code)."""
    messages_or_format_error(signal, data)


def test_changed_exports_give_messages_or_a_format_error() -> None:
    """Each of the five layouts (text, Markdown, JSON Lines, sigtop text and JSON), changed."""
    explore(exports(seeds("signal")), lambda data: messages_or_format_error(signal, data),
            examples=250, share=0.3)  # fmt: skip


FIRST_LINES = ["[2023-01-02 10:00:05] A: x", "2023-01-02 10:00 A: x", "From: B"]
SIGNAL_LINES = st.lists(
    st.sampled_from(
        [
            *FIRST_LINES,
            "[2023-01-02 10:00] A: x",
            "From: B",
            "Type: incoming",
            "Sent: Mon, 2 Jan 2023 10:00:00 +0100",
            "",
            "body",
            "> q",
            "| Version: 1",
            "Conversation: C",
            '{"date": 1}',
            "[",
            "2023-13-45 99:99 Z: y",
        ]
    ),
    max_size=12,
)


def test_any_mix_of_signal_lines_gives_messages_or_a_format_error() -> None:
    """Lines of every layout in any order, the first one a message's first line."""
    lines = st.tuples(st.sampled_from(FIRST_LINES), SIGNAL_LINES).map(lambda t: [t[0], *t[1]])
    explore(lines, lambda ls: messages_or_format_error(signal, "\n".join(ls).encode()),
            examples=200, share=0.4)  # fmt: skip


def test_sniff() -> None:
    for name in ("chat.md", "short.txt", "data.json", "sigtop.txt", "sigtop.json"):
        assert signal.sniff(fixture("signal", name).read_bytes()), name
    assert not signal.sniff(b"01/01/19, 11:25 - John Doe: hi")


def test_markdown_replies_reactions_captions_calls_and_padding() -> None:
    got = parse_file(signal, fixture("signal", "replies.md"))
    assert [tuple(m) for m in got] == [
        ("2026-12-06T09:00:00", "Robin Vale", "Are we meeting today?", "message"),
        (
            "2026-12-06T09:02:00",
            "Me",
            "Yes, after lunch.\nAgenda below:\n2026-12-07 10:00 Standup: room 4",
            "message",
        ),
        ("2026-12-06T09:05:00", "Robin Vale", "Look at the view", "media"),
        (
            "2026-12-06T09:06:00",
            "Me",
            "![IMG_0003.jpg](./media/2026-12-06T09-06-00.000_00_IMG_0003.jpg)",
            "media",
        ),
        ("2026-12-06T09:10:00", "Robin Vale", "Missed voice call", "system"),
    ]
    question, answer = got[0].ref, got[1].ref
    assert question is not None and answer is not None
    assert answer.reply_to == question.id
    assert answer.reactions == (Reaction("Robin Vale", "👍"), Reaction("Me", "❤️"))


def test_sigtop_body_line_from_is_text() -> None:
    got = parse_file(signal, fixture("signal", "sigtop_from_in_body.txt"))
    assert [tuple(m) for m in got] == [
        (
            "2026-12-06T09:00:00Z",
            "Robin Vale",
            "Forwarding the note:\n\nFrom: Boss\nSubject: rota",
            "message",
        ),
        ("2026-12-06T09:01:00Z", "You", "thanks", "message"),
    ]


def test_json_quote_is_a_reply_and_reactions_are_kept() -> None:
    first, second = parse_file(signal, fixture("signal", "data_replies.json"))
    assert first.ref is not None and second.ref is not None
    assert first.ref.reactions == (Reaction("Me", "❤️"),)
    assert second.ref.reply_to == first.ref.id and second.text == "Yes please"


def test_short_text_reply_points_at_the_quoted_minute() -> None:
    got = parse_file(signal, fixture("signal", "short.txt"))
    assert got[1].ref is not None and got[0].ref is not None
    assert got[1].ref.reply_to == got[0].ref.id


def test_a_quote_below_the_header_with_its_author_alone_on_a_line() -> None:
    data = (
        b"[2026-12-06 09:00] Robin Vale: Are we meeting today?  \n"
        b"[2026-12-06 09:02] Me:  \n> Robin Vale:  \n> Are we meeting today?  \n  \nYes.  \n"
    )
    question, answer = parse_bytes(signal, data, "chat.md")
    assert answer.text == "Yes."
    assert answer.ref is not None and question.ref is not None
    assert answer.ref.reply_to == question.ref.id


def test_a_quote_of_empty_lines_quotes_nothing() -> None:
    """Found by the atheris fuzzer: `>` lines with nothing after them gave an IndexError."""
    data = b"[2026-12-06 09:00] Robin Vale: Hi  \n[2026-12-06 09:02] Me: >  \n>  \nYes.  \n"
    first, answer = parse_bytes(signal, data, "chat.md")
    assert (first.text, answer.text) == ("Hi", "Yes.")
    assert answer.ref is not None and answer.ref.reply_to == ""
