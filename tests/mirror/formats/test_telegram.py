"""Telegram Desktop JSON: single chat, whole account, old exports, hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.base.errors import FormatError
from tarry.mirror.formats import Message, Reaction, Ref, registry, telegram
from tarry.mirror.formats.contract import Probe
from tests.mirror.formats.exploring import explore, exports, objects
from tests.mirror.formats.parsing import (
    corpus,
    fixture,
    messages_or_format_error,
    parse_bytes,
    parse_file,
    seeds,
    target,
)

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def test_single_chat_every_kind_of_message() -> None:
    skipped: list[tuple[str, str]] = []
    got = parse_file(
        telegram, fixture("telegram", "single.json"), on_skip=lambda *s: skipped.append(s)
    )
    assert got == [
        Message("2023-03-01T20:00:00Z", "Robin Vale", "How was the interview?"),
        Message(
            "2023-03-01T20:01:10Z", "Alex Moss", "Honestly rough. I froze on the first question."
        ),
        Message("2023-03-01T20:02:00Z", "Robin Vale", "Line one\nline two"),
        Message("2023-03-01T20:05:00Z", "Alex Moss", "phone_call: 312", "system"),
        Message("2023-03-01T20:30:00Z", "Robin Vale", "the view tonight", "media"),
        Message("2023-03-01T20:31:00Z", "Alex Moss", "sticker 😍", "media"),
    ]
    assert skipped == [("message 7", "no readable date")]


def test_old_export_keeps_local_time_naive_and_names_deleted_accounts() -> None:
    got = parse_file(telegram, fixture("telegram", "old.json"))
    assert got == [
        Message("2017-06-02T09:15:30", "Sam Reed", "Morning!"),
        Message("2017-06-02T09:16:00", "user1", "from a deleted account"),
    ]


def test_full_account_export_yields_each_chat_and_the_owner() -> None:
    with fixture("telegram", "account.json").open("rb") as fp:
        chats = [(c.title, c.me, list(c.messages)) for c in telegram.conversations(fp, name="a")]
    assert [(title, me, len(messages)) for title, me, messages in chats] == [
        ("Robin Vale", "Alex Moss", 2),
        ("Saved Messages", "Alex Moss", 1),
        ("Book club", "Alex Moss", 2),
    ]
    assert chats[2][2][0] == Message(
        "2023-03-03T20:00:00Z", "Sam Reed", "create_group: Book club Sam Reed, Alex Moss", "system"
    )


def test_full_account_export_picks_one_chat_by_name() -> None:
    got = parse_file(telegram, fixture("telegram", "account.json"), chat="book CLUB")
    assert [m.text for m in got] == [
        "create_group: Book club Sam Reed, Alex Moss",
        "Chapter 3 by Sunday",
    ]


def test_unknown_chat_name_lists_the_chats() -> None:
    with pytest.raises(FormatError, match="no chat named 'Nobody'") as caught:
        parse_file(telegram, fixture("telegram", "account.json"), chat="Nobody")
    assert caught.value.hint == "Chats in it: Book club, Robin Vale, Saved Messages."


@pytest.mark.parametrize("export", ["test_single_export.json", "test_batch_export.json"])
def test_matches_chat_miner_except_entity_spacing(export: str) -> None:
    got = parse_file(telegram, corpus("chat-miner", "test", "telegram", export))
    expected = target("chat-miner", "test", "telegram", "target.json")
    # chat-miner joins text entities with a space ("Link: https://..."); Telegram's entity
    # array holds every character of the message, so tarry joins them as they are.
    expected[1]["message"] = expected[1]["message"].replace(": ", ":")
    assert [(m.ts.rstrip("Z"), m.author, m.text) for m in got] == [
        (e["timestamp"], e["author"], e["message"]) for e in expected
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "expected a Telegram export"),
        (b"[1, 2]", "expected a Telegram export"),
        (b'{"name": "x"}', "no Telegram messages"),
        (b'{"messages": [1]}', "expected each message to be a JSON object"),
        (b'{"messages": [{"text": "a"', "the JSON ends too early"),
        (b'{"messages": ' + b"[" * 100_000, "nested too deeply"),
        (b'{"messages": []} trailing', "unexpected data after"),
        (b'{"messages": ["\xff"]}', "not UTF-8"),
    ],
)
def test_bad_input_is_a_format_error_naming_the_byte(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message) as caught:
        parse_bytes(telegram, data, "bad.json")
    assert caught.value.path == "bad.json"
    assert caught.value.byte is not None or "no Telegram" in str(caught.value)


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_messages_or_a_format_error(data: bytes) -> None:
    """Garbage is refused with the input named (it never reaches the message code)."""
    messages_or_format_error(telegram, data)


def test_changed_exports_give_messages_or_a_format_error() -> None:
    """The single-chat, account and old exports with values replaced, retyped, removed or
    duplicated: most still give messages, all of the right shape."""
    explore(exports(seeds("telegram")), lambda data: messages_or_format_error(telegram, data),
            examples=200, share=0.3)  # fmt: skip


def test_any_message_objects_give_messages_or_a_format_error() -> None:
    """Messages built from Telegram's own keys, with valid or any JSON values."""
    value = st.one_of(st.sampled_from(["message", "service", "2023-03-01T20:00:00", "1677700800",
                                       "Robin", "hi", ["a", {"type": "bold", "text": "b"}]]),
                      JSON_VALUES)  # fmt: skip
    valid = {"type": "message", "date": "2023-03-01T20:00:00", "date_unixtime": "1677700800",
             "from": "Robin", "text": "hi", "action": None, "media_type": None}  # fmt: skip
    items = st.lists(objects(valid, value), min_size=1, max_size=5)
    documents = st.tuples(items, st.sampled_from(["messages", "chats"])).map(
        lambda case: {
            case[1]: case[0] if case[1] == "messages" else {"list": [{"messages": case[0]}]}
        }
    )
    explore(documents.map(lambda d: json.dumps(d).encode()),
            lambda data: messages_or_format_error(telegram, data),
            examples=200, share=0.5)  # fmt: skip


