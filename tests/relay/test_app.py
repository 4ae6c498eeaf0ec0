"""The relay's HTTP face, on SQLite and PostgreSQL: a request counts only when its device signed
exactly it (method, path and query, time, nonce, body), a write is taken once, strangers to a
pair are refused, and limits hold."""

from __future__ import annotations

import http.client
import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from nacl.signing import SigningKey
from tests.relay.live import serving

from tarry.relay import protocol
from tarry.relay.app import create_relay_app
from tarry.relay.service import RelayConfig
from tarry.relay.storage import RelayStorage

ALEX, SAM, CAROL = (SigningKey(bytes([n]) * 32) for n in (1, 2, 3))
PAIR = protocol.pair_id_of(bytes(ALEX.verify_key), bytes(SAM.verify_key), b"test")


def key_of(signer: SigningKey) -> str:
    return protocol.b64e(bytes(signer.verify_key))


@dataclass
class Relay:
    url: str

    def send(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        *,
        signer: SigningKey = ALEX,
        headers: dict[str, str] | None = None,
        chunked: bool = False,
    ) -> tuple[int, dict[str, Any]]:
        """One request, signed by `signer` unless `headers` are given; `chunked` sends the body
        without a declared length, in pieces."""
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        sent = signed(signer, method, path, body) if headers is None else headers
        if chunked:
            pieces = (body[i : i + 4096] for i in range(0, len(body), 4096))
            conn.request(method, path, body=pieces, headers=sent, encode_chunked=True)
        else:
            conn.request(method, path, body=body or None, headers=sent)
        response = conn.getresponse()
        raw = response.read()
        conn.close()
        return response.status, (json.loads(raw) if raw.startswith(b"{") else {})

    def join(self, signer: SigningKey, peer: SigningKey) -> int:
        body = json.dumps({"pair_id": PAIR.hex(), "peer": key_of(peer)}).encode()
        return self.send("POST", "/v1/pairs", body, signer=signer)[0]


