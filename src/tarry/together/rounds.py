"""Answer, then reveal: both answer one prompt; neither reads the other's answer first.

Each answer is encrypted under a fresh key k; the author sends the ciphertext c and a commitment
H(round, author, H(c), k) and keeps k. Keys are released only once both commitments are on the
relay: a device sends its key when the relay has confirmed storing its own commitment and the
other's commitment has arrived. Each client checks the other's key against the commitment before
showing the answer, so no one (the relay included) can swap an answer after seeing the other.
XSalsa20-Poly1305 alone does not bind a ciphertext to one key; the commitment does.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from tarry.base import clock
from tarry.base.errors import Conflict, InvalidInput, NotFound, Step
from tarry.declare import people
from tarry.prompts import choose, deck
from tarry.relay.protocol import b64d, b64e
from tarry.store import Store
from tarry.together import outbox
from tarry.together.envelope import Opened
from tarry.together.inbox import alert, handles
from tarry.together.pairs import Pair

DOMAIN = b"tarry-answer-commitment-v1"
MAX_ANSWER = 10_000
MAX_REPLY = 4_000


def commitment(round_id: str, author: bytes, cipher: bytes, key: bytes) -> bytes:
    """Binds the ciphertext and its key (and the round and author) in one hash."""
    return hashlib.sha256(
        DOMAIN + round_id.encode() + b"|" + author + hashlib.sha256(cipher).digest() + key
    ).digest()


@dataclass(frozen=True)
class Reply:
    author: str  # me | them
    text: str
    at: datetime


@dataclass(frozen=True)
class Round:
    round_id: str
    person: str
    prompt_id: str
    prompt: str
    depth: int
    opened_by: str
    opened_at: datetime
    my_answer: str | None
    their_answer: str | None
    they_answered: bool
    broken: str | None
    seen: bool
    replies: list[Reply] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.broken:
            return "broken"
        if self.my_answer is None:
            return "your turn"
        if not self.they_answered:
            return "waiting for them"
        return "revealed" if self.their_answer is not None else "revealing"

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.round_id,
            "person": self.person,
            "prompt_id": self.prompt_id,
            "prompt": self.prompt,
            "depth": self.depth,
            "opened_by": self.opened_by,
            "opened_at": clock.to_text(self.opened_at),
            "state": self.state,
            "my_answer": self.my_answer,
            "their_answer": self.their_answer,
            "broken": self.broken,
            "replies": [
                {"author": r.author, "text": r.text, "at": clock.to_text(r.at)}
                for r in self.replies
            ],
        }


# Reading ------------------------------------------------------------------------------------

SELECT = (
    "SELECT r.*, p.name AS person FROM together_rounds r"
    " JOIN together_pairs t ON t.pair_id = r.pair_id JOIN people p ON p.id = t.person_id"
)


def _from_row(store: Store, row: Any) -> Round:
    replies = [
        Reply(r["author"], r["text"], clock.from_text(r["at"]))
        for r in store.query(
            "SELECT * FROM together_replies WHERE round_id = ? ORDER BY at, id", (row["round_id"],)
        )
    ]
    return Round(
        row["round_id"],
        row["person"],
        row["prompt_id"],
        row["prompt"],
        row["depth"],
        row["opened_by"],
        clock.from_text(row["opened_at"]),
        row["my_answer"],
        row["their_answer"],
        row["their_commitment"] is not None,
        row["broken"],
        row["seen_at"] is not None,
        replies,
    )


def get(store: Store, round_id: str) -> Round:
    row = store.one(SELECT + " WHERE r.round_id = ?", (round_id.strip(),))
    if row is None:
        raise NotFound(f"No question {round_id!r}.", step=Step.LIST_ROUNDS)
    return _from_row(store, row)


def for_pair(store: Store, pair: Pair, limit: int = 50) -> list[Round]:
    rows = store.query(
        SELECT + " WHERE r.pair_id = ? ORDER BY r.opened_at DESC, r.rowid DESC LIMIT ?",
        (pair.pair_id, limit),
    )
    return [_from_row(store, r) for r in rows]


def current(store: Store, pair: Pair) -> Round:
    """The newest round waiting for my answer, else the newest round."""
    found = for_pair(store, pair)
    for round_ in found:
        if round_.state == "your turn":
            return round_
    if not found:
        raise NotFound(f"No question with {pair.person} yet.", step=Step.ASK)
    return found[0]


def mark_seen(store: Store, round_id: str) -> None:
    store.execute(
        "UPDATE together_rounds SET seen_at = ? WHERE round_id = ? AND their_answer IS NOT NULL",
        (clock.to_text(clock.now()), round_id),
    )
    store.execute("UPDATE together_replies SET seen = 1 WHERE round_id = ?", (round_id,))


# Writing ------------------------------------------------------------------------------------


def pick_prompt(store: Store, pair: Pair, prompt_id: str | None = None) -> deck.Prompt:
    """A prompt at the pair's agreed depth, one this pair has not had yet if there is one."""
    if prompt_id:
        found = deck.by_id(prompt_id)
        if found is None:
            raise NotFound(
                f"No prompt {prompt_id!r}.",
                "Leave it out and one is picked.",
                field="prompt_id",
                expected="the id of a prompt in tarry's decks",
                example="any-01",
            )
        return found
    person = people.by_id(store, pair.person_id)
    fitting = deck.select(deck.prompts(), context=choose.context_for(person), level=pair.depth)
    used = {
        r[0]
        for r in store.query(
            "SELECT prompt_id FROM together_rounds WHERE pair_id = ?", (pair.pair_id,)
        )
    }
    fresh = [p for p in fitting if p.id not in used] or fitting
    if not fresh:
        raise NotFound(f"No prompt at depth {pair.depth} fits.", "Try another depth.")
    return secrets.choice(fresh)


