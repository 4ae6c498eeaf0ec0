"""The relay's wire format, shared by the relay and the client: signed requests, ids and limits.

Every request carries the device's Ed25519 verify key, a time, a random nonce and a signature over
`tarry-relay-v1 / method / path?query / time / nonce / sha256(body)`. There are no accounts: a
device is its key. See docs/relay.md for the endpoints.
"""

from __future__ import annotations

import base64
import binascii
import hashlib

VERSION = "tarry-relay-v1"
H_DEVICE = "x-tarry-device"
H_TIME = "x-tarry-time"
H_NONCE = "x-tarry-nonce"
H_SIGNATURE = "x-tarry-signature"

MAX_SKEW_S = 300  # a signed request is good for five minutes either side of the relay's clock
MAX_MESSAGE_BYTES = 64 * 1024  # one sealed message
MAX_PAIRING_BYTES = 4 * 1024  # one pairing message (a SPAKE2 message, a confirmation)
MAX_JSON_BYTES = 64 * 1024  # a JSON request body (the inbox request, an ack)
MAX_WAIT_S = 30  # longest long-poll
MAX_BATCH = 100  # messages per pair in one delivery
MAX_BATCH_BYTES = 1024 * 1024
MAX_BACKLOG = 10_000  # messages waiting for one recipient
PAIRING_TTL_S = 600  # a pairing code lives ten minutes
ATTEMPTS_WINDOW_S = 3600  # pairing attempts are limited, and their addresses kept, for an hour
RETENTION_S = 30 * 86400  # a message is deleted once acknowledged, and after 30 days in any case
PAD_TO = 256  # sealed messages are padded to a multiple of this, so sizes say little
PAIR_ID_BYTES = 16


def b64e(raw: bytes) -> str:
    """URL-safe base64 without padding (keys and bodies in headers and JSON)."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    """The inverse of b64e; raises ValueError on anything else."""
    if not isinstance(text, str) or len(text) > 4 * MAX_MESSAGE_BYTES:
        raise ValueError("not base64 text")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not base64: {exc}") from None


def signing_text(method: str, target: str, ts: int, nonce: str, body: bytes) -> bytes:
    """What a device signs for one request (`target` is the path and query as sent)."""
    parts = (VERSION, method.upper(), target, str(ts), nonce, hashlib.sha256(body).hexdigest())
    return "\n".join(parts).encode()


def pair_id_of(key_a: bytes, key_b: bytes, transcript: bytes) -> bytes:
    """The pair's id: both devices' verify keys (in order) and their pairing's transcript."""
    low, high = sorted((key_a, key_b))
    return hashlib.sha256(b"tarry-pair-v1" + low + high + transcript).digest()[:PAIR_ID_BYTES]


def parse_pair_id(text: str) -> bytes:
    """A pair id from a URL (hex); raises ValueError for anything else."""
    raw = bytes.fromhex(text) if len(text) == 2 * PAIR_ID_BYTES else b""
    if len(raw) != PAIR_ID_BYTES:
        raise ValueError(f"a pair id is {2 * PAIR_ID_BYTES} hex digits")
    return raw
