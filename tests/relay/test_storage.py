"""The relay's storage, alike on SQLite and PostgreSQL: order, retries, acks, retention, codes."""

from __future__ import annotations

import pytest

from tarry.relay.storage import PairGone, RelayStorage, SeqConflict

LOW, HIGH, STRANGER = b"\x01" * 32, b"\x02" * 32, b"\x03" * 32
PAIR = b"\xaa" * 16
NOW = 1_800_000_000.0


def joined(storage: RelayStorage) -> None:
    storage.join_pair(PAIR, HIGH, LOW, NOW)
    pair = storage.join_pair(PAIR, LOW, HIGH, NOW)
    assert (pair.low, pair.high, pair.joined_low, pair.joined_high) == (LOW, HIGH, True, True)


def test_migrating_twice_changes_nothing(storage: RelayStorage) -> None:
    assert storage.migrate() == []


def test_messages_are_taken_in_order_and_delivered_in_order(storage: RelayStorage) -> None:
    joined(storage)
    for seq in (1, 2, 3):
        assert storage.put_message(PAIR, 0, seq, b"c%d" % seq, NOW).stored
    assert [m.seq for m in storage.messages(PAIR, 0, 0, 100, 10**6)] == [1, 2, 3]
    assert [m.body for m in storage.messages(PAIR, 0, 1, 100, 10**6)] == [b"c2", b"c3"]
    assert storage.messages(PAIR, 1, 0, 100, 10**6) == []  # the other direction is its own


def test_a_gap_is_refused_and_a_retry_is_answered_not_stored_twice(storage: RelayStorage) -> None:
    joined(storage)
    storage.put_message(PAIR, 0, 1, b"one", NOW)
    with pytest.raises(SeqConflict) as gap:
        storage.put_message(PAIR, 0, 3, b"three", NOW)
    assert gap.value.expected == 2
    again = storage.put_message(PAIR, 0, 1, b"one", NOW)
    assert (again.stored, again.expected) == (False, 2)
    with pytest.raises(SeqConflict):
        storage.put_message(PAIR, 0, 1, b"other", NOW)
    assert storage.backlog(PAIR, 0) == 1


def test_acknowledged_messages_are_deleted_and_not_taken_again(storage: RelayStorage) -> None:
    joined(storage)
    for seq in (1, 2, 3):
        storage.put_message(PAIR, 1, seq, b"x", NOW)
    assert storage.ack(PAIR, 1, 2) == 2
    assert [m.seq for m in storage.messages(PAIR, 1, 0, 100, 10**6)] == [3]
    assert not storage.put_message(PAIR, 1, 1, b"x", NOW).stored  # a late retry of an acked one


def test_sweep_deletes_after_the_retention(storage: RelayStorage) -> None:
    joined(storage)
    storage.put_message(PAIR, 0, 1, b"old", NOW - 31 * 86400)
    storage.put_message(PAIR, 0, 2, b"new", NOW)
    assert storage.sweep(NOW, 30 * 86400)["messages"] == 1
    assert [m.seq for m in storage.messages(PAIR, 0, 0, 100, 10**6)] == [2]


def test_a_revoked_pair_takes_nothing_and_keeps_nothing(storage: RelayStorage) -> None:
    joined(storage)
    storage.put_message(PAIR, 0, 1, b"x", NOW)
    storage.revoke_pair(PAIR, NOW)
    assert storage.pair(PAIR).revoked_at == NOW  # type: ignore[union-attr]
    assert storage.backlog(PAIR, 0) == 0
    with pytest.raises(PairGone):
        storage.put_message(PAIR, 0, 2, b"x", NOW)


def test_a_pair_id_belongs_to_its_two_devices(storage: RelayStorage) -> None:
    joined(storage)
    pair = storage.join_pair(PAIR, STRANGER, LOW, NOW)
    assert pair.slot_of(STRANGER) is None and not storage.pair(b"\xbb" * 16)


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
    assert storage.remember_nonce(LOW, b"n" * 24, NOW + 600)
    assert not storage.remember_nonce(LOW, b"n" * 24, NOW + 600)
    storage.record_attempt(LOW, "127.0.0.1", "claim", NOW)
    storage.record_attempt(HIGH, "127.0.0.1", "claim", NOW)
    assert storage.pairing_attempts(LOW, "127.0.0.1", NOW - 3600) == (1, 2)
