"""Writes run off the event loop, and a busy store gets a page that keeps the form.

Every state-changing request (POST and the like: the only ones that write) runs in a worker
thread with an event loop of its own. A write that waits for the database (a long CLI import
holds the write lock) then holds up only itself: pages, CSS and other posts go on being served.
If the store stays busy past its timeout, the answer is a "busy, try again" page (503) with what
was typed in a form that posts it again, never a bare 500.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable
from typing import Any
from urllib.parse import parse_qsl

from anyio import to_thread
from starlette.requests import Request
from starlette.responses import Response

from tarry.store.connection import SQLITE_BUSY
from tarry.web.pages import base_context, templates
from tarry.web.security import SAFE_METHODS, ASGIApp, Message, Receive, Scope, Send

BUSY_STATUS = 503


class OffLoop:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        # A busy store's error is answered inside the app, by web/errors.py (busy_response).
        await in_thread(self.app, scope, receive, send)


async def in_thread(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Run `app` for this request on a fresh event loop in a worker thread; its receive and
    send are carried out on the server's loop."""
    server = asyncio.get_running_loop()

    async def on_server(work: Awaitable[Any]) -> Any:
        async def step() -> Any:
            return await work

        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(step(), server))

    async def receiving() -> Message:
        message: Message = await on_server(receive())
        return message

    async def sending(message: Message) -> None:
        await on_server(send(message))

    async def request() -> None:
        await app(scope, receiving, sending)

    def run() -> None:
        asyncio.run(request())

    await to_thread.run_sync(run)


def is_busy(exc: sqlite3.OperationalError) -> bool:
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    return code == SQLITE_BUSY or "database is locked" in str(exc)


def busy_response(request: Request) -> Response:
    """503 "busy, try again", with what was typed in a form that posts it again."""
    state = request.scope.get("state", {})
    body = state.get("form_body")
    labels = state["form"].labels() if state.get("form") is not None else {}
    fields = [
        (labels.get(k, k.replace("_", " ")), k, v)
        for k, v in parse_qsl((body or b"").decode("utf-8", "replace"))
        if k != "_csrf"
    ]
    context: dict[str, Any] = {
        **base_context(request),
        "action": request.scope["path"],
        "fields": fields,
        "upload": body is None,
    }
    response = templates.TemplateResponse(request, "busy.html", context, status_code=BUSY_STATUS)
    response.headers["retry-after"] = "5"
    return response
