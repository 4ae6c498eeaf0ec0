"""A relay that tampers, replays, reorders, drops, duplicates or forges is caught and named, and
what it altered is never believed; a dump of its database holds no plaintext."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from nacl.public import PublicKey, SealedBox
from nacl.signing import SigningKey

from tarry.relay.protocol import PAD_TO, b64d, b64e
from tarry.store import Store
from tarry.together import envelope, inbox, outbox, pairs, rounds, shared_time, sync

from .conftest import LiveRelay, Two, dump, pair_up


def flip(messages: list[dict[str, Any]], _: dict[str, Any]) -> list[dict[str, Any]]:
    body = bytearray(b64d(messages[0]["body"]))
    body[len(body) // 2] ^= 0x01
    return [{**messages[0], "body": b64e(bytes(body))}, *messages[1:]]


def duplicate(messages: list[dict[str, Any]], _: dict[str, Any]) -> list[dict[str, Any]]:
    return [messages[0], *messages]


def reorder(messages: list[dict[str, Any]], _: dict[str, Any]) -> list[dict[str, Any]]:
    return [messages[1], messages[0], *messages[2:]]


def drop(messages: list[dict[str, Any]], _: dict[str, Any]) -> list[dict[str, Any]]:
    return messages[1:]


def replay(messages: list[dict[str, Any]], state: dict[str, Any]) -> list[dict[str, Any]]:
    return [*state["seen"][:1], *messages]


def send_three(two: Two) -> None:
    for depth in (3, 4, 1):
        rounds.set_depth(two.a, two.pair_a(), depth)
    assert sync.sync(two.a).sent == 3


@pytest.mark.parametrize(
    ("mutate", "kind", "seq"),
    [
        (flip, "tampered", 1),
        (duplicate, "duplicated", 1),
        (reorder, "reordered", 2),
        (drop, "dropped", 2),
    ],
)
def test_a_misbehaving_relay_is_named_and_not_believed(
    two: Two, relay: LiveRelay, mutate: Any, kind: str, seq: int
) -> None:
    send_three(two)
    relay.evil.mutate = mutate
    report = sync.sync(two.b)
    assert [(a.kind, a.seq) for a in report.alerts] == [(kind, seq)]
    assert "It was not believed" in report.alerts[0].text() and "Alex" in report.alerts[0].text()
    expected_accepted = 3 if kind == "duplicated" else 0
    assert two.pair_b().recv_seq == expected_accepted
    relay.evil.mutate = None  # honest again: everything arrives, once, in order
    sync.sync(two.b)
    assert (two.pair_b().recv_seq, two.pair_b().depth_theirs) == (3, 1)


def test_a_replayed_message_is_named(two: Two, relay: LiveRelay) -> None:
    rounds.set_depth(two.a, two.pair_a(), 3)
    sync.sync(two.a)
    assert sync.sync(two.b).received == 1  # received and acknowledged
    rounds.set_depth(two.a, two.pair_a(), 4)
    sync.sync(two.a)
    relay.evil.mutate = replay
    report = sync.sync(two.b)
    assert [(a.kind, a.seq) for a in report.alerts] == [("replayed", 1)]
    assert (report.received, two.pair_b().depth_theirs) == (1, 4)  # the new one, once


def sealed_to(store: Store, inner: dict[str, Any], signer: SigningKey) -> str:
    """A message as the relay delivers it: signed by `signer`, sealed to `store`'s device."""
    text = envelope.canonical(inner)
    signed = signer.sign(text).signature + text
    framed = len(signed).to_bytes(4, "big") + signed
    framed += bytes(-len(framed) % PAD_TO)
    box = SealedBox(PublicKey(pairs.identity.of_store(store).box_public))
    return b64e(bytes(box.encrypt(framed)))


