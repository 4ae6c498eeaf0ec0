"""What the relay keeps, behind one Protocol: SQLite for one small machine, PostgreSQL for many.

The relay stores ciphertext and the routing it needs (pair id, the sender's slot, sequence number,
size, times) and nothing else: no names, no prompts, no answers, no accounts. A device is its
Ed25519 verify key; a pair is two of them. Implementations: relay/sqlite.py, relay/postgres.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Nameplate:
    """An open pairing slot: the public number of a pairing code."""

    number: int
    creator: bytes
    claimer: bytes | None
    expires_at: float
    closed: bool  # by either side: nobody may claim it or write to it any more


@dataclass(frozen=True)
class Pair:
    """Two devices that paired. `low` and `high` are their verify keys, in byte order."""

    pair_id: bytes
    low: bytes
    high: bytes
    joined_low: bool
    joined_high: bool
    revoked_at: float | None

    def slot_of(self, device: bytes) -> int | None:
        """0 for the low key, 1 for the high key, None for a stranger."""
        return 0 if device == self.low else 1 if device == self.high else None


@dataclass(frozen=True)
class Stored:
    """One message as the relay keeps it: ciphertext and routing only."""

    seq: int
    body: bytes
    received_at: float


@dataclass(frozen=True)
class PutResult:
    """What happened to a posted message: stored now, or already there (a retry)."""

    stored: bool
    expected: int  # the next sequence number the relay will take from this sender


@dataclass(frozen=True)
class Nonce:
    """A signed write's nonce, remembered until `expires_at`: the same write is taken once."""

    device: bytes
    value: bytes
    expires_at: float


@dataclass(frozen=True)
class Delivery:
    """What waits for a device in one pair: messages in order, or the news it was unpaired."""

    messages: list[Stored]
    revoked: bool = False


class Refused(Exception):
    """A request the storage would not carry out. Raised after the transaction committed, so a
    write's nonce stays remembered even when the write itself is refused."""

    def __init__(self, pair_id: bytes = b"") -> None:
        super().__init__(pair_id.hex())
        self.pair_id = pair_id


class Replayed(Refused):
    """This write's nonce was seen before: the same request, sent again."""


class NoPair(Refused):
    """No pair with this id on this relay."""


class NotInPair(Refused):
    """The device is not one of the pair's two."""


class PairGone(Refused):
    """The pair was revoked."""


class BacklogFull(Refused):
    """Too many messages already wait for the other device."""


class SeqConflict(Refused):
    """A message number out of order, or a retry whose body differs from the stored one."""

    def __init__(self, expected: int, reason: str) -> None:
        super().__init__()
        self.expected = expected
        self.reason = reason


class RelayStorage(Protocol):
    """Every operation the relay needs from its database; each call is one transaction."""

    engine: str  # "sqlite" or "postgresql"

    def migrate(self) -> list[str]: ...
    def close(self) -> None: ...

    # requests: a nonce seen twice within its window is a replayed request
    def remember_nonce(self, nonce: Nonce) -> bool: ...

    # pairing: nameplates, their messages, and attempts (for rate limits)
    def pairing_attempts(self, device: bytes, ip: str, since: float) -> tuple[int, int]: ...
    def record_attempt(self, device: bytes, ip: str, kind: str, at: float) -> None: ...
    def create_nameplate(self, creator: bytes, now: float, expires_at: float) -> int: ...
    def nameplate(self, number: int, now: float) -> Nameplate | None: ...
    def claim_nameplate(self, number: int, claimer: bytes, now: float) -> bool: ...
    def put_pairing_message(self, number: int, side: str, phase: str, body: bytes) -> bool: ...
    def pairing_message(self, number: int, side: str, phase: str) -> bytes | None: ...
    def close_nameplate(self, number: int, side: str) -> None: ...

    # pairs
    def join_pair(self, pair_id: bytes, device: bytes, peer: bytes, now: float) -> Pair: ...
    def pair(self, pair_id: bytes) -> Pair | None: ...
    def revoke_pair(self, pair_id: bytes, now: float) -> None: ...

    # messages: one direction is (pair, sender); each call checks that the device is in the pair
    # and raises a Refused (NoPair, NotInPair, PairGone, Replayed, ...) when it is not served
    def put_message(
        self,
        pair_id: bytes,
        device: bytes,
        seq: int,
        body: bytes,
        now: float,
        nonce: Nonce,
        max_backlog: int,
    ) -> PutResult: ...
    def deliveries(
        self, device: bytes, wanted: dict[bytes, int], limit: int, max_bytes: int
    ) -> dict[bytes, Delivery]: ...
    def ack(self, pair_id: bytes, device: bytes, upto: int, nonce: Nonce) -> int: ...

    # housekeeping
    def sweep(self, now: float, retention_s: float) -> dict[str, int]: ...
    def stats(self) -> dict[str, int]: ...
