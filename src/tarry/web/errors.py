"""The one error path of the web app: every exception becomes a page (or JSON) in the browser's
words. tarry's own errors, a damaged or busy store and a full disk are explained as the CLI
explains them (store/connection.py:explained); anything else is a 500 that says so plainly and is
logged with its traceback. The words themselves are in words.py."""

from __future__ import annotations

import logging
import sqlite3

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tarry.base.errors import TarryError
from tarry.store.connection import explained
from tarry.web.pages import render, wants_json
from tarry.web.security import SAFE_METHODS
from tarry.web.words import shown
from tarry.web.writes import busy_response, is_busy

log = logging.getLogger("tarry.web")


class Unexpected(TarryError):
    """Anything tarry did not foresee: a bug. Said plainly; the traceback goes to the log."""

    http_status = 500


class PageNotFound(TarryError):
    http_status = 404


def as_tarry_error(request: Request, exc: Exception) -> TarryError:
    """Every exception as a typed error: explained, a missing page, or unexpected (logged)."""
    if isinstance(exc, HTTPException):
        if exc.status_code == 404:
            return PageNotFound(f"There is no page at {request.url.path}.")
        error = TarryError(exc.detail or "The request was refused.")
        error.http_status = exc.status_code
        return error
    found = explained(exc, request.app.state.config.home.db)
    if found is not None:
        return found
    log.error("Unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return Unexpected(
        "Something went wrong inside tarry; this is a bug, not something you did.",
        "What you sent may not have been saved: check, then try again. The details are in the"
        " log of the terminal running tarry.",
    )


async def render_error(request: Request, exc: Exception) -> Response:
    """The one handler for every exception: a page, or JSON for a .json address."""
    if busy_write(request, exc) and not wants_json(request):
        return busy_response(request)  # keeps what was typed, to post again
    error = as_tarry_error(request, exc)
    view = shown(error)
    if wants_json(request):
        return JSONResponse(view.to_dict(), status_code=view.status)
    return render(request, "error.html", {"shown": view}, status_code=view.status)


def busy_write(request: Request, exc: Exception) -> bool:
    """A write that waited for the store past its timeout (another process holds it)."""
    return (
        request.method not in SAFE_METHODS
        and isinstance(exc, sqlite3.OperationalError)
        and is_busy(exc)
    )


# Starlette picks a handler by the exception's class: every one of these comes here. The first
# four are answered inside the app; Exception is the server's last resort (it logs it too).
HANDLED: tuple[type[Exception], ...] = (
    HTTPException,
    TarryError,
    sqlite3.Error,
    OSError,
    Exception,
)
