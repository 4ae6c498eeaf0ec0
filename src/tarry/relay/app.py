"""The relay's ASGI app: the routes of pairing and mailbox, typed errors out, a sweeper.

What handlers share (configuration, storage, signed requests) is in relay/service.py.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tarry.base.errors import TarryError
from tarry.relay import mailbox, pairing
from tarry.relay.service import Relay, RelayConfig, relay_of
from tarry.relay.wakeup import PgHint


async def render_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TarryError)
    body: dict[str, Any] = {"error": exc.message, "hint": exc.hint or ""}
    body.update(getattr(exc, "extra", {}))
    return JSONResponse(body, status_code=exc.http_status)


async def health(request: Request) -> Response:
    return JSONResponse({"ok": True, "engine": relay_of(request).storage.engine})


def create_relay_app(config: RelayConfig) -> Starlette:
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
