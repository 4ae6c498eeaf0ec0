"""The relay's queries, written once in the SQL both engines speak; engines differ in connections.

Subclasses provide `_transaction()`, a context that yields a `Tx` bound to one transaction,
`_reading()`, one for reads that need no transaction of their own, and `_apply(migration)`.
Placeholders are written `?`; the PostgreSQL engine rewrites them.

The relay's hot paths (posting a message, acknowledging) are one transaction each: the write's
nonce, the pair's state and the change together, one commit, one connection from the pool. A
refusal is returned from the transaction and raised after it committed, so the nonce of a
refused write stays remembered as well.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from tarry.relay import migrations
from tarry.relay.protocol import ATTEMPTS_WINDOW_S
from tarry.relay.storage import (
    BacklogFull,
    Delivery,
    Nameplate,
    Nonce,
    NoPair,
    NotInPair,
    Pair,
    PairGone,
    PutResult,
    Refused,
    Replayed,
    SeqConflict,
    Stored,
)

NEXT = ("next_low", "next_high")
JOINED = ("joined_low", "joined_high")
CLOSED_BY = {"a": 1, "b": 2}  # nameplates.closed: which sides closed the code, as bits
BOTH_CLOSED = 3


class Tx(Protocol):
    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]: ...
    def run(self, sql: str, params: tuple[Any, ...] = ()) -> int: ...


class SqlStorage:
    engine = "sql"

    def _transaction(self) -> AbstractContextManager[Tx]:
        raise NotImplementedError

    def _reading(self) -> AbstractContextManager[Tx]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # schema ------------------------------------------------------------------------------

    def migrate(self) -> list[str]:
        """Apply pending migrations; returns their names."""
        done: list[str] = []
        for migration in migrations.available():
            if self._apply(migration):
                done.append(migration.name)
        return done

    def _apply(self, migration: migrations.Migration) -> bool:
        raise NotImplementedError

    # requests ----------------------------------------------------------------------------

    def remember_nonce(self, nonce: Nonce) -> bool:
        with self._transaction() as tx:
            return _take_nonce(tx, nonce)

    # pairing -----------------------------------------------------------------------------

    def pairing_attempts(self, device: bytes, ip: str, since: float) -> tuple[int, int]:
        with self._reading() as tx:
            row = tx.rows(
                "SELECT coalesce(sum(CASE WHEN device = ? THEN 1 ELSE 0 END), 0),"
                " coalesce(sum(CASE WHEN ip = ? THEN 1 ELSE 0 END), 0)"
                " FROM pairing_attempts WHERE at > ?",
                (device, ip, since),
            )[0]
        return int(row[0]), int(row[1])

    def record_attempt(self, device: bytes, ip: str, kind: str, at: float) -> None:
        with self._transaction() as tx:
            tx.run(
                "INSERT INTO pairing_attempts (at, device, ip, kind) VALUES (?, ?, ?, ?)",
                (at, device, ip, kind),
            )

    def create_nameplate(self, creator: bytes, now: float, expires_at: float) -> int:
        """A free number: two digits while few are open, more digits as they fill up."""
        with self._transaction() as tx:
            self._drop_expired_nameplates(tx, now)
            for digits in (2, 2, 2, 3, 3, 3, 4, 4, 5, 6, 7, 8):
                number = 10 ** (digits - 1) + secrets.randbelow(9 * 10 ** (digits - 1))
                if tx.run(
                    "INSERT INTO nameplates (number, creator, created_at, expires_at)"
                    " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (number, creator, now, expires_at),
                ):
                    return number
        raise RuntimeError("no free pairing number")  # 10^8 open codes: not a real case

    def _drop_expired_nameplates(self, tx: Tx, now: float) -> None:
        tx.run(
            "DELETE FROM pairing_messages WHERE number IN"
            " (SELECT number FROM nameplates WHERE expires_at <= ?)",
            (now,),
        )
        tx.run("DELETE FROM nameplates WHERE expires_at <= ?", (now,))

    def nameplate(self, number: int, now: float) -> Nameplate | None:
        with self._reading() as tx:
            rows = tx.rows(
                "SELECT number, creator, claimer, expires_at, closed FROM nameplates"
                " WHERE number = ? AND expires_at > ?",
                (number, now),
            )
        if not rows:
            return None
        n, creator, claimer, expires_at, closed = rows[0]
        return Nameplate(
            n, bytes(creator), bytes(claimer) if claimer else None, expires_at, bool(closed)
        )

    def claim_nameplate(self, number: int, claimer: bytes, now: float) -> bool:
        """Take the other side of a code: exactly once, ever."""
        with self._transaction() as tx:
            return (
                tx.run(
                    "UPDATE nameplates SET claimer = ? WHERE number = ? AND claimer IS NULL"
                    " AND closed = 0 AND expires_at > ?",
                    (claimer, number, now),
                )
                == 1
            )

    def put_pairing_message(self, number: int, side: str, phase: str, body: bytes) -> bool:
        with self._transaction() as tx:
            return (
                tx.run(
                    "INSERT INTO pairing_messages (number, side, phase, body) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT DO NOTHING",
                    (number, side, phase, body),
                )
                == 1
            )

    def pairing_message(self, number: int, side: str, phase: str) -> bytes | None:
        with self._reading() as tx:
            rows = tx.rows(
                "SELECT body FROM pairing_messages WHERE number = ? AND side = ? AND phase = ?",
                (number, side, phase),
            )
        return bytes(rows[0][0]) if rows else None

    def close_nameplate(self, number: int, side: str) -> None:
        """One side is done with a code (paired, or failed): nobody can claim or write to it
        again. Its messages stay until both sides closed (or it expires), so the side that
        reads last still finds what the other side wrote before closing."""
        bit = CLOSED_BY[side]
        with self._transaction() as tx:
            tx.run(
                "UPDATE nameplates SET closed = closed | CAST(? AS SMALLINT) WHERE number = ?",
                (bit, number),
            )
            tx.run(
                "DELETE FROM pairing_messages WHERE number = ? AND EXISTS (SELECT 1 FROM"
                " nameplates WHERE number = ? AND closed = ?)",
                (number, number, BOTH_CLOSED),
            )

    # pairs -------------------------------------------------------------------------------

    def join_pair(self, pair_id: bytes, device: bytes, peer: bytes, now: float) -> Pair:
        low, high = sorted((device, peer))
        with self._transaction() as tx:
            tx.run(
                "INSERT INTO pairs (pair_id, low, high, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (pair_id, low, high, now),
            )
            column = JOINED[0 if device == low else 1]
            tx.run(
                f"UPDATE pairs SET {column} = 1 WHERE pair_id = ? AND low = ? AND high = ?",
                (pair_id, low, high),
            )
            return self._pair(tx, pair_id)  # type: ignore[return-value]

    def pair(self, pair_id: bytes) -> Pair | None:
        with self._reading() as tx:
            return self._pair(tx, pair_id)

    def _pair(self, tx: Tx, pair_id: bytes) -> Pair | None:
        rows = tx.rows(
            "SELECT pair_id, low, high, joined_low, joined_high, revoked_at FROM pairs"
            " WHERE pair_id = ?",
            (pair_id,),
        )
        if not rows:
            return None
        pid, low, high, jl, jh, revoked = rows[0]
        return Pair(bytes(pid), bytes(low), bytes(high), bool(jl), bool(jh), revoked)

    def revoke_pair(self, pair_id: bytes, now: float) -> None:
        """The pair is revoked for good: its messages go, a tombstone stays."""
        with self._transaction() as tx:
            tx.run(
                "UPDATE pairs SET revoked_at = ? WHERE pair_id = ? AND revoked_at IS NULL",
                (now, pair_id),
            )
            tx.run("DELETE FROM messages WHERE pair_id = ?", (pair_id,))

    # messages ----------------------------------------------------------------------------

    def put_message(
        self,
        pair_id: bytes,
        device: bytes,
        seq: int,
        body: bytes,
        now: float,
        nonce: Nonce,
        max_backlog: int,
    ) -> PutResult:
        """Store message `seq` from `device`: the next one in order, or a retry of one stored."""
        with self._transaction() as tx:
            outcome = _put(tx, pair_id, device, seq, body, now, nonce, max_backlog)
        if isinstance(outcome, Refused):
            raise outcome
        return outcome

    def deliveries(
        self, device: bytes, wanted: dict[bytes, int], limit: int, max_bytes: int
    ) -> dict[bytes, Delivery]:
        """For each pair: the other device's messages after the number given, in order."""
        with self._reading() as tx:
            marks = ", ".join("?" * len(wanted))
            states = {
                bytes(row[0]): row[1:]
                for row in tx.rows(
                    f"SELECT pair_id, low, high, revoked_at FROM pairs WHERE pair_id IN ({marks})",
                    tuple(wanted),
                )
            }
            found = {}
            for pair_id, after in wanted.items():
                slot = _slot(pair_id, states.get(pair_id), device)
                if isinstance(slot, PairGone):
                    found[pair_id] = Delivery([], revoked=True)
                    continue
                if isinstance(slot, Refused):
                    raise slot
                rows = tx.rows(
                    "SELECT seq, body, received_at FROM messages"
                    " WHERE pair_id = ? AND slot = ? AND seq > ? ORDER BY seq LIMIT ?",
                    (pair_id, 1 - slot, after, limit),
                )
                found[pair_id] = Delivery(list(_within(rows, max_bytes)))
        return found

    def ack(self, pair_id: bytes, device: bytes, upto: int, nonce: Nonce) -> int:
        """Delete the other device's messages up to `upto`, read by `device`; how many went."""
        with self._transaction() as tx:
            outcome = _ack(tx, pair_id, device, upto, nonce)
        if isinstance(outcome, Refused):
            raise outcome
        return outcome

    # housekeeping ------------------------------------------------------------------------

    def sweep(self, now: float, retention_s: float) -> dict[str, int]:
        """Delete what is past its time: old messages, expired codes, nonces, attempts."""
        with self._transaction() as tx:
            done = {
                "messages": tx.run(
                    "DELETE FROM messages WHERE received_at < ?", (now - retention_s,)
                ),
                "nonces": tx.run("DELETE FROM request_nonces WHERE expires_at < ?", (now,)),
                "attempts": tx.run(
                    "DELETE FROM pairing_attempts WHERE at < ?", (now - ATTEMPTS_WINDOW_S,)
                ),
            }
            self._drop_expired_nameplates(tx, now)
        return done

    def stats(self) -> dict[str, int]:
        with self._reading() as tx:
            return {
                table: int(tx.rows(f"SELECT count(*) FROM {table}")[0][0])
                for table in ("pairs", "messages", "nameplates", "request_nonces")
            }


