"""The relay as its handlers see it: configuration, storage, the clock, limits and wake-ups, and
reading a signed request's body. The routes (pairing, mailbox) and the app (app.py) build on it.

Relay processes keep no state of their own beyond rate-limit buckets and waiting long-polls, so
several can run behind a load balancer against one PostgreSQL database.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from tarry.base.errors import InvalidInput, TooLarge, Unauthorized
from tarry.relay import protocol
from tarry.relay.auth import Limiter, Signed, verify
from tarry.relay.storage import Nonce, RelayStorage
from tarry.relay.wakeup import PgHint, Waiters

T = TypeVar("T")


@dataclass
class RelayConfig:
    """What one relay process works with; the limits are per device unless named otherwise."""

    storage: RelayStorage
    requests_per_s: float = 20.0
    request_burst: float = 60.0
    pairings_per_hour_device: int = 10
    pairings_per_hour_ip: int = 30
    pairing_ttl_s: float = protocol.PAIRING_TTL_S  # shorter only (tests); never past ten minutes
    sweep_every_s: float = 60.0
    retention_s: float = protocol.RETENTION_S
    hint_dsn: str | None = None  # PostgreSQL: LISTEN/NOTIFY wake-ups across processes
    clock: Callable[[], float] = time.time
    waiters: Waiters = field(default_factory=Waiters)


class Relay:
    """The pieces a handler needs: storage, the clock, limits, wake-ups."""

    def __init__(self, config: RelayConfig) -> None:
        self.config = config
        self.storage = config.storage
        self.waiters = config.waiters
        self.limiter = Limiter(config.requests_per_s, config.request_burst)
        self.hint: PgHint | None = None

    def now(self) -> float:
        return self.config.clock()

    async def db(self, fn: Callable[..., T], *args: Any) -> T:
        return await run_in_threadpool(fn, *args)

    def wake(self, key: bytes) -> None:
        self.waiters.wake([key])
        if self.hint is not None:
            self.hint.publish(key)

    async def signed(self, request: Request, body: bytes) -> Signed:
        """The request's device, once its signature checks out and its rate allows.

        A write must also be taken only once: `signed_write` remembers its nonce at once, and
        the hot paths (a message, an acknowledgement) hand `nonce(who)` to their storage call,
        which remembers it in the same transaction as the write.
        """
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        headers = {k.lower(): v for k, v in request.headers.items()}
        who = verify(request.method, target, headers, body, self.now())
        self.limiter.take(who.device)
        return who

    async def signed_write(self, request: Request, body: bytes) -> Signed:
        """As `signed`, and the write's nonce remembered now: the same write is refused twice."""
        who = await self.signed(request, body)
        if not await self.db(self.storage.remember_nonce, self.nonce(who)):
            raise replayed()
        return who

    def nonce(self, who: Signed) -> Nonce:
        """The nonce to remember for a write, for as long as its signature could be accepted."""
        return Nonce(who.device, who.nonce, self.now() + 2 * protocol.MAX_SKEW_S)


def replayed() -> Unauthorized:
    return Unauthorized(
        "This request was already made once (a replay).", "Sign each request with a fresh nonce."
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused as soon as it passes `limit` bytes."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"The body is {declared} bytes; the limit is {limit}.")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"The body is over the limit of {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def json_of(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError as exc:
        raise InvalidInput(f"The body is not JSON ({exc}).") from None
    if not isinstance(data, dict):
        raise InvalidInput("The body must be a JSON object.")
    return data


def relay_of(request: Request) -> Relay:
    relay: Relay = request.app.state.relay
    return relay
