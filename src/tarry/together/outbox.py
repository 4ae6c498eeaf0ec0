"""The outbox: every message is sealed, numbered and chained when written, then waits here.

Writing never needs the network: a person can answer on a plane. `flush` posts what waits, in
order, and stops at the first failure; the relay takes each number once, so a retry after a lost
answer is harmless.
"""

from __future__ import annotations

from typing import Any

from tarry.base import clock
from tarry.base.errors import Conflict, Gone, Misbehaved
from tarry.store import Store
from tarry.together import envelope, identity
from tarry.together.client import RelayClient
from tarry.together.identity import Peer


def queue(store: Store, pair_id: bytes, kind: str, content: dict[str, Any]) -> int:
    """Seal a message to the pair's other device and queue it; returns its number."""
    me = identity.of_store(store)
    with store.tx():
        row = store.one(
            "SELECT send_seq, send_hash, peer_sign, peer_box, revoked_at FROM together_pairs"
            " WHERE pair_id = ?",
            (pair_id,),
        )
        if row is None or row["revoked_at"] is not None:
            raise Gone("This pair was unpaired; nothing more can be sent to it.")
        seq = row["send_seq"] + 1
        peer = Peer(bytes(row["peer_sign"]), bytes(row["peer_box"]))
        body, head = envelope.seal(
            me,
            peer,
            pair_id,
            seq,
            bytes(row["send_hash"]),
            kind,
            content,
            clock.to_text(clock.now()),
        )
        store.execute(
            "INSERT INTO together_outbox (pair_id, seq, kind, body, queued_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (pair_id, seq, kind, body, clock.to_text(clock.now())),
        )
        store.execute(
            "UPDATE together_pairs SET send_seq = ?, send_hash = ? WHERE pair_id = ?",
            (seq, head, pair_id),
        )
    return seq


def waiting(store: Store, pair_id: bytes | None = None) -> int:
    if pair_id is None:
        return int(store.scalar("SELECT count(*) FROM together_outbox") or 0)
    return int(
        store.scalar("SELECT count(*) FROM together_outbox WHERE pair_id = ?", (pair_id,)) or 0
    )


def flush(store: Store, client: RelayClient, pair_id: bytes) -> int:
    """Post the pair's waiting messages in order; returns how many the relay now holds."""
    sent = 0
    for row in store.query(
        "SELECT seq, body FROM together_outbox WHERE pair_id = ? ORDER BY seq", (pair_id,)
    ):
        seq = row["seq"]
        try:
            client.post(pair_id, seq, bytes(row["body"]))
        except Conflict as exc:
            expected = getattr(exc, "expected", None)
            raise Misbehaved(
                f"The relay at {client.url} refused message {seq} and wants {expected}: it lost"
                " messages it had confirmed.",
                "Nothing was changed here. Tell whoever runs the relay, or choose another.",
            ) from None
        with store.tx():
            store.execute(
                "DELETE FROM together_outbox WHERE pair_id = ? AND seq = ?", (pair_id, seq)
            )
            store.execute(
                "UPDATE together_pairs SET relay_seq = max(relay_seq, ?) WHERE pair_id = ?",
                (seq, pair_id),
            )
        sent += 1
    return sent
