"""This device's long-term keys: Ed25519 to sign, X25519 to receive sealed messages.

Made on first use and kept in the person's own store (encrypted with it when the store is).
The relay knows a device only by its verify key; no name, no account.
"""

from __future__ import annotations

from dataclasses import dataclass

from nacl.public import PrivateKey, PublicKey
from nacl.signing import SigningKey, VerifyKey
from nacl.utils import random

from tarry.base import clock
from tarry.store import Store


@dataclass(frozen=True)
class Identity:
    signing: SigningKey
    box: PrivateKey

    @property
    def sign_public(self) -> bytes:
        return bytes(self.signing.verify_key)

    @property
    def box_public(self) -> bytes:
        return bytes(self.box.public_key)

    def sign(self, data: bytes) -> bytes:
        return bytes(self.signing.sign(data).signature)


@dataclass(frozen=True)
class Peer:
    """The other device of a pair, as its keys."""

    sign: bytes
    box: bytes

    @property
    def verify_key(self) -> VerifyKey:
        return VerifyKey(self.sign)

    @property
    def box_key(self) -> PublicKey:
        return PublicKey(self.box)


def of_store(store: Store) -> Identity:
    """This device's keys, made (and stored) the first time they are needed."""
    row = store.one("SELECT sign_seed, box_secret FROM together_identity WHERE id = 1")
    if row is None:
        with store.tx():
            store.execute(
                "INSERT OR IGNORE INTO together_identity (id, sign_seed, box_secret, created_at)"
                " VALUES (1, ?, ?, ?)",
                (random(32), random(32), clock.to_text(clock.now())),
            )
        row = store.one("SELECT sign_seed, box_secret FROM together_identity WHERE id = 1")
    assert row is not None
    return Identity(SigningKey(bytes(row[0])), PrivateKey(bytes(row[1])))
