"""Replies and reactions from an export are kept: who answered which message, who reacted with
what; a reaction counts as contact with whoever reacted."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from tarry.declare import people
from tarry.mirror.chats import import_chat
from tarry.store import Store
from tests.mirror.formats.parsing import fixture


def test_replies_and_reactions_are_stored_once(store: Store) -> None:
    path = fixture("discord", "channel.json")
    first = import_chat(store, path, me="Mira")
    again = import_chat(store, path, me="Mira")
    assert (first.new, again.new) == (3, 0)
    replies = store.query(
        "SELECT a.text, b.text FROM message_replies r JOIN messages a ON a.id = r.message_id"
        " JOIN messages b ON b.id = r.reply_to_id"
    )
    assert [tuple(r) for r in replies] == [("yes, I'm halfway", "Chapter 3 tonight?")]
    reactions = store.query(
        "SELECT m.text, x.author, x.emoji, x.is_me FROM reactions x"
        " JOIN messages m ON m.id = x.message_id ORDER BY x.id"
    )
    assert [tuple(r) for r in reactions] == [
        ("Chapter 3 tonight?", "Theo", "👍", 0),
        ("Chapter 3 tonight?", "sana", "👍", 0),
        ("Chapter 3 tonight?", "Theo", "bookworm", 0),
    ]


def test_a_reaction_is_contact(store: Store) -> None:
    sana = people.add(store, "sana")
    import_chat(store, fixture("discord", "channel.json"), me="Mira")
    days = store.query("SELECT day FROM message_days WHERE person_id = ?", (sana.id,))
    assert len(days) == 1  # her forward and her reaction, on the same day


def test_a_reaction_alone_is_contact(store: Store, tmp_path: Path) -> None:
    theo = people.add(store, "Theo")
    people.add(store, "sana")  # two people on the other side: the chat is linked to neither
    data = json.loads(fixture("discord", "channel.json").read_text(encoding="utf-8"))
    data["messages"] = data["messages"][:1]  # Theo only reacts to Mira's message
    path = tmp_path / "reactions.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    import_chat(store, path, me="Mira")
    assert store.scalar("SELECT COUNT(*) FROM reactions WHERE person_id = ?", (theo.id,)) == 2
    days = store.query("SELECT day FROM message_days WHERE person_id = ?", (theo.id,))
    assert [d[0] for d in days] == [date(2024, 5, 31).toordinal()]
