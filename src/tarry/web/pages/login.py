"""Signing in with the password, for a server deliberately bound off loopback."""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from tarry.base.errors import LockedError
from tarry.web.pages import render
from tarry.web.security import COOKIE, Guard


async def login_form(request: Request) -> Response:
    return render(request, "login.html", {})


async def login(request: Request) -> Response:
    guard: Guard = request.app.state.config.guard
    form = await request.form()
    session = guard.login(str(form.get("password", "")))
    if session is None:
        await asyncio.sleep(1)  # slows guessing
        raise LockedError(
            "Wrong password.", "Try again; the password is in the file given to serve."
        )
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, session, httponly=True, samesite="strict", path="/")
    return response


def routes() -> list[BaseRoute]:
    return [Route("/login", login_form, methods=["GET"]), Route("/login", login, methods=["POST"])]