def signed(
    signer: SigningKey,
    method: str,
    path: str,
    body: bytes,
    ts: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    nonce = nonce or protocol.b64e(secrets.token_bytes(24))
    signature = signer.sign(protocol.signing_text(method, path, ts, nonce, body)).signature
    return {
        protocol.H_DEVICE: key_of(signer),
        protocol.H_TIME: str(ts),
        protocol.H_NONCE: nonce,
        protocol.H_SIGNATURE: protocol.b64e(signature),
    }


@pytest.fixture
def relay(storage: RelayStorage) -> Iterator[Relay]:
    config = RelayConfig(storage, requests_per_s=0.01, request_burst=12)
    with serving(create_relay_app(config)) as url:
        yield Relay(url)


def joined(relay: Relay) -> None:
    assert relay.join(ALEX, SAM) == 200 and relay.join(SAM, ALEX) == 200


POST_ONE = f"/v1/pairs/{PAIR.hex()}/messages/1"
BODY = b"\x00ciphertext"


def forged_headers(case: str) -> dict[str, str]:
    """Headers for PUT POST_ONE with BODY that are wrong in one way."""
    now = int(time.time())
    if case == "unsigned":
        return {}
    if case == "another key signed it":
        return {**signed(SAM, "PUT", POST_ONE, BODY), protocol.H_DEVICE: key_of(ALEX)}
    if case == "signed for another body":
        return signed(ALEX, "PUT", POST_ONE, b"\x00other")
    if case == "signed for another path":
        return signed(ALEX, "PUT", POST_ONE.replace("/1", "/2"), BODY)
    if case == "signed for another query":
        return signed(ALEX, "PUT", POST_ONE + "?wait=1", BODY)
    if case == "signed for another method":
        return signed(ALEX, "POST", POST_ONE, BODY)
    if case == "signed at another time":
        return {**signed(ALEX, "PUT", POST_ONE, BODY, ts=now), protocol.H_TIME: str(now - 1)}
    if case == "signed with another nonce":
        return {**signed(ALEX, "PUT", POST_ONE, BODY), protocol.H_NONCE: "A" * 32}
    if case == "signed too long ago":
        return signed(ALEX, "PUT", POST_ONE, BODY, ts=now - protocol.MAX_SKEW_S - 5)
    if case == "signed in the future":
        return signed(ALEX, "PUT", POST_ONE, BODY, ts=now + protocol.MAX_SKEW_S + 5)
    assert case == "a cut signature"
    good = signed(ALEX, "PUT", POST_ONE, BODY)
    return {**good, protocol.H_SIGNATURE: good[protocol.H_SIGNATURE][:40]}


@pytest.mark.parametrize(
    ("case", "said"),
    [
        ("unsigned", "not signed"),
        ("another key signed it", "does not verify"),
        ("signed for another body", "does not verify"),
        ("signed for another path", "does not verify"),
        ("signed for another query", "does not verify"),
        ("signed for another method", "does not verify"),
        ("signed at another time", "does not verify"),
        ("signed with another nonce", "does not verify"),
        ("signed too long ago", "too far from now"),
        ("signed in the future", "too far from now"),
        ("a cut signature", "malformed"),
    ],
)
def test_only_what_the_device_signed_is_taken(relay: Relay, case: str, said: str) -> None:
    joined(relay)
    status, answer = relay.send("PUT", POST_ONE, BODY, headers=forged_headers(case))
    assert (status, said in answer["error"]) == (401, True), answer
    assert relay.send("PUT", POST_ONE, BODY)[0] == 200  # signed as it is sent: taken


WRITES = [
    ("PUT", POST_ONE, BODY),
    ("POST", f"/v1/pairs/{PAIR.hex()}/ack", b'{"upto": 1}'),
    ("POST", "/v1/pairs", json.dumps({"pair_id": PAIR.hex(), "peer": key_of(SAM)}).encode()),
    ("DELETE", f"/v1/pairs/{PAIR.hex()}", b""),
    ("POST", "/v1/pairing", b""),
    ("POST", "/v1/pairing/10/claim", b""),
    ("PUT", "/v1/pairing/10/a/pake", b"spake"),
    ("DELETE", "/v1/pairing/10", b""),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_a_write_is_taken_once_even_when_resent_word_for_word(
    relay: Relay, method: str, path: str, body: bytes
) -> None:
    joined(relay)
    headers = signed(ALEX, method, path, body)
    assert relay.send(method, path, body, headers=headers)[0] != 401  # taken, or refused for
    status, answer = relay.send(method, path, body, headers=headers)  # what it asked
    assert (status, answer["error"]) == (401, "This request was already made once (a replay).")


def test_a_stranger_can_neither_write_nor_read_nor_end_a_pair(relay: Relay) -> None:
    joined(relay)
    assert relay.send("PUT", POST_ONE, BODY)[0] == 200
    inbox = json.dumps({"pairs": {PAIR.hex(): 0}}).encode()
    ack = json.dumps({"upto": 1}).encode()
    path = f"/v1/pairs/{PAIR.hex()}"
    for method, where, body in (
        ("PUT", path + "/messages/1", BODY),
        ("POST", "/v1/inbox", inbox),
        ("POST", path + "/ack", ack),
        ("DELETE", path, b""),
    ):
        status, answer = relay.send(method, where, body, signer=CAROL)
        assert (status, answer["error"]) == (403, "This device is not in that pair."), where
    assert relay.join(CAROL, ALEX) == 403  # nor take the pair over
    status, got = relay.send("POST", "/v1/inbox", inbox, signer=SAM)
    assert [m["seq"] for m in got["pairs"][PAIR.hex()]["messages"]] == [1]


def test_a_device_is_held_to_its_request_rate(relay: Relay) -> None:
    statuses = [relay.send("GET", "/v1/pairing/10/a/pake", signer=CAROL)[0] for _ in range(13)]
    assert 429 not in statuses[:12] and statuses[12] == 429
    assert relay.send("GET", "/v1/pairing/10/a/pake", signer=SAM)[0] != 429  # per device


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "chunked"])
def test_a_body_over_the_limit_is_refused(relay: Relay, chunked: bool) -> None:
    joined(relay)
    big = bytes(protocol.MAX_MESSAGE_BYTES + 1)
    status, answer = relay.send("PUT", POST_ONE, big, chunked=chunked)
    assert status == 413 and str(protocol.MAX_MESSAGE_BYTES) in answer["error"]
    assert relay.send("PUT", POST_ONE, big[:-1], chunked=chunked)[0] == 200
