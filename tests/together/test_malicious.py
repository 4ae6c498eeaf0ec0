"""A relay that tampers, replays, reorders, drops, duplicates or forges is caught and named, and
what it altered is never believed; a dump of its database holds no plaintext."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from nacl.public import PublicKey, SealedBox
from nacl.signing import SigningKey

from tarry.relay.protocol import b64d, b64e
from tarry.together import envelope, inbox, pairs, rounds, sync

from .conftest import LiveRelay, Two


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


def test_a_forged_message_is_named(two: Two, relay: LiveRelay) -> None:
    rounds.set_depth(two.a, two.pair_a(), 3)
    sync.sync(two.a)
    target = two.pair_b()
    me = envelope.canonical({"kind": "depth.set", "content": {"depth": 4}})
    forger = SigningKey.generate()  # a relay can seal to Sam's public key, but not sign as Alex
    sealed = SealedBox(PublicKey(pairs.identity.of_store(two.b).box_public))
    signed = forger.sign(me).signature + me
    framed = len(signed).to_bytes(4, "big") + signed

    def forge(messages: list[dict[str, Any]], _: dict[str, Any]) -> list[dict[str, Any]]:
        return [{"seq": 1, "body": b64e(bytes(sealed.encrypt(framed))), "at": 0}]

    relay.evil.mutate = forge
    report = sync.sync(two.b)
    assert [(a.kind, a.seq) for a in report.alerts] == [("forged", 1)]
    assert two.pair_b().depth_theirs == target.depth_theirs == 2


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


def test_the_relay_database_holds_no_plaintext(two: Two, relay: LiveRelay) -> None:
    canary = "Canary-7f3a: the lighthouse keeper's secret"
    found = rounds.open_round(two.a, two.pair_a())
    sync.sync(two.a)
    sync.sync(two.b)
    rounds.answer(two.b, two.pair_b(), found.round_id, canary + " (Sam)")
    sync.sync(two.b)
    # Nothing acknowledged yet on this side: the relay still holds the messages when dumped.
    dump = "\n".join(sqlite3.connect(relay.storage.path).iterdump())
    for secret in (canary, "Sam", "Alex", found.prompt, found.prompt_id):
        assert secret not in dump
        assert secret.encode().hex() not in dump
    assert relay.storage.stats()["messages"] >= 1


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
