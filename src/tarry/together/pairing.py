"""Pairing two devices with a short code, over a relay that must learn nothing from it.

The code is a number and three words ("47-amber-river-lantern"). The number names a slot on the
relay; the words never leave the two devices. Both run SPAKE2 with the whole code as the
password, so the relay (or anyone watching) gets one online guess per code and no offline
attack; then each proves it holds the same key (a MAC over the transcript) and sends its long-term
keys encrypted under it. A wrong code fails both confirmations and burns the slot: one try per
code. The relay takes one claimant per code, for ten minutes, and limits attempts.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from pathlib import Path

from nacl.encoding import RawEncoder
from nacl.exceptions import BadSignatureError, CryptoError
from nacl.hash import blake2b
from nacl.secret import SecretBox
from nacl.signing import VerifyKey
from nacl.utils import random as random_bytes
from spake2 import SPAKE2_A, SPAKE2_B

from tarry.base.errors import Gone, InvalidInput, NotFound, Step, TarryError
from tarry.relay import protocol
from tarry.relay.protocol import b64d, b64e
from tarry.together.client import RelayClient
from tarry.together.identity import Identity, Peer

WORD_COUNT = 3
WORDS = tuple((Path(__file__).parent / "words.txt").read_text().split())
CODE_EXAMPLE = "47-amber-river-lantern"
LONG_POLL_S = 25.0
ID_A, ID_B = b"tarry-pair-a", b"tarry-pair-b"
EXPIRED = "The code expired (ten minutes) before pairing finished."


class PairingFailed(TarryError):
    """Pairing did not complete: a wrong, used or expired code, or the other side gave up."""


@dataclass(frozen=True)
class Code:
    nameplate: int
    words: tuple[str, ...]

    @property
    def text(self) -> str:
        return "-".join((str(self.nameplate), *self.words))

    @property
    def password(self) -> bytes:
        return self.text.encode()


@dataclass(frozen=True)
class Paired:
    pair_id: bytes
    peer: Peer
    safety: str


@dataclass
class Invitation:
    """The inviting side between showing the code and the other person typing it."""

    code: Code
    expires_at: float
    spake: SPAKE2_A
    message: bytes


def new_words() -> tuple[str, ...]:
    return tuple(WORDS[b] for b in random_bytes(WORD_COUNT))


def parse_code(text: str) -> Code:
    """A code as typed: number and words, split by dashes or spaces, in any case."""
    parts = text.strip().lower().replace(" ", "-").split("-")
    parts = [p for p in parts if p]
    hint = f"A code is a number and {WORD_COUNT} words, like {CODE_EXAMPLE}."
    if len(parts) != WORD_COUNT + 1 or not parts[0].isdigit():
        raise InvalidInput(f"{text.strip()!r} is not a pairing code.", hint)
    unknown = [w for w in parts[1:] if w not in WORDS]
    if unknown:
        raise InvalidInput(
            f"{unknown[0]!r} is not a word of tarry's pairing codes.",
            "Check the spelling against the other person's screen.",
        )
    return Code(int(parts[0]), tuple(parts[1:]))


def safety_number(a: Peer, b: Peer) -> str:
    """Thirty digits both people read out loud: the same on both sides only if no one is between."""
    low, high = sorted((a.sign + a.box, b.sign + b.box))
    digest = hashlib.sha512(b"tarry-safety-v1" + low + high).digest()
    groups = (int.from_bytes(digest[5 * i : 5 * i + 5], "big") % 100_000 for i in range(6))
    return " ".join(f"{g:05d}" for g in groups)


# The inviting side (a) ---------------------------------------------------------------------


def invite(client: RelayClient) -> Invitation:
    """Open a slot on the relay and post the first SPAKE2 message; show `code.text`."""
    nameplate, expires_at = client.create_nameplate()
    code = Code(nameplate, new_words())
    spake = SPAKE2_A(code.password, idA=ID_A, idB=ID_B)
    message = spake.start()
    client.put_pairing(nameplate, "a", "pake", message)
    return Invitation(code, expires_at, spake, message)


def finish_invitation(client: RelayClient, invitation: Invitation) -> Paired:
    """Wait for the other person to type the code, then confirm and swap keys."""
    code = invitation.code
    try:
        theirs = _wait(client, code.nameplate, "b", "pake", invitation.expires_at)
        key = _finish(invitation.spake, theirs)
        transcript = _transcript(code.nameplate, invitation.message, theirs)
        return _confirm(client, code.nameplate, "a", key, transcript, invitation.expires_at)
    finally:
        _close(client, code.nameplate)


# The side that types the code (b) -----------------------------------------------------------


def accept(client: RelayClient, code: Code) -> Paired:
    """Claim the code's slot (once, ever), run SPAKE2, confirm and swap keys."""
    expires_at = client.claim(code.nameplate)
    spake = SPAKE2_B(code.password, idA=ID_A, idB=ID_B)
    mine = spake.start()
    try:
        client.put_pairing(code.nameplate, "b", "pake", mine)
        theirs = _wait(client, code.nameplate, "a", "pake", expires_at)
        key = _finish(spake, theirs)
        transcript = _transcript(code.nameplate, theirs, mine)
        return _confirm(client, code.nameplate, "b", key, transcript, expires_at)
    finally:
        _close(client, code.nameplate)