def open_round(store: Store, pair: Pair, prompt_id: str | None = None) -> Round:
    """Ask a question of the pair: both will answer it."""
    prompt = pick_prompt(store, pair, prompt_id)
    round_id = secrets.token_hex(5)
    with store.tx():
        _insert(store, pair, round_id, prompt.id, prompt.text, prompt.level, "me")
        outbox.queue(
            store,
            pair.pair_id,
            "round.open",
            {
                "round": round_id,
                "prompt_id": prompt.id,
                "prompt": prompt.text,
                "depth": prompt.level,
            },
        )
    return get(store, round_id)


def _insert(store: Store, pair: Pair, rid: str, pid: str, text: str, depth: int, by: str) -> None:
    store.execute(
        "INSERT INTO together_rounds (round_id, pair_id, prompt_id, prompt, depth, opened_by,"
        " opened_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (rid, pair.pair_id, pid, text, depth, by, clock.to_text(clock.now())),
    )


def answer(store: Store, pair: Pair, round_id: str, text: str) -> Round:
    """Commit to an answer: it cannot be changed, and it is read only once both have answered."""
    text = text.strip()
    if not text:
        raise InvalidInput(
            "An answer needs some words.", field="text", expected="your answer, in words"
        )
    if len(text) > MAX_ANSWER:
        raise InvalidInput(f"An answer is at most {MAX_ANSWER} characters, not {len(text)}.")
    found = _mine(store, pair, round_id)
    if found.my_answer is not None:
        raise Conflict(
            "You have already answered this one; an answer cannot be changed.",
            "Reply in the thread once both answers are in.",
        )
    key = secrets.token_bytes(SecretBox.KEY_SIZE)
    cipher = bytes(SecretBox(key).encrypt(text.encode()))
    me = _my_key(store)
    commit = commitment(round_id, me, cipher, key)
    with store.tx():
        seq = outbox.queue(
            store,
            pair.pair_id,
            "round.commit",
            {"round": round_id, "cipher": b64e(cipher), "commitment": b64e(commit)},
        )
        store.execute(
            "UPDATE together_rounds SET my_answer = ?, my_key = ?, my_cipher = ?,"
            " my_commitment = ?, my_commit_seq = ?, my_answered_at = ? WHERE round_id = ?",
            (text, key, cipher, commit, seq, clock.to_text(clock.now()), round_id),
        )
    return get(store, round_id)


def reply(store: Store, pair: Pair, round_id: str, text: str) -> Round:
    """Reply in the round's thread, once both answers are visible."""
    text = text.strip()
    if not text or len(text) > MAX_REPLY:
        raise InvalidInput(f"A reply is 1 to {MAX_REPLY} characters.")
    if _mine(store, pair, round_id).state != "revealed":
        raise Conflict(
            "The thread opens once both answers are revealed.",
            f"Wait for {pair.person}'s answer.",
            step=Step.SYNC,
        )
    with store.tx():
        outbox.queue(store, pair.pair_id, "round.reply", {"round": round_id, "text": text})
        _add_reply(store, round_id, "me", text, seen=True)
    return get(store, round_id)


def _add_reply(store: Store, round_id: str, author: str, text: str, seen: bool) -> None:
    store.execute(
        "INSERT INTO together_replies (round_id, author, text, at, seen) VALUES (?, ?, ?, ?, ?)",
        (round_id, author, text, clock.to_text(clock.now()), int(seen)),
    )


def _mine(store: Store, pair: Pair, round_id: str) -> Round:
    found = get(store, round_id)
    if (
        store.scalar("SELECT pair_id FROM together_rounds WHERE round_id = ?", (round_id,))
        != pair.pair_id
    ):
        raise NotFound(f"Question {round_id!r} is not one with {pair.person}.")
    return found


def _my_key(store: Store) -> bytes:
    from tarry.together.identity import of_store

    return of_store(store).sign_public