def test_sniff() -> None:
    assert telegram.sniff(fixture("telegram", "single.json").read_bytes()[:4096])
    assert not telegram.sniff(b'{"guild": {}, "channel": {}}')


def test_older_supergroup_export_things_replies_and_reactions() -> None:
    path = fixture("telegram", "supergroup.json")
    assert registry.detect(path).name == "telegram"
    got = parse_file(telegram, path)
    assert [tuple(m) for m in got] == [
        ("2021-06-05T08:00:00", "Kai", "Saturday: Mount Tam?", "message"),
        ("2021-06-05T08:02:00", "Lena", "In!", "message"),
        ("2021-06-05T08:04:00", "Kai", "[location]", "media"),
        ("2021-06-05T08:05:00", "Kai", "[venue] Pantoll Station, 801 Panoramic Hwy", "media"),
        ("2021-06-05T08:06:00", "Lena", "[poll] Start at 7 or 8?", "media"),
        ("2021-06-05T08:07:00", "Lena", "[contact] Ranger Desk", "media"),
        ("2021-06-05T08:08:00", "Kai", "[dice] 🎲 5", "media"),
    ]
    assert got[1].ref == Ref("11", "10", (Reaction("Kai", "🔥"),))


@pytest.mark.parametrize("odd", [3, True, "🔥", {"emoji": "🔥"}])
def test_reactions_that_are_not_a_list_are_none(odd: object) -> None:
    """The same slip as Discord's (found there by exploring): a number where an array belongs."""
    document = json.loads(fixture("telegram", "supergroup.json").read_bytes())
    message = next(m for m in document["messages"] if m.get("reactions"))
    message["reactions"] = odd
    got = parse_bytes(telegram, json.dumps(document).encode(), "supergroup.json")
    assert got[1].ref == Ref("11", "10")
    message["reactions"] = [{"emoji": "🔥", "recent": odd}]
    got = parse_bytes(telegram, json.dumps(document).encode(), "supergroup.json")
    assert got[1].ref == Ref("11", "10")


@pytest.mark.parametrize(
    "kind", ["public_supergroup", "private_supergroup", "private_channel", "public_channel"]
)
def test_every_chat_type_is_detected_without_unix_times(kind: str) -> None:
    head = f'{{\n "name": "x",\n "type": "{kind}",\n "id": 1,\n "messages": [\n'.encode()
    assert registry.get("telegram").sniff(Probe(Path("result.json"), head))