# Both sides ---------------------------------------------------------------------------------


def _transcript(nameplate: int, message_a: bytes, message_b: bytes) -> bytes:
    return hashlib.sha256(
        b"tarry-pairing-v1" + str(nameplate).encode() + b"|" + message_a + message_b
    ).digest()


def _derive(key: bytes, transcript: bytes, label: bytes) -> bytes:
    return bytes(blake2b(transcript, digest_size=32, key=key, person=label, encoder=RawEncoder))


def _finish(spake: SPAKE2_A | SPAKE2_B, theirs: bytes) -> bytes:
    try:
        return bytes(spake.finish(theirs))
    except Exception as exc:  # spake2 raises plain errors for a malformed message
        raise PairingFailed(
            f"The other side's pairing message is not valid ({exc}).", step=Step.PAIR_AGAIN
        ) from None


def _confirm(
    client: RelayClient, nameplate: int, side: str, key: bytes, transcript: bytes, deadline: float
) -> Paired:
    other = "b" if side == "a" else "a"
    me = client.identity
    client.put_pairing(nameplate, side, "confirm", _confirmation(me, key, transcript, side))
    theirs = _wait(client, nameplate, other, "confirm", deadline)
    mac = _derive(key, transcript, b"tarry-confirm-" + other.encode())
    if not hmac.compare_digest(theirs[:32], mac):
        raise PairingFailed(
            "The pairing code did not match on both sides (mistyped, or someone guessed).",
            "The code is used up.",
            step=Step.PAIR_AGAIN,
        )
    peer = _identity_of(
        theirs[32:], _derive(key, transcript, b"tarry-ident-" + other.encode()), transcript
    )
    mine = Peer(me.sign_public, me.box_public)
    pair_id = protocol.pair_id_of(me.sign_public, peer.sign, transcript)
    return Paired(pair_id, peer, safety_number(mine, peer))


def _confirmation(me: Identity, key: bytes, transcript: bytes, side: str) -> bytes:
    mac = _derive(key, transcript, b"tarry-confirm-" + side.encode())
    proof = me.sign(b"tarry-pair-proof-v1" + transcript + me.box_public)
    payload = json.dumps(
        {"sign": b64e(me.sign_public), "box": b64e(me.box_public), "proof": b64e(proof)}
    ).encode()
    box = SecretBox(_derive(key, transcript, b"tarry-ident-" + side.encode()))
    return mac + bytes(box.encrypt(payload))


def _identity_of(sealed: bytes, key: bytes, transcript: bytes) -> Peer:
    try:
        data = json.loads(SecretBox(key).decrypt(sealed))
        peer = Peer(b64d(data["sign"]), b64d(data["box"]))
        VerifyKey(peer.sign).verify(
            b"tarry-pair-proof-v1" + transcript + peer.box, b64d(data["proof"])
        )
    except (CryptoError, BadSignatureError, ValueError, KeyError, TypeError):
        raise PairingFailed(
            "The other device's keys did not check out.", step=Step.PAIR_AGAIN
        ) from None
    return peer


def _wait(client: RelayClient, nameplate: int, side: str, phase: str, deadline: float) -> bytes:
    """The other side's message, long-polling until the code expires.

    Each side closes the code when it is done, and the relay keeps what was written until both
    have closed, so the side that reads last (on a slow machine, often the inviter) still finds
    the other's message: Gone means the other side closed without writing it (it gave up).
    """
    while True:
        left = deadline - time.time()
        if left <= 0:
            raise PairingFailed(EXPIRED, step=Step.PAIR_AGAIN)
        try:
            body = client.get_pairing(nameplate, side, phase, min(LONG_POLL_S, left))
        except Gone:
            raise PairingFailed(
                "The other side gave up, or the code was used.", step=Step.PAIR_AGAIN
            ) from None
        except NotFound:
            raise PairingFailed(EXPIRED, step=Step.PAIR_AGAIN) from None
        if body is not None:
            return body


def _close(client: RelayClient, nameplate: int) -> None:
    with contextlib.suppress(TarryError):  # already closed or expired: dead either way
        client.close_nameplate(nameplate)
