"""The relay's ASGI app: signed requests in, ciphertext and routing stored, typed errors out.

Relay processes keep no state of their own beyond rate-limit buckets and waiting long-polls, so
several can run behind a load balancer against one PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tarry.base.errors import InvalidInput, TarryError, TooLarge, Unauthorized
from tarry.relay import protocol
from tarry.relay.auth import Limiter, Signed, verify
from tarry.relay.storage import RelayStorage
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

    async def signed(self, request: Request, body: bytes, *, write: bool) -> Signed:
        """The request's device, after its signature (and for writes its nonce) checks out."""
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        headers = {k.lower(): v for k, v in request.headers.items()}
        who = verify(request.method, target, headers, body, self.now())
        self.limiter.take(who.device)
        expires = self.now() + 2 * protocol.MAX_SKEW_S
        if write and not await self.db(self.storage.remember_nonce, who.device, who.nonce, expires):
            raise Unauthorized(
                "This request was already made once (a replay).",
                "Sign each request with a fresh nonce.",
            )
        return who


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
    import json

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


async def render_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TarryError)
    body: dict[str, Any] = {"error": exc.message, "hint": exc.hint or ""}
    body.update(getattr(exc, "extra", {}))
    return JSONResponse(body, status_code=exc.http_status)


async def health(request: Request) -> Response:
    return JSONResponse({"ok": True, "engine": relay_of(request).storage.engine})


def create_relay_app(config: RelayConfig) -> Starlette:
    from tarry.relay import mailbox, pairing

    relay = Relay(config)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        relay.waiters.loop = asyncio.get_running_loop()
        if config.hint_dsn:
            relay.hint = PgHint(config.hint_dsn, relay.waiters)
        sweeper = asyncio.create_task(_sweep_forever(relay))
        try:
            yield
        finally:
            sweeper.cancel()
            if relay.hint is not None:
                relay.hint.stop()

    app = Starlette(
        routes=[Route("/v1/health", health), *pairing.routes(), *mailbox.routes()],
        exception_handlers={TarryError: render_error},
        lifespan=lifespan,
    )
    app.state.relay = relay
    return app


async def _sweep_forever(relay: Relay) -> None:
    while True:
        with contextlib.suppress(Exception):  # a failed sweep is retried at the next one
            await relay.db(relay.storage.sweep, relay.now(), relay.config.retention_s)
        await asyncio.sleep(relay.config.sweep_every_s)
