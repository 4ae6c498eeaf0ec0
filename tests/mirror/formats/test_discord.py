"""DiscordChatExporter JSON: only real messages count; events are system."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tarry.base.errors import FormatError
from tarry.mirror.formats import Message, Reaction, Ref, discord
from tests.mirror.formats.exploring import explore, exports, objects
from tests.mirror.formats.parsing import (
    fixture,
    messages_or_format_error,
    parse_bytes,
    parse_file,
    seeds,
)


def test_direct_messages_with_calls_pins_renames_and_files() -> None:
    skipped: list[tuple[str, str]] = []
    got = parse_file(discord, fixture("discord", "dm.json"), on_skip=lambda *s: skipped.append(s))
    assert got == [
        Message("2023-03-05T17:00:00Z", "Robin Vale", "did you see the eclipse?"),
        Message("2023-03-05T17:01:00Z", "Alex Moss", "only the first half\nclouds came"),
        Message("2023-03-05T17:10:00Z", "Robin Vale", "Call", "system"),
        Message("2023-03-05T17:41:00Z", "Alex Moss", "Pinned a message.", "system"),
        Message("2023-03-05T17:42:00Z", "Robin Vale", "sky.png", "media"),
        Message("2023-03-05T17:43:00Z", "alexm", "stargazing", "system"),
    ]
    assert skipped == [("message 7", "no readable timestamp")]


def test_title_is_guild_and_channel() -> None:
    with fixture("discord", "dm.json").open("rb") as fp:
        titles = [c.title for c in discord.conversations(fp, name="dm.json")]
    assert titles == ["Direct Messages / robin"]


def test_missing_messages_is_a_format_error() -> None:
    with pytest.raises(FormatError, match="no `messages` array"):
        parse_bytes(discord, b'{"guild": {"name": "g"}}', "x.json")


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_messages_or_a_format_error(data: bytes) -> None:
    """Garbage is refused with the input named (it never reaches the message code)."""
    messages_or_format_error(discord, data)


def test_changed_exports_give_messages_or_a_format_error() -> None:
    explore(exports(seeds("discord")), lambda data: messages_or_format_error(discord, data),
            examples=200, share=0.3)  # fmt: skip


def test_any_message_objects_give_messages_or_a_format_error() -> None:
    """Messages built from DiscordChatExporter's keys, with valid-looking or any values."""
    value = st.one_of(
        st.sampled_from(["Default", "Reply", "Call", "2023-03-05T18:00:00.123+01:00",
                         "2023-03-05T18:00:00", {"name": "robin_v"}, {"nickname": "Robin"}]),
        st.none() | st.text(max_size=6) | st.integers() | st.lists(st.text(max_size=3)),
    )  # fmt: skip
    valid = {"type": "Default", "timestamp": "2023-03-05T18:00:00+01:00", "content": "hi",
             "author": {"name": "robin_v"}, "attachments": []}  # fmt: skip
    items = st.lists(objects(valid, value), min_size=1, max_size=5)
    documents = items.map(lambda i: json.dumps({"messages": i}).encode())
    explore(documents, lambda data: messages_or_format_error(discord, data),
            examples=200, share=0.5)  # fmt: skip


def test_sniff() -> None:
    assert discord.sniff(fixture("discord", "dm.json").read_bytes())
    assert not discord.sniff(fixture("telegram", "single.json").read_bytes())


def test_forwards_replies_reactions_and_one_copy_of_each_id() -> None:
    skipped: list[tuple[str, str]] = []
    path = fixture("discord", "channel.json")
    got = parse_file(discord, path, on_skip=lambda *s: skipped.append(s))
    assert [tuple(m) for m in got] == [
        ("2024-05-31T18:00:00Z", "Mira", "Chapter 3 tonight?", "message"),
        ("2024-05-31T18:01:00Z", "Theo", "yes, I'm halfway", "message"),
        ("2024-05-31T18:02:00Z", "sana", "Reading is dreaming with open eyes.", "message"),
    ]
    assert got[0].ref == Ref(
        "1001", "", (Reaction("Theo", "👍"), Reaction("sana", "👍"), Reaction("Theo", "bookworm"))
    )
    assert got[1].ref == Ref("1002", "1001")  # a reaction without its users says nobody
    assert got[2].ref == Ref("1003")  # a forward points elsewhere: no reply
    assert skipped == [("message 1002", "the same message id again (read once)")]


@pytest.mark.parametrize("odd", [3, True, "👍", {"emoji": "👍"}])
def test_reactions_that_are_not_a_list_are_none(odd: object) -> None:
    """Found by exploring: a number where the reactions array belongs was a TypeError."""
    document = json.loads(fixture("discord", "channel.json").read_bytes())
    document["messages"][0]["reactions"] = odd
    got = parse_bytes(discord, json.dumps(document).encode(), "channel.json")
    assert got[0].text == "Chapter 3 tonight?" and got[0].ref == Ref("1001")
