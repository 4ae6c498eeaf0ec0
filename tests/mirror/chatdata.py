"""Put a hand-written chat (tests/data/mirror/*.tsv) straight into the store's chat tables."""

from __future__ import annotations

from pathlib import Path

from tarry.declare import people
from tarry.store import Store

DATA = Path(__file__).parents[1] / "data" / "mirror"


def rows(name: str) -> list[tuple[str, str, str]]:
    """(ts, "me"|"them", text) of a chat file, comments skipped."""
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if not line.startswith("#")]  # type: ignore[misc]


def insert_chat(store: Store, person: str, messages: list[tuple[str, str, str]]) -> int:
    """A conversation with `person` (added if new) holding `messages`; returns its id."""
    found = people.find(store, person) or people.add(store, person)
    with store.tx():
        cur = store.execute(
            "INSERT INTO conversations (source, title, person_id, me, imported_at)"
            " VALUES ('whatsapp', ?, ?, 'Me', '2026-11-19T12:00:00Z')",
            (person, found.id),
        )
        conversation = int(cur.lastrowid or 0)
        store.conn.executemany(
            "INSERT INTO messages (conversation_id, key, ts, author, is_me, person_id, text, kind)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, 'message')",
            [
                (conversation, f"{conversation}-{i}", ts, "Me" if who == "me" else person,
                 int(who == "me"), None if who == "me" else found.id, text)
                for i, (ts, who, text) in enumerate(messages)
            ],
        )  # fmt: skip
    return conversation
