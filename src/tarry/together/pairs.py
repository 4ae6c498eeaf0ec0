"""Pairs as this device keeps them: who the other person is, their keys, and where each stream is.

A pair belongs to one person in `people`; one person may be paired with several (a partner, a
friend), each through their own pair. Unpairing revokes the pair here, on the relay and, through
the relay's refusal, on the other side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tarry.base import clock
from tarry.base.errors import Conflict, InvalidInput, NotFound, Step, TarryError, Unreachable
from tarry.declare import people
from tarry.store import Store
from tarry.together import envelope, identity
from tarry.together.client import RelayClient, check_url
from tarry.together.identity import Peer
from tarry.together.pairing import Paired


@dataclass(frozen=True)
class Pair:
    pair_id: bytes
    person_id: int
    person: str
    peer: Peer
    safety: str
    relay: str
    paired_at: datetime
    revoked_at: datetime | None
    revoked_by: str | None
    depth_mine: int
    depth_theirs: int
    send_seq: int
    relay_seq: int
    recv_seq: int
    acked_seq: int
    last_sync_at: datetime | None
    last_error: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def depth(self) -> int:
        """The depth both agree on; until they do, the lighter of the two."""
        return min(self.depth_mine, self.depth_theirs)

    @property
    def queued(self) -> int:
        return self.send_seq - self.relay_seq

    def to_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "pair_id": self.pair_id.hex(),
            "safety_number": self.safety,
            "relay": self.relay,
            "paired_at": clock.to_text(self.paired_at),
            "revoked_at": clock.to_text(self.revoked_at) if self.revoked_at else None,
            "revoked_by": self.revoked_by,
            "depth": self.depth,
            "depth_mine": self.depth_mine,
            "depth_theirs": self.depth_theirs,
            "queued": self.queued,
            "sent": self.relay_seq,
            "received": self.recv_seq,
            "last_sync_at": clock.to_text(self.last_sync_at) if self.last_sync_at else None,
            "last_error": self.last_error,
        }


# The relay ----------------------------------------------------------------------------------


def relay_url(store: Store) -> str | None:
    value = store.scalar("SELECT value FROM together_settings WHERE key = 'relay'")
    return str(value) if value else None


def set_relay(store: Store, url: str) -> str:
    """Choose the relay new pairs use. Nothing is sent anywhere until you pair."""
    url = check_url(url)
    with store.tx():
        store.execute(
            "INSERT INTO together_settings (key, value) VALUES ('relay', ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (url,),
        )
    return url


def client_for(store: Store, url: str | None = None, timeout: float = 15.0) -> RelayClient:
    chosen = url or relay_url(store)
    if not chosen:
        raise InvalidInput("No relay is chosen.", step=Step.CHOOSE_RELAY)
    return RelayClient(chosen, identity.of_store(store), timeout)


# Pairs ----------------------------------------------------------------------------------------

SELECT = "SELECT t.*, p.name AS person FROM together_pairs t JOIN people p ON p.id = t.person_id"


def _from_row(row: Any) -> Pair:
    def when(v: str | None) -> datetime | None:
        return clock.from_text(v) if v else None

    return Pair(
        bytes(row["pair_id"]),
        row["person_id"],
        row["person"],
        Peer(bytes(row["peer_sign"]), bytes(row["peer_box"])),
        row["safety"],
        row["relay"],
        clock.from_text(row["paired_at"]),
        when(row["revoked_at"]),
        row["revoked_by"],
        row["depth_mine"],
        row["depth_theirs"],
        row["send_seq"],
        row["relay_seq"],
        row["recv_seq"],
        row["acked_seq"],
        when(row["last_sync_at"]),
        row["last_error"],
    )


def check_free(store: Store, name: str) -> None:
    """Refuse before pairing when `name` already has an active pair."""
    person = people.find(store, name)
    if person is not None and store.one(
        "SELECT 1 FROM together_pairs WHERE person_id = ? AND revoked_at IS NULL", (person.id,)
    ):
        raise Conflict(
            f"You are already paired with {person.name}.",
            step=Step.UNPAIR,
        )


def record(store: Store, paired: Paired, name: str, relay: str, relation: str = "partner") -> Pair:
    """Keep a new pair, for the person `name` (added to people if new)."""
    check_free(store, name)
    me = identity.of_store(store)
    with store.tx():
        person = people.find(store, name) or people.add(store, name, relation=relation)
        store.execute(
            "INSERT INTO together_pairs (pair_id, person_id, peer_sign, peer_box, safety, relay,"
            " paired_at, send_hash, recv_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                paired.pair_id,
                person.id,
                paired.peer.sign,
                paired.peer.box,
                paired.safety,
                relay,
                clock.to_text(clock.now()),
                envelope.genesis(paired.pair_id, me.sign_public),
                envelope.genesis(paired.pair_id, paired.peer.sign),
            ),
        )
    return by_id(store, paired.pair_id)


def by_id(store: Store, pair_id: bytes) -> Pair:
    row = store.one(SELECT + " WHERE t.pair_id = ?", (pair_id,))
    if row is None:
        raise NotFound(f"No pair {pair_id.hex()}.")
    return _from_row(row)


def get(store: Store, name: str) -> Pair:
    """The active pair with the person called `name` (or an alias)."""
    person = people.get(store, name)
    row = store.one(SELECT + " WHERE t.person_id = ? AND t.revoked_at IS NULL", (person.id,))
    if row is None:
        raise NotFound(
            f"You are not paired with {person.name}.",
            step=Step.PAIR,
        )
    return _from_row(row)


def active(store: Store) -> list[Pair]:
    return [
        _from_row(r) for r in store.query(SELECT + " WHERE t.revoked_at IS NULL ORDER BY p.name")
    ]


def all_pairs(store: Store) -> list[Pair]:
    return [
        _from_row(r) for r in store.query(SELECT + " ORDER BY t.revoked_at IS NOT NULL, p.name")
    ]


def mark_revoked(store: Store, pair_id: bytes, by: str) -> None:
    with store.tx():
        store.execute(
            "UPDATE together_pairs SET revoked_at = ?, revoked_by = ?, relay_told = ?"
            " WHERE pair_id = ? AND revoked_at IS NULL",
            (clock.to_text(clock.now()), by, int(by == "them"), pair_id),
        )
        store.execute("DELETE FROM together_outbox WHERE pair_id = ?", (pair_id,))


def unpair(store: Store, name: str, client: RelayClient | None = None) -> tuple[Pair, bool]:
    """Revoke the pair here at once, and on the relay now (True) or at the next sync (False)."""
    pair = get(store, name)
    mark_revoked(store, pair.pair_id, "me")
    try:
        tell_relay(store, client or client_for(store, pair.relay))
    except Unreachable:
        return by_id(store, pair.pair_id), False
    return by_id(store, pair.pair_id), True


def tell_relay(store: Store, client: RelayClient) -> int:
    """Revoke on the relay the pairs unpaired here while it was out of reach."""
    told = 0
    for row in store.query(
        "SELECT pair_id FROM together_pairs WHERE revoked_by = 'me' AND relay_told = 0"
    ):
        try:
            client.revoke(bytes(row[0]))
        except NotFound:
            pass
        except TarryError as exc:
            if exc.http_status != 410:
                raise
        store.execute("UPDATE together_pairs SET relay_told = 1 WHERE pair_id = ?", (row[0],))
        told += 1
    return told


def keep(
    store: Store, client: RelayClient, paired: Paired, name: str, relation: str = "partner"
) -> Pair:
    """After pairing: join the pair on the relay, then keep it here for `name`."""
    client.join(paired.pair_id, paired.peer.sign)
    return record(store, paired, name, client.url, relation)
