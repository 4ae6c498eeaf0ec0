"""Who is asking: every request is signed by a device key; writes are never accepted twice.

No accounts, no e-mail, no passwords: the device is its Ed25519 verify key. A signature covers the
method, path and query, the time, a nonce and the body's hash; it is good for MAX_SKEW_S either
side of the relay's clock, and a write's nonce is remembered for that long, so a captured request
cannot be played again. Each relay process also limits each device's request rate.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from tarry.base.errors import RateLimited, Unauthorized
from tarry.relay import protocol

SIGN_HINT = "Sign every request with the device key (see docs/relay.md, 'Signed requests')."
CLOCK_HINT = "Check this computer's clock: it must be within five minutes of the relay's."


@dataclass(frozen=True)
class Signed:
    device: bytes
    nonce: bytes


def verify(method: str, target: str, headers: dict[str, str], body: bytes, now: float) -> Signed:
    """Check a request's signature headers; raise Unauthorized naming what is wrong."""
    try:
        device = protocol.b64d(headers.get(protocol.H_DEVICE, ""))
        nonce_text = headers.get(protocol.H_NONCE, "")
        nonce = protocol.b64d(nonce_text)
        signature = protocol.b64d(headers.get(protocol.H_SIGNATURE, ""))
        ts = int(headers.get(protocol.H_TIME, ""))
    except ValueError:
        raise Unauthorized("This request is not signed.", SIGN_HINT) from None
    if len(device) != 32 or not 16 <= len(nonce) <= 48 or len(signature) != 64:
        raise Unauthorized("This request's signature headers are malformed.", SIGN_HINT)
    if abs(now - ts) > protocol.MAX_SKEW_S:
        raise Unauthorized(f"This request was signed at {ts}, too far from now.", CLOCK_HINT)
    text = protocol.signing_text(method, target, ts, nonce_text, body)
    try:
        VerifyKey(device).verify(text, signature)
    except (BadSignatureError, ValueError):
        raise Unauthorized("This request's signature does not verify.", SIGN_HINT) from None
    return Signed(device, nonce)


@dataclass
class Limiter:
    """A token bucket per device in this process: `rate` requests a second, bursts of `burst`."""

    rate: float = 20.0
    burst: float = 60.0
    buckets: dict[bytes, tuple[float, float]] = field(default_factory=dict)

    def take(self, device: bytes, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        tokens, last = self.buckets.get(device, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            raise RateLimited(
                "Too many requests from this device.",
                f"Wait {(1 - tokens) / self.rate:.1f} s and try again.",
            )
        self.buckets[device] = (tokens - 1, now)
        if len(self.buckets) > 200_000:  # forget idle devices, bounded memory
            self.buckets = {d: v for d, v in self.buckets.items() if now - v[1] < 60}
