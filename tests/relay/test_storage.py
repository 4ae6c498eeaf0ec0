"""The relay's storage, alike on SQLite and PostgreSQL: order, retries, acks, retention, codes,
and who may do what in a pair."""

from __future__ import annotations

import secrets

import pytest

from tarry.relay.storage import (
    BacklogFull,
    Nonce,
    NoPair,
    NotInPair,
    PairGone,
    RelayStorage,
    Replayed,
    SeqConflict,
    Stored,
)

LOW, HIGH, STRANGER = b"\x01" * 32, b"\x02" * 32, b"\x03" * 32
PAIR = b"\xaa" * 16
NOW = 1_800_000_000.0


def fresh(device: bytes) -> Nonce:
    return Nonce(device, secrets.token_bytes(24), NOW + 600)


def put(storage: RelayStorage, device: bytes, seq: int, body: bytes, now: float = NOW) -> bool:
    return storage.put_message(PAIR, device, seq, body, now, fresh(device), 10_000).stored


def waiting(storage: RelayStorage, device: bytes, after: int = 0) -> list[Stored]:
    """What waits for `device` in PAIR."""
    return storage.deliveries(device, {PAIR: after}, 100, 10**6)[PAIR].messages


def joined(storage: RelayStorage) -> None:
    storage.join_pair(PAIR, HIGH, LOW, NOW)
    pair = storage.join_pair(PAIR, LOW, HIGH, NOW)
    assert (pair.low, pair.high, pair.joined_low, pair.joined_high) == (LOW, HIGH, True, True)


def test_migrating_twice_changes_nothing(storage: RelayStorage) -> None:
    assert storage.migrate() == []


def test_messages_are_taken_in_order_and_delivered_in_order(storage: RelayStorage) -> None:
    joined(storage)
    for seq in (1, 2, 3):
        assert put(storage, LOW, seq, b"c%d" % seq)
    assert [m.seq for m in waiting(storage, HIGH)] == [1, 2, 3]
    assert [m.body for m in waiting(storage, HIGH, after=1)] == [b"c2", b"c3"]
    assert waiting(storage, LOW) == []  # the other direction is its own


def test_a_gap_is_refused_and_a_retry_is_answered_not_stored_twice(storage: RelayStorage) -> None:
    joined(storage)
    put(storage, LOW, 1, b"one")
    with pytest.raises(SeqConflict) as gap:
        put(storage, LOW, 3, b"three")
    assert gap.value.expected == 2
    again = storage.put_message(PAIR, LOW, 1, b"one", NOW, fresh(LOW), 10_000)
    assert (again.stored, again.expected) == (False, 2)
    with pytest.raises(SeqConflict):
        put(storage, LOW, 1, b"other")
    assert [m.body for m in waiting(storage, HIGH)] == [b"one"]


def test_acknowledged_messages_are_deleted_and_not_taken_again(storage: RelayStorage) -> None:
    joined(storage)
    for seq in (1, 2, 3):
        put(storage, HIGH, seq, b"x")
    assert storage.ack(PAIR, HIGH, 3, fresh(HIGH)) == 0  # one's own messages are not one's to ack
    assert storage.ack(PAIR, LOW, 2, fresh(LOW)) == 2
    assert [m.seq for m in waiting(storage, LOW)] == [3]
    assert not put(storage, HIGH, 1, b"x")  # a late retry of an acked one


def test_sweep_deletes_after_the_retention(storage: RelayStorage) -> None:
    joined(storage)
    put(storage, LOW, 1, b"old", NOW - 31 * 86400)
    put(storage, LOW, 2, b"new")
    assert storage.sweep(NOW, 30 * 86400)["messages"] == 1
    assert [m.seq for m in waiting(storage, HIGH)] == [2]


def test_a_revoked_pair_takes_nothing_and_keeps_nothing(storage: RelayStorage) -> None:
    joined(storage)
    put(storage, LOW, 1, b"x")
    storage.revoke_pair(PAIR, NOW)
    assert storage.pair(PAIR).revoked_at == NOW  # type: ignore[union-attr]
    assert storage.stats()["messages"] == 0
    assert storage.deliveries(HIGH, {PAIR: 0}, 100, 10**6)[PAIR].revoked
    with pytest.raises(PairGone):
        put(storage, LOW, 2, b"x")
    with pytest.raises(PairGone):
        storage.ack(PAIR, HIGH, 1, fresh(HIGH))


def test_a_pair_id_belongs_to_its_two_devices(storage: RelayStorage) -> None:
    joined(storage)
    pair = storage.join_pair(PAIR, STRANGER, LOW, NOW)
    assert pair.slot_of(STRANGER) is None and not storage.pair(b"\xbb" * 16)
    with pytest.raises(NotInPair):
        put(storage, STRANGER, 1, b"x")
    with pytest.raises(NotInPair):
        storage.deliveries(STRANGER, {PAIR: 0}, 100, 10**6)
    with pytest.raises(NotInPair):
        storage.ack(PAIR, STRANGER, 1, fresh(STRANGER))
    with pytest.raises(NoPair):
        storage.deliveries(LOW, {PAIR: 0, b"\xbb" * 16: 0}, 100, 10**6)


