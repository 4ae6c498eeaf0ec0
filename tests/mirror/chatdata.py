"""Hand-written chats: put into the store's chat tables (tests/data/mirror/*.tsv), or built
as the rows a report reads (`Chat`), labels, confidence and evidence set by hand."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from tarry.declare import people
from tarry.mirror.conversations import Row, Session, split
from tarry.mirror.model import labeller
from tarry.store import Store

DATA = Path(__file__).parents[1] / "data" / "mirror"


def _lines(name: str) -> list[list[str]]:
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [line.split("\t") for line in lines if not line.startswith("#")]


def rows(name: str) -> list[tuple[str, str, str]]:
    """(ts, "me"|"them", text) of a chat file, comments skipped."""
    return [(ts, who, text) for ts, who, text, *_ in _lines(name)]


def label_by_hand(store: Store, conversation: int, name: str) -> None:
    """Store the labels written in the chat file (disclosure, moves, question, sure) as the
    current model's, so the numbers built on them are tested apart from the labeller."""
    labels = [line[3:7] for line in _lines(name)]
    store_labels(store, conversation, [(d, m, s) for d, m, _, s in labels],
                 questions=[q or None for _, _, q, _ in labels])  # fmt: skip


def store_labels(
    store: Store,
    conversation: int,
    labels: list[tuple[str, str, str]],
    *,
    questions: list[str | None] | None = None,
    evidence: list[dict[str, list[str]]] | None = None,
) -> None:
    """Store `labels`, each (disclosure, moves, sure) with moves and sure comma-joined, as the
    current model's labels of the conversation's messages in order; `questions` and `evidence`
    (the words a report shows) when a test needs them."""
    query = "SELECT id FROM messages WHERE conversation_id = ? ORDER BY id"
    ids = [r[0] for r in store.query(query, (conversation,))]
    asked = questions or [None] * len(labels)
    shown = [json.dumps(e) for e in evidence] if evidence else ["{}"] * len(labels)
    with store.tx():
        store.conn.executemany(
            "INSERT OR REPLACE INTO message_labels"
            " (message_id, version, disclosure, moves, question, evidence, scores, sure)"
            " VALUES (?, ?, ?, ?, ?, ?, '{}', ?)",
            [(i, labeller.version(), d, m, q, e, s)
             for i, (d, m, s), q, e in zip(ids, labels, asked, shown, strict=True)],
        )  # fmt: skip


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


START = datetime(2026, 11, 2, 9, 0)


class Chat:
    """Messages of one conversation, a minute apart unless a gap is asked for."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.at = START

    def say(
        self,
        side: str,
        text: str,
        disclosure: str = "none",
        moves: tuple[str, ...] = (),
        sure: tuple[str, ...] | None = None,
        words: list[str] | None = None,
        later: timedelta = timedelta(minutes=1),
        turned: tuple[str, ...] = ("anyway",),
    ) -> Chat:
        self.at += later
        evidence = {"disclosure": words or []}
        if "redirect" in moves and turned:
            evidence["redirect"] = list(turned)
        confident = (disclosure, *moves) if sure is None else sure
        self.rows.append(
            Row(len(self.rows) + 1, 1, self.at, side, text, disclosure, frozenset(moves), None,
                json.dumps(evidence), frozenset(confident))
        )  # fmt: skip
        return self

    def sessions(self) -> list[Session]:
        return split(self.rows)