def set_depth(store: Store, pair: Pair, depth: int) -> None:
    """Say the depth I want; the pair's depth is the one both said (until then, the lighter)."""
    deck.check_level(depth)
    with store.tx():
        store.execute(
            "UPDATE together_pairs SET depth_mine = ? WHERE pair_id = ?", (depth, pair.pair_id)
        )
        outbox.queue(store, pair.pair_id, "depth.set", {"depth": depth})


# Releasing keys -----------------------------------------------------------------------------


def release(store: Store, pair: Pair) -> int:
    """Send my key for each round where both commitments are on the relay; returns how many."""
    rows = store.query(
        "SELECT round_id, my_key FROM together_rounds WHERE pair_id = ? AND my_key IS NOT NULL"
        " AND my_revealed_at IS NULL AND their_commitment IS NOT NULL AND my_commit_seq <= ?",
        (pair.pair_id, pair.relay_seq),
    )
    for row in rows:
        with store.tx():
            if not store.execute(
                "UPDATE together_rounds SET my_revealed_at = ? WHERE round_id = ?"
                " AND my_revealed_at IS NULL",
                (clock.to_text(clock.now()), row["round_id"]),
            ).rowcount:
                continue  # released meanwhile by another exchange
            outbox.queue(
                store,
                pair.pair_id,
                "round.reveal",
                {"round": row["round_id"], "key": b64e(bytes(row["my_key"]))},
            )
    return len(rows)


# Receiving ----------------------------------------------------------------------------------


def _field(content: dict[str, Any], name: str, kind: type = str) -> Any:
    value = content.get(name)
    if not isinstance(value, kind) or (kind is str and not value):
        raise InvalidInput(f"`{name}` is missing or not a {kind.__name__}")
    return value


def _theirs(store: Store, pair: Pair, content: dict[str, Any]) -> Any:
    round_id = _field(content, "round")
    row = store.one(
        "SELECT * FROM together_rounds WHERE round_id = ? AND pair_id = ?", (round_id, pair.pair_id)
    )
    if row is None:
        raise InvalidInput(f"question {round_id!r} is not known here")
    return row


@handles("round.open")
def _on_open(store: Store, pair: Pair, message: Opened) -> None:
    c = message.content
    depth = _field(c, "depth", int)
    _insert(
        store,
        pair,
        _field(c, "round"),
        _field(c, "prompt_id"),
        _field(c, "prompt")[:2000],
        depth,
        "them",
    )


@handles("round.commit")
def _on_commit(store: Store, pair: Pair, message: Opened) -> None:
    row = _theirs(store, pair, message.content)
    cipher, commit = (
        b64d(_field(message.content, "cipher")),
        b64d(_field(message.content, "commitment")),
    )
    if row["their_commitment"] is not None:
        raise InvalidInput("a second answer to the same question")
    store.execute(
        "UPDATE together_rounds SET their_cipher = ?, their_commitment = ?, their_committed_at = ?"
        " WHERE round_id = ?",
        (cipher, commit, clock.to_text(clock.now()), row["round_id"]),
    )


@handles("round.reveal")
def _on_reveal(store: Store, pair: Pair, message: Opened) -> None:
    row = _theirs(store, pair, message.content)
    key = b64d(_field(message.content, "key"))
    if row["their_commitment"] is None:
        raise InvalidInput("a key for an answer that was never committed")
    if row["my_commitment"] is None:  # they cannot have seen my commitment: set aside unread
        raise InvalidInput("a key sent before my answer was committed; it was set aside unread")
    cipher = bytes(row["their_cipher"])
    broken = None
    if commitment(row["round_id"], pair.peer.sign, cipher, key) != bytes(row["their_commitment"]):
        broken = "their key does not match the answer they committed to"
    else:
        try:
            text = SecretBox(key).decrypt(cipher).decode()
        except (CryptoError, UnicodeDecodeError, ValueError):
            broken = "their answer does not open with the key they committed to"
    if broken:
        store.execute(
            "UPDATE together_rounds SET broken = ? WHERE round_id = ?", (broken, row["round_id"])
        )
        alert(store, pair, "mismatch", message.seq, broken)
        return
    store.execute(
        "UPDATE together_rounds SET their_answer = ?, their_revealed_at = ? WHERE round_id = ?",
        (text, clock.to_text(clock.now()), row["round_id"]),
    )


@handles("round.reply")
def _on_reply(store: Store, pair: Pair, message: Opened) -> None:
    row = _theirs(store, pair, message.content)
    _add_reply(
        store, row["round_id"], "them", _field(message.content, "text")[:MAX_REPLY], seen=False
    )


@handles("depth.set")
def _on_depth(store: Store, pair: Pair, message: Opened) -> None:
    depth = deck.check_level(_field(message.content, "depth", int))
    store.execute(
        "UPDATE together_pairs SET depth_theirs = ? WHERE pair_id = ?", (depth, pair.pair_id)
    )