def from_alex(two: Two, seq: int, prev: bytes, content: dict[str, Any]) -> dict[str, Any]:
    """The inside of a depth.set message from Alex to Sam, in every field as tarry writes it."""
    pair = two.pair_b()
    return {
        "v": envelope.VERSION,
        "pair": pair.pair_id.hex(),
        "from": b64e(pair.peer.sign),
        "to": b64e(pairs.identity.of_store(two.b).sign_public),
        "seq": seq,
        "prev": b64e(prev),
        "kind": "depth.set",
        "at": "2030-01-01T00:00:00",
        "content": content,
    }


def alex_key(two: Two) -> SigningKey:
    return pairs.identity.of_store(two.a).signing


def test_a_forged_message_is_named(two: Two, relay: LiveRelay) -> None:
    rounds.set_depth(two.a, two.pair_a(), 3)
    sync.sync(two.a)
    pair = two.pair_b()
    # Well formed in every field, numbered and chained right; only the signature is not Alex's:
    # a relay can seal to Sam's public key, but it cannot sign as Alex.
    inner = from_alex(two, 1, envelope.genesis(pair.pair_id, pair.peer.sign), {"depth": 4})
    forged = sealed_to(two.b, inner, SigningKey.generate())

    def forge(messages: list[dict[str, Any]], _: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"seq": 1, "body": forged, "at": 0}]

    relay.evil.mutate = forge
    report = sync.sync(two.b)
    assert [(a.kind, a.seq) for a in report.alerts] == [("forged", 1)]
    assert (two.pair_b().recv_seq, two.pair_b().depth_theirs) == (0, 2)


def test_a_renumbered_message_is_named(two: Two, relay: LiveRelay) -> None:
    send_three(two)

    def renumber(messages: list[dict[str, Any]], _: dict[str, Any]) -> list[dict[str, Any]]:
        return [{**messages[1], "seq": 1}]  # message 2 passed off as the first

    relay.evil.mutate = renumber
    report = sync.sync(two.b)
    assert [(a.kind, a.seq) for a in report.alerts] == [("tampered", 1)]
    assert "message 2 was delivered as number 1" in report.alerts[0].detail
    assert two.pair_b().recv_seq == 0


def test_a_message_from_another_pair_is_named(two: Two, relay: LiveRelay) -> None:
    """Signed by Alex, numbered and chained right, but written in an earlier pair of the same two
    devices (they unpaired and paired again): the relay cannot move it into this one."""
    rounds.set_depth(two.a, two.pair_a(), 3)
    sync.sync(two.a)
    pair = two.pair_b()
    inner = from_alex(two, 1, envelope.genesis(pair.pair_id, pair.peer.sign), {"depth": 4})
    moved = sealed_to(two.b, {**inner, "pair": "ab" * 16}, alex_key(two))
    relay.evil.mutate = lambda messages, _: [{"seq": 1, "body": moved, "at": 0}]
    report = sync.sync(two.b)
    assert [(a.kind, a.seq) for a in report.alerts] == [("tampered", 1)]
    assert "addressed to another pair" in report.alerts[0].detail
    assert (two.pair_b().recv_seq, two.pair_b().depth_theirs) == (0, 2)


def test_a_fork_in_the_chain_is_named(two: Two, relay: LiveRelay) -> None:
    """Alex's device signed two different messages 2 (say, it was restored from an old backup)
    and the relay delivers the other one: the honest message 3 does not follow it."""
    send_three(two)
    relay.evil.mutate = lambda messages, _: messages[:1]
    assert sync.sync(two.b).received == 1
    head = two.pair_b()
    other = sealed_to(two.b, from_alex(two, 2, head_hash(two), {"depth": 2}), alex_key(two))
    relay.evil.mutate = lambda messages, _: [{**messages[0], "body": other}, *messages[1:]]
    report = sync.sync(two.b)
    assert [(a.kind, a.seq) for a in report.alerts] == [("forged", 3)]
    assert "does not follow the one before" in report.alerts[0].detail
    assert two.pair_b().recv_seq == head.recv_seq + 1 == 2  # 3 was not believed


