"""Sealed messages between two paired devices: signed, numbered, chained, then encrypted.

inner  = canonical JSON {v, pair, from, to, seq, prev, kind, at, content}
signed = Ed25519 signature (64 bytes) || inner             (the sender's identity key)
body   = SealedBox(recipient's X25519 key).encrypt(len || signed || padding)

`seq` counts the messages of one direction from 1, and `prev` is the hash of the one before
(a hash chain per direction, starting from a value fixed by the pair and the sender). What the
relay may do to a message, and what the recipient then sees: change a byte (it no longer opens:
tampered), make one up (it opens but is not signed by the peer: forged), change its number
(the signed number differs: tampered). Replays, duplicates, drops and reordering are found from
the numbers and the chain (tarry.together.inbox).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import SealedBox

from tarry.relay.protocol import PAD_TO, b64d, b64e
from tarry.together.identity import Identity, Peer

VERSION = 1


class Unopened(Exception):
    """A message that cannot be believed; `kind` names why (tampered or forged)."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class Opened:
    seq: int
    prev: bytes
    kind: str
    at: str
    content: dict[str, Any]
    hash: bytes


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def genesis(pair_id: bytes, sender: bytes) -> bytes:
    """The hash before a direction's first message."""
    return hashlib.sha256(b"tarry-chain-v1" + pair_id + sender).digest()


def seal(
    me: Identity,
    peer: Peer,
    pair_id: bytes,
    seq: int,
    prev: bytes,
    kind: str,
    content: Any,
    at: str,
) -> tuple[bytes, bytes]:
    """(body to post, hash of this message for the chain)."""
    inner = canonical(
        {
            "v": VERSION,
            "pair": pair_id.hex(),
            "from": b64e(me.sign_public),
            "to": b64e(peer.sign),
            "seq": seq,
            "prev": b64e(prev),
            "kind": kind,
            "at": at,
            "content": content,
        }
    )
    signed = me.sign(inner) + inner
    framed = len(signed).to_bytes(4, "big") + signed
    framed += bytes(-len(framed) % PAD_TO)
    return bytes(SealedBox(peer.box_key).encrypt(framed)), hashlib.sha256(inner).digest()


def open_(me: Identity, peer: Peer, pair_id: bytes, seq: int, body: bytes) -> Opened:
    """Open message `seq` of `peer`; raise Unopened naming what the relay did otherwise."""
    try:
        framed = SealedBox(me.box).decrypt(body)
    except (CryptoError, ValueError, TypeError):
        raise Unopened("tampered", f"message {seq} does not decrypt: it was altered") from None
    size = int.from_bytes(framed[:4], "big")
    signed = framed[4 : 4 + size]
    if size < 64 or len(signed) != size:
        raise Unopened("forged", f"message {seq} is not framed as tarry frames messages")
    signature, inner = signed[:64], signed[64:]
    try:
        peer.verify_key.verify(inner, signature)
    except (BadSignatureError, ValueError):
        raise Unopened("forged", f"message {seq} is not signed by the paired device") from None
    return _checked(me, peer, pair_id, seq, inner)


def _checked(me: Identity, peer: Peer, pair_id: bytes, seq: int, inner: bytes) -> Opened:
    try:
        data = json.loads(inner)
        route = (data["v"], data["pair"], b64d(data["from"]), b64d(data["to"]))
        opened = Opened(
            int(data["seq"]),
            b64d(data["prev"]),
            str(data["kind"]),
            str(data["at"]),
            dict(data["content"]),
            hashlib.sha256(inner).digest(),
        )
    except (ValueError, KeyError, TypeError):
        raise Unopened(
            "unreadable", f"message {seq} is signed but not in a form this tarry reads"
        ) from None
    if route != (VERSION, pair_id.hex(), peer.sign, me.sign_public):
        raise Unopened("tampered", f"message {seq} was addressed to another pair or device")
    if opened.seq != seq:
        raise Unopened("tampered", f"message {opened.seq} was delivered as number {seq}")
    return opened
