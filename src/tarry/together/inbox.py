"""Receiving: each delivered message is opened, checked against the stream, and only then applied.

The relay is trusted for delivery only. Whatever else it does is named, kept as an alert and
never believed:

- tampered: the message does not decrypt, or its signed number or address differs
- forged: it decrypts but is not signed by the paired device, or breaks the hash chain
- replayed: a message already received and acknowledged, sent again
- duplicated: the same message twice in one delivery
- reordered: a later message before an earlier one that comes in the same delivery
- dropped: a later message while an earlier one never came

Two more are not the relay's doing: `unreadable` (signed by the peer, but not something this
version understands) and `mismatch` (an answer's key does not match its commitment).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tarry.base import clock
from tarry.base.errors import TarryError
from tarry.relay.protocol import b64d
from tarry.store import Store
from tarry.together import envelope, identity
from tarry.together.envelope import Opened, Unopened
from tarry.together.pairs import Pair

Handler = Callable[[Store, Pair, Opened], None]
HANDLERS: dict[str, Handler] = {}

VERBS = {
    "tampered": "altered",
    "forged": "passed off a made-up message as",
    "replayed": "replayed",
    "duplicated": "delivered twice",
    "reordered": "delivered out of order",
    "dropped": "held back",
    "unreadable": "delivered (but tarry could not read)",
}


def handles(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that applies messages of `kind` (one per kind)."""

    def register(fn: Handler) -> Handler:
        assert kind not in HANDLERS, f"two handlers for {kind}"
        HANDLERS[kind] = fn
        return fn

    return register


@dataclass(frozen=True)
class Alert:
    person: str
    relay: str
    kind: str
    seq: int
    detail: str
    first_at: datetime
    last_at: datetime
    times: int

    def text(self) -> str:
        if self.kind == "unreadable":
            return f"Message {self.seq} from {self.person} could not be read here: {self.detail}."
        if self.kind == "mismatch":
            return f"{self.person}'s answer (message {self.seq}) is not shown: {self.detail}."
        return (
            f"The relay {self.relay} {VERBS.get(self.kind, self.kind)} message {self.seq} from"
            f" {self.person} ({self.kind}: {self.detail}). It was not believed."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "relay": self.relay,
            "kind": self.kind,
            "seq": self.seq,
            "detail": self.detail,
            "text": self.text(),
            "times": self.times,
            "first_at": clock.to_text(self.first_at),
            "last_at": clock.to_text(self.last_at),
        }


@dataclass
class Received:
    accepted: int = 0
    alerts: int = 0


def alert(store: Store, pair: Pair, kind: str, seq: int, detail: str) -> None:
    now = clock.to_text(clock.now())
    store.execute(
        "INSERT INTO together_alerts (pair_id, kind, seq, detail, first_at, last_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (pair_id, kind, seq) DO UPDATE SET"
        " times = times + 1, last_at = excluded.last_at, detail = excluded.detail, seen = 0",
        (pair.pair_id, kind, seq, detail, now, now),
    )


def alerts(store: Store, *, unseen: bool = False) -> list[Alert]:
    rows = store.query(
        "SELECT a.*, p.name AS person, t.relay FROM together_alerts a"
        " JOIN together_pairs t ON t.pair_id = a.pair_id JOIN people p ON p.id = t.person_id"
        + (" WHERE a.seen = 0" if unseen else "")
        + " ORDER BY a.last_at DESC, a.id DESC"
    )
    return [
        Alert(
            r["person"],
            r["relay"],
            r["kind"],
            r["seq"],
            r["detail"],
            clock.from_text(r["first_at"]),
            clock.from_text(r["last_at"]),
            r["times"],
        )
        for r in rows
    ]


def mark_alerts_seen(store: Store) -> None:
    store.execute("UPDATE together_alerts SET seen = 1 WHERE seen = 0")


def receive(store: Store, pair: Pair, delivered: list[dict[str, Any]], after: int) -> Received:
    """Check and apply one delivery for `pair` (asked: messages after `after`), in order.

    Each message is checked against the stream's head inside its own write transaction, so two
    exchanges running at once (the web app's and a command's) never apply a message twice.
    """
    me = identity.of_store(store)
    result, applied = Received(), set()
    batch = _parsed(delivered)
    for index, (seq, body) in enumerate(batch):
        try:
            opened = envelope.open_(me, pair.peer, pair.pair_id, seq, body)
        except Unopened as exc:
            return _stop(store, pair, result, exc.kind, seq, exc.detail)
        with store.tx():
            row = store.one(
                "SELECT recv_seq, recv_hash FROM together_pairs WHERE pair_id = ?", (pair.pair_id,)
            )
            expected, head = (row[0] + 1, bytes(row[1])) if row else (1, b"")
            if seq < expected:
                if not _old(store, pair, result, opened, seq in applied, after):
                    return result
                continue
            if seq > expected:
                later = any(s == expected for s, _ in batch[index + 1 :])
                kind = "reordered" if later else "dropped"
                detail = (
                    f"message {expected} came after it"
                    if later
                    else f"message {expected} never came, {seq} came instead"
                )
                return _stop(store, pair, result, kind, seq, detail)
            if opened.prev != head:
                return _stop(
                    store, pair, result, "forged", seq, "it does not follow the one before"
                )
            _apply(store, pair, opened)
        applied.add(seq)
        result.accepted += 1
    return result


def _parsed(delivered: list[dict[str, Any]]) -> list[tuple[int, bytes]]:
    batch = []
    for item in delivered:
        try:
            batch.append((int(item["seq"]), b64d(item["body"])))
        except (KeyError, TypeError, ValueError):
            batch.append((0, b""))  # opens as tampered
    return batch


def _stop(store: Store, pair: Pair, result: Received, kind: str, seq: int, detail: str) -> Received:
    alert(store, pair, kind, seq, detail)
    result.alerts += 1
    return result


def _old(
    store: Store, pair: Pair, result: Received, opened: Opened, twice: bool, after: int
) -> bool:
    """A message numbered before the next expected; False when the delivery must stop."""
    known = store.one(
        "SELECT hash FROM together_received WHERE pair_id = ? AND seq = ?",
        (pair.pair_id, opened.seq),
    )
    if known is None or bytes(known[0]) != opened.hash:
        detail = "a different message with a number already used"
        _stop(store, pair, result, "forged", opened.seq, detail)
        return False
    if twice:
        _stop(
            store, pair, result, "duplicated", opened.seq, "the same message twice in one delivery"
        )
    elif opened.seq <= after:
        _stop(
            store, pair, result, "replayed", opened.seq, f"it was asked for messages after {after}"
        )
    # else: applied meanwhile by another exchange running at the same time: nothing to do
    return True


def _apply(store: Store, pair: Pair, opened: Opened) -> None:
    """Apply a believed message and advance the stream, all at once."""
    with store.tx():
        handler = HANDLERS.get(opened.kind)
        try:
            with store.tx():
                if handler is None:
                    raise TarryError(f"unknown kind {opened.kind!r} (a newer tarry?)")
                handler(store, pair, opened)
        except TarryError as exc:
            alert(store, pair, "unreadable", opened.seq, exc.message)
        store.execute(
            "INSERT INTO together_received (pair_id, seq, hash, kind, received_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (pair.pair_id, opened.seq, opened.hash, opened.kind, clock.to_text(clock.now())),
        )
        store.execute(
            "UPDATE together_pairs SET recv_seq = ?, recv_hash = ? WHERE pair_id = ?",
            (opened.seq, opened.hash, pair.pair_id),
        )