def test_a_second_message_with_a_used_number_is_named(two: Two, relay: LiveRelay) -> None:
    """Alex's device signed two different messages 1; Sam has one, the relay offers the other."""
    rounds.set_depth(two.a, two.pair_a(), 3)
    sync.sync(two.a)
    pair = two.pair_b()
    genesis = envelope.genesis(pair.pair_id, pair.peer.sign)
    assert sync.sync(two.b).received == 1
    other = sealed_to(two.b, from_alex(two, 1, genesis, {"depth": 2}), alex_key(two))
    relay.evil.mutate = lambda messages, _: [{"seq": 1, "body": other, "at": 0}]
    report = sync.sync(two.b)
    assert [(a.kind, a.seq) for a in report.alerts] == [("forged", 1)]
    assert "a different message with a number already used" in report.alerts[0].detail
    assert two.pair_b().depth_theirs == 3


def head_hash(two: Two) -> bytes:
    row = two.b.one("SELECT recv_hash FROM together_pairs")
    assert row is not None
    return bytes(row[0])


def test_sync_in_the_cli_names_the_relay_and_exits_2(
    two: Two, relay: LiveRelay, cli, monkeypatch, tmp_path
) -> None:
    send_three(two)
    relay.evil.mutate = flip
    monkeypatch.setenv("TARRY_HOME", str(tmp_path / "b"))
    two.b.close()
    result = cli("together", "sync")
    assert result.code == 2
    assert "altered message 1 from Alex" in result.stderr and relay.url in result.stderr


def test_the_relay_database_holds_no_plaintext(
    tmp_path: Path, relay_on_each_engine: LiveRelay
) -> None:
    live = relay_on_each_engine
    answer = "Canary-7f3a: the lighthouse keeper's secret"
    title = "Canary-9c1e: dinner at the lighthouse"
    with Store.open(tmp_path / "a") as a, Store.open(tmp_path / "b") as b:
        pair_up(a, b, live.url)
        two = Two(a, b)
        first = rounds.open_round(a, two.pair_a())
        sync.sync(a)
        sync.sync(b)
        rounds.answer(b, two.pair_b(), first.round_id, answer)
        sync.sync(b)
        # Alex sends without receiving, so the relay still holds Sam's answer when dumped, and
        # beside it messages whose words are sealed only once (a prompt, a proposal's title).
        second = rounds.open_round(a, two.pair_a())
        shared_time.propose(a, two.pair_a(), title, every="thursday 19:00", duration_min=60)
        assert outbox.flush(a, pairs.client_for(a), two.pair_a().pair_id) == 2
    assert live.storage.stats()["messages"] == 3
    text = dump(live)
    hex_text = text.lower()  # SQLite writes blobs as X'4A..', pg_dump bytea as \\x4a..
    secrets = (answer, title, first.prompt, second.prompt, second.prompt_id, "Sam", "Alex")
    for secret in secrets:
        assert secret not in text
        assert len(secret) < 6 or secret.encode().hex() not in hex_text, secret


def test_relay_outage_queues_and_nothing_is_lost(two: Two, relay: LiveRelay) -> None:
    a = two.pair_a()
    relay_url = a.relay
    two.a.execute("UPDATE together_pairs SET relay = 'http://127.0.0.1:9'")  # nobody listens
    found = rounds.open_round(two.a, two.pair_a())
    report = sync.try_send(two.a)
    assert report.unreachable and "Cannot reach the relay" in report.unreachable
    assert report.queued == 1 and two.pair_a().queued == 1
    two.a.execute("UPDATE together_pairs SET relay = ?", (relay_url,))
    assert sync.sync(two.a).sent == 1
    sync.sync(two.b)
    assert rounds.get(two.b, found.round_id).prompt == found.prompt


def test_alerts_are_kept_once_with_a_count(two: Two, relay: LiveRelay) -> None:
    send_three(two)
    relay.evil.mutate = flip
    sync.sync(two.b)
    sync.sync(two.b)
    [kept] = inbox.alerts(two.b)
    assert (kept.kind, kept.times) == ("tampered", 2)
    assert json.dumps(kept.to_dict())