def _within(rows: list[tuple[Any, ...]], max_bytes: int) -> Iterator[Stored]:
    """Rows up to `max_bytes` of bodies (always at least one)."""
    total = 0
    for seq, body, received_at in rows:
        total += len(body)
        if total > max_bytes and total != len(body):
            return
        yield Stored(int(seq), bytes(body), float(received_at))


def _take_nonce(tx: Tx, nonce: Nonce) -> bool:
    """Remember a write's nonce; False when it was seen before (the write is a replay)."""
    return (
        tx.run(
            "INSERT INTO request_nonces (device, nonce, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            (nonce.device, nonce.value, nonce.expires_at),
        )
        == 1
    )


def _slot(pair_id: bytes, state: tuple[Any, ...] | None, device: bytes) -> int | Refused:
    """The device's slot in a pair, from the pair's (low, high, revoked_at, ...)."""
    if state is None:
        return NoPair(pair_id)
    low, high, revoked_at = bytes(state[0]), bytes(state[1]), state[2]
    slot = 0 if device == low else 1 if device == high else None
    if slot is None:
        return NotInPair(pair_id)
    return PairGone(pair_id) if revoked_at is not None else slot


def _put(
    tx: Tx,
    pair_id: bytes,
    device: bytes,
    seq: int,
    body: bytes,
    now: float,
    nonce: Nonce,
    max_backlog: int,
) -> PutResult | Refused:
    if not _take_nonce(tx, nonce):
        return Replayed(pair_id)
    rows = tx.rows(
        "SELECT low, high, revoked_at, next_low, next_high,"
        " (SELECT count(*) FROM messages WHERE pair_id = ? AND slot = CASE WHEN low = ?"
        " THEN 0 ELSE 1 END) FROM pairs WHERE pair_id = ?",
        (pair_id, device, pair_id),
    )
    slot = _slot(pair_id, rows[0] if rows else None, device)
    if isinstance(slot, Refused):
        return slot
    expected, waiting = int(rows[0][3 + slot]), int(rows[0][5])
    if seq == expected:
        if waiting >= max_backlog:
            return BacklogFull(pair_id)
        column = NEXT[slot]
        if tx.run(
            f"UPDATE pairs SET {column} = {column} + 1 WHERE pair_id = ? AND {column} = ?",
            (pair_id, seq),
        ):
            tx.run(
                "INSERT INTO messages (pair_id, slot, seq, body, received_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (pair_id, slot, seq, body, now),
            )
            return PutResult(True, seq + 1)
        expected = seq + 1  # another relay process stored it meanwhile (a quick retry)
    if seq > expected:
        return SeqConflict(expected, f"message {seq} came before {expected}")
    kept = tx.rows(
        "SELECT body FROM messages WHERE pair_id = ? AND slot = ? AND seq = ?",
        (pair_id, slot, seq),
    )
    if kept and bytes(kept[0][0]) != body:
        return SeqConflict(expected, f"message {seq} is already stored with other content")
    return PutResult(False, expected)


def _ack(tx: Tx, pair_id: bytes, device: bytes, upto: int, nonce: Nonce) -> int | Refused:
    if not _take_nonce(tx, nonce):
        return Replayed(pair_id)
    rows = tx.rows("SELECT low, high, revoked_at FROM pairs WHERE pair_id = ?", (pair_id,))
    slot = _slot(pair_id, rows[0] if rows else None, device)
    if isinstance(slot, Refused):
        return slot
    return tx.run(
        "DELETE FROM messages WHERE pair_id = ? AND slot = ? AND seq <= ?",
        (pair_id, 1 - slot, upto),
    )
