"""Talking to the relay the person chose: signed HTTP requests, typed errors, nothing else.

This is tarry's only network code. It sends ciphertext, routing (pair ids, message numbers) and
this device's public key; never a name, a prompt or an answer.
"""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tarry.base.errors import (
    Conflict,
    Forbidden,
    Gone,
    InvalidInput,
    NotFound,
    RateLimited,
    Step,
    TarryError,
    TooLarge,
    Unauthorized,
    Unreachable,
)
from tarry.relay import protocol
from tarry.together.identity import Identity

QUEUED_HINT = "Nothing is lost: what you wrote waits in the outbox for the next sync."
BY_STATUS: dict[int, type[TarryError]] = {
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    410: Gone,
    413: TooLarge,
    429: RateLimited,
}


def check_url(url: str) -> str:
    """A relay URL: http(s)://host[:port][/prefix], without a trailing slash."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            f"{url!r} is not a relay URL.", "Give one like https://relay.example.org."
        )
    if parts.query or parts.fragment or parts.username:
        raise InvalidInput(f"{url!r}: a relay URL has no query, fragment or user name.")
    return url.strip().rstrip("/")


@dataclass
class RelayClient:
    url: str
    identity: Identity
    timeout: float = 15.0

    def request(
        self, method: str, path: str, body: bytes = b"", *, wait: float = 0.0, json_body: Any = None
    ) -> tuple[int, bytes]:
        """One signed request; (status, body). Raises Unreachable or the relay's typed error."""
        if json_body is not None:
            body = json.dumps(json_body, separators=(",", ":")).encode()
        prefix = urlsplit(self.url).path
        request = urllib.request.Request(
            self.url + path,
            data=body or None,
            method=method,
            headers=self._headers(method, prefix + path, body),
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout + wait) as response:
                return int(response.status), bytes(response.read())
        except urllib.error.HTTPError as exc:
            raise self._refused(exc) from None
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise Unreachable(
                f"Cannot reach the relay at {self.url} ({reason}).", QUEUED_HINT, step=Step.SYNC
            ) from None

    def _headers(self, method: str, target: str, body: bytes) -> dict[str, str]:
        ts, nonce = int(time.time()), protocol.b64e(secrets.token_bytes(24))
        signature = self.identity.sign(protocol.signing_text(method, target, ts, nonce, body))
        return {
            protocol.H_DEVICE: protocol.b64e(self.identity.sign_public),
            protocol.H_TIME: str(ts),
            protocol.H_NONCE: nonce,
            protocol.H_SIGNATURE: protocol.b64e(signature),
            "content-type": "application/octet-stream",
            "user-agent": "tarry",
        }

    def _refused(self, exc: urllib.error.HTTPError) -> TarryError:
        try:
            data = json.loads(exc.read() or b"{}")
        except ValueError:
            data = {}
        message = str(data.get("error") or f"The relay answered {exc.code} {exc.reason}.")
        kind = BY_STATUS.get(exc.code)
        if kind is None:
            failed = f"The relay at {self.url} failed: {message}"
            return Unreachable(failed, QUEUED_HINT, step=Step.SYNC)
        error = kind(f"The relay refused: {message}", str(data.get("hint") or "") or None)
        error.expected = data.get("expected")
        return error

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        status, body = self.request(method, path, **kwargs)
        return json.loads(body) if body and status != 204 else None

    # pairing -----------------------------------------------------------------------------

    def create_nameplate(self) -> tuple[int, float]:
        data = self.json("POST", "/v1/pairing")
        return int(data["nameplate"]), float(data["expires_at"])

    def claim(self, nameplate: int) -> float:
        """Take the other side of a code; returns when it expires (the relay's clock)."""
        return float(self.json("POST", f"/v1/pairing/{nameplate}/claim")["expires_at"])

    def put_pairing(self, nameplate: int, side: str, phase: str, body: bytes) -> None:
        self.request("PUT", f"/v1/pairing/{nameplate}/{side}/{phase}", body)

    def get_pairing(self, nameplate: int, side: str, phase: str, wait: float) -> bytes | None:
        path = f"/v1/pairing/{nameplate}/{side}/{phase}?wait={wait:g}"
        status, body = self.request("GET", path, wait=wait)
        return body if status == 200 else None

    def close_nameplate(self, nameplate: int) -> None:
        self.request("DELETE", f"/v1/pairing/{nameplate}")

    # pairs and messages ------------------------------------------------------------------

    def join(self, pair_id: bytes, peer: bytes) -> None:
        self.json(
            "POST", "/v1/pairs", json_body={"pair_id": pair_id.hex(), "peer": protocol.b64e(peer)}
        )

    def revoke(self, pair_id: bytes) -> None:
        self.request("DELETE", f"/v1/pairs/{pair_id.hex()}")

    def post(self, pair_id: bytes, seq: int, body: bytes) -> int:
        """Post message `seq`; returns the next number the relay expects."""
        return int(self.json("PUT", f"/v1/pairs/{pair_id.hex()}/messages/{seq}", body=body)["next"])

    def inbox(self, after: dict[bytes, int], wait: float = 0.0) -> dict[bytes, Any]:
        data = self.json(
            "POST",
            "/v1/inbox",
            wait=wait,
            json_body={"pairs": {p.hex(): n for p, n in after.items()}, "wait": wait},
        )
        return {bytes.fromhex(k): v for k, v in data["pairs"].items()}

    def ack(self, pair_id: bytes, upto: int) -> None:
        self.json("POST", f"/v1/pairs/{pair_id.hex()}/ack", json_body={"upto": upto})