def test_a_write_nonce_is_taken_once_even_when_the_write_is_refused(
    storage: RelayStorage,
) -> None:
    joined(storage)
    nonce = fresh(LOW)
    with pytest.raises(SeqConflict):
        storage.put_message(PAIR, LOW, 2, b"x", NOW, nonce, 10_000)  # refused: 1 comes first
    with pytest.raises(Replayed):
        storage.put_message(PAIR, LOW, 1, b"x", NOW, nonce, 10_000)
    with pytest.raises(Replayed):
        storage.ack(PAIR, LOW, 1, nonce)
    assert not storage.remember_nonce(nonce)
    assert waiting(storage, HIGH) == []


def test_a_full_backlog_refuses_more(storage: RelayStorage) -> None:
    joined(storage)
    for seq in (1, 2, 3):
        storage.put_message(PAIR, LOW, seq, b"x", NOW, fresh(LOW), 3)
    with pytest.raises(BacklogFull):
        storage.put_message(PAIR, LOW, 4, b"x", NOW, fresh(LOW), 3)
    storage.put_message(PAIR, HIGH, 1, b"x", NOW, fresh(HIGH), 3)  # the other direction is free
    storage.ack(PAIR, HIGH, 1, fresh(HIGH))
    assert storage.put_message(PAIR, LOW, 4, b"x", NOW, fresh(LOW), 3).stored


def test_deliveries_are_cut_by_count_and_bytes(storage: RelayStorage) -> None:
    joined(storage)
    for seq in range(1, 6):
        put(storage, LOW, seq, bytes(100))
    by_count = storage.deliveries(HIGH, {PAIR: 0}, 3, 10**6)[PAIR].messages
    by_bytes = storage.deliveries(HIGH, {PAIR: 1}, 100, 250)[PAIR].messages
    one_at_least = storage.deliveries(HIGH, {PAIR: 0}, 100, 10)[PAIR].messages
    assert [m.seq for m in by_count] == [1, 2, 3]
    assert [m.seq for m in by_bytes] == [2, 3]
    assert [m.seq for m in one_at_least] == [1]


def test_a_code_is_claimed_once_and_expires(storage: RelayStorage) -> None:
    number = storage.create_nameplate(LOW, NOW, NOW + 600)
    assert 10 <= number < 100
    assert storage.claim_nameplate(number, HIGH, NOW)
    assert not storage.claim_nameplate(number, STRANGER, NOW)
    assert storage.nameplate(number, NOW + 601) is None
    storage.close_nameplate(number, "b")
    assert storage.nameplate(number, NOW).closed  # type: ignore[union-attr]
    assert not storage.claim_nameplate(number, HIGH, NOW)


def test_a_code_closed_before_anyone_claimed_it_cannot_be_claimed(storage: RelayStorage) -> None:
    number = storage.create_nameplate(LOW, NOW, NOW + 600)
    storage.close_nameplate(number, "a")
    assert not storage.claim_nameplate(number, HIGH, NOW)


def test_a_closed_code_keeps_its_messages_until_both_sides_closed(storage: RelayStorage) -> None:
    number = storage.create_nameplate(LOW, NOW, NOW + 600)
    storage.put_pairing_message(number, "b", "confirm", b"m")
    storage.close_nameplate(number, "b")
    storage.close_nameplate(number, "b")  # twice: still one side
    assert storage.pairing_message(number, "b", "confirm") == b"m"
    storage.close_nameplate(number, "a")
    assert storage.pairing_message(number, "b", "confirm") is None


def test_pairing_messages_are_written_once(storage: RelayStorage) -> None:
    number = storage.create_nameplate(LOW, NOW, NOW + 600)
    assert storage.put_pairing_message(number, "a", "pake", b"m")
    assert not storage.put_pairing_message(number, "a", "pake", b"other")
    assert storage.pairing_message(number, "a", "pake") == b"m"


def test_nonces_and_attempts(storage: RelayStorage) -> None:
    assert storage.remember_nonce(Nonce(LOW, b"n" * 24, NOW + 600))
    assert not storage.remember_nonce(Nonce(LOW, b"n" * 24, NOW + 600))
    assert storage.remember_nonce(Nonce(HIGH, b"n" * 24, NOW + 600))  # per device
    storage.record_attempt(LOW, "127.0.0.1", "claim", NOW)
    storage.record_attempt(HIGH, "127.0.0.1", "claim", NOW)
    assert storage.pairing_attempts(LOW, "127.0.0.1", NOW - 3600) == (1, 2)
    # The addresses are kept only as long as the limit looks back: an hour.
    assert storage.sweep(NOW + 3599, 30 * 86400)["attempts"] == 0
    assert storage.sweep(NOW + 3601, 30 * 86400)["attempts"] == 2
